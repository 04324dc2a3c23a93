export { DemuxError, StatusCode, type StatusCodeValue, type DemuxErrorOptions } from './errors.js';
export { DTYPES, type DType, type Tensor, isDType, elementSize, elementCount, expectedByteLength } from './tensor.js';
