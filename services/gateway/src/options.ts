import { DemuxError, integerFlag, logLevelFlag, parseFlags, type LogLevel } from '@demux/core';

/** Everything the gateway is told at start-up, validated once. */
export interface GatewayOptions {
  /** gRPC port of the public APIs (TensorFlow Serving, KServe v2). */
  port: number;
  /** REST port; 0 serves no REST. */
  restPort: number;
  /** Bind address of both ports. */
  bindAddress: string;
  /** The scheduler, `host:port`; a DNS name resolving to several is balanced round-robin. */
  scheduler: string;
  /** Largest request or response message, in bytes; the default carries batch 64 of 3x224x224 FP32. */
  maxMessageBytes: number;
  /** Largest batch (first dimension of a dynamic-batch input) accepted. */
  maxBatchSize: number;
  /** How long endpoint metadata is reused before it is asked of the scheduler again. */
  metadataTtlMs: number;
  /** The deadline of a request whose client sets none. */
  requestTimeoutMs: number;
  logLevel: LogLevel;
}

export const GATEWAY_DEFAULTS = {
  port: 9000,
  restPort: 8000,
  bindAddress: '0.0.0.0',
  scheduler: '127.0.0.1:9100',
  maxMessageBytes: 64 * 1024 * 1024,
  maxBatchSize: 1024,
  metadataTtlMs: 5_000,
  requestTimeoutMs: 60_000,
} as const;

export function parseGatewayOptions(argv: string[]): GatewayOptions {
  const flags = parseFlags(argv, {
    port: { type: 'string' },
    rest_port: { type: 'string' },
    grpc_bind_address: { type: 'string' },
    scheduler: { type: 'string' },
    max_message_bytes: { type: 'string' },
    max_batch_size: { type: 'string' },
    metadata_ttl_ms: { type: 'string' },
    request_timeout: { type: 'string' },
    log_level: { type: 'string' },
  });
  const port = integerFlag('port', flags.port, GATEWAY_DEFAULTS.port, 1, 65535);
  const restPort = integerFlag('rest_port', flags.rest_port, GATEWAY_DEFAULTS.restPort, 0, 65535);
  if (restPort === port) throw DemuxError.invalidArgument(`--rest_port and --port are both ${port}`);
  return {
    port,
    restPort,
    bindAddress: flags.grpc_bind_address ?? GATEWAY_DEFAULTS.bindAddress,
    scheduler: flags.scheduler ?? GATEWAY_DEFAULTS.scheduler,
    maxMessageBytes: integerFlag('max_message_bytes', flags.max_message_bytes, GATEWAY_DEFAULTS.maxMessageBytes, 1024, 2 ** 31 - 1),
    maxBatchSize: integerFlag('max_batch_size', flags.max_batch_size, GATEWAY_DEFAULTS.maxBatchSize),
    metadataTtlMs: integerFlag('metadata_ttl_ms', flags.metadata_ttl_ms, GATEWAY_DEFAULTS.metadataTtlMs, 0),
    requestTimeoutMs: integerFlag('request_timeout', flags.request_timeout, GATEWAY_DEFAULTS.requestTimeoutMs),
    logLevel: logLevelFlag(flags.log_level),
  };
}
