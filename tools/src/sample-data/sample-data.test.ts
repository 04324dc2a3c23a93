import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_CATALOG } from '../models/catalog.js';
import { generateModel } from '../models/generator.js';
import { DEFAULT_SEED } from '../models/generator-options.js';
import { readNpy } from '../npy/npy.js';
import { rescaleImages } from '../client/dataset.js';
import { sampleImages } from './images.js';
import { parseSampleDataOptions } from './options.js';
import { writeSampleData } from './sample-data.js';

describe('writeSampleData', () => {
  let directory: string;
  let model: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'demux-sample-data-'));
    const tiny = MODEL_CATALOG.find((recipe) => recipe.name === 'resnet-tiny')!;
    model = (await generateModel(tiny, join(directory, 'models'), DEFAULT_SEED)).path;
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes float32 pixel images and the int64 classes the model gives them, even run as one batch', async () => {
    const written = await writeSampleData({ outDir: join(directory, 'data'), model, count: 10 });

    const images = await readNpy(written.imagesPath);
    const labels = await readNpy(written.labelsPath);
    expect(images.dtype).toBe('float32');
    expect(images.shape).toEqual([10, 3, 224, 224]);
    expect(labels.dtype).toBe('int64');
    expect(labels.shape).toEqual([10]);
    expect(Array.from(labels.data, Number)).toEqual(written.labels);
    expect(new Set(written.labels).size).toBe(10);
    // The client's min-max rescale to 0..255 leaves the file as it is: the server sees these very images.
    expect(Buffer.from(rescaleImages(images).data.buffer).equals(Buffer.from(images.data.buffer))).toBe(true);

    const session = await InferenceSession.create(model);
    const batch = await session.run({ [session.inputNames[0]!]: new Tensor('float32', images.data as Float32Array, images.shape) });
    const scores = batch[session.outputNames[0]!]!.data as Float32Array;
    const argmax = Array.from({ length: 10 }, (_, image) => {
      const row = Array.from(scores.subarray(image * 1000, (image + 1) * 1000));
      return row.indexOf(Math.max(...row));
    });
    expect(argmax).toEqual(written.labels);
    await session.release();
  });

  it('names a missing model', async () => {
    await expect(writeSampleData({ outDir: directory, model: join(directory, 'nope.onnx'), count: 1 })).rejects.toThrow(
      /model .*nope.onnx not found; generate it with pnpm models/,
    );
  });

  it('writes the same files on every run', async () => {
    const first = await writeSampleData({ outDir: join(directory, 'first'), model, count: 3 });
    const second = await writeSampleData({ outDir: join(directory, 'second'), model, count: 3 });
    expect((await readFile(first.imagesPath)).equals(await readFile(second.imagesPath))).toBe(true);
    expect(second.labels).toEqual(first.labels);
  });
});

describe('sampleImages', () => {
  it('draws varied images of whole pixel values, each spanning 0..255 exactly', () => {
    const pixels = 3 * 224 * 224;
    const images = sampleImages(12, 10);
    const stats = Array.from({ length: 12 }, (_, image) => {
      const values = images.subarray(image * pixels, (image + 1) * pixels);
      const mean = values.reduce((sum, value) => sum + value, 0) / pixels;
      const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / pixels);
      const [min, max] = values.reduce(([low, high], value) => [Math.min(low, value), Math.max(high, value)], [255, 0]);
      return { mean, std, min, max, whole: values.every(Number.isInteger) };
    });
    for (const { mean, std, min, max, whole } of stats) {
      expect({ min, max, whole }).toEqual({ min: 0, max: 255, whole: true });
      expect(mean).toBeGreaterThan(20);
      expect(mean).toBeLessThan(235);
      expect(std).toBeGreaterThan(20);
    }
    // Past ten, the patterns repeat with new colours and geometry.
    expect(images.subarray(10 * pixels, 11 * pixels)).not.toEqual(images.subarray(0, pixels));
  });
});

describe('parseSampleDataOptions', () => {
  it('defaults to 10 images labelled by ResNet-50, written to the working directory', () => {
    expect(parseSampleDataOptions([])).toEqual({ outDir: '.', model: 'models/resnet/1/model.onnx', count: 10 });
    expect(parseSampleDataOptions(['--', '--out_dir', 'data', '--model', 'm.onnx', '--count', '64'])).toEqual({
      outDir: 'data',
      model: 'm.onnx',
      count: 64,
    });
  });

  it('rejects a count that is not a positive integer', () => {
    expect(() => parseSampleDataOptions(['--count', '0'])).toThrow(/--count: expected a positive integer, got '0'/);
    expect(() => parseSampleDataOptions(['--count', 'ten'])).toThrow(/got 'ten'/);
  });
});
