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
      buckets: [10, 18, 32, 58, 103, 183, 327, 584, 1042, 1862, 3326, 5941, 10612, 18957, 33864, 60495, 108068, 193051, 344863, 616063, 1100535, 1965995, 3512066, 6273950, 11207595, 20021282, 35765686, 63891123],
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
