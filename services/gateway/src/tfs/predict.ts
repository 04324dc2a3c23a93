import { randomUUID } from 'node:crypto';
import { callDeadline, callSignal, fromTensorProto, toTensorProto, type UnaryHandler } from '@demux/core';
import type { tfs } from '@demux/proto';
import { metered, type FrontDoor } from '../front-door.js';
import { checkRequest, checkRequestedOutputs } from '../request-check.js';
import { endpointOf, modelSpec } from './model-spec.js';

/** PredictionService.Predict: decode, check against the endpoint, forward, encode the outputs. */
export function predict(door: FrontDoor): UnaryHandler<tfs.PredictRequest, tfs.PredictResponse> {
  return async (request, call) => {
    const { name, version } = endpointOf(request.modelSpec);
    return metered(door, { api: 'TensorFlowServing', interface: 'gRPC', method: 'Predict', name, version }, async () => {
      const metadata = await door.catalog.metadata(name, version);
      const inputs = [...request.inputs].map(([input, proto]) => fromTensorProto(input, proto));
      checkRequest(metadata, inputs, door.maxBatchSize);
      checkRequestedOutputs(metadata, request.outputFilter);
      const result = await door.scheduler.infer({
        name,
        version: metadata.version,
        inputs,
        outputs: request.outputFilter,
        requestId: randomUUID(),
        deadlineMs: callDeadline(call, door.requestTimeoutMs),
        signal: callSignal(call),
      });
      return {
        outputs: new Map(result.outputs.map((output) => [output.name, toTensorProto(output)])),
        modelSpec: modelSpec(result.name, result.version),
      };
    });
  };
}
