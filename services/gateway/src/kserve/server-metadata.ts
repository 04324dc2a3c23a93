import type { UnaryHandler } from '@demux/core';
import type { kserve } from '@demux/proto';
import { metered, type FrontDoor } from '../front-door.js';

export const SERVER_NAME = 'demux';
/** Kept in step with the version in the packages' package.json. */
export const SERVER_VERSION = '0.1.0';

/** ServerMetadata: who answers, and no extensions: Demux implements none of KServe's optional ones. */
export function serverMetadata(door: FrontDoor): UnaryHandler<kserve.ServerMetadataRequest, kserve.ServerMetadataResponse> {
  return () =>
    metered(door, { api: 'KServe', interface: 'gRPC', method: 'ServerMetadata', name: '' }, async () => ({
      name: SERVER_NAME,
      version: SERVER_VERSION,
      extensions: [],
    }));
}
