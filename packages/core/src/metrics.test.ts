import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { serveMetrics, type MetricsServer } from './metrics.js';

describe('serveMetrics', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function serving(): Promise<string> {
    const registry = new Registry();
    new Counter({ name: 'demux_test_total', help: 'A test counter.', registers: [registry] }).inc(3);
    server = await serveMetrics(0, '127.0.0.1', registry);
    return `http://127.0.0.1:${server.port}`;
  }

  it('answers GET /metrics with the registry in the Prometheus text format', async () => {
    const response = await fetch(`${await serving()}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await response.text()).toContain('demux_test_total 3');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const base = await serving();
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('stops while a scraper keeps its connection open', async () => {
    const base = await serving();
    await fetch(`${base}/metrics`, { headers: { connection: 'keep-alive' } });
    await server!.stop();
    server = undefined;
    await expect(fetch(`${base}/metrics`)).rejects.toThrow();
  });

  it('refuses a port already taken with UNAVAILABLE', async () => {
    await serving();
    await expect(serveMetrics(server!.port, '127.0.0.1', new Registry())).rejects.toThrow(/cannot listen on metrics port/);
  });
});
