/** KServe v2 / Open Inference Protocol gRPC API (package inference). */
export * from './gen/inference/grpc_predict_v2.js';
