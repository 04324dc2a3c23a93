import { demux } from '@demux/proto';
import { DemuxError } from '../errors.js';
import { isDType, type DType, type Tensor } from '../tensor.js';
import { checkRawData } from './elements.js';
import { shapeFromWire, shapeToWire } from './shape.js';

// demux.v1.DataType values carry the KServe names (DATA_TYPE_FP32 → DataType.FP32), so the
// mapping is by name both ways.
export function toJobDataType(dtype: DType): demux.DataType {
  return demux.DataType[dtype];
}

export function fromJobDataType(label: string, dataType: demux.DataType): DType {
  const name: string | undefined = demux.DataType[dataType];
  if (name === undefined || !isDType(name)) {
    throw DemuxError.invalidArgument(`${label}: unsupported dtype ${name ?? dataType}`);
  }
  return name;
}

/**
 * The demux.v1.Tensor of jobs and of the scheduler API. Data is shared, not copied, both ways:
 * protobuf encoding copies it once into the message, decoding yields a view into the message.
 */
export function toJobTensor(tensor: Tensor): demux.Tensor {
  return {
    name: tensor.name,
    dtype: toJobDataType(tensor.dtype),
    shape: shapeToWire(tensor.shape),
    data: tensor.data,
  };
}

/** A decoded demux.v1.Tensor, checked like any tensor from the wire: dtype, dims and data length. */
export function fromJobTensor(tensor: demux.Tensor): Tensor {
  const label = `tensor '${tensor.name}'`;
  const dtype = fromJobDataType(label, tensor.dtype);
  const shape = shapeFromWire(label, tensor.shape);
  checkRawData(label, 'data', dtype, shape, tensor.data);
  return { name: tensor.name, dtype, shape, data: tensor.data };
}
