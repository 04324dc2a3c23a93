import type { UnaryHandler } from '@demux/core';
import type { kserve } from '@demux/proto';
import { metered, type FrontDoor } from '../front-door.js';

/** ServerLive: a gateway that answers is live; whether it can serve is ServerReady's question. */
export function serverLive(door: FrontDoor): UnaryHandler<kserve.ServerLiveRequest, kserve.ServerLiveResponse> {
  return () => metered(door, { api: 'KServe', interface: 'gRPC', method: 'ServerLive', name: '' }, async () => ({ live: true }));
}

/**
 * ServerReady: ready while the scheduler says every model has a live worker. An unreachable
 * scheduler is an answer too, not an error: this gateway cannot serve.
 */
export function serverReady(door: FrontDoor): UnaryHandler<kserve.ServerReadyRequest, kserve.ServerReadyResponse> {
  return () =>
    metered(door, { api: 'KServe', interface: 'gRPC', method: 'ServerReady', name: '' }, async () => ({
      ready: await door.scheduler.health().then((health) => health.ready, () => false),
    }));
}
