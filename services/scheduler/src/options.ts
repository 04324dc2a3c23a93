import { DemuxError, integerFlag, logLevelFlag, NATS_FLAGS, natsFlags, parseFlags, type LogLevel, type NatsFlags } from '@demux/core';

/** Everything a scheduler is told at start-up, validated once. */
export interface SchedulerOptions extends NatsFlags {
  configPath: string;
  /** Internal gRPC port the gateway calls (demux.v1.Scheduler). */
  port: number;
  /** Bind address of both ports. */
  bindAddress: string;
  /** Port of GET /metrics for Prometheus; 0 serves none. */
  metricsPort: number;
  /** The deadline of a request that arrives without one. */
  requestTimeoutMs: number;
  maxMessageBytes: number;
  /** Requests run at once; past it RESOURCE_EXHAUSTED. */
  maxRequests: number;
  /** Jobs of one model version in flight from this scheduler; past it RESOURCE_EXHAUSTED. */
  maxJobsPerModel: number;
  /** Largest dynamic batch (first dimension) accepted. */
  maxBatchSize: number;
  /** On SIGTERM, how long to keep taking requests while reporting not ready, before refusing new ones. */
  drainDelayMs: number;
  logLevel: LogLevel;
}

export const SCHEDULER_DEFAULTS = {
  port: 9100,
  bindAddress: '0.0.0.0',
  metricsPort: 0,
  requestTimeoutMs: 60_000,
  maxMessageBytes: 64 * 1024 * 1024,
  maxRequests: 512,
  maxJobsPerModel: 4096,
  maxBatchSize: 1024,
  drainDelayMs: 1_000,
} as const;

export function parseSchedulerOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): SchedulerOptions {
  const flags = parseFlags(argv, {
    config_path: { type: 'string' },
    port: { type: 'string' },
    grpc_bind_address: { type: 'string' },
    metrics_port: { type: 'string' },
    ...NATS_FLAGS,
    request_timeout: { type: 'string' },
    max_message_bytes: { type: 'string' },
    max_requests: { type: 'string' },
    max_jobs_per_model: { type: 'string' },
    max_batch_size: { type: 'string' },
    drain_delay_ms: { type: 'string' },
    log_level: { type: 'string' },
  });
  if (!flags.config_path) throw DemuxError.invalidArgument('--config_path is required');
  const port = integerFlag('port', flags.port, SCHEDULER_DEFAULTS.port, 0, 65535);
  const metricsPort = integerFlag('metrics_port', flags.metrics_port, SCHEDULER_DEFAULTS.metricsPort, 0, 65535);
  if (metricsPort !== 0 && metricsPort === port) throw DemuxError.invalidArgument(`--metrics_port and --port are both ${port}`);
  return {
    configPath: flags.config_path,
    port,
    bindAddress: flags.grpc_bind_address ?? SCHEDULER_DEFAULTS.bindAddress,
    metricsPort,
    ...natsFlags(flags, env),
    requestTimeoutMs: integerFlag('request_timeout', flags.request_timeout, SCHEDULER_DEFAULTS.requestTimeoutMs),
    maxMessageBytes: integerFlag('max_message_bytes', flags.max_message_bytes, SCHEDULER_DEFAULTS.maxMessageBytes, 1024, 2 ** 31 - 1),
    maxRequests: integerFlag('max_requests', flags.max_requests, SCHEDULER_DEFAULTS.maxRequests),
    maxJobsPerModel: integerFlag('max_jobs_per_model', flags.max_jobs_per_model, SCHEDULER_DEFAULTS.maxJobsPerModel),
    maxBatchSize: integerFlag('max_batch_size', flags.max_batch_size, SCHEDULER_DEFAULTS.maxBatchSize),
    drainDelayMs: integerFlag('drain_delay_ms', flags.drain_delay_ms, SCHEDULER_DEFAULTS.drainDelayMs, 0, 600_000),
    logLevel: logLevelFlag(flags.log_level),
  };
}
