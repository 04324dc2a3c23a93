import { unaryService } from '@demux/core';
import { kserve } from '@demux/proto';
import type { Server } from '@grpc/grpc-js';
import type { FrontDoor } from '../front-door.js';
import { modelInfer } from './model-infer.js';
import { modelMetadata } from './model-metadata.js';
import { modelReady } from './model-ready.js';
import { serverLive, serverReady } from './server-health.js';
import { serverMetadata } from './server-metadata.js';

/** KServe v2 (Open Inference Protocol) gRPC API: inference.GRPCInferenceService, as Triton and OVMS serve it. */
export function addKServeServices(server: Server, door: FrontDoor): void {
  const inference = unaryService(kserve.GRPCInferenceServiceService, {
    serverLive: serverLive(door),
    serverReady: serverReady(door),
    serverMetadata: serverMetadata(door),
    modelReady: modelReady(door),
    modelMetadata: modelMetadata(door),
    modelInfer: modelInfer(door),
  });
  server.addService(inference.definition, inference.implementation);
}
