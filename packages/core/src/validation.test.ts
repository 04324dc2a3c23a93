import { describe, expect, it } from 'vitest';
import { checkInputs, type TensorSpec } from './validation.js';
import type { Tensor } from './tensor.js';

const specs: TensorSpec[] = [{ name: '0', dtype: 'FP32', shape: [-1, 3, 2, 2] }];

function image(shape: number[], bytes = shape.reduce((a, b) => a * b, 1) * 4, dtype: Tensor['dtype'] = 'FP32'): Tensor {
  return { name: '0', dtype, shape, data: new Uint8Array(bytes) };
}

describe('checkInputs', () => {
  it('accepts any size on a dynamic dimension', () => {
    expect(() => checkInputs('resnet v1', [image([1, 3, 2, 2])], specs)).not.toThrow();
    expect(() => checkInputs('resnet v1', [image([8, 3, 2, 2])], specs)).not.toThrow();
  });

  it.each<[string, Tensor[]]>([
    ['resnet v1: input "0": expected dtype FP32, got INT32', [image([1, 3, 2, 2], 48, 'INT32')]],
    ['resnet v1: input "0": expected rank 4 [-1,3,2,2], got shape [3,2,2]', [image([3, 2, 2])]],
    ['resnet v1: input "0": dimension 1 must be 3 [-1,3,2,2], got shape [1,4,2,2]', [image([1, 4, 2, 2])]],
    ['resnet v1: input "0": shape [1,3,2,2] of FP32 needs 48 bytes, got 47', [image([1, 3, 2, 2], 47)]],
    ['invalid dimension -1 in shape [-1,3,2,2]', [image([-1, 3, 2, 2], 0)]],
    ['resnet v1: missing input "0"', []],
    ['resnet v1: input "0" given twice', [image([1, 3, 2, 2]), image([1, 3, 2, 2])]],
    ['resnet v1: unexpected input "x"; inputs are "0"', [{ ...image([1, 3, 2, 2]), name: 'x' }]],
  ])('rejects: %s', (message, inputs) => {
    expect(() => checkInputs('resnet v1', inputs, specs)).toThrow(message);
  });

  it('rejects a shape whose element count overflows before computing its size', () => {
    const dynamic: TensorSpec[] = [{ name: '0', dtype: 'FP32', shape: [-1, -1, -1, -1] }];
    expect(() => checkInputs('resnet v1', [image([2 ** 40, 3, 2 ** 20, 2 ** 20], 0)], dynamic)).toThrow(
      'shape [1099511627776,3,1048576,1048576] has too many elements',
    );
  });
});
