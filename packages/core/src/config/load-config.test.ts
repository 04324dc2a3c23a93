import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { StatusCode } from '../errors.js';
import { loadConfig, parseConfig } from './load-config.js';

/** OVMS's resnet50DAG demultiplexer example (docs/demultiplexing.md, resnet50 DAG demo). */
function resnetConfig(): any {
  return {
    model_config_list: [
      {
        config: {
          name: 'resnet',
          base_path: '/models/resnet50',
          plugin_config: { CPU_THROUGHPUT_STREAMS: 1 },
        },
      },
    ],
    pipeline_config_list: [
      {
        name: 'resnet50DAG',
        inputs: ['0'],
        nodes: [
          {
            name: 'resnetNode',
            model_name: 'resnet',
            type: 'DL model',
            demultiply_count: 0,
            inputs: [{ '0': { node_name: 'request', data_item: '0' } }],
            outputs: [{ data_item: '1463', alias: '1463' }],
          },
        ],
        outputs: [{ '1463': { node_name: 'resnetNode', data_item: '1463' } }],
      },
    ],
  };
}

function invalidArgument(message: string) {
  return expect.objectContaining({ name: 'DemuxError', code: StatusCode.INVALID_ARGUMENT, message });
}

describe('parseConfig', () => {
  it('reads the OVMS resnet50DAG demultiplexer config', () => {
    expect(parseConfig(resnetConfig())).toEqual({
      models: [
        {
          name: 'resnet',
          basePath: '/models/resnet50',
          versionPolicy: { kind: 'latest', count: 1 },
          targetDevice: 'CPU',
          pluginConfig: { CPU_THROUGHPUT_STREAMS: 1 },
        },
      ],
      pipelines: [
        {
          name: 'resnet50DAG',
          inputs: ['0'],
          nodes: [
            {
              name: 'resnetNode',
              modelName: 'resnet',
              demultiplyCount: 'dynamic',
              inputs: [{ name: '0', source: { nodeName: 'request', dataItem: '0' } }],
              outputs: [{ dataItem: '1463', alias: '1463' }],
            },
          ],
          outputs: [{ name: '1463', source: { nodeName: 'resnetNode', dataItem: '1463' } }],
        },
      ],
    });
  });

  it('reads every model key OVMS has, and Demux batching', () => {
    const config = parseConfig({
      model_config_list: [
        {
          config: {
            name: 'm',
            base_path: 'models/m',
            target_device: 'CPU',
            batch_size: '8',
            shape: { b: '(-1,10)', c: 'auto' },
            layout: 'NHWC:NCHW',
            model_version_policy: { specific: { versions: [3, 1, 3] } },
            plugin_config: { PERFORMANCE_HINT: 'LATENCY', ENABLE_MMAP: false },
            nireq: 4,
            allow_cache: true,
            stateful: false,
            idle_sequence_cleanup: true,
            low_latency_transformation: false,
            max_sequence_number: 100,
            max_batch_size: 16,
          },
        },
      ],
      custom_node_library_config_list: [],
      mediapipe_config_list: [],
    }, '/etc/demux/config.json');
    expect(config).toEqual({
      models: [
        {
          name: 'm',
          basePath: '/etc/demux/models/m',
          versionPolicy: { kind: 'specific', versions: [1, 3] },
          targetDevice: 'CPU',
          pluginConfig: { PERFORMANCE_HINT: 'LATENCY', ENABLE_MMAP: false },
          nireq: 4,
          batchSize: 8,
          shapeByInput: { b: [-1, 10], c: 'auto' },
          layout: 'NHWC:NCHW',
          dynamicBatching: { maxBatchSize: 16, maxQueueDelayMs: 0 },
        },
      ],
      pipelines: [],
    });
  });

  it.each([
    [{ latest: { num_versions: 2 } }, { kind: 'latest', count: 2 }],
    [{ all: {} }, { kind: 'all' }],
    [{ specific: { versions: [2] } }, { kind: 'specific', versions: [2] }],
  ])('reads model_version_policy %j', (policy, expected) => {
    const config = resnetConfig();
    config.model_config_list[0].config.model_version_policy = policy;
    expect(parseConfig(config).models[0]?.versionPolicy).toEqual(expected);
  });

  it('reads a single shape, per-tensor layouts, a fixed node version and entry demultiplexing', () => {
    const config = resnetConfig();
    Object.assign(config.model_config_list[0].config, {
      shape: '(1,3,224,224)',
      layout: { '0': 'NHWC:NCHW' },
      batch_size: 'auto',
      nireq: 0,
      max_batch_size: 8,
      max_queue_delay_ms: 5,
    });
    config.pipeline_config_list[0].demultiply_count = 4;
    config.pipeline_config_list[0].nodes[0].version = 2;
    config.pipeline_config_list[0].nodes[0].gather_from_node = 'request';
    const { models, pipelines } = parseConfig(config);
    expect(models[0]).toMatchObject({
      shape: [1, 3, 224, 224],
      layoutByTensor: { '0': 'NHWC:NCHW' },
      batchSize: 'auto',
      dynamicBatching: { maxBatchSize: 8, maxQueueDelayMs: 5 },
    });
    expect(models[0]).not.toHaveProperty('nireq');
    expect(pipelines[0]).toMatchObject({ demultiplyCount: 4 });
    expect(pipelines[0]?.nodes[0]).toMatchObject({ modelVersion: 2, gatherFromNode: 'request' });
  });

  it.each<[string, (config: any) => unknown, string]>([
    [
      'a base_path of the wrong type',
      (c) => (c.model_config_list[0].config.base_path = 7),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.base_path: expected string, got number`,
    ],
    [
      'a misspelt key',
      (c) => c.model_config_list.push({ config: { name: 'other', basepath: '/models/other' } }),
      `config.json is invalid (2 problems):
config.json: model_config_list[1].config: missing required key "base_path"
config.json: model_config_list[1].config: unknown key "basepath"`,
    ],
    [
      'a DL model node without model_name',
      (c) => c.pipeline_config_list[0].nodes.push({ name: 'second', type: 'DL model', inputs: [], outputs: [] }),
      `config.json is invalid (1 problem):
config.json: pipeline_config_list[0].nodes[1]: missing required key "model_name"`,
    ],
    [
      'no model_config_list',
      (c) => delete c.model_config_list,
      `config.json is invalid (1 problem):
config.json: missing required key "model_config_list"`,
    ],
    [
      'two models with one name',
      (c) => c.model_config_list.push({ config: { name: 'resnet', base_path: '/elsewhere' } }),
      `config.json is invalid (1 problem):
config.json: model_config_list[1].config.name: duplicate name "resnet", also at model_config_list[0].config.name`,
    ],
    [
      'two pipelines with one name',
      (c) => c.pipeline_config_list.push(structuredClone(c.pipeline_config_list[0])),
      `config.json is invalid (1 problem):
config.json: pipeline_config_list[1].name: duplicate name "resnet50DAG", also at pipeline_config_list[0].name`,
    ],
    [
      'a pipeline named like a model',
      (c) => (c.pipeline_config_list[0].name = 'resnet'),
      `config.json is invalid (1 problem):
config.json: pipeline_config_list[0].name: name "resnet" is already a model's, at model_config_list[0].config.name`,
    ],
    [
      'a version policy with two kinds',
      (c) => (c.model_config_list[0].config.model_version_policy = { latest: { num_versions: 1 }, all: {} }),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.model_version_policy: expected exactly one of "latest", "all", "specific", got "latest", "all"`,
    ],
    [
      'a version policy with no kind',
      (c) => (c.model_config_list[0].config.model_version_policy = {}),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.model_version_policy: expected exactly one of "latest", "all", "specific", got none`,
    ],
    [
      'latest zero versions',
      (c) => (c.model_config_list[0].config.model_version_policy = { latest: { num_versions: 0 } }),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.model_version_policy.latest.num_versions: expected an integer >= 1, got 0`,
    ],
    [
      'a fractional specific version',
      (c) => (c.model_config_list[0].config.model_version_policy = { specific: { versions: [1, 1.5] } }),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.model_version_policy.specific.versions[1]: expected integer, got 1.5`,
    ],
    [
      'a bad batch_size',
      (c) => (c.model_config_list[0].config.batch_size = 'big'),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.batch_size: expected "auto" or an integer >= 0, got "big"`,
    ],
    [
      'a malformed shape',
      (c) => (c.model_config_list[0].config.shape = '(1,3,224 224)'),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.shape: expected "auto" or a shape like "(1,3,224,224)" (dims: a size, -1, or min:max), got "(1,3,224 224)"`,
    ],
    [
      'a malformed shape of one input',
      (c) => (c.model_config_list[0].config.shape = { '0': '(1,3,224,224)', mask: '1x224' }),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.shape.mask: expected "auto" or a shape like "(1,3,224,224)" (dims: a size, -1, or min:max), got "1x224"`,
    ],
    [
      'a shape that is a number',
      (c) => (c.model_config_list[0].config.shape = 224),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.shape: expected a shape string or an object of them by tensor name, got 224`,
    ],
    [
      'an object in plugin_config',
      (c) => (c.model_config_list[0].config.plugin_config = { CPU_THROUGHPUT_STREAMS: { value: 1 } }),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.plugin_config.CPU_THROUGHPUT_STREAMS: expected string, number or boolean, got object`,
    ],
    [
      'an empty model name and a negative nireq',
      (c) => Object.assign(c.model_config_list[0].config, { name: '', nireq: -1 }),
      `config.json is invalid (2 problems):
config.json: model_config_list[0].config.name: expected a non-empty string, got ""
config.json: model_config_list[0].config.nireq: expected an integer >= 0, got -1`,
    ],
    [
      'a cloud storage base_path',
      (c) => (c.model_config_list[0].config.base_path = 's3://bucket/resnet'),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.base_path: cloud storage paths are not supported by Demux, got "s3://bucket/resnet"; use a local directory`,
    ],
    [
      'a stateful model',
      (c) => (c.model_config_list[0].config.stateful = true),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.stateful: stateful models are not supported by Demux`,
    ],
    [
      'a queue delay without a batch size',
      (c) => (c.model_config_list[0].config.max_queue_delay_ms = 5),
      `config.json is invalid (1 problem):
config.json: model_config_list[0].config.max_queue_delay_ms: needs max_batch_size: the delay is how long a batch waits to fill`,
    ],
    [
      'a custom node',
      (c) =>
        c.pipeline_config_list[0].nodes.push({
          name: 'crop',
          type: 'custom',
          library_name: 'image_transformation',
          params: { mean: '0' },
          inputs: [],
          outputs: [],
        }),
      `config.json is invalid (4 problems):
config.json: pipeline_config_list[0].nodes[1].type: custom nodes are not supported by Demux
config.json: pipeline_config_list[0].nodes[1]: missing required key "model_name"
config.json: pipeline_config_list[0].nodes[1].library_name: custom nodes are not supported by Demux
config.json: pipeline_config_list[0].nodes[1].params: custom nodes are not supported by Demux`,
    ],
    [
      'a misspelt node type',
      (c) => (c.pipeline_config_list[0].nodes[0].type = 'DL_model'),
      `config.json is invalid (1 problem):
config.json: pipeline_config_list[0].nodes[0].type: expected "DL model", got "DL_model"`,
    ],
    [
      'a node input entry naming two inputs',
      (c) => (c.pipeline_config_list[0].nodes[0].inputs = [{ a: { node_name: 'request', data_item: '0' }, b: { node_name: 'request', data_item: '0' } }]),
      `config.json is invalid (1 problem):
config.json: pipeline_config_list[0].nodes[0].inputs[0]: expected exactly one key (the name it connects), got "a", "b"`,
    ],
    [
      'a broken pipeline output source',
      (c) => (c.pipeline_config_list[0].outputs = [{ '1463': { node: 'resnetNode', data_item: 1463 } }]),
      `config.json is invalid (3 problems):
config.json: pipeline_config_list[0].outputs[0]["1463"]: missing required key "node_name"
config.json: pipeline_config_list[0].outputs[0]["1463"].data_item: expected string, got number
config.json: pipeline_config_list[0].outputs[0]["1463"]: unknown key "node"`,
    ],
    [
      'a demultiply_count below -1 and a node version 0',
      (c) => Object.assign(c.pipeline_config_list[0].nodes[0], { demultiply_count: -2, version: 0 }),
      `config.json is invalid (2 problems):
config.json: pipeline_config_list[0].nodes[0].version: expected an integer >= 1, got 0
config.json: pipeline_config_list[0].nodes[0].demultiply_count: expected an integer >= -1, got -2`,
    ],
    [
      'pipeline inputs that are not strings',
      (c) => (c.pipeline_config_list[0].inputs = '0'),
      `config.json is invalid (1 problem):
config.json: pipeline_config_list[0].inputs: expected array, got string`,
    ],
    [
      'MediaPipe graphs and custom node libraries',
      (c) => {
        c.mediapipe_config_list = [{ name: 'graph' }];
        c.custom_node_library_config_list = [{ name: 'lib', base_path: '/libs/lib.so' }];
      },
      `config.json is invalid (2 problems):
config.json: custom_node_library_config_list: custom node libraries are not supported by Demux
config.json: mediapipe_config_list: MediaPipe graphs are not supported by Demux`,
    ],
  ])('rejects %s', (_, change, message) => {
    const config = resnetConfig();
    change(config);
    expect(() => parseConfig(config)).toThrow(invalidArgument(message));
  });

  it('rejects a config that is not an object', () => {
    expect(() => parseConfig([], '/etc/demux/config.json')).toThrow(
      invalidArgument(`/etc/demux/config.json is invalid (1 problem):
/etc/demux/config.json: expected object, got array`),
    );
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demux-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves relative base paths against the config file directory and keeps absolute ones', async () => {
    const path = join(dir, 'config.json');
    const config = resnetConfig();
    config.model_config_list.push({ config: { name: 'relative', base_path: './models/relative' } });
    await writeFile(path, `\uFEFF${JSON.stringify(config)}`);
    const { models } = await loadConfig(path);
    expect(models.map((model) => model.basePath)).toEqual(['/models/resnet50', join(dir, 'models/relative')]);
  });

  it('says where the JSON is broken', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{\n  "model_config_list": [\n    {"config": {"name": "a",}}\n  ]\n}\n');
    await expect(loadConfig(path)).rejects.toThrow(
      invalidArgument(`${path}: invalid JSON at line 3, column 29: Expected double-quoted property name`),
    );
  });

  it('names a missing file', async () => {
    const path = join(dir, 'absent.json');
    await expect(loadConfig(path)).rejects.toThrow(
      expect.objectContaining({ name: 'DemuxError', code: StatusCode.NOT_FOUND, message: `config file ${path} does not exist` }),
    );
  });

  it('names a file it cannot read', async () => {
    await expect(loadConfig(dir)).rejects.toThrow(
      invalidArgument(`cannot read config file ${dir}: EISDIR: illegal operation on a directory, read`),
    );
  });
});
