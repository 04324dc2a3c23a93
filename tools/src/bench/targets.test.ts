import { describe, expect, it } from 'vitest';
import type { LevelResult } from './statistics.js';
import { evaluateTargets, type Series } from './targets.js';

function level(concurrency: number, itemsPerSecond: number, p50Ms = 10): LevelResult {
  return { concurrency, itemsPerSecond, requestsPerSecond: itemsPerSecond, p50Ms, p90Ms: p50Ms, p99Ms: p50Ms, windows: 3, stable: true };
}

function series(entry: Omit<Series, 'itemsPerRequest'>): Series {
  return { itemsPerRequest: 1, ...entry };
}

describe('evaluateTargets', () => {
  it('compares the stack at saturation with the best raw configuration', () => {
    const [target] = evaluateTargets([
      series({ workload: 'resnet-b1', configuration: 'raw a', kind: 'raw', levels: [level(1, 40)] }),
      series({ workload: 'resnet-b1', configuration: 'raw b', kind: 'raw', levels: [level(2, 50)] }),
      series({ workload: 'resnet-b1', configuration: 'stack', kind: 'stack', mode: 'embedded', levels: [level(1, 20), level(16, 48), level(8, 47)] }),
    ]);
    expect(target).toMatchObject({ value: 0.96, met: true, threshold: 0.95 });
    expect(target!.detail).toContain('raw b');
  });

  it('takes the added latency against the one-thread raw inference at concurrency 1', () => {
    const targets = evaluateTargets([
      series({ workload: 'resnet-b1', configuration: 'raw 1 thread', kind: 'raw', latencyReference: true, levels: [level(1, 20, 40)] }),
      series({ workload: 'resnet-b1', configuration: 'stack', kind: 'stack', mode: 'embedded', levels: [level(1, 20, 44)] }),
    ]);
    expect(targets.find((target) => target.name.includes('added p50'))).toMatchObject({ value: 4, met: false, goal: 'at most' });
  });

  it('compares batched tiny requests/s with the naive server at concurrency 16', () => {
    const [target] = evaluateTargets([
      series({ workload: 'tiny', configuration: 'naive', kind: 'naive', levels: [level(16, 1000)] }),
      series({ workload: 'tiny', configuration: 'plain', kind: 'stack', mode: 'embedded', batching: false, levels: [level(16, 900)] }),
      series({ workload: 'tiny', configuration: 'batched', kind: 'stack', mode: 'embedded', batching: true, levels: [level(16, 700)] }),
    ]);
    expect(target).toMatchObject({ value: 0.7, met: true });
    expect(evaluateTargets([series({ workload: 'tiny', configuration: 'plain', kind: 'stack', levels: [level(16, 900)] })])).toEqual([]);
  });

  it('scales wait-bound throughput by the number of workers', () => {
    const wait = (workers: number, itemsPerSecond: number): Series =>
      series({ workload: 'wait', configuration: `${workers}`, kind: 'stack', mode: 'embedded', workers, levels: [level(16, itemsPerSecond)] });
    const targets = evaluateTargets([wait(1, 50), wait(2, 100), wait(8, 320)]);
    expect(targets.map((target) => [target.value, target.met])).toEqual([[1, true], [0.8, false]]);
  });
});
