import { describe, expect, it } from 'vitest';
import { demux, kserve, tfs } from './index.js';

// Wire bytes written by hand from the protobuf encoding rules, independent of the generated
// code: if a field number or type in proto/ drifts from the public definitions, these break.
const VARINT = 0;
const I64 = 1;
const LEN = 2;

type Bytes = number[];

function varint(value: number | bigint): Bytes {
  // Negative int32/int64 values are sign-extended to 64 bits: ten bytes on the wire.
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return out;
}

const key = (field: number, wireType: number): Bytes => varint((field << 3) | wireType);
const int = (field: number, value: number | bigint): Bytes => [...key(field, VARINT), ...varint(value)];
const len = (field: number, content: ArrayLike<number>): Bytes => [
  ...key(field, LEN),
  ...varint(content.length),
  ...Array.from(content),
];
const str = (field: number, text: string): Bytes => len(field, new TextEncoder().encode(text));
const msg = (field: number, ...fields: Bytes[]): Bytes => len(field, fields.flat());
const packedVarints = (field: number, values: (number | bigint)[]): Bytes => len(field, values.flatMap((v) => varint(v)));
const wire = (...fields: Bytes[]): Uint8Array => Uint8Array.from(fields.flat());

function littleEndian(size: 4 | 8, values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((value, i) => (size === 4 ? view.setFloat32(i * 4, value, true) : view.setFloat64(i * 8, value, true)));
  return new Uint8Array(view.buffer);
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** True when `view` shares memory with `message`: decoding did not copy the bytes. */
const isViewInto = (view: Uint8Array, message: Uint8Array): boolean => view.buffer === message.buffer;

describe('TensorFlow Serving wire format', () => {
  it('decodes a PredictRequest with model_spec and a tensor_content input', () => {
    const content = littleEndian(4, [1, 2, 3, -4.5, 0, 1e30]);
    const bytes = wire(
      msg(1, str(1, 'resnet'), msg(2, int(1, 3)), str(3, 'serving_default')),
      msg(
        2,
        str(1, 'images'),
        msg(2, int(1, 1), msg(2, msg(2, int(1, 2)), msg(2, int(1, 3))), len(4, content)),
      ),
      str(3, 'scores'),
    );

    const request = tfs.PredictRequest.decode(bytes);

    expect(request.modelSpec).toEqual({
      name: 'resnet',
      versionChoice: { $case: 'version', value: 3n },
      signatureName: 'serving_default',
    });
    expect(request.outputFilter).toEqual(['scores']);
    const images = request.inputs.get('images');
    expect(images?.dtype).toBe(tfs.DataType.DT_FLOAT);
    expect(images?.tensorShape?.dim.map((dim) => dim.size)).toEqual([2n, 3n]);
    expect(hex(images?.tensorContent ?? new Uint8Array())).toBe(hex(content));
    expect(isViewInto(images?.tensorContent ?? new Uint8Array(), bytes)).toBe(true);
    expect(hex(tfs.PredictRequest.encode(request).finish())).toBe(hex(bytes));
  });

  it('decodes a version_label model_spec', () => {
    const bytes = wire(str(1, 'resnet'), str(4, 'stable'));
    expect(tfs.ModelSpec.decode(bytes).versionChoice).toEqual({ $case: 'versionLabel', value: 'stable' });
    expect(hex(tfs.ModelSpec.encode(tfs.ModelSpec.decode(bytes)).finish())).toBe(hex(bytes));
  });

  it('decodes packed float_val, int64_val, half_val and uint64_val', () => {
    const floats = wire(int(1, 1), len(5, littleEndian(4, [1.5, -2.25, Infinity])));
    expect(tfs.TensorProto.decode(floats).floatVal).toEqual([1.5, -2.25, Infinity]);
    expect(hex(tfs.TensorProto.encode(tfs.TensorProto.decode(floats)).finish())).toBe(hex(floats));

    const int64s = [-1n, 9223372036854775807n, -9223372036854775808n];
    const longs = wire(int(1, 9), packedVarints(10, int64s));
    expect(tfs.TensorProto.decode(longs).int64Val).toEqual(int64s);
    expect(hex(tfs.TensorProto.encode(tfs.TensorProto.decode(longs)).finish())).toBe(hex(longs));

    const halves = wire(int(1, 19), packedVarints(13, [0x3c00, 0xfbff]));
    expect(tfs.TensorProto.decode(halves).halfVal).toEqual([0x3c00, 0xfbff]);

    const unsigned = wire(int(1, 23), packedVarints(17, [0n, 18446744073709551615n]));
    expect(tfs.TensorProto.decode(unsigned).uint64Val).toEqual([0n, 18446744073709551615n]);

    const others = wire(
      len(6, littleEndian(8, [-0.5])),
      packedVarints(7, [-128, 65535]),
      packedVarints(11, [1, 0]),
      packedVarints(16, [4294967295]),
    );
    const decoded = tfs.TensorProto.decode(others);
    expect([decoded.doubleVal, decoded.intVal, decoded.boolVal, decoded.uint32Val]).toEqual([
      [-0.5],
      [-128, 65535],
      [true, false],
      [4294967295],
    ]);
    expect(hex(tfs.TensorProto.encode(decoded).finish())).toBe(hex(others));
  });

  it('decodes unpacked repeated scalars, which parsers must accept', () => {
    const bytes = wire(int(1, 3), int(7, 5), int(7, -3));
    expect(tfs.TensorProto.decode(bytes).intVal).toEqual([5, -3]);
  });

  it('decodes string_val as byte strings', () => {
    const bytes = wire(int(1, 7), str(8, 'hello'), len(8, [0xff, 0x00]));
    expect(tfs.TensorProto.decode(bytes).stringVal.map(hex)).toEqual(['68656c6c6f', 'ff00']);
  });

  it('decodes GetModelMetadataResponse with a SignatureDefMap packed in an Any', () => {
    const tensorInfo = (name: string, dims: number[]): Bytes[] => [
      str(1, name),
      int(2, 1),
      msg(3, ...dims.map((size) => msg(2, int(1, size)))),
    ];
    const signatureDefMap = wire(
      msg(
        1,
        str(1, 'serving_default'),
        msg(
          2,
          msg(1, str(1, 'x'), msg(2, ...tensorInfo('x:0', [-1, 3]))),
          msg(2, str(1, 'y'), msg(2, ...tensorInfo('y:0', [-1, 10]))),
          str(3, 'tensorflow/serving/predict'),
        ),
      ),
    );
    const bytes = wire(
      msg(1, str(1, 'resnet'), msg(2, int(1, 1))),
      msg(
        2,
        str(1, 'signature_def'),
        msg(2, str(1, 'type.googleapis.com/tensorflow.serving.SignatureDefMap'), len(2, signatureDefMap)),
      ),
    );

    const response = tfs.GetModelMetadataResponse.decode(bytes);

    const any = response.metadata.get('signature_def');
    expect(any?.typeUrl).toBe(tfs.SIGNATURE_DEF_MAP_TYPE_URL);
    const signature = tfs.SignatureDefMap.decode(any?.value ?? new Uint8Array()).signatureDef.get('serving_default');
    expect(signature?.methodName).toBe('tensorflow/serving/predict');
    expect(signature?.inputs.get('x')).toEqual({
      name: 'x:0',
      dtype: tfs.DataType.DT_FLOAT,
      tensorShape: { dim: [{ size: -1n, name: '' }, { size: 3n, name: '' }], unknownRank: false },
    });
    expect(signature?.outputs.get('y')?.tensorShape?.dim.map((dim) => dim.size)).toEqual([-1n, 10n]);
    expect(hex(tfs.GetModelMetadataResponse.encode(response).finish())).toBe(hex(bytes));
  });

  it('decodes GetModelStatusResponse states and error codes', () => {
    const bytes = wire(
      msg(1, int(1, 2), int(2, 30), msg(3)),
      msg(1, int(1, 1), int(2, 50), msg(3, int(1, 5), str(2, 'not found'))),
    );

    const response = tfs.GetModelStatusResponse.decode(bytes);

    expect(response.modelVersionStatus).toEqual([
      { version: 2n, state: tfs.ModelVersionStatus_State.AVAILABLE, status: { errorCode: tfs.ErrorCode.OK, errorMessage: '' } },
      { version: 1n, state: tfs.ModelVersionStatus_State.END, status: { errorCode: tfs.ErrorCode.NOT_FOUND, errorMessage: 'not found' } },
    ]);
    expect(tfs.ModelVersionStatus_State.AVAILABLE).toBe(30);
    expect(hex(tfs.GetModelStatusResponse.encode(response).finish())).toBe(hex(bytes));
  });
});

describe('KServe v2 wire format', () => {
  it('decodes a ModelInferRequest with parameters of every kind and raw_input_contents', () => {
    const raw = littleEndian(4, [1, 2, 3, 4]);
    const bytes = wire(
      str(1, 'simple'),
      str(2, '1'),
      str(3, 'req-7'),
      msg(4, str(1, 'binary'), msg(2, int(1, 1))),
      msg(4, str(1, 'priority'), msg(2, int(2, -5))),
      msg(4, str(1, 'tag'), msg(2, str(3, 'a'))),
      msg(4, str(1, 'temperature'), msg(2, key(4, I64), Array.from(littleEndian(8, [0.5])))),
      msg(4, str(1, 'timeout_us'), msg(2, int(5, 18446744073709551615n))),
      msg(5, str(1, 'INPUT0'), str(2, 'FP32'), packedVarints(3, [1, 4])),
      msg(6, str(1, 'OUTPUT0')),
      len(7, raw),
    );

    const request = kserve.ModelInferRequest.decode(bytes);

    expect(request.modelName).toBe('simple');
    expect(request.modelVersion).toBe('1');
    expect(request.id).toBe('req-7');
    expect(Object.fromEntries([...request.parameters].map(([name, p]) => [name, p.parameterChoice]))).toEqual({
      binary: { $case: 'boolParam', value: true },
      priority: { $case: 'int64Param', value: -5n },
      tag: { $case: 'stringParam', value: 'a' },
      temperature: { $case: 'doubleParam', value: 0.5 },
      timeout_us: { $case: 'uint64Param', value: 18446744073709551615n },
    });
    expect(request.inputs).toEqual([
      { name: 'INPUT0', datatype: 'FP32', shape: [1n, 4n], parameters: new Map(), contents: undefined },
    ]);
    expect(request.outputs).toEqual([{ name: 'OUTPUT0', parameters: new Map() }]);
    expect(request.rawInputContents.map(hex)).toEqual([hex(raw)]);
    expect(isViewInto(request.rawInputContents[0] ?? new Uint8Array(), bytes)).toBe(true);
    expect(hex(kserve.ModelInferRequest.encode(request).finish())).toBe(hex(bytes));
  });

  it('decodes typed contents', () => {
    const bytes = wire(
      str(1, 'INPUT0'),
      str(2, 'INT32'),
      packedVarints(3, [2]),
      msg(5, packedVarints(2, [-7, 2147483647])),
    );
    expect(kserve.ModelInferRequest_InferInputTensor.decode(bytes).contents?.intContents).toEqual([-7, 2147483647]);
  });

  it('decodes a ModelInferResponse with raw_output_contents in field 6', () => {
    const raw = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const bytes = wire(
      str(1, 'simple'),
      str(2, '1'),
      str(3, 'req-7'),
      msg(5, str(1, 'OUTPUT0'), str(2, 'INT64'), packedVarints(3, [1, 2])),
      len(6, raw),
    );

    const response = kserve.ModelInferResponse.decode(bytes);

    expect(response.outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([['OUTPUT0', 'INT64', [1n, 2n]]]);
    expect(response.rawOutputContents.map(hex)).toEqual([hex(raw)]);
    expect(hex(kserve.ModelInferResponse.encode(response).finish())).toBe(hex(bytes));
  });

  it('decodes ModelMetadataResponse tensor metadata with dynamic dims', () => {
    const bytes = wire(
      str(1, 'simple'),
      str(2, '1'),
      str(3, 'onnxruntime_onnx'),
      msg(4, str(1, 'INPUT0'), str(2, 'FP32'), packedVarints(3, [-1, 4])),
    );
    expect(kserve.ModelMetadataResponse.decode(bytes).inputs).toEqual([{ name: 'INPUT0', datatype: 'FP32', shape: [-1n, 4n] }]);
    expect(hex(kserve.ModelMetadataResponse.encode(kserve.ModelMetadataResponse.decode(bytes)).finish())).toBe(hex(bytes));
  });
});

describe('demux.v1 wire format', () => {
  it('decodes a Job', () => {
    const data = littleEndian(4, [0.25, -1, 7]);
    const bytes = wire(
      str(1, 'detect'),
      str(2, 'yolo'),
      int(3, 2),
      msg(4, str(1, 'images'), int(2, 11), packedVarints(3, [1, 3]), len(4, data)),
      str(5, 'boxes'),
      str(5, 'scores'),
    );

    const job = demux.Job.decode(bytes);

    expect(job).toEqual({
      node: 'detect',
      model: 'yolo',
      version: 2n,
      inputs: [{ name: 'images', dtype: demux.DataType.FP32, shape: [1n, 3n], data: expect.any(Uint8Array) }],
      outputs: ['boxes', 'scores'],
    });
    expect(hex(job.inputs[0]?.data ?? new Uint8Array())).toBe(hex(data));
    expect(isViewInto(job.inputs[0]?.data ?? new Uint8Array(), bytes)).toBe(true);
    expect(hex(demux.Job.encode(job).finish())).toBe(hex(bytes));
  });

  it('decodes a failed JobResult', () => {
    const bytes = wire(msg(2, int(1, 8), str(2, 'item too large')));
    expect(demux.JobResult.decode(bytes)).toEqual({ outputs: [], error: { code: 8, message: 'item too large' } });
    expect(hex(demux.JobResult.encode(demux.JobResult.decode(bytes)).finish())).toBe(hex(bytes));
  });

  it('numbers DataType as job.proto does', () => {
    expect([demux.DataType.UNSPECIFIED, demux.DataType.BOOL, demux.DataType.FP16, demux.DataType.BYTES]).toEqual([0, 1, 10, 13]);
  });
});

describe('gRPC service definitions', () => {
  const paths = (service: Record<string, { path: string }>): string[] => Object.values(service).map((method) => method.path);

  it('serve the public method paths', () => {
    expect(paths(tfs.PredictionServiceService)).toEqual([
      '/tensorflow.serving.PredictionService/Predict',
      '/tensorflow.serving.PredictionService/GetModelMetadata',
    ]);
    expect(paths(tfs.ModelServiceService)).toEqual(['/tensorflow.serving.ModelService/GetModelStatus']);
    expect(paths(kserve.GRPCInferenceServiceService)).toEqual([
      '/inference.GRPCInferenceService/ServerLive',
      '/inference.GRPCInferenceService/ServerReady',
      '/inference.GRPCInferenceService/ModelReady',
      '/inference.GRPCInferenceService/ServerMetadata',
      '/inference.GRPCInferenceService/ModelMetadata',
      '/inference.GRPCInferenceService/ModelInfer',
    ]);
    expect(paths(demux.SchedulerService)).toEqual([
      '/demux.v1.Scheduler/Infer',
      '/demux.v1.Scheduler/GetMetadata',
      '/demux.v1.Scheduler/GetStatus',
      '/demux.v1.Scheduler/GetHealth',
    ]);
  });

  it('come with grpc-js clients', () => {
    expect(tfs.PredictionServiceClient.service).toBe(tfs.PredictionServiceService);
    expect(tfs.ModelServiceClient.service).toBe(tfs.ModelServiceService);
    expect(kserve.GRPCInferenceServiceClient.service).toBe(kserve.GRPCInferenceServiceService);
    expect(demux.SchedulerClient.service).toBe(demux.SchedulerService);
  });
});
