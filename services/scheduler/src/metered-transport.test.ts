import { DemuxError, type Job, type JobTransport, type Tensor } from '@demux/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MeteredTransport } from './metered-transport.js';
import { SchedulerMetrics } from './metrics.js';

function job(model: string): Job {
  return { node: model, model, version: 1, inputs: [], outputs: [] };
}

/** A transport whose jobs are answered by `answer`; nothing else of it is used. */
function fakeTransport(answer: (job: Job) => Promise<Tensor[]>): JobTransport {
  return {
    kind: 'in-process',
    connected: true,
    submit: (submitted) => answer(submitted),
    serve: () => {
      throw new Error('a scheduler never serves');
    },
    liveWorkers: () => 1,
    pending: async () => 0,
    close: async () => {},
  };
}

const submitOptions = { requestId: 'r', item: '', deadlineMs: Date.now() + 10_000 };

function metered(answer: (job: Job) => Promise<Tensor[]>): { transport: MeteredTransport; registry: Registry } {
  const registry = new Registry();
  return { transport: new MeteredTransport(fakeTransport(answer), new SchedulerMetrics(registry)), registry };
}

describe('MeteredTransport', () => {
  it('records the latency of each job by model, version and outcome, and its failure by status code', async () => {
    const { transport, registry } = metered(async (submitted) => {
      if (submitted.model === 'broken') throw DemuxError.invalidArgument('bad input');
      return [];
    });
    await transport.submit(job('dummy'), submitOptions);
    await transport.submit(job('dummy'), submitOptions);
    await expect(transport.submit(job('broken'), submitOptions)).rejects.toThrow('bad input');

    const latency = await registry.getSingleMetricAsString('demux_job_latency_seconds');
    expect(latency).toContain('demux_job_latency_seconds_count{model="dummy",version="1",outcome="ok"} 2');
    expect(latency).toContain('demux_job_latency_seconds_count{model="broken",version="1",outcome="error"} 1');
    expect(await registry.getSingleMetricAsString('demux_job_failures_total')).toContain(
      'demux_job_failures_total{model="broken",version="1",code="INVALID_ARGUMENT"} 1',
    );
  });

  it('counts a job in flight until its reply comes', async () => {
    let reply!: (outputs: Tensor[]) => void;
    const { transport, registry } = metered(() => new Promise((resolve) => (reply = resolve)));
    const answer = transport.submit(job('dummy'), submitOptions);
    expect(await registry.getSingleMetricAsString('demux_jobs_in_flight')).toContain('demux_jobs_in_flight{model="dummy",version="1"} 1');
    reply([]);
    await answer;
    expect(await registry.getSingleMetricAsString('demux_jobs_in_flight')).toContain('demux_jobs_in_flight{model="dummy",version="1"} 0');
  });

  it('passes the outputs and the error of the transport through unchanged', async () => {
    const outputs: Tensor[] = [{ name: 'a', dtype: 'FP32', shape: [1], data: new Uint8Array(4) }];
    const refused = DemuxError.resourceExhausted('too large');
    const { transport } = metered(async (submitted) => {
      if (submitted.model === 'large') throw refused;
      return outputs;
    });
    expect(await transport.submit(job('dummy'), submitOptions)).toBe(outputs);
    await expect(transport.submit(job('large'), submitOptions)).rejects.toBe(refused);
  });
});
