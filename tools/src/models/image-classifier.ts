import type { OnnxGraph } from './onnx-graph.js';
import type { Prng } from './prng.js';

/**
 * What every generated image classifier shares: the interface clients see and the layers it is
 * built from.
 *
 * The tensor names are those of the PyTorch-exported ResNet-50 that OpenVINO Model Server's
 * examples serve, so their clients work against Demux unchanged.
 */
export const IMAGE_INPUT = '0';
export const PROBABILITIES_OUTPUT = '1463';
/** NCHW float32 images, any batch size, of RGB pixel values 0..255. */
export const IMAGE_SHAPE = ['N', 3, 224, 224] as const;
export const CLASS_COUNT = 1000;

/**
 * torchvision's ImageNet statistics per RGB channel, scaled from 0..1 to the 0..255 pixels the
 * models take (as OpenVINO's resnet50-binary-0001 takes them).
 */
const PIXEL_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255] as const;
const PIXEL_STD = [0.229 * 255, 0.224 * 255, 0.225 * 255] as const;

/** Biases stand in for folded batch norm shifts: small, so they do not swamp the weights. */
const BIAS_STD = 0.01;

export interface ConvolutionSpec {
  /** Prefix of the weight and bias initializer names. */
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  /** Multiplies the He standard deviation, e.g. to damp the last layer of a residual branch. */
  gain?: number;
  /** True for the stem: it reads the normalized image, centered already, unlike the ReLU outputs other layers read. */
  readsImage?: boolean;
}

/**
 * Declares the image input, 0..255 pixels, and normalizes it the way torchvision does before its
 * models: (x - mean) / std per channel, so the layers read values centered near 0 with a spread
 * near 1. Explicit Sub and Div nodes rather than a fold into the stem's weights, which would be
 * inexact where a padded stem reads its zero padding. Returns the normalized image's name.
 */
export function normalizedImage(graph: OnnxGraph): string {
  const image = graph.input(IMAGE_INPUT, IMAGE_SHAPE);
  const mean = graph.initializer('normalize.mean', [1, 3, 1, 1], Float32Array.from(PIXEL_MEAN));
  const std = graph.initializer('normalize.std', [1, 3, 1, 1], Float32Array.from(PIXEL_STD));
  return graph.node('Div', [graph.node('Sub', [image, mean]), std]);
}

/**
 * A square convolution with bias, "same" padding for odd kernels and none for even ones (a
 * patchifying stem), with Kaiming normal weights, centered unless it reads the image.
 */
export function convolution(graph: OnnxGraph, prng: Prng, input: string, spec: ConvolutionSpec): string {
  const { name, inChannels, outChannels, kernel, stride = 1, gain = 1, readsImage = false } = spec;
  const fanIn = inChannels * kernel * kernel;
  const weight = kaimingNormal(prng, outChannels, fanIn, gain, { centered: !readsImage });
  const pad = kernel % 2 === 1 ? (kernel - 1) / 2 : 0;
  return graph.node(
    'Conv',
    [
      input,
      graph.initializer(`${name}.weight`, [outChannels, inChannels, kernel, kernel], weight),
      graph.initializer(`${name}.bias`, [outChannels], prng.fillNormal(new Float32Array(outChannels), BIAS_STD)),
    ],
    { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad] },
  );
}

export function relu(graph: OnnxGraph, input: string): string {
  return graph.node('Relu', [input]);
}

/**
 * Global average pool, a fully connected layer to the classes and a softmax, written to the
 * probabilities output. The class weights are centered like every layer that reads ReLU outputs,
 * so that what all images' features have in common does not pick the class. `logitGain`
 * multiplies their He standard deviation: it sets how peaked the probabilities are, and each model
 * calibrates it to its own features.
 */
export function classifierHead(
  graph: OnnxGraph,
  prng: Prng,
  input: string,
  channels: number,
  logitGain: number,
): void {
  const pooled = graph.node('GlobalAveragePool', [input]);
  const features = graph.node('Flatten', [pooled], { axis: 1 });
  const weight = kaimingNormal(prng, CLASS_COUNT, channels, logitGain, { centered: true });
  const logits = graph.node(
    'Gemm',
    [
      features,
      graph.initializer('fc.weight', [CLASS_COUNT, channels], weight),
      graph.initializer('fc.bias', [CLASS_COUNT], prng.fillNormal(new Float32Array(CLASS_COUNT), BIAS_STD)),
    ],
    { transB: 1 },
  );
  graph.node('Softmax', [logits], { axis: 1 }, PROBABILITIES_OUTPUT);
  graph.output(PROBABILITIES_OUTPUT, ['N', CLASS_COUNT]);
}

/**
 * Kaiming normal weights (fan in, ReLU gain √2) for `rows` filters of `fanIn` inputs each, so that
 * activations keep their scale from layer to layer.
 *
 * ReLU outputs are all positive, so a random filter adds a large input-independent offset (its sum
 * times the inputs' mean) to every output: deep down, every image then gives nearly the same
 * features and the same class. Batch norm would remove that offset; without it, `centered` makes
 * every filter sum to zero, which removes it for any input whose channels share a mean. A centered
 * filter then passes only the variance of its inputs, (1 - 1/π) of their second moment for
 * rectified Gaussians, so its deviation grows by 1/√(1 - 1/π) to compensate.
 */
function kaimingNormal(
  prng: Prng,
  rows: number,
  fanIn: number,
  gain: number,
  { centered }: { centered: boolean },
): Float32Array {
  const std = gain * Math.sqrt(2 / fanIn) * (centered ? 1 / Math.sqrt(1 - 1 / Math.PI) : 1);
  const weight = prng.fillNormal(new Float32Array(rows * fanIn), std);
  if (!centered) return weight;
  for (let row = 0; row < rows; row++) {
    const filter = weight.subarray(row * fanIn, (row + 1) * fanIn);
    const mean = filter.reduce((sum, value) => sum + value, 0) / fanIn;
    for (let i = 0; i < fanIn; i++) filter[i] = filter[i]! - mean;
  }
  return weight;
}
