import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';

export interface StackProcess {
  port: number;
  /** The gateway's /metrics, where every role's metrics are (embedded mode only). */
  metricsUrl: string | undefined;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** `node services/stack/dist/main.js`: embedded when natsUrl is undefined, one process per role on NATS otherwise. */
export async function startStack(configPath: string, workers: number, natsUrl: string | undefined): Promise<StackProcess> {
  const [port, restPort, schedulerPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [resolve('services/stack/dist/main.js'), '--config_path', configPath, '--port', String(port), '--rest_port', String(restPort),
      '--scheduler_port', String(schedulerPort), '--workers', String(workers), '--log_level', 'warn'],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NATS_URL: natsUrl ?? '' } },
  );
  const exited = once(child, 'exit');
  return {
    port,
    metricsUrl: natsUrl ? undefined : `http://127.0.0.1:${restPort}/metrics`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Retries `probe` until it succeeds: the stack refuses requests until its workers have loaded; a malformed request fails at once. */
export async function waitUntilServing(probe: () => Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline || (error as { code?: number }).code === status.INVALID_ARGUMENT) throw error;
      await sleep(200);
    }
  }
}

/** Sum and count of the workers' ovms_inference_time_us histogram, over every label set. */
export async function workerInferenceTotals(metricsUrl: string): Promise<{ sumUs: number; count: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const total = (suffix: string): number =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`ovms_inference_time_us_${suffix}`))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return { sumUs: total('sum'), count: total('count') };
}
