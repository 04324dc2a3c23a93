import type { ModelRef } from '@demux/core';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SchedulerMetrics } from './metrics.js';

describe('SchedulerMetrics', () => {
  it('reads the depth of every queue at each scrape', async () => {
    const registry = new Registry();
    const metrics = new SchedulerMetrics(registry);
    const depths = new Map([['dummy', 3], ['resnet', 0]]);
    metrics.publishingTo(
      [
        { model: 'dummy', version: 1 },
        { model: 'resnet', version: 2 },
      ],
      { pending: async (target: ModelRef) => depths.get(target.model)! },
    );
    const first = await registry.getSingleMetricAsString('demux_jobs_pending');
    expect(first).toContain('demux_jobs_pending{model="dummy",version="1"} 3');
    expect(first).toContain('demux_jobs_pending{model="resnet",version="2"} 0');
    depths.set('dummy', 1);
    expect(await registry.getSingleMetricAsString('demux_jobs_pending')).toContain('demux_jobs_pending{model="dummy",version="1"} 1');
  });

  it('starts the series of the model versions it publishes to at zero', async () => {
    const registry = new Registry();
    new SchedulerMetrics(registry).publishingTo([{ model: 'dummy', version: 1 }], { pending: async () => 0 });
    const text = await registry.metrics();
    expect(text).toContain('demux_jobs_in_flight{model="dummy",version="1"} 0');
    expect(text).toContain('demux_job_latency_seconds_count{model="dummy",version="1",outcome="error"} 0');
  });

  it('leaves out a queue whose depth fails or does not come in time, without holding up the scrape', async () => {
    const registry = new Registry();
    const metrics = new SchedulerMetrics(registry, { pendingTimeoutMs: 50 });
    const depth = (target: ModelRef): Promise<number> => {
      if (target.model === 'slow') return new Promise(() => {});
      if (target.model === 'gone') return Promise.reject(new Error('no such stream'));
      return Promise.resolve(2);
    };
    metrics.publishingTo(['slow', 'gone', 'dummy'].map((model) => ({ model, version: 1 })), { pending: depth });
    const started = performance.now();
    const text = await registry.metrics();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(text).toContain('demux_jobs_pending{model="dummy",version="1"} 2');
    expect(text).not.toContain('demux_jobs_pending{model="slow"');
    expect(text).not.toContain('demux_jobs_pending{model="gone"');
  });

  it('counts the requests in process per endpoint', async () => {
    const registry = new Registry();
    const metrics = new SchedulerMetrics(registry);
    const first = metrics.requestStarted({ name: 'resnet50DAG', version: 1 });
    const second = metrics.requestStarted({ name: 'resnet50DAG', version: 1 });
    expect(await registry.getSingleMetricAsString('ovms_current_requests')).toContain('ovms_current_requests{name="resnet50DAG",version="1"} 2');
    first();
    second();
    expect(await registry.getSingleMetricAsString('ovms_current_requests')).toContain('ovms_current_requests{name="resnet50DAG",version="1"} 0');
  });
});
