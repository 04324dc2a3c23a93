import type { ModelConfig } from '../config/demux-config.js';
import type { ShapeSetting } from '../config/shape.js';
import { DemuxError } from '../errors.js';
import type { TensorSpec } from '../validation.js';
import type { ModelMetadata } from './onnx-metadata.js';

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** The model's dims narrowed by a configured `shape`: a fixed size pins a dynamic dim; a range or -1 stays dynamic. */
function narrowToShape(model: string, spec: TensorSpec, setting: ShapeSetting): TensorSpec {
  if (setting === 'auto') return spec;
  if (setting.length !== spec.shape.length) {
    throw DemuxError.invalidArgument(`model ${model}: shape of rank ${setting.length} does not fit input "${spec.name}" ${formatShape(spec.shape)}`);
  }
  const shape = spec.shape.map((dim, axis) => {
    const wanted = setting[axis]!;
    if (typeof wanted !== 'number' || wanted === -1) return dim;
    if (dim !== -1 && dim !== wanted) {
      throw DemuxError.invalidArgument(`model ${model}: shape dimension ${axis} = ${wanted} does not fit input "${spec.name}" ${formatShape(spec.shape)}`);
    }
    return wanted;
  });
  return { ...spec, shape };
}

/** `batch_size` N pins the first dimension of every input and output. */
function withBatch(model: string, spec: TensorSpec, batch: number): TensorSpec {
  const [first, ...rest] = spec.shape;
  if (first === undefined) return spec;
  if (first !== -1 && first !== batch) {
    throw DemuxError.invalidArgument(`model ${model}: batch_size ${batch} does not fit "${spec.name}" ${formatShape(spec.shape)}`);
  }
  return { ...spec, shape: [batch, ...rest] };
}

/**
 * What a model version serves after its config's `batch_size` and `shape`, as OpenVINO Model
 * Server reshapes a model: onnxruntime cannot reshape it, so Demux holds requests to the
 * narrower shape instead. "auto" leaves the model's own dims.
 */
export function servedMetadata(config: Pick<ModelConfig, 'name' | 'batchSize' | 'shape' | 'shapeByInput'>, metadata: ModelMetadata): ModelMetadata {
  let { inputs, outputs } = metadata;
  const { batchSize } = config;
  if (typeof batchSize === 'number' && batchSize > 0) {
    inputs = inputs.map((spec) => withBatch(config.name, spec, batchSize));
    outputs = outputs.map((spec) => withBatch(config.name, spec, batchSize));
  }
  if (config.shape !== undefined) {
    if (inputs.length !== 1) {
      throw DemuxError.invalidArgument(`model ${config.name}: a shape string needs a model with one input; give one shape per input name`);
    }
    inputs = [narrowToShape(config.name, inputs[0]!, config.shape)];
  }
  for (const [name, setting] of Object.entries(config.shapeByInput ?? {})) {
    const index = inputs.findIndex((spec) => spec.name === name);
    if (index < 0) throw DemuxError.invalidArgument(`model ${config.name}: shape names no input "${name}"`);
    inputs = inputs.map((spec, i) => (i === index ? narrowToShape(config.name, spec, setting) : spec));
  }
  return { inputs, outputs };
}
