import { DemuxError, type EndpointMetadata, type SchedulerHealth } from '@demux/core';
import type { kserve } from '@demux/proto';
import type { FastifyInstance } from 'fastify';
import { metered, type FrontDoor, type RequestLabels } from '../front-door.js';
import { metadataResponse } from '../kserve/model-metadata.js';
import { endpointOf } from '../kserve/model-ref.js';
import { SERVER_NAME, SERVER_VERSION } from '../kserve/server-metadata.js';
import { checkRequest, checkRequestedOutputs } from '../request-check.js';
import { inferCallOptions } from './infer-call.js';
import { parseJsonObject } from './json-body.js';
import { HEADER_LENGTH, splitInferBody } from './kserve-binary.js';
import { inferResponseBody, readInferRequest } from './kserve-infer-json.js';

/**
 * KServe v2 (Open Inference Protocol) REST: health, server and model metadata, model readiness
 * and inference, every model route with and without `/versions/{version}`. Answers agree with
 * the KServe gRPC API's; a server or model that is not ready answers 400, as Triton does (OVMS
 * answers 503 and 404), with the reason as an error body.
 */
interface ModelParams {
  name: string;
  version?: string;
}

const MODEL_PATHS = ['/v2/models/:name', '/v2/models/:name/versions/:version'];

const SERVER_METADATA = { name: SERVER_NAME, version: SERVER_VERSION, extensions: ['binary_tensor_data'] };

function serverLabels(method: string): RequestLabels {
  return { api: 'KServe', interface: 'REST', method, name: '' };
}

function modelLabels(method: string, params: ModelParams): RequestLabels {
  const { name, version } = endpointOf(params.name, params.version ?? '');
  return { api: 'KServe', interface: 'REST', method, name, version };
}

/** The gRPC API's metadata response, with JSON numbers for its int64 dims. */
function modelMetadata(metadata: EndpointMetadata, versions: readonly number[]): object {
  const response = metadataResponse(metadata, versions);
  const json = (tensor: kserve.ModelMetadataResponse_TensorMetadata) => ({ ...tensor, shape: tensor.shape.map(Number) });
  return { ...response, inputs: response.inputs.map(json), outputs: response.outputs.map(json) };
}

/** An unreachable scheduler means this gateway cannot serve: not ready, with the reason. */
function healthOf(door: FrontDoor): Promise<SchedulerHealth> {
  return door.scheduler.health().catch((error: unknown) => ({ ready: false, unready: [DemuxError.from(error).message] }));
}

export function addKServeRoutes(app: FastifyInstance, door: FrontDoor): void {
  app.get('/v2/health/live', async () => metered(door, serverLabels('ServerLive'), async () => ({ live: true })));

  app.get('/v2/health/ready', async (_request, reply) => {
    const health = await metered(door, serverLabels('ServerReady'), () => healthOf(door));
    return health.ready ? { ready: true } : reply.code(400).send({ error: `not ready: ${health.unready.join('; ')}` });
  });

  app.get('/v2', async () => metered(door, serverLabels('ServerMetadata'), async () => SERVER_METADATA));

  for (const path of MODEL_PATHS) {
    app.get<{ Params: ModelParams }>(path, async (request) => {
      const call = modelLabels('ModelMetadata', request.params);
      return metered(door, call, async () => {
        const metadata = await door.catalog.metadata(call.name, call.version);
        const served = await door.scheduler.status(call.name);
        return modelMetadata(metadata, served.map((status) => status.version));
      });
    });

    app.get<{ Params: ModelParams }>(`${path}/ready`, async (request, reply) => {
      const call = modelLabels('ModelReady', request.params);
      const status = await metered(door, call, async () => {
        // The scheduler decides which version is the default; asked without one, status() lists them all.
        const { version } = await door.catalog.metadata(call.name, call.version);
        const [served] = await door.scheduler.status(call.name, version);
        if (!served) throw DemuxError.notFound(`${call.name} has no version ${version}`);
        return served;
      });
      return status.state === 'AVAILABLE'
        ? { name: call.name, ready: true }
        : reply.code(400).send({ error: `${call.name} version ${status.version} is not ready (${status.state}): ${status.errorMessage}` });
    });

    app.post<{ Params: ModelParams }>(`${path}/infer`, async (request, reply) => {
      const call = modelLabels('ModelInfer', request.params);
      const response = await metered(door, call, async () => {
        const { header, binary } = splitInferBody((request.body as Uint8Array | undefined) ?? new Uint8Array(0), request.headers[HEADER_LENGTH]);
        const parsed = readInferRequest(parseJsonObject(header), binary);
        const metadata = await door.catalog.metadata(call.name, call.version);
        checkRequest(metadata, parsed.inputs, door.maxBatchSize);
        const outputs = parsed.outputs.map((output) => output.name);
        checkRequestedOutputs(metadata, outputs);
        const result = await door.scheduler.infer({ name: call.name, version: metadata.version, inputs: parsed.inputs, outputs, ...inferCallOptions(door, reply) });
        return inferResponseBody(result, parsed);
      });
      if ('json' in response) return reply.type('application/json').send(response.json);
      return reply.type('application/octet-stream').header(HEADER_LENGTH, response.headerLength).send(response.body);
    });
  }
}
