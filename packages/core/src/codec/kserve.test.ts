import { kserve } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../errors.js';
import { fromInferInput, toInferOutput } from './kserve.js';

const invalidArgument = (message: string) => expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message });

const input = (datatype: string, shape: bigint[], contents?: Partial<kserve.InferTensorContents>) =>
  kserve.ModelInferRequest_InferInputTensor.create({ name: 'x', datatype, shape, contents });

describe('fromInferInput', () => {
  it('uses raw_input_contents without copying them', () => {
    const raw = new Uint8Array(16);
    const tensor = fromInferInput(input('FP32', [1n, 4n]), raw);
    expect(tensor).toMatchObject({ name: 'x', dtype: 'FP32', shape: [1, 4] });
    expect(tensor.data).toBe(raw);
  });

  it('rejects raw contents of the wrong length', () => {
    expect(() => fromInferInput(input('FP32', [1n, 4n]), new Uint8Array(15))).toThrow(
      invalidArgument("input 'x': raw_input_contents has 15 bytes, expected 16 (FP32, shape [1,4])"),
    );
  });

  it('rejects malformed BYTES raw contents', () => {
    const truncated = Uint8Array.from([10, 0, 0, 0, 1, 2, 3]);
    expect(() => fromInferInput(input('BYTES', [1n]), truncated)).toThrow(
      invalidArgument("input 'x' raw_input_contents: BYTES element 0 declares 10 bytes, only 3 remain"),
    );
    const shortPrefix = Uint8Array.from([1, 0, 0, 0, 9, 1, 0]);
    expect(() => fromInferInput(input('BYTES', [2n]), shortPrefix)).toThrow(
      invalidArgument("input 'x' raw_input_contents: BYTES element 1 has a truncated length prefix at byte 5"),
    );
    const oneString = Uint8Array.from([1, 0, 0, 0, 9]);
    expect(() => fromInferInput(input('BYTES', [2n]), oneString)).toThrow(
      invalidArgument("input 'x': raw_input_contents holds 1 elements, expected 2 (BYTES, shape [2])"),
    );
  });

  it('rejects typed contents alongside raw contents', () => {
    expect(() => fromInferInput(input('FP32', [1n], { fp32Contents: [1] }), new Uint8Array(4))).toThrow(
      invalidArgument("input 'x': contents must be empty when raw_input_contents is used"),
    );
  });

  it('rejects typed contents with the wrong number of values', () => {
    expect(() => fromInferInput(input('INT64', [2n, 2n], { int64Contents: [1n, 2n, 3n] }))).toThrow(
      invalidArgument("input 'x': int64_contents has 3 values, expected 4 (INT64, shape [2,2])"),
    );
    expect(() => fromInferInput(input('FP32', [1n, 4n]))).toThrow(
      invalidArgument("input 'x': fp32_contents has 0 values, expected 4 (FP32, shape [1,4])"),
    );
  });

  it('rejects typed values outside the datatype', () => {
    expect(() => fromInferInput(input('UINT8', [2n], { uintContents: [255, 256] }))).toThrow(
      invalidArgument("input 'x': uint_contents[1] = 256 is out of range for UINT8"),
    );
    expect(() => fromInferInput(input('INT16', [1n], { intContents: [-32769] }))).toThrow(
      invalidArgument("input 'x': int_contents[0] = -32769 is out of range for INT16"),
    );
  });

  it('accepts FP16 only as raw contents', () => {
    expect(() => fromInferInput(input('FP16', [1n], { uintContents: [0x3c00] }))).toThrow(
      invalidArgument("input 'x': FP16 data must be sent in raw_input_contents"),
    );
    expect(fromInferInput(input('FP16', [0n])).data.length).toBe(0);
  });

  it('rejects unsupported datatypes, negative and overflowing dims', () => {
    expect(() => fromInferInput(input('BF16', [1n]), new Uint8Array(2))).toThrow(
      invalidArgument("input 'x': unsupported datatype 'BF16'"),
    );
    expect(() => fromInferInput(input('FP32', [-1n, 4n]), new Uint8Array(16))).toThrow(
      invalidArgument("input 'x': invalid dimension -1 in shape [-1,4]"),
    );
    expect(() => fromInferInput(input('UINT8', [1n << 27n, 1n << 27n]), new Uint8Array(0))).toThrow(
      invalidArgument("input 'x': shape [134217728,134217728] has too many elements"),
    );
  });
});

describe('toInferOutput', () => {
  it('describes the output and hands over its bytes as raw contents', () => {
    const data = new Uint8Array(8);
    const { output, raw } = toInferOutput({ name: 'y', dtype: 'FP64', shape: [1], data });
    expect(output).toEqual({ name: 'y', datatype: 'FP64', shape: [1n], parameters: new Map(), contents: undefined });
    expect(raw).toBe(data);
  });
});
