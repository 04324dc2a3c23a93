/*
 * An item key is the path of item indices that led to one node session, one index per
 * demultiplexing level, outermost first, joined by '.': "3" is item 3 of the first demultiplexer,
 * "3.1" item 1 of what item 3 split into. A session not under any demultiplexer has the root key
 * "". Keys travel in job headers; these functions are the only code that reads their format.
 */

/** The key of the one item of a session that is not demultiplexed. */
export const ROOT_ITEM = '';

/** The key of item `index` of what `parent` splits into. */
export function childItem(parent: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`item index must be a non-negative integer, got ${index}`);
  return parent === ROOT_ITEM ? String(index) : `${parent}.${index}`;
}

/** The item indices of a key, outermost first. */
export function itemIndices(item: string): number[] {
  return item === ROOT_ITEM ? [] : item.split('.').map(Number);
}

/** The key of the item at `level` that contains this one: its first `level` indices. */
export function itemPrefix(item: string, level: number): string {
  const indices = itemIndices(item);
  if (!Number.isInteger(level) || level < 0 || level > indices.length) {
    throw new RangeError(`item "${item}" has no prefix at level ${level}`);
  }
  return indices.slice(0, level).join('.');
}

/** Orders keys as their items lie in gathered tensors: by index, level by level, a prefix first. */
export function compareItems(a: string, b: string): number {
  const left = itemIndices(a);
  const right = itemIndices(b);
  for (let level = 0; level < Math.min(left.length, right.length); level++) {
    const difference = (left[level] as number) - (right[level] as number);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
