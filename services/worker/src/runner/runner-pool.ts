import { fileURLToPath } from 'node:url';
import { DemuxError, type Tensor } from '@demux/core';
import { Piscina } from 'piscina';
import type { InferenceResult, InferenceTask, RunnerTensor, SessionSpec } from './runner-task.js';

export interface RunnerPoolOptions {
  /** Inference threads; each runs one job at a time. */
  threads: number;
  /** onnxruntime intra-op threads inside each inference thread. */
  intraOpThreads: number;
}

/** The models a pool serves, by key. */
export type ModelPaths = ReadonlyMap<string, string>;

/**
 * A pool of worker threads running onnxruntime sessions. Every thread opens every model's
 * session at start-up, so the first request pays no load time.
 */
export class RunnerPool {
  readonly #pool: Piscina;
  readonly #specs = new Map<string, SessionSpec>();

  private constructor(pool: Piscina, specs: Map<string, SessionSpec>) {
    this.#pool = pool;
    this.#specs = specs;
  }

  static async start(models: ModelPaths, options: RunnerPoolOptions): Promise<RunnerPool> {
    const specs = new Map<string, SessionSpec>();
    for (const [key, path] of models) specs.set(key, { key, path, intraOpThreads: options.intraOpThreads });
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./inference-thread.js', import.meta.url)),
      workerData: [...specs.values()],
      minThreads: options.threads,
      maxThreads: options.threads,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    try {
      await Promise.all(Array.from({ length: options.threads }, () => pool.run(null, { name: 'ready' })));
    } catch (cause) {
      await pool.destroy();
      throw DemuxError.unavailable(`cannot load models: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    return new RunnerPool(pool, specs);
  }

  get threads(): number {
    return this.#pool.threads.length;
  }

  /** Runs one inference off the main thread. Input bytes are copied once, into buffers the thread owns. */
  async run(key: string, inputs: readonly Tensor[], outputs: readonly string[]): Promise<Tensor[]> {
    const session = this.#specs.get(key);
    if (!session) throw DemuxError.notFound(`model ${key} is not loaded by this worker`);
    const task: InferenceTask = { session, inputs: {}, outputs: [...outputs] };
    const transferList: ArrayBuffer[] = [];
    for (const input of inputs) {
      const data = new Uint8Array(input.data).buffer;
      task.inputs[input.name] = { dtype: input.dtype, shape: input.shape, data };
      transferList.push(data);
    }
    let result: InferenceResult;
    try {
      result = (await this.#pool.run(task, { transferList })) as InferenceResult;
    } catch (cause) {
      throw DemuxError.internal(`inference failed for ${key}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    return Object.entries(result.outputs).map(([name, output]: [string, RunnerTensor]) => ({
      name,
      dtype: output.dtype,
      shape: output.shape,
      data: new Uint8Array(output.data),
    }));
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
