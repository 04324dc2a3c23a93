import { DemuxError, type Connection } from '@demux/core';

import type { PipelineDefinition } from '../pipeline/pipeline-definition.js';

/**
 * The response outputs a request asks for, in the pipeline's order; all of them when it names
 * none (as TFS's output_filter and KServe's outputs do).
 */
export function requestedOutputs(definition: PipelineDefinition, names: readonly string[] = []): Connection[] {
  const outputs = definition.response.inputs;
  const unknown = names.filter((name) => !outputs.some((output) => output.name === name));
  if (unknown.length > 0) {
    const list = (all: readonly string[]) => all.map((name) => `"${name}"`).join(', ');
    throw DemuxError.invalidArgument(
      `${definition.endpoint}: no output ${list(unknown)}; outputs are ${list(outputs.map((output) => output.name))}`,
    );
  }
  return names.length === 0 ? [...outputs] : outputs.filter((output) => names.includes(output.name));
}
