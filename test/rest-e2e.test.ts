import { Buffer } from 'node:buffer';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testNats, type TestNats } from './support/nats-server.js';
import { parseSamples, sampleValue } from './support/prometheus-text.js';
import { writeConfig } from './support/services.js';
import { type TestStack, stackModes } from './support/stack.js';
import { floatOutput, floatTensor, predictRequest, TfsClient } from './support/tfs-client.js';

/** A JSON response body, read as loosely as a REST client reads it. */
type JsonBody = any;

const IMAGE = 3 * 224 * 224;
const CLASSES = 1000;

const from = (node: string, item: string) => ({ node_name: node, data_item: item });

/** The guide's resnet50DAG on the small resnet, which takes one image at a time. */
const PIPELINES = [
  {
    name: 'tinyDAG',
    inputs: ['0'],
    demultiply_count: 0,
    nodes: [
      { name: 'tinyNode', model_name: 'resnet-tiny', type: 'DL model', inputs: [{ '0': from('request', '0') }], outputs: [{ data_item: '1463', alias: '1463' }] },
    ],
    outputs: [{ '1463': from('tinyNode', '1463') }],
  },
];

const configPath = writeConfig(['resnet-tiny', 'dummy'], { pipeline_config_list: PIPELINES }, { 'resnet-tiny': { batch_size: '1' } });

/** Deterministic, varied images in 0..255 with fractions, so that JSON must carry every digit. */
function images(count: number): Float32Array {
  const pixels = new Float32Array(count * IMAGE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 127.5 + 127.5 * Math.sin(i * 0.0007 + Math.floor(i / IMAGE));
  return pixels;
}

/** Row-major values as nested lists of `shape`. */
function nested(values: ArrayLike<number>, shape: number[], offset = 0): unknown {
  const [dim, ...inner] = shape;
  if (dim === undefined) return values[offset];
  const stride = inner.reduce((product, size) => product * size, 1);
  return Array.from({ length: dim }, (_, index) => nested(values, inner, offset + index * stride));
}

const float32 = (values: unknown): Float32Array => Float32Array.from((values as number[]).flat(Infinity) as number[]);
const bytes = (values: Float32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });
}

/** A KServe binary request: the JSON header, then the raw bytes, with the header's length in its own header. */
function binaryInfer(url: string, header: object, data: Buffer): Promise<Response> {
  const json = Buffer.from(JSON.stringify(header));
  return post(url, Buffer.concat([json, data]), { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.length) });
}

/** Sends raw bytes on a fresh connection, then ends it, and returns what comes back before the server closes it (or a second passes). */
function rawHttp(address: string, request: string): Promise<string> {
  const { hostname, port } = new URL(address);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.end(request));
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => {});
  });
}

let nats: TestNats;

beforeAll(async () => {
  nats = await testNats();
});

afterAll(async () => {
  await nats.close();
});

describe.each(stackModes(() => nats, { configPath }))('REST APIs over %s', (_mode, start) => {
  let stack: TestStack;
  let tfs: TfsClient;
  let rest: string;

  beforeAll(async () => {
    stack = await start();
    tfs = new TfsClient(stack.grpcAddress);
    rest = stack.restAddress;
  }, 120_000);

  afterAll(async () => {
    tfs?.close();
    await stack?.stop();
  });

  it('answers the health, readiness and status endpoints', async () => {
    expect((await fetch(`${rest}/v2/health/live`)).status).toBe(200);
    await expect.poll(async () => (await fetch(`${rest}/v2/health/ready`)).status, { timeout: 10_000, interval: 100 }).toBe(200);
    const ready = await fetch(`${rest}/v2/models/tinyDAG/versions/1/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { name: 'tinyDAG', ready: true }]);
    expect(await (await fetch(`${rest}/v1/models/tinyDAG`)).json()).toEqual({
      model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }],
    });
    const unknown = await fetch(`${rest}/v2/models/noSuchModel/ready`);
    expect([unknown.status, ((await unknown.json()) as JsonBody).error]).toEqual([404, expect.stringContaining('noSuchModel')]);
  });

  it('describes the pipeline with its demultiplexing dimension in both metadata formats', async () => {
    const tfsMetadata = (await (await fetch(`${rest}/v1/models/tinyDAG/metadata`)).json()) as JsonBody;
    expect(tfsMetadata.model_spec).toEqual({ name: 'tinyDAG', signature_name: 'serving_default', version: '1' });
    const signature = tfsMetadata.metadata.signature_def.signature_def.serving_default;
    expect(signature.inputs['0']).toEqual({
      name: '0',
      dtype: 'DT_FLOAT',
      tensor_shape: { dim: ['-1', '1', '3', '224', '224'].map((size) => ({ size, name: '' })), unknown_rank: false },
    });
    expect(signature.outputs['1463'].tensor_shape.dim.map((dim: { size: string }) => dim.size)).toEqual(['-1', '1', '1000']);
    expect(await (await fetch(`${rest}/v2/models/tinyDAG`)).json()).toEqual({
      name: 'tinyDAG',
      versions: ['1'],
      platform: 'ensemble',
      inputs: [{ name: '0', datatype: 'FP32', shape: [-1, 1, 3, 224, 224] }],
      outputs: [{ name: '1463', datatype: 'FP32', shape: [-1, 1, 1000] }],
    });
  });

  it('gives the same numbers, to the bit, through TFS gRPC, TFS REST (row and columnar) and KServe REST (JSON and binary)', async () => {
    const batch = 3;
    const pixels = images(batch);
    const shape = [batch, 1, 3, 224, 224];
    const grpc = floatOutput(await tfs.predict(predictRequest('tinyDAG', { '0': floatTensor(shape, pixels) })), '1463');
    expect(grpc.shape).toEqual([batch, 1, CLASSES]);

    const row = await post(`${rest}/v1/models/tinyDAG:predict`, { instances: nested(pixels, shape) });
    const columnar = await post(`${rest}/v1/models/tinyDAG/versions/1:predict`, { inputs: nested(pixels, shape) });
    const kserveJson = await post(`${rest}/v2/models/tinyDAG/infer`, { id: 'json', inputs: [{ name: '0', datatype: 'FP32', shape, data: [...pixels] }] });
    const kserveBinary = await binaryInfer(
      `${rest}/v2/models/tinyDAG/versions/1/infer`,
      { inputs: [{ name: '0', datatype: 'FP32', shape, parameters: { binary_data_size: pixels.byteLength } }], outputs: [{ name: '1463', parameters: { binary_data: true } }] },
      bytes(pixels),
    );
    for (const response of [row, columnar, kserveJson, kserveBinary]) expect(response.status).toBe(200);

    const rowJson = (await row.json()) as JsonBody;
    expect(rowJson.predictions).toHaveLength(batch);
    const kserveAnswer = (await kserveJson.json()) as JsonBody;
    expect(kserveAnswer).toMatchObject({ model_name: 'tinyDAG', model_version: '1', id: 'json', outputs: [{ name: '1463', datatype: 'FP32', shape: [batch, 1, CLASSES] }] });
    expect(kserveBinary.headers.get('content-type')).toBe('application/octet-stream');
    const framed = Buffer.from(await kserveBinary.arrayBuffer());
    const headerLength = Number(kserveBinary.headers.get('inference-header-content-length'));
    expect(JSON.parse(framed.subarray(0, headerLength).toString()).outputs).toEqual([
      { name: '1463', datatype: 'FP32', shape: [batch, 1, CLASSES], parameters: { binary_data_size: batch * CLASSES * 4 } },
    ]);

    const expected = bytes(grpc.values);
    expect(bytes(float32(rowJson.predictions))).toEqual(expected);
    expect(bytes(float32(((await columnar.json()) as JsonBody).outputs))).toEqual(expected);
    expect(bytes(float32(kserveAnswer.outputs[0].data))).toEqual(expected);
    expect(framed.subarray(headerLength)).toEqual(expected);
  });

  it('refuses bad REST bodies with 400 and an error body, and keeps serving', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => i + 0.25);
    const infer = `${rest}/v2/models/dummy/infer`;
    const binaryHeader = { inputs: [{ name: 'b', datatype: 'FP32', shape: [1, 10], parameters: { binary_data_size: 40 } }] };
    const refusals = await Promise.all([
      post(`${rest}/v1/models/dummy:predict`, '{"instances": [[1, 2'),
      post(infer, '{"inputs": [}'),
      post(`${rest}/v1/models/dummy:predict`, { instances: [[1, 2, 3]] }),
      post(`${rest}/v1/models/dummy:predict`, { instances: [ten, [1, 2]] }),
      post(infer, { inputs: [{ name: 'b', datatype: 'FP32', shape: [1, 10], data: [1, 2, 3] }] }),
      post(infer, { inputs: [{ name: 'b', datatype: 'FP32', shape: [10, 1], data: ten }] }),
      post(infer, Buffer.from(JSON.stringify(binaryHeader)), { 'inference-header-content-length': '100000' }),
      binaryInfer(infer, binaryHeader, Buffer.alloc(36)),
      binaryInfer(infer, binaryHeader, Buffer.alloc(44)),
    ]);
    for (const response of refusals) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    }

    // A Content-Length shorter than the body (the bytes after it are no request) or longer than it
    // (the client stops sending): the HTTP server itself answers 400.
    const body = JSON.stringify({ instances: [ten] });
    for (const length of [body.length - 5, body.length + 100]) {
      const answer = await rawHttp(rest, `POST /v1/models/dummy:predict HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n${body}`);
      expect(answer).toMatch(/^HTTP\/1\.1 400 [^]*"error":/);
    }

    const good = await post(`${rest}/v1/models/dummy:predict`, { instances: [ten] });
    expect(await good.json()).toEqual({ predictions: [ten.map((value) => value + 1)] });
  });

  it('shows the request counters at /metrics and counts each REST request', async () => {
    const labels = { api: 'TensorFlowServing', interface: 'REST', method: 'Predict', name: 'dummy' };
    const counted = async () => {
      const response = await fetch(`${rest}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain('ovms_requests_success');
      return sampleValue(parseSamples(text), 'ovms_requests_success', labels) ?? 0;
    };
    const before = await counted();
    const response = await post(`${rest}/v1/models/dummy:predict`, { instances: [Array.from({ length: 10 }, () => 1)] });
    expect(response.status).toBe(200);
    expect(await counted()).toBe(before + 1);
  });
});
