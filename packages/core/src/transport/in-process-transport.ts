import { DemuxError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { serveJobs, type DeliveredJob, type JobSource } from './job-server.js';
import { describeJob, modelKey, type Job, type JobContext, type JobHandler, type JobServer, type JobTransport, type ModelRef, type ServeOptions, type SubmitOptions } from './job-transport.js';
import { PendingReplies } from './pending-replies.js';

interface QueuedJob {
  id: string;
  job: Job;
  context: JobContext;
}

/** One model version's queue: jobs waiting for a worker, and workers waiting for a job. */
class ModelQueue implements JobSource {
  readonly #jobs: QueuedJob[] = [];
  readonly #waiting: Array<(job: QueuedJob | undefined) => void> = [];

  constructor(private readonly deliver: (queued: QueuedJob) => DeliveredJob) {}

  push(queued: QueuedJob): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(queued);
    else this.#jobs.push(queued);
  }

  get waiting(): number {
    return this.#jobs.length;
  }

  remove(id: string): void {
    const index = this.#jobs.findIndex((queued) => queued.id === id);
    if (index >= 0) this.#jobs.splice(index, 1);
  }

  next(signal: AbortSignal): Promise<DeliveredJob | undefined> {
    const queued = this.#jobs.shift();
    if (queued) return Promise.resolve(this.deliver(queued));
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = (job: QueuedJob | undefined): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(job && this.deliver(job));
      };
      const onAbort = (): void => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        resolve(undefined);
      };
      this.#waiting.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * The job contract inside one process: the embedded default of `pnpm start` and the transport of
 * unit tests. Jobs wait in memory until a worker with a free slot takes them; nothing survives
 * the process, so it is never for a cluster.
 */
export class InProcessTransport implements JobTransport {
  readonly kind = 'in-process' as const;
  readonly connected = true;
  readonly #queues = new Map<string, ModelQueue>();
  readonly #replies = new PendingReplies();
  /** Servers pulling each model version's queue. */
  readonly #servers = new Map<string, number>();
  #nextId = 0;

  submit(job: Job, options: SubmitOptions): Promise<Tensor[]> {
    const id = String(++this.#nextId);
    const queue = this.#queue(job);
    const context: JobContext = {
      requestId: options.requestId,
      item: options.item,
      deadlineMs: options.deadlineMs,
      attempt: 1,
      ...(options.traceparent === undefined ? {} : { traceparent: options.traceparent }),
    };
    const reply = this.#replies.wait(id, options.deadlineMs, options.signal, describeJob(job, options));
    queue.push({ id, job, context });
    // A job nobody will wait for must not take a worker's time.
    return reply.finally(() => queue.remove(id));
  }

  serve(target: ModelRef, handler: JobHandler, options: ServeOptions): JobServer {
    const key = modelKey(target);
    this.#servers.set(key, (this.#servers.get(key) ?? 0) + 1);
    const server = serveJobs(this.#queue(target), handler, options, { heartbeatMs: 60_000, retryMs: 100 });
    return {
      get inFlight() {
        return server.inFlight;
      },
      stop: async () => {
        this.#servers.set(key, (this.#servers.get(key) ?? 1) - 1);
        await server.stop();
      },
    };
  }

  liveWorkers(target: ModelRef): number {
    return this.#servers.get(modelKey(target)) ?? 0;
  }

  async pending(target: ModelRef): Promise<number> {
    return this.#queues.get(modelKey(target))?.waiting ?? 0;
  }

  async close(): Promise<void> {
    this.#replies.failAll(DemuxError.unavailable('the in-process transport closed'));
  }

  #queue(target: ModelRef): ModelQueue {
    const key = modelKey(target);
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = new ModelQueue((queued) => this.#deliver(queued));
      this.#queues.set(key, queue);
    }
    return queue;
  }

  #deliver({ id, job, context }: QueuedJob): DeliveredJob {
    return {
      job,
      context,
      working: () => {},
      complete: async (outcome) => {
        this.#replies.settle(id, outcome);
      },
      drop: async () => {},
    };
  }
}
