import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { measureLevel, type WindowPlan } from './load-generator.js';
import { sampleFloats } from './sample-input.js';
import type { LevelResult, Window } from './statistics.js';

export interface RawModel {
  modelPath: string;
  inputName: string;
  /** The model input's dims for one run, batch included. */
  dims: number[];
}

/** Baseline (a): one session with `threads` intra-op threads, one inference after another. */
export async function rawOneSession(model: RawModel, threads: number, plan: WindowPlan, onWindow: (window: Window, index: number) => void): Promise<LevelResult> {
  const session = await ort.InferenceSession.create(model.modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
  const feeds = { [model.inputName]: new ort.Tensor('float32', sampleFloats(model.dims.reduce((a, b) => a * b, 1)), model.dims) };
  try {
    return await measureLevel(() => session.run(feeds), model.dims[0]!, 1, plan, onWindow);
  } finally {
    await session.release();
  }
}

/** Baseline (a'): `sessions` one-thread sessions in their own worker_threads, each kept busy. */
export async function rawThreadPerSession(model: RawModel, sessions: number, plan: WindowPlan, onWindow: (window: Window, index: number) => void): Promise<LevelResult> {
  const threads = await Promise.all(Array.from({ length: sessions }, () => startRawThread(model)));
  try {
    return await measureLevel((client) => threads[client]!.run(), model.dims[0]!, sessions, plan, onWindow);
  } finally {
    await Promise.all(threads.map((thread) => thread.stop()));
  }
}

interface RawThread {
  run(): Promise<void>;
  stop(): Promise<number>;
}

async function startRawThread(model: RawModel): Promise<RawThread> {
  const worker = new Worker(new URL('./raw-inference-thread.js', import.meta.url), { workerData: model });
  await once(worker, 'message');
  return {
    // One run at a time per thread: its client waits for the answer before the next.
    run: async () => {
      const done = once(worker, 'message');
      worker.postMessage('run');
      await done;
    },
    stop: () => worker.terminate(),
  };
}

/** Baseline (b): the naive single-process gRPC server, as its own process. */
export async function startNaiveServer(modelPath: string, port: number, threads: number): Promise<ChildProcess> {
  const server = spawn(process.execPath, [resolve('tools/dist/bench/naive-server.js'), '--model_path', modelPath, '--port', String(port), '--threads', String(threads)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, fail) => {
    server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && ready());
    server.once('exit', (code) => fail(new Error(`naive server exited with ${code}`)));
  });
  return server;
}
