import { randomUUID } from 'node:crypto';
import { freePort, type TestNats } from './nats-server.js';
import { startService, type ServiceProcess } from './services.js';

/** How the services of a test stack talk: separate processes on NATS, or one process in-process. */
export type StackMode = 'nats' | 'in-process';

export interface TestStack {
  /** host:port of the gateway's public gRPC APIs. */
  grpcAddress: string;
  /** Base URL of the gateway's REST APIs (TFS, KServe v2, /metrics), `http://host:port`. */
  restAddress: string;
  processes: ServiceProcess[];
  /** Stops every process with SIGTERM and waits for them. */
  stop(): Promise<void>;
}

export interface TestStackOptions {
  configPath: string;
  /** The config the workers of a NATS stack read, where it must differ from the scheduler's (a model the two disagree on). */
  workerConfigPath?: string;
  workers?: number;
  /** Extra gateway flags (limits). */
  gatewayArgs?: string[];
}

/** A stack of separate processes on NATS, whose workers a test may stop and add to. */
export interface NatsTestStack extends TestStack {
  /** Every worker started, in order; those a test stopped stay listed. */
  workers: ServiceProcess[];
  /** URLs of the scheduler's /metrics and of each worker's, in the order of `workers`. */
  metricsUrls: { scheduler: string; workers: string[] };
  /** Starts one more worker on the stack's job stream and resolves once it is ready; stop() ends it too. */
  startWorker(): Promise<ServiceProcess>;
}

async function stopAll(processes: ServiceProcess[]): Promise<void> {
  for (const process of processes) process.kill('SIGTERM');
  await Promise.all(processes.map((process) => process.exited));
}

/** The services as Kubernetes runs them: each its own process, on NATS JetStream, with their own job stream. */
export async function startNatsStack(nats: TestNats, options: TestStackOptions): Promise<NatsTestStack> {
  const unique = randomUUID().replaceAll('-', '').slice(0, 12);
  const stream = ['--nats', nats.url, '--nats_stream', `DEMUX_E2E_${unique}`, '--nats_subject_prefix', `demux.e2e.${unique}`];
  const [schedulerPort, gatewayPort, schedulerMetricsPort] = [await freePort(), await freePort(), await freePort()];
  const config = ['--config_path', options.configPath];
  const workerConfig = ['--config_path', options.workerConfigPath ?? options.configPath];
  const restPort = await freePort();
  const metricsUrl = (port: number): string => `http://127.0.0.1:${port}/metrics`;
  const metricsUrls = { scheduler: metricsUrl(schedulerMetricsPort), workers: [] as string[] };
  const workers: ServiceProcess[] = [];
  const startWorkerProcess = async (): Promise<ServiceProcess> => {
    const metricsPort = await freePort();
    const worker = startService('worker', [...workerConfig, ...stream, '--threads', '1', '--metrics_port', String(metricsPort)]);
    workers.push(worker);
    metricsUrls.workers.push(metricsUrl(metricsPort));
    return worker;
  };
  for (let i = 0; i < (options.workers ?? 2); i++) await startWorkerProcess();
  const processes = [
    ...workers,
    startService('scheduler', [...config, ...stream, '--port', String(schedulerPort), '--metrics_port', String(schedulerMetricsPort)]),
    startService('gateway', ['--port', String(gatewayPort), '--rest_port', String(restPort), '--scheduler', `127.0.0.1:${schedulerPort}`, ...(options.gatewayArgs ?? [])]),
  ];
  try {
    await Promise.all([
      ...processes.slice(0, -2).map((worker) => worker.waitForLog('worker ready', 60_000)),
      processes.at(-2)!.waitForLog('scheduler serving', 60_000),
      processes.at(-1)!.waitForLog('gateway serving', 60_000),
    ]);
  } catch (error) {
    await stopAll(processes);
    throw error;
  }
  return {
    grpcAddress: `127.0.0.1:${gatewayPort}`,
    restAddress: `http://127.0.0.1:${restPort}`,
    processes,
    workers,
    metricsUrls,
    stop: () => stopAll(processes),
    async startWorker() {
      const worker = await startWorkerProcess();
      processes.push(worker);
      await worker.waitForLog('worker ready', 60_000);
      return worker;
    },
  };
}

/** `pnpm start` without NATS: every role in one process on the in-process transport. */
export async function startEmbeddedStack(options: TestStackOptions): Promise<TestStack> {
  const [port, restPort] = [await freePort(), await freePort()];
  const stack = startService(
    'stack',
    ['--config_path', options.configPath, '--port', String(port), '--rest_port', String(restPort), '--workers', String(options.workers ?? 2)],
    { NATS_URL: '' },
  );
  try {
    await stack.waitForLog('stack started', 60_000);
  } catch (error) {
    await stopAll([stack]);
    throw error;
  }
  return { grpcAddress: `127.0.0.1:${port}`, restAddress: `http://127.0.0.1:${restPort}`, processes: [stack], stop: () => stopAll([stack]) };
}

/**
 * The two ways an end-to-end suite runs the stack, for `describe.each`: separate processes on
 * NATS (the broker given by `nats()`, read when the suite starts) and one embedded process.
 */
export function stackModes(nats: () => TestNats, options: TestStackOptions): [string, () => Promise<TestStack>][] {
  return [
    ['NATS JetStream, one process per service', () => startNatsStack(nats(), options)],
    ['in-process, one process for the stack', () => startEmbeddedStack(options)],
  ];
}
