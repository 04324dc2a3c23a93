/**
 * Hostile input: thousands of malformed or adversarial requests through every front door. Each
 * must get a status code; no process may crash; memory must come back near where it started.
 */
import { readFileSync } from 'node:fs';
import { credentials, makeGenericClientConstructor, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kserve, tfs } from '@demux/proto';
import { writeConfig } from './support/services.js';
import { startEmbeddedStack, type TestStack } from './support/stack.js';
import { floatTensor, predictRequest, TfsClient } from './support/tfs-client.js';

const configPath = writeConfig(['dummy', 'dummy-3d'], {
  pipeline_config_list: [
    {
      name: 'demuxed',
      inputs: ['b'],
      demultiply_count: -1,
      nodes: [{ name: 'n', model_name: 'dummy', type: 'DL model', inputs: [{ b: { node_name: 'request', data_item: 'b' } }], outputs: [{ data_item: 'a', alias: 'a' }] }],
      outputs: [{ a: { node_name: 'n', data_item: 'a' } }],
    },
  ],
});

/** A seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A client that sends raw bytes as the request of any unary method. */
const RawClient = makeGenericClientConstructor({}, 'Raw');

function rawCall(client: InstanceType<typeof RawClient>, path: string, bytes: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (value: Uint8Array) => Buffer.from(value),
      (value: Buffer) => value,
      bytes,
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      (error: ServiceError | null) => resolve(error ? error.code : status.OK),
    );
  });
}

/** Adversarial tensors: wrong dtypes, negative and overflowing dims, content lengths off by one. */
function adversarialTensor(next: () => number): tfs.TensorProto {
  const dims = Array.from({ length: Math.floor(next() * 5) }, () => {
    const pick = next();
    if (pick < 0.1) return -BigInt(Math.floor(next() * 10) + 1);
    if (pick < 0.2) return 2n ** BigInt(20 + Math.floor(next() * 43));
    return BigInt(Math.floor(next() * 12));
  });
  const count = dims.reduce((product, dim) => (dim > 0n && dim < 1000n ? product * Number(dim) : product), 1);
  const offByOne = next() < 0.5 ? -1 : 1;
  const dtypes = [tfs.DataType.DT_FLOAT, tfs.DataType.DT_INT32, tfs.DataType.DT_STRING, tfs.DataType.DT_HALF, tfs.DataType.DT_BOOL, 999 as tfs.DataType];
  return tfs.TensorProto.fromPartial({
    dtype: dtypes[Math.floor(next() * dtypes.length)]!,
    tensorShape: { dim: dims.map((size) => ({ size })) },
    tensorContent: new Uint8Array(Math.max(0, count * 4 + offByOne)),
    floatVal: next() < 0.3 ? Array.from({ length: Math.floor(next() * 20) }, () => next()) : [],
  });
}

function memoryOf(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? 0) * 1024;
}

let stack: TestStack;
let raw: InstanceType<typeof RawClient>;
let tfsClient: TfsClient;
const codes = new Map<string, number>();
let sent = 0;

function count(door: string, code: number): void {
  sent++;
  const key = `${door} ${status[code]}`;
  codes.set(key, (codes.get(key) ?? 0) + 1);
}

beforeAll(async () => {
  stack = await startEmbeddedStack({ configPath, workers: 1 });
  raw = new RawClient(stack.grpcAddress, credentials.createInsecure(), { 'grpc.max_send_message_length': 256 * 1024 * 1024 });
  tfsClient = new TfsClient(stack.grpcAddress);
}, 120_000);

afterAll(async () => {
  raw?.close();
  tfsClient?.close();
  await stack?.stop();
  console.log(`[reliability] fuzz: ${sent} hostile requests, codes ${JSON.stringify(Object.fromEntries(codes))}`);
});

/** Runs `total` cases, `concurrency` at a time. */
async function fuzz(total: number, concurrency: number, one: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await one(next++);
  }));
}

describe('hostile input through every front door', () => {
  const goodRequest = predictRequest('demuxed', { b: floatTensor([2, 1, 10], new Float32Array(20)) });
  let startMemory = 0;

  it('answers random bytes sent as protobuf with a status, never INTERNAL', async () => {
    startMemory = memoryOf(stack.processes[0]!.child.pid!);
    const next = random(1);
    const paths = [
      '/tensorflow.serving.PredictionService/Predict',
      '/tensorflow.serving.PredictionService/GetModelMetadata',
      '/tensorflow.serving.ModelService/GetModelStatus',
      '/inference.GRPCInferenceService/ModelInfer',
      '/inference.GRPCInferenceService/ModelMetadata',
      '/inference.GRPCInferenceService/ModelReady',
    ];
    await fuzz(4_000, 32, async (index) => {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 512) }, () => Math.floor(next() * 256));
      const path = paths[index % paths.length]!;
      const code = await rawCall(raw, path, bytes);
      count(path.split('/')[2]!, code);
      expect(code, `case ${index} on ${path}`).not.toBe(status.INTERNAL);
      expect(code, `case ${index} on ${path}`).not.toBe(status.UNKNOWN);
    });
  }, 120_000);

  it('answers adversarial tensors through TFS Predict and KServe ModelInfer with INVALID_ARGUMENT, NOT_FOUND or RESOURCE_EXHAUSTED', async () => {
    const next = random(2);
    const allowed = [status.INVALID_ARGUMENT, status.NOT_FOUND, status.RESOURCE_EXHAUSTED];
    await fuzz(4_000, 32, async (index) => {
      const tensor = adversarialTensor(next);
      const name = next() < 0.8 ? 'demuxed' : 'dummy';
      const input = next() < 0.9 ? 'b' : 'x';
      if (index % 2 === 0) {
        const request = tfs.PredictRequest.encode(predictRequest(name, { [input]: tensor })).finish();
        const code = await rawCall(raw, '/tensorflow.serving.PredictionService/Predict', request);
        count('Predict(adversarial)', code);
        if (code !== status.OK) expect(allowed, `case ${index}`).toContain(code);
      } else {
        const shape = (tensor.tensorShape?.dim ?? []).map((dim) => dim.size);
        const request = kserve.ModelInferRequest.encode(
          kserve.ModelInferRequest.fromPartial({
            modelName: name,
            inputs: [{ name: input, datatype: ['FP32', 'INT8', 'BYTES', 'FP16', 'NOPE'][Math.floor(next() * 5)]!, shape }],
            rawInputContents: [tensor.tensorContent],
          }),
        ).finish();
        const code = await rawCall(raw, '/inference.GRPCInferenceService/ModelInfer', request);
        count('ModelInfer(adversarial)', code);
        if (code !== status.OK) expect(allowed, `case ${index}`).toContain(code);
      }
    });
  }, 120_000);

  it('refuses a message over the size limit with RESOURCE_EXHAUSTED', async () => {
    const oversized = new Uint8Array(65 * 1024 * 1024);
    for (let i = 0; i < 3; i++) {
      const code = await rawCall(raw, '/tensorflow.serving.PredictionService/Predict', oversized);
      count('Predict(oversized)', code);
      expect(code).toBe(status.RESOURCE_EXHAUSTED);
    }
  }, 60_000);

  it('answers broken REST bodies with 4xx and a JSON error', async () => {
    const next = random(3);
    const paths = ['/v1/models/demuxed:predict', '/v2/models/demuxed/infer', '/v2/models/dummy/infer', '/v1/models/dummy:predict'];
    const bodies = [
      () => '{"instances": [[1, 2,',
      () => '{"inputs": {"b": "not numbers"}}',
      () => JSON.stringify({ inputs: [{ name: 'b', datatype: 'FP32', shape: [2 ** 40, 2 ** 40], data: [1] }] }),
      () => JSON.stringify({ inputs: [{ name: 'b', datatype: 'FP32', shape: [1, 10], data: Array(9).fill(1) }] }),
      () => JSON.stringify({ instances: [[[1, 2], [3]]] }),
      () => String.fromCharCode(...Array.from({ length: 64 }, () => Math.floor(next() * 256))),
      () => 'null',
      () => '[]',
    ];
    await fuzz(2_400, 16, async (index) => {
      const path = paths[index % paths.length]!;
      const response = await fetch(`${stack.restAddress}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bodies[Math.floor(next() * bodies.length)]!(),
      });
      count(`REST ${response.status}`, response.status >= 400 && response.status < 500 ? status.INVALID_ARGUMENT : status.INTERNAL);
      expect(response.status, `case ${index} on ${path}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `case ${index} on ${path}`).toBeLessThan(500);
      expect(await response.json()).toHaveProperty('error');
    });
  }, 120_000);

  it('keeps serving, with memory back near where it started', async () => {
    const [stackProcess] = stack.processes;
    expect(stackProcess!.child.exitCode).toBeNull();
    const response = await tfsClient.predict(goodRequest);
    expect([...new Float32Array(new Uint8Array(response.outputs.get('a')!.tensorContent).buffer)]).toEqual(new Array(20).fill(1));
    expect(sent).toBeGreaterThanOrEqual(10_000);
    await expect
      .poll(() => memoryOf(stackProcess!.child.pid!), { timeout: 30_000, interval: 1_000 })
      .toBeLessThan(startMemory * 1.5 + 64 * 1024 * 1024);
    console.log(`[reliability] fuzz memory: ${(startMemory / 2 ** 20).toFixed(0)} MiB before, ${(memoryOf(stackProcess!.child.pid!) / 2 ** 20).toFixed(0)} MiB after`);
  }, 60_000);
});
