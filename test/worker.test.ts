import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NatsTransport, StatusCode, type Job, type Tensor } from '@demux/core';
import { testNats, type TestNats } from './support/nats-server.js';
import { MODELS_DIR, startService, writeConfig, type ServiceProcess } from './support/services.js';

const IMAGE_FLOATS = 3 * 224 * 224;

/** A deterministic test image: item `seed` of a batch. */
function image(seed: number): Float32Array {
  const pixels = new Float32Array(IMAGE_FLOATS);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.sin(i * 0.001 * (seed + 1)) * 2;
  return pixels;
}

function imageJob(seed: number): Job {
  const pixels = image(seed);
  return {
    node: 'classify',
    model: 'resnet-tiny',
    version: 1,
    inputs: [{ name: '0', dtype: 'FP32', shape: [1, 3, 224, 224], data: new Uint8Array(pixels.buffer) }],
    outputs: ['1463'],
  };
}

function floats(tensor: Tensor | undefined): Float32Array {
  if (!tensor) throw new Error('missing tensor');
  return new Float32Array(new Uint8Array(tensor.data).buffer);
}

let nats: TestNats;
let stream: { streamName: string; subjectPrefix: string };
let scheduler: NatsTransport;
let workers: ServiceProcess[] = [];
const configPath = writeConfig(['resnet-tiny', 'dummy']);

function startWorker(...extra: string[]): ServiceProcess {
  const worker = startService('worker', [
    '--config_path', configPath,
    '--nats', nats.url,
    '--nats_stream', stream.streamName,
    '--nats_subject_prefix', stream.subjectPrefix,
    '--threads', '1',
    '--ack_wait_ms', '2000',
    ...extra,
  ]);
  workers.push(worker);
  return worker;
}

/** How many jobs a worker that has exited says it answered. */
function answeredBy(worker: ServiceProcess): number {
  return Number(/"answered":(\d+)/.exec(worker.log())?.[1]);
}

function submit(job: Job, requestId: string, timeoutMs = 30_000): Promise<Tensor[]> {
  return scheduler.submit(job, { requestId, item: '', deadlineMs: Date.now() + timeoutMs });
}

beforeAll(async () => {
  nats = await testNats();
  const unique = randomUUID().replaceAll('-', '').slice(0, 12);
  stream = { streamName: `DEMUX_WORKER_${unique}`, subjectPrefix: `demux.worker.${unique}` };
  scheduler = await NatsTransport.connect({ servers: nats.url, ...stream, ackWaitMs: 2_000 });
});

afterEach(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  workers = [];
});

afterAll(async () => {
  await scheduler.close();
  await nats.close();
});

describe('worker service on NATS JetStream', () => {
  it('answers a job with what onnxruntime gives for the same input in this process', async () => {
    const worker = startWorker();
    await worker.waitForLog('worker ready');
    const [output] = await submit(imageJob(3), 'same-as-direct');
    const session = await ort.InferenceSession.create(join(MODELS_DIR, 'resnet-tiny', '1', 'model.onnx'));
    const direct = await session.run({ '0': new ort.Tensor('float32', image(3), [1, 3, 224, 224]) });
    expect(output?.shape).toEqual([1, 1000]);
    const expected = direct['1463']!.data as Float32Array;
    const got = floats(output);
    expect(Math.max(...got.map((value, i) => Math.abs(value - expected[i]!)))).toBeLessThan(1e-6);
  });

  it('rejects a job whose inputs do not match the model, and keeps serving', async () => {
    const worker = startWorker();
    await worker.waitForLog('worker ready');
    const wrongShape: Job = { ...imageJob(0), inputs: [{ name: '0', dtype: 'FP32', shape: [1, 3, 112, 448], data: new Uint8Array(602112) }] };
    await expect(submit(wrongShape, 'wrong-shape')).rejects.toMatchObject({
      code: StatusCode.INVALID_ARGUMENT,
      message: 'model resnet-tiny version 1: input "0": dimension 2 must be 224 [-1,3,224,224], got shape [1,3,112,448]',
    });
    const truncated: Job = { ...imageJob(0), inputs: [{ name: '0', dtype: 'FP32', shape: [1, 3, 224, 224], data: new Uint8Array(12) }] };
    await expect(submit(truncated, 'truncated')).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT, message: expect.stringContaining('602112') });
    const wrongOutput: Job = { ...imageJob(0), outputs: ['nope'] };
    await expect(submit(wrongOutput, 'unknown-output')).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT });
    const [output] = await submit(imageJob(1), 'after-bad');
    expect(output?.shape).toEqual([1, 1000]);
  });

  it('serves every model of the config, each on its own queue', async () => {
    const worker = startWorker();
    await worker.waitForLog('worker ready');
    const dummy: Job = {
      node: 'add',
      model: 'dummy',
      version: 1,
      inputs: [{ name: 'b', dtype: 'FP32', shape: [1, 10], data: new Uint8Array(new Float32Array(10).fill(2).buffer) }],
      outputs: [],
    };
    const [output] = await submit(dummy, 'dummy');
    expect([...floats(output)]).toEqual(new Array(10).fill(3));
  });

  it('shares the load between two workers', async () => {
    const first = startWorker();
    const second = startWorker();
    await Promise.all([first.waitForLog('worker ready'), second.waitForLog('worker ready')]);
    const jobs = Array.from({ length: 24 }, (_, i) => submit(imageJob(i), `shared-${i}`));
    expect(await Promise.all(jobs)).toHaveLength(24);
    first.kill('SIGTERM');
    second.kill('SIGTERM');
    await Promise.all([first.exited, second.exited]);
    const answered = [first, second].map(answeredBy);
    expect(answered[0]).toBeGreaterThan(0);
    expect(answered[1]).toBeGreaterThan(0);
    expect(answered[0]! + answered[1]!).toBe(24);
  });

  it('loses no job when a worker is stopped with SIGTERM in the middle of a load', async () => {
    const leaving = startWorker();
    const staying = startWorker();
    await Promise.all([leaving.waitForLog('worker ready'), staying.waitForLog('worker ready')]);
    const jobs = Array.from({ length: 60 }, (_, i) => submit(imageJob(i % 7), `sigterm-${i}`));
    await new Promise((resolve) => setTimeout(resolve, 150));
    leaving.kill('SIGTERM');
    const results = await Promise.allSettled(jobs);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(await leaving.exited).toBe(0);
    staying.kill('SIGTERM');
    await staying.exited;
    const [left, stayed] = [leaving, staying].map(answeredBy);
    // The stopped worker took part in the load, and left the rest to the other one.
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(60);
    expect(left! + stayed!).toBe(60);
  });
});
