import type { PipelineConfig, TensorSpec } from '@demux/core';

import { assignLevels, type NodeLevels } from './demultiplexing.js';
import { orderGraph, pipelineGraph, type GraphNode } from './graph.js';
import { lookup } from './lookup.js';
import type { ModelCatalog } from './model-catalog.js';
import {
  nodeOfKind,
  REQUEST,
  RESPONSE,
  type ModelNode,
  type NodeDefinition,
  type NodeModel,
  type RequestNode,
  type ResponseNode,
} from './node-definition.js';
import { copySpec, describeTensors, type PipelineMetadata } from './tensor-specs.js';
import { checkWiring } from './wiring.js';

/**
 * A pipeline (an OVMS DAG) as validated once, when config.json loads: its nodes in dependency
 * order, each bound to the model version it runs and placed among the demultiplexers, and the
 * metadata clients see. Immutable; each request runs it in a session of its own.
 */
export class PipelineDefinition {
  readonly request: RequestNode;
  readonly response: ResponseNode;
  readonly #byName: ReadonlyMap<string, NodeDefinition>;
  readonly #metadata: PipelineMetadata;

  private constructor(
    /** The endpoint's name: the pipeline's, or for a plain model the model's. */
    readonly name: string,
    /** How messages name the endpoint, e.g. "pipeline resnet50DAG". */
    readonly endpoint: string,
    /** Every node, the request first and the response last, each after the nodes it takes data from. */
    readonly nodes: readonly NodeDefinition[],
    metadata: PipelineMetadata,
  ) {
    this.request = nodeOfKind(nodes, 'request');
    this.response = nodeOfKind(nodes, 'response');
    this.#byName = new Map(nodes.map((node) => [node.name, node]));
    this.#metadata = metadata;
  }

  /** Validates a pipeline of config.json against the models; throws INVALID_ARGUMENT naming the problem. */
  static build(config: PipelineConfig, models: ModelCatalog): PipelineDefinition {
    const graph = pipelineGraph(config);
    const resolved = checkWiring(config.name, graph, models);
    const ordered = orderGraph(config.name, graph);
    const levels = assignLevels(config.name, ordered);
    const nodes = ordered.map((node) => definitionOf(node, lookup(levels, node.name), resolved));
    return new PipelineDefinition(config.name, `pipeline ${config.name}`, nodes, describeTensors(config.name, nodes));
  }

  /** A plain model endpoint: request → one node running the model → response, with the model's own metadata. */
  static forModel(name: string, version: number, metadata: { inputs: TensorSpec[]; outputs: TensorSpec[] }): PipelineDefinition {
    // A model may be named like a pseudo-node; its node must not be.
    const nodeName = name === REQUEST || name === RESPONSE ? `model ${name}` : name;
    const notDemultiplexed = { gathers: [], levels: [] };
    const fromEach = (source: string, specs: readonly TensorSpec[]) =>
      specs.map((spec) => ({ name: spec.name, source: { nodeName: source, dataItem: spec.name } }));
    const named = (specs: readonly TensorSpec[]) => specs.map((spec) => ({ dataItem: spec.name, alias: spec.name }));
    const model: NodeModel = { name, version, inputs: metadata.inputs.map(copySpec), outputs: metadata.outputs.map(copySpec) };
    const nodes: NodeDefinition[] = [
      { kind: 'request', name: REQUEST, inputs: [], outputs: named(model.inputs), ...notDemultiplexed },
      { kind: 'model', name: nodeName, model, inputs: fromEach(REQUEST, model.inputs), outputs: named(model.outputs), ...notDemultiplexed },
      { kind: 'response', name: RESPONSE, inputs: fromEach(nodeName, model.outputs), outputs: [], ...notDemultiplexed },
    ];
    return new PipelineDefinition(name, `model ${name} version ${version}`, nodes, {
      inputs: model.inputs.map(copySpec),
      outputs: model.outputs.map(copySpec),
    });
  }

  /** Inputs and outputs as clients see them (OVMS's pipeline metadata); a fresh copy each call. */
  metadata(): PipelineMetadata {
    return { inputs: this.#metadata.inputs.map(copySpec), outputs: this.#metadata.outputs.map(copySpec) };
  }

  node(name: string): NodeDefinition {
    return lookup(this.#byName, name);
  }
}

function definitionOf(node: GraphNode, levels: NodeLevels, models: ReadonlyMap<string, NodeModel>): NodeDefinition {
  const common = { name: node.name, inputs: node.inputs, outputs: node.outputs, demultiplyCount: node.demultiplyCount, ...levels };
  switch (node.kind) {
    case 'request':
      return { kind: 'request', ...common };
    case 'model':
      return { kind: 'model', model: lookup(models, node.name), ...common } satisfies ModelNode;
    case 'response':
      return { kind: 'response', ...common };
  }
}
