import { demux, kserve, tfs } from '@demux/proto';
import { describe, expect, it } from 'vitest';
import { DTYPES, type DType, type Tensor } from '../tensor.js';
import { fromJobTensor, toJobTensor } from './job.js';
import { fromInferInput, toInferOutput } from './kserve.js';
import { shapeToWire } from './shape.js';
import { fromTensorProto, toTensorProto, toTfDataType } from './tfs.js';

// Every dtype through every path, with the values most likely to be mangled: extremes,
// negative numbers, -0, NaN, infinities, subnormals, 64-bit integers beyond 2^53, and FP16
// bit patterns. Raw bytes come from typed arrays (little-endian on every host we run on),
// independently of the codec's DataView writes.
type Values = number[] | bigint[] | boolean[] | Uint8Array[];

interface Sample {
  values: Values;
  raw: Uint8Array;
}

const bytesOf = (array: ArrayBufferView): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

const SAMPLES: Record<DType, Sample> = {
  BOOL: { values: [true, false, true], raw: Uint8Array.from([1, 0, 1]) },
  UINT8: { values: [0, 255, 7], raw: Uint8Array.from([0, 255, 7]) },
  UINT16: { values: [0, 65535, 258], raw: bytesOf(Uint16Array.of(0, 65535, 258)) },
  UINT32: { values: [0, 4294967295, 65536], raw: bytesOf(Uint32Array.of(0, 4294967295, 65536)) },
  UINT64: {
    values: [0n, 18446744073709551615n, 9007199254740993n],
    raw: bytesOf(BigUint64Array.of(0n, 18446744073709551615n, 9007199254740993n)),
  },
  INT8: { values: [-128, 127, -1], raw: bytesOf(Int8Array.of(-128, 127, -1)) },
  INT16: { values: [-32768, 32767, -2], raw: bytesOf(Int16Array.of(-32768, 32767, -2)) },
  INT32: { values: [-2147483648, 2147483647, -3], raw: bytesOf(Int32Array.of(-2147483648, 2147483647, -3)) },
  INT64: {
    values: [-9223372036854775808n, 9223372036854775807n, -9007199254740993n],
    raw: bytesOf(BigInt64Array.of(-9223372036854775808n, 9223372036854775807n, -9007199254740993n)),
  },
  // 1, -65504 (lowest), NaN, -0, the smallest subnormal, +infinity.
  FP16: {
    values: [0x3c00, 0xfbff, 0x7e00, 0x8000, 0x0001, 0x7c00],
    raw: bytesOf(Uint16Array.of(0x3c00, 0xfbff, 0x7e00, 0x8000, 0x0001, 0x7c00)),
  },
  FP32: {
    values: [-0, NaN, Infinity, -3.4028234663852886e38, 1.401298464324817e-45, -1.5],
    raw: bytesOf(Float32Array.of(-0, NaN, Infinity, -3.4028234663852886e38, 1.401298464324817e-45, -1.5)),
  },
  FP64: {
    values: [-0, NaN, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, -1e-300],
    raw: bytesOf(Float64Array.of(-0, NaN, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, -1e-300)),
  },
  BYTES: {
    values: [new Uint8Array(0), text('hello'), Uint8Array.from([0x00, 0xff, 0x00])],
    raw: Uint8Array.from([0, 0, 0, 0, 5, 0, 0, 0, ...text('hello'), 3, 0, 0, 0, 0x00, 0xff, 0x00]),
  },
};

const tensorOf = (dtype: DType): Tensor => ({
  name: 'x',
  dtype,
  shape: [1, SAMPLES[dtype].values.length],
  data: SAMPLES[dtype].raw,
});
const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** The tensor as comparable plain data: the bytes as hex, so NaN and -0 compare bit-exactly. */
const plain = (tensor: Tensor) => ({ ...tensor, data: hex(tensor.data) });

/** A TensorProto with the sample in the typed field TensorFlow assigns to the dtype. */
function typedTensorProto(dtype: DType): tfs.TensorProto {
  const { values } = SAMPLES[dtype];
  const fields: Record<DType, Partial<tfs.TensorProto>> = {
    BOOL: { boolVal: values as boolean[] },
    UINT8: { intVal: values as number[] },
    UINT16: { intVal: values as number[] },
    UINT32: { uint32Val: values as number[] },
    UINT64: { uint64Val: values as bigint[] },
    INT8: { intVal: values as number[] },
    INT16: { intVal: values as number[] },
    INT32: { intVal: values as number[] },
    INT64: { int64Val: values as bigint[] },
    FP16: { halfVal: values as number[] },
    FP32: { floatVal: values as number[] },
    FP64: { doubleVal: values as number[] },
    BYTES: { stringVal: values as Uint8Array[] },
  };
  return tfs.TensorProto.create({
    dtype: toTfDataType(dtype),
    tensorShape: { dim: [{ size: 1n }, { size: BigInt(values.length) }] },
    ...fields[dtype],
  });
}

/** KServe typed contents for the sample; FP16 has no typed field. */
function typedContents(dtype: Exclude<DType, 'FP16'>): kserve.InferTensorContents {
  const { values } = SAMPLES[dtype];
  const fields: Record<Exclude<DType, 'FP16'>, Partial<kserve.InferTensorContents>> = {
    BOOL: { boolContents: values as boolean[] },
    UINT8: { uintContents: values as number[] },
    UINT16: { uintContents: values as number[] },
    UINT32: { uintContents: values as number[] },
    UINT64: { uint64Contents: values as bigint[] },
    INT8: { intContents: values as number[] },
    INT16: { intContents: values as number[] },
    INT32: { intContents: values as number[] },
    INT64: { int64Contents: values as bigint[] },
    FP32: { fp32Contents: values as number[] },
    FP64: { fp64Contents: values as number[] },
    BYTES: { bytesContents: values as Uint8Array[] },
  };
  return kserve.InferTensorContents.create(fields[dtype]);
}

/** Through protobuf bytes and back, as a message crosses the network. */
function overTheWire<T>(codec: { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T }, message: T): T {
  return codec.decode(codec.encode(message).finish());
}

describe.each(DTYPES)('%s round trip', (dtype) => {
  const tensor = tensorOf(dtype);

  it('TFS tensor_content / string_val: response encoding, then decoded as a request', () => {
    const proto = overTheWire(tfs.TensorProto, toTensorProto(tensor));
    expect(plain(fromTensorProto('x', proto))).toEqual(plain(tensor));
  });

  it('TFS typed fields', () => {
    const proto = overTheWire(tfs.TensorProto, typedTensorProto(dtype));
    expect(proto.tensorContent.length).toBe(0);
    expect(plain(fromTensorProto('x', proto))).toEqual(plain(tensor));
  });

  it('KServe raw contents: output, then sent back as an input', () => {
    const { output, raw } = toInferOutput(tensor);
    const response = overTheWire(
      kserve.ModelInferResponse,
      kserve.ModelInferResponse.create({ outputs: [output], rawOutputContents: [raw] }),
    );
    const [echoed] = response.outputs;
    const input = kserve.ModelInferRequest_InferInputTensor.create({ ...echoed });
    expect(plain(fromInferInput(input, response.rawOutputContents[0]))).toEqual(plain(tensor));
  });

  it('job tensor', () => {
    const decoded = overTheWire(demux.Tensor, toJobTensor(tensor));
    expect(plain(fromJobTensor(decoded))).toEqual(plain(tensor));
  });
});

// FP16 has no typed contents field in KServe; kserve.test.ts checks that it is refused.
const KSERVE_TYPED = DTYPES.filter((dtype): dtype is Exclude<DType, 'FP16'> => dtype !== 'FP16');

describe.each(KSERVE_TYPED)('%s round trip', (dtype) => {
  const tensor = tensorOf(dtype);

  it('KServe typed contents', () => {
    const request = overTheWire(
      kserve.ModelInferRequest,
      kserve.ModelInferRequest.create({
        inputs: [{ name: 'x', datatype: dtype, shape: shapeToWire(tensor.shape), contents: typedContents(dtype) }],
      }),
    );
    const [input] = request.inputs;
    expect(input && plain(fromInferInput(input))).toEqual(plain(tensor));
  });
});
