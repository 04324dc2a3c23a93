import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Written by `pnpm models`, which `pnpm test` runs before the tests. */
export const MODELS_DIR = join(REPO_ROOT, 'models');

/** A config.json in a temporary directory, serving the named generated models, with extra model settings by name. */
export function writeConfig(models: string[], extra: Record<string, unknown> = {}, settings: Record<string, object> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'demux-config-'));
  const path = join(dir, 'config.json');
  const config = {
    model_config_list: models.map((name) => ({ config: { name, base_path: join(MODELS_DIR, name), ...settings[name] } })),
    ...extra,
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** A service started as its own process, as it runs in Kubernetes, with its log kept for failures. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly log: () => string;
  /** Resolves once a log line contains `text`. */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

export function startService(name: 'worker' | 'scheduler' | 'gateway' | 'stack', args: string[], env: NodeJS.ProcessEnv = {}): ServiceProcess {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'services', name, 'dist', 'main.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return {
    child,
    log: () => output,
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
    waitForLog: (text, timeoutMs = 30_000) =>
      new Promise<void>((resolveWait, reject) => {
        const check = (): void => {
          if (output.includes(text)) {
            done();
            resolveWait();
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`"${text}" not logged within ${timeoutMs} ms; log:\n${output}`));
        }, timeoutMs);
        const onExit = (): void => {
          done();
          reject(new Error(`${name} exited before logging "${text}"; log:\n${output}`));
        };
        function done(): void {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        }
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
  };
}
