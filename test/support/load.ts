import type { ServiceError } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';

/** What happened to the requests of a load: each sent one either succeeded, failed with a code, or was lost. */
export interface LoadTally {
  sent: number;
  succeeded: number;
  /** Failures by gRPC status name. */
  failed: Record<string, number>;
  /** Requests that never settled: must be 0. */
  lost: number;
}

/**
 * Sends `count` requests, `concurrency` at a time, and tallies their outcomes. Each request
 * carries its own deadline, so every one settles; `lost` counts any that did not by `settleMs`.
 */
export async function runLoad(count: number, concurrency: number, send: (index: number) => Promise<unknown>, settleMs = 60_000): Promise<LoadTally> {
  const tally: LoadTally = { sent: 0, succeeded: 0, failed: {}, lost: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      tally.sent++;
      try {
        await send(index);
        tally.succeeded++;
      } catch (error) {
        const name = status[(error as ServiceError).code] ?? 'UNKNOWN';
        tally.failed[name] = (tally.failed[name] ?? 0) + 1;
      }
    }
  };
  const all = Promise.all(Array.from({ length: concurrency }, worker));
  const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), settleMs).unref())]);
  if (timedOut) tally.lost = tally.sent - tally.succeeded - Object.values(tally.failed).reduce((a, b) => a + b, 0);
  return tally;
}

/** One line per fault for README's reliability table. */
export function report(fault: string, tally: LoadTally): void {
  console.log(`[reliability] ${fault}: sent ${tally.sent}, succeeded ${tally.succeeded}, failed ${JSON.stringify(tally.failed)}, lost ${tally.lost}`);
}
