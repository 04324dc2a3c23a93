import { fromTensorProto, type Tensor } from '@demux/core';
import { tfs } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { pipelineClasses, predictRequest, topClasses } from './predict.js';

function float32Tensor(shape: number[], values: number[]): Tensor {
  return { name: 'scores', dtype: 'FP32', shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}

/** Scores over `classes` classes that peak at each of `peaks`. */
function scores(shape: number[], classes: number, peaks: number[]): Tensor {
  const values = new Array<number>(peaks.length * classes).fill(0.001);
  peaks.forEach((peak, image) => (values[image * classes + peak] = 0.9));
  return float32Tensor(shape, values);
}

describe('predictRequest', () => {
  const batch = float32Tensor([2, 3, 2, 2], Array.from({ length: 24 }, (_, i) => i / 10));

  it('sends the batch under the input name to the named servable, as tensor_content', () => {
    const encoded = tfs.PredictRequest.encode(predictRequest('resnet', { ...batch, name: '0' }, false)).finish();
    const request = tfs.PredictRequest.decode(encoded);
    expect(request.modelSpec?.name).toBe('resnet');
    expect(request.modelSpec?.versionChoice).toBeUndefined();
    const input = request.inputs.get('0')!;
    expect(input.dtype).toBe(tfs.DataType.DT_FLOAT);
    expect(input.tensorContent.byteLength).toBe(96);
    expect(fromTensorProto('0', input)).toMatchObject({ dtype: 'FP32', shape: [2, 3, 2, 2] });
  });

  it('adds the demultiplexer dimension with --dag-batch-size-auto: [n, ...] goes as [n, 1, ...]', () => {
    const input = predictRequest('resnet50DAG', batch, true).inputs.get('scores')!;
    expect(input.tensorShape?.dim.map((dim) => dim.size)).toEqual([2n, 1n, 3n, 2n, 2n]);
  });
});

describe('topClasses', () => {
  it('takes the highest score of each image', () => {
    expect(topClasses(scores([3, 1000], 1000, [404, 0, 999]))).toEqual([404, 0, 999]);
  });

  it('reads the scores of a demultiplexing pipeline, [n, 1, 1000], the same way', () => {
    expect(topClasses(scores([2, 1, 1000], 1000, [279, 309]))).toEqual([279, 309]);
  });

  it('drops the background class of 1001-class scores', () => {
    expect(topClasses(scores([1, 1001], 1001, [405]))).toEqual([404]);
  });

  it('takes the first of equal scores, as np.argmax does', () => {
    expect(topClasses(float32Tensor([1, 4], [0.1, 0.4, 0.4, 0.1]))).toEqual([1]);
  });

  it('refuses outputs that are not numbers', () => {
    const strings: Tensor = { name: 'labels', dtype: 'BYTES', shape: [1], data: Uint8Array.of(1, 0, 0, 0, 0x61) };
    expect(() => topClasses(strings)).toThrow(/output 'labels' holds BYTES values/);
  });
});

describe('pipelineClasses', () => {
  it('reads one 1-based class index per image', () => {
    const data = new Uint8Array(BigInt64Array.of(405n, 1n).buffer);
    const indices: Tensor = { name: 'argmax', dtype: 'INT64', shape: [2, 1], data };
    expect(pipelineClasses(indices)).toEqual([404, 0]);
  });
});
