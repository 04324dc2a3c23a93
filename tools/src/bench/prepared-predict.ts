import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { tensorChannelOptions } from '@demux/core';
import { tfs } from '@demux/proto';
import { MAX_MESSAGE_BYTES } from '../client/connection.js';

const PREDICT_PATH = '/tensorflow.serving.PredictionService/Predict';
const CALL_TIMEOUT_MS = 30_000;

/** A TFS Predict client that sends one request, encoded once, again and again. */
export interface PreparedPredict {
  send(): Promise<tfs.PredictResponse>;
  close(): void;
}

/**
 * As perf_analyzer prepares its inputs before measuring: the request's protobuf bytes are
 * encoded once, so the load generator's share of the machine is the gRPC call itself and not a
 * fresh encoding of the same 602 KB per image. Responses are still decoded, as a client would.
 */
export function preparedPredict(address: string, request: tfs.PredictRequest): PreparedPredict {
  const client = new Client(address, credentials.createInsecure(), tensorChannelOptions(MAX_MESSAGE_BYTES));
  const encoded = Buffer.from(tfs.PredictRequest.encode(request).finish());
  return {
    send: () =>
      new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          PREDICT_PATH,
          (bytes: Buffer) => bytes,
          (bytes: Buffer) => tfs.PredictResponse.decode(bytes),
          encoded,
          new Metadata(),
          { deadline: Date.now() + CALL_TIMEOUT_MS },
          (error, response) => (error ? reject(error) : resolve(response!)),
        );
      }),
    close: () => client.close(),
  };
}
