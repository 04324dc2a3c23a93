import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@demux/core';
import type { StackOptions } from './options.js';
import type { RunningStack } from './running-stack.js';

type Service = 'gateway' | 'scheduler' | 'worker';

function serviceMain(service: Service): string {
  return fileURLToPath(new URL(`../../${service}/dist/main.js`, import.meta.url));
}

/**
 * Each role as its own process on NATS, as in Kubernetes; their logs go to this one's output and
 * they run with this one's Node flags (a profiler, heap sizes).
 */
export async function startProcesses(options: StackOptions & { natsUrl: string }, logger: Logger): Promise<RunningStack> {
  const children: ChildProcess[] = [];
  let stopping = false;
  const start = (service: Service, args: string[]): void => {
    const child = spawn(process.execPath, [...process.execArgv, serviceMain(service), ...args, '--log_level', options.logLevel], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NATS_URL: options.natsUrl },
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ service, code, signal }, 'a service exited; stopping the stack');
      void stopAll().then(() => process.exit(1));
    });
    children.push(child);
  };
  const config = ['--config_path', options.configPath];
  const scheduler = `127.0.0.1:${options.schedulerPort}`;
  for (let i = 0; i < options.workers; i++) start('worker', config);
  start('scheduler', [...config, '--port', String(options.schedulerPort)]);
  start('gateway', ['--port', String(options.port), '--rest_port', String(options.restPort), '--scheduler', scheduler]);
  async function stopAll(): Promise<void> {
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
  return { stop: stopAll };
}
