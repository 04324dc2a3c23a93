import { availableParallelism } from 'node:os';
import { DemuxError } from '@demux/core';

/** How a model's inference runs on one worker: parallel threads, and onnxruntime threads inside each. */
export interface RunnerShape {
  threads: number;
  intraOpThreads: number;
  /** Milliseconds each inference thread blocks before running (DEMUX_DEVICE_WAIT_MS); 0 normally. */
  deviceWaitMs: number;
  /** plugin_config keys with no meaning for onnxruntime on CPU. */
  ignoredKeys: string[];
}

type PluginConfig = Record<string, string | number | boolean>;

function positiveInteger(model: string, key: string, value: string | number | boolean): number {
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw DemuxError.invalidArgument(`model ${model}: plugin_config ${key} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/**
 * Maps OpenVINO's CPU plugin settings onto onnxruntime: a throughput stream is an inference
 * thread of the worker, and the plugin's thread budget is shared out among the streams.
 */
export function runnerShape(model: string, pluginConfig: PluginConfig, defaults: { threads: number; intraOpThreads: number }): RunnerShape {
  let threads = defaults.threads;
  let totalThreads: number | undefined;
  let deviceWaitMs = 0;
  const ignoredKeys: string[] = [];
  for (const [key, value] of Object.entries(pluginConfig)) {
    switch (key) {
      case 'CPU_THROUGHPUT_STREAMS':
      case 'NUM_STREAMS':
        threads = value === 'CPU_THROUGHPUT_AUTO' || value === 'AUTO' ? availableParallelism() : positiveInteger(model, key, value);
        break;
      case 'CPU_THREADS_NUM':
      case 'INFERENCE_NUM_THREADS':
        totalThreads = positiveInteger(model, key, value);
        break;
      // Demux's own, for benchmarks: a model whose cost is waiting (an accelerator or a remote
      // call) rather than CPU, so that throughput can be seen to scale with workers.
      case 'DEMUX_DEVICE_WAIT_MS':
        deviceWaitMs = positiveInteger(model, key, value);
        break;
      case 'PERFORMANCE_HINT':
        if (value === 'LATENCY') threads = 1;
        else if (value === 'THROUGHPUT') threads = availableParallelism();
        else ignoredKeys.push(key);
        break;
      default:
        ignoredKeys.push(key);
    }
  }
  const intraOpThreads = totalThreads === undefined ? defaults.intraOpThreads : Math.max(1, Math.floor(totalThreads / threads));
  return { threads, intraOpThreads, deviceWaitMs, ignoredKeys };
}
