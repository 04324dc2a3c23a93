import { DemuxError, type TensorSpec } from '@demux/core';

import type { ModelCatalog, ModelVersionMetadata } from './model-catalog.js';

const fp32 = (name: string, shape: number[]): TensorSpec => ({ name, dtype: 'FP32', shape });

/**
 * Small models for pipeline tests, one version each (resnet has two). The session tests' toy
 * run (session/toy-run.fixture.ts) implements them in JavaScript.
 */
export const TOY_MODELS: Record<string, Record<number, Omit<ModelVersionMetadata, 'version'>>> = {
  /** ResNet-50's metadata as Demux's model generator declares it: any batch. */
  resnet: {
    1: { inputs: [fp32('0', [-1, 3, 224, 224])], outputs: [fp32('1463', [-1, 1000])] },
    2: { inputs: [fp32('0', [-1, 3, 224, 224])], outputs: [fp32('1463', [-1, 1000])] },
  },
  /** ResNet-50 as OVMS's demultiplexing guide serves it (resnet50-binary-0001): batch 1 only. */
  resnetBatch1: { 1: { inputs: [fp32('0', [1, 3, 224, 224])], outputs: [fp32('1463', [1, 1000])] } },
  /** Each row of 4 becomes [sum, max]. */
  classifier: { 1: { inputs: [fp32('pixels', [-1, 4])], outputs: [fp32('scores', [-1, 2])] } },
  addOne: { 1: { inputs: [fp32('x', [-1, 4])], outputs: [fp32('y', [-1, 4])] } },
  addOnePair: { 1: { inputs: [fp32('x', [-1, 2])], outputs: [fp32('y', [-1, 2])] } },
  /** a + b. */
  add: { 1: { inputs: [fp32('a', [-1, 4]), fp32('b', [-1, 4])], outputs: [fp32('sum', [-1, 4])] } },
  /** tiles[k] = x * (k + 1): a fixed demultiplexer's source. */
  tile3: { 1: { inputs: [fp32('x', [-1, 4])], outputs: [fp32('tiles', [3, -1, 4])] } },
  tile2: { 1: { inputs: [fp32('x', [-1, 4])], outputs: [fp32('tiles', [2, -1, 4])] } },
  /** Splits one row of even length L into L/2 pairs: [L/2, 1, 2], a dynamic demultiplexer's source. */
  pairs: { 1: { inputs: [fp32('x', [-1, -1])], outputs: [fp32('pairs', [-1, 1, 2])] } },
  /** Sums along dimension 0: what a gathering node does with its items. */
  sumPairs: { 1: { inputs: [fp32('x', [-1, 1, 2])], outputs: [fp32('total', [1, 2])] } },
  sum4: { 1: { inputs: [fp32('x', [-1, 1, 4])], outputs: [fp32('total', [1, 4])] } },
  sumTwo: { 1: { inputs: [fp32('x', [2, 1, 4])], outputs: [fp32('total', [1, 4])] } },
  /** Metadata only, for validation. */
  wide: { 1: { inputs: [fp32('x', [-1, 5])], outputs: [fp32('y', [-1, 5])] } },
  toInt: { 1: { inputs: [fp32('x', [-1, 4])], outputs: [{ name: 'y', dtype: 'INT64', shape: [-1, 4] }] } },
  embed: { 1: { inputs: [{ name: 'ids', dtype: 'INT64', shape: [-1, 4] }], outputs: [fp32('y', [-1, 4])] } },
};

/** A catalog over TOY_MODELS, failing as ModelRepository does. */
export const toyCatalog: ModelCatalog = {
  metadata(name, version) {
    const versions = TOY_MODELS[name];
    if (!versions) throw DemuxError.notFound(`model ${name} not found`);
    const served = Object.keys(versions).map(Number);
    const resolved = version ?? Math.max(...served);
    const metadata = versions[resolved];
    if (!metadata) throw DemuxError.notFound(`model ${name} has no version ${resolved}; versions served: ${served.join(', ')}`);
    return { version: resolved, ...structuredClone(metadata) };
  },
};
