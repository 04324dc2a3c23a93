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

/** Main thread → runner thread: one inference. */
export interface InferenceTask {
  id: number;
  inputs: Record<string, RunnerTensor>;
  /** Outputs to compute; empty for all of the model's. */
  outputs: string[];
}

/**
 * Runner thread → main thread: a task's outputs and how long `session.run` took, or why it
 * failed; either way the task's input buffers come back, to carry a later task's inputs.
 */
export type InferenceReply = { id: number; inputs: ArrayBuffer[] } & (
  | { outputs: Record<string, RunnerTensor>; inferenceMs: number }
  | { error: string }
);
