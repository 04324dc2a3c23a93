import { describe, expect, it } from 'vitest';

import { childItem, compareItems, itemIndices, itemPrefix, ROOT_ITEM } from './item-key.js';

describe('item keys', () => {
  it('name the root item with the empty key', () => {
    expect(ROOT_ITEM).toBe('');
    expect(itemIndices(ROOT_ITEM)).toEqual([]);
  });

  it.each([
    ['', 0, '0'],
    ['', 12, '12'],
    ['3', 0, '3.0'],
    ['3', 1, '3.1'],
    ['3.1', 10_000, '3.1.10000'],
  ])('child of %j at %i is %j', (parent, index, child) => {
    expect(childItem(parent, index)).toBe(child);
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('reject the child index %d', (index) => {
    expect(() => childItem('', index)).toThrow(RangeError);
  });

  it.each([
    ['', []],
    ['0', [0]],
    ['3.1', [3, 1]],
    ['10.0.7', [10, 0, 7]],
  ])('%j holds the indices %j', (item, indices) => {
    expect(itemIndices(item)).toEqual(indices);
  });

  it('round-trip through their indices', () => {
    const item = [4, 0, 2].reduce(childItem, ROOT_ITEM);
    expect(item).toBe('4.0.2');
    expect(itemIndices(item)).toEqual([4, 0, 2]);
  });

  it.each([
    ['', 0, ''],
    ['3', 0, ''],
    ['3', 1, '3'],
    ['3.1.4', 0, ''],
    ['3.1.4', 1, '3'],
    ['3.1.4', 2, '3.1'],
    ['3.1.4', 3, '3.1.4'],
  ])('prefix of %j at level %i is %j', (item, level, prefix) => {
    expect(itemPrefix(item, level)).toBe(prefix);
  });

  it.each([
    ['', 1],
    ['3.1', 3],
    ['3.1', -1],
    ['3.1', 0.5],
  ])('%j has no prefix at level %d', (item, level) => {
    expect(() => itemPrefix(item, level)).toThrow(RangeError);
  });

  it('order as items lie in a gathered tensor: numerically, level by level, the enclosing item first', () => {
    const shuffled = ['2.0', '10', '1.1', '', '2', '1.10', '1.2', '0', '1', '1.1.0'];
    expect([...shuffled].sort(compareItems)).toEqual(['', '0', '1', '1.1', '1.1.0', '1.2', '1.10', '2', '2.0', '10']);
  });

  it('compare equal keys as equal, and antisymmetrically otherwise', () => {
    expect(compareItems('3.1', '3.1')).toBe(0);
    for (const [a, b] of [
      ['0', '1'],
      ['1', '1.0'],
      ['2.9', '10.0'],
      ['', '0'],
    ] as const) {
      expect(compareItems(a, b)).toBeLessThan(0);
      expect(compareItems(b, a)).toBeGreaterThan(0);
    }
  });
});
