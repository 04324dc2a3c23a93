import {
  DemuxError,
  elementCount,
  expectedByteLength,
  isDType,
  splitBytesElements,
  type DType,
  type InferResult,
  type Tensor,
} from '@demux/core';
import { BinaryInputs, binaryInferBody } from './kserve-binary.js';
import { describeJson, isJsonObject, optionalBoolean, optionalObject, requiredString, type JsonObject } from './json-body.js';
import { elementsAsJson, tensorFromData, withJsonField } from './json-tensor.js';

/**
 * The KServe v2 REST infer request and response (kserve/open-inference-protocol, "HTTP/REST"),
 * with the binary tensor data extension: an input carries JSON `data` or a `binary_data_size`
 * of bytes after the JSON header; an output is answered as JSON `data` unless `binary_data` (or
 * the request's `binary_data_output`) asks for its bytes.
 */
export interface RequestedOutput {
  name: string;
  /** Undefined: as the request's `binary_data_output` says. */
  binary: boolean | undefined;
}

export interface InferRequestJson {
  /** Echoed in the response when given. */
  id: string | undefined;
  inputs: Tensor[];
  /** Empty: every output. */
  outputs: RequestedOutput[];
  /** `binary_data_output`: outputs come as binary data unless they say otherwise. */
  binaryOutputs: boolean;
}

function shapeOf(value: unknown, label: string): number[] {
  if (!Array.isArray(value) || !value.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw DemuxError.invalidArgument(`${label}: "shape" must be a list of non-negative integers, got ${describeJson(value)}`);
  }
  return value as number[];
}

function isByteCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** The bytes an input claims after the JSON header, checked against its datatype and shape before they are taken. */
function binaryInput(name: string, datatype: DType, shape: number[], size: unknown, binary: BinaryInputs): Tensor {
  const label = `input "${name}"`;
  if (!isByteCount(size)) throw DemuxError.invalidArgument(`${label}: binary_data_size must be a non-negative integer, got ${describeJson(size)}`);
  const expected = expectedByteLength(datatype, shape);
  if (expected !== undefined && size !== expected) {
    throw DemuxError.invalidArgument(`${label}: binary_data_size is ${size}, but ${datatype} of shape [${shape.join(',')}] takes ${expected} bytes`);
  }
  const data = binary.take(name, size);
  if (datatype === 'BYTES') {
    const count = splitBytesElements(data, `${label} binary data`).length;
    if (count !== elementCount(shape)) {
      throw DemuxError.invalidArgument(`${label}: binary data holds ${count} BYTES elements, expected ${elementCount(shape)} for shape [${shape.join(',')}]`);
    }
  }
  return { name, dtype: datatype, shape, data };
}

function inputOf(value: unknown, index: number, binary: BinaryInputs): Tensor {
  if (!isJsonObject(value)) throw DemuxError.invalidArgument(`inputs[${index}] must be an object, got ${describeJson(value)}`);
  const name = requiredString(value.name, `inputs[${index}].name`);
  const label = `input "${name}"`;
  const datatype = requiredString(value.datatype, `${label}: "datatype"`);
  if (!isDType(datatype)) throw DemuxError.invalidArgument(`${label}: unsupported datatype '${datatype}'`);
  const shape = shapeOf(value.shape, label);
  const size = optionalObject(value.parameters, `${label}: "parameters"`)?.binary_data_size;
  if (size === undefined) return tensorFromData(name, datatype, shape, value.data);
  if (value.data !== undefined) throw DemuxError.invalidArgument(`${label}: has both "data" and binary_data_size; send one`);
  return binaryInput(name, datatype, shape, size, binary);
}

function requestedOutputs(value: unknown): RequestedOutput[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw DemuxError.invalidArgument(`"outputs" must be a list, got ${describeJson(value)}`);
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    if (!isJsonObject(entry)) throw DemuxError.invalidArgument(`outputs[${index}] must be an object, got ${describeJson(entry)}`);
    const name = requiredString(entry.name, `outputs[${index}].name`);
    if (seen.has(name)) throw DemuxError.invalidArgument(`output "${name}" is requested twice`);
    seen.add(name);
    const parameters = optionalObject(entry.parameters, `output "${name}": "parameters"`);
    // Its answer would be a different tensor (top classes as strings) than the model's output.
    if (parameters !== undefined && Object.hasOwn(parameters, 'classification')) {
      throw DemuxError.invalidArgument(`output "${name}": the classification extension is not supported`);
    }
    return { name, binary: optionalBoolean(parameters?.binary_data, `output "${name}": binary_data`) };
  });
}

/** Reads an infer request's JSON header; inputs with `binary_data_size` take their bytes from `binary`, in order. */
export function readInferRequest(json: JsonObject, binary: Uint8Array): InferRequestJson {
  const id = json.id === undefined ? undefined : requiredString(json.id, '"id"');
  const parameters = optionalObject(json.parameters, '"parameters"');
  if (!Array.isArray(json.inputs)) throw DemuxError.invalidArgument(`"inputs" must be a list, got ${describeJson(json.inputs)}`);
  const reader = new BinaryInputs(binary);
  const inputs = json.inputs.map((input: unknown, index) => inputOf(input, index, reader));
  reader.finish();
  return {
    id,
    inputs,
    outputs: requestedOutputs(json.outputs),
    binaryOutputs: optionalBoolean(parameters?.binary_data_output, 'binary_data_output') ?? false,
  };
}

/** A response body: JSON alone, or a JSON header followed by binary outputs. */
export type InferResponseBody = { json: string } | { body: Buffer; headerLength: number };

/**
 * The infer response: the outputs asked for, in the order asked (all of them, in the endpoint's
 * order, when none were named), each as JSON `data` or as `binary_data_size` bytes after the header.
 */
export function inferResponseBody(result: InferResult, request: InferRequestJson): InferResponseBody {
  const chosen =
    request.outputs.length === 0
      ? result.outputs.map((tensor) => ({ tensor, binary: request.binaryOutputs }))
      : request.outputs.map(({ name, binary }) => {
          const tensor = result.outputs.find((output) => output.name === name);
          if (!tensor) throw DemuxError.internal(`the scheduler's answer for ${result.name} lacks the requested output "${name}"`);
          return { tensor, binary: binary ?? request.binaryOutputs };
        });
  const outputs = chosen.map(({ tensor, binary }) => {
    const description = { name: tensor.name, datatype: tensor.dtype, shape: tensor.shape };
    return binary
      ? JSON.stringify({ ...description, parameters: { binary_data_size: tensor.data.byteLength } })
      : withJsonField(description, 'data', `[${elementsAsJson(tensor).join(',')}]`);
  });
  const envelope = { model_name: result.name, model_version: String(result.version), ...(request.id === undefined ? {} : { id: request.id }) };
  const header = withJsonField(envelope, 'outputs', `[${outputs.join(',')}]`);
  const binaries = chosen.filter(({ binary }) => binary).map(({ tensor }) => tensor.data);
  return chosen.some(({ binary }) => binary) ? binaryInferBody(header, binaries) : { json: header };
}
