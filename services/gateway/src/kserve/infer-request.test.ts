import { StatusCode } from '@demux/core';
import { kserve } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { inputsOf, requestedOutputsOf } from './infer-request.js';

const invalidArgument = (message: string) => expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message });

const floats = (...values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

const request = (fields: Partial<kserve.ModelInferRequest>): kserve.ModelInferRequest => ({ ...kserve.ModelInferRequest.create(), ...fields });

const input = (name: string, shape: bigint[], fp32Contents?: number[]) =>
  kserve.ModelInferRequest_InferInputTensor.fromPartial({ name, datatype: 'FP32', shape, contents: fp32Contents && { fp32Contents } });

const output = (name: string, parameters: [string, kserve.InferParameter][] = []) => ({ name, parameters: new Map(parameters) });

describe('inputsOf', () => {
  it('takes raw_input_contents one per input, in the order of the inputs', () => {
    const [x, y] = [floats(1, 2), floats(3)];
    const inputs = inputsOf(
      request({
        inputs: [input('x', [1n, 2n]), input('y', [1n])],
        rawInputContents: [x, y],
      }),
    );
    expect(inputs).toEqual([
      { name: 'x', dtype: 'FP32', shape: [1, 2], data: x },
      { name: 'y', dtype: 'FP32', shape: [1], data: y },
    ]);
  });

  it('takes typed contents when no raw contents are sent', () => {
    const [tensor] = inputsOf(request({ inputs: [input('x', [2n], [1, 2])] }));
    expect(tensor?.data).toEqual(floats(1, 2));
  });

  it('rejects raw contents that are not one per input', () => {
    const twoInputs = request({ inputs: [input('x', [1n]), input('y', [1n], [1])], rawInputContents: [floats(1)] });
    expect(() => inputsOf(twoInputs)).toThrow(
      invalidArgument('raw_input_contents has 1 entries for 2 inputs; when used, it must hold one per input, in order'),
    );
  });

  it('rejects an input with typed contents among raw ones', () => {
    const mixed = request({ inputs: [input('x', [1n]), input('y', [1n], [1])], rawInputContents: [floats(1), floats(2)] });
    expect(() => inputsOf(mixed)).toThrow(invalidArgument("input 'y': contents must be empty when raw_input_contents is used"));
  });
});

describe('requestedOutputsOf', () => {
  const bool: kserve.InferParameter = { parameterChoice: { $case: 'boolParam', value: true } };
  const text = (value: string): kserve.InferParameter => ({ parameterChoice: { $case: 'stringParam', value } });

  it('keeps the order of the request and ignores parameters it has no use for', () => {
    const outputs = requestedOutputsOf(
      request({
        outputs: [output('b', [['binary_data', bool]]), output('a', [['something_else', text('x')]])],
      }),
    );
    expect(outputs).toEqual(['b', 'a']);
    expect(requestedOutputsOf(request({}))).toEqual([]);
  });

  it('rejects an output asked for twice', () => {
    expect(() => requestedOutputsOf(request({ outputs: [output('a'), output('a')] }))).toThrow(
      invalidArgument('output "a" is requested twice'),
    );
  });

  it('rejects a binary_data parameter that is not a bool', () => {
    expect(() => requestedOutputsOf(request({ outputs: [output('a', [['binary_data', text('yes')]])] }))).toThrow(
      invalidArgument('output "a": parameter binary_data must be a bool'),
    );
  });

  it('refuses classification, whose answer would not be the output tensor', () => {
    const classification: kserve.InferParameter = { parameterChoice: { $case: 'int64Param', value: 3n } };
    expect(() => requestedOutputsOf(request({ outputs: [output('a', [['classification', classification]])] }))).toThrow(
      invalidArgument('output "a": the classification extension is not supported'),
    );
  });
});
