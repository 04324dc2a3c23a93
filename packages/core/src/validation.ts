import { DemuxError } from './errors.js';
import { expectedByteLength, type DType, type Tensor } from './tensor.js';

/** What an endpoint declares for one input or output: -1 marks a dynamic dimension. */
export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Checks one tensor against its spec: dtype, rank, every fixed dim, and the byte length its shape implies. */
export function checkTensor(endpoint: string, tensor: Tensor, spec: TensorSpec): void {
  const where = `${endpoint}: input "${tensor.name}"`;
  if (tensor.dtype !== spec.dtype) {
    throw DemuxError.invalidArgument(`${where}: expected dtype ${spec.dtype}, got ${tensor.dtype}`);
  }
  if (tensor.shape.length !== spec.shape.length) {
    throw DemuxError.invalidArgument(
      `${where}: expected rank ${spec.shape.length} ${formatShape(spec.shape)}, got shape ${formatShape(tensor.shape)}`,
    );
  }
  spec.shape.forEach((dim, axis) => {
    if (dim >= 0 && tensor.shape[axis] !== dim) {
      throw DemuxError.invalidArgument(
        `${where}: dimension ${axis} must be ${dim} ${formatShape(spec.shape)}, got shape ${formatShape(tensor.shape)}`,
      );
    }
  });
  const expected = expectedByteLength(tensor.dtype, tensor.shape);
  if (expected !== undefined && tensor.data.byteLength !== expected) {
    throw DemuxError.invalidArgument(
      `${where}: shape ${formatShape(tensor.shape)} of ${tensor.dtype} needs ${expected} bytes, got ${tensor.data.byteLength}`,
    );
  }
}

/** Checks a full set of inputs: each declared input present once, nothing undeclared. */
export function checkInputs(endpoint: string, inputs: readonly Tensor[], specs: readonly TensorSpec[]): void {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const seen = new Set<string>();
  for (const tensor of inputs) {
    const spec = byName.get(tensor.name);
    if (!spec) {
      throw DemuxError.invalidArgument(
        `${endpoint}: unexpected input "${tensor.name}"; inputs are ${specs.map((s) => `"${s.name}"`).join(', ')}`,
      );
    }
    if (seen.has(tensor.name)) throw DemuxError.invalidArgument(`${endpoint}: input "${tensor.name}" given twice`);
    seen.add(tensor.name);
    checkTensor(endpoint, tensor, spec);
  }
  const missing = specs.filter((spec) => !seen.has(spec.name));
  if (missing.length > 0) {
    throw DemuxError.invalidArgument(`${endpoint}: missing input ${missing.map((s) => `"${s.name}"`).join(', ')}`);
  }
}

/**
 * Holds dynamic batch dimensions to a limit: a larger batch is RESOURCE_EXHAUSTED before any of
 * it is worked on.
 */
export function checkBatch(endpoint: string, inputs: readonly Tensor[], specs: readonly TensorSpec[], maxBatchSize: number): void {
  for (const spec of specs) {
    const batch = inputs.find((input) => input.name === spec.name)?.shape[0];
    if (spec.shape[0] === -1 && batch !== undefined && batch > maxBatchSize) {
      throw DemuxError.resourceExhausted(`${endpoint}: input "${spec.name}" has batch ${batch}, more than the maximum of ${maxBatchSize}`);
    }
  }
}
