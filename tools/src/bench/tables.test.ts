import { describe, expect, it } from 'vitest';
import type { LevelResult } from './statistics.js';
import { renderTables } from './tables.js';
import type { Series } from './targets.js';

function level(concurrency: number, itemsPerSecond: number, p50Ms: number, p99Ms: number): LevelResult {
  return { concurrency, itemsPerSecond, requestsPerSecond: itemsPerSecond / 8, p50Ms, p90Ms: p50Ms, p99Ms, windows: 3, stable: true };
}

describe('renderTables', () => {
  it('writes a row per configuration with throughput and latency at each concurrency measured', () => {
    const series: Series[] = [
      { workload: 'resnet-b8', configuration: 'raw, 1 session', kind: 'raw', itemsPerRequest: 8, levels: [level(1, 42.06, 184.4, 243)] },
      { workload: 'resnet-b8', configuration: 'Demux embedded', kind: 'stack', mode: 'embedded', itemsPerRequest: 8, levels: [level(1, 32.9, 238, 305), level(4, 34.6, 940, 1206.4)] },
    ];
    const markdown = renderTables(series, [], [1, 4]);
    expect(markdown).toContain('| configuration | c=1 | c=4 |');
    expect(markdown).toContain('| raw, 1 session | 42.1 (184 / 243) |  |');
    expect(markdown).toContain('| Demux embedded | 32.9 (238 / 305) | 34.6 (940 / 1206) |');
  });

  it('lists every target with its verdict', () => {
    const markdown = renderTables([], [{ name: 'wait-bound embedded', value: 0.98, goal: 'at least', threshold: 0.9, met: true, detail: '92 / (2 × 46)' }], [16]);
    expect(markdown).toContain('| wait-bound embedded — 92 / (2 × 46) | 0.98 | ≥ 0.9 | MET |');
  });
});
