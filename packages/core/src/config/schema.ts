import { z } from 'zod';

import { formatPath, quote } from './problems.js';
import { parseShapeSetting } from './shape.js';

/*
 * OpenVINO Model Server's config.json, key for key as OVMS's src/schema.cpp has it, with every
 * object strict. Keys OVMS knows but Demux cannot honour are rejected with a "not supported"
 * message rather than ignored, so a config never means less than it says.
 */

const name = z.string().min(1);

/** A key of OVMS's schema whose feature Demux lacks; an empty list asks for nothing and passes. */
function unsupported(feature: string) {
  return z.unknown().check((ctx) => {
    if (Array.isArray(ctx.value) && ctx.value.length === 0) return;
    ctx.issues.push({ code: 'custom', message: `${feature} are not supported by Demux`, input: ctx.value });
  });
}

/** For objects whose one key is the choice itself: a version policy, a named connection. */
function exactlyOneKey(expected: string) {
  return (ctx: z.core.ParsePayload<Record<string, unknown>>) => {
    const present = Object.keys(ctx.value);
    if (present.length === 1) return;
    const got = present.length === 0 ? 'none' : present.map((key) => JSON.stringify(key)).join(', ');
    ctx.issues.push({ code: 'custom', message: `expected exactly ${expected}, got ${got}`, input: ctx.value });
  };
}

const versionPolicy = z
  .strictObject({
    latest: z.strictObject({ num_versions: z.int().min(1) }).optional(),
    all: z.strictObject({}).optional(),
    specific: z.strictObject({ versions: z.array(z.int().min(1)) }).optional(),
  })
  .check(exactlyOneKey('one of "latest", "all", "specific"'));

/** OVMS accepts a number, "auto", or a number written as a string. */
const batchSize = z.unknown().transform((value, ctx): number | 'auto' => {
  if (value === 'auto') return 'auto';
  const size = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) return size;
  ctx.issues.push({ code: 'custom', message: `expected "auto" or an integer >= 0, got ${quote(value)}`, input: value });
  return z.NEVER;
});

const shapeSetting = z.string().transform((text, ctx) => {
  const shape = parseShapeSetting(text);
  if (shape !== undefined) return shape;
  ctx.issues.push({
    code: 'custom',
    message: `expected "auto" or a shape like "(1,3,224,224)" (dims: a size, -1, or min:max), got ${quote(text)}`,
    input: text,
  });
  return z.NEVER;
});

const stringOrPerTensor = <T extends z.ZodType>(value: T, what: string) =>
  z.union([value, z.record(z.string(), value)], {
    error: (issue) => `expected ${what} or an object of them by tensor name, got ${quote(issue.input)}`,
  });

/** A local directory; OVMS also reads cloud storage, which Demux workers cannot. */
const basePath = z.string().check((ctx) => {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(ctx.value)) {
    ctx.issues.push({
      code: 'custom',
      message: `cloud storage paths are not supported by Demux, got ${quote(ctx.value)}; use a local directory`,
      input: ctx.value,
    });
  }
});

const modelConfig = z
  .strictObject({
    name,
    base_path: basePath,
    target_device: z.string().optional(),
    batch_size: batchSize.optional(),
    shape: stringOrPerTensor(shapeSetting, 'a shape string').optional(),
    layout: stringOrPerTensor(z.string(), 'a layout string').optional(),
    model_version_policy: versionPolicy.optional(),
    plugin_config: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], {
          error: (issue) => `expected string, number or boolean, got ${quote(issue.input)}`,
        }),
      )
      .optional(),
    nireq: z.int().min(0).optional(),
    allow_cache: z.boolean().optional(),
    stateful: z.boolean().optional(),
    idle_sequence_cleanup: z.boolean().optional(),
    low_latency_transformation: z.boolean().optional(),
    max_sequence_number: z.int().min(0).optional(),
    custom_loader_options: unsupported('custom loaders').optional(),
    graph_path: unsupported('MediaPipe graphs').optional(),
    subconfig: unsupported('MediaPipe graphs').optional(),
    // Demux's own keys: server-side dynamic batching in the worker.
    max_batch_size: z.int().min(1).optional(),
    max_queue_delay_ms: z.int().min(0).optional(),
  })
  .check((ctx) => {
    if (ctx.value.stateful === true) {
      ctx.issues.push({
        code: 'custom',
        path: ['stateful'],
        message: 'stateful models are not supported by Demux',
        input: true,
      });
    }
    if (ctx.value.max_queue_delay_ms !== undefined && ctx.value.max_batch_size === undefined) {
      ctx.issues.push({
        code: 'custom',
        path: ['max_queue_delay_ms'],
        message: 'needs max_batch_size: the delay is how long a batch waits to fill',
        input: ctx.value.max_queue_delay_ms,
      });
    }
  });

const dataSource = z.strictObject({ node_name: z.string(), data_item: z.string() });

/** `{ "<name>": { node_name, data_item } }`: one named connection per array entry. */
const namedSource = z.record(z.string(), dataSource).check(exactlyOneKey('one key (the name it connects)'));

/** OVMS reads 0 as "dynamic" (deprecated spelling of -1). */
const demultiplyCount = z.int().min(-1).max(10000);

const node = z.strictObject({
  name,
  type: z.literal('DL model', {
    error: (issue) =>
      issue.input === 'custom'
        ? 'custom nodes are not supported by Demux'
        : `expected "DL model", got ${quote(issue.input)}`,
  }),
  model_name: name,
  version: z.int().min(1).optional(),
  inputs: z.array(namedSource),
  outputs: z.array(z.strictObject({ data_item: z.string(), alias: z.string() })),
  demultiply_count: demultiplyCount.optional(),
  gather_from_node: z.string().optional(),
  library_name: unsupported('custom nodes').optional(),
  params: unsupported('custom nodes').optional(),
});

const pipelineConfig = z.strictObject({
  name,
  inputs: z.array(z.string()),
  outputs: z.array(namedSource),
  nodes: z.array(node),
  demultiply_count: demultiplyCount.optional(),
});

/** Flags the second and later entries that reuse a name, pointing at the first. */
function uniqueNames<T>(listName: string, nameOf: (entry: T) => string, namePath: readonly (string | number)[]) {
  return (ctx: z.core.ParsePayload<T[]>) => {
    const first = new Map<string, number>();
    ctx.value.forEach((entry, index) => {
      const entryName = nameOf(entry);
      const earlier = first.get(entryName);
      if (earlier === undefined) {
        first.set(entryName, index);
        return;
      }
      ctx.issues.push({
        code: 'custom',
        path: [index, ...namePath],
        message: `duplicate name ${JSON.stringify(entryName)}, also at ${formatPath([listName, earlier, ...namePath])}`,
        input: entryName,
      });
    });
  };
}

const modelNamePath = (index: number) => ['model_config_list', index, 'config', 'name'];

export const configSchema = z
  .strictObject({
    model_config_list: z
      .array(z.strictObject({ config: modelConfig }))
      .check(uniqueNames('model_config_list', (entry) => entry.config.name, ['config', 'name'])),
    pipeline_config_list: z
      .array(pipelineConfig)
      .check(uniqueNames('pipeline_config_list', (pipeline) => pipeline.name, ['name']))
      .optional(),
    custom_node_library_config_list: unsupported('custom node libraries').optional(),
    custom_loader_config_list: unsupported('custom loaders').optional(),
    mediapipe_config_list: unsupported('MediaPipe graphs').optional(),
    monitoring: unsupported('OVMS monitoring settings').optional(),
  })
  .check((ctx) => {
    // Clients address models and pipelines by the same name, so the two lists share one namespace.
    const models = new Map(ctx.value.model_config_list.map((entry, index) => [entry.config.name, index]));
    ctx.value.pipeline_config_list?.forEach((pipeline, index) => {
      const model = models.get(pipeline.name);
      if (model === undefined) return;
      ctx.issues.push({
        code: 'custom',
        path: ['pipeline_config_list', index, 'name'],
        message: `name ${JSON.stringify(pipeline.name)} is already a model's, at ${formatPath(modelNamePath(model))}`,
        input: pipeline.name,
      });
    });
  });

/** config.json as written, after validation (snake_case, OVMS's spellings). */
export type ConfigFile = z.output<typeof configSchema>;
export type ModelConfigEntry = z.output<typeof modelConfig>;
export type PipelineConfigEntry = z.output<typeof pipelineConfig>;
export type NodeConfigEntry = z.output<typeof node>;
