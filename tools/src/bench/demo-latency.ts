/**
 * The demo's batch 1 and batch 8 request times through the whole stack, next to direct
 * onnxruntime-node inference of the same images in this process, measured in one run.
 *   node tools/dist/bench/demo-latency.js [--rounds 5]   (after `pnpm demo` has written imgs.npy)
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { tfs } from '@demux/proto';
import { connect, predict } from '../client/connection.js';
import { readNpy } from '../npy/npy.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, port: { type: 'string', default: '9010' } } });
const rounds = Number(values.rounds);
const IMAGE = 3 * 224 * 224;
const images = (await readNpy('imgs.npy')).data as Float32Array;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Direct: one session, `threads` onnxruntime threads; b1 = one image per run, b8 = eight images in one run. */
async function direct(threads: number): Promise<{ b1: number; b8: number }> {
  const session = await ort.InferenceSession.create('models/resnet/1/model.onnx', { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const batch = (start: number, size: number) => new ort.Tensor('float32', images.slice(start * IMAGE, (start + size) * IMAGE), [size, 3, 224, 224]);
  await session.run({ '0': batch(0, 1) });
  const b1: number[] = [];
  const b8: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < 10; i++) b1.push(await timed(() => session.run({ '0': batch(i, 1) })));
    b8.push(await timed(() => session.run({ '0': batch(0, 8) })));
  }
  await session.release();
  return { b1: median(b1), b8: median(b8) };
}

function pipelineRequest(start: number, size: number): tfs.PredictRequest {
  const content = images.slice(start * IMAGE, (start + size) * IMAGE);
  return {
    modelSpec: { name: 'resnet50DAG', signatureName: '' },
    inputs: new Map([
      ['0', tfs.TensorProto.fromPartial({
        dtype: tfs.DataType.DT_FLOAT,
        tensorShape: { dim: [size, 1, 3, 224, 224].map((dim) => ({ size: BigInt(dim) })) },
        tensorContent: new Uint8Array(content.buffer),
      })],
    ]),
    outputFilter: [],
  };
}

/** Through the stack the demo starts: gateway → scheduler → in-process jobs → 2 workers of 1 inference thread. */
async function throughStack(): Promise<{ b1: number; b8: number }> {
  const stack = spawn(process.execPath, [resolve('services/stack/dist/main.js'), '--config_path', 'examples/resnet/config.json', '--port', values.port, '--rest_port', '0', '--log_level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NATS_URL: '' },
  });
  try {
    const client = await connect({ address: '127.0.0.1', port: Number(values.port) });
    for (let attempt = 0; ; attempt++) {
      try {
        await predict(client, pipelineRequest(0, 1));
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((done) => setTimeout(done, 200));
      }
    }
    const b1: number[] = [];
    const b8: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < 10; i++) b1.push(await timed(() => predict(client, pipelineRequest(i, 1))));
      b8.push(await timed(() => predict(client, pipelineRequest(0, 8))));
    }
    client.close();
    return { b1: median(b1), b8: median(b8) };
  } finally {
    stack.kill('SIGTERM');
    await new Promise((done) => stack.once('exit', done));
  }
}

const rows: [string, { b1: number; b8: number }][] = [
  ['direct onnxruntime, 1 thread', await direct(1)],
  ['direct onnxruntime, 2 threads', await direct(2)],
  ['Demux stack (demo config: 2 workers x 1 thread)', await throughStack()],
];
console.log('| | batch 1 (median ms) | batch 8 (median ms) |\n|---|---|---|');
for (const [name, times] of rows) console.log(`| ${name} | ${times.b1.toFixed(1)} | ${times.b8.toFixed(1)} |`);
