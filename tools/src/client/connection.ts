import { readFile } from 'node:fs/promises';
import { credentials, Metadata, type CallOptions, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { tensorChannelOptions } from '@demux/core';
import { tfs } from '@demux/proto';

/** PEM files for TLS; without a server certificate the system's root certificates apply. */
export interface TlsFiles {
  serverCert: string | undefined;
  clientCert: string | undefined;
  clientKey: string | undefined;
}

export interface Endpoint {
  address: string;
  port: number;
  /** Undefined for a plaintext channel. */
  tls?: TlsFiles | undefined;
}

/**
 * gRPC's default limit on received messages is 4 MiB; one batch of 64 RGB 224x224 float32 images
 * is 38.5 MB, so both directions get room for far more.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** The Python clients give every call 10 seconds. */
const CALL_TIMEOUT_MS = 10_000;

export async function connect(endpoint: Endpoint): Promise<tfs.PredictionServiceClient> {
  const channelCredentials = endpoint.tls ? await tlsCredentials(endpoint.tls) : credentials.createInsecure();
  return new tfs.PredictionServiceClient(`${endpoint.address}:${endpoint.port}`, channelCredentials, tensorChannelOptions(MAX_MESSAGE_BYTES));
}

export function predict(
  client: tfs.PredictionServiceClient,
  request: tfs.PredictRequest,
): Promise<tfs.PredictResponse> {
  return unary(client.predict.bind(client), request);
}

export function getModelMetadata(
  client: tfs.PredictionServiceClient,
  request: tfs.GetModelMetadataRequest,
): Promise<tfs.GetModelMetadataResponse> {
  return unary(client.getModelMetadata.bind(client), request);
}

type UnaryMethod<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Response) => void,
) => unknown;

function unary<Request, Response>(method: UnaryMethod<Request, Response>, request: Request): Promise<Response> {
  return new Promise((resolve, reject) => {
    method(request, new Metadata(), { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** As the Python clients pair them: --server_cert is the root, --client_cert and --client_key the client's identity. */
async function tlsCredentials(files: TlsFiles): Promise<ChannelCredentials> {
  const read = async (path: string | undefined): Promise<Buffer | null> => (path === undefined ? null : readFile(path));
  const [rootCert, privateKey, certChain] = await Promise.all([
    read(files.serverCert),
    read(files.clientKey),
    read(files.clientCert),
  ]);
  return credentials.createSsl(rootCert, privateKey, certChain);
}
