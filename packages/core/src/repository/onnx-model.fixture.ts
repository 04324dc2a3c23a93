import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import onnxProto, { type onnx as Onnx } from 'onnx-proto';

/*
 * Test support: small ONNX model files written with onnx-proto, an encoder independent of the
 * reader under test, so repository tests need no checked-in binaries. The graphs declare inputs
 * and outputs only; nothing here runs them.
 */

// The package is CommonJS: its namespace is only reachable through the default export.
export const { onnx } = onnxProto;

export const ElemType = onnx.TensorProto.DataType;

/** A dimension: a size, a symbolic name, or null for a dimension with neither. */
export type FixtureDim = number | string | null;

export interface FixtureValue {
  name: string;
  elemType: number;
  /** Undefined writes no shape at all (unknown rank). */
  dims?: FixtureDim[];
}

export interface FixtureModel {
  inputs: FixtureValue[];
  outputs: FixtureValue[];
  /** Weights; listed in graph.input too when `listedAsInput`, as exporters before IR 4 did. */
  initializers?: { name: string; bytes: number; listedAsInput?: boolean }[];
}

export function encodeOnnxModel(model: FixtureModel): Uint8Array {
  const initializers = model.initializers ?? [];
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'demux-tests',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'fixture',
      node: [{ opType: 'Identity', input: [model.inputs[0]?.name ?? ''], output: [model.outputs[0]?.name ?? ''] }],
      initializer: initializers.map((weights) => ({
        name: weights.name,
        dataType: ElemType.FLOAT,
        dims: [weights.bytes / 4],
        rawData: new Uint8Array(weights.bytes),
      })),
      input: [
        ...model.inputs.map(valueInfo),
        ...initializers
          .filter((weights) => weights.listedAsInput)
          .map((weights) => valueInfo({ name: weights.name, elemType: ElemType.FLOAT, dims: [weights.bytes / 4] })),
      ],
      output: model.outputs.map(valueInfo),
    },
  }).finish();
}

export async function writeOnnxModel(path: string, model: FixtureModel): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeOnnxModel(model));
}

function valueInfo(value: FixtureValue): Onnx.IValueInfoProto {
  const shape = value.dims && {
    dim: value.dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : dim === null ? {} : { dimParam: dim })),
  };
  return { name: value.name, type: { tensorType: { elemType: value.elemType, ...(shape && { shape }) } } };
}
