import { describe, expect, it } from 'vitest';
import { isStable, summarize, type Window } from './statistics.js';

const window = (items: number, latenciesMs: number[], durationMs = 1000): Window => ({ durationMs, requests: latenciesMs.length, items, latenciesMs });

describe('isStable', () => {
  it('is not stable before three windows', () => {
    expect(isStable([100, 100])).toBe(false);
  });

  it('is stable when the last three throughputs lie within ±10 % of their mean', () => {
    expect(isStable([10, 50, 95, 100, 105])).toBe(true);
  });

  it('is not stable when one of the last three strays beyond 10 % of their mean', () => {
    expect(isStable([100, 100, 130])).toBe(false);
  });

  it('is not stable when nothing completed', () => {
    expect(isStable([0, 0, 0])).toBe(false);
  });
});

describe('summarize', () => {
  it('takes throughput and percentiles over the last three windows only', () => {
    const windows = [window(1000, [1000]), window(10, [1, 2]), window(20, [3, 4]), window(30, [5, 6, 7, 8, 9, 10, 11])];
    const level = summarize(4, windows, true);
    expect(level.itemsPerSecond).toBeCloseTo(20);
    expect(level.requestsPerSecond).toBeCloseTo(11 / 3);
    expect(level.p50Ms).toBe(6);
    expect(level.p90Ms).toBeCloseTo(10);
    expect(level.p99Ms).toBeCloseTo(10.9);
    expect(level).toMatchObject({ concurrency: 4, windows: 4, stable: true });
  });

  it('refuses a level where no request completed', () => {
    expect(() => summarize(1, [window(0, [])], false)).toThrow(/no request completed/);
  });
});
