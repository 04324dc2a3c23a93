import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG, type ModelRecipe } from './catalog.js';
import { DUMMY_INPUT, DUMMY_OUTPUT, DUMMY_WIDTH } from './dummy.js';
import { CLASS_COUNT, IMAGE_INPUT, PROBABILITIES_OUTPUT } from './image-classifier.js';
import { Prng } from './prng.js';

function recipe(name: string): ModelRecipe {
  const found = MODEL_CATALOG.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no recipe ${name}`);
  return found;
}

async function load(name: string, seed = 42): Promise<InferenceSession> {
  return InferenceSession.create(recipe(name).build(seed).encode(), { intraOpNumThreads: 1 });
}

/** Two unlike images of 0..255 pixels: uniform white noise and a horizontal ramp. */
function twoImages(): Tensor {
  const pixels = 3 * 224 * 224;
  const data = new Float32Array(2 * pixels);
  const prng = new Prng(1);
  for (let i = 0; i < pixels; i++) data[i] = prng.nextUint32() >>> 24;
  for (let i = 0; i < pixels; i++) data[pixels + i] = Math.round(((i % 224) / 223) * 255);
  return new Tensor('float32', data, [2, 3, 224, 224]);
}

describe('model catalog', () => {
  it('generates the same bytes from the same seed and other weights from another', () => {
    for (const name of ['resnet-tiny', 'dummy']) {
      expect(Buffer.from(recipe(name).build(42).encode()).equals(Buffer.from(recipe(name).build(42).encode()))).toBe(true);
    }
    const tiny = Buffer.from(recipe('resnet-tiny').build(42).encode());
    expect(tiny.equals(Buffer.from(recipe('resnet-tiny').build(43).encode()))).toBe(false);
  });

  it.each(['resnet', 'resnet-tiny'])('%s classifies a batch of images into softmax rows', async (name) => {
    const session = await load(name);
    expect(session.inputNames).toEqual([IMAGE_INPUT]);
    expect(session.outputNames).toEqual([PROBABILITIES_OUTPUT]);

    const result = await session.run({ [IMAGE_INPUT]: twoImages() });
    const probabilities = result[PROBABILITIES_OUTPUT];

    expect(probabilities?.dims).toEqual([2, CLASS_COUNT]);
    const data = probabilities?.data as Float32Array;
    const rows = [data.subarray(0, CLASS_COUNT), data.subarray(CLASS_COUNT)];
    for (const row of rows) {
      expect(row.every(Number.isFinite)).toBe(true);
      expect(row.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 4);
      expect(Math.max(...row)).toBeLessThan(0.99);
    }
    const argmax = (row: Float32Array) => row.indexOf(Math.max(...row));
    expect(argmax(rows[0]!)).not.toBe(argmax(rows[1]!));
    await session.release();
  });

  it.each([
    ['dummy', [2, DUMMY_WIDTH]],
    ['dummy-3d', [2, 1, DUMMY_WIDTH]],
  ])('%s adds one to a batch of shape %j', async (name, shape) => {
    const session = await load(name);
    expect(session.inputNames).toEqual([DUMMY_INPUT]);
    expect(session.outputNames).toEqual([DUMMY_OUTPUT]);

    const input = Float32Array.from({ length: 2 * DUMMY_WIDTH }, (_, i) => i - 5.5);
    const result = await session.run({ [DUMMY_INPUT]: new Tensor('float32', input, shape) });

    expect(result[DUMMY_OUTPUT]?.dims).toEqual(shape);
    expect(Array.from(result[DUMMY_OUTPUT]?.data as Float32Array)).toEqual(Array.from(input, (x) => x + 1));
    await session.release();
  });
});
