import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from './onnx-graph.js';

const { onnx } = onnxProto;

describe('OnnxGraph', () => {
  it('encodes a model with fixed identity, symbolic batch and raw little-endian initializers', () => {
    const graph = new OnnxGraph('scale');
    const input = graph.input('x', ['N', 2]);
    const weight = graph.initializer('w', [2], Float32Array.of(1.5, -2));
    graph.node('Mul', [input, weight], {}, 'y');
    graph.output('y', ['N', 2]);

    const model = onnx.ModelProto.decode(graph.encode());

    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((opset) => Number(opset.version))).toEqual([13]);
    expect(model.producerName).toBe('demux-models');
    const dims = model.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
    expect(dims.map((dim) => dim.dimParam || Number(dim.dimValue))).toEqual(['N', 2]);
    const raw = model.graph?.initializer?.[0]?.rawData ?? new Uint8Array();
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect([view.getFloat32(0, true), view.getFloat32(4, true)]).toEqual([1.5, -2]);
    expect(graph.parameterCount).toBe(2);
  });

  it('writes integer attributes as INT or INTS', () => {
    const graph = new OnnxGraph('pool');
    graph.node('MaxPool', [graph.input('x', ['N', 1, 4, 4])], { kernel_shape: [2, 2], ceil_mode: 0 });
    const [node] = onnx.ModelProto.decode(graph.encode()).graph?.node ?? [];
    expect(node?.attribute?.map((attribute) => [attribute.name, attribute.type])).toEqual([
      ['kernel_shape', onnx.AttributeProto.AttributeType.INTS],
      ['ceil_mode', onnx.AttributeProto.AttributeType.INT],
    ]);
  });

  it('rejects initializers whose values do not fill their dims, and fractional attributes', () => {
    const graph = new OnnxGraph('bad');
    expect(() => graph.initializer('w', [2, 2], new Float32Array(3))).toThrow(/3 values for dims \[2, 2\]/);
    expect(() => graph.node('Softmax', ['x'], { axis: 0.5 })).toThrow(/must be integer/);
  });
});
