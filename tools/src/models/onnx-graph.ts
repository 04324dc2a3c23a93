import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

// onnx-proto is CommonJS: under ESM only its default export resolves at run time.
const { onnx } = onnxProto;

/** A dimension: a fixed size, or a name for a size chosen per request (the batch, "N"). */
export type Dim = number | string;

/** Integer attributes are all our operators need (kernel shapes, strides, pads, axes, flags). */
export type Attributes = Readonly<Record<string, number | readonly number[]>>;

/** The fixed identity written into every model, so that files depend only on the seed. */
const PRODUCER = { producerName: 'demux-models', producerVersion: '1' };
const IR_VERSION = 8;
const OPSET = 13;

/**
 * Builds one ONNX graph of float32 tensors: inputs, outputs, initializers and nodes, in the order
 * they are added, so the encoded model is deterministic.
 */
export class OnnxGraph {
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private parameters = 0;

  constructor(private readonly name: string) {}

  /** Number of weights in all initializers. */
  get parameterCount(): number {
    return this.parameters;
  }

  input(name: string, shape: readonly Dim[]): string {
    this.inputs.push(floatValueInfo(name, shape));
    return name;
  }

  output(name: string, shape: readonly Dim[]): void {
    this.outputs.push(floatValueInfo(name, shape));
  }

  /** Adds a constant tensor, stored as raw little-endian bytes (fast to encode and to load). */
  initializer(name: string, dims: readonly number[], values: Float32Array): string {
    const size = dims.reduce((product, dim) => product * dim, 1);
    if (values.length !== size) {
      throw new Error(`initializer ${name}: ${values.length} values for dims [${dims.join(', ')}]`);
    }
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: littleEndianBytes(values),
    });
    this.parameters += size;
    return name;
  }

  /** Adds a node with one output, named `output` or after the node; returns the output's name. */
  node(opType: string, inputs: readonly string[], attributes: Attributes = {}, output?: string): string {
    const name = `${opType}_${this.nodes.length}`;
    const outputName = output ?? name;
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: [outputName],
      attribute: Object.entries(attributes).map(([key, value]) => integerAttribute(key, value)),
    });
    return outputName;
  }

  /** Serialises the graph as an ONNX ModelProto. */
  encode(): Uint8Array {
    return onnx.ModelProto.encode({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      ...PRODUCER,
      graph: {
        name: this.name,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      },
    }).finish();
  }
}

function floatValueInfo(name: string, shape: readonly Dim[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

function integerAttribute(name: string, value: number | readonly number[]): OnnxTypes.IAttributeProto {
  const values = typeof value === 'number' ? [value] : value;
  if (!values.every(Number.isInteger)) throw new Error(`attribute ${name} must be integer: ${String(value)}`);
  return typeof value === 'number'
    ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
    : { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...value] };
}

/** ONNX raw_data is little-endian; a Float32Array is in host order, so it is a view only on LE hosts. */
function littleEndianBytes(values: Float32Array): Uint8Array {
  if (endianness() !== 'LE') throw new Error('model generation needs a little-endian host');
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}
