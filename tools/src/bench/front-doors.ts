/**
 * The latency of each front door for one `resnet50DAG` request of batch 1 and batch 8, side by
 * side against one stack: TFS gRPC, KServe gRPC, TFS REST (row JSON), KServe REST (JSON and
 * binary). Medians over rounds that take the doors in turn, so they share the machine's state.
 *   node tools/dist/bench/front-doors.js [--rounds 5]   (needs imgs.npy: `pnpm sample-data`)
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { kserve, tfs } from '@demux/proto';
import { connect, predict } from '../client/connection.js';
import { readNpy } from '../npy/npy.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, port: { type: 'string', default: '9020' }, rest_port: { type: 'string', default: '8020' } },
});
const rounds = Number(values.rounds);
const IMAGE = 3 * 224 * 224;
const images = (await readNpy('imgs.npy')).data as Float32Array;
const rest = `http://127.0.0.1:${values.rest_port}`;

function batch(size: number): Float32Array {
  return images.slice(0, size * IMAGE);
}

const shape = (size: number) => [size, 1, 3, 224, 224];

type Door = (size: number) => Promise<unknown>;

function doors(tfsClient: tfs.PredictionServiceClient, kserveClient: kserve.GRPCInferenceServiceClient): Record<string, Door> {
  return {
    'TFS gRPC': (size) =>
      predict(tfsClient, {
        modelSpec: { name: 'resnet50DAG', signatureName: '' },
        inputs: new Map([['0', tfs.TensorProto.fromPartial({ dtype: tfs.DataType.DT_FLOAT, tensorShape: { dim: shape(size).map((d) => ({ size: BigInt(d) })) }, tensorContent: new Uint8Array(batch(size).buffer) })]]),
        outputFilter: [],
      }),
    'KServe gRPC (raw)': (size) =>
      new Promise((done, fail) =>
        kserveClient.modelInfer(
          kserve.ModelInferRequest.fromPartial({
            modelName: 'resnet50DAG',
            inputs: [{ name: '0', datatype: 'FP32', shape: shape(size).map(BigInt) }],
            rawInputContents: [new Uint8Array(batch(size).buffer)],
          }),
          new Metadata(),
          { deadline: Date.now() + 60_000 },
          (error, response) => (error ? fail(error) : done(response)),
        ),
      ),
    'TFS REST (row JSON)': async (size) => {
      const pixels = batch(size);
      const instances = Array.from({ length: size }, (_, i) => [nested(pixels.subarray(i * IMAGE, (i + 1) * IMAGE))]);
      return ok(await fetch(`${rest}/v1/models/resnet50DAG:predict`, { method: 'POST', body: JSON.stringify({ instances }) }));
    },
    'KServe REST (JSON)': async (size) =>
      ok(
        await fetch(`${rest}/v2/models/resnet50DAG/infer`, {
          method: 'POST',
          body: JSON.stringify({ inputs: [{ name: '0', datatype: 'FP32', shape: shape(size), data: Array.from(batch(size)) }] }),
        }),
      ),
    'KServe REST (binary)': async (size) => {
      const pixels = new Uint8Array(batch(size).buffer);
      const header = Buffer.from(
        JSON.stringify({
          inputs: [{ name: '0', datatype: 'FP32', shape: shape(size), parameters: { binary_data_size: pixels.byteLength } }],
          outputs: [{ name: '1463', parameters: { binary_data: true } }],
        }),
      );
      return ok(
        await fetch(`${rest}/v2/models/resnet50DAG/infer`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) },
          body: Buffer.concat([header, pixels]),
        }),
      );
    },
  };
}

/** [3,224,224] as nested arrays, as a TFS REST client sends an image. */
function nested(image: Float32Array): number[][][] {
  return Array.from({ length: 3 }, (_, c) => Array.from({ length: 224 }, (_, y) => Array.from(image.subarray((c * 224 + y) * 224, (c * 224 + y + 1) * 224))));
}

async function ok(response: Response): Promise<ArrayBuffer> {
  const body = await response.arrayBuffer();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${Buffer.from(body).toString()}`);
  return body;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const stack = spawn(
  process.execPath,
  [resolve('services/stack/dist/main.js'), '--config_path', 'examples/resnet/config.json', '--port', values.port, '--rest_port', values.rest_port, '--log_level', 'warn'],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NATS_URL: '' } },
);
try {
  const tfsClient = await connect({ address: '127.0.0.1', port: Number(values.port) });
  const kserveClient = new kserve.GRPCInferenceServiceClient(`127.0.0.1:${values.port}`, credentials.createInsecure(), {
    'grpc.max_send_message_length': 256 * 2 ** 20,
    'grpc.max_receive_message_length': 256 * 2 ** 20,
  });
  const byDoor = doors(tfsClient, kserveClient);
  for (let attempt = 0; ; attempt++) {
    try {
      await byDoor['TFS gRPC']!(1);
      break;
    } catch (error) {
      if (attempt > 150) throw error;
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  const samples = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const size of [1, 8]) {
      for (const [name, door] of Object.entries(byDoor)) {
        const started = performance.now();
        await door(size);
        const key = `${name}\u0000${size}`;
        samples.set(key, [...(samples.get(key) ?? []), performance.now() - started]);
      }
    }
  }
  console.log('| front door | batch 1 (median ms) | batch 8 (median ms) |\n|---|---|---|');
  for (const name of Object.keys(byDoor)) {
    console.log(`| ${name} | ${median(samples.get(`${name}\u00001`)!).toFixed(1)} | ${median(samples.get(`${name}\u00008`)!).toFixed(1)} |`);
  }
  tfsClient.close();
  kserveClient.close();
} finally {
  stack.kill('SIGTERM');
  await new Promise((done) => stack.once('exit', done));
}
