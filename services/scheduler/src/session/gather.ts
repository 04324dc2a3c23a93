import { DemuxError, type Tensor } from '@demux/core';

/** One item's tensor, with the key of the item it belongs to. */
export interface ItemTensor {
  item: string;
  tensor: Tensor;
}

/**
 * Stacks item tensors, given in item order, into one tensor whose shape is `dims` (the item
 * count at each gathered level, outermost first) followed by the items' common shape. The items
 * must agree in dtype and shape, as OVMS's GatherNodeInputHandler demands. Copies the bytes once.
 */
export function gather(items: readonly ItemTensor[], dims: readonly number[], where: string): Tensor {
  const [first] = items;
  const expected = dims.reduce((product, dim) => product * dim, 1);
  if (!first || items.length !== expected) {
    throw DemuxError.internal(`${where}: ${items.length} items cannot be stacked into [${dims.join(',')}]`);
  }
  const { tensor: model } = first;
  for (const { item, tensor } of items) {
    if (tensor.dtype !== model.dtype || !sameShape(tensor.shape, model.shape)) {
      throw DemuxError.invalidArgument(
        `${where}: cannot gather item ${item}: ${describe(tensor)} differs from item ${first.item}'s ${describe(model)}`,
      );
    }
  }
  // Stacking along a new first dimension is concatenation; for BYTES too, whose elements carry their own length.
  const data = new Uint8Array(items.reduce((total, { tensor }) => total + tensor.data.byteLength, 0));
  let offset = 0;
  for (const { tensor } of items) {
    data.set(tensor.data, offset);
    offset += tensor.data.byteLength;
  }
  return { name: model.name, dtype: model.dtype, shape: [...dims, ...model.shape], data };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, axis) => dim === b[axis]);
}

function describe(tensor: Tensor): string {
  return `${tensor.dtype} [${tensor.shape.join(',')}]`;
}
