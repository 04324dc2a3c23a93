import { setMaxListeners } from 'node:events';
import { DemuxError, type Connection, type Job, type Tensor } from '@demux/core';

import { lookup } from '../pipeline/lookup.js';
import type { ModelNode, NodeDefinition, RequestNode } from '../pipeline/node-definition.js';
import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';
import { inputLabel, nodeLabel } from '../pipeline/pipeline-error.js';
import { demultiplexOutputs } from './demultiplex.js';
import { gather, type ItemTensor } from './gather.js';
import { childItem, itemPrefix, ROOT_ITEM } from './item-key.js';
import { requestedOutputs } from './requested-outputs.js';

/**
 * Runs one node for one item and resolves with the model's outputs, named as the model names
 * them; rejects when the signal aborts. The scheduler wraps its job transport in one.
 */
export type NodeRun = (job: Job, item: string, signal: AbortSignal) => Promise<Tensor[]>;

export interface RunOptions {
  /** Aborting cancels the request: node runs in flight see their signal aborted. */
  signal?: AbortSignal;
  /** The pipeline outputs to answer with; all of them when undefined or empty. */
  outputs?: readonly string[];
}

/**
 * Runs a pipeline for one request, whose inputs were checked against `definition.metadata()`,
 * and resolves with the requested outputs in the pipeline's order. Only the nodes those outputs
 * need run. The first failure wins: the session aborts the node runs in flight, waits for them
 * to settle, then rejects with it.
 */
export async function runPipeline(
  definition: PipelineDefinition,
  inputs: readonly Tensor[],
  run: NodeRun,
  options: RunOptions = {},
): Promise<Tensor[]> {
  const outputs = requestedOutputs(definition, options.outputs);
  return new Session(definition, inputs, run).respond(outputs, options.signal);
}

/** A node session's data items: its outputs, by alias. */
type DataItems = ReadonlyMap<string, Tensor>;

/**
 * One execution of a pipeline. Each node runs once per item of the demultiplexers it sits under
 * (a node session, keyed by node and item), as soon as the data it takes is there, so
 * independent nodes and items run concurrently. Sessions start on demand, pulled by the
 * response, and each runs once however many consumers it has.
 */
class Session {
  /** Node sessions by node and item, from the first consumer that asked. */
  readonly #results = new Map<string, Promise<DataItems>>();
  /** A demultiplexer session's outputs split into items, by node and item. */
  readonly #splits = new Map<string, Promise<ReadonlyMap<string, DataItems>>>();
  readonly #inFlight = new Set<Promise<Tensor[]>>();
  readonly #abort = new AbortController();
  #firstError: DemuxError | undefined;

  constructor(
    private readonly definition: PipelineDefinition,
    private readonly inputs: readonly Tensor[],
    private readonly run: NodeRun,
  ) {
    // Every job of the request listens to this signal: as many listeners as the request has items.
    setMaxListeners(0, this.#abort.signal);
  }

  async respond(outputs: readonly Connection[], signal?: AbortSignal): Promise<Tensor[]> {
    if (signal?.aborted) throw cancellation(this.definition, signal.reason);
    const cancel = () => this.#fail(cancellation(this.definition, signal?.reason));
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const { response } = this.definition;
      return await Promise.all(
        outputs.map(async (output) => ({ ...(await this.#input(response, output, ROOT_ITEM)), name: output.name })),
      );
    } catch (error) {
      const first = this.#fail(error);
      await Promise.allSettled(this.#inFlight);
      throw first;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Records the first failure and aborts everything still running; later failures are its echoes. */
  #fail(error: unknown): DemuxError {
    this.#firstError ??= DemuxError.from(error);
    this.#abort.abort(this.#firstError);
    return this.#firstError;
  }

  /** What one of a node's inputs takes for one of its sessions: an item, or the items it gathers stacked. */
  async #input(node: NodeDefinition, input: Connection, item: string): Promise<Tensor> {
    const source = this.#source(input.source.nodeName);
    const { dataItem } = input.source;
    if (node.gathers.length === 0) return this.#dataItem(source, dataItem, item);
    const { items, dims } = await this.#itemsUnder(item, node.gathers);
    const shards = await Promise.all(
      items.map(async (shard): Promise<ItemTensor> => ({ item: shard, tensor: await this.#dataItem(source, dataItem, shard) })),
    );
    return gather(shards, dims, `${this.#where(node, item)}: ${inputLabel(node.name, input.name)}`);
  }

  /** A data item of the source's session that holds this item: the item's slice when the source demultiplexes. */
  async #dataItem(source: RequestNode | ModelNode, dataItem: string, item: string): Promise<Tensor> {
    const level = source.levels.length;
    const sessionItem = itemPrefix(item, level);
    if (source.demultiplyCount === undefined) return lookup(await this.#result(source, sessionItem), dataItem);
    return lookup(lookup(await this.#split(source, sessionItem), itemPrefix(item, level + 1)), dataItem);
  }

  /**
   * The keys of the items under `item` of the demultiplexers given (outermost first), in order,
   * and their count at each level: the dims to stack them into.
   */
  async #itemsUnder(item: string, demultiplexers: readonly string[]): Promise<{ items: string[]; dims: number[] }> {
    const [outer, ...inner] = demultiplexers;
    if (outer === undefined) return { items: [item], dims: [] };
    const split = await this.#split(this.#source(outer), item);
    const children = await Promise.all([...split.keys()].map((child) => this.#itemsUnder(child, inner)));
    // Only fixed counts may nest (a dynamic demultiplexer is its pipeline's only one), and the
    // split checks them, so every child holds the same number of items.
    const innerDims = children[0]?.dims ?? [];
    return { items: children.flatMap((child) => child.items), dims: [split.size, ...innerDims] };
  }

  /** A demultiplexer session's outputs split into items, by item key, in order. */
  #split(node: RequestNode | ModelNode, item: string): Promise<ReadonlyMap<string, DataItems>> {
    return this.#once(this.#splits, node, item, async () => {
      const items = demultiplexOutputs(await this.#result(node, item), node.demultiplyCount ?? 'dynamic', this.#where(node, item));
      return new Map(items.map((outputs, index) => [childItem(item, index), outputs]));
    });
  }

  #result(node: RequestNode | ModelNode, item: string): Promise<DataItems> {
    return this.#once(this.#results, node, item, () => (node.kind === 'request' ? this.#requestItems() : this.#runNode(node, item)));
  }

  async #requestItems(): Promise<DataItems> {
    const given = new Map(this.inputs.map((tensor) => [tensor.name, tensor]));
    const missing = this.definition.request.outputs.filter((output) => !given.has(output.alias));
    if (missing.length > 0) {
      throw DemuxError.invalidArgument(`${this.definition.endpoint}: missing input ${missing.map((output) => `"${output.alias}"`).join(', ')}`);
    }
    return given;
  }

  async #runNode(node: ModelNode, item: string): Promise<DataItems> {
    const inputs = await Promise.all(
      node.inputs.map(async (input) => ({ ...(await this.#input(node, input, item)), name: input.name })),
    );
    const job: Job = {
      node: node.name,
      model: node.model.name,
      version: node.model.version,
      inputs,
      outputs: [...new Set(node.outputs.map((output) => output.dataItem))],
    };
    const outputs = new Map((await this.#submit(job, item)).map((tensor) => [tensor.name, tensor]));
    return new Map(
      node.outputs.map(({ dataItem, alias }) => {
        const tensor = outputs.get(dataItem);
        if (!tensor) {
          throw DemuxError.internal(`${this.#where(node, item)}: model ${node.model.name} version ${node.model.version} returned no output "${dataItem}"`);
        }
        return [alias, tensor];
      }),
    );
  }

  /** Hands a job to the run, unless the session has already failed; tracks it until it settles. */
  async #submit(job: Job, item: string): Promise<Tensor[]> {
    const { signal } = this.#abort;
    if (signal.aborted) throw signal.reason;
    const running = this.run(job, item, signal);
    this.#inFlight.add(running);
    try {
      return await running;
    } finally {
      this.#inFlight.delete(running);
    }
  }

  /**
   * The one promise of a node session. A failure is recorded as it happens, so the first one wins
   * whichever consumer sees it first, and none goes unhandled when no consumer is left waiting.
   */
  #once<T>(cache: Map<string, Promise<T>>, node: NodeDefinition, item: string, start: () => Promise<T>): Promise<T> {
    const key = `${item}/${node.name}`; // item keys hold digits and dots only, so this cannot collide
    let promise = cache.get(key);
    if (!promise) {
      promise = start();
      promise.catch((error: unknown) => this.#fail(error));
      cache.set(key, promise);
    }
    return promise;
  }

  #source(name: string): RequestNode | ModelNode {
    const node = this.definition.node(name);
    if (node.kind === 'response') throw DemuxError.internal(`${this.definition.endpoint}: the response is no node's source`);
    return node;
  }

  #where(node: NodeDefinition, item: string): string {
    const at = item === ROOT_ITEM ? '' : ` item ${item}`;
    return `${this.definition.endpoint}: ${nodeLabel(node.name)}${at}`;
  }
}

/** A caller's abort reason as the session's failure: its own DemuxError (a deadline), or a cancellation. */
function cancellation(definition: PipelineDefinition, reason: unknown): DemuxError {
  return reason instanceof DemuxError ? reason : DemuxError.cancelled(`${definition.endpoint}: the request was cancelled`);
}
