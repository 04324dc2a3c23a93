/** A dimension an endpoint leaves open: any size fits it. */
export const DYNAMIC = -1;

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * The shape both shapes describe, a fixed dimension winning over a dynamic one; undefined when
 * they differ in rank or in a dimension both fix.
 */
export function intersectShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  if (a.length !== b.length) return undefined;
  const shape: number[] = [];
  for (const [axis, dim] of a.entries()) {
    const other = b[axis] as number;
    if (dim !== DYNAMIC && other !== DYNAMIC && dim !== other) return undefined;
    shape.push(dim === DYNAMIC ? other : dim);
  }
  return shape;
}

/** Whether some tensor could have both shapes. */
export function shapesFit(a: readonly number[], b: readonly number[]): boolean {
  return intersectShapes(a, b) !== undefined;
}
