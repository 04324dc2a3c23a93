import { describe, expect, it } from 'vitest';

import { formatShape, intersectShapes, shapesFit } from './shape.js';

describe('shapes with dynamic dimensions', () => {
  it('format as OVMS and checkTensor write them', () => {
    expect(formatShape([-1, 3, 224, 224])).toBe('[-1,3,224,224]');
    expect(formatShape([])).toBe('[]');
  });

  it.each([
    [[1, 4], [1, 4], [1, 4]],
    [[-1, 4], [1, 4], [1, 4]],
    [[1, -1], [-1, 4], [1, 4]],
    [[-1, -1], [-1, -1], [-1, -1]],
    [[], [], []],
  ])('%j and %j meet in %j', (a, b, both) => {
    expect(intersectShapes(a, b)).toEqual(both);
    expect(intersectShapes(b, a)).toEqual(both);
    expect(shapesFit(a, b)).toBe(true);
  });

  it.each([
    [[1, 4], [1, 5]],
    [[-1, 4], [-1, 4, 1]],
    [[2], []],
  ])('%j and %j do not fit', (a, b) => {
    expect(intersectShapes(a, b)).toBeUndefined();
    expect(shapesFit(a, b)).toBe(false);
  });
});
