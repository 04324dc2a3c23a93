import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsTransport, type Job, type Tensor } from '@demux/core';
import { freePort, testNats, type TestNats } from './support/nats-server.js';
import { sampleValue, scrape } from './support/prometheus-text.js';
import { MODELS_DIR, startService, writeConfig, type ServiceProcess } from './support/services.js';

const IMAGE_FLOATS = 3 * 224 * 224;
const JOBS = 24;

/** A deterministic test image, different for every seed. */
function image(seed: number): Float32Array {
  const pixels = new Float32Array(IMAGE_FLOATS);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.sin(i * 0.001 * (seed + 1)) * 2;
  return pixels;
}

function imageJob(seed: number): Job {
  return {
    node: 'classify',
    model: 'resnet-tiny',
    version: 1,
    inputs: [{ name: '0', dtype: 'FP32', shape: [1, 3, 224, 224], data: new Uint8Array(image(seed).buffer) }],
    outputs: ['1463'],
  };
}

function floats(tensor: Tensor | undefined): Float32Array {
  if (!tensor) throw new Error('missing tensor');
  return new Float32Array(new Uint8Array(tensor.data).buffer);
}

let nats: TestNats;
let scheduler: NatsTransport;
let worker: ServiceProcess;
let metricsUrl: string;

function submit(job: Job, requestId: string): Promise<Tensor[]> {
  return scheduler.submit(job, { requestId, item: '', deadlineMs: Date.now() + 60_000 });
}

beforeAll(async () => {
  nats = await testNats();
  const unique = randomUUID().replaceAll('-', '').slice(0, 12);
  const stream = { streamName: `DEMUX_BATCHING_${unique}`, subjectPrefix: `demux.batching.${unique}` };
  scheduler = await NatsTransport.connect({ servers: nats.url, ...stream, ackWaitMs: 5_000 });
  // Served as batch 1, as a client sees it; the model file keeps a dynamic batch dimension, so
  // the worker can still stack jobs.
  const configPath = writeConfig(['resnet-tiny'], {}, { 'resnet-tiny': { batch_size: '1', max_batch_size: 8, max_queue_delay_ms: 20 } });
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  worker = startService('worker', [
    '--config_path', configPath,
    '--nats', nats.url,
    '--nats_stream', stream.streamName,
    '--nats_subject_prefix', stream.subjectPrefix,
    '--threads', '1',
    '--metrics_port', String(port),
  ]);
  await worker.waitForLog('worker ready');
}, 60_000);

afterAll(async () => {
  worker?.kill('SIGKILL');
  await worker?.exited;
  await scheduler?.close();
  await nats?.close();
});

describe('dynamic batching in a worker', () => {
  it('answers jobs submitted at once from shared batches, each as its unbatched run would', async () => {
    const batched = await Promise.all(Array.from({ length: JOBS }, (_, seed) => submit(imageJob(seed), `batched-${seed}`)));
    const session = await ort.InferenceSession.create(join(MODELS_DIR, 'resnet-tiny', '1', 'model.onnx'));
    for (let seed = 0; seed < JOBS; seed++) {
      const [output] = batched[seed]!;
      expect(output?.shape).toEqual([1, 1000]);
      const single = await session.run({ '0': new ort.Tensor('float32', image(seed), [1, 3, 224, 224]) });
      const expected = single['1463']!.data as Float32Array;
      const got = floats(output);
      expect(got.reduce((most, value, i) => Math.max(most, Math.abs(value - expected[i]!)), 0)).toBeLessThanOrEqual(1e-5);
    }
    const samples = await scrape(metricsUrl);
    const runs = sampleValue(samples, 'demux_batch_size_count', { name: 'resnet-tiny', version: '1' });
    const rows = sampleValue(samples, 'demux_batch_size_sum', { name: 'resnet-tiny', version: '1' });
    expect(rows).toBe(JOBS);
    expect(rows! / runs!).toBeGreaterThan(1);
  });
});
