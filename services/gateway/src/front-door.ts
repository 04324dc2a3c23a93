import type { SchedulerApi } from '@demux/core';
import type { EndpointCatalog } from './endpoint-catalog.js';

/** Which public API a request came through, as OpenVINO Model Server labels its metrics. */
export interface RequestLabels {
  api: 'TensorFlowServing' | 'KServe';
  interface: 'gRPC' | 'REST';
  /** The RPC or REST call, e.g. Predict, GetModelMetadata, ModelInfer, ModelReady. */
  method: string;
  /** The model or pipeline named; empty for server-wide calls. */
  name: string;
  /** The version named; undefined for the default. */
  version?: number | undefined;
}

/** Where request counts and latencies go; the gateway's metrics implement it. */
export interface RequestMetrics {
  /** Records one finished request; `error` is undefined when it succeeded. */
  record(labels: RequestLabels, seconds: number, error?: unknown): void;
}

/** What every public API handler needs: where requests go, the limits they are held to, and the metrics. */
export interface FrontDoor {
  scheduler: SchedulerApi;
  catalog: EndpointCatalog;
  maxBatchSize: number;
  /** The deadline of a request whose client sets none. */
  requestTimeoutMs: number;
  metrics: RequestMetrics;
}

/** Runs one request's work and records it, success or failure, with its latency. */
export async function metered<T>(door: FrontDoor, labels: RequestLabels, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await work();
    door.metrics.record(labels, (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    door.metrics.record(labels, (performance.now() - started) / 1000, error);
    throw error;
  }
}
