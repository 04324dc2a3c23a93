import { classifierHead, convolution, normalizedImage, relu } from './image-classifier.js';
import { OnnxGraph } from './onnx-graph.js';
import { Prng } from './prng.js';

/** Bottleneck blocks and base widths of the four stages (torchvision's resnet50). */
const STAGES = [
  { blocks: 3, width: 64 },
  { blocks: 4, width: 128 },
  { blocks: 6, width: 256 },
  { blocks: 3, width: 512 },
] as const;
const EXPANSION = 4;
const BLOCK_COUNT = STAGES.reduce((sum, stage) => sum + stage.blocks, 0);

/**
 * Without batch norm every residual branch adds about as much variance as its input already has:
 * undamped, the activations' RMS grows ~1.45x per block, ~360x by the last one (measured), and
 * the softmax is one-hot. Damping the last convolution of each branch by 1/√blocks (Fixup's idea)
 * makes each block add only ~1/16 of its input's variance; the RMS then stays between 1 and 3.
 */
const RESIDUAL_GAIN = 1 / Math.sqrt(BLOCK_COUNT);
/**
 * Calibrated with onnxruntime on synthetic images (of unit scale once the input normalization has
 * centered them): logits then have a standard deviation of 3-5 for structured images and below 1
 * for white noise, so the top class gets a few percent to about 60 %.
 */
const LOGIT_GAIN = 3;

/**
 * ResNet-50 v1.5 with batch norm folded into the convolutions (each has a bias instead):
 * stride on the 3x3 convolution of a bottleneck, projection shortcut on each stage's first block.
 * It takes 0..255 pixels and normalizes them itself, ahead of the stem.
 */
export function buildResNet50(seed: number): OnnxGraph {
  const prng = new Prng(seed);
  const graph = new OnnxGraph('resnet50');
  const image = normalizedImage(graph);
  const stemSpec = { name: 'conv1', inChannels: 3, outChannels: 64, kernel: 7, stride: 2, readsImage: true };
  const stem = relu(graph, convolution(graph, prng, image, stemSpec));
  let x = graph.node('MaxPool', [stem], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let channels = 64;
  STAGES.forEach(({ blocks, width }, stage) => {
    for (let block = 0; block < blocks; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      x = bottleneck(graph, prng, x, { name: `layer${stage + 1}.${block}`, inChannels: channels, width, stride });
      channels = width * EXPANSION;
    }
  });
  classifierHead(graph, prng, x, channels, LOGIT_GAIN);
  return graph;
}

interface BottleneckSpec {
  name: string;
  inChannels: number;
  width: number;
  stride: number;
}

function bottleneck(graph: OnnxGraph, prng: Prng, input: string, spec: BottleneckSpec): string {
  const { name, inChannels, width, stride } = spec;
  const outChannels = width * EXPANSION;
  const reduced = relu(
    graph,
    convolution(graph, prng, input, { name: `${name}.conv1`, inChannels, outChannels: width, kernel: 1 }),
  );
  const spatial = relu(
    graph,
    convolution(graph, prng, reduced, { name: `${name}.conv2`, inChannels: width, outChannels: width, kernel: 3, stride }),
  );
  const branch = convolution(graph, prng, spatial, {
    name: `${name}.conv3`,
    inChannels: width,
    outChannels,
    kernel: 1,
    gain: RESIDUAL_GAIN,
  });
  const shortcut =
    inChannels === outChannels && stride === 1
      ? input
      : convolution(graph, prng, input, { name: `${name}.downsample.0`, inChannels, outChannels, kernel: 1, stride });
  return relu(graph, graph.node('Add', [branch, shortcut]));
}
