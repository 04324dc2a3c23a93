import { randomUUID } from 'node:crypto';
import { freePort, type TestNats } from './nats-server.js';
import { startService, type ServiceProcess } from './services.js';

/** How the services of a test stack talk: separate processes on NATS, or one process in-process. */
export type StackMode = 'nats' | 'in-process';

export interface TestStack {
  /** host:port of the gateway's public gRPC APIs. */
  grpcAddress: string;
  processes: ServiceProcess[];
  /** Stops every process with SIGTERM and waits for them. */
  stop(): Promise<void>;
}

export interface TestStackOptions {
  configPath: string;
  workers?: number;
  /** Extra gateway flags (limits). */
  gatewayArgs?: string[];
}

async function stopAll(processes: ServiceProcess[]): Promise<void> {
  for (const process of processes) process.kill('SIGTERM');
  await Promise.all(processes.map((process) => process.exited));
}

/** The services as Kubernetes runs them: each its own process, on NATS JetStream, with their own job stream. */
export async function startNatsStack(nats: TestNats, options: TestStackOptions): Promise<TestStack> {
  const unique = randomUUID().replaceAll('-', '').slice(0, 12);
  const stream = ['--nats', nats.url, '--nats_stream', `DEMUX_E2E_${unique}`, '--nats_subject_prefix', `demux.e2e.${unique}`];
  const [schedulerPort, gatewayPort] = [await freePort(), await freePort()];
  const config = ['--config_path', options.configPath];
  const processes = [
    ...Array.from({ length: options.workers ?? 2 }, () => startService('worker', [...config, ...stream, '--threads', '1'])),
    startService('scheduler', [...config, ...stream, '--port', String(schedulerPort)]),
    startService('gateway', ['--port', String(gatewayPort), '--rest_port', '0', '--scheduler', `127.0.0.1:${schedulerPort}`, ...(options.gatewayArgs ?? [])]),
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
  return { grpcAddress: `127.0.0.1:${gatewayPort}`, processes, stop: () => stopAll(processes) };
}

/** `pnpm start` without NATS: every role in one process on the in-process transport. */
export async function startEmbeddedStack(options: TestStackOptions): Promise<TestStack> {
  const port = await freePort();
  const stack = startService(
    'stack',
    ['--config_path', options.configPath, '--port', String(port), '--rest_port', '0', '--workers', String(options.workers ?? 2)],
    { NATS_URL: '' },
  );
  try {
    await stack.waitForLog('stack started', 60_000);
  } catch (error) {
    await stopAll([stack]);
    throw error;
  }
  return { grpcAddress: `127.0.0.1:${port}`, processes: [stack], stop: () => stopAll([stack]) };
}
