import { describe, expect, it } from 'vitest';
import { servedMetadata } from './served-shape.js';
import type { ModelMetadata } from './onnx-metadata.js';

const resnet: ModelMetadata = {
  inputs: [{ name: '0', dtype: 'FP32', shape: [-1, 3, 224, 224] }],
  outputs: [{ name: '1463', dtype: 'FP32', shape: [-1, 1000] }],
};

describe('servedMetadata', () => {
  it("serves the model's own shapes without batch_size or shape", () => {
    expect(servedMetadata({ name: 'resnet' }, resnet)).toEqual(resnet);
  });

  it('pins the batch dimension of inputs and outputs with batch_size', () => {
    expect(servedMetadata({ name: 'resnet', batchSize: 1 }, resnet)).toEqual({
      inputs: [{ name: '0', dtype: 'FP32', shape: [1, 3, 224, 224] }],
      outputs: [{ name: '1463', dtype: 'FP32', shape: [1, 1000] }],
    });
  });

  it('keeps the dynamic batch for batch_size auto', () => {
    expect(servedMetadata({ name: 'resnet', batchSize: 'auto' }, resnet)).toEqual(resnet);
  });

  it('narrows an input with a shape string, leaving ranges and -1 dynamic', () => {
    expect(servedMetadata({ name: 'resnet', shape: [2, 3, 224, 224] }, resnet).inputs[0]?.shape).toEqual([2, 3, 224, 224]);
    expect(servedMetadata({ name: 'resnet', shape: [{ min: 1, max: 8 }, 3, 224, 224] }, resnet).inputs[0]?.shape).toEqual([-1, 3, 224, 224]);
    expect(servedMetadata({ name: 'resnet', shapeByInput: { '0': [4, 3, 224, 224] } }, resnet).inputs[0]?.shape).toEqual([4, 3, 224, 224]);
  });

  it.each([
    [{ name: 'resnet', shape: [1, 3, 300, 300] }, 'model resnet: shape dimension 2 = 300 does not fit input "0" [-1,3,224,224]'],
    [{ name: 'resnet', shape: [1, 3, 224] }, 'model resnet: shape of rank 3 does not fit input "0" [-1,3,224,224]'],
    [{ name: 'resnet', shapeByInput: { x: [1] } }, 'model resnet: shape names no input "x"'],
  ])('rejects a shape the model cannot take: %j', (config, message) => {
    expect(() => servedMetadata(config, resnet)).toThrow(message);
  });

  it('rejects a batch_size that contradicts a fixed batch', () => {
    const fixed: ModelMetadata = { inputs: [{ name: 'x', dtype: 'FP32', shape: [1, 10] }], outputs: [] };
    expect(() => servedMetadata({ name: 'm', batchSize: 4 }, fixed)).toThrow('model m: batch_size 4 does not fit "x" [1,10]');
  });
});
