import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kserve } from '@demux/proto';
import { floatBytes, KServeClient } from './support/kserve-client.js';
import { expectCode } from './support/grpc-status.js';
import { testNats, type TestNats } from './support/nats-server.js';
import { writeConfig } from './support/services.js';
import { type NatsTestStack, type TestStack, stackModes, startNatsStack } from './support/stack.js';
import { floatTensor, predictRequest, TfsClient } from './support/tfs-client.js';

const IMAGE = 3 * 224 * 224;

const from = (node: string, item: string) => ({ node_name: node, data_item: item });
const addOne = (name: string, source: { node_name: string; data_item: string }) => ({
  name,
  model_name: 'dummy',
  type: 'DL model',
  inputs: [{ b: source }],
  outputs: [{ data_item: 'a', alias: 'a' }],
});

const PIPELINES = [
  {
    // resnet50DAG of OVMS's demultiplexer guide, on the small resnet.
    name: 'tinyDAG',
    inputs: ['0'],
    demultiply_count: -1,
    nodes: [
      { name: 'tinyNode', model_name: 'resnet-tiny', type: 'DL model', inputs: [{ '0': from('request', '0') }], outputs: [{ data_item: '1463', alias: '1463' }] },
    ],
    outputs: [{ '1463': from('tinyNode', '1463') }],
  },
  {
    name: 'plusOneAndTwo',
    inputs: ['b'],
    nodes: [addOne('first', from('request', 'b')), addOne('second', from('first', 'a'))],
    outputs: [{ plusOne: from('first', 'a') }, { plusTwo: from('second', 'a') }],
  },
];

// resnet-tiny takes one image at a time, so the pipeline's items are [1,3,224,224].
const configPath = writeConfig(['resnet-tiny', 'dummy', 'dummy-3d'], { pipeline_config_list: PIPELINES }, { 'resnet-tiny': { batch_size: '1' } });

type RequestFields = Partial<kserve.ModelInferRequest>;

const inferRequest = (modelName: string, fields: RequestFields): kserve.ModelInferRequest => ({ ...kserve.ModelInferRequest.create(), ...fields, modelName });

function tensorInput(name: string, datatype: string, shape: number[], contents?: Partial<kserve.InferTensorContents>): kserve.ModelInferRequest_InferInputTensor {
  return kserve.ModelInferRequest_InferInputTensor.fromPartial({ name, datatype, shape: shape.map(BigInt), contents });
}

const requested = (name: string, parameters = new Map<string, kserve.InferParameter>()) => ({ name, parameters });

/** A raw FP32 input and its bytes, as most KServe clients send tensors. */
function rawRequest(modelName: string, input: string, shape: number[], values: Float32Array, fields: RequestFields = {}): kserve.ModelInferRequest {
  return inferRequest(modelName, { ...fields, inputs: [tensorInput(input, 'FP32', shape)], rawInputContents: [floatBytes(values)] });
}

const ramp = (count: number, start = 0) => Float32Array.from({ length: count }, (_, i) => start + i);

/** Deterministic, varied images in 0..255. */
function images(count: number): Float32Array {
  const pixels = new Float32Array(count * IMAGE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 127.5 + 127.5 * Math.sin(i * 0.0007 + Math.floor(i / IMAGE));
  return pixels;
}

function floatsOf(response: kserve.ModelInferResponse, name: string): number[] {
  const index = response.outputs.findIndex((output) => output.name === name);
  const raw = response.rawOutputContents[index];
  if (!raw) throw new Error(`no output ${name}; outputs: ${response.outputs.map((output) => output.name).join(', ')}`);
  return [...new Float32Array(Uint8Array.from(raw).buffer)];
}

const described = (response: kserve.ModelInferResponse) => response.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape: shape.map(Number) }));


let nats: TestNats;

beforeAll(async () => {
  nats = await testNats();
});

afterAll(async () => {
  await nats.close();
});

describe.each(stackModes(() => nats, { configPath }))('KServe v2 gRPC over %s', (_mode, start) => {
  let stack: TestStack;
  let client: KServeClient;
  let tfs: TfsClient;

  beforeAll(async () => {
    stack = await start();
    client = new KServeClient(stack.grpcAddress);
    tfs = new TfsClient(stack.grpcAddress);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    tfs?.close();
    await stack?.stop();
  });

  it('says the server is live and ready, and who it is', async () => {
    expect(await client.serverLive()).toEqual({ live: true });
    await expect.poll(() => client.serverReady(), { timeout: 10_000, interval: 100 }).toEqual({ ready: true });
    expect(await client.serverMetadata()).toEqual({ name: 'demux', version: '0.1.0', extensions: [] });
  });

  it('says models and pipelines are ready, and refuses unknown ones with NOT_FOUND', async () => {
    for (const [name, version] of [['dummy', ''], ['dummy', '1'], ['tinyDAG', ''], ['tinyDAG', '1']] as const) {
      await expect.poll(() => client.modelReady(name, version), { timeout: 10_000, interval: 100 }).toEqual({ ready: true });
    }
    await Promise.all([
      expectCode(client.modelReady('noSuchModel'), status.NOT_FOUND),
      expectCode(client.modelReady('dummy', '7'), status.NOT_FOUND, 'no version 7'),
      expectCode(client.modelReady('tinyDAG', '2'), status.NOT_FOUND),
      expectCode(client.modelReady('dummy', 'latest'), status.INVALID_ARGUMENT, 'version must be a non-negative integer'),
    ]);
  });

  it('describes a pipeline with its demultiplexing dimension, and models as they are served', async () => {
    const tensor = (name: string, shape: number[]) => ({ name, datatype: 'FP32', shape: shape.map(BigInt) });
    expect(await client.modelMetadata('tinyDAG')).toEqual({
      name: 'tinyDAG',
      versions: ['1'],
      platform: 'ensemble',
      inputs: [tensor('0', [-1, 1, 3, 224, 224])],
      outputs: [tensor('1463', [-1, 1, 1000])],
    });
    expect(await client.modelMetadata('resnet-tiny', '1')).toEqual({
      name: 'resnet-tiny',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [tensor('0', [1, 3, 224, 224])],
      outputs: [tensor('1463', [1, 1000])],
    });
    expect(await client.modelMetadata('dummy-3d')).toMatchObject({ inputs: [tensor('b', [-1, 1, 10])], outputs: [tensor('a', [-1, 1, 10])] });
    await expectCode(client.modelMetadata('noSuchModel'), status.NOT_FOUND);
    await expectCode(client.modelMetadata('dummy', '1.0'), status.INVALID_ARGUMENT);
  });

  it('answers raw and typed contents with the numbers TFS Predict gives, bit for bit, echoing the id', async () => {
    const shape = [3, 1, 3, 224, 224];
    const batch = images(3);
    const [raw, typed, predicted] = await Promise.all([
      client.modelInfer(rawRequest('tinyDAG', '0', shape, batch, { id: 'raw request' })),
      client.modelInfer(inferRequest('tinyDAG', { id: 'typed request', inputs: [tensorInput('0', 'FP32', shape, { fp32Contents: [...batch] })] })),
      tfs.predict(predictRequest('tinyDAG', { '0': floatTensor(shape, batch) })),
    ]);
    const expected = Buffer.from(predicted.outputs.get('1463')!.tensorContent);
    expect(expected.length).toBe(3 * 1000 * 4);
    for (const [response, id] of [[raw, 'raw request'], [typed, 'typed request']] as const) {
      expect(response).toMatchObject({ modelName: 'tinyDAG', modelVersion: '1', id });
      expect(described(response)).toEqual([{ name: '1463', datatype: 'FP32', shape: [3, 1, 1000] }]);
      expect(Buffer.from(response.rawOutputContents[0]!).equals(expected)).toBe(true);
    }
  });

  it('names the version that served a plain model', async () => {
    for (const version of ['', '1']) {
      const response = await client.modelInfer(rawRequest('dummy', 'b', [2, 10], ramp(20), { modelVersion: version }));
      expect(response).toMatchObject({ modelName: 'dummy', modelVersion: '1', id: '' });
      expect(floatsOf(response, 'a')).toEqual([...ramp(20, 1)]);
    }
  });

  it('answers with only the outputs requested, in the order requested', async () => {
    const binaryData: kserve.InferParameter = { parameterChoice: { $case: 'boolParam', value: true } };
    const ask = (outputs: kserve.ModelInferRequest_InferRequestedOutputTensor[]) =>
      client.modelInfer(rawRequest('plusOneAndTwo', 'b', [1, 10], ramp(10), { outputs }));
    const [reversed, one, all] = await Promise.all([
      ask([requested('plusTwo'), requested('plusOne', new Map([['binary_data', binaryData]]))]),
      ask([requested('plusOne')]),
      ask([]),
    ]);
    expect(reversed.outputs.map((output) => output.name)).toEqual(['plusTwo', 'plusOne']);
    expect(floatsOf(reversed, 'plusTwo')).toEqual([...ramp(10, 2)]);
    expect(floatsOf(reversed, 'plusOne')).toEqual([...ramp(10, 1)]);
    expect(one.outputs.map((output) => output.name)).toEqual(['plusOne']);
    expect(all.outputs.map((output) => output.name)).toEqual(['plusOne', 'plusTwo']);
    await expectCode(ask([requested('plusThree')]), status.INVALID_ARGUMENT, 'no output "plusThree"');
  });

  it('refuses bad requests with their status codes', async () => {
    const b = (datatype: string, contents?: Partial<kserve.InferTensorContents>) => tensorInput('b', datatype, [1, 10], contents);
    const ten = floatBytes(ramp(10));
    await Promise.all([
      expectCode(
        client.modelInfer(inferRequest('dummy', { inputs: [b('INT32')], rawInputContents: [ten] })),
        status.INVALID_ARGUMENT,
        'expected dtype FP32, got INT32',
      ),
      expectCode(
        client.modelInfer(inferRequest('dummy', { inputs: [b('BYTES', { bytesContents: Array.from({ length: 10 }, () => new Uint8Array(4)) })] })),
        status.INVALID_ARGUMENT,
        'expected dtype FP32, got BYTES',
      ),
      expectCode(
        client.modelInfer(inferRequest('dummy', { inputs: [b('FP16', { uintContents: Array.from({ length: 10 }, () => 0x3c00) })] })),
        status.INVALID_ARGUMENT,
        'FP16 data must be sent in raw_input_contents',
      ),
      expectCode(
        client.modelInfer(inferRequest('dummy', { inputs: [b('FP32')], rawInputContents: [ten.subarray(0, 36)] })),
        status.INVALID_ARGUMENT,
        'raw_input_contents has 36 bytes, expected 40',
      ),
      expectCode(
        client.modelInfer(inferRequest('dummy', { inputs: [b('FP32', { fp32Contents: [...ramp(9)] })] })),
        status.INVALID_ARGUMENT,
        'fp32_contents has 9 values, expected 10',
      ),
      expectCode(client.modelInfer(rawRequest('dummy', 'b', [1, 11], ramp(11))), status.INVALID_ARGUMENT, 'dimension 1 must be 10'),
      expectCode(client.modelInfer(rawRequest('dummy', 'x', [1, 10], ramp(10))), status.INVALID_ARGUMENT, 'unexpected input "x"'),
      expectCode(
        client.modelInfer(inferRequest('dummy', { inputs: [b('FP32', { fp32Contents: [...ramp(10)] })], rawInputContents: [ten] })),
        status.INVALID_ARGUMENT,
        'contents must be empty when raw_input_contents is used',
      ),
      expectCode(
        client.modelInfer(inferRequest('dummy', { inputs: [b('FP32')], rawInputContents: [ten, ten] })),
        status.INVALID_ARGUMENT,
        'raw_input_contents has 2 entries for 1 inputs',
      ),
      expectCode(client.modelInfer(rawRequest('noSuchModel', 'b', [1, 10], ramp(10))), status.NOT_FOUND),
      expectCode(client.modelInfer(rawRequest('dummy', 'b', [1, 10], ramp(10), { modelVersion: '7' })), status.NOT_FOUND, 'no version 7'),
      expectCode(client.modelInfer(rawRequest('dummy', 'b', [1, 10], ramp(10), { modelVersion: 'one' })), status.INVALID_ARGUMENT),
    ]);
  });
});

describe('KServe ServerReady follows the workers', () => {
  let stack: NatsTestStack;
  let client: KServeClient;

  beforeAll(async () => {
    stack = await startNatsStack(nats, { configPath: writeConfig(['dummy']), workers: 1 });
    client = new KServeClient(stack.grpcAddress);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  const readiness = async () => ({ server: (await client.serverReady()).ready, model: (await client.modelReady('dummy')).ready });
  const poll = () => expect.poll(readiness, { timeout: 10_000, interval: 100 });

  it('turns false when the last worker stops and true when one returns', async () => {
    await poll().toEqual({ server: true, model: true });
    for (const worker of stack.workers) worker.kill('SIGTERM');
    await Promise.all(stack.workers.map((worker) => worker.exited));
    await poll().toEqual({ server: false, model: false });
    expect(await client.serverLive()).toEqual({ live: true });
    await stack.startWorker();
    await poll().toEqual({ server: true, model: true });
  });
});
