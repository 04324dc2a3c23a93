import { checkBatch, checkInputs, DemuxError, type EndpointMetadata, type Tensor } from '@demux/core';

/** How a client names an endpoint in messages: `pipeline resnet50DAG` or `model resnet version 1`. */
export function describeEndpoint(metadata: EndpointMetadata): string {
  return metadata.isPipeline ? `pipeline ${metadata.name}` : `model ${metadata.name} version ${metadata.version}`;
}

/**
 * Checks a decoded request against the endpoint before anything is sent on: inputs, dtypes,
 * ranks, fixed dims, byte lengths, and the batch limit on dynamic first dimensions.
 */
export function checkRequest(metadata: EndpointMetadata, inputs: readonly Tensor[], maxBatchSize: number): void {
  const endpoint = describeEndpoint(metadata);
  checkInputs(endpoint, inputs, metadata.inputs);
  checkBatch(endpoint, inputs, metadata.inputs, maxBatchSize);
}

export function checkRequestedOutputs(metadata: EndpointMetadata, outputs: readonly string[]): void {
  const known = new Set(metadata.outputs.map((output) => output.name));
  const unknown = outputs.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw DemuxError.invalidArgument(
      `${describeEndpoint(metadata)}: no output ${unknown.map((name) => `"${name}"`).join(', ')}; outputs are ${[...known].map((name) => `"${name}"`).join(', ')}`,
    );
  }
}
