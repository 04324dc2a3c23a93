import { tfs } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../errors.js';
import { fromTensorProto, fromTfDataType, toTensorProto, toTfDataType } from './tfs.js';
import { DTYPES } from '../tensor.js';

const invalidArgument = (message: string) => expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message });

const proto = (fields: Partial<tfs.TensorProto> & { dims?: bigint[] }): tfs.TensorProto => {
  const { dims = [], ...rest } = fields;
  return tfs.TensorProto.create({ tensorShape: { dim: dims.map((size) => ({ size })) }, ...rest });
};

describe('fromTensorProto', () => {
  it('uses tensor_content without copying it', () => {
    const content = new Uint8Array(24);
    const tensor = fromTensorProto('x', proto({ dtype: tfs.DataType.DT_FLOAT, dims: [2n, 3n], tensorContent: content }));
    expect(tensor).toMatchObject({ name: 'x', dtype: 'FP32', shape: [2, 3] });
    expect(tensor.data).toBe(content);
  });

  it('reads a proto without tensor_shape as a scalar', () => {
    const tensor = fromTensorProto('x', tfs.TensorProto.create({ dtype: tfs.DataType.DT_FLOAT, floatVal: [2] }));
    expect(tensor.shape).toEqual([]);
    expect([...tensor.data]).toEqual([0, 0, 0, 0x40]);
  });

  it('accepts half_val bits sign-extended from a 16-bit integer', () => {
    const tensor = fromTensorProto('x', proto({ dtype: tfs.DataType.DT_HALF, dims: [2n], halfVal: [-1025, 0xfbff] }));
    expect([...tensor.data]).toEqual([0xff, 0xfb, 0xff, 0xfb]);
  });

  it('rejects tensor_content of the wrong length', () => {
    const bad = proto({ dtype: tfs.DataType.DT_FLOAT, dims: [2n, 3n], tensorContent: new Uint8Array(20) });
    expect(() => fromTensorProto('x', bad)).toThrow(
      invalidArgument("input 'x': tensor_content has 20 bytes, expected 24 (FP32, shape [2,3])"),
    );
  });

  it('rejects a typed field with the wrong number of values', () => {
    const bad = proto({ dtype: tfs.DataType.DT_FLOAT, dims: [2n, 3n], floatVal: [1, 2, 3, 4, 5] });
    expect(() => fromTensorProto('x', bad)).toThrow(
      invalidArgument("input 'x': float_val has 5 values, expected 6 (FP32, shape [2,3])"),
    );
  });

  it('rejects a tensor with no data for a non-empty shape', () => {
    const bad = proto({ dtype: tfs.DataType.DT_INT64, dims: [2n] });
    expect(() => fromTensorProto('x', bad)).toThrow(
      invalidArgument("input 'x': int64_val has 0 values, expected 2 (INT64, shape [2])"),
    );
  });

  it('accepts an empty tensor', () => {
    const tensor = fromTensorProto('x', proto({ dtype: tfs.DataType.DT_FLOAT, dims: [0n, 3n] }));
    expect(tensor).toMatchObject({ shape: [0, 3], data: new Uint8Array(0) });
  });

  it('rejects int_val values outside the dtype', () => {
    const bad = proto({ dtype: tfs.DataType.DT_INT8, dims: [2n], intVal: [1, 128] });
    expect(() => fromTensorProto('x', bad)).toThrow(invalidArgument("input 'x': int_val[1] = 128 is out of range for INT8"));
    const half = proto({ dtype: tfs.DataType.DT_HALF, dims: [1n], halfVal: [0x10000] });
    expect(() => fromTensorProto('x', half)).toThrow(invalidArgument("input 'x': half_val[0] = 65536 is out of range for FP16"));
  });

  it('rejects negative and overflowing dims', () => {
    const negative = proto({ dtype: tfs.DataType.DT_FLOAT, dims: [-1n, 3n] });
    expect(() => fromTensorProto('x', negative)).toThrow(invalidArgument("input 'x': invalid dimension -1 in shape [-1,3]"));
    const huge = proto({ dtype: tfs.DataType.DT_FLOAT, dims: [1n << 60n] });
    expect(() => fromTensorProto('x', huge)).toThrow(
      invalidArgument("input 'x': invalid dimension 1152921504606846976 in shape [1152921504606846976]"),
    );
    const product = proto({ dtype: tfs.DataType.DT_FLOAT, dims: [1n << 32n, 1n << 32n] });
    expect(() => fromTensorProto('x', product)).toThrow(
      invalidArgument("input 'x': shape [4294967296,4294967296] has too many elements"),
    );
  });

  it('rejects unknown rank', () => {
    const bad = tfs.TensorProto.create({ dtype: tfs.DataType.DT_FLOAT, tensorShape: { unknownRank: true } });
    expect(() => fromTensorProto('x', bad)).toThrow(invalidArgument("input 'x': tensor_shape has unknown rank"));
  });

  it('rejects DT_STRING in tensor_content', () => {
    const bad = proto({ dtype: tfs.DataType.DT_STRING, dims: [1n], tensorContent: new Uint8Array(8) });
    expect(() => fromTensorProto('x', bad)).toThrow(
      invalidArgument("input 'x': DT_STRING data must be in string_val, not tensor_content"),
    );
  });

  it('rejects dtypes Demux has no equivalent for, by name', () => {
    // A value newer TensorFlow defines (DT_FLOAT8_E5M2) and our types.proto does not name.
    const newer = 24 as tfs.DataType;
    for (const [dataType, name] of [
      [tfs.DataType.DT_COMPLEX64, 'DT_COMPLEX64'],
      [tfs.DataType.DT_BFLOAT16, 'DT_BFLOAT16'],
      [tfs.DataType.DT_INVALID, 'DT_INVALID'],
      [newer, '24'],
    ] as const) {
      const bad = proto({ dtype: dataType, dims: [1n], tensorContent: new Uint8Array(8) });
      expect(() => fromTensorProto('x', bad)).toThrow(invalidArgument(`input 'x': unsupported dtype ${name}`));
    }
  });
});

describe('toTensorProto', () => {
  it('answers numbers in tensor_content, sharing the tensor bytes', () => {
    const data = new Uint8Array(8);
    const proto = toTensorProto({ name: 'y', dtype: 'INT64', shape: [1], data });
    expect(proto.dtype).toBe(tfs.DataType.DT_INT64);
    expect(proto.tensorShape?.dim).toEqual([{ size: 1n, name: '' }]);
    expect(proto.tensorContent).toBe(data);
  });

  it('answers strings in string_val, as views into the tensor bytes', () => {
    const data = Uint8Array.from([2, 0, 0, 0, 0x68, 0x69]);
    const proto = toTensorProto({ name: 'y', dtype: 'BYTES', shape: [1], data });
    expect(proto.tensorContent.length).toBe(0);
    expect(proto.stringVal.map((s) => [...s])).toEqual([[0x68, 0x69]]);
    expect(proto.stringVal[0]?.buffer).toBe(data.buffer);
  });
});

describe('DataType mapping', () => {
  it('maps every dtype both ways', () => {
    for (const dtype of DTYPES) expect(fromTfDataType('x', toTfDataType(dtype))).toBe(dtype);
  });
});
