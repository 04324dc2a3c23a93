import { DemuxError } from './errors.js';

/**
 * Element types, named as KServe v2 names them. Every tensor inside Demux carries its elements
 * as raw little-endian bytes; BYTES holds length-prefixed strings (4-byte little-endian length,
 * then the bytes), as KServe's raw_input_contents does.
 */
export const DTYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

export type DType = (typeof DTYPES)[number];

const ELEMENT_SIZE: Record<Exclude<DType, 'BYTES'>, number> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
};

/** The internal tensor: what every service passes around, and what a job carries. */
export interface Tensor {
  name: string;
  dtype: DType;
  shape: number[];
  /** Raw little-endian element bytes, row-major (C order). */
  data: Uint8Array;
}

export function isDType(value: string): value is DType {
  return (DTYPES as readonly string[]).includes(value);
}

/** Bytes per element; undefined for BYTES, whose elements have no fixed size. */
export function elementSize(dtype: Exclude<DType, 'BYTES'>): number;
export function elementSize(dtype: DType): number | undefined;
export function elementSize(dtype: DType): number | undefined {
  return dtype === 'BYTES' ? undefined : ELEMENT_SIZE[dtype];
}

/**
 * The number of elements of a shape. Rejects negative dims and products beyond
 * Number.MAX_SAFE_INTEGER, so a hostile shape can never overflow into a small, plausible size.
 */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw DemuxError.invalidArgument(`invalid dimension ${dim} in shape [${shape.join(',')}]`);
    }
    count *= dim;
    if (!Number.isSafeInteger(count)) {
      throw DemuxError.invalidArgument(`shape [${shape.join(',')}] has too many elements`);
    }
  }
  return count;
}

/** The byte length a fixed-size dtype's tensor of this shape must have. */
export function expectedByteLength(dtype: DType, shape: readonly number[]): number | undefined {
  const size = elementSize(dtype);
  if (size === undefined) return undefined;
  const bytes = elementCount(shape) * size;
  if (!Number.isSafeInteger(bytes)) {
    throw DemuxError.invalidArgument(`shape [${shape.join(',')}] has too many bytes`);
  }
  return bytes;
}

const LENGTH_PREFIX_BYTES = 4;

/**
 * The elements of BYTES data (4-byte little-endian length, then the bytes), as views into it.
 * `label` names the data in errors, e.g. "input 'text' raw_input_contents".
 */
export function splitBytesElements(data: Uint8Array, label: string): Uint8Array[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const elements: Uint8Array[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < LENGTH_PREFIX_BYTES) {
      throw DemuxError.invalidArgument(
        `${label}: BYTES element ${elements.length} has a truncated length prefix at byte ${offset}`,
      );
    }
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX_BYTES;
    if (length > data.length - offset) {
      throw DemuxError.invalidArgument(
        `${label}: BYTES element ${elements.length} declares ${length} bytes, only ${data.length - offset} remain`,
      );
    }
    elements.push(data.subarray(offset, offset + length));
    offset += length;
  }
  return elements;
}

/** BYTES data holding these elements, each with its 4-byte little-endian length prefix. */
export function joinBytesElements(elements: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const element of elements) total += LENGTH_PREFIX_BYTES + element.length;
  const data = new Uint8Array(total);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const element of elements) {
    view.setUint32(offset, element.length, true);
    data.set(element, offset + LENGTH_PREFIX_BYTES);
    offset += LENGTH_PREFIX_BYTES + element.length;
  }
  return data;
}
