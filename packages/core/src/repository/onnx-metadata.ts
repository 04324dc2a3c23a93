import { open } from 'node:fs/promises';

import { DemuxError } from '../errors.js';
import type { DType } from '../tensor.js';
import type { TensorSpec } from '../validation.js';
import { ProtobufFileReader, WireType } from './protobuf-file-reader.js';

export interface ModelMetadata {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/*
 * Field numbers from onnx.proto. The few messages needed to describe a graph's inputs and outputs
 * are decoded here rather than with onnx-proto: its protobufjs 6 runtime picks up whichever `long`
 * package Node resolves, and under ESM-first resolution (vitest's `import` condition) it gets an ES
 * module it cannot use and fails to load.
 */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_SPARSE_INITIALIZER = 15;
const TENSOR_NAME = 8;
const SPARSE_TENSOR_VALUES = 1;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TYPE_DENOTATION = 6;
const TENSOR_TYPE_ELEM_TYPE = 1;
const TENSOR_TYPE_SHAPE = 2;
const SHAPE_DIM = 1;
const DIMENSION_VALUE = 1;

/** onnx.proto's TensorProto.DataType, by number. */
const ONNX_TYPE_NAMES = [
  'UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOL', 'FLOAT16', 'DOUBLE',
  'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16', 'FLOAT8E4M3FN', 'FLOAT8E4M3FNUZ', 'FLOAT8E5M2',
  'FLOAT8E5M2FNUZ', 'UINT4', 'INT4', 'FLOAT4E2M1',
] as const;

const DTYPE_OF: Partial<Record<(typeof ONNX_TYPE_NAMES)[number], DType>> = {
  FLOAT: 'FP32',
  DOUBLE: 'FP64',
  FLOAT16: 'FP16',
  INT8: 'INT8',
  INT16: 'INT16',
  INT32: 'INT32',
  INT64: 'INT64',
  UINT8: 'UINT8',
  UINT16: 'UINT16',
  UINT32: 'UINT32',
  UINT64: 'UINT64',
  BOOL: 'BOOL',
  STRING: 'BYTES',
};

/**
 * The inputs and outputs an ONNX model declares. Only the graph's input and output entries are
 * decoded; initializers and nodes are stepped over on disk, so a model with 100 MB of weights
 * costs a few small reads, not 100 MB.
 */
export async function readModelMetadata(file: string): Promise<ModelMetadata> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw DemuxError.notFound(`cannot open model file ${file}: ${(error as Error).message}`, { cause: error });
  });
  try {
    const graph = await readGraphSignature(new ProtobufFileReader(handle, (await handle.stat()).size));
    return {
      // Models from before ONNX IR version 4 list their weights as graph inputs too.
      inputs: graph.inputs
        .filter((input) => !graph.initializers.has(input.name))
        .map((input) => tensorSpec(input, 'input')),
      outputs: graph.outputs.map((output) => tensorSpec(output, 'output')),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw DemuxError.invalidArgument(`${file} is not a model Demux can serve: ${reason}`, { cause: error });
  } finally {
    await handle.close();
  }
}

/** A graph input or output as declared; `tensor` is undefined for sequences, maps and the like. */
interface DeclaredValue {
  name: string;
  tensor?: { elemType: number; dims?: number[] };
}

interface GraphSignature {
  inputs: DeclaredValue[];
  outputs: DeclaredValue[];
  initializers: Set<string>;
}

async function readGraphSignature(reader: ProtobufFileReader): Promise<GraphSignature> {
  const signature: GraphSignature = { inputs: [], outputs: [], initializers: new Set() };
  let graphs = 0;
  for await (const { field, wireType } of reader.fields(reader.size)) {
    if (field === MODEL_GRAPH && wireType === WireType.LEN) {
      // Protobuf merges a repeated embedded message, so every occurrence adds to one graph.
      graphs++;
      await readGraph(reader, signature);
    } else {
      await reader.skip(wireType);
    }
  }
  if (graphs === 0) throw DemuxError.invalidArgument('it has no graph');
  return signature;
}

/*
 * Each reader below decodes one embedded message: the length-delimited field whose tag was just
 * read. Fields they do not need, and fields of an unexpected wire type, are stepped over.
 */

async function readGraph(reader: ProtobufFileReader, signature: GraphSignature): Promise<void> {
  for await (const { field, wireType } of reader.fields(await reader.lengthEnd())) {
    if (wireType !== WireType.LEN) await reader.skip(wireType);
    else if (field === GRAPH_INPUT) signature.inputs.push(await readValueInfo(reader));
    else if (field === GRAPH_OUTPUT) signature.outputs.push(await readValueInfo(reader));
    else if (field === GRAPH_INITIALIZER) addName(signature.initializers, await readTensorName(reader));
    else if (field === GRAPH_SPARSE_INITIALIZER) addName(signature.initializers, await readSparseTensorName(reader));
    else await reader.skip(wireType);
  }
}

/** A TensorProto's name, stepping over its data. */
async function readTensorName(reader: ProtobufFileReader): Promise<string | undefined> {
  let name: string | undefined;
  for await (const { field, wireType } of reader.fields(await reader.lengthEnd())) {
    if (field === TENSOR_NAME && wireType === WireType.LEN) name = await reader.string();
    else await reader.skip(wireType);
  }
  return name;
}

/** A sparse initializer is named by its `values` tensor. */
async function readSparseTensorName(reader: ProtobufFileReader): Promise<string | undefined> {
  let name: string | undefined;
  for await (const { field, wireType } of reader.fields(await reader.lengthEnd())) {
    if (field === SPARSE_TENSOR_VALUES && wireType === WireType.LEN) name = await readTensorName(reader);
    else await reader.skip(wireType);
  }
  return name;
}

function addName(names: Set<string>, name: string | undefined): void {
  if (name !== undefined) names.add(name);
}

async function readValueInfo(reader: ProtobufFileReader): Promise<DeclaredValue> {
  const value: DeclaredValue = { name: '' };
  for await (const { field, wireType } of reader.fields(await reader.lengthEnd())) {
    if (field === VALUE_INFO_NAME && wireType === WireType.LEN) value.name = await reader.string();
    else if (field === VALUE_INFO_TYPE && wireType === WireType.LEN) value.tensor = await readType(reader);
    else await reader.skip(wireType);
  }
  return value;
}

/** TypeProto is a oneof; any member other than tensor_type (sequence, map, ...) is not a tensor. */
async function readType(reader: ProtobufFileReader): Promise<DeclaredValue['tensor']> {
  let tensor: DeclaredValue['tensor'];
  for await (const { field, wireType } of reader.fields(await reader.lengthEnd())) {
    if (field === TYPE_TENSOR && wireType === WireType.LEN) {
      tensor = await readTensorType(reader);
    } else {
      if (field !== TYPE_DENOTATION) tensor = undefined;
      await reader.skip(wireType);
    }
  }
  return tensor;
}

async function readTensorType(reader: ProtobufFileReader): Promise<DeclaredValue['tensor']> {
  const tensor: NonNullable<DeclaredValue['tensor']> = { elemType: 0 };
  for await (const { field, wireType } of reader.fields(await reader.lengthEnd())) {
    if (field === TENSOR_TYPE_ELEM_TYPE && wireType === WireType.VARINT) tensor.elemType = await reader.varint();
    else if (field === TENSOR_TYPE_SHAPE && wireType === WireType.LEN) tensor.dims = await readShape(reader);
    else await reader.skip(wireType);
  }
  return tensor;
}

async function readShape(reader: ProtobufFileReader): Promise<number[]> {
  const dims: number[] = [];
  for await (const { field, wireType } of reader.fields(await reader.lengthEnd())) {
    if (field === SHAPE_DIM && wireType === WireType.LEN) dims.push(await readDimension(reader));
    else await reader.skip(wireType);
  }
  return dims;
}

/** A size, or -1 for a symbolic (`dim_param`) or absent dimension. */
async function readDimension(reader: ProtobufFileReader): Promise<number> {
  let size = -1;
  for await (const { field, wireType } of reader.fields(await reader.lengthEnd())) {
    if (field === DIMENSION_VALUE && wireType === WireType.VARINT) size = int64Dimension(await reader.varint());
    else await reader.skip(wireType);
  }
  return size;
}

/** An int64 read as an unsigned varint: negative values (some exporters write -1) land at 2^63 and up. */
function int64Dimension(value: number): number {
  if (value >= 2 ** 63) return -1;
  if (!Number.isSafeInteger(value)) throw DemuxError.invalidArgument(`dimension ${value} is too large`);
  return value;
}

function tensorSpec(value: DeclaredValue, role: 'input' | 'output'): TensorSpec {
  const what = `${role} ${JSON.stringify(value.name)}`;
  if (!value.tensor) throw DemuxError.invalidArgument(`${what} is not a tensor`);
  const typeName = ONNX_TYPE_NAMES[value.tensor.elemType];
  const dtype = typeName && DTYPE_OF[typeName];
  if (!dtype) {
    const type = typeName ?? value.tensor.elemType;
    throw DemuxError.invalidArgument(`${what} has element type ${type}, which Demux does not support`);
  }
  // Without a shape the rank is unknown, and requests could not be checked against it.
  if (!value.tensor.dims) throw DemuxError.invalidArgument(`${what} has no shape`);
  return { name: value.name, dtype, shape: value.tensor.dims };
}
