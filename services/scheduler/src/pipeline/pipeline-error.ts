import { DemuxError, type DemuxErrorOptions } from '@demux/core';

import { REQUEST, RESPONSE } from './node-definition.js';

/** A problem in a pipeline's config, found when it loads: names the pipeline, where, and what. */
export function pipelineError(pipeline: string, where: string, problem: string, options?: DemuxErrorOptions): DemuxError {
  return DemuxError.invalidArgument(`pipeline ${pipeline}: ${where}: ${problem}`, options);
}

/** The request and the response name themselves; any other node is "node <name>". */
export function nodeLabel(name: string): string {
  return name === REQUEST || name === RESPONSE ? name : `node ${name}`;
}

/** A connection into a node; the response's inputs are the pipeline's outputs. */
export function inputLabel(node: string, input: string): string {
  return `${node === RESPONSE ? 'output' : 'input'} "${input}"`;
}

export function quoteList(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((name) => `"${name}"`).join(', ');
}
