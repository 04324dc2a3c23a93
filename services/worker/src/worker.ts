import { DemuxError, loadConfig, ModelRepository, Slots, type JobHandler, type JobServer, type JobTransport, type Logger, type ModelRef } from '@demux/core';
import { inferenceHandler, sessionKey } from './inference.js';
import type { WorkerOptions } from './options.js';
import { RunnerPool } from './runner/runner-pool.js';

export interface RunningWorker {
  /** The model versions this worker pulls jobs for. */
  readonly serving: ModelRef[];
  /** Jobs run to completion so far. */
  readonly answered: number;
  /** Stops pulling, lets the jobs in flight finish, then closes the inference threads. */
  stop(): Promise<void>;
}

/** Loads the configured models into a pool of inference threads and serves their job queues. */
export async function startWorker(options: WorkerOptions, transport: JobTransport, logger: Logger): Promise<RunningWorker> {
  const config = await loadConfig(options.configPath);
  const wanted = options.models ?? config.models.map((model) => model.name);
  const unknown = wanted.filter((name) => !config.models.some((model) => model.name === name));
  if (unknown.length > 0) {
    throw DemuxError.invalidArgument(`--models names ${unknown.join(', ')}, not in ${options.configPath}`);
  }
  const repository = await ModelRepository.load(config.models.filter((model) => wanted.includes(model.name)));
  const serving: ModelRef[] = [];
  const paths = new Map<string, string>();
  for (const model of repository.names()) {
    for (const version of repository.versions(model)) {
      serving.push({ model, version });
      paths.set(sessionKey(model, version), repository.modelPath(model, version));
    }
  }
  const pool = await RunnerPool.start(paths, { threads: options.threads, intraOpThreads: options.intraOpThreads });
  const infer = inferenceHandler(repository, pool);
  let answered = 0;
  const handler: JobHandler = async (job, context) => {
    const outputs = await infer(job, context);
    answered++;
    return outputs;
  };
  const servers: JobServer[] = serving.map((target) =>
    // Slots per model version: a shared pool would let one model's idle pull hold the slot
    // another model's queued job needs. Several models may so queue up to slots × models jobs
    // for the shared inference threads; a Kubernetes worker serves one model.
    transport.serve(target, handler, {
      slots: new Slots(options.slots),
      onExpired: (job, context) =>
        logger.warn({ model: job.model, version: job.version, requestId: context.requestId, item: context.item }, 'dropped a job past its deadline'),
      onTransportError: (error) => logger.error({ err: error, ...target }, 'job transport error'),
    }),
  );
  logger.info({ serving, threads: options.threads, slots: options.slots, transport: transport.kind }, 'worker ready');
  return {
    serving,
    get answered() {
      return answered;
    },
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      await pool.close();
    },
  };
}
