import { isAbsolute, resolve } from 'node:path';

import type { ConfigFile, ModelConfigEntry, NodeConfigEntry, PipelineConfigEntry } from './schema.js';
import type { ShapeSetting } from './shape.js';

/** config.json after validation, with defaults applied and paths resolved. */
export interface DemuxConfig {
  models: ModelConfig[];
  pipelines: PipelineConfig[];
}

/** Which versions found on disk a model serves (OVMS `model_version_policy`). */
export type VersionPolicy =
  | { kind: 'latest'; count: number }
  | { kind: 'all' }
  | { kind: 'specific'; versions: number[] };

/** Server-side dynamic batching: the worker merges queued items of one model into a batch. */
export interface DynamicBatching {
  maxBatchSize: number;
  /** How long the first queued item waits for others; 0 batches only what is already queued. */
  maxQueueDelayMs: number;
}

export interface ModelConfig {
  name: string;
  /** Absolute directory holding `<version>/model.onnx`. */
  basePath: string;
  versionPolicy: VersionPolicy;
  targetDevice: string;
  pluginConfig: Record<string, string | number | boolean>;
  /** Parallel inference requests per version; undefined lets the worker choose (OVMS: 0 or unset). */
  nireq?: number;
  batchSize?: number | 'auto';
  /** `shape` given as one string: applies to a model's only input. */
  shape?: ShapeSetting;
  /** `shape` given as an object: one setting per input name. */
  shapeByInput?: Record<string, ShapeSetting>;
  /** `layout` given as one string, e.g. "NHWC:NCHW". */
  layout?: string;
  /** `layout` given as an object: one layout per input or output name. */
  layoutByTensor?: Record<string, string>;
  dynamicBatching?: DynamicBatching;
}

/** Where a node input or a pipeline output comes from; `request` is the pipeline's own input. */
export interface DataSource {
  nodeName: string;
  dataItem: string;
}

/** A named connection: a node input, or a pipeline output (the name is the response's key). */
export interface Connection {
  name: string;
  source: DataSource;
}

export interface NodeOutput {
  dataItem: string;
  alias: string;
}

/** -1 (or OVMS's deprecated 0) splits into however many items dimension 0 holds. */
export type DemultiplyCount = number | 'dynamic';

/** A pipeline node; every node runs a model, since Demux rejects custom nodes. */
export interface NodeConfig {
  name: string;
  modelName: string;
  /** A fixed model version; undefined follows the model's default (highest served) version. */
  modelVersion?: number;
  inputs: Connection[];
  outputs: NodeOutput[];
  demultiplyCount?: DemultiplyCount;
  gatherFromNode?: string;
}

export interface PipelineConfig {
  name: string;
  inputs: string[];
  outputs: Connection[];
  nodes: NodeConfig[];
  /** Demultiplexes the request itself (OVMS pipeline-level `demultiply_count`). */
  demultiplyCount?: DemultiplyCount;
}

/** OVMS serves only the highest version unless told otherwise. */
const DEFAULT_VERSION_POLICY: VersionPolicy = { kind: 'latest', count: 1 };
const DEFAULT_TARGET_DEVICE = 'CPU';
const DEFAULT_MAX_QUEUE_DELAY_MS = 0;

/**
 * The validated file as Demux's types. Relative base paths are relative to the config file's
 * directory, as in OVMS. Keys accepted only so that OVMS configs load (allow_cache and the
 * stateful-model settings, which have no effect on a stateless model) are dropped here.
 */
export function normalizeConfig(file: ConfigFile, configDir: string): DemuxConfig {
  return {
    models: file.model_config_list.map((entry) => normalizeModel(entry.config, configDir)),
    pipelines: (file.pipeline_config_list ?? []).map(normalizePipeline),
  };
}

function normalizeModel(config: ModelConfigEntry, configDir: string): ModelConfig {
  const model: ModelConfig = {
    name: config.name,
    basePath: isAbsolute(config.base_path) ? config.base_path : resolve(configDir, config.base_path),
    versionPolicy: normalizeVersionPolicy(config.model_version_policy),
    targetDevice: config.target_device ?? DEFAULT_TARGET_DEVICE,
    pluginConfig: config.plugin_config ?? {},
  };
  if (config.nireq !== undefined && config.nireq > 0) model.nireq = config.nireq;
  if (config.batch_size !== undefined) model.batchSize = config.batch_size;
  if (isPerTensor(config.shape)) model.shapeByInput = config.shape;
  else if (config.shape !== undefined) model.shape = config.shape;
  if (isPerTensor(config.layout)) model.layoutByTensor = config.layout;
  else if (config.layout !== undefined) model.layout = config.layout;
  if (config.max_batch_size !== undefined) {
    model.dynamicBatching = {
      maxBatchSize: config.max_batch_size,
      maxQueueDelayMs: config.max_queue_delay_ms ?? DEFAULT_MAX_QUEUE_DELAY_MS,
    };
  }
  return model;
}

/** A per-tensor object, as opposed to a single string or a parsed shape (an array) or "auto". */
function isPerTensor<T>(value: T | Record<string, T> | undefined): value is Record<string, T> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normalizeVersionPolicy(policy: ModelConfigEntry['model_version_policy']): VersionPolicy {
  if (policy?.latest) return { kind: 'latest', count: policy.latest.num_versions };
  if (policy?.all) return { kind: 'all' };
  if (policy?.specific) {
    return { kind: 'specific', versions: [...new Set(policy.specific.versions)].sort((a, b) => a - b) };
  }
  return DEFAULT_VERSION_POLICY;
}

function normalizePipeline(pipeline: PipelineConfigEntry): PipelineConfig {
  const normalized: PipelineConfig = {
    name: pipeline.name,
    inputs: pipeline.inputs,
    outputs: pipeline.outputs.map(normalizeConnection),
    nodes: pipeline.nodes.map(normalizeNode),
  };
  if (pipeline.demultiply_count !== undefined) {
    normalized.demultiplyCount = normalizeDemultiplyCount(pipeline.demultiply_count);
  }
  return normalized;
}

function normalizeNode(node: NodeConfigEntry): NodeConfig {
  const normalized: NodeConfig = {
    name: node.name,
    modelName: node.model_name,
    inputs: node.inputs.map(normalizeConnection),
    outputs: node.outputs.map((output) => ({ dataItem: output.data_item, alias: output.alias })),
  };
  if (node.version !== undefined) normalized.modelVersion = node.version;
  if (node.demultiply_count !== undefined) normalized.demultiplyCount = normalizeDemultiplyCount(node.demultiply_count);
  if (node.gather_from_node !== undefined) normalized.gatherFromNode = node.gather_from_node;
  return normalized;
}

/** The schema guarantees exactly one key. */
function normalizeConnection(entry: Record<string, { node_name: string; data_item: string }>): Connection {
  const [[name, source]] = Object.entries(entry) as [[string, { node_name: string; data_item: string }]];
  return { name, source: { nodeName: source.node_name, dataItem: source.data_item } };
}

function normalizeDemultiplyCount(count: number): DemultiplyCount {
  return count <= 0 ? 'dynamic' : count;
}
