import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { imagenetClassName } from '../client/imagenet-classes.js';
import { formatShape, writeNpy } from '../npy/npy.js';
import { IMAGE_SIZE, sampleImages } from './images.js';
import { classifyImages } from './labels.js';

/**
 * Fixed, so that every run writes the same images; chosen because the generated ResNet-50 and
 * resnet-tiny (default weight seed) both give its ten images ten different classes, whether the
 * images run one at a time or in a batch.
 */
const IMAGES_SEED = 10;

export interface SampleDataOptions {
  /** Directory to write imgs.npy and lbs.npy into. */
  outDir: string;
  /** The ONNX classifier whose answers become the labels. */
  model: string;
  count: number;
}

export interface SampleData {
  imagesPath: string;
  labelsPath: string;
  labels: number[];
}

/**
 * Writes the client's inputs: imgs.npy, float32 [count, 3, 224, 224] NCHW images of 0..255 pixels
 * spanning exactly that range (so that the client's min-max rescale leaves them as they are), and
 * lbs.npy, int64 [count], the class the model gives each image. The models' weights are generated,
 * so no label is right in any other sense: these are the answers a correct server must return.
 */
export async function writeSampleData({ outDir, model, count }: SampleDataOptions): Promise<SampleData> {
  await access(model).catch(() => {
    throw new Error(`model ${model} not found; generate it with pnpm models, or name another with --model`);
  });
  const shape = [3, IMAGE_SIZE, IMAGE_SIZE];
  const images = sampleImages(count, IMAGES_SEED);
  const labels = await classifyImages(model, images, shape);
  await mkdir(outDir, { recursive: true });
  const [imagesPath, labelsPath] = [join(outDir, 'imgs.npy'), join(outDir, 'lbs.npy')];
  await writeNpy(imagesPath, { dtype: 'float32', shape: [count, ...shape], data: images });
  await writeNpy(labelsPath, { dtype: 'int64', shape: [count], data: BigInt64Array.from(labels, BigInt) });
  return { imagesPath, labelsPath, labels };
}

/** `pnpm sample-data`: writes the files, then says what it wrote and which class each image has. */
export async function runSampleData(options: SampleDataOptions, print: (line: string) => void): Promise<void> {
  const { imagesPath, labelsPath, labels } = await writeSampleData(options);
  print(`${imagesPath}: float32 ${formatShape([options.count, 3, IMAGE_SIZE, IMAGE_SIZE])}, NCHW images of 0..255 pixels`);
  print(`${labelsPath}: int64 ${formatShape([options.count])}, the classes ${options.model} gives them:`);
  labels.forEach((label, image) => print(`\t${image} ${label} ${imagenetClassName(label)}`));
}
