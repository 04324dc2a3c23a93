import { OVMS_TIME_BUCKETS_US } from '@demux/core';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { RequestLabels, RequestMetrics } from './front-door.js';

const LABELS = ['api', 'interface', 'method', 'name', 'version'] as const;

/** Request counts and latencies under OpenVINO Model Server's metric names and labels. */
export class GatewayMetrics implements RequestMetrics {
  readonly #success: Counter<(typeof LABELS)[number]>;
  readonly #fail: Counter<(typeof LABELS)[number]>;
  readonly #requestTime: Histogram<'interface' | 'name' | 'version'>;

  constructor(registry: Registry) {
    this.#success = new Counter({ name: 'ovms_requests_success', help: 'Number of successful requests to a model or a DAG.', labelNames: LABELS, registers: [registry] });
    this.#fail = new Counter({ name: 'ovms_requests_fail', help: 'Number of failed requests to a model or a DAG.', labelNames: LABELS, registers: [registry] });
    this.#requestTime = new Histogram({
      name: 'ovms_request_time_us',
      help: 'Processing time of requests to a model or a DAG, in microseconds.',
      labelNames: ['interface', 'name', 'version'],
      buckets: OVMS_TIME_BUCKETS_US,
      registers: [registry],
    });
  }

  record(labels: RequestLabels, seconds: number, error?: unknown): void {
    const values = { api: labels.api, interface: labels.interface, method: labels.method, name: labels.name, version: String(labels.version ?? '') };
    if (error === undefined) {
      this.#success.inc(values);
      if (labels.method === 'Predict' || labels.method === 'ModelInfer') {
        this.#requestTime.observe({ interface: labels.interface, name: labels.name, version: values.version }, seconds * 1e6);
      }
    } else {
      this.#fail.inc(values);
    }
  }
}
