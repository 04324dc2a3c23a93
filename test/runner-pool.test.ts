import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemuxError, StatusCode, type Tensor } from '@demux/core';
// From the build: the pool starts its threads from the compiled inference-thread.js beside it.
import { RunnerPool } from '../services/worker/dist/index.js';
import { MODELS_DIR } from './support/services.js';

const DUMMY = join(MODELS_DIR, 'dummy', '1', 'model.onnx');

/** `dummy`'s input b: [rows, 10] floats, row r holding r·10 + column. */
function rowsInput(rows: number, offset = 0): Tensor {
  const values = Float32Array.from({ length: rows * 10 }, (_, i) => offset + i);
  return { name: 'b', dtype: 'FP32', shape: [rows, 10], data: new Uint8Array(values.buffer) };
}

function floats(tensor: Tensor | undefined): number[] {
  if (!tensor) throw new Error('missing tensor');
  return [...new Float32Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength / 4)];
}

describe('the runner pool of inference threads', () => {
  const inferenceMs: number[] = [];
  let pool: RunnerPool;
  let reference: ort.InferenceSession;

  beforeAll(async () => {
    pool = await RunnerPool.start('model dummy version 1', DUMMY, { threads: 2, intraOpThreads: 1, deviceWaitMs: 0, onInference: (ms) => inferenceMs.push(ms) });
    reference = await ort.InferenceSession.create(DUMMY);
  });

  afterAll(async () => {
    await pool.close();
    await reference.release();
  });

  it('answers many more tasks than it has threads, each as onnxruntime in this process does', async () => {
    const inputs = Array.from({ length: 40 }, (_, task) => rowsInput(1 + (task % 3), task * 100));
    const answers = await Promise.all(inputs.map((input) => pool.run([input], ['a'])));
    for (const [task, input] of inputs.entries()) {
      const expected = await reference.run({ b: new ort.Tensor('float32', new Float32Array(floats(input)), input.shape) });
      expect(answers[task]).toHaveLength(1);
      expect(answers[task]![0]).toMatchObject({ name: 'a', dtype: 'FP32', shape: input.shape });
      expect(floats(answers[task]![0])).toEqual([...(expected.a!.data as Float32Array)]);
    }
  });

  it('leaves the caller\'s input bytes as they were', async () => {
    const input = rowsInput(2, 7);
    const before = floats(input);
    await pool.run([input], ['a']);
    expect(floats(input)).toEqual(before);
  });

  it('reports the time of every session.run, measured in its thread', async () => {
    const seen = inferenceMs.length;
    await Promise.all(Array.from({ length: 5 }, () => pool.run([rowsInput(1)], ['a'])));
    expect(inferenceMs.length - seen).toBe(5);
    for (const ms of inferenceMs.slice(seen)) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('fails a task onnxruntime refuses with INTERNAL, and the threads keep serving', async () => {
    const broken: Tensor = { name: 'b', dtype: 'FP32', shape: [1, 10], data: new Uint8Array(12) };
    const failure = await pool.run([broken], ['a']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DemuxError);
    expect((failure as DemuxError).code).toBe(StatusCode.INTERNAL);
    expect((failure as DemuxError).message).toMatch(/inference failed/);
    const answers = await Promise.all([pool.run([rowsInput(1)], ['a']), pool.run([rowsInput(1)], ['a'])]);
    expect(floats(answers[0]![0])).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('refuses to start on a model file that does not exist, naming it, with UNAVAILABLE', async () => {
    const missing = join(MODELS_DIR, 'no-such-model', '1', 'model.onnx');
    const failure = await RunnerPool.start('model missing version 1', missing, { threads: 2, intraOpThreads: 1, deviceWaitMs: 0 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DemuxError);
    expect((failure as DemuxError).code).toBe(StatusCode.UNAVAILABLE);
    expect((failure as DemuxError).message).toContain(`cannot load model missing version 1 from ${missing}`);
  });
});
