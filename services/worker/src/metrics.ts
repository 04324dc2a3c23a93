import { OVMS_TIME_BUCKETS_US, type JobHandler, type ModelRef } from '@demux/core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type JobLabel = 'model' | 'version';
type OvmsLabel = 'name' | 'version';

/**
 * What a worker measures, per model version: the jobs it answers and how, inference time, and
 * its inference slots, under OpenVINO Model Server's names where OVMS has the same measure. In
 * the embedded stack every worker of the process shares one instance, so the counts add up.
 */
export class WorkerMetrics {
  readonly #inferenceTime: Histogram<OvmsLabel>;
  readonly #jobs: Counter<JobLabel | 'outcome'>;
  readonly #redeliveries: Counter<JobLabel>;
  readonly #expired: Counter<JobLabel>;
  readonly #active: Gauge<OvmsLabel>;
  readonly #slots: Gauge<OvmsLabel>;
  readonly #streams: Gauge<OvmsLabel>;
  readonly #batchSize: Histogram<OvmsLabel>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#inferenceTime = new Histogram({
      name: 'ovms_inference_time_us',
      help: 'Inference execution time in microseconds (a job in its runner pool).',
      labelNames: ['name', 'version'],
      buckets: OVMS_TIME_BUCKETS_US,
      registers,
    });
    this.#jobs = new Counter({
      name: 'demux_jobs_total',
      help: 'Jobs this worker ran and answered, by outcome (ok or error).',
      labelNames: ['model', 'version', 'outcome'],
      registers,
    });
    this.#redeliveries = new Counter({
      name: 'demux_job_redeliveries_total',
      help: 'Jobs run again after a redelivery (their first worker died or did not acknowledge in time).',
      labelNames: ['model', 'version'],
      registers,
    });
    this.#expired = new Counter({
      name: 'demux_jobs_expired_total',
      help: 'Jobs dropped without running because their deadline had passed while they waited.',
      labelNames: ['model', 'version'],
      registers,
    });
    this.#active = new Gauge({
      name: 'ovms_infer_req_active',
      help: 'Number of currently consumed inference request from the processing queue (jobs this worker is running).',
      labelNames: ['name', 'version'],
      registers,
    });
    this.#slots = new Gauge({
      name: 'ovms_infer_req_queue_size',
      help: 'Inference request queue size (nireq): jobs this worker pulls at once.',
      labelNames: ['name', 'version'],
      registers,
    });
    this.#streams = new Gauge({
      name: 'ovms_streams',
      help: 'Number of execution streams: inference threads of this worker.',
      labelNames: ['name', 'version'],
      registers,
    });
    this.#batchSize = new Histogram({
      name: 'demux_batch_size',
      help: 'Rows (sum of dim 0) per inference run of a model version with dynamic batching.',
      labelNames: ['name', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
  }

  /**
   * Records a model version this worker serves: its capacity (jobs pulled at once, inference
   * threads), and every series at zero, so the first job shows as an increase.
   */
  serving(target: ModelRef, capacity: { slots: number; threads: number }): void {
    const labels = jobLabels(target);
    const ovms = ovmsLabels(target);
    this.#slots.inc(ovms, capacity.slots);
    this.#streams.inc(ovms, capacity.threads);
    this.#active.inc(ovms, 0);
    this.#inferenceTime.zero(ovms);
    for (const outcome of ['ok', 'error']) this.#jobs.inc({ ...labels, outcome }, 0);
    this.#redeliveries.inc(labels, 0);
    this.#expired.inc(labels, 0);
  }

  /** The handler, counted: each job's outcome, redeliveries, and the jobs running. */
  counted(target: ModelRef, handler: JobHandler): JobHandler {
    const labels = jobLabels(target);
    const active = ovmsLabels(target);
    return async (job, context) => {
      if (context.attempt > 1) this.#redeliveries.inc(labels);
      this.#active.inc(active);
      try {
        const outputs = await handler(job, context);
        this.#jobs.inc({ ...labels, outcome: 'ok' });
        return outputs;
      } catch (error) {
        this.#jobs.inc({ ...labels, outcome: 'error' });
        throw error;
      } finally {
        this.#active.dec(active);
      }
    };
  }

  /** One `session.run`, timed in its inference thread. */
  inferred(target: ModelRef, ms: number): void {
    this.#inferenceTime.observe(ovmsLabels(target), ms * 1000);
  }

  /** A batched inference run of `rows` rows. */
  batched(target: ModelRef, rows: number): void {
    this.#batchSize.observe(ovmsLabels(target), rows);
  }

  expired(target: ModelRef): void {
    this.#expired.inc(jobLabels(target));
  }
}

function jobLabels(target: ModelRef): Record<JobLabel, string> {
  return { model: target.model, version: String(target.version) };
}

function ovmsLabels(target: ModelRef): Record<OvmsLabel, string> {
  return { name: target.model, version: String(target.version) };
}
