import { OnnxGraph } from './onnx-graph.js';

export const DUMMY_INPUT = 'b';
export const DUMMY_OUTPUT = 'a';
export const DUMMY_WIDTH = 10;

/**
 * OpenVINO Model Server's test model: a = b + 1 on [N, 10] float32. Results are exact, so tests of
 * metadata, batching and pipelines can check values without a tolerance.
 */
export function buildDummy(): OnnxGraph {
  const graph = new OnnxGraph('dummy');
  const input = graph.input(DUMMY_INPUT, ['N', DUMMY_WIDTH]);
  const one = graph.initializer('one', [1], Float32Array.of(1));
  graph.node('Add', [input, one], {}, DUMMY_OUTPUT);
  graph.output(DUMMY_OUTPUT, ['N', DUMMY_WIDTH]);
  return graph;
}
