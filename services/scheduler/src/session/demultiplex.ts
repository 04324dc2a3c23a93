import { DemuxError, elementCount, expectedByteLength, splitBytesElements, type DemultiplyCount, type Tensor } from '@demux/core';

/** OVMS's ceiling on the items one tensor splits into: each becomes a job of its own. */
export const DEMULTIPLY_LIMIT = 10_000;

/** Each BYTES element starts with its length as 4 little-endian bytes (core's tensor.ts). */
const LENGTH_PREFIX_BYTES = 4;

/**
 * Splits a tensor along dimension 0 into its items, each shaped like the tensor without that
 * dimension. The items are views of the tensor's bytes: nothing is copied.
 */
export function demultiplex(tensor: Tensor, where: string): Tensor[] {
  const [count, ...itemShape] = tensor.shape;
  if (count === undefined) throw DemuxError.invalidArgument(`${where}: a scalar cannot be split into items`);
  const bounds = tensor.dtype === 'BYTES' ? bytesItemBounds(tensor, count, itemShape, where) : fixedItemBounds(tensor, count, itemShape, where);
  return Array.from({ length: count }, (_, index) => ({
    name: tensor.name,
    dtype: tensor.dtype,
    shape: [...itemShape],
    data: tensor.data.subarray(bounds(index), bounds(index + 1)),
  }));
}

/** Where item `index` starts in the tensor's bytes; item `count` is the end. */
type ItemBounds = (index: number) => number;

function fixedItemBounds(tensor: Tensor, count: number, itemShape: number[], where: string): ItemBounds {
  const itemBytes = expectedByteLength(tensor.dtype, itemShape) as number;
  if (tensor.data.byteLength !== count * itemBytes) {
    throw DemuxError.invalidArgument(
      `${where}: shape [${tensor.shape.join(',')}] of ${tensor.dtype} needs ${count * itemBytes} bytes, got ${tensor.data.byteLength}`,
    );
  }
  return (index) => index * itemBytes;
}

/** BYTES elements vary in length: an item starts at the length prefix of its first element. */
function bytesItemBounds(tensor: Tensor, count: number, itemShape: number[], where: string): ItemBounds {
  const elements = splitBytesElements(tensor.data, where);
  const perItem = elementCount(itemShape);
  if (elements.length !== count * perItem) {
    throw DemuxError.invalidArgument(
      `${where}: shape [${tensor.shape.join(',')}] holds ${count * perItem} BYTES elements, got ${elements.length}`,
    );
  }
  const starts = elements.map((element) => element.byteOffset - tensor.data.byteOffset - LENGTH_PREFIX_BYTES);
  return (index) => starts[index * perItem] ?? tensor.data.byteLength;
}

/**
 * Splits every output of one demultiplexer session into items: item i holds slice i of each.
 * All outputs must split into the same count, a fixed demultiply_count's, and into one item at least.
 */
export function demultiplexOutputs(
  outputs: ReadonlyMap<string, Tensor>,
  demultiplyCount: DemultiplyCount,
  where: string,
): Map<string, Tensor>[] {
  const split = [...outputs].map(([dataItem, tensor]) => ({ dataItem, items: demultiplex(tensor, `${where}: data item "${dataItem}"`) }));
  const [first, ...others] = split;
  if (!first) throw DemuxError.internal(`${where}: a demultiplexer without outputs`);
  const count = first.items.length;
  const describe = ({ dataItem, items }: typeof first) => `data item "${dataItem}" has ${items.length}`;
  const differing = others.find(({ items }) => items.length !== count);
  if (differing) {
    throw DemuxError.invalidArgument(`${where}: outputs split into different numbers of items: ${describe(first)}, ${describe(differing)}`);
  }
  if (demultiplyCount !== 'dynamic' && count !== demultiplyCount) {
    throw DemuxError.invalidArgument(`${where}: demultiply_count is ${demultiplyCount}, but ${describe(first)} items`);
  }
  if (count === 0) throw DemuxError.invalidArgument(`${where}: nothing to demultiply: ${describe(first)} items`);
  if (count > DEMULTIPLY_LIMIT) {
    throw DemuxError.resourceExhausted(`${where}: ${describe(first)} items, more than the ${DEMULTIPLY_LIMIT} one tensor may split into`);
  }
  return Array.from({ length: count }, (_, index) => new Map(split.map(({ dataItem, items }) => [dataItem, items[index] as Tensor])));
}
