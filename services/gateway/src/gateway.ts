import { listen, tensorServer, type Logger, type SchedulerApi } from '@demux/core';
import type { Registry } from 'prom-client';
import { EndpointCatalog } from './endpoint-catalog.js';
import type { FrontDoor, RequestMetrics } from './front-door.js';
import { addKServeServices } from './kserve/kserve-services.js';
import type { GatewayOptions } from './options.js';
import { startRestServer } from './rest/rest-server.js';
import { addTfsServices } from './tfs/tfs-services.js';

export interface RunningGateway {
  /** The gRPC port bound (the one asked for, or the one chosen for port 0). */
  readonly port: number;
  /** The REST port bound; 0 when REST is off. */
  readonly restPort: number;
  /** Stops taking calls and waits for those in flight. */
  stop(): Promise<void>;
}

/** Serves the public gRPC and REST APIs, forwarding every checked request to the scheduler; `registry` is what `/metrics` shows. */
export async function startGateway(
  options: GatewayOptions,
  scheduler: SchedulerApi,
  logger: Logger,
  metrics: RequestMetrics,
  registry: Registry,
): Promise<RunningGateway> {
  const door: FrontDoor = {
    scheduler,
    catalog: new EndpointCatalog(scheduler, options.metadataTtlMs),
    maxBatchSize: options.maxBatchSize,
    requestTimeoutMs: options.requestTimeoutMs,
    metrics,
  };
  const server = tensorServer(options.maxMessageBytes);
  addTfsServices(server, door);
  addKServeServices(server, door);
  const port = await listen(server, options.bindAddress, options.port, 'gRPC port');
  const restOptions = { port: options.restPort, bindAddress: options.bindAddress, maxBodyBytes: options.maxMessageBytes };
  const rest =
    options.restPort > 0
      ? await startRestServer(restOptions, door, registry, logger).catch((error: unknown) => {
          server.forceShutdown();
          throw error;
        })
      : undefined;
  logger.info({ port, scheduler: options.scheduler }, 'gateway serving gRPC (TensorFlow Serving and KServe v2 APIs)');
  return {
    port,
    restPort: rest?.port ?? 0,
    stop: async () => {
      await Promise.all([new Promise<void>((resolve) => server.tryShutdown(() => resolve())), rest?.stop()]);
    },
  };
}
