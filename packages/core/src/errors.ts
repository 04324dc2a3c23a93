import { status } from '@grpc/grpc-js';

export { status as StatusCode };

/** The gRPC status codes a client of Demux can see (DESIGN.md, "Errors"). */
export type StatusCodeValue = (typeof status)[keyof typeof status];

export interface DemuxErrorOptions extends ErrorOptions {
  /** True when sending the same request again can succeed (a worker was lost, the broker restarted). */
  retryable?: boolean;
}

/**
 * The one error type that crosses module boundaries. It carries the gRPC status the client will
 * see; front doors map it to their protocol's status in one place.
 */
export class DemuxError extends Error {
  override name = 'DemuxError';
  readonly code: StatusCodeValue;
  readonly retryable: boolean;

  constructor(code: StatusCodeValue, message: string, options: DemuxErrorOptions = {}) {
    super(message, options);
    this.code = code;
    this.retryable = options.retryable ?? code === status.UNAVAILABLE;
  }

  static invalidArgument(message: string, options?: DemuxErrorOptions): DemuxError {
    return new DemuxError(status.INVALID_ARGUMENT, message, options);
  }

  static notFound(message: string, options?: DemuxErrorOptions): DemuxError {
    return new DemuxError(status.NOT_FOUND, message, options);
  }

  static resourceExhausted(message: string, options?: DemuxErrorOptions): DemuxError {
    return new DemuxError(status.RESOURCE_EXHAUSTED, message, options);
  }

  static cancelled(message: string, options?: DemuxErrorOptions): DemuxError {
    return new DemuxError(status.CANCELLED, message, options);
  }

  static deadlineExceeded(message: string, options?: DemuxErrorOptions): DemuxError {
    return new DemuxError(status.DEADLINE_EXCEEDED, message, options);
  }

  static unavailable(message: string, options?: DemuxErrorOptions): DemuxError {
    return new DemuxError(status.UNAVAILABLE, message, options);
  }

  static internal(message: string, options?: DemuxErrorOptions): DemuxError {
    return new DemuxError(status.INTERNAL, message, options);
  }

  /** Any thrown value as a DemuxError; what is not one already is a bug, hence INTERNAL. */
  static from(error: unknown): DemuxError {
    if (error instanceof DemuxError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new DemuxError(status.INTERNAL, message, { cause: error });
  }
}
