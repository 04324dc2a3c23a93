import { classifierHead, convolution, normalizedImage, relu } from './image-classifier.js';
import { OnnxGraph } from './onnx-graph.js';
import { Prng } from './prng.js';

/** Calibrated like ResNet-50's: logit deviations of 1-3 on structured synthetic images. */
const LOGIT_GAIN = 2.5;

/**
 * A stand-in for ResNet-50 with the same interface at about 1/100 of its cost (~44 M
 * multiply-accumulates against ~4.1 G), for tests and load runs that need many fast inferences:
 * a 4x4 stride-4 patch stem, two 3x3 convolutions, then the same pooled softmax head.
 */
export function buildResNetTiny(seed: number): OnnxGraph {
  const prng = new Prng(seed);
  const graph = new OnnxGraph('resnet-tiny');
  const image = normalizedImage(graph);
  // Multiply-accumulates: 56x56x24 outputs from 4x4x3 patches 3.6 M; 28x28x48 8.1 M; 28x28x96 32.5 M.
  const stemSpec = { name: 'stem', inChannels: 3, outChannels: 24, kernel: 4, stride: 4, readsImage: true };
  let x = relu(graph, convolution(graph, prng, image, stemSpec));
  x = relu(graph, convolution(graph, prng, x, { name: 'conv1', inChannels: 24, outChannels: 48, kernel: 3, stride: 2 }));
  x = relu(graph, convolution(graph, prng, x, { name: 'conv2', inChannels: 48, outChannels: 96, kernel: 3 }));
  classifierHead(graph, prng, x, 96, LOGIT_GAIN);
  return graph;
}
