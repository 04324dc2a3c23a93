import { DemuxError, StatusCode, type Tensor } from '@demux/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher, canBatch, type BatcherOptions } from './batcher.js';

/** A run the test finishes: it echoes input "x" as output "y", or fails. */
interface FakeRun {
  inputs: readonly Tensor[];
  finish(): void;
  fail(error: Error): void;
}

/** A runner whose runs last until the test ends them. */
function fakeRunner(): { run: (inputs: readonly Tensor[], outputs: readonly string[]) => Promise<Tensor[]>; runs: FakeRun[]; running: () => number } {
  const runs: FakeRun[] = [];
  let running = 0;
  return {
    runs,
    running: () => running,
    run: (inputs) => {
      running++;
      return new Promise((resolve, reject) => {
        const done = () => running--;
        runs.push({
          inputs,
          finish: () => {
            done();
            resolve(inputs.map((input) => ({ ...input, name: 'y' })));
          },
          fail: (error) => {
            done();
            reject(error);
          },
        });
      });
    },
  };
}

/** A job input "x" of `rows` rows of `width` floats, each float `seed`. */
function rowsOf(rows: number, seed: number, width = 2): Tensor[] {
  const data = new Float32Array(rows * width).fill(seed);
  return [{ name: 'x', dtype: 'FP32', shape: [rows, width], data: new Uint8Array(data.buffer) }];
}

function floats(tensor: Tensor | undefined): number[] {
  if (!tensor) throw new Error('missing tensor');
  return [...new Float32Array(new Uint8Array(tensor.data).buffer)];
}

function batcher(options: Partial<BatcherOptions> = {}): { batcher: Batcher; runner: ReturnType<typeof fakeRunner>; batches: number[] } {
  const runner = fakeRunner();
  const batches: number[] = [];
  const batcher = new Batcher(runner, { maxBatchSize: 4, maxQueueDelayMs: 10, threads: 1, onBatch: (rows) => batches.push(rows), ...options });
  return { batcher, runner, batches };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Batcher', () => {
  it('runs a full batch at once, without waiting for the delay', async () => {
    const { batcher: queue, runner, batches } = batcher({ maxQueueDelayMs: 1_000, threads: 2 });
    const jobs = [1, 2, 3, 4].map((seed) => queue.run(rowsOf(1, seed), ['y']));
    expect(runner.runs).toHaveLength(1);
    expect(runner.runs[0]!.inputs[0]!.shape).toEqual([4, 2]);
    runner.runs[0]!.finish();
    expect((await Promise.all(jobs)).map(([output]) => floats(output))).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]]);
    expect(batches).toEqual([4]);
  });

  it('waits maxQueueDelayMs from the oldest job for more, then runs a partial batch', async () => {
    const { batcher: queue, runner } = batcher({ maxQueueDelayMs: 10 });
    const first = queue.run(rowsOf(1, 1), ['y']);
    await vi.advanceTimersByTimeAsync(6);
    const second = queue.run(rowsOf(1, 2), ['y']);
    await vi.advanceTimersByTimeAsync(3);
    expect(runner.runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runner.runs).toHaveLength(1);
    expect(runner.runs[0]!.inputs[0]!.shape).toEqual([2, 2]);
    runner.runs[0]!.finish();
    expect(floats((await first)[0])).toEqual([1, 1]);
    expect(floats((await second)[0])).toEqual([2, 2]);
  });

  it('with delay 0 runs at once what is queued, and batches what queued while the thread was busy', async () => {
    const { batcher: queue, runner, batches } = batcher({ maxQueueDelayMs: 0 });
    const first = queue.run(rowsOf(1, 1), ['y']);
    expect(runner.runs).toHaveLength(1);
    const later = [2, 3].map((seed) => queue.run(rowsOf(1, seed), ['y']));
    expect(runner.runs).toHaveLength(1);
    runner.runs[0]!.finish();
    await first;
    expect(runner.runs).toHaveLength(2);
    runner.runs[1]!.finish();
    expect((await Promise.all(later)).map(([output]) => floats(output))).toEqual([[2, 2], [3, 3]]);
    expect(batches).toEqual([1, 2]);
  });

  it('answers DEADLINE_EXCEEDED for a job whose deadline passed while it waited, and runs the rest without it', async () => {
    const { batcher: queue, runner, batches } = batcher({ maxQueueDelayMs: 0 });
    const first = queue.run(rowsOf(1, 1), ['y']);
    const expired = queue.run(rowsOf(1, 2), ['y'], Date.now() - 1).catch((error: unknown) => error);
    const alive = queue.run(rowsOf(1, 3), ['y'], Date.now() + 60_000);
    runner.runs[0]!.finish();
    await first;
    const failure = await expired;
    expect(failure).toBeInstanceOf(DemuxError);
    expect((failure as DemuxError).code).toBe(StatusCode.DEADLINE_EXCEEDED);
    expect(runner.runs).toHaveLength(2);
    runner.runs[1]!.finish();
    expect(floats((await alive)[0])).toEqual([3, 3]);
    expect(batches).toEqual([1, 1]);
  });

  it('never puts more than maxBatchSize rows in a run, and runs a larger job alone', async () => {
    const { batcher: queue, runner, batches } = batcher({ maxBatchSize: 4, maxQueueDelayMs: 0, threads: 1 });
    const blocker = queue.run(rowsOf(1, 0), ['y']);
    const jobs = [3, 2, 6, 1, 1].map((rows, seed) => queue.run(rowsOf(rows, seed + 1), ['y']));
    for (let run = 0; runner.runs[run]; run++) {
      runner.runs[run]!.finish();
      await vi.advanceTimersByTimeAsync(0);
    }
    await blocker;
    const outputs = await Promise.all(jobs);
    // In arrival order: a batch closes at the first job that would overflow it.
    expect(batches).toEqual([1, 3, 2, 6, 2]);
    expect(runner.runs.map((run) => run.inputs[0]!.shape[0])).toEqual([1, 3, 2, 6, 2]);
    expect(outputs.map(([output]) => output!.shape[0])).toEqual([3, 2, 6, 1, 1]);
  });

  it('does not merge jobs whose inputs differ beyond dimension 0', async () => {
    const { batcher: queue, runner } = batcher({ maxBatchSize: 2, maxQueueDelayMs: 5, threads: 2 });
    const narrow = queue.run(rowsOf(1, 1, 2), ['y']);
    const wide = queue.run(rowsOf(1, 2, 3), ['y']);
    await vi.advanceTimersByTimeAsync(5);
    expect(runner.runs.map((run) => run.inputs[0]!.shape)).toEqual([[1, 2], [1, 3]]);
    for (const run of runner.runs) run.finish();
    expect(floats((await narrow)[0])).toEqual([1, 1]);
    expect(floats((await wide)[0])).toEqual([2, 2, 2]);
  });

  it('splits the outputs back to their jobs in order, by their own rows, as views of one buffer', async () => {
    const { batcher: queue, runner } = batcher({ maxBatchSize: 6, maxQueueDelayMs: 0 });
    const blocker = queue.run(rowsOf(1, 0), ['y']);
    const jobs = [
      queue.run(rowsOf(2, 1), ['y']),
      queue.run(rowsOf(3, 2), ['y']),
      queue.run(rowsOf(1, 3), ['y']),
    ];
    runner.runs[0]!.finish();
    await blocker;
    runner.runs[1]!.finish();
    const outputs = (await Promise.all(jobs)).map(([output]) => output!);
    expect(outputs.map((output) => output.shape)).toEqual([[2, 2], [3, 2], [1, 2]]);
    expect(outputs.map(floats)).toEqual([[1, 1, 1, 1], [2, 2, 2, 2, 2, 2], [3, 3]]);
    expect(new Set(outputs.map((output) => output.data.buffer)).size).toBe(1);
  });

  it('fails every job of a failed run with its error', async () => {
    const { batcher: queue, runner } = batcher({ maxBatchSize: 2 });
    const jobs = [1, 2].map((seed) => queue.run(rowsOf(1, seed), ['y']));
    const error = DemuxError.internal('inference failed');
    runner.runs[0]!.fail(error);
    const results = await Promise.allSettled(jobs);
    expect(results).toEqual([
      { status: 'rejected', reason: error },
      { status: 'rejected', reason: error },
    ]);
  });

  it('never has more runs in flight than threads', async () => {
    const { batcher: queue, runner } = batcher({ maxBatchSize: 1, maxQueueDelayMs: 0, threads: 2 });
    const jobs = Array.from({ length: 5 }, (_, seed) => queue.run(rowsOf(1, seed), ['y']));
    let most = 0;
    for (let finished = 0; finished < 5; finished++) {
      most = Math.max(most, runner.running());
      runner.runs[finished]!.finish();
      await vi.advanceTimersByTimeAsync(0);
    }
    await Promise.all(jobs);
    expect(most).toBe(2);
    expect(runner.runs).toHaveLength(5);
  });
});

describe('canBatch', () => {
  it('needs a dynamic first dimension on every input and output', () => {
    const spec = (shape: number[]) => ({ name: 't', dtype: 'FP32' as const, shape });
    expect(canBatch({ inputs: [spec([-1, 3])], outputs: [spec([-1, 10])] })).toBe(true);
    expect(canBatch({ inputs: [spec([1, 3])], outputs: [spec([-1, 10])] })).toBe(false);
    expect(canBatch({ inputs: [spec([-1, 3])], outputs: [spec([])] })).toBe(false);
  });
});
