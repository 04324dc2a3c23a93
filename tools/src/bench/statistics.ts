import { percentile } from '../client/statistics.js';

/** What the clients completed in one measurement window. */
export interface Window {
  durationMs: number;
  requests: number;
  items: number;
  latenciesMs: number[];
}

/** One concurrency level, summarised over its last (stable) windows. */
export interface LevelResult {
  concurrency: number;
  itemsPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Windows measured, and whether the last STABLE_WINDOWS agreed within the tolerance. */
  windows: number;
  stable: boolean;
  /** Mean worker inference time over the level, from the stack's /metrics, where scraped. */
  workerInferenceMs?: number | undefined;
}

export const STABLE_WINDOWS = 3;
export const STABLE_TOLERANCE = 0.1;

export function throughput(window: Window): number {
  return (window.items * 1000) / window.durationMs;
}

/**
 * perf_analyzer's rule: the last `count` windows' throughputs each lie within ±tolerance of
 * their mean. Fewer windows than `count` are not stable yet.
 */
export function isStable(throughputs: readonly number[], count = STABLE_WINDOWS, tolerance = STABLE_TOLERANCE): boolean {
  if (throughputs.length < count) return false;
  const last = throughputs.slice(-count);
  const mean = last.reduce((sum, value) => sum + value, 0) / count;
  if (mean === 0) return false;
  return last.every((value) => Math.abs(value - mean) <= tolerance * mean);
}

/** Throughput and latency percentiles over the last STABLE_WINDOWS windows taken together. */
export function summarize(concurrency: number, windows: readonly Window[], stable: boolean): LevelResult {
  const last = windows.slice(-STABLE_WINDOWS);
  const durationMs = last.reduce((sum, window) => sum + window.durationMs, 0);
  const requests = last.reduce((sum, window) => sum + window.requests, 0);
  const items = last.reduce((sum, window) => sum + window.items, 0);
  const latencies = last.flatMap((window) => window.latenciesMs);
  if (latencies.length === 0) throw new RangeError(`concurrency ${concurrency}: no request completed in ${durationMs} ms`);
  return {
    concurrency,
    itemsPerSecond: (items * 1000) / durationMs,
    requestsPerSecond: (requests * 1000) / durationMs,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    windows: windows.length,
    stable,
  };
}
