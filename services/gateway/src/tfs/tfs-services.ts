import { unaryService } from '@demux/core';
import { tfs } from '@demux/proto';
import type { Server } from '@grpc/grpc-js';
import type { FrontDoor } from '../front-door.js';
import { getModelMetadata } from './model-metadata.js';
import { getModelStatus } from './model-status.js';
import { predict } from './predict.js';

/** TensorFlow Serving's gRPC API: PredictionService (Predict, GetModelMetadata) and ModelService. */
export function addTfsServices(server: Server, door: FrontDoor): void {
  const prediction = unaryService(tfs.PredictionServiceService, { predict: predict(door), getModelMetadata: getModelMetadata(door) });
  server.addService(prediction.definition, prediction.implementation);
  const model = unaryService(tfs.ModelServiceService, { getModelStatus: getModelStatus(door) });
  server.addService(model.definition, model.implementation);
}
