import { DemuxError, type EndpointMetadata, type Tensor, type TensorSpec } from '@demux/core';
import { describeEndpoint } from '../request-check.js';
import { SERVING_SIGNATURE } from '../tfs/model-spec.js';
import { isJsonObject, type JsonObject } from './json-body.js';
import { elementsAsJson, isBase64Object, nestedJson, tensorFromNested, withJsonField } from './json-tensor.js';

/**
 * TensorFlow Serving's REST predict body (tensorflow_serving/util/json_tensor.cc): inputs in row
 * format (`instances`, a list with one item per batch row) or columnar format (`inputs`), each
 * tensor as nested lists whose nesting is its shape and whose values take the endpoint's dtype.
 * The answer comes in the request's format: `predictions` or `outputs`.
 */
export type PredictFormat = 'row' | 'columnar';

export interface PredictInputs {
  format: PredictFormat;
  inputs: Tensor[];
}

/** An object of named tensors, as opposed to a tensor's own value (a list, a number, a `{"b64"}` string). */
function isNamedTensors(value: unknown): value is JsonObject {
  return isJsonObject(value) && !isBase64Object(value);
}

function names(specs: readonly TensorSpec[]): string {
  return specs.map((spec) => `"${spec.name}"`).join(', ');
}

/** The one input a plain (unnamed) value can be meant for. */
function onlyInput(metadata: EndpointMetadata, key: 'instances' | 'inputs'): TensorSpec {
  const [spec, ...others] = metadata.inputs;
  if (spec === undefined || others.length > 0) {
    throw DemuxError.invalidArgument(
      `${describeEndpoint(metadata)} has inputs ${names(metadata.inputs)}: "${key}" must name them${key === 'instances' ? ' in every instance' : ''}`,
    );
  }
  return spec;
}

function rowInputs(instances: unknown, metadata: EndpointMetadata): Tensor[] {
  if (!Array.isArray(instances) || instances.length === 0) throw DemuxError.invalidArgument('"instances" must be a non-empty list');
  if (!isNamedTensors(instances[0])) {
    const spec = onlyInput(metadata, 'instances');
    return [tensorFromNested(spec.name, spec.dtype, instances)];
  }
  const expected = metadata.inputs.map((spec) => spec.name);
  instances.forEach((instance, index) => {
    const keys = isNamedTensors(instance) ? Object.keys(instance) : undefined;
    if (keys === undefined || keys.length !== expected.length || !expected.every((name) => keys.includes(name))) {
      throw DemuxError.invalidArgument(
        `instance ${index} must be an object naming exactly the inputs of ${describeEndpoint(metadata)}: ${names(metadata.inputs)}`,
      );
    }
  });
  // Each input's values across the instances are one tensor whose first dimension is the instance.
  return metadata.inputs.map((spec) => tensorFromNested(spec.name, spec.dtype, instances.map((instance: JsonObject) => instance[spec.name])));
}

function columnarInputs(inputs: unknown, metadata: EndpointMetadata): Tensor[] {
  if (!isNamedTensors(inputs)) {
    const spec = onlyInput(metadata, 'inputs');
    return [tensorFromNested(spec.name, spec.dtype, inputs)];
  }
  return Object.entries(inputs).map(([name, value]) => {
    const spec = metadata.inputs.find((input) => input.name === name);
    if (!spec) throw DemuxError.invalidArgument(`${describeEndpoint(metadata)}: unexpected input "${name}"; inputs are ${names(metadata.inputs)}`);
    return tensorFromNested(name, spec.dtype, value);
  });
}

/** The input tensors of a predict body; the caller checks them against the endpoint as for any request. */
export function predictInputs(body: JsonObject, metadata: EndpointMetadata): PredictInputs {
  const signature = body.signature_name;
  if (signature !== undefined && signature !== '' && signature !== SERVING_SIGNATURE) {
    throw DemuxError.invalidArgument(`signature_name ${JSON.stringify(signature)} not found; ${describeEndpoint(metadata)} serves "${SERVING_SIGNATURE}"`);
  }
  const row = Object.hasOwn(body, 'instances');
  const columnar = Object.hasOwn(body, 'inputs');
  if (row === columnar) {
    throw DemuxError.invalidArgument(`a predict body holds either "instances" (row format) or "inputs" (columnar format)${row ? ', not both' : ''}`);
  }
  return row ? { format: 'row', inputs: rowInputs(body.instances, metadata) } : { format: 'columnar', inputs: columnarInputs(body.inputs, metadata) };
}

/** TFS writes DT_STRING outputs whose names end in "_bytes" as `{"b64"}` objects, other strings as they are. */
function outputElements(output: Tensor): string[] {
  return elementsAsJson(output, output.name.endsWith('_bytes'));
}

function rowPredictions(outputs: readonly Tensor[]): string {
  const batch = outputs[0]?.shape[0] ?? 0;
  for (const output of outputs) {
    if (output.shape.length === 0 || output.shape[0] !== batch) {
      throw DemuxError.invalidArgument(
        `output "${output.name}" has shape [${output.shape.join(',')}], which cannot be split into the ${batch} rows of the row format; ask in columnar format ("inputs")`,
      );
    }
  }
  const rows = outputs.map((output) => {
    const elements = outputElements(output);
    const inner = output.shape.slice(1);
    const stride = inner.reduce((product, size) => product * size, 1);
    return Array.from({ length: batch }, (_, row) => nestedJson(elements, inner, row * stride));
  });
  const items = Array.from({ length: batch }, (_, row) =>
    // One output: each row is its value; several: an object of them, as the instances were.
    outputs.length === 1 ? rows[0]![row]! : `{${outputs.map((output, index) => `${JSON.stringify(output.name)}:${rows[index]![row]!}`).join(',')}}`,
  );
  return `[${items.join(',')}]`;
}

function columnarOutputs(outputs: readonly Tensor[]): string {
  const values = outputs.map((output) => nestedJson(outputElements(output), output.shape));
  if (outputs.length === 1) return values[0]!;
  return `{${outputs.map((output, index) => `${JSON.stringify(output.name)}:${values[index]!}`).join(',')}}`;
}

/** The JSON text of a predict response in the request's format. */
export function predictResponse(format: PredictFormat, outputs: readonly Tensor[]): string {
  return format === 'row' ? withJsonField({}, 'predictions', rowPredictions(outputs)) : withJsonField({}, 'outputs', columnarOutputs(outputs));
}
