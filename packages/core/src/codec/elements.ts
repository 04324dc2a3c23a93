import { DemuxError } from '../errors.js';
import { elementCount, elementSize, splitBytesElements, type DType } from '../tensor.js';

/** Fixed-size dtypes whose typed protobuf fields hold JavaScript numbers. */
export type NumberDType = 'UINT8' | 'UINT16' | 'UINT32' | 'INT8' | 'INT16' | 'INT32' | 'FP16' | 'FP32' | 'FP64';

/** Dtypes whose typed protobuf fields hold bigints (int64/uint64 wire types). */
export type BigIntDType = 'INT64' | 'UINT64';

/**
 * Values a typed field may carry for dtypes narrower than the field's wire type. TensorFlow
 * silently truncates; we reject, so a wrong value is an error instead of a different number.
 * FP16 bits arrive as int32: non-negative from Python (numpy's view as uint16), sign-extended
 * from Java's `short`; both are accepted and the low 16 bits kept.
 */
const RANGE: Partial<Record<NumberDType, readonly [number, number]>> = {
  INT8: [-0x80, 0x7f],
  INT16: [-0x8000, 0x7fff],
  UINT8: [0, 0xff],
  UINT16: [0, 0xffff],
  FP16: [-0x8000, 0xffff],
};

function dtypeAndShape(dtype: DType, shape: readonly number[]): string {
  return `${dtype}, shape [${shape.join(',')}]`;
}

/**
 * Checks that raw data fits the dtype and shape: the exact byte length for fixed-size dtypes,
 * well-formed length-prefixed elements of the right count for BYTES. `field` names the data
 * on the wire (tensor_content, raw_input_contents, ...).
 */
export function checkRawData(label: string, field: string, dtype: DType, shape: readonly number[], data: Uint8Array): void {
  const count = elementCount(shape);
  const size = elementSize(dtype);
  if (size === undefined) {
    const elements = splitBytesElements(data, `${label} ${field}`).length;
    if (elements !== count) {
      throw DemuxError.invalidArgument(
        `${label}: ${field} holds ${elements} elements, expected ${count} (${dtypeAndShape(dtype, shape)})`,
      );
    }
    return;
  }
  const expected = count * size;
  if (data.length !== expected) {
    throw DemuxError.invalidArgument(
      `${label}: ${field} has ${data.length} bytes, expected ${expected} (${dtypeAndShape(dtype, shape)})`,
    );
  }
}

/** Checks that a typed field holds one value per element of the shape, and returns it. */
export function checkCount<T>(label: string, field: string, dtype: DType, shape: readonly number[], values: T[]): T[] {
  const expected = elementCount(shape);
  if (values.length !== expected) {
    throw DemuxError.invalidArgument(
      `${label}: ${field} has ${values.length} values, expected ${expected} (${dtypeAndShape(dtype, shape)})`,
    );
  }
  return values;
}

type Write = (view: DataView, offset: number, value: number) => void;

const WRITE: Record<NumberDType, Write> = {
  INT8: (view, offset, value) => view.setInt8(offset, value),
  UINT8: (view, offset, value) => view.setUint8(offset, value),
  INT16: (view, offset, value) => view.setInt16(offset, value, true),
  UINT16: (view, offset, value) => view.setUint16(offset, value, true),
  FP16: (view, offset, value) => view.setUint16(offset, value & 0xffff, true),
  INT32: (view, offset, value) => view.setInt32(offset, value, true),
  UINT32: (view, offset, value) => view.setUint32(offset, value, true),
  FP32: (view, offset, value) => view.setFloat32(offset, value, true),
  FP64: (view, offset, value) => view.setFloat64(offset, value, true),
};

/** Typed number values as raw little-endian bytes, range-checked against the dtype. */
export function packNumbers(label: string, field: string, dtype: NumberDType, values: readonly number[]): Uint8Array {
  const size = elementSize(dtype);
  const view = new DataView(new ArrayBuffer(values.length * size));
  const range = RANGE[dtype];
  const write = WRITE[dtype];
  values.forEach((value, i) => {
    if (range !== undefined && !(value >= range[0] && value <= range[1])) {
      throw DemuxError.invalidArgument(`${label}: ${field}[${i}] = ${value} is out of range for ${dtype}`);
    }
    write(view, i * size, value);
  });
  return new Uint8Array(view.buffer);
}

/** Typed 64-bit integer values as raw little-endian bytes (the wire type already bounds them). */
export function packBigInts(dtype: BigIntDType, values: readonly bigint[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((value, i) => {
    if (dtype === 'INT64') view.setBigInt64(i * 8, value, true);
    else view.setBigUint64(i * 8, value, true);
  });
  return new Uint8Array(view.buffer);
}

export function packBools(values: readonly boolean[]): Uint8Array {
  return Uint8Array.from(values, (value) => (value ? 1 : 0));
}
