import { fileURLToPath } from 'node:url';
import { DemuxError, type Tensor } from '@demux/core';
import { Piscina } from 'piscina';
import type { InferenceResult, InferenceTask, RunnerTensor, SessionSpec } from './runner-task.js';

export interface RunnerPoolOptions {
  /** Inference threads; each runs one job at a time. */
  threads: number;
  /** onnxruntime intra-op threads inside each inference thread. */
  intraOpThreads: number;
  /** See SessionSpec.deviceWaitMs. */
  deviceWaitMs: number;
}

/**
 * The worker threads running one model version's onnxruntime sessions. Every thread opens its
 * session before taking a job, so the first request pays no load time.
 */
export class RunnerPool {
  readonly #pool: Piscina;
  readonly #session: SessionSpec;

  private constructor(pool: Piscina, session: SessionSpec) {
    this.#pool = pool;
    this.#session = session;
  }

  /** `key` names the model version in errors; `path` is its model.onnx. */
  static async start(key: string, path: string, options: RunnerPoolOptions): Promise<RunnerPool> {
    const session: SessionSpec = { key, path, intraOpThreads: options.intraOpThreads, deviceWaitMs: options.deviceWaitMs };
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./inference-thread.js', import.meta.url)),
      workerData: session,
      minThreads: options.threads,
      maxThreads: options.threads,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    try {
      await Promise.all(Array.from({ length: options.threads }, () => pool.run(null, { name: 'ready' })));
    } catch (cause) {
      await pool.destroy();
      throw DemuxError.unavailable(`cannot load ${key} from ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    return new RunnerPool(pool, session);
  }

  /** Runs one inference off the main thread. Input bytes are copied once, into buffers the thread owns. */
  async run(inputs: readonly Tensor[], outputs: readonly string[]): Promise<Tensor[]> {
    const task: InferenceTask = { inputs: {}, outputs: [...outputs] };
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
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw DemuxError.internal(`inference failed for ${this.#session.key}: ${reason}`, { cause });
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
