import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { kserve } from '@demux/proto';

const MAX_MESSAGE = 256 * 1024 * 1024;

type Callback<T> = (error: ServiceError | null, response: T) => void;

/** A KServe v2 gRPC client (inference.GRPCInferenceService) as a user has it, with promises. */
export class KServeClient {
  readonly #client: kserve.GRPCInferenceServiceClient;

  constructor(address: string) {
    this.#client = new kserve.GRPCInferenceServiceClient(address, credentials.createInsecure(), {
      'grpc.max_send_message_length': MAX_MESSAGE,
      'grpc.max_receive_message_length': MAX_MESSAGE,
    });
  }

  serverLive(): Promise<kserve.ServerLiveResponse> {
    return answer((done) => this.#client.serverLive({}, done));
  }

  serverReady(): Promise<kserve.ServerReadyResponse> {
    return answer((done) => this.#client.serverReady({}, done));
  }

  serverMetadata(): Promise<kserve.ServerMetadataResponse> {
    return answer((done) => this.#client.serverMetadata({}, done));
  }

  modelReady(name: string, version = ''): Promise<kserve.ModelReadyResponse> {
    return answer((done) => this.#client.modelReady({ name, version }, done));
  }

  modelMetadata(name: string, version = ''): Promise<kserve.ModelMetadataResponse> {
    return answer((done) => this.#client.modelMetadata({ name, version }, done));
  }

  modelInfer(request: kserve.ModelInferRequest, timeoutMs = 60_000): Promise<kserve.ModelInferResponse> {
    return answer((done) => this.#client.modelInfer(request, new Metadata(), { deadline: Date.now() + timeoutMs }, done));
  }

  close(): void {
    this.#client.close();
  }
}

function answer<T>(call: (done: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => call((error, response) => (error ? reject(error) : resolve(response))));
}

/** The bytes of float32 values, little-endian as the wire wants them on every machine Demux runs on. */
export function floatBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
