import { tfs } from '@demux/proto';
import { DemuxError } from '../errors.js';
import { splitBytesElements, joinBytesElements, type DType, type Tensor } from '../tensor.js';
import { checkCount, checkRawData, packBigInts, packBools, packNumbers } from './elements.js';
import { shapeFromWire, shapeToWire } from './shape.js';

const TF_DATA_TYPE: Record<DType, tfs.DataType> = {
  BOOL: tfs.DataType.DT_BOOL,
  UINT8: tfs.DataType.DT_UINT8,
  UINT16: tfs.DataType.DT_UINT16,
  UINT32: tfs.DataType.DT_UINT32,
  UINT64: tfs.DataType.DT_UINT64,
  INT8: tfs.DataType.DT_INT8,
  INT16: tfs.DataType.DT_INT16,
  INT32: tfs.DataType.DT_INT32,
  INT64: tfs.DataType.DT_INT64,
  FP16: tfs.DataType.DT_HALF,
  FP32: tfs.DataType.DT_FLOAT,
  FP64: tfs.DataType.DT_DOUBLE,
  BYTES: tfs.DataType.DT_STRING,
};

const DTYPE_OF_TF = new Map<tfs.DataType, DType>(
  Object.entries(TF_DATA_TYPE).map(([dtype, dataType]) => [dataType, dtype as DType]),
);

export function toTfDataType(dtype: DType): tfs.DataType {
  return TF_DATA_TYPE[dtype];
}

/** The dtype of a TensorFlow DataType; INVALID_ARGUMENT naming it when Demux has no equivalent. */
export function fromTfDataType(label: string, dataType: tfs.DataType): DType {
  const dtype = DTYPE_OF_TF.get(dataType);
  if (dtype === undefined) {
    const name: string | undefined = tfs.DataType[dataType];
    throw DemuxError.invalidArgument(`${label}: unsupported dtype ${name ?? dataType}`);
  }
  return dtype;
}

/**
 * A request tensor from TensorFlow Serving. tensor_content is used as it is (a view into the
 * request, no copy); otherwise the typed field TensorFlow assigns to the dtype is converted to
 * raw bytes. Either must hold exactly one element per element of the shape.
 */
export function fromTensorProto(name: string, proto: tfs.TensorProto): Tensor {
  const label = `input '${name}'`;
  const dtype = fromTfDataType(label, proto.dtype);
  if (proto.tensorShape?.unknownRank) {
    throw DemuxError.invalidArgument(`${label}: tensor_shape has unknown rank`);
  }
  // No tensor_shape is a scalar, as in TensorFlow.
  const shape = shapeFromWire(label, (proto.tensorShape?.dim ?? []).map((dim) => dim.size));
  if (proto.tensorContent.length > 0) {
    if (dtype === 'BYTES') {
      throw DemuxError.invalidArgument(`${label}: DT_STRING data must be in string_val, not tensor_content`);
    }
    checkRawData(label, 'tensor_content', dtype, shape, proto.tensorContent);
    return { name, dtype, shape, data: proto.tensorContent };
  }
  return { name, dtype, shape, data: typedData(label, dtype, shape, proto) };
}

function typedData(label: string, dtype: DType, shape: number[], proto: tfs.TensorProto): Uint8Array {
  switch (dtype) {
    case 'BOOL':
      return packBools(checkCount(label, 'bool_val', dtype, shape, proto.boolVal));
    // TensorFlow carries every integer type narrower than 32 bits in int_val.
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'UINT8':
    case 'UINT16':
      return packNumbers(label, 'int_val', dtype, checkCount(label, 'int_val', dtype, shape, proto.intVal));
    case 'UINT32':
      return packNumbers(label, 'uint32_val', dtype, checkCount(label, 'uint32_val', dtype, shape, proto.uint32Val));
    case 'INT64':
      return packBigInts(dtype, checkCount(label, 'int64_val', dtype, shape, proto.int64Val));
    case 'UINT64':
      return packBigInts(dtype, checkCount(label, 'uint64_val', dtype, shape, proto.uint64Val));
    case 'FP16':
      return packNumbers(label, 'half_val', dtype, checkCount(label, 'half_val', dtype, shape, proto.halfVal));
    case 'FP32':
      return packNumbers(label, 'float_val', dtype, checkCount(label, 'float_val', dtype, shape, proto.floatVal));
    case 'FP64':
      return packNumbers(label, 'double_val', dtype, checkCount(label, 'double_val', dtype, shape, proto.doubleVal));
    case 'BYTES':
      return joinBytesElements(checkCount(label, 'string_val', dtype, shape, proto.stringVal));
  }
}

/**
 * A response tensor for TensorFlow Serving: numbers as tensor_content (the tensor's own bytes,
 * not copied), strings as string_val (views into the tensor's bytes).
 */
export function toTensorProto(tensor: Tensor): tfs.TensorProto {
  const strings = tensor.dtype === 'BYTES';
  return tfs.TensorProto.create({
    dtype: toTfDataType(tensor.dtype),
    tensorShape: { dim: shapeToWire(tensor.shape).map((size) => ({ size, name: '' })) },
    tensorContent: strings ? new Uint8Array(0) : tensor.data,
    stringVal: strings ? splitBytesElements(tensor.data, `output '${tensor.name}'`) : [],
  });
}
