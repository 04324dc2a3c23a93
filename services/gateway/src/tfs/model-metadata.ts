import { DemuxError, toTfDataType, type TensorSpec, type UnaryHandler } from '@demux/core';
import { tfs } from '@demux/proto';
import { metered, type FrontDoor } from '../front-door.js';
import { endpointOf, modelSpec, SERVING_SIGNATURE } from './model-spec.js';

const SIGNATURE_DEF = 'signature_def';
const PREDICT_METHOD = 'tensorflow/serving/predict';

function tensorInfo(spec: TensorSpec): tfs.TensorInfo {
  return {
    name: spec.name,
    dtype: toTfDataType(spec.dtype),
    tensorShape: { dim: spec.shape.map((size) => ({ size: BigInt(size), name: '' })), unknownRank: false },
  };
}

function tensorInfos(specs: TensorSpec[]): Map<string, tfs.TensorInfo> {
  return new Map(specs.map((spec) => [spec.name, tensorInfo(spec)]));
}

/** PredictionService.GetModelMetadata: the `serving_default` signature packed in an Any, as TFS does. */
export function getModelMetadata(door: FrontDoor): UnaryHandler<tfs.GetModelMetadataRequest, tfs.GetModelMetadataResponse> {
  return async (request) => {
    const { name, version } = endpointOf(request.modelSpec);
    return metered(door, { api: 'TensorFlowServing', interface: 'gRPC', method: 'GetModelMetadata', name, version }, async () => {
      if (request.metadataField.length === 0) {
        throw DemuxError.invalidArgument('GetModelMetadataRequest must specify at least one metadata_field');
      }
      const unsupported = request.metadataField.filter((field) => field !== SIGNATURE_DEF);
      if (unsupported.length > 0) throw DemuxError.invalidArgument(`metadata field ${unsupported.join(', ')} is not supported`);
      const metadata = await door.catalog.metadata(name, version);
      const signatures: tfs.SignatureDefMap = {
        signatureDef: new Map([
          [SERVING_SIGNATURE, { inputs: tensorInfos(metadata.inputs), outputs: tensorInfos(metadata.outputs), methodName: PREDICT_METHOD }],
        ]),
      };
      return {
        modelSpec: modelSpec(metadata.name, metadata.version),
        metadata: new Map([
          [SIGNATURE_DEF, { typeUrl: tfs.SIGNATURE_DEF_MAP_TYPE_URL, value: tfs.SignatureDefMap.encode(signatures).finish() }],
        ]),
      };
    });
  };
}
