import type { EndpointMetadata, TensorSpec, UnaryHandler } from '@demux/core';
import type { kserve } from '@demux/proto';
import { metered, type FrontDoor } from '../front-door.js';
import { endpointOf } from './model-ref.js';

/**
 * Platforms as Triton names them: a model runs on onnxruntime, and a pipeline of models is what
 * Triton calls an ensemble. (OVMS answers "OpenVINO" for both, which Demux does not run.)
 */
const PLATFORM = { model: 'onnxruntime_onnx', pipeline: 'ensemble' } as const;

function tensorMetadata(spec: TensorSpec): kserve.ModelMetadataResponse_TensorMetadata {
  return { name: spec.name, datatype: spec.dtype, shape: spec.shape.map((dim) => BigInt(dim)) };
}

/** The metadata response of an endpoint, listing every version a request may name. */
export function metadataResponse(metadata: EndpointMetadata, versions: readonly number[]): kserve.ModelMetadataResponse {
  return {
    name: metadata.name,
    versions: versions.map(String),
    platform: metadata.isPipeline ? PLATFORM.pipeline : PLATFORM.model,
    inputs: metadata.inputs.map(tensorMetadata),
    outputs: metadata.outputs.map(tensorMetadata),
  };
}

/** ModelMetadata: inputs and outputs (-1 for dynamic dims; a pipeline's show its demultiplexing dim). */
export function modelMetadata(door: FrontDoor): UnaryHandler<kserve.ModelMetadataRequest, kserve.ModelMetadataResponse> {
  return async (request) => {
    const { name, version } = endpointOf(request.name, request.version);
    return metered(door, { api: 'KServe', interface: 'gRPC', method: 'ModelMetadata', name, version }, async () => {
      const metadata = await door.catalog.metadata(name, version);
      const served = await door.scheduler.status(name);
      return metadataResponse(metadata, served.map((status) => status.version));
    });
  };
}
