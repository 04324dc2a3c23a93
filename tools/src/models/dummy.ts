import { OnnxGraph, type Dim } from './onnx-graph.js';

export const DUMMY_INPUT = 'b';
export const DUMMY_OUTPUT = 'a';
export const DUMMY_WIDTH = 10;

/**
 * OpenVINO Model Server's test model: a = b + 1 on [N, 10] float32. Results are exact, so tests of
 * metadata, batching and pipelines can check values without a tolerance.
 */
export function buildDummy(): OnnxGraph {
  return buildAddOne('dummy', ['N', DUMMY_WIDTH]);
}

/**
 * The same on [N, 1, 10]: its output demultiplexed along N gives items of [1, 10], which the
 * plain dummy takes, so pipeline tests can put a demultiplexer on a node other than the first.
 */
export function buildDummy3d(): OnnxGraph {
  return buildAddOne('dummy-3d', ['N', 1, DUMMY_WIDTH]);
}

function buildAddOne(name: string, shape: readonly Dim[]): OnnxGraph {
  const graph = new OnnxGraph(name);
  const input = graph.input(DUMMY_INPUT, shape);
  const one = graph.initializer('one', [1], Float32Array.of(1));
  graph.node('Add', [input, one], {}, DUMMY_OUTPUT);
  graph.output(DUMMY_OUTPUT, shape);
  return graph;
}
