import { DemuxError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { JobOutcome } from './job-transport.js';

interface Pending {
  resolve: (outputs: Tensor[]) => void;
  reject: (error: DemuxError) => void;
  timer: NodeJS.Timeout;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * The submitting side's book of jobs awaiting a reply. The first outcome for a job id settles
 * it; later ones (a redelivered job answered twice) find no entry and are ignored.
 */
export class PendingReplies {
  #pending = new Map<string, Pending>();

  get size(): number {
    return this.#pending.size;
  }

  has(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Waits for the outcome of `id`, rejecting at the deadline or when the signal aborts. */
  wait(id: string, deadlineMs: number, signal?: AbortSignal, describe = id): Promise<Tensor[]> {
    return new Promise<Tensor[]>((resolve, reject) => {
      if (signal?.aborted) {
        reject(DemuxError.cancelled(`job ${describe} cancelled`));
        return;
      }
      const onAbort = (): void => this.#fail(id, DemuxError.cancelled(`job ${describe} cancelled`));
      const timer = setTimeout(
        () => this.#fail(id, DemuxError.deadlineExceeded(`job ${describe} passed its deadline`)),
        Math.max(0, deadlineMs - Date.now()),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, { resolve, reject, timer, signal, onAbort });
    });
  }

  /** Settles `id` with a worker's outcome; returns false if nobody was waiting (a duplicate). */
  settle(id: string, outcome: JobOutcome): boolean {
    const entry = this.#take(id);
    if (!entry) return false;
    if ('error' in outcome) entry.reject(outcome.error);
    else entry.resolve(outcome.outputs);
    return true;
  }

  /** Rejects every pending job, e.g. when the transport closes. */
  failAll(error: DemuxError): void {
    for (const id of [...this.#pending.keys()]) this.#fail(id, error);
  }

  #fail(id: string, error: DemuxError): void {
    this.#take(id)?.reject(error);
  }

  #take(id: string): Pending | undefined {
    const entry = this.#pending.get(id);
    if (!entry) return undefined;
    this.#pending.delete(id);
    clearTimeout(entry.timer);
    entry.signal?.removeEventListener('abort', entry.onAbort);
    return entry;
  }
}
