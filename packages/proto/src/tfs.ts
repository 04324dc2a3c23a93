/**
 * TensorFlow Serving's gRPC API (packages tensorflow, tensorflow.error and tensorflow.serving),
 * flattened into one namespace: what a TFS front door and its tests need.
 */
export * from './gen/tensorflow/core/framework/types.js';
export * from './gen/tensorflow/core/framework/tensor_shape.js';
export * from './gen/tensorflow/core/framework/tensor.js';
export * from './gen/tensorflow/core/protobuf/meta_graph.js';
export { Code as ErrorCode } from './gen/tensorflow/core/protobuf/error_codes.js';
export * from './gen/tensorflow_serving/apis/model.js';
export * from './gen/tensorflow_serving/apis/predict.js';
export * from './gen/tensorflow_serving/apis/get_model_metadata.js';
export * from './gen/tensorflow_serving/apis/status.js';
export * from './gen/tensorflow_serving/apis/get_model_status.js';
export * from './gen/tensorflow_serving/apis/prediction_service.js';
export * from './gen/tensorflow_serving/apis/model_service.js';
export { Any } from './gen/google/protobuf/any.js';

/** The type URL of the SignatureDefMap that GetModelMetadataResponse.metadata["signature_def"] holds. */
export const SIGNATURE_DEF_MAP_TYPE_URL = 'type.googleapis.com/tensorflow.serving.SignatureDefMap';
