import { DemuxError } from '../errors.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A shape from the wire (int64 dims) as numbers. Every dim must be a non-negative safe integer
 * and so must their product, so a hostile shape can never wrap into a small, plausible size.
 * `label` names the tensor in errors, e.g. "input 'images'".
 */
export function shapeFromWire(label: string, dims: readonly bigint[]): number[] {
  const shape: number[] = [];
  let count = 1;
  for (const dim of dims) {
    if (dim < 0n || dim > MAX_SAFE) {
      throw DemuxError.invalidArgument(`${label}: invalid dimension ${dim} in shape [${dims.join(',')}]`);
    }
    shape.push(Number(dim));
    count *= Number(dim);
  }
  if (!Number.isSafeInteger(count)) {
    throw DemuxError.invalidArgument(`${label}: shape [${dims.join(',')}] has too many elements`);
  }
  return shape;
}

export function shapeToWire(shape: readonly number[]): bigint[] {
  return shape.map((dim) => BigInt(dim));
}
