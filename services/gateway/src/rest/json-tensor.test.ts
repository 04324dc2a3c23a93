import { StatusCode, joinBytesElements, type Tensor } from '@demux/core';
import { describe, expect, it } from 'vitest';
import { elementsAsJson, float32Json, float64Json, nestedJson, tensorFromData, tensorFromNested, withJsonField } from './json-tensor.js';

const invalidArgument = (message: string) => expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message });
const bytesOf = (array: ArrayBufferView): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('float32Json', () => {
  it('writes the fewest digits that read back as the same float32', () => {
    expect(float32Json(Math.fround(0.1))).toBe('0.1');
    expect(float32Json(Math.fround(1 / 3))).toBe('0.33333334');
    expect(float32Json(Math.fround(1.5e-7))).toBe('1.5e-7');
    expect(float32Json(Math.fround(3.4028234663852886e38))).toBe('3.4028235e+38');
  });

  it('reads back bit-exactly for any float32', () => {
    const bits = new Uint32Array(30_000).map((_, i) => (Math.imul(i, 2654435761) ^ (i << 7)) >>> 0);
    const finite = [...new Float32Array(bits.buffer)].filter(Number.isFinite);
    expect(finite.filter((value) => !Object.is(Math.fround(Number(float32Json(value))), value))).toEqual([]);
  });

  it('marks whole numbers as floats, keeps the sign of zero and names non-finite values as TFS does', () => {
    expect([3, 100000, -0, 0].map(float32Json)).toEqual(['3.0', '100000.0', '-0.0', '0.0']);
    expect([NaN, Infinity, -Infinity].map(float32Json)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });
});

describe('float64Json', () => {
  it('writes the shortest text of the double, whole numbers as floats', () => {
    expect([0.1, 1 / 3, 2, 1e21, Number.MIN_VALUE, -0].map(float64Json)).toEqual(['0.1', '0.3333333333333333', '2.0', '1e+21', '5e-324', '-0.0']);
  });
});

describe('tensorFromNested', () => {
  it('takes the shape from the nesting and the values in row-major order', () => {
    const tensor = tensorFromNested('x', 'FP32', [[[1, 2]], [[3, 4]]]);
    expect(tensor).toMatchObject({ name: 'x', dtype: 'FP32', shape: [2, 1, 2] });
    expect(tensor.data).toEqual(bytesOf(Float32Array.of(1, 2, 3, 4)));
    expect(tensorFromNested('x', 'INT32', 7)).toMatchObject({ shape: [], data: bytesOf(Int32Array.of(7)) });
    expect(tensorFromNested('x', 'FP32', [[], []])).toMatchObject({ shape: [2, 0], data: new Uint8Array(0) });
  });

  it('refuses ragged lists, saying where', () => {
    expect(() => tensorFromNested('x', 'FP32', [[1, 2], [3]])).toThrow(invalidArgument('input "x": ragged lists: item [1] has 1 items, where the first has 2'));
    expect(() => tensorFromNested('x', 'FP32', [[1, 2], 3])).toThrow(invalidArgument('input "x": ragged lists: item [1] is a value, where the first has 2'));
    expect(() => tensorFromNested('x', 'FP32', [1, [2]])).toThrow(invalidArgument('input "x": ragged lists: item [1] is a list, where the first item has a value'));
  });

  it('refuses nesting deeper than any rank', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(() => tensorFromNested('x', 'FP32', deep)).toThrow(invalidArgument('input "x": lists nested deeper than 32 levels'));
  });

  it('converts every value to the dtype, refusing what does not fit', () => {
    expect(tensorFromNested('x', 'BOOL', [true, false]).data).toEqual(Uint8Array.of(1, 0));
    expect(tensorFromNested('x', 'INT8', [-128, 127]).data).toEqual(bytesOf(Int8Array.of(-128, 127)));
    expect(tensorFromNested('x', 'UINT64', [2 ** 53 - 1]).data).toEqual(bytesOf(BigUint64Array.of(2n ** 53n - 1n)));
    expect(tensorFromNested('x', 'FP64', [0.1]).data).toEqual(bytesOf(Float64Array.of(0.1)));
    expect(() => tensorFromNested('x', 'INT32', [1, 1.5])).toThrow(
      invalidArgument('input "x": element 1 is 1.5, expected an integer in [-2147483648, 2147483647] for INT32'),
    );
    expect(() => tensorFromNested('x', 'UINT8', [256])).toThrow(invalidArgument('input "x": element 0 is 256, expected an integer in [0, 255] for UINT8'));
    expect(() => tensorFromNested('x', 'INT64', [2 ** 60])).toThrow(expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message: expect.stringContaining('not exact in JSON') }));
    expect(() => tensorFromNested('x', 'FP32', ['1'])).toThrow(invalidArgument('input "x": element 0 is "1", expected a number for FP32'));
    expect(() => tensorFromNested('x', 'BOOL', [1])).toThrow(invalidArgument('input "x": element 0 is 1, expected true or false for BOOL'));
    expect(() => tensorFromNested('x', 'FP16', [1])).toThrow(invalidArgument('input "x": FP16 values cannot be sent as JSON numbers; send them as binary data'));
  });

  it('reads strings as UTF-8 and {"b64"} objects as bytes', () => {
    const tensor = tensorFromNested('s', 'BYTES', ['hé', { b64: 'AP8A' }]);
    expect(tensor.shape).toEqual([2]);
    expect(tensor.data).toEqual(joinBytesElements([text('hé'), Uint8Array.of(0, 255, 0)]));
    expect(() => tensorFromNested('s', 'BYTES', [{ b64: 'not base64!' }])).toThrow(
      invalidArgument('input "s": element 0 is {"b64":"not base64!"}, expected a string or {"b64": "<base64>"} for BYTES'),
    );
  });
});

describe('tensorFromData', () => {
  it('takes flat or nested data for the declared shape', () => {
    const expected = bytesOf(Int32Array.of(1, 2, 3, 4));
    expect(tensorFromData('x', 'INT32', [2, 2], [1, 2, 3, 4]).data).toEqual(expected);
    expect(tensorFromData('x', 'INT32', [2, 2], [[1, 2], [3, 4]]).data).toEqual(expected);
  });

  it('refuses data whose count does not match the shape, or that is no list', () => {
    expect(() => tensorFromData('x', 'INT32', [2, 2], [1, 2, 3])).toThrow(invalidArgument('input "x": "data" holds 3 values, expected 4 for shape [2,2]'));
    expect(() => tensorFromData('x', 'INT32', [1], 5)).toThrow(invalidArgument('input "x": "data" must be a list, got 5'));
  });
});

describe('elementsAsJson', () => {
  const tensor = (dtype: Tensor['dtype'], data: Uint8Array, shape = [data.length]): Tensor => ({ name: 'y', dtype, shape, data });

  it('writes every dtype exactly, 64-bit integers beyond 2^53 included', () => {
    expect(elementsAsJson(tensor('INT64', bytesOf(BigInt64Array.of(-(2n ** 63n), 2n ** 62n + 1n)), [2]))).toEqual(['-9223372036854775808', '4611686018427387905']);
    expect(elementsAsJson(tensor('UINT64', bytesOf(BigUint64Array.of(2n ** 64n - 1n)), [1]))).toEqual(['18446744073709551615']);
    expect(elementsAsJson(tensor('BOOL', Uint8Array.of(1, 0)))).toEqual(['true', 'false']);
    expect(elementsAsJson(tensor('FP32', bytesOf(Float32Array.of(0.5, NaN)), [2]))).toEqual(['0.5', 'NaN']);
  });

  it('reads elements at any byte offset', () => {
    const shifted = new Uint8Array(9).subarray(1);
    new DataView(shifted.buffer, 1).setFloat64(0, 2.5, true);
    expect(elementsAsJson(tensor('FP64', shifted, [1]))).toEqual(['2.5']);
  });

  it('writes strings as JSON strings, or as {"b64"} when asked', () => {
    const strings = tensor('BYTES', joinBytesElements([text('a"b'), Uint8Array.of(0xff)]), [2]);
    expect(elementsAsJson(strings)).toEqual(['"a\\"b"', '"\uFFFD"']);
    expect(elementsAsJson(strings, true)).toEqual(['{"b64":"YSJi"}', '{"b64":"/w=="}']);
  });

  it('refuses FP16, which JSON cannot carry', () => {
    expect(() => elementsAsJson(tensor('FP16', new Uint8Array(2), [1]))).toThrow(
      invalidArgument('output "y" is FP16, which cannot be written as JSON; ask for it as binary data'),
    );
  });
});

describe('nestedJson and withJsonField', () => {
  it('nests row-major elements by the shape', () => {
    expect(nestedJson(['1', '2', '3', '4', '5', '6'], [2, 3])).toBe('[[1,2,3],[4,5,6]]');
    expect(nestedJson(['1', '2', '3', '4'], [2], 2)).toBe('[3,4]');
    expect(nestedJson(['7'], [])).toBe('7');
    expect(nestedJson([], [2, 0])).toBe('[[],[]]');
  });

  it('adds a field of ready JSON text to an object', () => {
    expect(withJsonField({ a: 'x' }, 'data', '[1.0]')).toBe('{"a":"x","data":[1.0]}');
    expect(withJsonField({}, 'outputs', '2')).toBe('{"outputs":2}');
  });
});
