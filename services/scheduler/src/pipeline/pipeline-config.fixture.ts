import type { DemultiplyCount, NodeConfig, PipelineConfig } from '@demux/core';

/** "node:dataItem" → a connection's source. */
function source(wire: string) {
  const [nodeName = '', dataItem = ''] = wire.split(':');
  return { nodeName, dataItem };
}

/** A config node; `inputs` maps model inputs to "node:dataItem", `outputs` model outputs to aliases. */
export function node(
  name: string,
  modelName: string,
  inputs: Record<string, string>,
  outputs: Record<string, string>,
  extra: Partial<NodeConfig> = {},
): NodeConfig {
  return {
    name,
    modelName,
    inputs: Object.entries(inputs).map(([input, wire]) => ({ name: input, source: source(wire) })),
    outputs: Object.entries(outputs).map(([dataItem, alias]) => ({ dataItem, alias })),
    ...extra,
  };
}

/** A pipeline "p" (unless named); `outputs` maps pipeline outputs to "node:dataItem". */
export function pipeline(
  nodes: NodeConfig[],
  outputs: Record<string, string>,
  extra: { name?: string; inputs?: string[]; demultiplyCount?: DemultiplyCount } = {},
): PipelineConfig {
  const config: PipelineConfig = {
    name: extra.name ?? 'p',
    inputs: extra.inputs ?? ['x'],
    nodes,
    outputs: Object.entries(outputs).map(([name, wire]) => ({ name, source: source(wire) })),
  };
  if (extra.demultiplyCount !== undefined) config.demultiplyCount = extra.demultiplyCount;
  return config;
}
