import type { Job, Tensor } from '@demux/core';

import { TOY_MODELS } from '../pipeline/toy-models.fixture.js';
import type { NodeRun } from './session.js';

export function fp32(name: string, shape: number[], values: readonly number[]): Tensor {
  return { name, dtype: 'FP32', shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}

/** A tensor's FP32 values; copied first, since an item's view may start at any byte. */
export function values(tensor: Tensor): number[] {
  return [...new Float32Array(tensor.data.slice().buffer)];
}

/** `count` consecutive values from `start`: recognisable data for each item. */
export function range(count: number, start = 0): number[] {
  return Array.from({ length: count }, (_, index) => start + index);
}

type ToyModel = (inputs: Tensor[]) => { shape: number[]; values: number[] };

const elementwise =
  (apply: (value: number, index: number, inputs: number[][]) => number): ToyModel =>
  (inputs) => {
    const all = inputs.map(values);
    return { shape: (inputs[0] as Tensor).shape, values: (all[0] as number[]).map((value, index) => apply(value, index, all)) };
  };

const tile =
  (count: number): ToyModel =>
  ([x]) => ({
    shape: [count, ...(x as Tensor).shape],
    values: range(count).flatMap((k) => values(x as Tensor).map((value) => value * (k + 1))),
  });

const sumFirstDimension: ToyModel = ([x]) => {
  const [count = 0, ...rest] = (x as Tensor).shape;
  const all = values(x as Tensor);
  const size = all.length / count;
  return { shape: rest, values: range(size).map((offset) => range(count).reduce((sum, k) => sum + (all[k * size + offset] as number), 0)) };
};

/** TOY_MODELS in JavaScript, on FP32 tensors of any batch. */
const IMPLEMENTATIONS: Record<string, ToyModel> = {
  classifier: ([pixels]) => {
    const rows = (pixels as Tensor).shape[0] as number;
    const all = values(pixels as Tensor);
    return {
      shape: [rows, 2],
      values: range(rows).flatMap((row) => {
        const pixelsOfRow = all.slice(row * 4, row * 4 + 4);
        return [pixelsOfRow.reduce((a, b) => a + b, 0), Math.max(...pixelsOfRow)];
      }),
    };
  },
  addOne: elementwise((value) => value + 1),
  addOnePair: elementwise((value) => value + 1),
  add: elementwise((value, index, all) => value + (all[1]?.[index] as number)),
  tile3: tile(3),
  tile2: tile(2),
  pairs: ([x]) => {
    const all = values(x as Tensor);
    return { shape: [all.length / 2, 1, 2], values: all };
  },
  sumPairs: sumFirstDimension,
  sum4: sumFirstDimension,
};

export interface ToyCall {
  node: string;
  item: string;
  job: Job;
}

/** Runs a node before computing its outputs: to delay it, fail it, or watch its signal. */
export type BeforeRun = (job: Job, item: string, signal: AbortSignal) => Promise<void>;

/** A NodeRun over the toy models, recording every call; each answers on a later turn of the event loop. */
export function toyRun(before?: BeforeRun): { run: NodeRun; calls: ToyCall[] } {
  const calls: ToyCall[] = [];
  const run: NodeRun = async (job, item, signal) => {
    calls.push({ node: job.node, item, job });
    await new Promise((resolve) => setImmediate(resolve));
    await before?.(job, item, signal);
    const implementation = IMPLEMENTATIONS[job.model] as ToyModel;
    const output = implementation(job.inputs);
    const [spec] = TOY_MODELS[job.model]?.[job.version]?.outputs ?? [];
    return [fp32(spec?.name ?? '', output.shape, output.values)];
  };
  return { run, calls };
}
