import type { GraphNode } from './graph.js';
import { lookup } from './lookup.js';
import { outputLevels } from './node-definition.js';
import { inputLabel, nodeLabel, pipelineError } from './pipeline-error.js';

/** Where a node sits among the demultiplexers: what it gathers, and what it then runs under. */
export interface NodeLevels {
  readonly gathers: readonly string[];
  readonly levels: readonly string[];
}

/**
 * Follows the items through the graph with OVMS's rules: a dynamic demultiplexer is the only one
 * in its pipeline; a node's inputs come from one demultiplexing level; gather_from_node names a
 * demultiplexer whose items reach the node, gathered in LIFO order (the innermost first); the
 * response gathers whatever is left. Takes the nodes in dependency order.
 */
export function assignLevels(pipeline: string, ordered: readonly GraphNode[]): Map<string, NodeLevels> {
  checkDynamicDemultiplexer(pipeline, ordered);
  const byName = new Map(ordered.map((node) => [node.name, node]));
  const itemsOf = new Map<string, readonly string[]>();
  const assigned = new Map<string, NodeLevels>();
  for (const node of ordered) {
    const incoming = incomingLevels(pipeline, node, itemsOf);
    const gathers =
      node.kind === 'response'
        ? incoming
        : node.gatherFrom === undefined
          ? []
          : [checkGather(pipeline, node, node.gatherFrom, incoming, byName)];
    const levels = incoming.slice(0, incoming.length - gathers.length);
    assigned.set(node.name, { gathers, levels });
    itemsOf.set(node.name, outputLevels({ ...node, levels }));
  }
  return assigned;
}

/**
 * Items of a dynamic demultiplexer come in a number known only per request; under or over
 * another demultiplexer they could not be stacked back into one tensor.
 */
function checkDynamicDemultiplexer(pipeline: string, nodes: readonly GraphNode[]): void {
  const demultiplexers = nodes.filter((node) => node.demultiplyCount !== undefined);
  const dynamic = demultiplexers.find((node) => node.demultiplyCount === 'dynamic');
  const other = demultiplexers.find((node) => node !== dynamic);
  if (dynamic && other) {
    throw pipelineError(
      pipeline,
      nodeLabel(dynamic.name),
      `a dynamic demultiplexer (demultiply_count -1) must be the only one in its pipeline, but ${nodeLabel(other.name)} demultiplexes too`,
    );
  }
}

/** The one level all of a node's inputs are items of. */
function incomingLevels(pipeline: string, node: GraphNode, itemsOf: ReadonlyMap<string, readonly string[]>): readonly string[] {
  const [first, ...others] = node.inputs.map((input) => ({ input, levels: lookup(itemsOf, input.source.nodeName) }));
  if (!first) return [];
  const differing = others.find(({ levels }) => !sameLevels(levels, first.levels));
  if (differing) {
    const describe = ({ input, levels }: typeof first) => `${inputLabel(node.name, input.name)} is ${describeLevels(levels)}`;
    throw pipelineError(
      pipeline,
      nodeLabel(node.name),
      `${node.kind === 'response' ? 'outputs' : 'inputs'} come from different demultiplexing levels: ${describe(first)}; ${describe(differing)}`,
    );
  }
  return first.levels;
}

/** The demultiplexer a node gathers from must be the innermost whose items reach it. */
function checkGather(
  pipeline: string,
  node: GraphNode,
  gatherFrom: string,
  incoming: readonly string[],
  byName: ReadonlyMap<string, GraphNode>,
): string {
  const where = nodeLabel(node.name);
  const target = byName.get(gatherFrom);
  if (!target) throw pipelineError(pipeline, where, `gather_from_node names unknown node "${gatherFrom}"`);
  if (target.demultiplyCount === undefined) {
    throw pipelineError(pipeline, where, `gathers from ${nodeLabel(gatherFrom)}, which is not a demultiplexer`);
  }
  const innermost = incoming.at(-1);
  if (!incoming.includes(gatherFrom) || innermost === undefined) {
    throw pipelineError(
      pipeline,
      where,
      `gathers from ${nodeLabel(gatherFrom)}, whose items do not reach it (its inputs are ${describeLevels(incoming)})`,
    );
  }
  if (innermost !== gatherFrom) {
    throw pipelineError(
      pipeline,
      where,
      `gathers from ${nodeLabel(gatherFrom)} before ${nodeLabel(innermost)}; demultiplexers are gathered in LIFO order, the innermost first`,
    );
  }
  return gatherFrom;
}

function sameLevels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

function describeLevels(levels: readonly string[]): string {
  return levels.length === 0 ? 'not demultiplexed' : `demultiplexed by ${levels.map(nodeLabel).join(', then ')}`;
}
