import { DemuxError, type Job, type JobContext, type Tensor } from '@demux/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { WorkerMetrics } from './metrics.js';

const target = { model: 'dummy', version: 1 };
const job: Job = { node: 'dummy', model: 'dummy', version: 1, inputs: [], outputs: [] };
const context = (attempt: number): JobContext => ({ requestId: 'r', item: '', deadlineMs: Date.now() + 10_000, attempt });

function metrics(): { metrics: WorkerMetrics; text: (name: string) => Promise<string> } {
  const registry = new Registry();
  return { metrics: new WorkerMetrics(registry), text: (name) => registry.getSingleMetricAsString(name) };
}

describe('WorkerMetrics', () => {
  it('counts each job by outcome, and the redelivered ones', async () => {
    const { metrics: worker, text } = metrics();
    const handler = worker.counted(target, async (_job, { attempt }) => {
      if (attempt === 3) throw DemuxError.invalidArgument('bad input');
      return [];
    });
    await handler(job, context(1));
    await handler(job, context(2));
    await expect(handler(job, context(3))).rejects.toThrow('bad input');
    const jobs = await text('demux_jobs_total');
    expect(jobs).toContain('demux_jobs_total{model="dummy",version="1",outcome="ok"} 2');
    expect(jobs).toContain('demux_jobs_total{model="dummy",version="1",outcome="error"} 1');
    expect(await text('demux_job_redeliveries_total')).toContain('demux_job_redeliveries_total{model="dummy",version="1"} 2');
  });

  it('counts a job as active while its handler runs', async () => {
    const { metrics: worker, text } = metrics();
    let finish!: (outputs: Tensor[]) => void;
    const running = worker.counted(target, () => new Promise((resolve) => (finish = resolve)))(job, context(1));
    expect(await text('ovms_infer_req_active')).toContain('ovms_infer_req_active{name="dummy",version="1"} 1');
    finish([]);
    await running;
    expect(await text('ovms_infer_req_active')).toContain('ovms_infer_req_active{name="dummy",version="1"} 0');
  });

  it('records each inference time in microseconds', async () => {
    const { metrics: worker, text } = metrics();
    worker.inferred(target, 20);
    worker.inferred(target, 2.5);
    const histogram = await text('ovms_inference_time_us');
    expect(histogram).toContain('ovms_inference_time_us_count{name="dummy",version="1"} 2');
    expect(histogram).toContain('ovms_inference_time_us_sum{name="dummy",version="1"} 22500');
  });

  it('records the rows of each batched run', async () => {
    const { metrics: worker, text } = metrics();
    worker.batched(target, 8);
    worker.batched(target, 3);
    const histogram = await text('demux_batch_size');
    expect(histogram).toContain('demux_batch_size_count{name="dummy",version="1"} 2');
    expect(histogram).toContain('demux_batch_size_sum{name="dummy",version="1"} 11');
  });

  it('counts the jobs dropped past their deadline', async () => {
    const { metrics: worker, text } = metrics();
    worker.expired(target);
    expect(await text('demux_jobs_expired_total')).toContain('demux_jobs_expired_total{model="dummy",version="1"} 1');
  });

  it('starts the series of a model version it serves at zero', async () => {
    const { metrics: worker, text } = metrics();
    worker.serving(target, { slots: 1, threads: 1 });
    expect(await text('demux_jobs_total')).toContain('demux_jobs_total{model="dummy",version="1",outcome="error"} 0');
    expect(await text('demux_jobs_expired_total')).toContain('demux_jobs_expired_total{model="dummy",version="1"} 0');
    expect(await text('ovms_inference_time_us')).toContain('ovms_inference_time_us_count{name="dummy",version="1"} 0');
    expect(await text('ovms_infer_req_active')).toContain('ovms_infer_req_active{name="dummy",version="1"} 0');
  });

  it('adds up the capacity of the workers sharing it', async () => {
    const { metrics: worker, text } = metrics();
    worker.serving(target, { slots: 4, threads: 2 });
    worker.serving(target, { slots: 4, threads: 2 });
    expect(await text('ovms_infer_req_queue_size')).toContain('ovms_infer_req_queue_size{name="dummy",version="1"} 8');
    expect(await text('ovms_streams')).toContain('ovms_streams{name="dummy",version="1"} 4');
  });
});
