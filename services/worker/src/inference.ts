import { checkInputs, DemuxError, type JobHandler, type ModelRepository, type Tensor } from '@demux/core';

/** What runs a model version's inferences: its runner pool, or a batcher in front of it. */
export interface Runner {
  /** `deadlineMs`: when nobody waits for the outputs any more; a runner that queues may drop the job then. */
  run(inputs: readonly Tensor[], outputs: readonly string[], deadlineMs?: number): Promise<Tensor[]>;
}

/**
 * Answers a job: checks its inputs against what the model declares, so a malformed job fails
 * with INVALID_ARGUMENT instead of an onnxruntime error, then runs it.
 */
export function inferenceHandler(repository: ModelRepository, runner: Runner): JobHandler {
  return async (job, context) => {
    const endpoint = `model ${job.model} version ${job.version}`;
    const metadata = repository.metadata(job.model, job.version);
    checkInputs(endpoint, job.inputs, metadata.inputs);
    const declared = new Set(metadata.outputs.map((output) => output.name));
    const unknown = job.outputs.filter((name) => !declared.has(name));
    if (unknown.length > 0) {
      throw DemuxError.invalidArgument(`${endpoint}: no output ${unknown.map((name) => `"${name}"`).join(', ')}`);
    }
    return runner.run(job.inputs, job.outputs, context.deadlineMs);
  };
}
