import { DemuxError, type Connection } from '@demux/core';

import type { GraphNode } from './graph.js';
import type { ModelCatalog } from './model-catalog.js';
import { REQUEST, RESPONSE, type NodeModel } from './node-definition.js';
import { inputLabel, nodeLabel, pipelineError, quoteList } from './pipeline-error.js';
import { copySpec } from './tensor-specs.js';

/**
 * Checks what the config names, before the graph's shape is looked at: node names, the model
 * version each node runs, each node's inputs and outputs against its model, that every
 * connection takes a data item its source produces, and that a node uses every pipeline input.
 * Returns each model node's model, resolved.
 */
export function checkWiring(pipeline: string, nodes: readonly GraphNode[], catalog: ModelCatalog): Map<string, NodeModel> {
  checkNames(pipeline, nodes);
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const models = new Map<string, NodeModel>();
  for (const node of nodes) {
    if (node.model) models.set(node.name, checkModelNode(pipeline, node, node.model, catalog));
    for (const input of node.inputs) checkSource(pipeline, node, input, byName);
  }
  checkPipelineInputsUsed(pipeline, nodes);
  return models;
}

function checkNames(pipeline: string, nodes: readonly GraphNode[]): void {
  const seen = new Set<string>();
  for (const node of nodes) {
    if (node.kind === 'request') {
      const twice = firstDuplicate(node.outputs.map((output) => output.alias));
      if (twice !== undefined) throw pipelineError(pipeline, REQUEST, `input "${twice}" is declared more than once`);
    } else if (node.kind === 'response') {
      if (node.inputs.length === 0) throw pipelineError(pipeline, RESPONSE, 'the pipeline declares no outputs');
      const twice = firstDuplicate(node.inputs.map((input) => input.name));
      if (twice !== undefined) throw pipelineError(pipeline, RESPONSE, `output "${twice}" is declared more than once`);
    } else if (node.name === REQUEST || node.name === RESPONSE) {
      throw pipelineError(pipeline, `node ${node.name}`, `the names "${REQUEST}" and "${RESPONSE}" are reserved`);
    } else if (seen.has(node.name)) {
      throw pipelineError(pipeline, nodeLabel(node.name), 'more than one node has this name');
    }
    seen.add(node.name);
  }
}

function checkModelNode(
  pipeline: string,
  node: GraphNode,
  wanted: { name: string; version?: number },
  catalog: ModelCatalog,
): NodeModel {
  const where = nodeLabel(node.name);
  const model = resolveModel(pipeline, where, wanted, catalog);
  const modelInputs = model.inputs.map((spec) => spec.name);
  const modelOutputs = model.outputs.map((spec) => spec.name);
  for (const output of node.outputs) {
    if (!modelOutputs.includes(output.dataItem)) {
      throw pipelineError(
        pipeline,
        where,
        `output "${output.dataItem}" is not an output of model ${model.name} (its outputs are ${quoteList(modelOutputs)})`,
      );
    }
  }
  const alias = firstDuplicate(node.outputs.map((output) => output.alias));
  if (alias !== undefined) throw pipelineError(pipeline, where, `alias "${alias}" names more than one output`);
  const connected = new Set<string>();
  for (const input of node.inputs) {
    if (!modelInputs.includes(input.name)) {
      throw pipelineError(
        pipeline,
        where,
        `input "${input.name}" is not an input of model ${model.name} (its inputs are ${quoteList(modelInputs)})`,
      );
    }
    if (connected.has(input.name)) throw pipelineError(pipeline, where, `input "${input.name}" is connected more than once`);
    connected.add(input.name);
  }
  const unconnected = modelInputs.filter((name) => !connected.has(name));
  if (unconnected.length > 0) {
    throw pipelineError(pipeline, where, `model ${model.name} input ${quoteList(unconnected)} is not connected`);
  }
  return model;
}

function resolveModel(
  pipeline: string,
  where: string,
  wanted: { name: string; version?: number },
  catalog: ModelCatalog,
): NodeModel {
  try {
    const { version, inputs, outputs } = catalog.metadata(wanted.name, wanted.version);
    // Copies, so that later changes to the catalog's objects cannot reach the definition.
    return { name: wanted.name, version, inputs: inputs.map(copySpec), outputs: outputs.map(copySpec) };
  } catch (error) {
    if (!(error instanceof DemuxError)) throw error;
    throw pipelineError(pipeline, where, error.message, { cause: error });
  }
}

function checkSource(pipeline: string, node: GraphNode, input: Connection, byName: ReadonlyMap<string, GraphNode>): void {
  const { nodeName, dataItem } = input.source;
  const where = nodeLabel(node.name);
  const source = byName.get(nodeName);
  if (!source) throw pipelineError(pipeline, where, `${inputLabel(node.name, input.name)} comes from unknown node "${nodeName}"`);
  const items = source.outputs.map((output) => output.alias);
  if (!items.includes(dataItem)) {
    throw pipelineError(
      pipeline,
      where,
      `${inputLabel(node.name, input.name)} comes from ${nodeLabel(nodeName)}, which has no data item "${dataItem}" (it has ${quoteList(items)})`,
    );
  }
}

/**
 * A pipeline input's dtype and shape are those of the node inputs it feeds; one that no node
 * uses would have none to show in metadata or check a request against.
 */
function checkPipelineInputsUsed(pipeline: string, nodes: readonly GraphNode[]): void {
  const takes = (node: GraphNode, name: string) =>
    node.inputs.some((input) => input.source.nodeName === REQUEST && input.source.dataItem === name);
  const request = nodes.find((node) => node.kind === 'request');
  for (const { alias: name } of request?.outputs ?? []) {
    if (nodes.some((node) => node.kind === 'model' && takes(node, name))) continue;
    const passedThrough = nodes.some((node) => node.kind === 'response' && takes(node, name));
    throw pipelineError(
      pipeline,
      REQUEST,
      passedThrough
        ? `input "${name}" only passes through to the response; a node must take it, so that its dtype and shape are known`
        : `input "${name}" is not taken by any node`,
    );
  }
}

function firstDuplicate(names: readonly string[]): string | undefined {
  return names.find((name, index) => names.indexOf(name) !== index);
}
