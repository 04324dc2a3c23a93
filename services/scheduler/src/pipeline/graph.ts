import type { Connection, DemultiplyCount, NodeOutput, PipelineConfig } from '@demux/core';

import { lookup } from './lookup.js';
import { REQUEST, RESPONSE, type NodeDefinition } from './node-definition.js';
import { nodeLabel, pipelineError } from './pipeline-error.js';

/** A node of the config, before validation; the request and the response are nodes too. */
export interface GraphNode {
  kind: NodeDefinition['kind'];
  name: string;
  inputs: readonly Connection[];
  outputs: readonly NodeOutput[];
  demultiplyCount?: DemultiplyCount;
  gatherFrom?: string;
  /** The model a model node runs, as the config names it. */
  model?: { name: string; version?: number };
}

/** The config's nodes, with the request first and the response last. */
export function pipelineGraph(config: PipelineConfig): GraphNode[] {
  const request: GraphNode = {
    kind: 'request',
    name: REQUEST,
    inputs: [],
    outputs: config.inputs.map((name) => ({ dataItem: name, alias: name })),
    demultiplyCount: config.demultiplyCount,
  };
  const nodes = config.nodes.map(
    (node): GraphNode => ({
      kind: 'model',
      name: node.name,
      inputs: node.inputs,
      outputs: node.outputs,
      demultiplyCount: node.demultiplyCount,
      gatherFrom: node.gatherFromNode,
      model: { name: node.modelName, version: node.modelVersion },
    }),
  );
  const response: GraphNode = { kind: 'response', name: RESPONSE, inputs: config.outputs, outputs: [] };
  return [request, ...nodes, response];
}

/** The nodes a node takes data from, each once. */
function sourcesOf(node: GraphNode): string[] {
  return [...new Set(node.inputs.map((input) => input.source.nodeName))];
}

/**
 * The nodes in dependency order, each after every node it takes data from (and otherwise in
 * config order, so the request comes first and the response last). Rejects cycles, and, as OVMS
 * does, nodes whose outputs never reach the response. Expects every source to exist.
 */
export function orderGraph(pipeline: string, nodes: readonly GraphNode[]): GraphNode[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const sources = new Map(nodes.map((node) => [node, sourcesOf(node).map((name) => lookup(byName, name))]));
  const waiting = new Map(nodes.map((node) => [node, lookup(sources, node).length]));
  const ordered = nodes.filter((node) => waiting.get(node) === 0);
  // A for...of over an array also visits what is pushed onto it meanwhile.
  for (const done of ordered) {
    for (const node of nodes) {
      if (!lookup(sources, node).includes(done)) continue;
      const left = lookup(waiting, node) - 1;
      waiting.set(node, left);
      if (left === 0) ordered.push(node);
    }
  }
  if (ordered.length < nodes.length) {
    throw cycleError(pipeline, nodes.filter((node) => !ordered.includes(node)), sources);
  }
  rejectUnusedNodes(pipeline, nodes, sources);
  return ordered;
}

/**
 * Every node left unordered waits on another unordered one, so walking back along sources from
 * any of them comes round to a node already seen: that loop is a cycle.
 */
function cycleError(pipeline: string, stuck: readonly GraphNode[], sources: ReadonlyMap<GraphNode, GraphNode[]>) {
  const walk: GraphNode[] = [];
  let node = stuck[0] as GraphNode;
  while (!walk.includes(node)) {
    walk.push(node);
    node = lookup(sources, node).find((source) => stuck.includes(source)) as GraphNode;
  }
  // The walk went against the data flow; turn the loop round to read source → consumer.
  const [first, ...rest] = walk.slice(walk.indexOf(node)).map((loopNode) => loopNode.name);
  const cycle = [first, ...rest.reverse(), first].join(' → ');
  return pipelineError(pipeline, nodeLabel(node.name), `part of a cycle: ${cycle}`);
}

function rejectUnusedNodes(pipeline: string, nodes: readonly GraphNode[], sources: ReadonlyMap<GraphNode, GraphNode[]>) {
  const used = new Set<GraphNode>();
  const toVisit = nodes.filter((node) => node.kind === 'response');
  for (let node = toVisit.pop(); node !== undefined; node = toVisit.pop()) {
    if (used.has(node)) continue;
    used.add(node);
    toVisit.push(...lookup(sources, node));
  }
  const unused = nodes.find((node) => node.kind === 'model' && !used.has(node));
  if (unused) {
    throw pipelineError(pipeline, nodeLabel(unused.name), 'not connected to the response; unused nodes are not allowed');
  }
}
