import { createServer } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DemuxError } from './errors.js';

/**
 * OpenVINO Model Server's buckets for its microsecond histograms (`ovms_request_time_us`,
 * `ovms_inference_time_us`): 10 µs to 64 s, each about 1.8 times the last.
 */
export const OVMS_TIME_BUCKETS_US = [
  10, 18, 32, 58, 103, 183, 327, 584, 1042, 1862, 3326, 5941, 10612, 18957, 33864, 60495, 108068, 193051, 344863, 616063, 1100535,
  1965995, 3512066, 6273950, 11207595, 20021282, 35765686, 63891123,
];

/**
 * The metrics of one service process: its own, plus prom-client's process metrics (CPU, memory,
 * event-loop lag, GC) under their standard unprefixed names, which stock Node.js dashboards read.
 * Each process makes one; Kubernetes' scrape labels tell the services apart.
 */
export function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface MetricsServer {
  /** The port bound. */
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Serves a registry at GET /metrics in Prometheus' text format, for services whose only other
 * port is gRPC. One route needs no web framework: plain node:http, as prom-client's own example.
 */
export async function serveMetrics(port: number, bindAddress: string, registry: Registry): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('only GET\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot collect metrics: ${reason}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(DemuxError.unavailable(`cannot listen on metrics port ${port}: ${error.message}`, { cause: error })),
    );
    server.listen(port, bindAddress, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps its connection open between scrapes.
        server.closeAllConnections();
      }),
  };
}
