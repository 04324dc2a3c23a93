import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { StatusCode } from '../errors.js';
import { readModelMetadata } from './onnx-metadata.js';
import { ElemType, encodeOnnxModel, type FixtureModel, onnx, writeOnnxModel } from './onnx-model.fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demux-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function metadataOf(model: FixtureModel) {
  const path = join(dir, `model-${files++}.onnx`);
  await writeOnnxModel(path, model);
  return readModelMetadata(path);
}

function invalidModel(message: unknown) {
  return expect.objectContaining({ name: 'DemuxError', code: StatusCode.INVALID_ARGUMENT, message });
}

describe('readModelMetadata', () => {
  it('reads a symbolic batch dimension as -1', async () => {
    const metadata = await metadataOf({
      inputs: [{ name: 'b', elemType: ElemType.FLOAT, dims: ['N', 10] }],
      outputs: [{ name: 'y', elemType: ElemType.FLOAT, dims: ['N', 10] }],
    });
    expect(metadata).toEqual({
      inputs: [{ name: 'b', dtype: 'FP32', shape: [-1, 10] }],
      outputs: [{ name: 'y', dtype: 'FP32', shape: [-1, 10] }],
    });
  });

  it('reads several inputs in order, an int64 one among them, and a scalar', async () => {
    const metadata = await metadataOf({
      inputs: [
        { name: 'ids', elemType: ElemType.INT64, dims: [1, 128] },
        { name: 'mask', elemType: ElemType.INT64, dims: [1, 128] },
        { name: 'temperature', elemType: ElemType.FLOAT, dims: [] },
      ],
      outputs: [{ name: 'logits', elemType: ElemType.FLOAT16, dims: [1, 128, 30522] }],
    });
    expect(metadata).toEqual({
      inputs: [
        { name: 'ids', dtype: 'INT64', shape: [1, 128] },
        { name: 'mask', dtype: 'INT64', shape: [1, 128] },
        { name: 'temperature', dtype: 'FP32', shape: [] },
      ],
      outputs: [{ name: 'logits', dtype: 'FP16', shape: [1, 128, 30522] }],
    });
  });

  it('leaves out weights that old exporters list as graph inputs', async () => {
    const metadata = await metadataOf({
      inputs: [{ name: 'x', elemType: ElemType.FLOAT, dims: [1, 4] }],
      outputs: [{ name: 'y', elemType: ElemType.FLOAT, dims: [1, 2] }],
      initializers: [
        { name: 'W', bytes: 32, listedAsInput: true },
        { name: 'B', bytes: 8 },
      ],
    });
    expect(metadata.inputs.map((input) => input.name)).toEqual(['x']);
  });

  it.each([
    [ElemType.FLOAT, 'FP32'],
    [ElemType.DOUBLE, 'FP64'],
    [ElemType.FLOAT16, 'FP16'],
    [ElemType.INT8, 'INT8'],
    [ElemType.INT16, 'INT16'],
    [ElemType.INT32, 'INT32'],
    [ElemType.INT64, 'INT64'],
    [ElemType.UINT8, 'UINT8'],
    [ElemType.UINT16, 'UINT16'],
    [ElemType.UINT32, 'UINT32'],
    [ElemType.UINT64, 'UINT64'],
    [ElemType.BOOL, 'BOOL'],
    [ElemType.STRING, 'BYTES'],
  ])('maps ONNX element type %i to %s', async (elemType, dtype) => {
    const metadata = await metadataOf({
      inputs: [{ name: 'x', elemType, dims: [2] }],
      outputs: [{ name: 'y', elemType, dims: [2] }],
    });
    expect(metadata.inputs[0]?.dtype).toBe(dtype);
  });

  it('reads a dimension with neither size nor name, or a negative size, as -1', async () => {
    const metadata = await metadataOf({
      inputs: [{ name: 'x', elemType: ElemType.FLOAT, dims: [null, -1, 3] }],
      outputs: [{ name: 'y', elemType: ElemType.FLOAT, dims: [0] }],
    });
    expect(metadata.inputs[0]?.shape).toEqual([-1, -1, 3]);
    expect(metadata.outputs[0]?.shape).toEqual([0]);
  });

  it('reads a model with 100 MB of weights', async () => {
    const weights = 100 * 1024 * 1024;
    const metadata = await metadataOf({
      inputs: [{ name: 'data', elemType: ElemType.FLOAT, dims: ['N', 3, 224, 224] }],
      outputs: [{ name: 'prob', elemType: ElemType.FLOAT, dims: ['N', 1000] }],
      initializers: [{ name: 'fc.weight', bytes: weights, listedAsInput: true }],
    });
    expect(metadata).toEqual({
      inputs: [{ name: 'data', dtype: 'FP32', shape: [-1, 3, 224, 224] }],
      outputs: [{ name: 'prob', dtype: 'FP32', shape: [-1, 1000] }],
    });
  });

  it.each<[string, FixtureModel, string]>([
    [
      'an element type Demux has no dtype for',
      { inputs: [{ name: 'x', elemType: ElemType.BFLOAT16, dims: [1] }], outputs: [] },
      'input "x" has element type BFLOAT16, which Demux does not support',
    ],
    [
      'an output of unknown rank',
      { inputs: [], outputs: [{ name: 'y', elemType: ElemType.FLOAT }] },
      'output "y" has no shape',
    ],
  ])('rejects %s', async (_, model, reason) => {
    const path = join(dir, `rejected-${files++}.onnx`);
    await writeOnnxModel(path, model);
    await expect(readModelMetadata(path)).rejects.toThrow(invalidModel(`${path} is not a model Demux can serve: ${reason}`));
  });

  it('rejects an input that is not a tensor', async () => {
    const path = join(dir, 'sequence.onnx');
    const model = onnx.ModelProto.encode({
      graph: {
        input: [{ name: 's', type: { sequenceType: { elemType: { tensorType: { elemType: ElemType.FLOAT } } } } }],
      },
    }).finish();
    await writeFile(path, model);
    await expect(readModelMetadata(path)).rejects.toThrow(invalidModel(`${path} is not a model Demux can serve: input "s" is not a tensor`));
  });

  it('rejects a truncated file', async () => {
    const path = join(dir, 'truncated.onnx');
    const whole = encodeOnnxModel({
      inputs: [{ name: 'x', elemType: ElemType.FLOAT, dims: [1] }],
      outputs: [{ name: 'y', elemType: ElemType.FLOAT, dims: [1] }],
      initializers: [{ name: 'W', bytes: 1024 }],
    });
    await writeFile(path, whole.subarray(0, 200));
    await expect(readModelMetadata(path)).rejects.toThrow(
      invalidModel(expect.stringMatching(/is not a model Demux can serve: malformed protobuf: a field of \d+ bytes at byte \d+ runs past the end of the file$/)),
    );
  });

  it('rejects a file that holds no graph', async () => {
    const path = join(dir, 'empty.onnx');
    await writeFile(path, new Uint8Array([0x08, 0x08]));
    await expect(readModelMetadata(path)).rejects.toThrow(invalidModel(`${path} is not a model Demux can serve: it has no graph`));
  });

  it('reports a missing file as NOT_FOUND', async () => {
    const path = join(dir, 'absent.onnx');
    await expect(readModelMetadata(path)).rejects.toThrow(
      expect.objectContaining({
        name: 'DemuxError',
        code: StatusCode.NOT_FOUND,
        message: `cannot open model file ${path}: ENOENT: no such file or directory, open '${path}'`,
      }),
    );
  });
});
