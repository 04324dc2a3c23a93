import { joinBytesElements, StatusCode, type Tensor } from '@demux/core';
import { describe, expect, it } from 'vitest';

import { DEMULTIPLY_LIMIT, demultiplex, demultiplexOutputs } from './demultiplex.js';
import { fp32, range, values } from './toy-run.fixture.js';

const text = (strings: string[]) => joinBytesElements(strings.map((s) => new TextEncoder().encode(s)));
const bytes = (shape: number[], strings: string[]): Tensor => ({ name: 'text', dtype: 'BYTES', shape, data: text(strings) });

describe('demultiplex', () => {
  it('splits along dimension 0 into views of the same bytes', () => {
    const tensor = fp32('t', [3, 1, 2], range(6));
    const items = demultiplex(tensor, 'here');
    expect(items.map((item) => item.shape)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(items.map(values)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    for (const [index, item] of items.entries()) {
      expect(item.data.buffer).toBe(tensor.data.buffer);
      expect(item.data.byteOffset).toBe(tensor.data.byteOffset + index * 8);
    }
    expect(items.every((item) => item.name === 't' && item.dtype === 'FP32')).toBe(true);
  });

  it('splits a view that starts inside its buffer', () => {
    const whole = fp32('t', [4, 1], range(4));
    const view = { ...whole, shape: [2, 1], data: whole.data.subarray(8) };
    expect(demultiplex(view, 'here').map(values)).toEqual([[2], [3]]);
  });

  it('splits BYTES by element, each item keeping its length prefixes', () => {
    const tensor = bytes([3, 2], ['a', 'bc', '', 'def', 'g', 'hijk']);
    const items = demultiplex(tensor, 'here');
    expect(items.map((item) => item.shape)).toEqual([[2], [2], [2]]);
    expect(items.map((item) => [...item.data])).toEqual([[...text(['a', 'bc'])], [...text(['', 'def'])], [...text(['g', 'hijk'])]]);
    expect(items.every((item) => item.data.buffer === tensor.data.buffer)).toBe(true);
  });

  it('splits BYTES items that hold no elements', () => {
    expect(demultiplex(bytes([2, 0], []), 'here').map((item) => item.data.byteLength)).toEqual([0, 0]);
  });

  it('yields no items from an empty dimension 0', () => {
    expect(demultiplex(fp32('t', [0, 4], []), 'here')).toEqual([]);
  });

  it.each([
    [fp32('t', [], [1]), 'here: a scalar cannot be split into items'],
    [fp32('t', [2, 2], [1, 2, 3]), 'here: shape [2,2] of FP32 needs 16 bytes, got 12'],
    [bytes([2, 2], ['a', 'b', 'c']), 'here: shape [2,2] holds 4 BYTES elements, got 3'],
  ])('rejects a tensor its shape does not describe (%#)', (tensor, message) => {
    expect(() => demultiplex(tensor, 'here')).toThrow(expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message }));
  });
});

describe('demultiplexOutputs', () => {
  const outputs = (...tensors: Tensor[]) => new Map(tensors.map((tensor) => [tensor.name, tensor]));

  it('puts slice i of every output into item i', () => {
    const items = demultiplexOutputs(outputs(fp32('a', [2, 1, 1], [1, 2]), fp32('b', [2, 1, 2], [3, 4, 5, 6])), 'dynamic', 'here');
    expect(items.map((item) => [...item.keys()])).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(items.map((item) => [...item.values()].map(values))).toEqual([
      [[1], [3, 4]],
      [[2], [5, 6]],
    ]);
  });

  it('accepts the fixed count', () => {
    expect(demultiplexOutputs(outputs(fp32('a', [3, 1, 1], [1, 2, 3])), 3, 'here')).toHaveLength(3);
  });

  it.each([
    [[fp32('a', [2, 1, 1], [1, 2]), fp32('b', [3, 1, 1], [1, 2, 3])], 'dynamic' as const, 'here: outputs split into different numbers of items: data item "a" has 2, data item "b" has 3'],
    [[fp32('a', [2, 1, 1], [1, 2])], 3, 'here: demultiply_count is 3, but data item "a" has 2 items'],
    [[fp32('a', [0, 1, 1], [])], 'dynamic' as const, 'here: nothing to demultiply: data item "a" has 0 items'],
  ])('rejects outputs that do not split as configured (%#)', (tensors, count, message) => {
    expect(() => demultiplexOutputs(outputs(...tensors), count, 'here')).toThrow(
      expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message }),
    );
  });

  it('refuses more items than OVMS demultiplies', () => {
    const many = { name: 'a', dtype: 'UINT8' as const, shape: [DEMULTIPLY_LIMIT + 1, 1, 1], data: new Uint8Array(DEMULTIPLY_LIMIT + 1) };
    expect(() => demultiplexOutputs(outputs(many), 'dynamic', 'here')).toThrow(
      expect.objectContaining({
        code: StatusCode.RESOURCE_EXHAUSTED,
        message: 'here: data item "a" has 10001 items, more than the 10000 one tensor may split into',
      }),
    );
  });
});
