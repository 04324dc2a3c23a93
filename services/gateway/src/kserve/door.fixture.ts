import type { SchedulerApi } from '@demux/core';
import { EndpointCatalog } from '../endpoint-catalog.js';
import type { FrontDoor, RequestLabels } from '../front-door.js';

/** A front door over a scheduler that answers only what a test gives it, recording the requests metered. */
export function testDoor(scheduler: Partial<SchedulerApi>): FrontDoor & { recorded: RequestLabels[] } {
  const unexpected = () => Promise.reject(new Error('not expected by this test'));
  const full: SchedulerApi = { infer: unexpected, metadata: unexpected, status: unexpected, health: unexpected, ...scheduler };
  const recorded: RequestLabels[] = [];
  return {
    scheduler: full,
    catalog: new EndpointCatalog(full, 0),
    maxBatchSize: 8,
    requestTimeoutMs: 1_000,
    metrics: { record: (labels) => void recorded.push(labels) },
    recorded,
  };
}

/** The call argument of handlers that never look at it. */
export const NO_CALL = {} as never;
