import { elementCount, toTensorProto, type DType, type Tensor } from '@demux/core';
import { tfs } from '@demux/proto';
import { formatShape } from '../npy/npy.js';

/**
 * A Predict request for one batch of images. With `dagBatchSizeAuto` a batch of shape [n, ...] is
 * sent as [n, 1, ...]: a pipeline whose demultiplexer splits dimension 0 then runs its model on
 * n requests of one image each.
 */
export function predictRequest(servableName: string, batch: Tensor, dagBatchSizeAuto: boolean): tfs.PredictRequest {
  const shape = dagBatchSizeAuto ? [batch.shape[0]!, 1, ...batch.shape.slice(1)] : batch.shape;
  return {
    modelSpec: tfs.ModelSpec.create({ name: servableName }),
    inputs: new Map([[batch.name, toTensorProto({ ...batch, shape })]]),
    outputFilter: [],
  };
}

/**
 * Each image's class from a classifier's scores: the index of its highest score, over however
 * many dimensions an image's scores have ([n, 1000], or [n, 1, 1000] from a demultiplexing
 * pipeline). Scores over 1001 classes put a background class first, which does not count.
 */
export function topClasses(scores: Tensor): number[] {
  const offset = scores.shape[1] === 1001 ? 1 : 0;
  return perImage(scores).map((values) => {
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
    return best - offset;
  });
}

/**
 * Each image's class from a pipeline that answers with class indices instead of scores (an
 * argmax node after the model): indices over 1001 classes, background first, hence the - 1.
 */
export function pipelineClasses(indices: Tensor): number[] {
  return perImage(indices).map((values) => values[0]! - 1);
}

/** The tensor's values grouped by its first dimension, one group per image. */
function perImage(tensor: Tensor): number[][] {
  const [images = 0] = tensor.shape;
  const values = numericValues(tensor);
  const perImageCount = images === 0 ? 0 : values.length / images;
  if (tensor.shape.length === 0 || perImageCount === 0) {
    throw new Error(`output '${tensor.name}' of shape ${formatShape(tensor.shape)} holds no values per image`);
  }
  return Array.from({ length: images }, (_, image) => values.slice(image * perImageCount, (image + 1) * perImageCount));
}

/** How to read one little-endian element of each numeric dtype, and its size in bytes. */
const ELEMENT_READERS: Partial<Record<DType, [bytes: number, read: (view: DataView, offset: number) => number]>> = {
  FP32: [4, (view, offset) => view.getFloat32(offset, true)],
  FP64: [8, (view, offset) => view.getFloat64(offset, true)],
  INT8: [1, (view, offset) => view.getInt8(offset)],
  INT16: [2, (view, offset) => view.getInt16(offset, true)],
  INT32: [4, (view, offset) => view.getInt32(offset, true)],
  INT64: [8, (view, offset) => Number(view.getBigInt64(offset, true))],
  UINT8: [1, (view, offset) => view.getUint8(offset)],
  UINT16: [2, (view, offset) => view.getUint16(offset, true)],
  UINT32: [4, (view, offset) => view.getUint32(offset, true)],
  UINT64: [8, (view, offset) => Number(view.getBigUint64(offset, true))],
};

function numericValues(tensor: Tensor): number[] {
  const reader = ELEMENT_READERS[tensor.dtype];
  if (reader === undefined) {
    throw new Error(`output '${tensor.name}' holds ${tensor.dtype} values, not scores or class indices`);
  }
  const [bytes, read] = reader;
  const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return Array.from({ length: elementCount(tensor.shape) }, (_, i) => read(view, i * bytes));
}
