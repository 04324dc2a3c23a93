import { joinBytesElements, StatusCode, type Tensor } from '@demux/core';
import { describe, expect, it } from 'vitest';

import { demultiplex } from './demultiplex.js';
import { gather, type ItemTensor } from './gather.js';
import { fp32, range, values } from './toy-run.fixture.js';

const items = (tensors: Tensor[], keys = tensors.map((_, index) => String(index))): ItemTensor[] =>
  tensors.map((tensor, index) => ({ item: keys[index] as string, tensor }));

describe('gather', () => {
  it('stacks items in order under a new first dimension, into a buffer of its own', () => {
    const parts = [fp32('y', [1, 2], [0, 1]), fp32('y', [1, 2], [2, 3]), fp32('y', [1, 2], [4, 5])];
    const gathered = gather(items(parts), [3], 'here');
    expect(gathered).toEqual(fp32('y', [3, 1, 2], range(6)));
    expect(parts.some((part) => part.data.buffer === gathered.data.buffer)).toBe(false);
  });

  it('stacks nested levels, outermost first', () => {
    const parts = range(6).map((index) => fp32('y', [1], [index]));
    const keys = ['0.0', '0.1', '1.0', '1.1', '2.0', '2.1'];
    const gathered = gather(items(parts, keys), [3, 2], 'here');
    expect(gathered.shape).toEqual([3, 2, 1]);
    expect(values(gathered)).toEqual(range(6));
  });

  it('undoes demultiplex', () => {
    const tensor = fp32('t', [4, 1, 3], range(12));
    expect(gather(items(demultiplex(tensor, 'here')), [4], 'here')).toEqual(tensor);
  });

  it('stacks BYTES items, whose elements keep their lengths', () => {
    const text = (strings: string[]) => joinBytesElements(strings.map((s) => new TextEncoder().encode(s)));
    const tensor: Tensor = { name: 'text', dtype: 'BYTES', shape: [2, 2], data: text(['a', 'bc', '', 'def']) };
    expect(gather(items(demultiplex(tensor, 'here')), [2], 'here')).toEqual(tensor);
  });

  it.each([
    [[fp32('y', [1, 2], [0, 1]), fp32('y', [1, 3], [0, 1, 2])], "here: cannot gather item 1: FP32 [1,3] differs from item 0's FP32 [1,2]"],
    [
      [fp32('y', [1, 2], [0, 1]), { name: 'y', dtype: 'FP64' as const, shape: [1, 2], data: new Uint8Array(16) }],
      "here: cannot gather item 1: FP64 [1,2] differs from item 0's FP32 [1,2]",
    ],
  ])('rejects items that disagree, naming the item (%#)', (parts, message) => {
    expect(() => gather(items(parts), [2], 'here')).toThrow(expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message }));
  });

  it('treats items that do not fill the dims as a bug', () => {
    expect(() => gather(items([fp32('y', [1], [0])]), [2], 'here')).toThrow(
      expect.objectContaining({ code: StatusCode.INTERNAL, message: 'here: 1 items cannot be stacked into [2]' }),
    );
    expect(() => gather([], [0], 'here')).toThrow(expect.objectContaining({ code: StatusCode.INTERNAL }));
  });
});
