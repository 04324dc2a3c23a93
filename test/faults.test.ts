/**
 * Nothing lost: real processes and a real NATS server are killed and restarted under load, and
 * every request either succeeds or gets an honest status. Each test prints one
 * `[reliability]` line with its figures, for README's reliability table.
 */
import { randomUUID } from 'node:crypto';
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demux } from '@demux/proto';
import { runLoad, report } from './support/load.js';
import { RESNET50_DAG } from './support/resnet-pipeline.js';
import { freePort, startNatsServer, type TestNats } from './support/nats-server.js';
import { startService, writeConfig, type ServiceProcess } from './support/services.js';
import { floatTensor, predictRequest, TfsClient } from './support/tfs-client.js';

const IMAGE = 3 * 224 * 224;
const configPath = writeConfig(['resnet'], { pipeline_config_list: [RESNET50_DAG] }, { resnet: { batch_size: '1' } });
const images = floatTensor([2, 1, 3, 224, 224], Float32Array.from({ length: 2 * IMAGE }, (_, i) => (i * 7) % 256));
const request = predictRequest('resnet50DAG', { '0': images });

/** A Demux deployment of separate processes on one private NATS server that tests may stop. */
class Cluster {
  readonly workers: ServiceProcess[] = [];
  readonly schedulers: { process: ServiceProcess; port: number }[] = [];
  gateway!: { process: ServiceProcess; port: number };
  readonly #stream: string[];

  constructor(readonly nats: TestNats) {
    const unique = randomUUID().replaceAll('-', '').slice(0, 12);
    this.#stream = ['--nats', nats.url, '--nats_stream', `DEMUX_FAULTS_${unique}`, '--nats_subject_prefix', `demux.faults.${unique}`];
  }

  async startWorker(): Promise<ServiceProcess> {
    const worker = startService('worker', ['--config_path', configPath, ...this.#stream, '--threads', '1', '--ack_wait_ms', '2000']);
    this.workers.push(worker);
    await worker.waitForLog('worker ready', 60_000);
    return worker;
  }

  async startScheduler(...extra: string[]): Promise<number> {
    const port = await freePort();
    const process = startService('scheduler', ['--config_path', configPath, ...this.#stream, '--port', String(port), ...extra]);
    this.schedulers.push({ process, port });
    await process.waitForLog('scheduler serving', 60_000);
    return port;
  }

  async startGateway(...extra: string[]): Promise<TfsClient> {
    const port = await freePort();
    const schedulers = this.schedulers.map((scheduler) => `127.0.0.1:${scheduler.port}`).join(',');
    const process = startService('gateway', ['--port', String(port), '--rest_port', '0', '--scheduler', schedulers, ...extra]);
    this.gateway = { process, port };
    await process.waitForLog('gateway serving', 60_000);
    return new TfsClient(`127.0.0.1:${port}`);
  }

  /** The scheduler's own readiness, asked directly. */
  health(port: number): Promise<demux.HealthResponse> {
    const client = new demux.SchedulerClient(`127.0.0.1:${port}`, credentials.createInsecure());
    return new Promise((resolve, reject) =>
      client.getHealth({}, new Metadata(), { deadline: Date.now() + 2_000 }, (error, response) => {
        client.close();
        return error ? reject(error) : resolve(response);
      }),
    );
  }

  async stop(): Promise<void> {
    const all = [...this.workers, ...this.schedulers.map((s) => s.process), this.gateway?.process].filter((p): p is ServiceProcess => !!p);
    for (const process of all) process.kill('SIGKILL');
    await Promise.all(all.map((process) => process.exited));
  }
}

/** Answered jobs, as a worker that exited reports them. */
function answeredBy(worker: ServiceProcess): number {
  return Number(/"answered":(\d+)/.exec(worker.log())?.[1]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let nats: TestNats;
let cluster: Cluster;
let client: TfsClient;

beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats.close();
});
afterEach(async () => {
  client?.close();
  await cluster?.stop();
});

async function standardCluster(workers = 2, schedulerArgs: string[] = [], gatewayArgs: string[] = []): Promise<void> {
  cluster = new Cluster(nats);
  await Promise.all(Array.from({ length: workers }, () => cluster.startWorker()));
  await cluster.startScheduler(...schedulerArgs);
  client = await cluster.startGateway(...gatewayArgs);
}

describe('faults', () => {
  it('completes every request when a worker is killed with SIGKILL in the middle of its jobs', async () => {
    await standardCluster(3);
    const load = runLoad(24, 6, () => client.predict(request, 30_000));
    await sleep(800);
    cluster.workers[0]!.kill('SIGKILL');
    const tally = await load;
    report('worker killed with SIGKILL', tally);
    expect(tally).toEqual({ sent: 24, succeeded: 24, failed: {}, lost: 0 });
  }, 90_000);

  it('fails no request while every worker is restarted in turn', async () => {
    await standardCluster(2);
    const load = runLoad(30, 4, () => client.predict(request, 30_000));
    for (const old of cluster.workers.slice(0, 2)) {
      await cluster.startWorker();
      old.kill('SIGTERM');
      expect(await old.exited).toBe(0);
    }
    const tally = await load;
    report('rolling restart of all workers', tally);
    expect(tally).toEqual({ sent: 30, succeeded: 30, failed: {}, lost: 0 });
  }, 120_000);

  it('answers DEADLINE_EXCEEDED at the deadline, and workers never run expired or cancelled jobs', async () => {
    await standardCluster(1);
    const [worker] = cluster.workers;
    worker!.kill('SIGTERM');
    await worker!.exited;
    const started = Date.now();
    await expect(client.predict(request, 700)).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
    expect(Date.now() - started).toBeLessThan(3_000);
    const abandoned = client.startPredict(request, 30_000);
    await sleep(300);
    abandoned.cancel();
    await expect(abandoned.response).rejects.toMatchObject({ code: status.CANCELLED });
    await sleep(300);
    const late = await cluster.startWorker();
    await sleep(3_000);
    late.kill('SIGTERM');
    expect(await late.exited).toBe(0);
    // Their jobs were deleted from the queue as the scheduler gave up on them, or dropped by the worker as expired.
    expect(answeredBy(late)).toBe(0);
    report('deadline passed and call cancelled before any worker', { sent: 2, succeeded: 0, failed: { DEADLINE_EXCEEDED: 1, CANCELLED: 1 }, lost: 0 });
  }, 90_000);

  it('refuses work past its bounds with RESOURCE_EXHAUSTED at once', async () => {
    await standardCluster(1, ['--max_requests', '2'], ['--max_batch_size', '4']);
    const started = Date.now();
    const tally = await runLoad(8, 8, () => client.predict(request, 30_000));
    report('8 concurrent requests against --max_requests 2', tally);
    expect(tally.succeeded).toBeGreaterThanOrEqual(2);
    expect(tally.failed).toEqual({ RESOURCE_EXHAUSTED: 8 - tally.succeeded });
    const big = predictRequest('resnet50DAG', { '0': floatTensor([5, 1, 3, 224, 224], new Float32Array(5 * IMAGE)) });
    await expect(client.predict(big)).rejects.toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: expect.stringContaining('more than the maximum of 4') });
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 90_000);

  it('recovers from a NATS restart under load: requests complete or fail UNAVAILABLE, none hangs', async () => {
    await standardCluster(2);
    const schedulerPort = cluster.schedulers[0]!.port;
    const load = runLoad(30, 4, () => client.predict(request, 20_000));
    await sleep(1_000);
    await nats.stop();
    await expect.poll(async () => (await cluster.health(schedulerPort)).ready, { timeout: 5_000 }).toBe(false);
    await sleep(1_000);
    await nats.restart();
    const tally = await load;
    report('NATS server restarted under load', tally);
    expect(tally.lost).toBe(0);
    expect(Object.keys(tally.failed).filter((code) => code !== 'UNAVAILABLE')).toEqual([]);
    await expect.poll(async () => (await cluster.health(schedulerPort)).ready, { timeout: 15_000 }).toBe(true);
    await expect(client.predict(request, 20_000)).resolves.toBeDefined();
  }, 120_000);

  it('routes around a scheduler killed with SIGKILL: its calls get UNAVAILABLE, the rest succeed', async () => {
    cluster = new Cluster(nats);
    await Promise.all([cluster.startWorker(), cluster.startWorker()]);
    await cluster.startScheduler();
    await cluster.startScheduler();
    client = await cluster.startGateway();
    const load = runLoad(30, 6, () => client.predict(request, 30_000));
    await sleep(1_000);
    cluster.schedulers[0]!.process.kill('SIGKILL');
    const tally = await load;
    report('one of two schedulers killed with SIGKILL', tally);
    expect(tally.lost).toBe(0);
    expect(Object.keys(tally.failed).filter((code) => code !== 'UNAVAILABLE')).toEqual([]);
    for (let i = 0; i < 4; i++) await expect(client.predict(request, 30_000)).resolves.toBeDefined();
  }, 120_000);

  it.each(['gateway', 'scheduler'] as const)('lets requests in flight complete when the %s gets SIGTERM', async (service) => {
    await standardCluster(2);
    // Connections and the endpoint's metadata are in place, so the requests go straight through.
    await client.predict(request, 30_000);
    let settled = 0;
    const inFlight = Array.from({ length: 8 }, () => client.predict(request, 30_000).finally(() => settled++));
    await sleep(500);
    const process = service === 'gateway' ? cluster.gateway.process : cluster.schedulers[0]!.process;
    const settledBeforeStop = settled;
    process.kill('SIGTERM');
    const results = await Promise.allSettled(inFlight);
    expect(settledBeforeStop).toBeLessThan(8);
    expect(results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []))).toEqual([]);
    expect(await process.exited).toBe(0);
    report(`SIGTERM to the ${service} with ${8 - settledBeforeStop} requests in flight`, {
      sent: 8,
      succeeded: results.length,
      failed: {},
      lost: 0,
    });
  }, 90_000);
});
