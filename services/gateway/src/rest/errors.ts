import { DemuxError, StatusCode, type StatusCodeValue } from '@demux/core';

/**
 * The HTTP status of each gRPC code a client can see. INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE
 * and INTERNAL answer as Triton and OpenVINO Model Server do; neither has the others, which
 * follow the usual gRPC-to-HTTP mapping (grpc-gateway's): 429 for limits and back-pressure, 504
 * for a deadline, 499 for a client that went away.
 */
const HTTP_STATUS: Partial<Record<StatusCodeValue, number>> = {
  [StatusCode.INVALID_ARGUMENT]: 400,
  [StatusCode.FAILED_PRECONDITION]: 400,
  [StatusCode.OUT_OF_RANGE]: 400,
  [StatusCode.NOT_FOUND]: 404,
  [StatusCode.CANCELLED]: 499,
  [StatusCode.RESOURCE_EXHAUSTED]: 429,
  [StatusCode.UNIMPLEMENTED]: 501,
  [StatusCode.UNAVAILABLE]: 503,
  [StatusCode.DEADLINE_EXCEEDED]: 504,
};

export function httpStatusOf(code: StatusCodeValue): number {
  return HTTP_STATUS[code] ?? 500;
}

/** An error as both REST APIs answer it: `{"error": "<message>"}` (TensorFlow Serving and KServe v2 alike). */
export interface RestError {
  status: number;
  body: { error: string };
}

/**
 * The answer to a failed request. A DemuxError keeps its code's status; an HTTP error of the
 * server itself (a body over the limit, an unreadable request) keeps its 4xx status; anything
 * else is a bug, hence 500.
 */
export function restError(error: unknown): RestError {
  if (!(error instanceof DemuxError)) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500 && error instanceof Error) {
      return { status, body: { error: error.message } };
    }
  }
  const demux = DemuxError.from(error);
  return { status: httpStatusOf(demux.code), body: { error: demux.message } };
}
