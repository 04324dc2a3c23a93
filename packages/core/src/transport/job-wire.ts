import { demux } from '@demux/proto';
import { DemuxError, StatusCode, type StatusCodeValue } from '../errors.js';
import { fromJobTensor, toJobTensor } from '../codec/job.js';
import type { Job, JobOutcome } from './job-transport.js';

/** Jobs and replies as demux.v1 protobuf: tensor bytes are copied into the message once, never re-encoded. */
export function encodeJob(job: Job): Uint8Array {
  return demux.Job.encode({
    node: job.node,
    model: job.model,
    version: BigInt(job.version),
    inputs: job.inputs.map(toJobTensor),
    outputs: job.outputs,
  }).finish();
}

export function decodeJob(bytes: Uint8Array): Job {
  const message = demux.Job.decode(bytes);
  return {
    node: message.node,
    model: message.model,
    version: Number(message.version),
    inputs: message.inputs.map(fromJobTensor),
    outputs: message.outputs,
  };
}

export function encodeJobResult(outcome: JobOutcome): Uint8Array {
  const result =
    'error' in outcome
      ? { outputs: [], error: { code: outcome.error.code, message: outcome.error.message } }
      : { outputs: outcome.outputs.map(toJobTensor), error: undefined };
  return demux.JobResult.encode(result).finish();
}

export function decodeJobResult(bytes: Uint8Array): JobOutcome {
  const message = demux.JobResult.decode(bytes);
  if (message.error) {
    const { code, message: text } = message.error;
    const known = (Object.values(StatusCode) as number[]).includes(code) && code !== StatusCode.OK;
    return { error: new DemuxError(known ? (code as StatusCodeValue) : StatusCode.INTERNAL, text) };
  }
  return { outputs: message.outputs.map(fromJobTensor) };
}
