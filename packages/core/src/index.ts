export { DemuxError, StatusCode, type StatusCodeValue, type DemuxErrorOptions } from './errors.js';
export { DTYPES, type DType, type Tensor, isDType, elementSize, elementCount, expectedByteLength } from './tensor.js';
export { splitBytesElements, joinBytesElements } from './tensor.js';
export { fromTensorProto, toTensorProto, fromTfDataType, toTfDataType } from './codec/tfs.js';
export { fromInferInput, toInferOutput } from './codec/kserve.js';
export { fromJobTensor, toJobTensor, fromJobDataType, toJobDataType } from './codec/job.js';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger.js';
export { parseFlags, integerFlag, logLevelFlag, NATS_FLAGS, natsFlags, type NatsFlags } from './flags.js';
export { checkBatch, checkInputs, checkTensor, type TensorSpec } from './validation.js';
export {
  modelKey,
  Slots,
  type Job,
  type JobContext,
  type JobHandler,
  type JobOutcome,
  type JobServer,
  type JobTransport,
  type ModelRef,
  type ServeOptions,
  type SubmitOptions,
} from './transport/job-transport.js';
export { InProcessTransport } from './transport/in-process-transport.js';
export { NatsTransport, type NatsTransportOptions } from './transport/nats-transport.js';
export { loadConfig, parseConfig } from './config/load-config.js';
export type {
  Connection,
  DataSource,
  DemultiplyCount,
  DemuxConfig,
  DynamicBatching,
  ModelConfig,
  NodeConfig,
  NodeOutput,
  PipelineConfig,
  VersionPolicy,
} from './config/demux-config.js';
export type { ShapeDimension, ShapeSetting } from './config/shape.js';
export { ModelRepository, type ModelVersionStatus } from './repository/model-repository.js';
export { MODEL_FILE, modelFilePath, scanModelVersions, type VersionScan } from './repository/model-directory.js';
export { readModelMetadata, type ModelMetadata } from './repository/onnx-metadata.js';
export { missingVersions, selectVersions } from './repository/version-policy.js';
export type { EndpointMetadata, InferCall, InferResult, SchedulerApi, SchedulerHealth, VersionState, VersionStatus } from './scheduler-api.js';
export {
  fromInferRequest,
  fromInferResponse,
  fromMetadataResponse,
  fromStatusResponse,
  toInferRequest,
  toInferResponse,
  toMetadataResponse,
  toStatusResponse,
} from './codec/scheduler.js';
export {
  callDeadline,
  callSignal,
  fromServiceError,
  listen,
  tensorChannelOptions,
  tensorServer,
  toServiceError,
  unaryService,
  type UnaryHandler,
  type UnaryHandlers,
} from './grpc.js';
export { runService, type RunningService } from './service-main.js';
export { OVMS_TIME_BUCKETS_US, processRegistry, serveMetrics, type MetricsServer } from './metrics.js';
