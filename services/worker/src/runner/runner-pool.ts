import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DemuxError, type Tensor } from '@demux/core';
import type { InferenceReply, InferenceTask, RunnerTensor, SessionSpec } from './runner-task.js';

export interface RunnerPoolOptions {
  /** Inference threads; each runs one task at a time. */
  threads: number;
  /** onnxruntime intra-op threads inside each inference thread. */
  intraOpThreads: number;
  /** See SessionSpec.deviceWaitMs. */
  deviceWaitMs: number;
  /** Told how long each `session.run` took, measured in its thread: time queued at the thread is not inference. */
  onInference?: (ms: number) => void;
}

interface PendingTask {
  resolve: (outputs: Tensor[]) => void;
  reject: (error: DemuxError) => void;
}

const THREAD_SCRIPT = new URL('./inference-thread.js', import.meta.url);

/** What the pool hears of each reply besides the outputs. */
interface ReplyHooks {
  onInference: ((ms: number) => void) | undefined;
  /** Input buffers the thread has given back. */
  recycle: (buffers: ArrayBuffer[]) => void;
}

/**
 * Input buffers kept for reuse, by byte length. A task's input is copied into one of these and
 * moved to its thread, which moves it back with the reply: a steady load allocates no new
 * buffers, so the main thread's garbage collector has no large buffers to chase.
 */
class BufferStock {
  readonly #free = new Map<number, ArrayBuffer[]>();

  constructor(private readonly perSize: number) {}

  take(byteLength: number): ArrayBuffer {
    return this.#free.get(byteLength)?.pop() ?? new ArrayBuffer(byteLength);
  }

  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) {
      let free = this.#free.get(buffer.byteLength);
      if (!free) {
        // Batches of many sizes would keep many lists: past a handful, start over.
        if (this.#free.size >= MAX_STOCKED_SIZES) this.#free.clear();
        free = [];
        this.#free.set(buffer.byteLength, free);
      }
      if (free.length < this.perSize) free.push(buffer);
    }
  }
}

const MAX_STOCKED_SIZES = 16;

/** One inference thread and the tasks posted to it that it has not answered yet. */
class RunnerThread {
  readonly pending = new Map<number, PendingTask>();
  #failure: Error | undefined;

  /** `key` names the model version in the errors of its tasks. */
  private constructor(
    readonly worker: Worker,
    private readonly key: string,
  ) {}

  /** Starts a thread and waits until its session is open. */
  static async start(session: SessionSpec, hooks: ReplyHooks): Promise<RunnerThread> {
    const worker = new Worker(THREAD_SCRIPT, { workerData: session });
    try {
      const [message] = (await Promise.race([once(worker, 'message'), once(worker, 'exit').then(() => [undefined])])) as unknown[];
      if (message !== 'ready') throw new Error('the inference thread exited while loading');
    } catch (cause) {
      await worker.terminate();
      throw cause;
    }
    const thread = new RunnerThread(worker, session.key);
    worker.on('message', (reply: InferenceReply) => {
      hooks.recycle(reply.inputs);
      if ('inferenceMs' in reply) hooks.onInference?.(reply.inferenceMs);
      thread.#settle(reply);
    });
    worker.on('error', (error) => {
      thread.#failure = error;
    });
    return thread;
  }

  post(task: InferenceTask, transfer: ArrayBuffer[], pending: PendingTask): void {
    this.pending.set(task.id, pending);
    this.worker.postMessage(task, transfer);
  }

  /** Fails every unanswered task: the thread has gone. */
  failPending(): void {
    const reason = this.#failure?.message ?? 'the inference thread exited';
    for (const task of this.pending.values()) task.reject(DemuxError.internal(`inference failed for ${this.key}: ${reason}`, { cause: this.#failure }));
    this.pending.clear();
  }

  #settle(reply: InferenceReply): void {
    const task = this.pending.get(reply.id);
    if (!task) return;
    this.pending.delete(reply.id);
    if ('error' in reply) {
      task.reject(DemuxError.internal(`inference failed for ${this.key}: ${reply.error}`));
      return;
    }
    task.resolve(
      Object.entries(reply.outputs).map(([name, output]: [string, RunnerTensor]) => ({
        name,
        dtype: output.dtype,
        shape: output.shape,
        data: new Uint8Array(output.data),
      })),
    );
  }
}

/**
 * The worker threads running one model version's onnxruntime sessions. Every thread opens its
 * session before taking a task, so the first request pays no load time. Tasks go to the thread
 * with the fewest unanswered ones and queue there, so a thread starts its next task the moment
 * it finishes one instead of waiting for the main thread to hand it over.
 */
export class RunnerPool {
  readonly #session: SessionSpec;
  readonly #hooks: ReplyHooks;
  readonly #buffers: BufferStock;
  readonly #threads: RunnerThread[] = [];
  #nextId = 0;
  #closing = false;

  private constructor(session: SessionSpec, options: RunnerPoolOptions) {
    this.#session = session;
    // Enough for every thread's task running and the next one queued behind it.
    this.#buffers = new BufferStock(2 * options.threads);
    this.#hooks = { onInference: options.onInference, recycle: (buffers) => this.#buffers.give(buffers) };
  }

  /** `key` names the model version in errors; `path` is its model.onnx. */
  static async start(key: string, path: string, options: RunnerPoolOptions): Promise<RunnerPool> {
    const pool = new RunnerPool({ key, path, intraOpThreads: options.intraOpThreads, deviceWaitMs: options.deviceWaitMs }, options);
    const started = await Promise.allSettled(Array.from({ length: options.threads }, () => RunnerThread.start(pool.#session, pool.#hooks)));
    for (const result of started) if (result.status === 'fulfilled') pool.#adopt(result.value);
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await pool.close();
      const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
      throw DemuxError.unavailable(`cannot load ${key} from ${path}: ${reason}`, { cause: failed.reason });
    }
    return pool;
  }

  /** Runs one inference off the main thread. Input bytes are copied once, into buffers that move to the thread and back. */
  run(inputs: readonly Tensor[], outputs: readonly string[]): Promise<Tensor[]> {
    const thread = this.#leastBusy();
    if (!thread) return Promise.reject(DemuxError.unavailable(`${this.#session.key} has no inference thread left`));
    const task: InferenceTask = { id: ++this.#nextId, inputs: {}, outputs: [...outputs] };
    const transfer: ArrayBuffer[] = [];
    for (const input of inputs) {
      const data = this.#buffers.take(input.data.byteLength);
      new Uint8Array(data).set(input.data);
      task.inputs[input.name] = { dtype: input.dtype, shape: input.shape, data };
      transfer.push(data);
    }
    return new Promise((resolve, reject) => thread.post(task, transfer, { resolve, reject }));
  }

  /** Stops the threads; a task still unanswered fails. Callers first wait for their jobs in flight. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }

  #leastBusy(): RunnerThread | undefined {
    let best: RunnerThread | undefined;
    for (const thread of this.#threads) if (!best || thread.pending.size < best.pending.size) best = thread;
    return best;
  }

  #adopt(thread: RunnerThread): void {
    this.#threads.push(thread);
    thread.worker.once('exit', () => {
      this.#threads.splice(this.#threads.indexOf(thread), 1);
      thread.failPending();
      // A thread that died (not one we stopped) is replaced, so the pool keeps its size; if the
      // replacement cannot load either, the pool runs on fewer threads and says so once none is left.
      if (this.#closing) return;
      RunnerThread.start(this.#session, this.#hooks).then(
        (fresh) => (this.#closing ? void fresh.worker.terminate() : this.#adopt(fresh)),
        () => undefined,
      );
    });
  }
}
