import type { UnaryHandler } from '@demux/core';
import type { kserve } from '@demux/proto';
import { metered, type FrontDoor } from '../front-door.js';
import { endpointOf } from './model-ref.js';

/** ModelReady: whether the named version (or the default one) is AVAILABLE; an unknown model or version is NOT_FOUND. */
export function modelReady(door: FrontDoor): UnaryHandler<kserve.ModelReadyRequest, kserve.ModelReadyResponse> {
  return async (request) => {
    const { name, version } = endpointOf(request.name, request.version);
    return metered(door, { api: 'KServe', interface: 'gRPC', method: 'ModelReady', name, version }, async () => {
      // The scheduler decides which version is the default; asked without one, status() lists them all.
      const { version: served } = await door.catalog.metadata(name, version);
      const [status] = await door.scheduler.status(name, served);
      return { ready: status?.state === 'AVAILABLE' };
    });
  };
}
