import { DemuxError, type Connection, type DemultiplyCount, type NodeOutput, type TensorSpec } from '@demux/core';

/** The pseudo-node whose data items are the pipeline's inputs. */
export const REQUEST = 'request';
/** The pseudo-node whose inputs are the pipeline's outputs. */
export const RESPONSE = 'response';

/** The model version a node runs, resolved when the pipeline loads, with what it declares. */
export interface NodeModel {
  readonly name: string;
  readonly version: number;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

interface NodeCommon {
  readonly name: string;
  /** Model inputs (for the response: pipeline outputs), each with the data item it takes. */
  readonly inputs: readonly Connection[];
  /**
   * The data items the node produces: `alias` is what other nodes take, `dataItem` what the
   * model names it (for the request, both are the pipeline input's name).
   */
  readonly outputs: readonly NodeOutput[];
  /** Set on a demultiplexer: its outputs split along dimension 0 into items. */
  readonly demultiplyCount?: DemultiplyCount;
  /** The demultiplexers whose items this node stacks back before it runs, outermost first. */
  readonly gathers: readonly string[];
  /** The demultiplexers this node runs under, outermost first: its item keys hold one index per level. */
  readonly levels: readonly string[];
}

export interface RequestNode extends NodeCommon {
  readonly kind: 'request';
}

export interface ModelNode extends NodeCommon {
  readonly kind: 'model';
  readonly model: NodeModel;
}

export interface ResponseNode extends NodeCommon {
  readonly kind: 'response';
}

/** The request and the response are nodes like any other, so data flows by one rule. */
export type NodeDefinition = RequestNode | ModelNode | ResponseNode;

/** The demultiplexers a node's outputs are items of: its own levels, and itself if it demultiplexes. */
export function outputLevels(node: Pick<NodeCommon, 'name' | 'demultiplyCount' | 'levels'>): readonly string[] {
  return node.demultiplyCount === undefined ? node.levels : [...node.levels, node.name];
}

/** The one node of a kind: the request or the response. */
export function nodeOfKind<K extends 'request' | 'response'>(
  nodes: readonly NodeDefinition[],
  kind: K,
): Extract<NodeDefinition, { kind: K }> {
  const node = nodes.find((candidate): candidate is Extract<NodeDefinition, { kind: K }> => candidate.kind === kind);
  if (!node) throw DemuxError.internal(`a pipeline without its ${kind} node`);
  return node;
}
