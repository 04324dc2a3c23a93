/**
 * Runs inside a worker thread of the runner pool: onnxruntime's `session.run` blocks the thread
 * that calls it, so it must never run on a service's main thread, where NATS acks and heartbeats live.
 * Tasks arrive as messages and run one after another, in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { InferenceReply, InferenceTask, RunnerTensor, SessionSpec } from './runner-task.js';

const spec = workerData as SessionSpec;
const port = parentPort!;
// The session opens before the thread takes its first task, so no request pays for loading.
const session = await ort.InferenceSession.create(spec.path, {
  intraOpNumThreads: spec.intraOpThreads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  // Idle onnxruntime threads spinning would take the CPU that NATS and the other inference threads need.
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
});

function toOrtTensor(tensor: RunnerTensor): ort.Tensor {
  const { dtype, shape, data } = tensor;
  switch (dtype) {
    case 'FP32':
      return new ort.Tensor('float32', new Float32Array(data), shape);
    case 'FP64':
      return new ort.Tensor('float64', new Float64Array(data), shape);
    case 'INT8':
      return new ort.Tensor('int8', new Int8Array(data), shape);
    case 'UINT8':
      return new ort.Tensor('uint8', new Uint8Array(data), shape);
    case 'INT16':
      return new ort.Tensor('int16', new Int16Array(data), shape);
    case 'UINT16':
      return new ort.Tensor('uint16', new Uint16Array(data), shape);
    case 'INT32':
      return new ort.Tensor('int32', new Int32Array(data), shape);
    case 'UINT32':
      return new ort.Tensor('uint32', new Uint32Array(data), shape);
    case 'INT64':
      return new ort.Tensor('int64', new BigInt64Array(data), shape);
    case 'UINT64':
      return new ort.Tensor('uint64', new BigUint64Array(data), shape);
    case 'BOOL':
      return new ort.Tensor('bool', new Uint8Array(data), shape);
    case 'FP16':
      return new ort.Tensor('float16', new Uint16Array(data), shape);
    default:
      throw new Error(`dtype ${dtype} is not supported by the onnxruntime runner`);
  }
}

const DTYPE_OF: Partial<Record<ort.Tensor.Type, RunnerTensor['dtype']>> = {
  float32: 'FP32',
  float64: 'FP64',
  int8: 'INT8',
  uint8: 'UINT8',
  int16: 'INT16',
  uint16: 'UINT16',
  int32: 'INT32',
  uint32: 'UINT32',
  int64: 'INT64',
  uint64: 'UINT64',
  bool: 'BOOL',
  float16: 'FP16',
};

function fromOrtTensor(tensor: ort.Tensor): RunnerTensor {
  const dtype = DTYPE_OF[tensor.type];
  if (!dtype) throw new Error(`model output type ${tensor.type} is not supported`);
  const view = tensor.data as ArrayBufferView;
  const data =
    view.byteOffset === 0 && view.byteLength === view.buffer.byteLength
      ? (view.buffer as ArrayBuffer)
      : (view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer);
  return { dtype, shape: tensor.dims.slice(), data };
}

/** Blocks this thread without using the CPU: the cost of a model that waits on a device. */
const waitCell = new Int32Array(new SharedArrayBuffer(4));

async function infer(task: InferenceTask): Promise<void> {
  const inputs = Object.values(task.inputs).map((input) => input.data);
  try {
    if (spec.deviceWaitMs > 0) Atomics.wait(waitCell, 0, 0, spec.deviceWaitMs);
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(task.inputs)) feeds[name] = toOrtTensor(tensor);
    const started = performance.now();
    const results = await session.run(feeds, task.outputs.length > 0 ? task.outputs : session.outputNames.slice());
    const inferenceMs = performance.now() - started;
    const outputs: Record<string, RunnerTensor> = {};
    for (const [name, value] of Object.entries(results)) outputs[name] = fromOrtTensor(value);
    const reply: InferenceReply = { id: task.id, inputs, outputs, inferenceMs };
    // The output bytes move to the main thread instead of being copied.
    port.postMessage(reply, [...inputs, ...Object.values(outputs).map((output) => output.data)]);
  } catch (error) {
    const reply: InferenceReply = { id: task.id, inputs, error: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply, inputs);
  }
}

// One task at a time: the next waits in the chain, so the thread never idles between tasks.
let running = Promise.resolve();
port.on('message', (task: InferenceTask) => {
  running = running.then(() => infer(task));
});
port.postMessage('ready');
