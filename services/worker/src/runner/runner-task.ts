import type { DType } from '@demux/core';

/** What a runner thread needs to open its session; the key names the model version. */
export interface SessionSpec {
  key: string;
  path: string;
  intraOpThreads: number;
  /** Blocks the thread this long before each run, as a device or remote call would. */
  deviceWaitMs: number;
}

/** A tensor crossing into or out of a runner thread: its bytes own a whole ArrayBuffer, so they can move. */
export interface RunnerTensor {
  dtype: DType;
  shape: number[];
  data: ArrayBuffer;
}

export interface InferenceTask {
  inputs: Record<string, RunnerTensor>;
  outputs: string[];
}

export interface InferenceResult {
  outputs: Record<string, RunnerTensor>;
}
