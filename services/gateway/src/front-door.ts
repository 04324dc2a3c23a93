import type { SchedulerApi } from '@demux/core';
import type { EndpointCatalog } from './endpoint-catalog.js';

/** What every public API handler needs: where requests go, and the limits they are held to. */
export interface FrontDoor {
  scheduler: SchedulerApi;
  catalog: EndpointCatalog;
  maxBatchSize: number;
  /** The deadline of a request whose client sets none. */
  requestTimeoutMs: number;
}
