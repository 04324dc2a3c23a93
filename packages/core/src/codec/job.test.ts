import { demux } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../errors.js';
import { DTYPES } from '../tensor.js';
import { fromJobDataType, fromJobTensor, toJobDataType, toJobTensor } from './job.js';

const invalidArgument = (message: string) => expect.objectContaining({ code: StatusCode.INVALID_ARGUMENT, message });

describe('job tensors', () => {
  it('share the data both ways', () => {
    const data = new Uint8Array(12);
    const wire = toJobTensor({ name: 'x', dtype: 'FP32', shape: [3], data });
    expect(wire).toEqual({ name: 'x', dtype: demux.DataType.FP32, shape: [3n], data });
    expect(wire.data).toBe(data);
    expect(fromJobTensor(wire).data).toBe(data);
  });

  it('map every dtype both ways', () => {
    for (const dtype of DTYPES) expect(fromJobDataType('x', toJobDataType(dtype))).toBe(dtype);
  });

  it('reject an unset or unknown dtype', () => {
    const tensor = (dtype: number) => demux.Tensor.create({ name: 'x', dtype, shape: [1n], data: new Uint8Array(4) });
    expect(() => fromJobTensor(tensor(demux.DataType.UNSPECIFIED))).toThrow(
      invalidArgument("tensor 'x': unsupported dtype UNSPECIFIED"),
    );
    expect(() => fromJobTensor(tensor(99))).toThrow(invalidArgument("tensor 'x': unsupported dtype 99"));
  });

  it('reject data that does not fit the shape', () => {
    const tensor = demux.Tensor.create({ name: 'x', dtype: demux.DataType.INT32, shape: [2n], data: new Uint8Array(4) });
    expect(() => fromJobTensor(tensor)).toThrow(invalidArgument("tensor 'x': data has 4 bytes, expected 8 (INT32, shape [2])"));
  });

  it('reject negative dims', () => {
    const tensor = demux.Tensor.create({ name: 'x', dtype: demux.DataType.INT32, shape: [-2n] });
    expect(() => fromJobTensor(tensor)).toThrow(invalidArgument("tensor 'x': invalid dimension -2 in shape [-2]"));
  });
});
