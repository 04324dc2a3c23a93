import type { DemuxError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** One node execution for one item: what the scheduler publishes and a worker runs. */
export interface Job {
  node: string;
  model: string;
  version: number;
  inputs: Tensor[];
  /** The outputs the node needs; empty means all of the model's outputs. */
  outputs: string[];
}

/** What travels beside a job (in NATS, as headers). */
export interface JobContext {
  requestId: string;
  /** The item's key: its index at every demultiplexing level, e.g. "3" or "3.1"; "" for no demultiplexer. */
  item: string;
  /** Absolute deadline, ms since the epoch. */
  deadlineMs: number;
  /** 1 for the first delivery, more after a redelivery. */
  attempt: number;
  traceparent?: string;
}

export type JobOutcome = { outputs: Tensor[] } | { error: DemuxError };

export interface SubmitOptions {
  requestId: string;
  item: string;
  deadlineMs: number;
  traceparent?: string;
  /** Aborting gives up waiting for the reply (a cancelled client call). */
  signal?: AbortSignal;
}

export type JobHandler = (job: Job, context: JobContext) => Promise<Tensor[]>;

export interface ServeOptions {
  /** A job is pulled only once a slot is free. */
  slots: Slots;
  /** Called for each job acknowledged and dropped because its deadline had passed. */
  onExpired?: (job: Job, context: JobContext) => void;
  /** Called when a job could not be pulled or answered (the transport retries by itself). */
  onTransportError?: (error: unknown) => void;
}

export interface JobServer {
  readonly inFlight: number;
  /** Stops pulling, then waits for the jobs in flight to be answered. */
  stop(): Promise<void>;
}

/** The model a job queue belongs to. */
export interface ModelRef {
  model: string;
  version: number;
}

/** How errors name a job: its node, model version, request and item. */
export function describeJob(job: Job, options: Pick<SubmitOptions, 'requestId' | 'item'>): string {
  const item = options.item === '' ? '' : ` item ${options.item}`;
  return `${job.node} (model ${job.model} version ${job.version}) of request ${options.requestId}${item}`;
}

export function modelKey(target: ModelRef): string {
  return `${target.model}\u0000${target.version}`;
}

/**
 * The job contract between scheduler and workers (DESIGN.md, "Job contract"). Two
 * implementations honour it: NATS JetStream for a cluster, and in-process for the embedded
 * default and unit tests; one conformance suite (test/transport-contract.test.ts) runs against both.
 */
export interface JobTransport {
  readonly kind: 'nats' | 'in-process';
  /** Publishes a job and resolves with its outputs; rejects with the worker's error, on deadline or abort. */
  submit(job: Job, options: SubmitOptions): Promise<Tensor[]>;
  /** Starts pulling the jobs of one model version and answering them with the handler. */
  serve(target: ModelRef, handler: JobHandler, options: ServeOptions): JobServer;
  /** False while the broker is out of reach: readiness reads it. */
  readonly connected: boolean;
  /** Servers of a model version known to be alive (a worker runs one per version it serves): readiness reads it. */
  liveWorkers(target: ModelRef): number;
  /** Jobs waiting in a model version's queue, not yet delivered to a worker: the queue depth autoscaling and metrics read. */
  pending(target: ModelRef): Promise<number>;
  /** Rejects what is still pending and releases the connection. */
  close(): Promise<void>;
}

/** A counting semaphore: the worker's free inference slots. */
export class Slots {
  readonly capacity: number;
  #free: number;
  #waiters: Array<() => void> = [];

  constructor(count: number) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`slots must be a positive integer, got ${count}`);
    this.capacity = count;
    this.#free = count;
  }

  get free(): number {
    return this.#free;
  }

  /** Resolves true once a slot is taken, false if the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== grant);
        resolve(false);
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.#waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free++;
  }
}
