import { randomUUID } from 'node:crypto';
import { callDeadline, callSignal, type UnaryHandler } from '@demux/core';
import type { kserve } from '@demux/proto';
import { metered, type FrontDoor } from '../front-door.js';
import { checkRequest, checkRequestedOutputs } from '../request-check.js';
import { inputsOf, requestedOutputsOf } from './infer-request.js';
import { inferResponse } from './infer-response.js';
import { endpointOf } from './model-ref.js';

/**
 * ModelInfer: decode, check against the endpoint, forward, answer with the outputs raw. Request
 * parameters (Triton's priority, timeout, sequence ids) have no meaning here and are ignored.
 */
export function modelInfer(door: FrontDoor): UnaryHandler<kserve.ModelInferRequest, kserve.ModelInferResponse> {
  return async (request, call) => {
    const { name, version } = endpointOf(request.modelName, request.modelVersion);
    return metered(door, { api: 'KServe', interface: 'gRPC', method: 'ModelInfer', name, version }, async () => {
      const metadata = await door.catalog.metadata(name, version);
      const inputs = inputsOf(request);
      const outputs = requestedOutputsOf(request);
      checkRequest(metadata, inputs, door.maxBatchSize);
      checkRequestedOutputs(metadata, outputs);
      const result = await door.scheduler.infer({
        name,
        version: metadata.version,
        inputs,
        outputs,
        // The client's id may repeat; jobs need one that does not.
        requestId: randomUUID(),
        deadlineMs: callDeadline(call, door.requestTimeoutMs),
        signal: callSignal(call),
      });
      return inferResponse(result, request.id, outputs);
    });
  };
}
