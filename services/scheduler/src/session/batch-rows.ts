import { setMaxListeners } from 'node:events';
import type { Job, Tensor } from '@demux/core';
import { demultiplex } from './demultiplex.js';
import { gather } from './gather.js';
import type { NodeRun } from './session.js';

/**
 * A plain model's batch as one job per row: a row of a large batch fits NATS' payload limit
 * where the whole batch may not, and rows spread over every worker. Each row keeps its batch
 * dimension of 1, so the model sees what the client sent; the outputs are stacked back in row
 * order. Where the inputs do not share a dynamic batch dimension, the batch is one job.
 */
export async function runBatchRows(job: Job, batchDynamic: boolean, run: NodeRun, signal: AbortSignal): Promise<Tensor[]> {
  const batch = job.inputs[0]?.shape[0];
  const splittable = batchDynamic && batch !== undefined && batch > 1 && job.inputs.every((input) => input.shape[0] === batch);
  if (!splittable) return run(job, '', signal);
  const where = `model ${job.model} version ${job.version}`;
  const rows = job.inputs.map((input) => demultiplex(input, where).map((row) => ({ ...row, shape: [1, ...row.shape] })));
  const failed = new AbortController();
  // Every row's job listens to this signal: as many listeners as the batch has rows.
  setMaxListeners(0, failed.signal);
  const stop = (): void => failed.abort();
  signal.addEventListener('abort', stop, { once: true });
  let firstError: unknown;
  const settled = await Promise.allSettled(
    Array.from({ length: batch }, (_, row) =>
      run({ ...job, inputs: rows.map((inputRows) => inputRows[row]!) }, String(row), failed.signal).catch((error: unknown) => {
        // The first failure wins; the other rows are cancelled, and awaited, before it is thrown.
        firstError ??= error;
        stop();
        throw error;
      }),
    ),
  );
  signal.removeEventListener('abort', stop);
  if (firstError !== undefined) throw firstError;
  const results = settled.map((result) => (result as PromiseFulfilledResult<Tensor[]>).value);
  return results[0]!.map((output) => {
    const stacked = gather(
      results.map((outputs, row) => ({ item: String(row), tensor: outputs.find((o) => o.name === output.name)! })),
      [batch],
      `${where}: output "${output.name}"`,
    );
    // [batch, 1, ...] → [batch, ...]: each row kept its own batch dimension of 1.
    return { ...stacked, shape: [batch, ...output.shape.slice(1)] };
  });
}
