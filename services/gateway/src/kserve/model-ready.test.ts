import { DemuxError, StatusCode, type EndpointMetadata, type VersionState } from '@demux/core';
import { kserve } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { NO_CALL, testDoor } from './door.fixture.js';
import { modelReady } from './model-ready.js';

const metadata = (version: number): EndpointMetadata => ({ name: 'dummy', version, inputs: [], outputs: [], isPipeline: false });

/** A model whose default version is 2, and whose versions are in the given states. */
function doorWith(states: Record<number, VersionState>) {
  const asked: (number | undefined)[] = [];
  const door = testDoor({
    metadata: async (_name, version) => metadata(version ?? 2),
    status: async (_name, version) => {
      asked.push(version);
      return Object.entries(states)
        .filter(([served]) => version === undefined || Number(served) === version)
        .map(([served, state]) => ({ version: Number(served), state, errorCode: 0, errorMessage: '' }));
    },
  });
  return { door, asked };
}

const ready = (door: ReturnType<typeof testDoor>, version = '') => modelReady(door)(kserve.ModelReadyRequest.create({ name: 'dummy', version }), NO_CALL);

describe('ModelReady', () => {
  it('answers for the default version when none is named', async () => {
    const { door, asked } = doorWith({ 1: 'LOADING', 2: 'AVAILABLE' });
    expect(await ready(door)).toEqual({ ready: true });
    expect(asked).toEqual([2]);
    expect(door.recorded).toEqual([{ api: 'KServe', interface: 'gRPC', method: 'ModelReady', name: 'dummy', version: undefined }]);
  });

  it('is ready only while the named version is AVAILABLE', async () => {
    const { door } = doorWith({ 1: 'LOADING', 2: 'AVAILABLE' });
    expect(await ready(door, '1')).toEqual({ ready: false });
    expect(await ready(door, '2')).toEqual({ ready: true });
  });

  it('passes on NOT_FOUND for an unknown model or version', async () => {
    const door = testDoor({ metadata: () => Promise.reject(DemuxError.notFound('model or pipeline nope not found')) });
    await expect(ready(door)).rejects.toMatchObject({ code: StatusCode.NOT_FOUND });
  });

  it('rejects a version that is not an integer with INVALID_ARGUMENT', async () => {
    await expect(ready(doorWith({}).door, 'latest')).rejects.toMatchObject({ code: StatusCode.INVALID_ARGUMENT });
  });
});
