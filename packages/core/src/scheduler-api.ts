import type { TensorSpec } from './validation.js';
import type { Tensor } from './tensor.js';

/** A model or a pipeline, as clients see it: inputs and outputs with -1 for dynamic dimensions. */
export interface EndpointMetadata {
  name: string;
  version: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  isPipeline: boolean;
}

/** Version states as OpenVINO Model Server reports them (TFS ModelVersionStatus.State). */
export type VersionState = 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END' | 'UNKNOWN';

export interface VersionStatus {
  version: number;
  state: VersionState;
  /** A gRPC code, 0 when the version is fine. */
  errorCode: number;
  errorMessage: string;
}

export interface InferCall {
  name: string;
  /** Undefined: the endpoint's default version. */
  version?: number;
  inputs: Tensor[];
  /** Empty: every output. */
  outputs: string[];
  requestId: string;
  /** Absolute deadline, ms since the epoch. */
  deadlineMs: number;
  /** Aborts when the client gives up. */
  signal?: AbortSignal;
}

export interface InferResult {
  name: string;
  version: number;
  outputs: Tensor[];
}

/**
 * What the gateway asks of a scheduler. Over gRPC between processes (demux.v1.Scheduler), or
 * a direct call when `pnpm start` runs every role in one process.
 */
export interface SchedulerApi {
  infer(call: InferCall): Promise<InferResult>;
  metadata(name: string, version?: number): Promise<EndpointMetadata>;
  /** Every version's status, or only the named one's. */
  status(name: string, version?: number): Promise<VersionStatus[]>;
  /** Ready when every model of the config has a live worker. */
  health(): Promise<SchedulerHealth>;
}

export interface SchedulerHealth {
  ready: boolean;
  /** Why not ready: one line per model version without a live worker. */
  unready: string[];
}
