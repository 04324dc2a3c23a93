export { parseWorkerOptions, type WorkerOptions } from './options.js';
export { startWorker, type RunningWorker } from './worker.js';
export { WorkerMetrics } from './metrics.js';
