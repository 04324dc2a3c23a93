import {
  DemuxError,
  loadConfig,
  ModelRepository,
  Slots,
  type JobHandler,
  type JobServer,
  type JobTransport,
  type Logger,
  type ModelRef,
} from '@demux/core';
import { inferenceHandler } from './inference.js';
import type { WorkerMetrics } from './metrics.js';
import type { WorkerOptions } from './options.js';
import { runnerShape } from './plugin-config.js';
import { Batcher, canBatch } from './runner/batcher.js';
import { RunnerPool } from './runner/runner-pool.js';

export interface RunningWorker {
  /** The model versions this worker pulls jobs for. */
  readonly serving: ModelRef[];
  /** Jobs run to completion so far. */
  readonly answered: number;
  /** Stops pulling, lets the jobs in flight finish, then closes the inference threads. */
  stop(): Promise<void>;
}

/**
 * Loads the configured models, each version into its own pool of inference threads (one per
 * throughput stream), and serves their job queues, pulling only while a thread is free.
 */
export async function startWorker(options: WorkerOptions, transport: JobTransport, logger: Logger, metrics: WorkerMetrics): Promise<RunningWorker> {
  const config = await loadConfig(options.configPath);
  const wanted = options.models ?? config.models.map((model) => model.name);
  const unknown = wanted.filter((name) => !config.models.some((model) => model.name === name));
  if (unknown.length > 0) {
    throw DemuxError.invalidArgument(`--models names ${unknown.join(', ')}, not in ${options.configPath}`);
  }
  const models = config.models.filter((model) => wanted.includes(model.name));
  const repository = await ModelRepository.load(models);
  let answered = 0;
  const serving: ModelRef[] = [];
  const pools: RunnerPool[] = [];
  const servers: JobServer[] = [];
  for (const model of models) {
    const shape = runnerShape(model.name, model.pluginConfig, options);
    if (shape.ignoredKeys.length > 0) {
      logger.warn({ model: model.name, keys: shape.ignoredKeys }, 'plugin_config keys ignored: onnxruntime has no equivalent');
    }
    for (const version of repository.versions(model.name)) {
      const target = { model: model.name, version };
      const pool = await RunnerPool.start(`model ${model.name} version ${version}`, repository.modelPath(model.name, version), {
        ...shape,
        onInference: (ms) => metrics.inferred(target, ms),
      });
      pools.push(pool);
      let batching = model.dynamicBatching;
      if (batching && !canBatch(repository.nativeMetadata(model.name, version))) {
        logger.warn(target, 'max_batch_size ignored: the model file has an input or output without a dynamic first dimension; jobs run singly');
        batching = undefined;
      }
      const runner = batching
        ? new Batcher(pool, { ...batching, threads: shape.threads, onBatch: (rows) => metrics.batched(target, rows) })
        : pool;
      const infer = inferenceHandler(repository, runner);
      const handler: JobHandler = async (job, context) => {
        const outputs = await infer(job, context);
        answered++;
        return outputs;
      };
      serving.push(target);
      // Enough jobs are pulled to keep every thread busy: without batching, the next job waits at
      // its thread while one runs; with batching, a full batch per thread can form.
      const slots = options.slots ?? shape.threads * (batching?.maxBatchSize ?? 2);
      metrics.serving(target, { slots, threads: shape.threads });
      servers.push(
        transport.serve(target, metrics.counted(target, handler), {
          slots: new Slots(slots),
          onExpired: (job, context) => {
            metrics.expired(target);
            logger.warn({ ...target, requestId: context.requestId, item: context.item }, 'dropped a job past its deadline');
          },
          onTransportError: (error) => logger.error({ err: error, ...target }, 'job transport error'),
        }),
      );
      logger.info({ ...target, threads: shape.threads, intraOpThreads: shape.intraOpThreads, dynamicBatching: batching }, 'model version loaded');
    }
  }
  logger.info({ serving, transport: transport.kind }, 'worker ready');
  return {
    serving,
    get answered() {
      return answered;
    },
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      await Promise.all(pools.map((pool) => pool.close()));
    },
  };
}
