import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runnerShape } from './plugin-config.js';

const defaults = { threads: 2, intraOpThreads: 1 };

describe('runnerShape', () => {
  it('keeps the worker defaults without plugin_config', () => {
    expect(runnerShape('resnet', {}, defaults)).toEqual({ threads: 2, intraOpThreads: 1, deviceWaitMs: 0, ignoredKeys: [] });
  });

  it('runs one inference thread per CPU throughput stream', () => {
    expect(runnerShape('resnet', { CPU_THROUGHPUT_STREAMS: 1 }, defaults).threads).toBe(1);
    expect(runnerShape('resnet', { CPU_THROUGHPUT_STREAMS: '4' }, defaults).threads).toBe(4);
    expect(runnerShape('resnet', { NUM_STREAMS: 3 }, defaults).threads).toBe(3);
    expect(runnerShape('resnet', { CPU_THROUGHPUT_STREAMS: 'CPU_THROUGHPUT_AUTO' }, defaults).threads).toBe(availableParallelism());
  });

  it('shares the CPU thread budget among the streams', () => {
    expect(runnerShape('resnet', { CPU_THROUGHPUT_STREAMS: 2, CPU_THREADS_NUM: 8 }, defaults)).toMatchObject({ threads: 2, intraOpThreads: 4 });
    expect(runnerShape('resnet', { NUM_STREAMS: 4, INFERENCE_NUM_THREADS: 2 }, defaults)).toMatchObject({ threads: 4, intraOpThreads: 1 });
  });

  it('maps the latency hint to one stream', () => {
    expect(runnerShape('resnet', { PERFORMANCE_HINT: 'LATENCY' }, defaults).threads).toBe(1);
  });

  it('makes each inference wait on a simulated device with DEMUX_DEVICE_WAIT_MS', () => {
    expect(runnerShape('sleepy', { DEMUX_DEVICE_WAIT_MS: 50 }, defaults).deviceWaitMs).toBe(50);
  });

  it('lists the keys it cannot honour', () => {
    expect(runnerShape('resnet', { CPU_BIND_THREAD: 'YES', ENABLE_CPU_PINNING: true }, defaults).ignoredKeys).toEqual([
      'CPU_BIND_THREAD',
      'ENABLE_CPU_PINNING',
    ]);
  });

  it('rejects a stream count that is not a positive integer', () => {
    expect(() => runnerShape('resnet', { CPU_THROUGHPUT_STREAMS: 0 }, defaults)).toThrow(
      'model resnet: plugin_config CPU_THROUGHPUT_STREAMS must be a positive integer, got 0',
    );
  });
});
