import { DemuxError, type ModelMetadata, type Tensor } from '@demux/core';
import type { Runner } from '../inference.js';

export interface BatcherOptions {
  /** Rows (sum of dim 0) one run holds at most; a larger job runs alone. */
  maxBatchSize: number;
  /** How long the oldest queued job waits for others before its batch runs anyway; 0 runs what is queued. */
  maxQueueDelayMs: number;
  /** Runs in flight at most: the pool's inference threads, so a batch forms while they are busy. */
  threads: number;
  /** Told the rows of every run. */
  onBatch?: (rows: number) => void;
}

interface QueuedJob {
  inputs: readonly Tensor[];
  outputs: readonly string[];
  /** Jobs with the same key differ only in dim 0 and can share a run; undefined never shares. */
  key: string | undefined;
  rows: number;
  arrivedAt: number;
  /** Epoch ms after which nobody waits for the answer; undefined: none. */
  deadlineMs: number | undefined;
  resolve: (outputs: Tensor[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Whether a model file can run jobs stacked along dim 0: every input and output must have a
 * dynamic first dim. BYTES tensors are left out, as their rows are not of one byte length.
 */
export function canBatch(metadata: ModelMetadata): boolean {
  return [...metadata.inputs, ...metadata.outputs].every((spec) => spec.shape[0] === -1 && spec.dtype !== 'BYTES');
}

/**
 * Server-side dynamic batching, as Triton's dynamic batcher: jobs of one model version whose
 * inputs agree in all but dim 0 are queued, concatenated along dim 0, run once, and the outputs
 * split back to each job. A batch runs when an inference thread is free and it is full, or when
 * its oldest job has waited `maxQueueDelayMs`.
 */
export class Batcher implements Runner {
  readonly #runner: Runner;
  readonly #options: BatcherOptions;
  readonly #queue: QueuedJob[] = [];
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(runner: Runner, options: BatcherOptions) {
    this.#runner = runner;
    this.#options = options;
  }

  run(inputs: readonly Tensor[], outputs: readonly string[], deadlineMs?: number): Promise<Tensor[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ inputs, outputs, key: batchKey(inputs, outputs), rows: inputs[0]?.shape[0] ?? 1, arrivedAt: performance.now(), deadlineMs, resolve, reject });
      this.#dispatch();
    });
  }

  /** Answers the queued jobs whose deadline passed while they waited: nobody waits for them, so they take no room in a run. */
  #dropExpired(): void {
    const now = Date.now();
    const expired = this.#queue.filter((job) => job.deadlineMs !== undefined && job.deadlineMs <= now);
    if (expired.length === 0) return;
    this.#queue.splice(0, this.#queue.length, ...this.#queue.filter((job) => !expired.includes(job)));
    for (const job of expired) job.reject(DemuxError.deadlineExceeded('the job passed its deadline while it waited for a batch'));
  }

  /** Starts every batch that is due while a thread is free; otherwise wakes when the oldest waiting one falls due. */
  #dispatch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dropExpired();
    const now = performance.now();
    const waiting = new Set<string>();
    let nextDue = Number.POSITIVE_INFINITY;
    let index = 0;
    while (this.#inFlight < this.#options.threads && index < this.#queue.length) {
      const head = this.#queue[index]!;
      if (head.key !== undefined && waiting.has(head.key)) {
        index++;
        continue;
      }
      const batch = this.#gather(index);
      const rows = batch.reduce((sum, job) => sum + job.rows, 0);
      const due = head.arrivedAt + this.#options.maxQueueDelayMs;
      if (head.key === undefined || rows >= this.#options.maxBatchSize || due <= now) {
        const taken = new Set(batch);
        this.#queue.splice(0, this.#queue.length, ...this.#queue.filter((job) => !taken.has(job)));
        void this.#start(batch, rows);
      } else {
        waiting.add(head.key);
        nextDue = Math.min(nextDue, due);
        index++;
      }
    }
    if (this.#inFlight < this.#options.threads && Number.isFinite(nextDue)) {
      this.#timer = setTimeout(() => this.#dispatch(), nextDue - now);
    }
  }

  /** The job at `index` and the later ones that fit with it, in arrival order, up to maxBatchSize rows. */
  #gather(index: number): QueuedJob[] {
    const head = this.#queue[index]!;
    const batch = [head];
    if (head.key === undefined) return batch;
    let rows = head.rows;
    for (const job of this.#queue.slice(index + 1)) {
      if (job.key !== head.key) continue;
      if (rows + job.rows > this.#options.maxBatchSize) break;
      batch.push(job);
      rows += job.rows;
    }
    return batch;
  }

  async #start(batch: QueuedJob[], rows: number): Promise<void> {
    this.#inFlight++;
    try {
      this.#options.onBatch?.(rows);
      const [first] = batch;
      if (batch.length === 1 && first) {
        first.resolve(await this.#runner.run(first.inputs, first.outputs));
        return;
      }
      const outputs = await this.#runner.run(concatenate(batch), batch[0]!.outputs);
      const split = outputs.map((output) => splitRows(output, rows, batch));
      batch.forEach((job, index) => job.resolve(split.map((parts) => parts[index]!)));
    } catch (error) {
      for (const job of batch) job.reject(error);
    } finally {
      this.#inFlight--;
      this.#dispatch();
    }
  }
}

/** Inputs by name, dtype and every dim but the first, and the outputs asked for; undefined where dim 0 is missing. */
function batchKey(inputs: readonly Tensor[], outputs: readonly string[]): string | undefined {
  if (inputs.length === 0 || inputs.some((input) => input.shape.length === 0 || input.dtype === 'BYTES')) return undefined;
  if (new Set(inputs.map((input) => input.shape[0])).size !== 1) return undefined;
  const signature = inputs.map((input) => `${input.name}:${input.dtype}:${input.shape.slice(1).join(',')}`);
  return JSON.stringify([signature.sort(), [...outputs].sort()]);
}

/** Each input of the batch's jobs stacked along dim 0, in one copy. */
function concatenate(batch: readonly QueuedJob[]): Tensor[] {
  return batch[0]!.inputs.map((input) => {
    const parts = batch.map((job) => job.inputs.find((candidate) => candidate.name === input.name)!);
    const data = new Uint8Array(parts.reduce((sum, part) => sum + part.data.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      data.set(part.data, offset);
      offset += part.data.byteLength;
    }
    const rows = parts.reduce((sum, part) => sum + part.shape[0]!, 0);
    return { name: input.name, dtype: input.dtype, shape: [rows, ...input.shape.slice(1)], data };
  });
}

/** One output cut back into each job's rows, as views of the batch's bytes. */
function splitRows(output: Tensor, rows: number, batch: readonly QueuedJob[]): Tensor[] {
  if (output.shape[0] !== rows) {
    throw DemuxError.internal(`batched output "${output.name}" has shape [${output.shape.join(',')}], not ${rows} rows`);
  }
  const rowBytes = output.data.byteLength / rows;
  let offset = 0;
  return batch.map((job) => {
    const data = output.data.subarray(offset, offset + job.rows * rowBytes);
    offset += job.rows * rowBytes;
    return { ...output, shape: [job.rows, ...output.shape.slice(1)], data };
  });
}
