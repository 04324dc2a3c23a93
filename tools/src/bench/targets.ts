import type { LevelResult } from './statistics.js';

/** One configuration measured at one or more concurrency levels. */
export interface Series {
  workload: string;
  configuration: string;
  /** stack: Demux; naive: the single-process server; raw: onnxruntime-node in the benchmark's process. */
  kind: 'stack' | 'naive' | 'raw';
  mode?: 'embedded' | 'nats' | undefined;
  batching?: boolean | undefined;
  workers?: number | undefined;
  /** raw only: one session with one thread, the shape of one worker's inference (latency reference). */
  latencyReference?: boolean | undefined;
  itemsPerRequest: number;
  levels: LevelResult[];
}

export interface Target {
  name: string;
  value: number;
  /** value must be at least (or at most) threshold. */
  goal: 'at least' | 'at most';
  threshold: number;
  met: boolean;
  detail: string;
}

function target(name: string, value: number, goal: Target['goal'], threshold: number, detail: string): Target {
  return { name, value, goal, threshold, met: goal === 'at least' ? value >= threshold : value <= threshold, detail };
}

const best = (series: Series): number => Math.max(...series.levels.map((level) => level.itemsPerSecond));
const at = (series: Series, concurrency: number): LevelResult | undefined => series.levels.find((level) => level.concurrency === concurrency);
const modeName = (series: Series): string => `${series.mode === 'nats' ? 'on NATS' : 'embedded'}${series.batching ? ', batching' : ''}`;

/** Issue 6's targets, from whichever workloads were measured. */
export function evaluateTargets(all: readonly Series[]): Target[] {
  const targets: Target[] = [];
  const stacks = all.filter((series) => series.kind === 'stack');
  for (const workload of ['resnet-b1', 'resnet-b8']) {
    const raws = all.filter((series) => series.kind === 'raw' && series.workload === workload);
    if (raws.length === 0) continue;
    const limit = raws.reduce((top, series) => (best(series) > best(top) ? series : top));
    for (const stack of stacks.filter((series) => series.workload === workload)) {
      targets.push(target(`ResNet-50 ${workload.slice(-2)} ${modeName(stack)}: images/s at saturation / raw limit`, best(stack) / best(limit), 'at least', 0.95,
        `${best(stack).toFixed(1)} / ${best(limit).toFixed(1)} (${limit.configuration})`));
    }
  }
  const reference = all.find((series) => series.kind === 'raw' && series.workload === 'resnet-b1' && series.latencyReference);
  for (const stack of stacks.filter((series) => series.workload === 'resnet-b1')) {
    const stackLevel = at(stack, 1);
    const rawLevel = reference && at(reference, 1);
    if (!stackLevel || !rawLevel) continue;
    targets.push(target(`ResNet-50 b1 ${modeName(stack)}: added p50 at concurrency 1 (ms)`, stackLevel.p50Ms - rawLevel.p50Ms, 'at most', 3,
      `${stackLevel.p50Ms.toFixed(1)} ms through the stack − ${rawLevel.p50Ms.toFixed(1)} ms raw (${reference.configuration})`));
  }
  const naive = all.find((series) => series.kind === 'naive' && series.workload === 'tiny');
  const naiveLevel = naive && at(naive, 16);
  for (const stack of stacks.filter((series) => series.workload === 'tiny' && series.batching)) {
    const stackLevel = at(stack, 16);
    if (!stackLevel || !naiveLevel) continue;
    targets.push(target(`tiny model ${modeName(stack)}, concurrency 16: requests/s / naive server`, stackLevel.requestsPerSecond / naiveLevel.requestsPerSecond, 'at least', 0.7,
      `${stackLevel.requestsPerSecond.toFixed(0)} / ${naiveLevel.requestsPerSecond.toFixed(0)} requests/s`));
  }
  for (const mode of ['embedded', 'nats'] as const) {
    const waits = stacks.filter((series) => series.workload === 'wait' && series.mode === mode);
    const one = waits.find((series) => series.workers === 1);
    if (!one) continue;
    for (const many of waits.filter((series) => (series.workers ?? 1) > 1)) {
      const workers = many.workers!;
      targets.push(target(`wait-bound ${modeName(many)}: ${workers} workers / (${workers} × one worker)`, best(many) / (workers * best(one)), 'at least', 0.9,
        `${best(many).toFixed(1)} / (${workers} × ${best(one).toFixed(1)}) requests/s`));
    }
  }
  return targets;
}
