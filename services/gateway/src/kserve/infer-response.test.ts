import { StatusCode, type InferResult } from '@demux/core';
import { describe, expect, it } from 'vitest';
import { inferResponse } from './infer-response.js';

const result: InferResult = {
  name: 'pipe',
  version: 1,
  outputs: [
    { name: 'a', dtype: 'FP32', shape: [1, 2], data: new Uint8Array(8) },
    { name: 'b', dtype: 'INT64', shape: [1], data: new Uint8Array(8).fill(1) },
  ],
};

describe('inferResponse', () => {
  it('names the served version as a string, echoes the id and sends every output raw', () => {
    const response = inferResponse(result, 'request-7', []);
    expect(response).toMatchObject({ modelName: 'pipe', modelVersion: '1', id: 'request-7' });
    expect(response.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape }))).toEqual([
      { name: 'a', datatype: 'FP32', shape: [1n, 2n] },
      { name: 'b', datatype: 'INT64', shape: [1n] },
    ]);
    expect(response.rawOutputContents).toEqual([result.outputs[0]!.data, result.outputs[1]!.data]);
  });

  it('lists requested outputs in the order they were asked for', () => {
    const response = inferResponse(result, '', ['b', 'a']);
    expect(response.outputs.map((output) => output.name)).toEqual(['b', 'a']);
    expect(response.rawOutputContents[0]).toBe(result.outputs[1]!.data);
  });

  it('treats a requested output missing from the result as a bug', () => {
    expect(() => inferResponse(result, '', ['c'])).toThrow(expect.objectContaining({ code: StatusCode.INTERNAL }));
  });
});
