import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfs } from '@demux/proto';
import { expectCode } from './support/grpc-status.js';
import { RESNET50_DAG } from './support/resnet-pipeline.js';
import { testNats, type TestNats } from './support/nats-server.js';
import { MODELS_DIR, startService, writeConfig } from './support/services.js';
import { type TestStack, stackModes } from './support/stack.js';
import { floatOutput, floatTensor, predictRequest, signatureShapes, TfsClient } from './support/tfs-client.js';

const IMAGE = 3 * 224 * 224;
const CLASSES = 1000;

const from = (node: string, item: string) => ({ node_name: node, data_item: item });
const addOne = (name: string, model: string, source: { node_name: string; data_item: string }, extra: object = {}) => ({
  name,
  model_name: model,
  type: 'DL model',
  inputs: [{ b: source }],
  outputs: [{ data_item: 'a', alias: 'a' }],
  ...extra,
});

/** The guide's resnet50DAG, and small pipelines of the add-one models that pin OVMS's demultiplexing rules. */
const PIPELINES = [
  RESNET50_DAG,
  {
    name: 'twoNodes',
    inputs: ['b'],
    nodes: [addOne('first', 'dummy', from('request', 'b')), addOne('second', 'dummy', from('first', 'a'))],
    outputs: [{ a: from('second', 'a') }],
  },
  {
    name: 'fixedDemux',
    inputs: ['b'],
    demultiply_count: 3,
    nodes: [addOne('each', 'dummy', from('request', 'b'))],
    outputs: [{ a: from('each', 'a') }],
  },
  {
    name: 'demuxSecondNode',
    inputs: ['b'],
    nodes: [addOne('split', 'dummy-3d', from('request', 'b'), { demultiply_count: -1 }), addOne('each', 'dummy', from('split', 'a'))],
    outputs: [{ a: from('each', 'a') }],
  },
  {
    name: 'gatherIntermediate',
    inputs: ['b'],
    nodes: [
      addOne('split', 'dummy-3d', from('request', 'b'), { demultiply_count: -1 }),
      addOne('each', 'dummy', from('split', 'a')),
      addOne('whole', 'dummy-3d', from('each', 'a'), { gather_from_node: 'split' }),
    ],
    outputs: [{ a: from('whole', 'a') }],
  },
];

// resnet is served with batch size 1, as the guide's model is: its items are [1,3,224,224].
const configPath = writeConfig(['resnet', 'dummy', 'dummy-3d'], { pipeline_config_list: PIPELINES }, { resnet: { batch_size: '1' } });

/** Deterministic, varied images in 0..255, one per index. */
function image(index: number): Float32Array {
  const pixels = new Float32Array(IMAGE);
  for (let i = 0; i < IMAGE; i++) pixels[i] = 127.5 + 127.5 * Math.sin(i * 0.0007 * (index + 1) + index);
  return pixels;
}

const ramp = (count: number) => Float32Array.from({ length: count }, (_, i) => i);

function batchOf(indices: number[]): Float32Array {
  const batch = new Float32Array(indices.length * IMAGE);
  indices.forEach((index, row) => batch.set(image(index), row * IMAGE));
  return batch;
}

/** What ResNet-50 gives for each image alone, in this process: the reference every item must match. */
let reference: Float32Array[];
let nats: TestNats;

beforeAll(async () => {
  nats = await testNats();
  const session = await ort.InferenceSession.create(join(MODELS_DIR, 'resnet', '1', 'model.onnx'));
  reference = [];
  for (let index = 0; index < 33; index++) {
    const result = await session.run({ '0': new ort.Tensor('float32', image(index), [1, 3, 224, 224]) });
    reference.push(result['1463']!.data as Float32Array);
  }
  await session.release();
}, 120_000);

afterAll(async () => {
  await nats.close();
});


describe.each(stackModes(() => nats, { configPath }))('end to end over %s', (_mode, start) => {
  let stack: TestStack;
  let client: TfsClient;

  beforeAll(async () => {
    stack = await start();
    client = new TfsClient(stack.grpcAddress);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it('shows the demultiplexing dimension in pipeline metadata', async () => {
    expect(signatureShapes(await client.metadata('resnet50DAG'))).toEqual({
      inputs: { '0': [-1, 1, 3, 224, 224] },
      outputs: { '1463': [-1, 1, 1000] },
    });
    expect(signatureShapes(await client.metadata('resnet'))).toEqual({ inputs: { '0': [1, 3, 224, 224] }, outputs: { '1463': [1, 1000] } });
    expect(signatureShapes(await client.metadata('fixedDemux'))).toEqual({ inputs: { b: [3, -1, 10] }, outputs: { a: [3, -1, 10] } });
  });

  it('reports models and pipelines AVAILABLE', async () => {
    for (const name of ['resnet', 'resnet50DAG']) {
      const response = await client.status(name);
      expect(response.modelVersionStatus.map((version) => [Number(version.version), version.state])).toEqual([
        [1, tfs.ModelVersionStatus_State.AVAILABLE],
      ]);
    }
  });

  it('answers batches of 1, 3, 8 and 33 at the same time, each item as the model gives it alone', async () => {
    const batches = [1, 3, 8, 33].map((size, b) => Array.from({ length: size }, (_, i) => (i + b * 7) % 33));
    const responses = await Promise.all(
      batches.map((indices) => client.predict(predictRequest('resnet50DAG', { '0': floatTensor([indices.length, 1, 3, 224, 224], batchOf(indices)) }))),
    );
    responses.forEach((response, b) => {
      const indices = batches[b]!;
      const { shape, values } = floatOutput(response, '1463');
      expect(shape).toEqual([indices.length, 1, CLASSES]);
      indices.forEach((index, row) => {
        const item = values.subarray(row * CLASSES, (row + 1) * CLASSES);
        const expected = reference[index]!;
        const diff = Math.max(...item.map((value, k) => Math.abs(value - expected[k]!)));
        expect(diff).toBeLessThan(1e-5);
      });
    });
  });

  it('splits a batch sent to a plain model with a dynamic batch into rows and stacks the answers', async () => {
    const response = await client.predict(predictRequest('dummy', { b: floatTensor([3, 10], ramp(30)) }));
    const { shape, values } = floatOutput(response, 'a');
    expect(shape).toEqual([3, 10]);
    expect([...values]).toEqual([...ramp(30)].map((value) => value + 1));
  });

  it('holds the plain resnet to its configured batch size of 1', async () => {
    const image4 = await client.predict(predictRequest('resnet', { '0': floatTensor([1, 3, 224, 224], batchOf([4])) }));
    const { values } = floatOutput(image4, '1463');
    expect(Math.max(...values.map((v, k) => Math.abs(v - reference[4]![k]!)))).toBeLessThan(1e-5);
    await expectCode(client.predict(predictRequest('resnet', { '0': floatTensor([2, 3, 224, 224], batchOf([4, 5])) })), status.INVALID_ARGUMENT, 'dimension 0 must be 1');
  });

  it.each([
    ['a two-node pipeline adds twice', 'twoNodes', [2, 10], [2, 10], 2],
    ['a fixed demultiply_count splits into exactly 3 items', 'fixedDemux', [3, 2, 10], [3, 2, 10], 1],
    ['a demultiplexer on the second node is gathered at the response', 'demuxSecondNode', [4, 1, 10], [4, 1, 10], 2],
    ['gathering at an intermediate node feeds the node after it', 'gatherIntermediate', [5, 1, 10], [5, 1, 10], 3],
  ])('%s', async (_name, pipeline, inputShape, outputShape, added) => {
    const count = inputShape.reduce((a, b) => a * b, 1);
    const response = await client.predict(predictRequest(pipeline, { b: floatTensor(inputShape, ramp(count)) }));
    const { shape, values } = floatOutput(response, 'a');
    expect(shape).toEqual(outputShape);
    expect([...values]).toEqual([...ramp(count)].map((value) => value + added));
  });

  it('refuses bad requests with their status codes while good requests keep succeeding', async () => {
    const good = Array.from({ length: 6 }, (_, i) =>
      client.predict(predictRequest('twoNodes', { b: floatTensor([1, 10], ramp(10).map((v) => v + i)) })),
    );
    const image1 = batchOf([0]);
    const int32 = tfs.TensorProto.fromPartial({
      dtype: tfs.DataType.DT_INT32,
      tensorShape: { dim: [1, 1, 3, 224, 224].map((size) => ({ size: BigInt(size) })) },
      tensorContent: new Uint8Array(image1.buffer),
    });
    const shaped = (dims: bigint[], bytes: Uint8Array) =>
      tfs.TensorProto.fromPartial({ dtype: tfs.DataType.DT_FLOAT, tensorShape: { dim: dims.map((size) => ({ size })) }, tensorContent: bytes });
    await Promise.all([
      expectCode(client.predict(predictRequest('resnet50DAG', { '0': int32 })), status.INVALID_ARGUMENT, 'expected dtype FP32, got INT32'),
      expectCode(client.predict(predictRequest('resnet50DAG', { '0': floatTensor([1, 3, 224, 224], image1) })), status.INVALID_ARGUMENT, 'expected rank 5'),
      expectCode(
        client.predict(predictRequest('resnet50DAG', { '0': floatTensor([1, 1, 3, 224, 224], image1.subarray(0, IMAGE - 1)) })),
        status.INVALID_ARGUMENT,
      ),
      expectCode(client.predict(predictRequest('twoNodes', { b: shaped([-1n, 10n], new Uint8Array(0)) })), status.INVALID_ARGUMENT),
      expectCode(client.predict(predictRequest('twoNodes', { b: shaped([2n ** 40n, 2n ** 40n], new Uint8Array(40)) })), status.INVALID_ARGUMENT),
      expectCode(client.predict(predictRequest('twoNodes', { b: shaped([2n ** 62n, 10n], new Uint8Array(40)) })), status.INVALID_ARGUMENT),
      expectCode(client.predict(predictRequest('noSuchModel', { b: floatTensor([1, 10], ramp(10)) })), status.NOT_FOUND),
      expectCode(client.predict(predictRequest('dummy', { b: floatTensor([1, 10], ramp(10)) }, 7)), status.NOT_FOUND, 'no version 7'),
      expectCode(client.metadata('noSuchModel'), status.NOT_FOUND),
    ]);
    const answers = await Promise.all(good);
    answers.forEach((answer, i) => expect([...floatOutput(answer, 'a').values]).toEqual([...ramp(10)].map((v) => v + i + 2)));
  });

  it('ends a request whose dynamic demultiplexer yields no items with INVALID_ARGUMENT', async () => {
    const empty = client.predict(predictRequest('demuxSecondNode', { b: floatTensor([0, 1, 10], new Float32Array(0)) }));
    await expectCode(empty, status.INVALID_ARGUMENT);
  });
});

describe('a scheduler refuses an invalid pipeline config at start-up', () => {
  // Covered in depth by the definition's unit tests; here the process names the problem and exits.
  it.each([
    ['an unknown model', { name: 'p', inputs: ['b'], nodes: [addOne('n', 'nope', from('request', 'b'))], outputs: [{ a: from('n', 'a') }] }, 'nope'],
    ['a node nobody connects to the response', { name: 'p', inputs: ['b'], nodes: [addOne('n', 'dummy', from('request', 'b')), addOne('idle', 'dummy', from('request', 'b'))], outputs: [{ a: from('n', 'a') }] }, 'idle'],
    [
      'a cycle',
      {
        name: 'p',
        inputs: ['b'],
        nodes: [addOne('z', 'dummy', from('request', 'b')), addOne('x', 'dummy', from('y', 'a')), addOne('y', 'dummy', from('x', 'a'))],
        outputs: [{ a: from('z', 'a') }, { c: from('y', 'a') }],
      },
      'cycle',
    ],
  ])('%s', async (_name, pipeline, mentioned) => {
    const bad = writeConfig(['dummy'], { pipeline_config_list: [pipeline] });
    const scheduler = startService('scheduler', ['--config_path', bad, '--nats', nats.url, '--port', '0']);
    expect(await scheduler.exited).toBe(1);
    expect(scheduler.log()).toContain('pipeline p');
    expect(scheduler.log()).toContain(mentioned);
  });
});
