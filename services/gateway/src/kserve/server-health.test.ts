import { DemuxError } from '@demux/core';
import { kserve } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { NO_CALL, testDoor } from './door.fixture.js';
import { serverLive, serverReady } from './server-health.js';

const ask = (door: ReturnType<typeof testDoor>) => serverReady(door)(kserve.ServerReadyRequest.create(), NO_CALL);

describe('ServerLive', () => {
  it('is live whenever it answers, whatever the scheduler says', async () => {
    const door = testDoor({ health: () => Promise.reject(DemuxError.unavailable('down')) });
    expect(await serverLive(door)(kserve.ServerLiveRequest.create(), NO_CALL)).toEqual({ live: true });
    expect(door.recorded).toEqual([{ api: 'KServe', interface: 'gRPC', method: 'ServerLive', name: '' }]);
  });
});

describe('ServerReady', () => {
  it('is ready while every model has a live worker', async () => {
    expect(await ask(testDoor({ health: async () => ({ ready: true, unready: [] }) }))).toEqual({ ready: true });
  });

  it('is not ready while a model has no live worker', async () => {
    const door = testDoor({ health: async () => ({ ready: false, unready: ['model dummy version 1 has no live worker'] }) });
    expect(await ask(door)).toEqual({ ready: false });
  });

  it('answers not ready, rather than failing, when the scheduler cannot be reached', async () => {
    expect(await ask(testDoor({ health: () => Promise.reject(DemuxError.unavailable('connection refused')) }))).toEqual({ ready: false });
  });
});
