import { DemuxError, toInferOutput, type InferResult } from '@demux/core';
import { kserve } from '@demux/proto';

/**
 * The ModelInferResponse for a result: the served version as a string, the client's id echoed,
 * and the outputs asked for, in the order asked (all of them, in the endpoint's order, when
 * none were named), their bytes in raw_output_contents.
 */
export function inferResponse(result: InferResult, id: string, requested: readonly string[]): kserve.ModelInferResponse {
  const outputs =
    requested.length === 0
      ? result.outputs
      : requested.map((name) => {
          const output = result.outputs.find((tensor) => tensor.name === name);
          if (!output) throw DemuxError.internal(`the scheduler's answer for ${result.name} lacks the requested output "${name}"`);
          return output;
        });
  const encoded = outputs.map(toInferOutput);
  return kserve.ModelInferResponse.create({
    modelName: result.name,
    modelVersion: String(result.version),
    id,
    outputs: encoded.map(({ output }) => output),
    rawOutputContents: encoded.map(({ raw }) => raw),
  });
}
