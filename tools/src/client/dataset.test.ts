import type { Tensor } from '@demux/core';
import { describe, expect, it } from 'vitest';
import type { NpyArray } from '../npy/npy.js';
import { imageBatch, imageTensor, labelIndices, repeatForBatches, rescaleImages, transposeImages } from './dataset.js';

function int32Tensor(shape: number[], values: number[]): Tensor {
  return { name: 'input', dtype: 'INT32', shape, data: new Uint8Array(Int32Array.from(values).buffer) };
}

function int32Values(tensor: Tensor): number[] {
  return [...new Int32Array(tensor.data.slice().buffer)];
}

const ARANGE_24 = Array.from({ length: 24 }, (_, i) => i);

// Expected values: what NumPy 2.4 gives for imgs - np.min(imgs), then imgs / np.ptp(imgs) * 255.
describe('rescaleImages', () => {
  it('stretches float32 images to 0..255 in float32, rounding after each operation', () => {
    const images: NpyArray = { dtype: 'float32', shape: [2, 2], data: Float32Array.of(-2.117904, 2.64, 1, 0.3) };
    const rescaled = rescaleImages(images);
    expect(rescaled.dtype).toBe('float32');
    expect(rescaled.shape).toEqual([2, 2]);
    // In float64 rounded once at the end, 1 and 0.3 would give 167.10414123535156 and 129.58763122558594.
    expect(Array.from(rescaled.data as ArrayLike<number>)).toEqual([0, 255, 167.10415649414062, 129.58761596679688]);
  });

  it('gives back whole pixel values that already span 0..255 exactly', () => {
    const pixels = Float32Array.from({ length: 256 }, (_, i) => 255 - i);
    expect(rescaleImages({ dtype: 'float32', shape: [256], data: pixels }).data).toEqual(pixels);
  });

  it('stretches float64 images in float64', () => {
    const rescaled = rescaleImages({ dtype: 'float64', shape: [3], data: Float64Array.of(-1, 2, 0.3) });
    expect(rescaled.dtype).toBe('float64');
    expect(Array.from(rescaled.data as ArrayLike<number>)).toEqual([0, 255, 110.5]);
  });

  it('shifts integer images in their own type, wrapping around, then divides them in float64', () => {
    const uint8 = rescaleImages({ dtype: 'uint8', shape: [3], data: Uint8Array.of(1, 5, 3) });
    expect(uint8).toEqual({ dtype: 'float64', shape: [3], data: Float64Array.of(0, 255, 127.5) });
    // int8: 127 - -128 wraps to -1, and the range 0 - -128 to -128.
    const int8 = rescaleImages({ dtype: 'int8', shape: [3], data: Int8Array.of(-128, 127, 0) });
    expect(Array.from(int8.data as ArrayLike<number>)).toEqual([-0, 1.9921875, 255]);
    const int64 = rescaleImages({ dtype: 'int64', shape: [3], data: BigInt64Array.of(-(2n ** 40n), 0n, 2n ** 40n) });
    expect(int64).toEqual({ dtype: 'float64', shape: [3], data: Float64Array.of(0, 127.5, 255) });
  });

  it('gives NaN for images of one value and for a NaN anywhere, as NumPy does', () => {
    const flat = rescaleImages({ dtype: 'float32', shape: [2], data: Float32Array.of(7, 7) });
    const withNaN = rescaleImages({ dtype: 'float64', shape: [2], data: Float64Array.of(1, NaN) });
    expect([...flat.data, ...withNaN.data]).toEqual([NaN, NaN, NaN, NaN]);
  });

  it('refuses booleans and a file without values', () => {
    expect(() => rescaleImages({ dtype: 'bool', shape: [2], data: Uint8Array.of(0, 1) })).toThrow(/boolean images/);
    expect(() => rescaleImages({ dtype: 'float32', shape: [0, 3], data: new Float32Array() })).toThrow(
      /holds no images: shape \(0, 3\)/,
    );
  });
});

describe('imageTensor', () => {
  it('views the file as a tensor named after the input, without copying', () => {
    const data = Float32Array.of(1, 2, 3, 4);
    const tensor = imageTensor('0', { dtype: 'float32', shape: [1, 4], data });
    expect(tensor).toMatchObject({ name: '0', dtype: 'FP32', shape: [1, 4] });
    expect(tensor.data.buffer).toBe(data.buffer);
  });

  it('refuses a file without images', () => {
    const empty: NpyArray = { dtype: 'float32', shape: [0, 3], data: new Float32Array() };
    expect(() => imageTensor('0', empty)).toThrow(/holds no images: shape \(0, 3\)/);
    const scalar: NpyArray = { dtype: 'float32', shape: [], data: Float32Array.of(1) };
    expect(() => imageTensor('0', scalar)).toThrow(/holds no images: shape \(\)/);
  });
});

describe('labelIndices', () => {
  it('reads labels of shape (n,) or (n, 1) of any integer type', () => {
    expect(labelIndices({ dtype: 'int64', shape: [2], data: BigInt64Array.of(404n, 279n) }, 2)).toEqual([404, 279]);
    expect(labelIndices({ dtype: 'int32', shape: [2, 1], data: Int32Array.of(1, 2) }, 2)).toEqual([1, 2]);
  });

  it('refuses labels that are not one integer per image', () => {
    expect(() => labelIndices({ dtype: 'int64', shape: [3], data: new BigInt64Array(3) }, 2)).toThrow(
      /labels must have shape \(2,\) or \(2, 1\), one per image; got \(3,\)/,
    );
    const scores: NpyArray = { dtype: 'float32', shape: [2], data: new Float32Array(2) };
    expect(() => labelIndices(scores, 2)).toThrow(/labels must be integers, got float32/);
  });
});

describe('repeatForBatches', () => {
  it('doubles images and labels while one batch would take them all', () => {
    const images = int32Tensor([3, 1], [7, 8, 9]);
    expect(repeatForBatches({ images, labels: [1, 2, 3] }, 2)).toEqual({ images, labels: [1, 2, 3] });
    const repeated = repeatForBatches({ images, labels: [1, 2, 3] }, 3);
    expect(repeated.images.shape).toEqual([6, 1]);
    expect(int32Values(repeated.images)).toEqual([7, 8, 9, 7, 8, 9]);
    expect(repeated.labels).toEqual([1, 2, 3, 1, 2, 3]);
    expect(repeatForBatches({ images, labels: undefined }, 7).images.shape).toEqual([12, 1]);
  });
});

describe('transposeImages', () => {
  // Expected values: np.arange(24).reshape(2, 2, 3, 2).transpose(...).flatten()
  it('transposes NHWC to NCHW like np.transpose((0, 3, 1, 2))', () => {
    const transposed = transposeImages(int32Tensor([2, 2, 3, 2], ARANGE_24), 'nhwc2nchw');
    expect(transposed.shape).toEqual([2, 2, 2, 3]);
    expect(int32Values(transposed)).toEqual([
      0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11, 12, 14, 16, 18, 20, 22, 13, 15, 17, 19, 21, 23,
    ]);
  });

  it('transposes NCHW to NHWC like np.transpose((0, 2, 3, 1))', () => {
    const transposed = transposeImages(int32Tensor([2, 2, 3, 2], ARANGE_24), 'nchw2nhwc');
    expect(transposed.shape).toEqual([2, 3, 2, 2]);
    expect(int32Values(transposed)).toEqual([
      0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11, 12, 18, 13, 19, 14, 20, 15, 21, 16, 22, 17, 23,
    ]);
  });

  it('refuses images that are not 4-D, pointing at --transpose_input False', () => {
    expect(() => transposeImages(int32Tensor([2, 12], ARANGE_24), 'nhwc2nchw')).toThrow(
      /nhwc2nchw needs 4-D images, got shape \(2, 12\); pass --transpose_input False/,
    );
  });
});

describe('imageBatch', () => {
  it('takes whole images along the first axis', () => {
    const batch = imageBatch(int32Tensor([4, 2, 3], ARANGE_24), 2, 2);
    expect(batch.shape).toEqual([2, 2, 3]);
    expect(int32Values(batch)).toEqual(ARANGE_24.slice(12));
  });
});
