import { demux } from '@demux/proto';
import type { EndpointMetadata, InferCall, InferResult, VersionState, VersionStatus } from '../scheduler-api.js';
import type { TensorSpec } from '../validation.js';
import { fromJobDataType, fromJobTensor, toJobDataType, toJobTensor } from './job.js';
import { shapeToWire } from './shape.js';

/** demux.v1.Scheduler messages ⇄ the SchedulerApi's types, shared by its client and its server. */

function toTensorMetadata(spec: TensorSpec): demux.TensorMetadata {
  return { name: spec.name, dtype: toJobDataType(spec.dtype), shape: shapeToWire(spec.shape) };
}

function fromTensorMetadata(metadata: demux.TensorMetadata): TensorSpec {
  return {
    name: metadata.name,
    dtype: fromJobDataType(`tensor '${metadata.name}'`, metadata.dtype),
    shape: metadata.shape.map(Number),
  };
}

export function toMetadataResponse(metadata: EndpointMetadata): demux.MetadataResponse {
  return {
    name: metadata.name,
    version: BigInt(metadata.version),
    inputs: metadata.inputs.map(toTensorMetadata),
    outputs: metadata.outputs.map(toTensorMetadata),
    isPipeline: metadata.isPipeline,
  };
}

export function fromMetadataResponse(response: demux.MetadataResponse): EndpointMetadata {
  return {
    name: response.name,
    version: Number(response.version),
    inputs: response.inputs.map(fromTensorMetadata),
    outputs: response.outputs.map(fromTensorMetadata),
    isPipeline: response.isPipeline,
  };
}

export function toStatusResponse(versions: VersionStatus[]): demux.StatusResponse {
  return {
    versions: versions.map((status) => ({
      version: BigInt(status.version),
      state: status.state,
      error: { code: status.errorCode, message: status.errorMessage },
    })),
  };
}

export function fromStatusResponse(response: demux.StatusResponse): VersionStatus[] {
  return response.versions.map((status) => ({
    version: Number(status.version),
    state: status.state as VersionState,
    errorCode: status.error?.code ?? 0,
    errorMessage: status.error?.message ?? '',
  }));
}

export function toInferResponse(result: InferResult): demux.InferResponse {
  return { name: result.name, version: BigInt(result.version), outputs: result.outputs.map(toJobTensor) };
}

export function fromInferResponse(response: demux.InferResponse): InferResult {
  return { name: response.name, version: Number(response.version), outputs: response.outputs.map(fromJobTensor) };
}

export function toInferRequest(call: InferCall): demux.InferRequest {
  return {
    name: call.name,
    version: BigInt(call.version ?? 0),
    inputs: call.inputs.map(toJobTensor),
    outputs: call.outputs,
    requestId: call.requestId,
  };
}

/** The deadline and cancellation travel as gRPC's own, not in the message. */
export function fromInferRequest(request: demux.InferRequest, deadlineMs: number, signal?: AbortSignal): InferCall {
  const version = Number(request.version);
  return {
    name: request.name,
    ...(version === 0 ? {} : { version }),
    inputs: request.inputs.map(fromJobTensor),
    outputs: request.outputs,
    requestId: request.requestId,
    deadlineMs,
    ...(signal ? { signal } : {}),
  };
}
