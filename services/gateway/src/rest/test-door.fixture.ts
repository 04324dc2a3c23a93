import {
  createLogger,
  DemuxError,
  joinBytesElements,
  splitBytesElements,
  type EndpointMetadata,
  type InferCall,
  type InferResult,
  type SchedulerApi,
  type SchedulerHealth,
  type Tensor,
  type VersionStatus,
} from '@demux/core';
import { Registry } from 'prom-client';
import { EndpointCatalog } from '../endpoint-catalog.js';
import type { FrontDoor, RequestLabels, RequestMetrics } from '../front-door.js';
import { restApp } from './rest-server.js';

/**
 * A scheduler without workers, for route tests: `dummy` (b [-1,10] FP32 → a = b + 1), the
 * pipeline `pair` (x [-1,2] FP32 and s [-1] BYTES → y = 2x, s_bytes = s, n = length of each s
 * as INT64) and `loading`, whose only version has no worker.
 */
const ENDPOINTS: EndpointMetadata[] = [
  { name: 'dummy', version: 1, isPipeline: false, inputs: [{ name: 'b', dtype: 'FP32', shape: [-1, 10] }], outputs: [{ name: 'a', dtype: 'FP32', shape: [-1, 10] }] },
  {
    name: 'pair',
    version: 1,
    isPipeline: true,
    inputs: [
      { name: 'x', dtype: 'FP32', shape: [-1, 2] },
      { name: 's', dtype: 'BYTES', shape: [-1] },
    ],
    outputs: [
      { name: 'y', dtype: 'FP32', shape: [-1, 2] },
      { name: 's_bytes', dtype: 'BYTES', shape: [-1] },
      { name: 'n', dtype: 'INT64', shape: [-1] },
    ],
  },
  { name: 'loading', version: 3, isPipeline: false, inputs: [{ name: 'b', dtype: 'FP32', shape: [-1, 10] }], outputs: [{ name: 'a', dtype: 'FP32', shape: [-1, 10] }] },
];

const floats = (tensor: Tensor): Float32Array => new Float32Array(new Uint8Array(tensor.data).buffer);
const bytesOf = (values: Float32Array | BigInt64Array): Uint8Array => new Uint8Array(values.buffer);

function outputsOf(call: InferCall): Tensor[] {
  const input = (name: string): Tensor => call.inputs.find((tensor) => tensor.name === name)!;
  if (call.name === 'dummy') {
    const b = input('b');
    return [{ name: 'a', dtype: 'FP32', shape: b.shape, data: bytesOf(floats(b).map((value) => value + 1)) }];
  }
  const [x, s] = [input('x'), input('s')];
  const strings = splitBytesElements(s.data, 's');
  return [
    { name: 'y', dtype: 'FP32', shape: x.shape, data: bytesOf(floats(x).map((value) => value * 2)) },
    { name: 's_bytes', dtype: 'BYTES', shape: s.shape, data: joinBytesElements(strings) },
    { name: 'n', dtype: 'INT64', shape: s.shape, data: bytesOf(BigInt64Array.from(strings, (string) => BigInt(string.length))) },
  ];
}

export class FakeScheduler implements SchedulerApi {
  /** Every inference asked for, as the gateway sent it. */
  readonly calls: InferCall[] = [];
  /** What health() answers; an error is thrown, as when the scheduler cannot be reached. */
  healthAnswer: SchedulerHealth | Error = { ready: true, unready: [] };
  /** When set, infer waits for it instead of answering (to watch deadlines and aborts). */
  hold: Promise<void> | undefined;

  #endpoint(name: string, version?: number): EndpointMetadata {
    const endpoint = ENDPOINTS.find((candidate) => candidate.name === name);
    if (!endpoint) throw DemuxError.notFound(`no model or pipeline ${name}`);
    if (version !== undefined && version !== endpoint.version) throw DemuxError.notFound(`${name} has no version ${version}`);
    return endpoint;
  }

  async infer(call: InferCall): Promise<InferResult> {
    this.calls.push(call);
    const endpoint = this.#endpoint(call.name, call.version);
    await this.hold;
    const outputs = outputsOf(call);
    return { name: endpoint.name, version: endpoint.version, outputs: call.outputs.length === 0 ? outputs : outputs.filter((output) => call.outputs.includes(output.name)) };
  }

  async metadata(name: string, version?: number): Promise<EndpointMetadata> {
    return this.#endpoint(name, version);
  }

  async status(name: string, version?: number): Promise<VersionStatus[]> {
    const endpoint = this.#endpoint(name, version);
    return name === 'loading'
      ? [{ version: endpoint.version, state: 'LOADING', errorCode: 14, errorMessage: 'no live worker serves loading version 3' }]
      : [{ version: endpoint.version, state: 'AVAILABLE', errorCode: 0, errorMessage: '' }];
  }

  async health(): Promise<SchedulerHealth> {
    if (this.healthAnswer instanceof Error) throw this.healthAnswer;
    return this.healthAnswer;
  }
}

/** Request metrics kept as a list, to see what each route recorded. */
export class RecordedMetrics implements RequestMetrics {
  readonly records: { labels: RequestLabels; failed: boolean }[] = [];

  record(labels: RequestLabels, _seconds: number, error?: unknown): void {
    this.records.push({ labels, failed: error !== undefined });
  }
}

/** The REST app over a fake scheduler, ready for `inject`. */
export function testRestApp(options: { maxBodyBytes?: number; registry?: Registry } = {}) {
  const scheduler = new FakeScheduler();
  const metrics = new RecordedMetrics();
  const door: FrontDoor = { scheduler, catalog: new EndpointCatalog(scheduler, 0), maxBatchSize: 8, requestTimeoutMs: 5_000, metrics };
  const app = restApp(door, options.registry ?? new Registry(), options.maxBodyBytes ?? 1024 * 1024, createLogger('gateway', 'silent'));
  return { app, scheduler, metrics };
}
