import type { Connection, DType, TensorSpec } from '@demux/core';

import { lookup } from './lookup.js';
import { nodeOfKind, REQUEST, type ModelNode, type NodeDefinition } from './node-definition.js';
import { inputLabel, nodeLabel, pipelineError } from './pipeline-error.js';
import { DYNAMIC, formatShape, intersectShapes, shapesFit } from './shape.js';

/** A pipeline's inputs and outputs as clients see them, demultiplexing dimensions included. */
export interface PipelineMetadata {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export function copySpec(spec: TensorSpec): TensorSpec {
  return { name: spec.name, dtype: spec.dtype, shape: [...spec.shape] };
}

/** A data item as one node session sees it; `whole` is the tensor that items are split from or stacked into. */
interface ItemSpec {
  dtype: DType;
  shape: number[];
  whole?: number[];
}

/**
 * Follows dtypes and shapes along every connection, as OVMS validates them: an item of a
 * demultiplexed output is the output without its first dimension, a gathering input takes items
 * with the item count prepended, and where both ends fix a dimension they must agree. A pipeline
 * input is what the nodes it feeds take, with the request's item count prepended when the request
 * is demultiplexed; a pipeline output is an item with the count of every demultiplexer the
 * response gathers prepended. Takes the nodes in dependency order.
 */
export function describeTensors(pipeline: string, nodes: readonly NodeDefinition[]): PipelineMetadata {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const produced = new Map<string, ItemSpec>();
  const fedFromRequest = new Map<string, { item: ItemSpec; node: string }>();
  for (const node of nodes) {
    if (node.kind !== 'model') continue;
    for (const input of node.inputs) {
      const taken = takenItem(pipeline, node, input, byName);
      if (input.source.nodeName === REQUEST) {
        narrowPipelineInput(pipeline, fedFromRequest, input.source.dataItem, node.name, taken);
      } else {
        checkConnection(pipeline, node, input, taken, lookup(produced, dataKey(input.source)));
      }
    }
    for (const output of node.outputs) {
      produced.set(dataKey({ nodeName: node.name, dataItem: output.alias }), producedItem(pipeline, node, output.alias, output.dataItem));
    }
  }
  const request = nodeOfKind(nodes, 'request');
  const inputs = request.outputs.map(({ alias }): TensorSpec => {
    const { item } = lookup(fedFromRequest, alias);
    const shape = request.demultiplyCount === undefined ? item.shape : [itemCount(request), ...item.shape];
    produced.set(dataKey({ nodeName: REQUEST, dataItem: alias }), item);
    return { name: alias, dtype: item.dtype, shape };
  });
  const response = nodeOfKind(nodes, 'response');
  const gathered = response.gathers.map((name) => itemCount(lookup(byName, name)));
  const outputs = response.inputs.map((output): TensorSpec => {
    const item = lookup(produced, dataKey(output.source));
    return { name: output.name, dtype: item.dtype, shape: [...gathered, ...item.shape] };
  });
  return { inputs, outputs };
}

function dataKey(source: Connection['source']): string {
  return JSON.stringify([source.nodeName, source.dataItem]);
}

/** The first dimension of a demultiplexer's outputs: its fixed count, or dynamic. */
function itemCount(demultiplexer: NodeDefinition): number {
  return typeof demultiplexer.demultiplyCount === 'number' ? demultiplexer.demultiplyCount : DYNAMIC;
}

function modelSpec(specs: readonly TensorSpec[], name: string): TensorSpec {
  return lookup(new Map(specs.map((spec) => [spec.name, spec])), name);
}

function takenItem(
  pipeline: string,
  node: ModelNode,
  input: Connection,
  byName: ReadonlyMap<string, NodeDefinition>,
): ItemSpec {
  const { dtype, shape } = modelSpec(node.model.inputs, input.name);
  const [gathered] = node.gathers;
  if (gathered === undefined) return { dtype, shape: [...shape] };
  checkItemDimension(pipeline, node, inputLabel(node.name, input.name), shape, lookup(byName, gathered));
  return { dtype, shape: shape.slice(1), whole: [...shape] };
}

function producedItem(pipeline: string, node: ModelNode, alias: string, modelOutput: string): ItemSpec {
  const { dtype, shape } = modelSpec(node.model.outputs, modelOutput);
  if (node.demultiplyCount === undefined) return { dtype, shape: [...shape] };
  checkItemDimension(pipeline, node, `output "${alias}"`, shape, node);
  return { dtype, shape: shape.slice(1), whole: [...shape] };
}

/**
 * OVMS's rule for a tensor split into items or stacked from them: an item keeps its batch
 * dimension, so the tensor has 3 dimensions at least, and a fixed count is its first dimension.
 */
function checkItemDimension(
  pipeline: string,
  node: NodeDefinition,
  tensor: string,
  shape: readonly number[],
  demultiplexer: NodeDefinition,
): void {
  const where = nodeLabel(node.name);
  if (shape.length < 3) {
    throw pipelineError(
      pipeline,
      where,
      `${tensor} ${formatShape(shape)} has too few dimensions to hold items: it needs 3 at least (items, then each item's batch and data)`,
    );
  }
  const count = demultiplexer.demultiplyCount;
  if (typeof count === 'number' && shape[0] !== DYNAMIC && shape[0] !== count) {
    const owner = demultiplexer === node ? '' : `${nodeLabel(demultiplexer.name)}'s `;
    throw pipelineError(pipeline, where, `${tensor} ${formatShape(shape)} has ${shape[0]} items, but ${owner}demultiply_count is ${count}`);
  }
}

function checkConnection(pipeline: string, node: ModelNode, input: Connection, taken: ItemSpec, given: ItemSpec): void {
  const where = nodeLabel(node.name);
  const source = `${nodeLabel(input.source.nodeName)} data item "${input.source.dataItem}"`;
  const label = inputLabel(node.name, input.name);
  if (taken.dtype !== given.dtype) {
    throw pipelineError(pipeline, where, `${label} is ${taken.dtype}, but ${source} is ${given.dtype}`);
  }
  if (!shapesFit(taken.shape, given.shape)) {
    throw pipelineError(
      pipeline,
      where,
      `${label} takes ${describeItem(taken, 'gathered into')}, but ${source} gives ${describeItem(given, 'split from')}`,
    );
  }
}

function describeItem(item: ItemSpec, relation: string): string {
  const shape = formatShape(item.shape);
  return item.whole === undefined ? shape : `items of ${shape} (${relation} ${formatShape(item.whole)})`;
}

/** A pipeline input feeding several nodes must suit them all: it takes the shape they agree on. */
function narrowPipelineInput(
  pipeline: string,
  fedFromRequest: Map<string, { item: ItemSpec; node: string }>,
  name: string,
  node: string,
  taken: ItemSpec,
): void {
  const item = { dtype: taken.dtype, shape: taken.shape };
  const earlier = fedFromRequest.get(name);
  if (!earlier) {
    fedFromRequest.set(name, { item, node });
    return;
  }
  const conflict = (what: (spec: ItemSpec) => string) =>
    pipelineError(pipeline, REQUEST, `input "${name}" is ${what(earlier.item)} for ${nodeLabel(earlier.node)}, but ${what(item)} for ${nodeLabel(node)}`);
  if (earlier.item.dtype !== item.dtype) throw conflict((spec) => spec.dtype);
  const shape = intersectShapes(earlier.item.shape, item.shape);
  if (shape === undefined) throw conflict((spec) => formatShape(spec.shape));
  fedFromRequest.set(name, { item: { dtype: item.dtype, shape }, node: earlier.node });
}
