import type { Tensor } from '@demux/core';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { topClasses } from '../client/predict.js';

/**
 * The class the model gives each image, read the way the client reads a response. Each image runs
 * alone, [1, C, H, W]: a server may run it in a batch of any size or alone (a demultiplexer sends
 * one image per job), and a batch of one is what every path agrees with.
 */
export async function classifyImages(
  modelPath: string,
  images: Float32Array,
  imageShape: readonly number[],
): Promise<number[]> {
  const session = await InferenceSession.create(modelPath);
  try {
    const [input, output] = [session.inputNames[0]!, session.outputNames[0]!];
    const imageSize = imageShape.reduce((product, dim) => product * dim, 1);
    const classes: number[] = [];
    for (let start = 0; start < images.length; start += imageSize) {
      const image = new OrtTensor('float32', images.slice(start, start + imageSize), [1, ...imageShape]);
      const scores = (await session.run({ [input]: image }))[output]!;
      classes.push(...topClasses(scoresTensor(output, scores)));
    }
    return classes;
  } finally {
    await session.release();
  }
}

function scoresTensor(name: string, scores: OrtTensor): Tensor {
  if (scores.type !== 'float32') throw new Error(`output '${name}' holds ${scores.type} values, not float32 scores`);
  const data = scores.data as Float32Array;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, dtype: 'FP32', shape: [...scores.dims], data: bytes };
}
