import { DemuxError, modelKey, type ModelRef } from '@demux/core';

export interface AdmissionLimits {
  /** Requests one scheduler runs at once. */
  maxRequests: number;
  /** Jobs of one model version in flight (queued or running) from this scheduler. */
  maxJobsPerModel: number;
}

/**
 * Bounded work: past a limit a request is refused at once with RESOURCE_EXHAUSTED, so load
 * beyond what the workers can take never turns into unbounded queues and memory.
 */
export class Admission {
  #requests = 0;
  readonly #jobs = new Map<string, number>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** Takes a request slot; call the returned function when the request ends. */
  admitRequest(): () => void {
    if (this.#requests >= this.limits.maxRequests) {
      throw DemuxError.resourceExhausted(`the scheduler is running its maximum of ${this.limits.maxRequests} requests; retry later`);
    }
    this.#requests++;
    return once(() => this.#requests--);
  }

  /** Takes a job slot of a model version; call the returned function when the job is answered. */
  admitJob(model: ModelRef): () => void {
    const key = modelKey(model);
    const jobs = this.#jobs.get(key) ?? 0;
    if (jobs >= this.limits.maxJobsPerModel) {
      throw DemuxError.resourceExhausted(
        `model ${model.model} version ${model.version} has its maximum of ${this.limits.maxJobsPerModel} jobs in flight; retry later`,
      );
    }
    this.#jobs.set(key, jobs + 1);
    return once(() => {
      const left = (this.#jobs.get(key) ?? 1) - 1;
      if (left === 0) this.#jobs.delete(key);
      else this.#jobs.set(key, left);
    });
  }
}

function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}
