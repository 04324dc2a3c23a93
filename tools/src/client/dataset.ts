import { elementSize, type DType, type Tensor } from '@demux/core';
import { formatShape, type NpyArray, type NpyDType } from '../npy/npy.js';
import type { TransposeMethod } from './options.js';

/**
 * The images and labels the client sends and checks, prepared the way grpc_serving_client.py
 * prepares them: images along the first axis, optionally transposed, repeated until there is
 * more than one batch.
 */
export interface Dataset {
  images: Tensor;
  /** One ImageNet class index per image; undefined without a labels file. */
  labels: number[] | undefined;
}

const DTYPE_OF_NPY: Record<NpyDType, DType> = {
  bool: 'BOOL',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  float32: 'FP32',
  float64: 'FP64',
};

/**
 * The script's preprocessing, `imgs = imgs - np.min(imgs)` then `imgs = imgs / np.ptp(imgs) * 255`:
 * the whole file stretched to 0..255, computed as NumPy computes it. Float32 images stay float32,
 * rounded after each operation; float64 images stay float64. Integer images are shifted in their
 * own type (wrapping around where the difference overflows it, as NumPy's does), then divided in
 * float64, so they are sent as float64. Images that are all one value come out NaN (0 / 0), like
 * any NaN in the file, which np.min propagates. A file already spanning exactly 0..255 keeps its
 * values: every whole x in 0..255, at least, gives back x / 255 * 255 = x in float32.
 */
export function rescaleImages(images: NpyArray): NpyArray {
  const { shape } = images;
  if (images.data.length === 0) throw new Error(`the images file holds no images: shape ${formatShape(shape)}`);
  switch (images.dtype) {
    case 'bool':
      throw new Error('boolean images cannot be rescaled: NumPy does not subtract booleans');
    case 'float32': {
      const low = minimum(images.data);
      // A Float32Array rounds what it stores to float32, as NumPy rounds each float32 operation.
      const shifted = images.data.map((value) => value - low);
      const ptp = Math.fround(maximum(shifted) - minimum(shifted));
      return { dtype: 'float32', shape, data: shifted.map((value) => Math.fround(value / ptp) * 255) };
    }
    case 'float64': {
      const low = minimum(images.data);
      const shifted = images.data.map((value) => value - low);
      const ptp = maximum(shifted) - minimum(shifted);
      return { dtype: 'float64', shape, data: shifted.map((value) => (value / ptp) * 255) };
    }
    case 'int64':
    case 'uint64': {
      const data: WrappingArray<bigint> = images.data;
      const low = bigMinimum(data);
      const shifted = data.slice();
      for (let i = 0; i < shifted.length; i++) shifted[i] = shifted[i]! - low;
      const ptp = shifted.slice(0, 1);
      ptp[0] = bigMaximum(shifted) - bigMinimum(shifted);
      const divisor = Number(ptp[0]);
      return { dtype: 'float64', shape, data: Float64Array.from(shifted, (value) => (Number(value) / divisor) * 255) };
    }
    default: {
      const data: WrappingArray<number> = images.data;
      const low = minimum(data);
      const shifted = data.slice();
      for (let i = 0; i < shifted.length; i++) shifted[i] = shifted[i]! - low;
      const ptp = shifted.slice(0, 1);
      ptp[0] = maximum(shifted) - minimum(shifted);
      const divisor = ptp[0]!;
      return { dtype: 'float64', shape, data: Float64Array.from(shifted, (value) => (value / divisor) * 255) };
    }
  }
}

/**
 * An integer typed array: what it stores keeps the low bits of its element type, so arithmetic
 * stored into it wraps around as NumPy's integer arithmetic does.
 */
interface WrappingArray<T> extends ArrayLike<T> {
  [index: number]: T;
  slice(start?: number, end?: number): WrappingArray<T>;
}

/** np.min: the smallest value, or NaN if there is one. */
function minimum(values: ArrayLike<number>): number {
  let result = Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) return NaN;
    if (value < result) result = value;
  }
  return result;
}

function maximum(values: ArrayLike<number>): number {
  let result = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) return NaN;
    if (value > result) result = value;
  }
  return result;
}

function bigMinimum(values: ArrayLike<bigint>): bigint {
  let result = values[0]!;
  for (let i = 1; i < values.length; i++) if (values[i]! < result) result = values[i]!;
  return result;
}

function bigMaximum(values: ArrayLike<bigint>): bigint {
  let result = values[0]!;
  for (let i = 1; i < values.length; i++) if (values[i]! > result) result = values[i]!;
  return result;
}

/** The images as a tensor named after the model's input: their bytes as they are, no copy. */
export function imageTensor(name: string, images: NpyArray): Tensor {
  if (images.shape.length === 0 || images.shape[0] === 0) {
    throw new Error(`the images file holds no images: shape ${formatShape(images.shape)}`);
  }
  const { buffer, byteOffset, byteLength } = images.data;
  const data = new Uint8Array(buffer, byteOffset, byteLength);
  return { name, dtype: DTYPE_OF_NPY[images.dtype], shape: images.shape, data };
}

/** Class indices from an integer array of shape [n] or [n, 1], one per image. */
export function labelIndices(labels: NpyArray, imageCount: number): number[] {
  const [count, ...rest] = labels.shape;
  if (labels.dtype === 'float32' || labels.dtype === 'float64' || labels.dtype === 'bool') {
    throw new Error(`labels must be integers, got ${labels.dtype}`);
  }
  if (count !== imageCount || rest.some((dim) => dim !== 1)) {
    const expected = `(${imageCount},) or (${imageCount}, 1)`;
    throw new Error(`labels must have shape ${expected}, one per image; got ${formatShape(labels.shape)}`);
  }
  return Array.from(labels.data, Number);
}

/**
 * Doubles the images, and their labels, while one batch would take all of them: the script always
 * keeps more images than a batch holds.
 */
export function repeatForBatches(dataset: Dataset, batchSize: number): Dataset {
  let { images, labels } = dataset;
  while (batchSize >= images.shape[0]!) {
    const data = new Uint8Array(images.data.length * 2);
    data.set(images.data);
    data.set(images.data, images.data.length);
    images = { ...images, shape: [images.shape[0]! * 2, ...images.shape.slice(1)], data };
    labels = labels && [...labels, ...labels];
  }
  return { images, labels };
}

/** np.transpose's axes for each method: NHWC to NCHW and back. */
const AXES: Record<TransposeMethod, readonly [number, number, number, number]> = {
  nhwc2nchw: [0, 3, 1, 2],
  nchw2nhwc: [0, 2, 3, 1],
};

/** A C-ordered copy of 4-D images with their axes permuted, as np.transpose followed by tobytes(). */
export function transposeImages(images: Tensor, method: TransposeMethod): Tensor {
  const { shape } = images;
  if (shape.length !== 4) {
    throw new Error(
      `--transpose_method ${method} needs 4-D images, got shape ${formatShape(shape)}; ` +
        'pass --transpose_input False to send them as they are',
    );
  }
  const axes = AXES[method];
  const size = elementSize(images.dtype);
  if (size === undefined) throw new Error(`${images.dtype} images cannot be transposed`);
  const strides = [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
  const [d0, d1, d2, d3] = axes.map((axis) => shape[axis]!) as [number, number, number, number];
  const [s0, s1, s2, s3] = axes.map((axis) => strides[axis]!) as [number, number, number, number];
  const data = new Uint8Array(images.data.length);
  let target = 0;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        for (let i3 = 0; i3 < d3; i3++) {
          const source = (i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3) * size;
          for (let byte = 0; byte < size; byte++) data[target++] = images.data[source + byte]!;
        }
      }
    }
  }
  return { ...images, shape: [d0, d1, d2, d3], data };
}

/** Images start..start+count-1 along the first axis: a view into the dataset's bytes. */
export function imageBatch(images: Tensor, start: number, count: number): Tensor {
  const imageBytes = images.data.length / images.shape[0]!;
  return {
    ...images,
    shape: [count, ...images.shape.slice(1)],
    data: images.data.subarray(start * imageBytes, (start + count) * imageBytes),
  };
}
