import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHeaderDict } from './header.js';
import { decodeNpy, encodeNpy, readNpy, writeNpy, type NpyArray } from './npy.js';

/** magic + version + little-endian header length + header text + data, as the format spec lays them out. */
function assemble(
  version: [number, number],
  headerLength: number,
  header: string,
  data: ArrayBufferView,
): Uint8Array {
  const length =
    version[0] === 1
      ? [headerLength & 0xff, headerLength >> 8]
      : [headerLength & 0xff, (headerLength >> 8) & 0xff, (headerLength >> 16) & 0xff, headerLength >>> 24];
  return Uint8Array.from([
    0x93,
    ...Buffer.from('NUMPY'),
    ...version,
    ...length,
    ...Buffer.from(header, 'latin1'),
    ...new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

/** Header text padded with spaces and a newline to `headerLength` bytes (the byte counts np.save wrote). */
function padded(dict: string, headerLength: number): string {
  return `${dict.padEnd(headerLength - 1)}\n`;
}

/**
 * Format 1.0 with the header length np.save gives every small array: 118 bytes, so that with the
 * 10 bytes before it the data starts at 128.
 */
function version1(dict: string, data: ArrayBufferView): Uint8Array {
  return assemble([1, 0], 118, padded(dict, 118), data);
}

// Bytes np.save (NumPy 2.4) writes for np.array([[0, 1, 2], [3, 4.5, -1]], dtype='<f4').
const FLOAT32_2X3 = version1(
  "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
  Float32Array.of(0, 1, 2, 3, 4.5, -1),
);

describe('decodeNpy', () => {
  it('reads format 1.0 with a 16-bit header length', () => {
    const array = decodeNpy(FLOAT32_2X3);
    expect(array.dtype).toBe('float32');
    expect(array.shape).toEqual([2, 3]);
    expect([...array.data]).toEqual([0, 1, 2, 3, 4.5, -1]);
  });

  it('reads format 2.0 with a 32-bit header length', () => {
    // np.lib.format.write_array(f, np.array([1.5, -2.0]), version=(2, 0)): header length 116.
    const bytes = assemble(
      [2, 0],
      116,
      padded("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 116),
      Float64Array.of(1.5, -2),
    );
    expect(decodeNpy(bytes)).toEqual({ dtype: 'float64', shape: [2], data: Float64Array.of(1.5, -2) });
  });

  it('reads format 3.0, whose header is UTF-8', () => {
    const dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (), }";
    const bytes = assemble([3, 0], 116, padded(dict, 116), Int32Array.of(7));
    expect(decodeNpy(bytes)).toEqual({ dtype: 'int32', shape: [], data: Int32Array.of(7) });
  });

  it('converts big-endian data to the host order', () => {
    const data = Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfd);
    const bytes = version1("{'descr': '>i4', 'fortran_order': False, 'shape': (1, 3), }", data);
    expect(decodeNpy(bytes)).toEqual({ dtype: 'int32', shape: [1, 3], data: Int32Array.of(1, 2, -3) });
  });

  it('accepts any key order, double quotes, no trailing comma and Python 2 long integers', () => {
    const dict = '{"shape": (2L, 1L), "fortran_order": False, "descr": "|u1"}';
    expect(decodeNpy(version1(dict, Uint8Array.of(9, 8)))).toEqual({
      dtype: 'uint8',
      shape: [2, 1],
      data: Uint8Array.of(9, 8),
    });
  });

  it('rejects Fortran order with a hint', () => {
    const bytes = version1("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", Float32Array.of(1));
    expect(() => decodeNpy(bytes)).toThrow(/Fortran-ordered arrays .* not supported.*np\.ascontiguousarray/);
  });

  it.each([
    ['<f2', /unsupported dtype '<f2'; supported: \|b1, \|i1, <i2, <i4, <i8, \|u1, <u2, <u4, <u8, <f4, <f8/],
    ['|S5', /unsupported dtype '\|S5'/],
    ['<U3', /unsupported dtype '<U3'/],
    ['|O', /unsupported dtype '\|O'/],
  ])('rejects dtype %s', (descr, message) => {
    const bytes = version1(`{'descr': '${descr}', 'fortran_order': False, 'shape': (0,), }`, new Uint8Array());
    expect(() => decodeNpy(bytes)).toThrow(message);
  });

  it('rejects structured dtypes', () => {
    const dict = "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (0,), }";
    expect(() => decodeNpy(version1(dict, new Uint8Array()))).toThrow(/structured dtypes/);
  });

  it('rejects files that are not .npy, unknown versions and malformed headers', () => {
    expect(() => decodeNpy(Buffer.from('PK\x03\x04 a zip, perhaps .npz'))).toThrow(/not a .npy file/);
    expect(() => decodeNpy(Uint8Array.of(...FLOAT32_2X3.subarray(0, 6), 4, 0, ...FLOAT32_2X3.subarray(8)))).toThrow(
      /unsupported .npy format version 4.0; supported: 1.0, 2.0, 3.0/,
    );
    expect(() => decodeNpy(FLOAT32_2X3.subarray(0, 100))).toThrow(/truncated .npy file: the header needs 118 bytes, 90 remain/);
    const missingKey = "{'descr': '<f4', 'shape': (1,), }";
    expect(() => decodeNpy(version1(missingKey, Float32Array.of(1)))).toThrow(
      /keys must be descr, fortran_order and shape, got descr, shape/,
    );
    const badShape = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, -2), }";
    expect(() => decodeNpy(version1(badShape, Float32Array.of(1)))).toThrow(
      /expected a non-negative integer at offset 54, found '-'/,
    );
  });

  it('rejects data that does not match the shape', () => {
    expect(() => decodeNpy(FLOAT32_2X3.subarray(0, FLOAT32_2X3.length - 4))).toThrow(
      /the data holds 20 bytes, but shape \(2, 3\) of '<f4' needs 24/,
    );
    expect(() => decodeNpy(Uint8Array.of(...FLOAT32_2X3, 0))).toThrow(/the data holds 25 bytes/);
  });
});

describe('encodeNpy', () => {
  it('writes what np.save writes, byte for byte', () => {
    expect(encodeNpy({ dtype: 'float32', shape: [2, 3], data: Float32Array.of(0, 1, 2, 3, 4.5, -1) })).toEqual(FLOAT32_2X3);
    // np.save(f, np.array([404, 279])): 1-byte types are '|', the header still pads to 64 bytes.
    const labels = version1("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", BigInt64Array.of(404n, 279n));
    expect(encodeNpy({ dtype: 'int64', shape: [2], data: BigInt64Array.of(404n, 279n) })).toEqual(labels);
    const flags = version1("{'descr': '|b1', 'fortran_order': False, 'shape': (0,), }", new Uint8Array());
    expect(encodeNpy({ dtype: 'bool', shape: [0], data: new Uint8Array() })).toEqual(flags);
  });

  it('switches to format 2.0 when the header outgrows a 16-bit length', () => {
    const shape = new Array<number>(30_000).fill(1);
    const bytes = encodeNpy({ dtype: 'uint8', shape, data: Uint8Array.of(5) });
    expect([bytes[6], bytes[7]]).toEqual([2, 0]);
    expect((bytes.length - 1) % 64).toBe(0);
    expect(decodeNpy(bytes)).toEqual({ dtype: 'uint8', shape, data: Uint8Array.of(5) });
  });

  it('rejects data that does not fill the shape', () => {
    expect(() => encodeNpy({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) })).toThrow(
      /3 elements do not fill shape \(2, 2\), which needs 4/,
    );
  });
});

describe('readNpy and writeNpy', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'demux-npy-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const arrays: NpyArray[] = [
    { dtype: 'bool', shape: [3], data: Uint8Array.of(1, 0, 1) },
    { dtype: 'int8', shape: [2], data: Int8Array.of(-128, 127) },
    { dtype: 'int16', shape: [1, 2], data: Int16Array.of(-300, 300) },
    { dtype: 'int32', shape: [], data: Int32Array.of(-7) },
    { dtype: 'int64', shape: [2], data: BigInt64Array.of(-(2n ** 62n), 1000n) },
    { dtype: 'uint8', shape: [2, 2, 1], data: Uint8Array.of(0, 1, 254, 255) },
    { dtype: 'uint16', shape: [1], data: Uint16Array.of(65535) },
    { dtype: 'uint32', shape: [1], data: Uint32Array.of(4294967295) },
    { dtype: 'uint64', shape: [1], data: BigUint64Array.of(2n ** 64n - 1n) },
    { dtype: 'float32', shape: [2, 1, 2, 2], data: Float32Array.of(0.5, -1, 2, 3, Infinity, -0, 1e-30, 7) },
    { dtype: 'float64', shape: [0, 3], data: new Float64Array() },
  ];

  it.each(arrays.map((array) => [array.dtype, array] as const))('round-trips %s through a file', async (dtype, array) => {
    const path = join(directory, `${dtype}.npy`);
    await writeNpy(path, array);
    expect(await readNpy(path)).toEqual(array);
  });

  it('names the file in errors', async () => {
    const path = join(directory, 'broken.npy');
    await writeNpy(path, { dtype: 'float32', shape: [2], data: Float32Array.of(1, 2) });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 1));
    await expect(readNpy(path)).rejects.toThrow(`${path}: the data holds 7 bytes`);
  });
});

describe('parseHeaderDict', () => {
  it('reads the dictionary however it is spaced', () => {
    expect(parseHeaderDict("{ 'descr' :'<f4' ,'fortran_order':False,'shape':( 10 , 3 ,224,224 ) , }   \n")).toEqual({
      descr: '<f4',
      fortranOrder: false,
      shape: [10, 3, 224, 224],
    });
  });

  it('rejects text after the dictionary', () => {
    expect(() => parseHeaderDict("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x")).toThrow(
      /malformed .npy header: unexpected text after the dictionary at offset 58/,
    );
  });
});
