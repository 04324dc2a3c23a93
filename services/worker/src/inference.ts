import { checkInputs, DemuxError, type JobHandler, type ModelRepository } from '@demux/core';
import type { RunnerPool } from './runner/runner-pool.js';

/** What runs a model version's inferences: its runner pool, or the pool timed. */
export type Runner = Pick<RunnerPool, 'run'>;

/**
 * Answers a job: checks its inputs against what the model declares, so a malformed job fails
 * with INVALID_ARGUMENT instead of an onnxruntime error, then runs it.
 */
export function inferenceHandler(repository: ModelRepository, runner: Runner): JobHandler {
  return async (job) => {
    const endpoint = `model ${job.model} version ${job.version}`;
    const metadata = repository.metadata(job.model, job.version);
    checkInputs(endpoint, job.inputs, metadata.inputs);
    const declared = new Set(metadata.outputs.map((output) => output.name));
    const unknown = job.outputs.filter((name) => !declared.has(name));
    if (unknown.length > 0) {
      throw DemuxError.invalidArgument(`${endpoint}: no output ${unknown.map((name) => `"${name}"`).join(', ')}`);
    }
    return runner.run(job.inputs, job.outputs);
  };
}
