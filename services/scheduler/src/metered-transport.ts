import type { Job, JobHandler, JobServer, JobTransport, ModelRef, ServeOptions, SubmitOptions, Tensor } from '@demux/core';
import type { SchedulerMetrics } from './metrics.js';

/** A job transport whose every submitted job is measured: in flight, latency to its reply, outcome. */
export class MeteredTransport implements JobTransport {
  constructor(
    private readonly transport: JobTransport,
    private readonly metrics: SchedulerMetrics,
  ) {}

  get kind(): JobTransport['kind'] {
    return this.transport.kind;
  }

  get connected(): boolean {
    return this.transport.connected;
  }

  async submit(job: Job, options: SubmitOptions): Promise<Tensor[]> {
    const answered = this.metrics.jobStarted(job);
    try {
      const outputs = await this.transport.submit(job, options);
      answered();
      return outputs;
    } catch (error) {
      answered(error);
      throw error;
    }
  }

  serve(target: ModelRef, handler: JobHandler, options: ServeOptions): JobServer {
    return this.transport.serve(target, handler, options);
  }

  liveWorkers(target: ModelRef): number {
    return this.transport.liveWorkers(target);
  }

  pending(target: ModelRef): Promise<number> {
    return this.transport.pending(target);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
