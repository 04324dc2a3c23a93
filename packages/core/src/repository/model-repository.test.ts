import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ModelConfig, VersionPolicy } from '../config/demux-config.js';
import { StatusCode } from '../errors.js';
import { modelFilePath } from './model-directory.js';
import { ModelRepository } from './model-repository.js';
import { ElemType, writeOnnxModel } from './onnx-model.fixture.js';

let dir: string;
let resnetPath: string;

/** Version 1 takes [N,10]; version 2 adds a mask input, so the two are told apart by metadata. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demux-repository-'));
  resnetPath = join(dir, 'resnet');
  const output = { name: 'y', elemType: ElemType.FLOAT, dims: ['N', 2] };
  await writeOnnxModel(modelFilePath(resnetPath, 1), {
    inputs: [{ name: 'b', elemType: ElemType.FLOAT, dims: ['N', 10] }],
    outputs: [output],
  });
  await writeOnnxModel(modelFilePath(resnetPath, 2), {
    inputs: [
      { name: 'b', elemType: ElemType.FLOAT, dims: ['N', 10] },
      { name: 'mask', elemType: ElemType.BOOL, dims: ['N', 10] },
    ],
    outputs: [output],
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function model(name: string, basePath: string, versionPolicy: VersionPolicy = { kind: 'latest', count: 1 }): ModelConfig {
  return { name, basePath, versionPolicy, targetDevice: 'CPU', pluginConfig: {} };
}

function notFound(message: string) {
  return expect.objectContaining({ name: 'DemuxError', code: StatusCode.NOT_FOUND, message });
}

describe('ModelRepository', () => {
  it.each<[VersionPolicy | undefined, number[]]>([
    [undefined, [2]],
    [{ kind: 'latest', count: 2 }, [1, 2]],
    [{ kind: 'all' }, [1, 2]],
    [{ kind: 'specific', versions: [1] }, [1]],
  ])('under policy %j serves %j', async (policy, served) => {
    const repository = await ModelRepository.load([model('resnet', resnetPath, policy)]);
    expect(repository.versions('resnet')).toEqual(served);
    expect(repository.status('resnet')).toEqual({ name: 'resnet', served, missing: [], withoutModel: [] });
  });

  it('reads each served version’s metadata and defaults to the highest', async () => {
    const repository = await ModelRepository.load([model('resnet', resnetPath, { kind: 'all' })]);
    expect(repository.metadata('resnet', 1)).toEqual({
      inputs: [{ name: 'b', dtype: 'FP32', shape: [-1, 10] }],
      outputs: [{ name: 'y', dtype: 'FP32', shape: [-1, 2] }],
    });
    expect(repository.metadata('resnet').inputs.map((input) => input.name)).toEqual(['b', 'mask']);
    expect(repository.modelPath('resnet', 1)).toBe(join(resnetPath, '1', 'model.onnx'));
    expect(repository.names()).toEqual(['resnet']);
  });

  it('keeps the model file’s own dims beside the served ones narrowed by batch_size', async () => {
    const repository = await ModelRepository.load([{ ...model('resnet', resnetPath, { kind: 'all' }), batchSize: 1 }]);
    expect(repository.metadata('resnet', 1).inputs[0]?.shape).toEqual([1, 10]);
    expect(repository.nativeMetadata('resnet', 1)).toEqual({
      inputs: [{ name: 'b', dtype: 'FP32', shape: [-1, 10] }],
      outputs: [{ name: 'y', dtype: 'FP32', shape: [-1, 2] }],
    });
  });

  it('lists specific versions that are not on disk, and version directories without a model', async () => {
    const base = join(dir, 'partial');
    await writeOnnxModel(modelFilePath(base, 1), {
      inputs: [{ name: 'x', elemType: ElemType.INT64, dims: [1] }],
      outputs: [{ name: 'y', elemType: ElemType.INT64, dims: [1] }],
    });
    await mkdir(join(base, '2'));
    const repository = await ModelRepository.load([model('partial', base, { kind: 'specific', versions: [1, 2, 3] })]);
    expect(repository.status('partial')).toEqual({ name: 'partial', served: [1], missing: [2, 3], withoutModel: [2] });
  });

  it('says which model is unknown', async () => {
    const repository = await ModelRepository.load([model('resnet', resnetPath)]);
    expect(() => repository.metadata('resnet2')).toThrow(notFound('model resnet2 not found'));
  });

  it('says which versions are served when asked for another', async () => {
    const repository = await ModelRepository.load([model('resnet', resnetPath, { kind: 'specific', versions: [1] })]);
    expect(() => repository.modelPath('resnet', 3)).toThrow(notFound('model resnet has no version 3; versions served: 1'));
    expect(() => repository.metadata('resnet', 2)).toThrow(notFound('model resnet has no version 2; versions served: 1'));
  });

  it('says why a model serves nothing', async () => {
    const base = join(dir, 'unready');
    await mkdir(join(base, '4'), { recursive: true });
    const repository = await ModelRepository.load([model('unready', base, { kind: 'specific', versions: [3] })]);
    expect(repository.versions('unready')).toEqual([]);
    expect(() => repository.metadata('unready')).toThrow(
      notFound('model unready has no version served (version 3 not on disk; version 4 without model.onnx)'),
    );
    expect(() => repository.metadata('unready', 3)).toThrow(
      notFound('model unready has no version 3; no versions served (version 3 not on disk; version 4 without model.onnx)'),
    );
  });

  it('fails to load a model whose base path is missing, naming the model', async () => {
    const base = join(dir, 'ghost');
    await expect(ModelRepository.load([model('ghost', base)])).rejects.toThrow(
      notFound(`model ghost: base path ${base} does not exist`),
    );
  });

  it('fails to load a served version that is not an ONNX model', async () => {
    const base = join(dir, 'corrupt');
    await mkdir(join(base, '1'), { recursive: true });
    await writeFile(modelFilePath(base, 1), 'not a model');
    await expect(ModelRepository.load([model('corrupt', base)])).rejects.toThrow(
      expect.objectContaining({
        name: 'DemuxError',
        code: StatusCode.INVALID_ARGUMENT,
        message: `model corrupt: ${modelFilePath(base, 1)} is not a model Demux can serve: malformed protobuf: unsupported wire type 6 at byte 1`,
      }),
    );
  });
});
