import type { Http2Server, ServerHttp2Session } from 'node:http2';
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type ChannelOptions,
  type MethodDefinition,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { DemuxError, type StatusCodeValue } from './errors.js';

type RequestOf<M> = M extends { requestDeserialize: (bytes: Buffer) => infer Request } ? Request : never;
type ResponseOf<M> = M extends { responseSerialize: (value: infer Response) => Buffer } ? Response : never;

/** A unary RPC as an async function: its result is the response, what it throws the status. */
export type UnaryHandler<Request, Response> = (request: Request, call: ServerUnaryCall<Buffer, Response>) => Promise<Response>;

export type UnaryHandlers<D extends ServiceDefinition> = { [K in keyof D]: UnaryHandler<RequestOf<D[K]>, ResponseOf<D[K]>> };

/** The gRPC status object of any error: a DemuxError keeps its code, anything else is INTERNAL. */
export function toServiceError(error: unknown): Partial<ServiceError> {
  const demux = DemuxError.from(error);
  return { code: demux.code, details: demux.message, metadata: new Metadata() };
}

/** A failed call of a Demux service as a DemuxError with the same code and message. */
export function fromServiceError(error: ServiceError): DemuxError {
  return new DemuxError(error.code as StatusCodeValue, error.details || error.message, { cause: error });
}

/**
 * A service whose requests are decoded inside the handler rather than by grpc-js, which answers
 * an undecodable message with INTERNAL: malformed bytes from a client are INVALID_ARGUMENT.
 */
export function unaryService<D extends ServiceDefinition>(
  definition: D,
  handlers: UnaryHandlers<D>,
): { definition: ServiceDefinition; implementation: UntypedServiceImplementation } {
  const rawDefinition: Record<string, MethodDefinition<unknown, unknown>> = {};
  const implementation: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition) as [keyof D & string, MethodDefinition<unknown, unknown>][]) {
    rawDefinition[name] = { ...method, requestDeserialize: (bytes: Buffer) => bytes };
    const handler = handlers[name] as UnaryHandler<unknown, unknown>;
    implementation[name] = (call: ServerUnaryCall<Buffer, unknown>, callback: sendUnaryData<unknown>) => {
      let request: unknown;
      try {
        request = method.requestDeserialize(call.request);
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        callback({ code: status.INVALID_ARGUMENT, details: `malformed ${method.path} request: ${reason}` });
        return;
      }
      handler(request, call).then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error)),
      );
    };
  }
  return { definition: rawDefinition, implementation };
}

/** The absolute deadline of an incoming call, or `fallbackMs` from now when the client set none. */
export function callDeadline(call: ServerUnaryCall<unknown, unknown>, fallbackMs: number): number {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return Number.isFinite(ms) && ms > 0 ? ms : Date.now() + fallbackMs;
}

/**
 * An AbortSignal that aborts when the client cancels the call or its deadline passes. grpc-js
 * also emits 'cancelled' once a call has ended normally, so the reason is a plain string: an
 * abort without one would build a DOMException, with its stack, for every call.
 */
export function callSignal(call: ServerUnaryCall<unknown, unknown>): AbortSignal {
  const controller = new AbortController();
  call.once('cancelled', () => controller.abort(CALL_CANCELLED));
  return controller.signal;
}

const CALL_CANCELLED = 'the call was cancelled';

/**
 * HTTP/2 flow-control windows for tensor-sized messages. grpc-js keeps the 64 KiB default where
 * C++ gRPC grows its windows by probing the bandwidth-delay product: one 602 KB image then
 * crosses in ten window round trips, and a bare 602 KB unary call on loopback takes ~4 ms
 * instead of ~1.7 ms.
 */
const STREAM_WINDOW_BYTES = 8 * 1024 * 1024;
const SESSION_WINDOW_BYTES = 16 * 1024 * 1024;

/** Channel options for a client sending or receiving tensors: message limits and wide windows. */
export function tensorChannelOptions(maxMessageBytes: number): ChannelOptions {
  return {
    'grpc.max_send_message_length': maxMessageBytes,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc-node.flow_control_window': SESSION_WINDOW_BYTES,
  };
}

/** A gRPC server for tensor-sized messages; start it with `listen`. */
export function tensorServer(maxMessageBytes: number): Server {
  return new Server({ 'grpc.max_receive_message_length': maxMessageBytes, 'grpc.max_send_message_length': maxMessageBytes });
}

/** Binds the server (port 0 picks one) and widens the windows of every connection it takes; resolves with the port. */
export async function listen(server: Server, bindAddress: string, port: number, what: string): Promise<number> {
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${bindAddress}:${port}`, ServerCredentials.createInsecure(), (error, chosen) =>
      error ? reject(DemuxError.unavailable(`cannot listen on ${what} ${port}: ${error.message}`, { cause: error })) : resolve(chosen),
    ),
  );
  // grpc-js has no server option for its windows: its HTTP/2 servers are reached through a
  // private field. A grpc-js without it serves with the default windows; a test pins the field.
  const http2Servers = (server as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  for (const http2Server of http2Servers?.keys() ?? []) {
    http2Server.on('session', (session: ServerHttp2Session) => {
      session.settings({ initialWindowSize: STREAM_WINDOW_BYTES });
      session.setLocalWindowSize(SESSION_WINDOW_BYTES);
    });
  }
  return bound;
}
