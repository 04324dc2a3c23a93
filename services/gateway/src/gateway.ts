import { Server, ServerCredentials } from '@grpc/grpc-js';
import { DemuxError, type Logger, type SchedulerApi } from '@demux/core';
import { EndpointCatalog } from './endpoint-catalog.js';
import type { FrontDoor, RequestMetrics } from './front-door.js';
import type { GatewayOptions } from './options.js';
import { addTfsServices } from './tfs/tfs-services.js';

export interface RunningGateway {
  /** The gRPC port bound (the one asked for, or the one chosen for port 0). */
  readonly port: number;
  /** Stops taking calls and waits for those in flight. */
  stop(): Promise<void>;
}

/** Serves the public gRPC APIs, forwarding every checked request to the scheduler. */
export async function startGateway(
  options: GatewayOptions,
  scheduler: SchedulerApi,
  logger: Logger,
  metrics: RequestMetrics,
): Promise<RunningGateway> {
  const door: FrontDoor = {
    scheduler,
    catalog: new EndpointCatalog(scheduler, options.metadataTtlMs),
    maxBatchSize: options.maxBatchSize,
    requestTimeoutMs: options.requestTimeoutMs,
    metrics,
  };
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': options.maxMessageBytes,
  });
  addTfsServices(server, door);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.bindAddress}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(DemuxError.unavailable(`cannot listen on gRPC port ${options.port}: ${error.message}`, { cause: error })) : resolve(bound),
    ),
  );
  logger.info({ port, scheduler: options.scheduler }, 'gateway serving gRPC (TensorFlow Serving API)');
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
