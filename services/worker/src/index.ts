export { parseWorkerOptions, type WorkerOptions } from './options.js';
export { startWorker, type RunningWorker } from './worker.js';
export { WorkerMetrics } from './metrics.js';
export { RunnerPool, type RunnerPoolOptions } from './runner/runner-pool.js';
