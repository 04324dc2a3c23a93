import { DemuxError } from '../errors.js';
import type { Job, JobContext, JobHandler, JobOutcome, JobServer, ServeOptions } from './job-transport.js';

/** A job handed to a worker by a transport, until it is answered. */
export interface DeliveredJob {
  job: Job;
  context: JobContext;
  /** Tells the transport the job is still being worked on, so it is not redelivered meanwhile. */
  working(): void;
  /** Sends the reply, then acknowledges the job. */
  complete(outcome: JobOutcome): Promise<void>;
  /** Acknowledges the job without running or answering it. */
  drop(): Promise<void>;
}

/** Where a worker pulls one job at a time from, for one model version. */
export interface JobSource {
  /** The next job, or undefined if none arrived for a while or the signal aborted. */
  next(signal: AbortSignal): Promise<DeliveredJob | undefined>;
}

export interface PullLoopTimings {
  /** How often a running job tells the transport it is still alive. */
  heartbeatMs: number;
  /** Pause after a failed pull before the next one. */
  retryMs: number;
}

/**
 * The worker side of the job contract, shared by every transport: take a free slot, then pull
 * one job; run it and answer; drop jobs whose deadline has passed without running them.
 */
export function serveJobs(source: JobSource, handler: JobHandler, options: ServeOptions, timings: PullLoopTimings): JobServer {
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();

  async function run(delivered: DeliveredJob): Promise<void> {
    const { job, context } = delivered;
    if (Date.now() >= context.deadlineMs) {
      options.onExpired?.(job, context);
      await delivered.drop();
      return;
    }
    const heartbeat = setInterval(() => delivered.working(), timings.heartbeatMs);
    let outcome: JobOutcome;
    try {
      outcome = { outputs: await handler(job, context) };
    } catch (error) {
      outcome = { error: DemuxError.from(error) };
    } finally {
      clearInterval(heartbeat);
    }
    await delivered.complete(outcome);
  }

  async function pull(): Promise<void> {
    while (await options.slots.acquire(stopping.signal)) {
      let delivered: DeliveredJob | undefined;
      try {
        delivered = await source.next(stopping.signal);
      } catch (error) {
        options.slots.release();
        options.onTransportError?.(error);
        await sleepUnlessAborted(timings.retryMs, stopping.signal);
        continue;
      }
      if (!delivered) {
        options.slots.release();
        continue;
      }
      const running = run(delivered)
        .catch((error: unknown) => options.onTransportError?.(error))
        .finally(() => {
          inFlight.delete(running);
          options.slots.release();
        });
      inFlight.add(running);
    }
  }

  const pulling = pull();
  return {
    get inFlight() {
      return inFlight.size;
    },
    async stop() {
      stopping.abort();
      await pulling;
      await Promise.all(inFlight);
    },
  };
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
