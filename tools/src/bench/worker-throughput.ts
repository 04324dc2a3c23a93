/**
 * One worker's ResNet-50 images/s through NATS JetStream, next to raw onnxruntime-node in this
 * process with the same thread count, measured in one run on the same machine.
 *   node tools/dist/bench/worker-throughput.js [--nats URL] [--threads 2] [--images 60]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { NatsTransport, type Job } from '@demux/core';

const { values } = parseArgs({
  options: {
    nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    threads: { type: 'string', default: '2' },
    images: { type: 'string', default: '60' },
    model: { type: 'string', default: 'models/resnet' },
  },
});
const threads = Number(values.threads);
const images = Number(values.images);
const basePath = resolve(values.model);
const IMAGE = new Float32Array(3 * 224 * 224).map((_, i) => Math.sin(i * 0.01));

async function rawImagesPerSecond(): Promise<number> {
  const session = await ort.InferenceSession.create(join(basePath, '1', 'model.onnx'), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = { '0': new ort.Tensor('float32', IMAGE, [1, 3, 224, 224]) };
  await session.run(feeds);
  const started = performance.now();
  for (let i = 0; i < images; i++) await session.run(feeds);
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  return images / seconds;
}

/** `streams` inference threads in the worker, each with threads / streams onnxruntime threads. */
async function workerImagesPerSecond(streams: number): Promise<number> {
  const unique = randomUUID().replaceAll('-', '').slice(0, 8);
  const stream = { streamName: `DEMUX_BENCH_${unique}`, subjectPrefix: `demux.bench.${unique}` };
  const dir = mkdtempSync(join(tmpdir(), 'demux-bench-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ model_config_list: [{ config: { name: 'resnet', base_path: basePath } }] }));
  const worker = spawn(
    process.execPath,
    [resolve('services/worker/dist/main.js'), '--config_path', configPath, '--nats', values.nats, '--threads', String(streams), '--intra_op_threads', String(threads / streams),
      '--nats_stream', stream.streamName, '--nats_subject_prefix', stream.subjectPrefix, '--log_level', 'warn'],
    { stdio: 'inherit' },
  );
  const transport = await NatsTransport.connect({ servers: values.nats, ...stream });
  const job: Job = { node: 'bench', model: 'resnet', version: 1, inputs: [{ name: '0', dtype: 'FP32', shape: [1, 3, 224, 224], data: new Uint8Array(IMAGE.buffer) }], outputs: [] };
  const submit = (i: number): Promise<unknown> => transport.submit(job, { requestId: `bench-${i}`, item: '', deadlineMs: Date.now() + 120_000 });
  // Warm-up: the first job also waits for the worker to load the model.
  await Promise.all(Array.from({ length: streams }, (_, i) => submit(-1 - i)));
  const started = performance.now();
  let next = 0;
  const inFlight = streams * 2;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < images) await submit(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  worker.kill('SIGTERM');
  await new Promise((done) => worker.once('exit', done));
  await transport.close();
  return images / seconds;
}

const raw = await rawImagesPerSecond();
console.log(`raw onnxruntime-node, 1 session, ${threads} intra-op threads, batch 1: ${raw.toFixed(1)} images/s`);
for (const streams of [1, threads]) {
  const viaWorker = await workerImagesPerSecond(streams);
  console.log(
    `one worker over NATS JetStream, ${streams} inference thread(s) x ${threads / streams} intra-op, batch-1 jobs: ${viaWorker.toFixed(1)} images/s, ratio to raw ${(viaWorker / raw).toFixed(2)}`,
  );
}
