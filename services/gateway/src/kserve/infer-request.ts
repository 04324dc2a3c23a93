import { DemuxError, fromInferInput, type Tensor } from '@demux/core';
import type { kserve } from '@demux/proto';

/**
 * The inputs of a ModelInferRequest as tensors. When raw_input_contents is used it holds one
 * entry per input, in the inputs' order, and no input may also carry typed contents (the codec
 * checks each); otherwise every input carries its values in typed contents.
 */
export function inputsOf(request: kserve.ModelInferRequest): Tensor[] {
  const raw = request.rawInputContents;
  if (raw.length === 0) return request.inputs.map((input) => fromInferInput(input));
  if (raw.length !== request.inputs.length) {
    throw DemuxError.invalidArgument(
      `raw_input_contents has ${raw.length} entries for ${request.inputs.length} inputs; when used, it must hold one per input, in order`,
    );
  }
  return request.inputs.map((input, index) => fromInferInput(input, raw[index]));
}

/**
 * The output names a ModelInferRequest asks for, in its order; none asks for every output.
 * Outputs always travel in raw_output_contents, so `binary_data` (which asks for that over REST)
 * changes nothing; other parameters are ignored, except `classification`, whose answer would be
 * a different tensor than the one Demux sends.
 */
export function requestedOutputsOf(request: kserve.ModelInferRequest): string[] {
  const names: string[] = [];
  for (const { name, parameters } of request.outputs) {
    if (names.includes(name)) throw DemuxError.invalidArgument(`output "${name}" is requested twice`);
    const binaryData = parameters.get('binary_data');
    if (binaryData !== undefined && binaryData.parameterChoice?.$case !== 'boolParam') {
      throw DemuxError.invalidArgument(`output "${name}": parameter binary_data must be a bool`);
    }
    if (parameters.has('classification')) {
      throw DemuxError.invalidArgument(`output "${name}": the classification extension is not supported`);
    }
    names.push(name);
  }
  return names;
}
