import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { tfs } from '@demux/proto';

const MAX_MESSAGE = 256 * 1024 * 1024;

/** A TensorFlow Serving gRPC client as a user has it, with promises. */
export class TfsClient {
  readonly #prediction: tfs.PredictionServiceClient;
  readonly #models: tfs.ModelServiceClient;

  constructor(address: string) {
    const options = { 'grpc.max_send_message_length': MAX_MESSAGE, 'grpc.max_receive_message_length': MAX_MESSAGE };
    this.#prediction = new tfs.PredictionServiceClient(address, credentials.createInsecure(), options);
    this.#models = new tfs.ModelServiceClient(address, credentials.createInsecure(), options);
  }

  predict(request: tfs.PredictRequest, timeoutMs = 60_000): Promise<tfs.PredictResponse> {
    return this.startPredict(request, timeoutMs).response;
  }

  /** A Predict call that the test may cancel, as a client that gives up does. */
  startPredict(request: tfs.PredictRequest, timeoutMs = 60_000): { response: Promise<tfs.PredictResponse>; cancel(): void } {
    let call: { cancel(): void } | undefined;
    const response = new Promise<tfs.PredictResponse>((resolve, reject) => {
      call = this.#prediction.predict(request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error: ServiceError | null, answer) =>
        error ? reject(error) : resolve(answer),
      );
    });
    return { response, cancel: () => call?.cancel() };
  }

  metadata(name: string, version?: number): Promise<tfs.GetModelMetadataResponse> {
    return new Promise((resolve, reject) =>
      this.#prediction.getModelMetadata({ modelSpec: spec(name, version), metadataField: ['signature_def'] }, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
  }

  status(name: string, version?: number): Promise<tfs.GetModelStatusResponse> {
    return new Promise((resolve, reject) =>
      this.#models.getModelStatus({ modelSpec: spec(name, version) }, (error, response) => (error ? reject(error) : resolve(response))),
    );
  }

  close(): void {
    this.#prediction.close();
    this.#models.close();
  }
}

export function spec(name: string, version?: number): tfs.ModelSpec {
  return { name, versionChoice: version === undefined ? undefined : { $case: 'version', value: BigInt(version) }, signatureName: '' };
}

/** A float32 TensorProto with its values in tensor_content, as TFS clients send images. */
export function floatTensor(shape: number[], values: Float32Array): tfs.TensorProto {
  return tfs.TensorProto.fromPartial({
    dtype: tfs.DataType.DT_FLOAT,
    tensorShape: { dim: shape.map((size) => ({ size: BigInt(size) })) },
    tensorContent: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  });
}

export function predictRequest(name: string, inputs: Record<string, tfs.TensorProto>, version?: number): tfs.PredictRequest {
  return { modelSpec: spec(name, version), inputs: new Map(Object.entries(inputs)), outputFilter: [] };
}

/** An output of a PredictResponse as float32 values and its shape. */
export function floatOutput(response: tfs.PredictResponse, name: string): { shape: number[]; values: Float32Array } {
  const proto = response.outputs.get(name);
  if (!proto) throw new Error(`no output ${name}; outputs: ${[...response.outputs.keys()].join(', ')}`);
  const shape = (proto.tensorShape?.dim ?? []).map((dim) => Number(dim.size));
  const bytes = new Uint8Array(proto.tensorContent);
  return { shape, values: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4) };
}

/** The inputs and outputs of the serving_default signature in a metadata response, as name → shape. */
export function signatureShapes(response: tfs.GetModelMetadataResponse): { inputs: Record<string, number[]>; outputs: Record<string, number[]> } {
  const any = response.metadata.get('signature_def');
  if (!any) throw new Error('no signature_def');
  const signature = tfs.SignatureDefMap.decode(any.value).signatureDef.get('serving_default');
  const shapes = (infos: Map<string, tfs.TensorInfo> | undefined) =>
    Object.fromEntries([...(infos ?? [])].map(([name, info]) => [name, (info.tensorShape?.dim ?? []).map((dim) => Number(dim.size))]));
  return { inputs: shapes(signature?.inputs), outputs: shapes(signature?.outputs) };
}
