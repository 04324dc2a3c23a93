import { kserve } from '@demux/proto';
import { DemuxError } from '../errors.js';
import { elementCount, isDType, joinBytesElements, type DType, type Tensor } from '../tensor.js';
import { checkCount, checkRawData, packBigInts, packBools, packNumbers } from './elements.js';
import { shapeFromWire, shapeToWire } from './shape.js';

type InferInput = kserve.ModelInferRequest_InferInputTensor;
type InferOutput = kserve.ModelInferResponse_InferOutputTensor;
type Contents = kserve.InferTensorContents;

/**
 * A request tensor from KServe v2. `raw` is the input's entry of raw_input_contents, when the
 * request uses them; it becomes the tensor's data as it is (no copy). Otherwise the typed
 * contents field for the datatype is converted to raw bytes.
 */
export function fromInferInput(input: InferInput, raw?: Uint8Array): Tensor {
  const { name, datatype } = input;
  const label = `input '${name}'`;
  if (!isDType(datatype)) {
    throw DemuxError.invalidArgument(`${label}: unsupported datatype '${datatype}'`);
  }
  const shape = shapeFromWire(label, input.shape);
  if (raw !== undefined) {
    // The protocol allows one or the other, never both: which would be meant is unknowable.
    if (input.contents !== undefined && hasValues(input.contents)) {
      throw DemuxError.invalidArgument(`${label}: contents must be empty when raw_input_contents is used`);
    }
    checkRawData(label, 'raw_input_contents', datatype, shape, raw);
    return { name, dtype: datatype, shape, data: raw };
  }
  const contents = input.contents ?? kserve.InferTensorContents.create();
  return { name, dtype: datatype, shape, data: typedData(label, datatype, shape, contents) };
}

function hasValues(contents: Contents): boolean {
  return Object.values(contents).some((values: unknown[]) => values.length > 0);
}

function typedData(label: string, dtype: DType, shape: number[], contents: Contents): Uint8Array {
  switch (dtype) {
    case 'BOOL':
      return packBools(checkCount(label, 'bool_contents', dtype, shape, contents.boolContents));
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return packNumbers(label, 'int_contents', dtype, checkCount(label, 'int_contents', dtype, shape, contents.intContents));
    case 'UINT8':
    case 'UINT16':
    case 'UINT32':
      return packNumbers(label, 'uint_contents', dtype, checkCount(label, 'uint_contents', dtype, shape, contents.uintContents));
    case 'INT64':
      return packBigInts(dtype, checkCount(label, 'int64_contents', dtype, shape, contents.int64Contents));
    case 'UINT64':
      return packBigInts(dtype, checkCount(label, 'uint64_contents', dtype, shape, contents.uint64Contents));
    case 'FP32':
      return packNumbers(label, 'fp32_contents', dtype, checkCount(label, 'fp32_contents', dtype, shape, contents.fp32Contents));
    case 'FP64':
      return packNumbers(label, 'fp64_contents', dtype, checkCount(label, 'fp64_contents', dtype, shape, contents.fp64Contents));
    case 'BYTES':
      return joinBytesElements(checkCount(label, 'bytes_contents', dtype, shape, contents.bytesContents));
    case 'FP16':
      // InferTensorContents has no field for FP16.
      if (elementCount(shape) === 0) return new Uint8Array(0);
      throw DemuxError.invalidArgument(`${label}: FP16 data must be sent in raw_input_contents`);
  }
}

/**
 * A response tensor for KServe v2: the output's description and its raw_output_contents entry
 * (the tensor's own bytes, not copied). Outputs always travel raw: same bytes as ours.
 */
export function toInferOutput(tensor: Tensor): { output: InferOutput; raw: Uint8Array } {
  const output = kserve.ModelInferResponse_InferOutputTensor.create({
    name: tensor.name,
    datatype: tensor.dtype,
    shape: shapeToWire(tensor.shape),
  });
  return { output, raw: tensor.data };
}
