import type { EndpointMetadata } from '@demux/core';
import { kserve } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { NO_CALL, testDoor } from './door.fixture.js';
import { metadataResponse, modelMetadata } from './model-metadata.js';

const pipeline: EndpointMetadata = {
  name: 'tinyDAG',
  version: 1,
  inputs: [{ name: '0', dtype: 'FP32', shape: [-1, 1, 3, 224, 224] }],
  outputs: [{ name: '1463', dtype: 'FP32', shape: [-1, 1, 1000] }],
  isPipeline: true,
};

describe('metadataResponse', () => {
  it('describes tensors with KServe datatypes and -1 for dynamic dims', () => {
    expect(metadataResponse(pipeline, [1])).toEqual({
      name: 'tinyDAG',
      versions: ['1'],
      platform: 'ensemble',
      inputs: [{ name: '0', datatype: 'FP32', shape: [-1n, 1n, 3n, 224n, 224n] }],
      outputs: [{ name: '1463', datatype: 'FP32', shape: [-1n, 1n, 1000n] }],
    });
  });

  it('names onnxruntime as the platform of a plain model', () => {
    const model: EndpointMetadata = { name: 'ids', version: 3, inputs: [{ name: 'x', dtype: 'INT64', shape: [-1] }], outputs: [], isPipeline: false };
    expect(metadataResponse(model, [2, 3])).toMatchObject({ versions: ['2', '3'], platform: 'onnxruntime_onnx', inputs: [{ datatype: 'INT64' }] });
  });
});

describe('ModelMetadata', () => {
  it('lists every served version, whichever one it describes', async () => {
    const door = testDoor({
      metadata: async (_name, version) => ({ ...pipeline, name: 'dummy', version: version ?? 2, isPipeline: false }),
      status: async () => [1, 2].map((version) => ({ version, state: 'AVAILABLE' as const, errorCode: 0, errorMessage: '' })),
    });
    const response = await modelMetadata(door)(kserve.ModelMetadataRequest.create({ name: 'dummy', version: '1' }), NO_CALL);
    expect(response).toMatchObject({ name: 'dummy', versions: ['1', '2'], platform: 'onnxruntime_onnx' });
  });
});
