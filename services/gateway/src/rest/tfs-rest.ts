import { StatusCode, toTfDataType, type EndpointMetadata, type TensorSpec } from '@demux/core';
import { tfs } from '@demux/proto';
import type { FastifyInstance } from 'fastify';
import { metered, type FrontDoor, type RequestLabels } from '../front-door.js';
import { endpointOf } from '../kserve/model-ref.js';
import { checkRequest } from '../request-check.js';
import { SERVING_SIGNATURE } from '../tfs/model-spec.js';
import { inferCallOptions } from './infer-call.js';
import { parseJsonObject } from './json-body.js';
import { predictInputs, predictResponse } from './tfs-predict-json.js';

/**
 * TensorFlow Serving's REST API (tensorflow_serving/g3doc/api_rest.md), every route with and
 * without `/versions/{version}`: model status, model metadata, and predict. Responses are TFS's
 * JSON: protobuf messages with their field names (`model_version_status`, `signature_def`),
 * enums by name, int64 as strings.
 */
interface ModelParams {
  name: string;
  version?: string;
}

const MODEL_PATHS = ['/v1/models/:name', '/v1/models/:name/versions/:version'];
// The verb follows the name after a literal colon (`::` in a route); the pattern keeps the name from swallowing it.
const PREDICT_PATHS = ['/v1/models/:name(^[^/:]+)::predict', '/v1/models/:name/versions/:version(^[^/:]+)::predict'];

function labels(method: string, params: ModelParams): RequestLabels {
  const { name, version } = endpointOf(params.name, params.version ?? '');
  return { api: 'TensorFlowServing', interface: 'REST', method, name, version };
}

function tensorInfo(spec: TensorSpec): object {
  return {
    name: spec.name,
    dtype: tfs.DataType[toTfDataType(spec.dtype)],
    tensor_shape: { dim: spec.shape.map((size) => ({ size: String(size), name: '' })), unknown_rank: false },
  };
}

function tensorInfos(specs: readonly TensorSpec[]): Record<string, object> {
  return Object.fromEntries(specs.map((spec) => [spec.name, tensorInfo(spec)]));
}

/** GetModelMetadataResponse as TFS's REST API writes it: the SignatureDefMap unpacked from its Any. */
function modelMetadata(metadata: EndpointMetadata): object {
  return {
    model_spec: { name: metadata.name, signature_name: SERVING_SIGNATURE, version: String(metadata.version) },
    metadata: {
      signature_def: {
        signature_def: {
          [SERVING_SIGNATURE]: { inputs: tensorInfos(metadata.inputs), outputs: tensorInfos(metadata.outputs), method_name: 'tensorflow/serving/predict' },
        },
      },
    },
  };
}

export function addTfsRoutes(app: FastifyInstance, door: FrontDoor): void {
  for (const path of MODEL_PATHS) {
    app.get<{ Params: ModelParams }>(path, async (request) => {
      const call = labels('GetModelStatus', request.params);
      return metered(door, call, async () => {
        const versions = await door.scheduler.status(call.name, call.version);
        return {
          model_version_status: versions.map((status) => ({
            version: String(status.version),
            state: status.state,
            status: { error_code: StatusCode[status.errorCode] ?? String(status.errorCode), error_message: status.errorMessage },
          })),
        };
      });
    });

    app.get<{ Params: ModelParams }>(`${path}/metadata`, async (request) => {
      const call = labels('GetModelMetadata', request.params);
      return metered(door, call, async () => modelMetadata(await door.catalog.metadata(call.name, call.version)));
    });
  }

  for (const path of PREDICT_PATHS) {
    app.post<{ Params: ModelParams }>(path, async (request, reply) => {
      const call = labels('Predict', request.params);
      const response = await metered(door, call, async () => {
        const body = parseJsonObject(request.body as Uint8Array | undefined);
        const metadata = await door.catalog.metadata(call.name, call.version);
        const { format, inputs } = predictInputs(body, metadata);
        checkRequest(metadata, inputs, door.maxBatchSize);
        const result = await door.scheduler.infer({ name: call.name, version: metadata.version, inputs, outputs: [], ...inferCallOptions(door, reply) });
        return predictResponse(format, result.outputs);
      });
      return reply.type('application/json').send(response);
    });
  }
}
