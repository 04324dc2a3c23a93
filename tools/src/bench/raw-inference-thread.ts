/**
 * One onnxruntime-node session with one intra-op thread, in a worker_thread of the benchmark:
 * each 'run' message runs one inference of the fixed input and answers 'done'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { sampleFloats } from './sample-input.js';

const { modelPath, inputName, dims } = workerData as { modelPath: string; inputName: string; dims: number[] };
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
const feeds = { [inputName]: new ort.Tensor('float32', sampleFloats(dims.reduce((a, b) => a * b, 1)), dims) };
parentPort!.on('message', () => {
  void session.run(feeds).then(() => parentPort!.postMessage('done'));
});
parentPort!.postMessage('ready');
