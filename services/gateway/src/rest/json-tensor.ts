import { Buffer } from 'node:buffer';
import { DemuxError, elementCount, joinBytesElements, splitBytesElements, type DType, type Tensor } from '@demux/core';
import { describeJson, isJsonObject } from './json-body.js';

/**
 * Tensors as the REST APIs write them in JSON: numbers, booleans and strings in nested or flat
 * lists, binary strings as `{"b64": "..."}`. Elements are read and written little-endian through
 * a DataView, as every internal tensor holds them.
 */

/** Nesting deeper than any model's rank is refused before it is walked. */
const MAX_RANK = 32;
const LARGEST_EXACT = Number.MAX_SAFE_INTEGER;

type FixedDType = Exclude<DType, 'BYTES' | 'FP16'>;

interface ElementType {
  bytes: number;
  /** What a JSON value must be, for error messages. */
  expected: string;
  /** The JSON value as a number to write, or undefined when it is not a value of this dtype. */
  fromJson(value: unknown): number | undefined;
  write(view: DataView, offset: number, value: number): void;
  /** The JSON text of the element at `offset`. */
  toJson(view: DataView, offset: number): string;
}

const integer =
  (min: number, max: number) =>
  (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;

type Read = (view: DataView, offset: number) => number | bigint;
type Write = ElementType['write'];

// JSON numbers are doubles: 64-bit integers beyond 2^53 cannot be read exactly, so they are refused rather than rounded.
const INEXACT_BEYOND = ' (larger ones are not exact in JSON)';

function integerElement(bytes: number, min: number, max: number, read: Read, write: Write, note = ''): ElementType {
  return { bytes, expected: `an integer in [${min}, ${max}]${note}`, fromJson: integer(min, max), write, toJson: (view, offset) => String(read(view, offset)) };
}

function floatElement(bytes: number, read: (view: DataView, offset: number) => number, write: Write, text: (value: number) => string): ElementType {
  return { bytes, expected: 'a number', fromJson: (value) => (typeof value === 'number' ? value : undefined), write, toJson: (view, offset) => text(read(view, offset)) };
}

const ELEMENTS: Record<FixedDType, ElementType> = {
  BOOL: {
    bytes: 1,
    expected: 'true or false',
    fromJson: (value) => (typeof value === 'boolean' ? Number(value) : undefined),
    write: (view, offset, value) => view.setUint8(offset, value),
    toJson: (view, offset) => String(view.getUint8(offset) !== 0),
  },
  UINT8: integerElement(1, 0, 0xff, (view, offset) => view.getUint8(offset), (view, offset, value) => view.setUint8(offset, value)),
  UINT16: integerElement(2, 0, 0xffff, (view, offset) => view.getUint16(offset, true), (view, offset, value) => view.setUint16(offset, value, true)),
  UINT32: integerElement(4, 0, 0xffffffff, (view, offset) => view.getUint32(offset, true), (view, offset, value) => view.setUint32(offset, value, true)),
  UINT64: integerElement(
    8,
    0,
    LARGEST_EXACT,
    (view, offset) => view.getBigUint64(offset, true),
    (view, offset, value) => view.setBigUint64(offset, BigInt(value), true),
    INEXACT_BEYOND,
  ),
  INT8: integerElement(1, -0x80, 0x7f, (view, offset) => view.getInt8(offset), (view, offset, value) => view.setInt8(offset, value)),
  INT16: integerElement(2, -0x8000, 0x7fff, (view, offset) => view.getInt16(offset, true), (view, offset, value) => view.setInt16(offset, value, true)),
  INT32: integerElement(4, -0x80000000, 0x7fffffff, (view, offset) => view.getInt32(offset, true), (view, offset, value) => view.setInt32(offset, value, true)),
  INT64: integerElement(
    8,
    -LARGEST_EXACT,
    LARGEST_EXACT,
    (view, offset) => view.getBigInt64(offset, true),
    (view, offset, value) => view.setBigInt64(offset, BigInt(value), true),
    INEXACT_BEYOND,
  ),
  FP32: floatElement(4, (view, offset) => view.getFloat32(offset, true), (view, offset, value) => view.setFloat32(offset, value, true), float32Json),
  FP64: floatElement(8, (view, offset) => view.getFloat64(offset, true), (view, offset, value) => view.setFloat64(offset, value, true), float64Json),
};

/**
 * Non-finite values as TensorFlow Serving writes them (Python's json module and JavaScript read
 * them back); -0 keeps its sign; whole numbers get ".0" so that readers see a float, as TFS and
 * Triton write them.
 */
function decimalJson(value: number, finite: (value: number) => string): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  const text = finite(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** The shortest decimal text that reads back as the same float32: 6 significant digits when they do, up to 9 (always enough). */
export function float32Json(value: number): string {
  return decimalJson(value, (finite) => {
    let text = finite.toPrecision(9);
    for (let digits = 6; digits < 9; digits++) {
      const shorter = finite.toPrecision(digits);
      if (Math.fround(Number(shorter)) === finite) {
        text = shorter;
        break;
      }
    }
    // toPrecision pads with zeros ("0.500000", "1.50000e-7"); they add nothing.
    return text.replace(/(\.\d*?)0+(?=e|$)/, '$1').replace(/\.(?=e|$)/, '');
  });
}

/** JavaScript's own number text is the shortest that reads back as the same double. */
export function float64Json(value: number): string {
  return decimalJson(value, String);
}

/** A `{"b64": "..."}` object: binary data in JSON (TensorFlow Serving's encoding). */
export function isBase64Object(value: unknown): value is { b64: unknown } {
  return isJsonObject(value) && Object.keys(value).length === 1 && Object.hasOwn(value, 'b64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

function stringElement(label: string, value: unknown, index: number): Uint8Array {
  if (typeof value === 'string') return utf8Encoder.encode(value);
  if (isBase64Object(value) && typeof value.b64 === 'string' && BASE64.test(value.b64)) return Buffer.from(value.b64, 'base64');
  throw DemuxError.invalidArgument(`${label}: element ${index} is ${describeJson(value)}, expected a string or {"b64": "<base64>"} for BYTES`);
}

/** The elements of JSON values as the raw bytes of a tensor of `dtype`. */
function pack(label: string, dtype: DType, values: readonly unknown[]): Uint8Array {
  if (dtype === 'BYTES') return joinBytesElements(values.map((value, index) => stringElement(label, value, index)));
  if (dtype === 'FP16') throw DemuxError.invalidArgument(`${label}: FP16 values cannot be sent as JSON numbers; send them as binary data`);
  const element = ELEMENTS[dtype];
  const data = new Uint8Array(values.length * element.bytes);
  const view = new DataView(data.buffer);
  values.forEach((value, index) => {
    const converted = element.fromJson(value);
    if (converted === undefined) {
      throw DemuxError.invalidArgument(`${label}: element ${index} is ${describeJson(value)}, expected ${element.expected} for ${dtype}`);
    }
    element.write(view, index * element.bytes, converted);
  });
  return data;
}

/** The dims of nested lists, read along their first items: [[1,2],[3,4]] is [2,2], a value is []. */
function nestedShape(label: string, value: unknown): number[] {
  const shape: number[] = [];
  for (let level = value; Array.isArray(level); level = level[0]) {
    if (shape.length === MAX_RANK) throw DemuxError.invalidArgument(`${label}: lists nested deeper than ${MAX_RANK} levels`);
    shape.push(level.length);
  }
  return shape;
}

function position(path: readonly number[]): string {
  return path.length === 0 ? 'the outer list' : `item [${path.join('][')}]`;
}

/** The values of dense nested lists in row-major order; every list must be as long as its level's first one. */
function denseValues(label: string, value: unknown, shape: readonly number[], path: number[], values: unknown[]): void {
  const dim = path.length;
  if (dim === shape.length) {
    if (Array.isArray(value)) throw DemuxError.invalidArgument(`${label}: ragged lists: ${position(path)} is a list, where the first item has a value`);
    values.push(value);
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[dim]) {
    const found = Array.isArray(value) ? `has ${value.length} items` : 'is a value';
    throw DemuxError.invalidArgument(`${label}: ragged lists: ${position(path)} ${found}, where the first has ${shape[dim]}`);
  }
  for (let index = 0; index < value.length; index++) {
    path.push(index);
    denseValues(label, value[index], shape, path, values);
    path.pop();
  }
}

/** A tensor from nested lists whose nesting is its shape (TensorFlow Serving REST); ragged lists are refused. */
export function tensorFromNested(name: string, dtype: DType, value: unknown): Tensor {
  const label = `input "${name}"`;
  const shape = nestedShape(label, value);
  const values: unknown[] = [];
  denseValues(label, value, shape, [], values);
  return { name, dtype, shape, data: pack(label, dtype, values) };
}

/** A tensor from KServe JSON `data`, flat or nested in row-major order, one value per element of `shape`. */
export function tensorFromData(name: string, dtype: DType, shape: number[], data: unknown): Tensor {
  const label = `input "${name}"`;
  if (!Array.isArray(data)) throw DemuxError.invalidArgument(`${label}: "data" must be a list, got ${describeJson(data)}`);
  const values: unknown[] = data.flat(Math.max(nestedShape(label, data).length - 1, 0));
  const expected = elementCount(shape);
  if (values.length !== expected) {
    throw DemuxError.invalidArgument(`${label}: "data" holds ${values.length} values, expected ${expected} for shape [${shape.join(',')}]`);
  }
  return { name, dtype, shape, data: pack(label, dtype, values) };
}

/**
 * Every element of a tensor as JSON text, row-major. BYTES elements are strings, or `{"b64"}`
 * objects when `bytesAsBase64`; FP16, which neither TFS nor Triton writes as JSON, is refused.
 */
export function elementsAsJson(tensor: Tensor, bytesAsBase64 = false): string[] {
  const label = `output "${tensor.name}"`;
  if (tensor.dtype === 'BYTES') {
    return splitBytesElements(tensor.data, label).map((bytes) => {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return bytesAsBase64 ? `{"b64":"${buffer.toString('base64')}"}` : JSON.stringify(utf8.decode(buffer));
    });
  }
  if (tensor.dtype === 'FP16') throw DemuxError.invalidArgument(`${label} is FP16, which cannot be written as JSON; ask for it as binary data`);
  const element = ELEMENTS[tensor.dtype];
  const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const texts = new Array<string>(tensor.data.byteLength / element.bytes);
  for (let index = 0; index < texts.length; index++) texts[index] = element.toJson(view, index * element.bytes);
  return texts;
}

/** Row-major elements as nested JSON lists of `shape`; a scalar ([]) is its one element. */
export function nestedJson(elements: readonly string[], shape: readonly number[], offset = 0): string {
  const [dim, ...inner] = shape;
  if (dim === undefined) return elements[offset] ?? '';
  const stride = inner.reduce((product, size) => product * size, 1);
  const items = new Array<string>(dim);
  for (let index = 0; index < dim; index++) items[index] = nestedJson(elements, inner, offset + index * stride);
  return `[${items.join(',')}]`;
}

/** JSON text of `object` with one more field whose value is already JSON text (tensor data). */
export function withJsonField(object: object, key: string, json: string): string {
  const text = JSON.stringify(object);
  return `${text.slice(0, -1)}${text === '{}' ? '' : ','}${JSON.stringify(key)}:${json}}`;
}
