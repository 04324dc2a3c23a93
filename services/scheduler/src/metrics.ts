import { DemuxError, StatusCode, type ModelRef } from '@demux/core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type JobLabel = 'model' | 'version';

/** Where a scrape reads the depth of the job queues from: the scheduler's transport. */
export interface JobQueues {
  pending(target: ModelRef): Promise<number>;
}

export interface SchedulerMetricsOptions {
  /** How long a scrape waits for one queue's depth before leaving it out. Default 1 s. */
  pendingTimeoutMs?: number;
}

const JOB_LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function jobLabels(target: ModelRef): Record<JobLabel, string> {
  return { model: target.model, version: String(target.version) };
}

/**
 * What a scheduler measures: its jobs from submission to reply (recorded by MeteredTransport),
 * the requests it is running, and the depth of each job queue, read from the broker at scrape time.
 */
export class SchedulerMetrics {
  readonly #latency: Histogram<JobLabel | 'outcome'>;
  readonly #jobsInFlight: Gauge<JobLabel>;
  readonly #failures: Counter<JobLabel | 'code'>;
  readonly #currentRequests: Gauge<'name' | 'version'>;
  readonly #pending: Gauge<JobLabel>;
  readonly #pendingTimeoutMs: number;
  #queues: { source: JobQueues; models: ModelRef[] } | undefined;

  constructor(registry: Registry, options: SchedulerMetricsOptions = {}) {
    this.#pendingTimeoutMs = options.pendingTimeoutMs ?? 1_000;
    const registers = [registry];
    this.#latency = new Histogram({
      name: 'demux_job_latency_seconds',
      help: 'Time from publishing an item job to its reply (or failure), in seconds.',
      labelNames: ['model', 'version', 'outcome'],
      buckets: JOB_LATENCY_BUCKETS_S,
      registers,
    });
    this.#jobsInFlight = new Gauge({
      name: 'demux_jobs_in_flight',
      help: 'Jobs this scheduler published and has no reply for yet (queued or running).',
      labelNames: ['model', 'version'],
      registers,
    });
    this.#failures = new Counter({
      name: 'demux_job_failures_total',
      help: 'Jobs that ended in an error, by gRPC status code name.',
      labelNames: ['model', 'version', 'code'],
      registers,
    });
    this.#currentRequests = new Gauge({
      name: 'ovms_current_requests',
      help: 'Number of inference requests currently in process.',
      labelNames: ['name', 'version'],
      registers,
    });
    this.#pending = new Gauge({
      name: 'demux_jobs_pending',
      help: 'Jobs waiting in a model version\'s queue, not yet delivered to a worker (JetStream consumer num_pending), read at scrape time.',
      labelNames: ['model', 'version'],
      registers,
      collect: () => this.#readQueues(),
    });
  }

  /**
   * The model versions this scheduler publishes jobs for: their series start at zero, so the
   * first job shows as an increase, and their queue depth is read at every scrape.
   */
  publishingTo(models: ModelRef[], queues: JobQueues): void {
    for (const model of models) {
      const labels = jobLabels(model);
      this.#jobsInFlight.set(labels, 0);
      for (const outcome of ['ok', 'error']) this.#latency.zero({ ...labels, outcome });
    }
    this.#queues = { source: queues, models };
  }

  /** Counts a request to an endpoint as in process; call the returned function when it ends. */
  requestStarted(endpoint: { name: string; version: number }): () => void {
    const labels = { name: endpoint.name, version: String(endpoint.version) };
    this.#currentRequests.inc(labels);
    return () => this.#currentRequests.dec(labels);
  }

  /** Counts a job as in flight; call the returned function with its error, if any, when it is answered. */
  jobStarted(target: ModelRef): (error?: unknown) => void {
    const labels = jobLabels(target);
    const started = performance.now();
    this.#jobsInFlight.inc(labels);
    return (error) => {
      this.#jobsInFlight.dec(labels);
      this.#latency.observe({ ...labels, outcome: error === undefined ? 'ok' : 'error' }, (performance.now() - started) / 1000);
      if (error !== undefined) this.#failures.inc({ ...labels, code: StatusCode[DemuxError.from(error).code] });
    };
  }

  /** A queue whose depth does not come in time is left out of this scrape rather than reported stale. */
  async #readQueues(): Promise<void> {
    this.#pending.reset();
    const queues = this.#queues;
    if (!queues) return;
    await Promise.all(
      queues.models.map(async (model) => {
        const depth = await within(this.#pendingTimeoutMs, queues.source.pending(model));
        if (depth !== undefined) this.#pending.set(jobLabels(model), depth);
      }),
    );
  }
}

/** The value, or undefined if it fails or does not come within `ms`: a scrape must not hang on a slow broker. */
function within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => resolve(value),
      () => resolve(undefined),
    ).finally(() => clearTimeout(timer));
  });
}
