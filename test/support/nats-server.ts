import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A NATS server with JetStream for one test file: `NATS_URL` if set, else one we start ourselves. */
export interface TestNats {
  url: string;
  /** Stops the server (only one we started); a test of broker loss calls it. */
  stop(): Promise<void>;
  /** Starts it again on the same port, keeping its store. */
  restart(): Promise<void>;
  /** Stops it for good and removes its store. */
  close(): Promise<void>;
  readonly ownServer: boolean;
}

const NATS_SERVER_PATHS = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function waitForListening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${output}`));
    });
  });
}

/** Starts a private nats-server with JetStream on a free port. */
export async function startNatsServer(): Promise<TestNats> {
  const binary = NATS_SERVER_PATHS.find((path) => existsSync(path)) ?? 'nats-server';
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'demux-nats-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitForListening(child);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    ownServer: true,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      rmSync(store, { recursive: true, force: true });
    },
  };
}

/**
 * The broker for a test: `NATS_URL` when set (CI's or the machine's server), else a private
 * nats-server. Tests keep apart by unique stream names and subjects, never by server.
 */
export async function testNats(): Promise<TestNats> {
  const url = process.env.NATS_URL;
  if (url) {
    const refuse = async (): Promise<void> => {
      throw new Error('cannot stop a shared NATS server named by NATS_URL');
    };
    return { url, ownServer: false, stop: refuse, restart: refuse, close: async () => {} };
  }
  return startNatsServer();
}
