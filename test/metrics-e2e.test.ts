import { status } from '@grpc/grpc-js';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNats, type TestNats } from './support/nats-server.js';
import { sampleValue, scrape, type Sample } from './support/prometheus-text.js';
import { MODELS_DIR, writeConfig } from './support/services.js';
import { startEmbeddedStack, startNatsStack, type NatsTestStack, type TestStack } from './support/stack.js';
import { floatTensor, predictRequest, TfsClient } from './support/tfs-client.js';

const MODELS = ['dummy', 'resnet-tiny', 'skewed', 'oversized'];
const IMAGE = 3 * 224 * 224;
// `oversized` takes a fixed batch of 4 images: one job of 2.4 MB, more than NATS' default
// max_payload of 1 MiB, so the scheduler refuses it before any worker sees it.
const oversized = { base_path: join(MODELS_DIR, 'resnet-tiny'), batch_size: '4' };
// The scheduler serves `skewed` as dummy (b [N,10]) while the workers load dummy-3d (b [N,1,10])
// under that name: its jobs pass the scheduler's checks and fail at the worker.
const schedulerConfig = writeConfig(MODELS, {}, { skewed: { base_path: join(MODELS_DIR, 'dummy') }, oversized });
const workerConfig = writeConfig(MODELS, {}, { skewed: { base_path: join(MODELS_DIR, 'dummy-3d') }, oversized });

const ramp = (count: number) => Float32Array.from({ length: count }, (_, i) => i % 256);

let nats: TestNats;
beforeAll(async () => {
  nats = await testNats();
});
afterAll(async () => {
  await nats?.close();
});

describe('on NATS, one process per service', () => {
  let stack: NatsTestStack;
  let client: TfsClient;
  let scheduler: Sample[];
  /** Every worker's samples together: which worker ran a job is the broker's choice. */
  let workers: Sample[];

  beforeAll(async () => {
    stack = await startNatsStack(nats, { configPath: schedulerConfig, workerConfigPath: workerConfig, workers: 2 });
    client = new TfsClient(stack.grpcAddress);

    await client.predict(predictRequest('dummy', { b: floatTensor([3, 10], ramp(30)) }));
    await client.predict(predictRequest('resnet-tiny', { '0': floatTensor([2, 3, 224, 224], ramp(2 * IMAGE)) }));
    await expect(client.predict(predictRequest('skewed', { b: floatTensor([1, 10], ramp(10)) }))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    await expect(client.predict(predictRequest('oversized', { '0': floatTensor([4, 3, 224, 224], ramp(4 * IMAGE)) }))).rejects.toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringContaining('max_payload'),
    });

    scheduler = await scrape(stack.metricsUrls.scheduler);
    workers = (await Promise.all(stack.metricsUrls.workers.map((url) => scrape(url)))).flat();
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  describe('scheduler /metrics', () => {
    it('times every item job to its reply, by model and outcome', () => {
      const count = (model: string, outcome: string) => sampleValue(scheduler, 'demux_job_latency_seconds_count', { model, version: '1', outcome });
      expect(count('dummy', 'ok')).toBe(3);
      expect(count('resnet-tiny', 'ok')).toBe(2);
      expect(count('skewed', 'error')).toBe(1);
      expect(count('oversized', 'error')).toBe(1);
      expect(count('dummy', 'error')).toBe(0);
    });

    it('counts failed jobs by status code: refused by the broker, or failed at the worker', () => {
      expect(sampleValue(scheduler, 'demux_job_failures_total', { model: 'skewed', code: 'INVALID_ARGUMENT' })).toBe(1);
      expect(sampleValue(scheduler, 'demux_job_failures_total', { model: 'oversized', code: 'RESOURCE_EXHAUSTED' })).toBe(1);
    });

    it("reports every model's queue depth, and nothing left in flight", () => {
      for (const model of MODELS) expect(sampleValue(scheduler, 'demux_jobs_pending', { model, version: '1' })).toBe(0);
      expect(sampleValue(scheduler, 'demux_jobs_in_flight')).toBe(0);
      expect(sampleValue(scheduler, 'ovms_current_requests', { name: 'dummy', version: '1' })).toBe(0);
    });

    it("includes the process's own metrics", () => {
      expect(sampleValue(scheduler, 'process_cpu_seconds_total')).toBeGreaterThan(0);
      expect(sampleValue(scheduler, 'nodejs_eventloop_lag_seconds')).toBeDefined();
    });
  });

  describe('worker /metrics', () => {
    it('times each inference it ran, by model', () => {
      expect(sampleValue(workers, 'ovms_inference_time_us_count', { name: 'dummy', version: '1' })).toBe(3);
      expect(sampleValue(workers, 'ovms_inference_time_us_count', { name: 'resnet-tiny', version: '1' })).toBe(2);
      expect(sampleValue(workers, 'ovms_inference_time_us_sum', { name: 'resnet-tiny', version: '1' })).toBeGreaterThan(0);
    });

    it('counts the jobs it answered by outcome, and never saw the job the scheduler refused', () => {
      expect(sampleValue(workers, 'demux_jobs_total', { model: 'dummy', outcome: 'ok' })).toBe(3);
      expect(sampleValue(workers, 'demux_jobs_total', { model: 'skewed', outcome: 'error' })).toBe(1);
      expect(sampleValue(workers, 'ovms_inference_time_us_count', { name: 'skewed' })).toBe(0);
      expect(sampleValue(workers, 'demux_jobs_total', { model: 'oversized' })).toBe(0);
      expect(sampleValue(workers, 'demux_jobs_expired_total')).toBe(0);
    });

    it('reports its inference slots and threads per model', () => {
      // Two slots per inference thread: one job running, the next waiting at its thread.
      expect(sampleValue(workers, 'ovms_infer_req_queue_size', { name: 'dummy', version: '1' })).toBe(4);
      expect(sampleValue(workers, 'ovms_streams', { name: 'dummy', version: '1' })).toBe(2);
      expect(sampleValue(workers, 'ovms_infer_req_active')).toBe(0);
    });
  });
});

describe('embedded, every role in one process', () => {
  let stack: TestStack;
  let client: TfsClient;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ configPath: writeConfig(['dummy']) });
    client = new TfsClient(stack.grpcAddress);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it("shows the gateway's, the scheduler's and the workers' metrics at the gateway's /metrics", async () => {
    await client.predict(predictRequest('dummy', { b: floatTensor([3, 10], ramp(30)) }));
    const samples = await scrape(`${stack.restAddress}/metrics`);
    expect(sampleValue(samples, 'ovms_requests_success', { name: 'dummy', method: 'Predict' })).toBe(1);
    expect(sampleValue(samples, 'demux_job_latency_seconds_count', { model: 'dummy', outcome: 'ok' })).toBe(3);
    expect(sampleValue(samples, 'ovms_inference_time_us_count', { name: 'dummy' })).toBe(3);
    expect(sampleValue(samples, 'demux_jobs_pending', { model: 'dummy' })).toBe(0);
    // The two workers share the process's metrics: their inference threads add up.
    expect(sampleValue(samples, 'ovms_streams', { name: 'dummy' })).toBe(2 * availableParallelism());
  });
});
