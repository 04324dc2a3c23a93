/**
 * What a user would write instead of Demux: one grpc-js process serving TFS Predict for one
 * FP32 model, calling onnxruntime-node from its main thread. The benchmark's baseline (b).
 *   node tools/dist/bench/naive-server.js --model_path models/dummy/1/model.onnx --port 9500 [--threads 2]
 */
import { parseArgs } from 'node:util';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import * as ort from 'onnxruntime-node';
import { tfs } from '@demux/proto';

const { values } = parseArgs({
  options: { model_path: { type: 'string' }, port: { type: 'string', default: '9500' }, threads: { type: 'string', default: '2' } },
});
if (!values.model_path) throw new Error('--model_path is required');

const session = await ort.InferenceSession.create(values.model_path, {
  intraOpNumThreads: Number(values.threads),
  interOpNumThreads: 1,
  executionMode: 'sequential',
});

function toOrt(proto: tfs.TensorProto): ort.Tensor {
  const dims = proto.tensorShape?.dim.map((dim) => Number(dim.size)) ?? [];
  // A copy: tensorContent is a view into the message buffer, maybe not 4-byte aligned.
  const data = proto.tensorContent.length > 0 ? new Float32Array(new Uint8Array(proto.tensorContent).buffer) : Float32Array.from(proto.floatVal);
  return new ort.Tensor('float32', data, dims);
}

function toProto(tensor: ort.Tensor): tfs.TensorProto {
  const data = tensor.data as Float32Array;
  return tfs.TensorProto.fromPartial({
    dtype: tfs.DataType.DT_FLOAT,
    tensorShape: { dim: tensor.dims.map((size) => ({ size: BigInt(size) })) },
    tensorContent: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

async function predict(call: ServerUnaryCall<tfs.PredictRequest, tfs.PredictResponse>, callback: sendUnaryData<tfs.PredictResponse>): Promise<void> {
  try {
    const feeds = Object.fromEntries([...call.request.inputs].map(([name, proto]) => [name, toOrt(proto)]));
    const results = await session.run(feeds);
    callback(null, {
      modelSpec: call.request.modelSpec,
      outputs: new Map(Object.entries(results).map(([name, tensor]) => [name, toProto(tensor)])),
    });
  } catch (error) {
    callback({ code: status.INVALID_ARGUMENT, details: String(error) });
  }
}

const server = new Server({ 'grpc.max_receive_message_length': 256 * 2 ** 20, 'grpc.max_send_message_length': 256 * 2 ** 20 });
server.addService(tfs.PredictionServiceService, { predict: (call: ServerUnaryCall<tfs.PredictRequest, tfs.PredictResponse>, callback: sendUnaryData<tfs.PredictResponse>) => void predict(call, callback) });
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync(`127.0.0.1:${values.port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
);
console.log(`naive server listening on ${port}`);
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
