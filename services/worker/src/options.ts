import { availableParallelism } from 'node:os';
import { DemuxError, integerFlag, logLevelFlag, NATS_FLAGS, natsFlags, parseFlags, type LogLevel, type NatsFlags } from '@demux/core';

/** Everything a worker is told at start-up, validated once. */
export interface WorkerOptions extends NatsFlags {
  configPath: string;
  /** Serve only these models of the config; undefined serves them all. */
  models: string[] | undefined;
  /** Inference threads per model version, each running one job at a time; a model's CPU_THROUGHPUT_STREAMS overrides it. */
  threads: number;
  /** onnxruntime intra-op threads per inference thread. */
  intraOpThreads: number;
  /** Jobs of one model version held at once; undefined: 2 per thread (one running, one waiting at it), or threads × max_batch_size with dynamic batching. */
  slots: number | undefined;
  ackWaitMs: number;
  /** Port of GET /metrics for Prometheus; 0 serves none. */
  metricsPort: number;
  logLevel: LogLevel;
}

export function parseWorkerOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): WorkerOptions {
  const flags = parseFlags(argv, {
    config_path: { type: 'string' },
    models: { type: 'string' },
    threads: { type: 'string' },
    intra_op_threads: { type: 'string' },
    slots: { type: 'string' },
    ack_wait_ms: { type: 'string' },
    metrics_port: { type: 'string' },
    ...NATS_FLAGS,
    log_level: { type: 'string' },
  });
  if (!flags.config_path) throw DemuxError.invalidArgument('--config_path is required');
  const threads = integerFlag('threads', flags.threads, availableParallelism(), 1, 256);
  return {
    configPath: flags.config_path,
    models: flags.models?.split(',').map((name) => name.trim()).filter(Boolean),
    ...natsFlags(flags, env),
    threads,
    intraOpThreads: integerFlag('intra_op_threads', flags.intra_op_threads, 1, 1, 256),
    slots: flags.slots === undefined ? undefined : integerFlag('slots', flags.slots, threads, 1, 4096),
    ackWaitMs: integerFlag('ack_wait_ms', flags.ack_wait_ms, 30_000, 1_000),
    metricsPort: integerFlag('metrics_port', flags.metrics_port, 0, 0, 65535),
    logLevel: logLevelFlag(flags.log_level),
  };
}
