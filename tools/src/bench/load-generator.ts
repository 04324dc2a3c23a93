import { setTimeout as sleep } from 'node:timers/promises';
import { isStable, summarize, throughput, type LevelResult, type Window } from './statistics.js';

/** Sends one request on behalf of client `client` (0 ≤ client < concurrency) and resolves when answered. */
export type Send = (client: number) => Promise<unknown>;

export interface WindowPlan {
  windowMs: number;
  /** Windows measured at most when throughput does not settle. */
  maxWindows: number;
}

/**
 * A closed loop, as perf_analyzer's concurrency mode: `concurrency` clients each send their next
 * request when the last one is answered. Windows of `windowMs` are measured until the last three
 * agree (or `maxWindows`); a request counts in the window in which its answer arrived.
 */
export async function measureLevel(
  send: Send,
  itemsPerRequest: number,
  concurrency: number,
  plan: WindowPlan,
  onWindow: (window: Window, index: number) => void = () => {},
): Promise<LevelResult> {
  // One request per client first: connections, sessions and JIT warm up outside the windows.
  await Promise.all(Array.from({ length: concurrency }, (_, client) => send(client)));
  let running = true;
  let failure: unknown;
  const fresh = (): Window => ({ durationMs: 0, requests: 0, items: 0, latenciesMs: [] });
  let current = fresh();
  const clients = Array.from({ length: concurrency }, async (_, client) => {
    while (running) {
      const started = performance.now();
      try {
        await send(client);
      } catch (error) {
        failure ??= error;
        running = false;
        return;
      }
      current.requests += 1;
      current.items += itemsPerRequest;
      current.latenciesMs.push(performance.now() - started);
    }
  });
  const windows: Window[] = [];
  try {
    while (windows.length < plan.maxWindows && !isStable(windows.map(throughput))) {
      const started = performance.now();
      current = fresh();
      await sleep(plan.windowMs);
      if (failure !== undefined) break;
      const window = { ...current, durationMs: performance.now() - started };
      current = fresh();
      windows.push(window);
      onWindow(window, windows.length);
    }
  } finally {
    running = false;
    await Promise.all(clients);
  }
  if (failure !== undefined) throw failure;
  return summarize(concurrency, windows, isStable(windows.map(throughput)));
}
