import {
  callDeadline,
  callSignal,
  fromInferRequest,
  listen,
  tensorServer,
  toInferResponse,
  toMetadataResponse,
  toStatusResponse,
  unaryService,
  type SchedulerApi,
} from '@demux/core';
import { demux } from '@demux/proto';

export interface SchedulerServerOptions {
  port: number;
  bindAddress: string;
  maxMessageBytes: number;
  requestTimeoutMs: number;
}

export interface RunningSchedulerServer {
  readonly port: number;
  stop(): Promise<void>;
}

function versionOrDefault(version: bigint): number | undefined {
  return version === 0n ? undefined : Number(version);
}

/** Serves a scheduler to gateways over gRPC (demux.v1.Scheduler). */
export async function serveScheduler(scheduler: SchedulerApi, options: SchedulerServerOptions): Promise<RunningSchedulerServer> {
  const server = tensorServer(options.maxMessageBytes);
  const service = unaryService(demux.SchedulerService, {
    infer: async (request, call) =>
      toInferResponse(await scheduler.infer(fromInferRequest(request, callDeadline(call, options.requestTimeoutMs), callSignal(call)))),
    getMetadata: async (request) => toMetadataResponse(await scheduler.metadata(request.name, versionOrDefault(request.version))),
    getStatus: async (request) => toStatusResponse(await scheduler.status(request.name, versionOrDefault(request.version))),
    getHealth: async () => scheduler.health(),
  });
  server.addService(service.definition, service.implementation);
  const port = await listen(server, options.bindAddress, options.port, 'port');
  return { port, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
