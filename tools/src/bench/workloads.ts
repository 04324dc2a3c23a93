import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tfs } from '@demux/proto';
import { sampleFloats } from './sample-input.js';

export const MODELS_DIR = resolve('models');
const EXAMPLE_CONFIG = resolve('examples', 'resnet', 'config.json');
export const RESNET_ONNX = join(MODELS_DIR, 'resnet', '1', 'model.onnx');
export const TINY_ONNX = join(MODELS_DIR, 'dummy', '1', 'model.onnx');

export const WORKLOAD_IDS = ['resnet-b1', 'resnet-b8', 'tiny', 'wait'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** How the chart and the tables name each workload swept over concurrency. */
export const SWEPT_WORKLOADS: Partial<Record<WorkloadId, string>> = { 'resnet-b1': 'ResNet-50 batch 1', 'resnet-b8': 'ResNet-50 batch 8', tiny: 'tiny model' };

type PluginConfig = Record<string, string | number>;

/** Every worker runs each model on one inference thread of one onnxruntime thread. */
const ONE_THREAD: PluginConfig = { CPU_THROUGHPUT_STREAMS: 1 };

function model(name: string, basePath: string, extra: Record<string, unknown> = {}, pluginConfig: PluginConfig = {}): unknown {
  return { config: { name, base_path: basePath, plugin_config: { ...ONE_THREAD, ...pluginConfig }, ...extra } };
}

/**
 * Workers' dynamic batching where a series turns it on. No queue delay: a batch is what queued
 * while the thread ran the last one (Triton's default), so a closed loop never waits for a timer.
 */
export const RESNET_BATCHING = { max_batch_size: 4, max_queue_delay_ms: 0 } as const;
export const TINY_BATCHING = { max_batch_size: 16, max_queue_delay_ms: 0 } as const;

export function batchingLabel(batching: { max_batch_size: number; max_queue_delay_ms: number }): string {
  return `batching (${batching.max_batch_size}, ${batching.max_queue_delay_ms} ms)`;
}

/** examples/resnet/config.json's pipeline, with the model at an absolute base_path: resnet50DAG splits the request into batch-1 jobs. */
export function resnetConfig(batching: boolean): unknown {
  return {
    model_config_list: [model('resnet', join(MODELS_DIR, 'resnet'), { batch_size: '1', ...(batching ? RESNET_BATCHING : {}) })],
    pipeline_config_list: (JSON.parse(readFileSync(EXAMPLE_CONFIG, 'utf8')) as { pipeline_config_list: unknown[] }).pipeline_config_list,
  };
}

/** `dummy` (b [N,10] → a = b + 1), well under a millisecond; with batching, workers merge queued jobs. */
export function tinyConfig(batching: boolean): unknown {
  return { model_config_list: [model('dummy', join(MODELS_DIR, 'dummy'), batching ? TINY_BATCHING : {})] };
}

/** `dummy` whose every inference also blocks its thread 20 ms without CPU, as a device would. */
export function waitConfig(): unknown {
  return { model_config_list: [model('dummy', join(MODELS_DIR, 'dummy'), {}, { DEMUX_DEVICE_WAIT_MS: 20 })] };
}

const configDir = mkdtempSync(join(tmpdir(), 'demux-bench-'));

export function writeConfig(name: string, config: unknown): string {
  const path = join(configDir, `${name}.json`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

function floatRequest(name: string, input: string, dims: number[]): tfs.PredictRequest {
  const values = sampleFloats(dims.reduce((a, b) => a * b, 1));
  return tfs.PredictRequest.fromPartial({
    modelSpec: { name },
    inputs: new Map([
      [input, tfs.TensorProto.fromPartial({
        dtype: tfs.DataType.DT_FLOAT,
        tensorShape: { dim: dims.map((size) => ({ size: BigInt(size) })) },
        tensorContent: new Uint8Array(values.buffer),
      })],
    ]),
  });
}

/** `batch` images for resnet50DAG: [batch, 1, 3, 224, 224], one item per image. */
export function resnetRequest(batch: number): tfs.PredictRequest {
  return floatRequest('resnet50DAG', '0', [batch, 1, 3, 224, 224]);
}

export function tinyRequest(): tfs.PredictRequest {
  return floatRequest('dummy', 'b', [1, 10]);
}
