import { join } from 'node:path';
import { buildDummy, buildDummy3d } from './dummy.js';
import type { OnnxGraph } from './onnx-graph.js';
import { buildResNet50 } from './resnet50.js';
import { buildResNetTiny } from './resnet-tiny.js';

export interface ModelRecipe {
  /** Directory name in the model repository, and the name the server serves it under. */
  name: string;
  build(seed: number): OnnxGraph;
}

/** Every model `pnpm models` generates, in the order it writes them. */
export const MODEL_CATALOG: readonly ModelRecipe[] = [
  { name: 'resnet', build: buildResNet50 },
  { name: 'resnet-tiny', build: buildResNetTiny },
  { name: 'dummy', build: buildDummy },
  { name: 'dummy-3d', build: buildDummy3d },
];

/** The model repository layout: `<repository>/<name>/<version>/model.onnx`, one version each. */
export function modelPath(repository: string, name: string): string {
  return join(repository, name, '1', 'model.onnx');
}
