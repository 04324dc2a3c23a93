import type { LevelResult } from './statistics.js';
import type { Series, Target } from './targets.js';
import { SWEPT_WORKLOADS } from './workloads.js';

/** What each table reads: images through ResNet, requests of the tiny model. */
type Rate = 'items' | 'requests';
const RATES: Record<string, { rate: Rate; what: string }> = {
  'resnet-b1': { rate: 'items', what: '`resnet50DAG`, images/s' },
  'resnet-b8': { rate: 'items', what: '`resnet50DAG`, images/s' },
  tiny: { rate: 'requests', what: '`dummy`, requests/s' },
};

function figure(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function cell(level: LevelResult | undefined, rate: Rate): string {
  if (!level) return '';
  return `${figure(rate === 'requests' ? level.requestsPerSecond : level.itemsPerSecond)} (${figure(level.p50Ms)} / ${figure(level.p99Ms)})`;
}

/** The results as README's Markdown tables: a row per configuration, a column per concurrency. */
export function renderTables(series: readonly Series[], targets: readonly Target[], concurrencies: readonly number[]): string {
  const out: string[] = [];
  for (const [workload, title] of Object.entries(SWEPT_WORKLOADS)) {
    const rows = series.filter((entry) => entry.workload === workload);
    if (rows.length === 0) continue;
    const { rate, what } = RATES[workload]!;
    out.push(`${title} (${what}) — each cell: throughput (p50 / p99 ms)`, '', `| configuration | ${concurrencies.map((c) => `c=${c}`).join(' | ')} |`, `|---|${concurrencies.map(() => '---').join('|')}|`);
    for (const entry of rows) {
      out.push(`| ${entry.configuration} | ${concurrencies.map((c) => cell(entry.levels.find((level) => level.concurrency === c), rate)).join(' | ')} |`);
    }
    out.push('');
  }
  const waits = series.filter((entry) => entry.workload === 'wait');
  if (waits.length > 0) {
    const workers = [...new Set(waits.map((entry) => entry.workers ?? 1))].sort((a, b) => a - b);
    const modes = [...new Set(waits.map((entry) => entry.mode))];
    out.push('wait-bound model (`dummy` + 20 ms device wait), concurrency 16 (requests/s)', '', `| workers | ${workers.join(' | ')} |`, `|---|${workers.map(() => '---').join('|')}|`);
    for (const mode of modes) {
      const byWorkers = (count: number): Series | undefined => waits.find((entry) => entry.mode === mode && (entry.workers ?? 1) === count);
      out.push(`| Demux ${mode} | ${workers.map((count) => cell(byWorkers(count)?.levels[0], 'requests')).join(' | ')} |`);
    }
    out.push('');
  }
  if (targets.length > 0) {
    out.push('| target (issue 6) | measured | goal | |', '|---|---|---|---|');
    for (const target of targets) {
      out.push(`| ${target.name} — ${target.detail} | ${target.value.toFixed(2)} | ${target.goal === 'at least' ? '≥' : '≤'} ${target.threshold} | ${target.met ? 'MET' : 'MISSED'} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
