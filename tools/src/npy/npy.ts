import { readFile, writeFile } from 'node:fs/promises';
import { descrOf, elementSize, parseDescr, viewElements, type NpyArray } from './dtype.js';
import { formatHeaderDict, formatShape, parseHeaderDict } from './header.js';

export type { NpyArray, NpyDType, NpyElementArrays } from './dtype.js';
export { formatShape } from './header.js';

/**
 * NumPy's .npy format: magic, version, header length, a Python dictionary padded with spaces and
 * a newline so that the data starts 64-byte aligned, then the raw elements.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
const MAGIC = Uint8Array.of(0x93, ...new TextEncoder().encode('NUMPY'));
const ALIGNMENT = 64;

/** Where each format version keeps the header length, and how its header text is encoded. */
const VERSIONS: Record<string, { lengthBytes: 2 | 4; encoding: 'latin1' | 'utf-8' }> = {
  '1.0': { lengthBytes: 2, encoding: 'latin1' },
  '2.0': { lengthBytes: 4, encoding: 'latin1' },
  '3.0': { lengthBytes: 4, encoding: 'utf-8' },
};

export async function readNpy(path: string): Promise<NpyArray> {
  const bytes = await readFile(path);
  try {
    return decodeNpy(bytes);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  await writeFile(path, encodeNpy(array));
}

/** Parses a whole .npy file: format 1.0, 2.0 or 3.0, C order, any byte order. */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < MAGIC.length + 2 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new Error('not a .npy file: it does not start with \\x93NUMPY');
  }
  const version = `${bytes[6]}.${bytes[7]}`;
  const format = VERSIONS[version];
  if (format === undefined) {
    throw new Error(`unsupported .npy format version ${version}; supported: ${Object.keys(VERSIONS).join(', ')}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = MAGIC.length + 2 + format.lengthBytes;
  if (bytes.length < headerStart) throw new Error('truncated .npy file: the header length is missing');
  const headerLength = format.lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    const remaining = bytes.length - headerStart;
    throw new Error(`truncated .npy file: the header needs ${headerLength} bytes, ${remaining} remain`);
  }
  const header = parseHeaderDict(new TextDecoder(format.encoding).decode(bytes.subarray(headerStart, dataStart)));
  if (header.fortranOrder) {
    throw new Error(
      'Fortran-ordered arrays (fortran_order True) are not supported; ' +
        'save a C-ordered copy, e.g. np.save(path, np.ascontiguousarray(array))',
    );
  }
  const { dtype, bigEndian } = parseDescr(header.descr);
  const size = elementSize(dtype);
  const expected = elementCount(header.shape) * size;
  const available = bytes.length - dataStart;
  if (available !== expected) {
    const needed = `shape ${formatShape(header.shape)} of '${header.descr}' needs ${expected}`;
    throw new Error(`the data holds ${available} bytes, but ${needed}`);
  }
  // A copy (not Buffer#slice, which is a view): typed arrays need the data aligned to their
  // element size, and big-endian data is swapped in place.
  const data = new Uint8Array(bytes.subarray(dataStart));
  if (bigEndian) swapByteOrder(data, size);
  return viewElements(dtype, header.shape, data.buffer);
}

/**
 * The file np.save would write for the array, byte for byte: format 1.0, or 2.0 when the header
 * outgrows 1.0's 16-bit length, little-endian, C order.
 */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = elementCount(array.shape);
  if (array.data.length !== count) {
    const shape = formatShape(array.shape);
    throw new Error(`${array.data.length} elements do not fill shape ${shape}, which needs ${count}`);
  }
  const header = { descr: descrOf(array.dtype), fortranOrder: false, shape: array.shape };
  const dict = new TextEncoder().encode(formatHeaderDict(header));
  const [major, lengthBytes] = alignedHeaderLength(dict.length, 2) <= 0xffff ? [1, 2] : [2, 4];
  const headerLength = alignedHeaderLength(dict.length, lengthBytes);
  const headerStart = MAGIC.length + 2 + lengthBytes;
  const file = new Uint8Array(headerStart + headerLength + array.data.byteLength);
  const view = new DataView(file.buffer);
  file.set(MAGIC);
  file.set([major, 0], MAGIC.length);
  if (lengthBytes === 2) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  file.set(dict, headerStart);
  file.fill(0x20, headerStart + dict.length, headerStart + headerLength - 1);
  file[headerStart + headerLength - 1] = 0x0a;
  file.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), headerStart + headerLength);
  return file;
}

/**
 * The header length, newline included, that makes the data start on a 64-byte boundary. Like
 * NumPy, a header that would end exactly on the boundary still gets a full 64 spaces.
 */
function alignedHeaderLength(dictLength: number, lengthBytes: number): number {
  const unpadded = MAGIC.length + 2 + lengthBytes + dictLength + 1;
  return dictLength + 1 + ALIGNMENT - (unpadded % ALIGNMENT);
}

function elementCount(shape: readonly number[]): number {
  const count = shape.reduce((product, dim) => product * dim, 1);
  if (!Number.isSafeInteger(count)) throw new Error(`shape ${formatShape(shape)} has too many elements`);
  return count;
}

function swapByteOrder(data: Uint8Array, size: number): void {
  for (let element = 0; element < data.length; element += size) {
    data.subarray(element, element + size).reverse();
  }
}
