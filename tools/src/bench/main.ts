/**
 * `pnpm bench`: Demux against the physical limit and the simple alternative, in the manner of
 * Triton's perf_analyzer (issue 6). Starts every server itself; embedded mode always, and the
 * same on NATS (one process per role) when NATS_URL is set.
 *   node tools/dist/bench/main.js [--quick] [--only resnet-b1,resnet-b8,tiny,wait] [--name NAME]
 */
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { tfs } from '@demux/proto';
import { rawOneSession, rawThreadPerSession, startNaiveServer, type RawModel } from './baselines.js';
import { renderChart, type ChartRow } from './chart.js';
import { measureLevel, type WindowPlan } from './load-generator.js';
import { preparedPredict } from './prepared-predict.js';
import { freePort, startStack, waitUntilServing, workerInferenceTotals, type StackProcess } from './stack-process.js';
import type { LevelResult, Window } from './statistics.js';
import { renderTables } from './tables.js';
import { evaluateTargets, type Series } from './targets.js';
import {
  batchingLabel,
  RESNET_BATCHING,
  RESNET_ONNX,
  resnetConfig,
  resnetRequest,
  SWEPT_WORKLOADS,
  TINY_BATCHING,
  TINY_ONNX,
  tinyConfig,
  tinyRequest,
  waitConfig,
  WORKLOAD_IDS,
  writeConfig,
  type WorkloadId,
} from './workloads.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, name: { type: 'string' } } });
const only = values.only?.split(',').map((id) => id.trim()) ?? [...WORKLOAD_IDS];
for (const id of only) if (!WORKLOAD_IDS.includes(id as WorkloadId)) throw new Error(`--only: unknown workload ${id} (known: ${WORKLOAD_IDS.join(', ')})`);
const name = values.name ?? (values.quick ? 'quick' : values.only ? only.join('-') : 'reference');
const natsUrl = process.env.NATS_URL || undefined;
const modes = natsUrl ? (['embedded', 'nats'] as const) : (['embedded'] as const);

const CONCURRENCIES = [1, 2, 4, 8, 16];
/** Stack threads: 2 workers × 1 inference thread × 1 onnxruntime thread, the machine's two cores. */
const STACK_WORKERS = 2;
const TOTAL_THREADS = 2;
const WAIT_WORKERS = [1, 2, 4, 8];
// A batch-8 ResNet request at concurrency 16 takes seconds: longer windows, fewer of them.
const FAST: WindowPlan = values.quick ? { windowMs: 1000, maxWindows: 3 } : { windowMs: 2000, maxWindows: 5 };
const SLOW: WindowPlan = values.quick ? { windowMs: 2500, maxWindows: 3 } : { windowMs: 3000, maxWindows: 4 };

const series: Series[] = [];

function progress(label: string, concurrency: number): (window: Window, index: number) => void {
  return (window, index) =>
    console.log(`  ${label} c=${concurrency} window ${index}: ${((window.items * 1000) / window.durationMs).toFixed(1)} items/s (${window.requests} requests)`);
}

function report(label: string, level: LevelResult): void {
  const inference = level.workerInferenceMs === undefined ? '' : `, worker inference ${level.workerInferenceMs.toFixed(2)} ms`;
  console.log(
    `${label} c=${level.concurrency}: ${level.itemsPerSecond.toFixed(1)} items/s, ${level.requestsPerSecond.toFixed(1)} requests/s, ` +
      `p50 ${level.p50Ms.toFixed(1)} p90 ${level.p90Ms.toFixed(1)} p99 ${level.p99Ms.toFixed(1)} ms${level.stable ? '' : ' (not stable)'}${inference}`,
  );
}

/** The closed loop at each concurrency against one gRPC server; the stack's worker inference time where it shows it. */
async function sweep(entry: Omit<Series, 'levels'>, port: number, request: tfs.PredictRequest, concurrencies: number[], plan: WindowPlan, stack?: StackProcess): Promise<void> {
  const client = preparedPredict(`127.0.0.1:${port}`, request);
  const label = `[${entry.workload}] ${entry.configuration}`;
  const levels: LevelResult[] = [];
  try {
    await waitUntilServing(() => client.send());
    for (const concurrency of concurrencies) {
      const before = stack?.metricsUrl && (await workerInferenceTotals(stack.metricsUrl));
      let level: LevelResult;
      try {
        level = await measureLevel(() => client.send(), entry.itemsPerRequest, concurrency, plan, progress(label, concurrency));
      } catch (error) {
        // A failed level (a deadline passed under load) ends this series; the run goes on.
        console.log(`${label} c=${concurrency}: FAILED ${(error as Error).message}; the series stops here`);
        break;
      }
      if (before && stack?.metricsUrl) {
        const after = await workerInferenceTotals(stack.metricsUrl);
        level.workerInferenceMs = (after.sumUs - before.sumUs) / Math.max(1, after.count - before.count) / 1000;
      }
      report(label, level);
      levels.push(level);
    }
  } finally {
    client.close();
  }
  series.push({ ...entry, levels });
}

async function sweepStack(entry: Omit<Series, 'levels' | 'kind'>, config: unknown, workers: number, request: tfs.PredictRequest, concurrencies: number[], plan: WindowPlan): Promise<void> {
  const stack = await startStack(writeConfig(`${entry.workload}-${workers}`, config), workers, entry.mode === 'nats' ? natsUrl : undefined);
  try {
    await sweep({ ...entry, kind: 'stack' }, stack.port, request, concurrencies, plan, stack);
  } finally {
    await stack.stop();
  }
}

/** `concurrency`: the inferences kept in flight, one per session. */
async function raw(entry: Omit<Series, 'levels' | 'kind'>, concurrency: number, measure: (onWindow: (window: Window, index: number) => void) => Promise<LevelResult>): Promise<void> {
  const label = `[${entry.workload}] ${entry.configuration}`;
  const level = await measure(progress(label, concurrency));
  report(label, level);
  series.push({ ...entry, kind: 'raw', levels: [level] });
}

async function resnet(batch: number): Promise<void> {
  const workload = `resnet-b${batch}`;
  const plan = batch === 1 ? FAST : SLOW;
  const model = (imagesPerRun: number): RawModel => ({ modelPath: RESNET_ONNX, inputName: '0', dims: [imagesPerRun, 3, 224, 224] });
  await raw({ workload, itemsPerRequest: batch, configuration: `raw, 1 session × ${TOTAL_THREADS} threads` }, 1, (onWindow) => rawOneSession(model(batch), TOTAL_THREADS, plan, onWindow));
  await raw({ workload, itemsPerRequest: batch, configuration: `raw, ${TOTAL_THREADS} sessions × 1 thread (worker_threads)` }, TOTAL_THREADS, (onWindow) =>
    rawThreadPerSession(model(batch), TOTAL_THREADS, plan, onWindow),
  );
  if (batch === 1) {
    // What the stack's batching workers can at best do: the limit for every batch-1 series.
    const rows = RESNET_BATCHING.max_batch_size;
    await raw({ workload, itemsPerRequest: rows, configuration: `raw, ${TOTAL_THREADS} sessions × 1 thread, ${rows} images per run` }, TOTAL_THREADS, (onWindow) =>
      rawThreadPerSession(model(rows), TOTAL_THREADS, plan, onWindow),
    );
    await raw({ workload, itemsPerRequest: 1, configuration: 'raw, 1 session × 1 thread (one worker inference)', latencyReference: true }, 1, (onWindow) =>
      rawThreadPerSession(model(1), 1, plan, onWindow),
    );
  }
  for (const mode of modes) {
    for (const batching of [false, true]) {
      const configuration = `Demux ${mode}, ${STACK_WORKERS} workers${batching ? `, ${batchingLabel(RESNET_BATCHING)}` : ''}`;
      await sweepStack({ workload, itemsPerRequest: batch, configuration, mode, batching, workers: STACK_WORKERS }, resnetConfig(batching), STACK_WORKERS, resnetRequest(batch), CONCURRENCIES, plan);
    }
  }
}

async function tiny(): Promise<void> {
  const items = { workload: 'tiny', itemsPerRequest: 1 };
  const port = await freePort();
  // One onnxruntime thread: a 10-float model gains nothing from more, and the baseline is at its best.
  const naive = await startNaiveServer(TINY_ONNX, port, 1);
  try {
    await sweep({ ...items, kind: 'naive', configuration: 'naive grpc-js + onnxruntime server' }, port, tinyRequest(), CONCURRENCIES, FAST);
  } finally {
    const exited = once(naive, 'exit');
    naive.kill('SIGTERM');
    await exited;
  }
  for (const mode of modes) {
    for (const batching of [false, true]) {
      const configuration = `Demux ${mode}, ${STACK_WORKERS} workers${batching ? `, ${batchingLabel(TINY_BATCHING)}` : ''}`;
      await sweepStack({ ...items, configuration, mode, batching, workers: STACK_WORKERS }, tinyConfig(batching), STACK_WORKERS, tinyRequest(), CONCURRENCIES, FAST);
    }
  }
}

async function wait(): Promise<void> {
  for (const mode of modes) {
    for (const workers of WAIT_WORKERS) {
      const configuration = `Demux ${mode}, ${workers} worker${workers > 1 ? 's' : ''}`;
      await sweepStack({ workload: 'wait', itemsPerRequest: 1, configuration, mode, workers }, waitConfig(), workers, tinyRequest(), [16], FAST);
    }
  }
}

const started = new Date();
const runs: Record<WorkloadId, () => Promise<void>> = { 'resnet-b1': () => resnet(1), 'resnet-b8': () => resnet(8), tiny, wait };
console.log(`pnpm bench "${name}": ${only.join(', ')}; modes ${modes.join(', ')}; windows ${FAST.windowMs} ms (ResNet b8 ${SLOW.windowMs} ms)`);
for (const id of only) await runs[id as WorkloadId]();

const targets = evaluateTargets(series);
console.log('\nTargets (issue 6):');
for (const target of targets) {
  console.log(`  ${target.met ? 'MET   ' : 'MISSED'} ${target.name}: ${target.value.toFixed(2)} (${target.goal} ${target.threshold}) — ${target.detail}`);
}

const outDir = join('bench', 'results');
mkdirSync(outDir, { recursive: true });
const machine = { cpus: availableParallelism(), cpuModel: cpus()[0]?.model, node: process.version };
writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify({ name, startedAt: started.toISOString(), quick: values.quick, machine, modes, series, targets }, null, 2)}\n`);
writeFileSync(join(outDir, `${name}.svg`), renderChart(chartRows(series)));
writeFileSync(join(outDir, `${name}.md`), renderTables(series, targets, CONCURRENCIES));
console.log(`\nwrote ${join(outDir, `${name}`)}.{json,svg,md} (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`);

function chartRows(all: readonly Series[]): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const [workload, title] of Object.entries(SWEPT_WORKLOADS)) {
    const lines = all.filter((entry) => entry.workload === workload && entry.kind !== 'raw');
    if (lines.length === 0) continue;
    const raws = all.filter((entry) => entry.workload === workload && entry.kind === 'raw' && !entry.latencyReference);
    const limit = Math.max(0, ...raws.flatMap((entry) => entry.levels.map((level) => level.itemsPerSecond)));
    rows.push({
      title,
      xLabel: 'concurrency',
      series: lines.map((entry) => ({ label: entry.configuration, points: entry.levels.map((level) => ({ x: level.concurrency, itemsPerSecond: level.itemsPerSecond, p99Ms: level.p99Ms })) })),
      limits: raws.length > 0 ? [{ label: 'raw onnxruntime limit', itemsPerSecond: limit }] : [],
    });
  }
  const waits = all.filter((entry) => entry.workload === 'wait');
  if (waits.length > 0) {
    rows.push({
      title: 'wait-bound model, concurrency 16',
      xLabel: 'workers',
      series: modes.map((mode) => ({
        label: `Demux ${mode}`,
        points: waits.filter((entry) => entry.mode === mode).map((entry) => ({ x: entry.workers!, itemsPerSecond: entry.levels[0]!.itemsPerSecond, p99Ms: entry.levels[0]!.p99Ms })),
      })),
      limits: [],
    });
  }
  return rows;
}
