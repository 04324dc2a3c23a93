import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  DemuxError,
  fromInferResponse,
  fromMetadataResponse,
  fromServiceError,
  fromStatusResponse,
  tensorChannelOptions,
  toInferRequest,
  type EndpointMetadata,
  type InferCall,
  type InferResult,
  type SchedulerApi,
  type SchedulerHealth,
  type VersionStatus,
} from '@demux/core';
import { demux } from '@demux/proto';

/**
 * The gRPC target of one or more schedulers. Several `ip:port` join into one `ipv4:` target,
 * so grpc-js balances calls round-robin over those that answer and routes around a dead one;
 * a DNS name resolving to several addresses is balanced the same way.
 */
export function schedulerTarget(addresses: string): string {
  const list = addresses.split(',').map((address) => address.trim()).filter(Boolean);
  if (list.length <= 1) return list[0] ?? addresses;
  if (!list.every((address) => /^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address))) {
    throw DemuxError.invalidArgument(`--scheduler lists several schedulers as ip:port only, got "${addresses}"; use one DNS name otherwise`);
  }
  return `ipv4:${list.join(',')}`;
}

/** A health probe must answer quickly, or it says nothing about whether the scheduler is reachable. */
const HEALTH_TIMEOUT_MS = 2_000;

/** The scheduler across gRPC (demux.v1.Scheduler); the client's deadline and cancellation go along. */
export class GrpcScheduler implements SchedulerApi {
  readonly #client: demux.SchedulerClient;

  constructor(address: string, maxMessageBytes: number) {
    this.#client = new demux.SchedulerClient(schedulerTarget(address), credentials.createInsecure(), {
      ...tensorChannelOptions(maxMessageBytes),
      // Several schedulers behind one DNS name share the load.
      'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    });
  }

  infer(call: InferCall): Promise<InferResult> {
    return new Promise((resolve, reject) => {
      const pending = this.#client.infer(toInferRequest(call), new Metadata(), { deadline: call.deadlineMs }, (error, response) =>
        error ? reject(fromServiceError(error)) : resolve(fromInferResponse(response)),
      );
      call.signal?.addEventListener('abort', () => pending.cancel(), { once: true });
    });
  }

  metadata(name: string, version?: number): Promise<EndpointMetadata> {
    return new Promise((resolve, reject) => {
      this.#client.getMetadata({ name, version: BigInt(version ?? 0) }, (error: ServiceError | null, response) =>
        error ? reject(fromServiceError(error)) : resolve(fromMetadataResponse(response)),
      );
    });
  }

  status(name: string, version?: number): Promise<VersionStatus[]> {
    return new Promise((resolve, reject) => {
      this.#client.getStatus({ name, version: BigInt(version ?? 0) }, (error: ServiceError | null, response) =>
        error ? reject(fromServiceError(error)) : resolve(fromStatusResponse(response)),
      );
    });
  }

  health(): Promise<SchedulerHealth> {
    return new Promise((resolve, reject) => {
      this.#client.getHealth({}, new Metadata(), { deadline: Date.now() + HEALTH_TIMEOUT_MS }, (error: ServiceError | null, response) =>
        error ? reject(fromServiceError(error)) : resolve({ ready: response.ready, unready: response.unready }),
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}
