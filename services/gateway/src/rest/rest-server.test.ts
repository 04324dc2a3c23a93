import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../metrics.js';
import { testRestApp } from './test-door.fixture.js';

let rest: ReturnType<typeof testRestApp> | undefined;

afterEach(async () => {
  await rest?.app.close();
});

describe('the REST server', () => {
  it('serves the registry at /metrics in Prometheus text format', async () => {
    const registry = new Registry();
    new GatewayMetrics(registry).record({ api: 'KServe', interface: 'REST', method: 'ModelInfer', name: 'dummy', version: 1 }, 0.01);
    rest = testRestApp({ registry });
    const response = await rest.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(registry.contentType);
    expect(response.body).toContain('ovms_requests_success{api="KServe",interface="REST",method="ModelInfer",name="dummy",version="1"} 1');
  });

  it('answers an unknown path 404 with an error body', async () => {
    rest = testRestApp();
    const response = await rest.app.inject({ method: 'POST', url: '/v1/models/dummy:classify', payload: '{}' });
    expect([response.statusCode, response.json()]).toEqual([404, { error: 'no REST endpoint POST /v1/models/dummy:classify' }]);
  });

  it('answers a body over the limit 413 without reading it', async () => {
    rest = testRestApp({ maxBodyBytes: 1000 });
    const response = await rest.app.inject({ method: 'POST', url: '/v2/models/dummy/infer', payload: 'x'.repeat(1001) });
    expect([response.statusCode, response.json()]).toEqual([413, { error: "the request body is larger than the gateway's limit of 1000 bytes" }]);
    expect(rest.metrics.records).toEqual([]);
  });

  it('aborts the inference of a client that disconnects', async () => {
    rest = testRestApp();
    let release = (): void => {};
    rest.scheduler.hold = new Promise((resolve) => (release = resolve));
    await rest.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = rest.app.server.address() as AddressInfo;
    const client = request({ port, method: 'POST', path: '/v1/models/dummy:predict' });
    client.on('error', () => {});
    client.end(JSON.stringify({ instances: [Array.from({ length: 10 }, () => 1)] }));
    await expect.poll(() => rest!.scheduler.calls.length).toBe(1);
    const signal = rest.scheduler.calls[0]!.signal!;
    expect(signal.aborted).toBe(false);
    client.destroy();
    await expect.poll(() => signal.aborted).toBe(true);
    release();
  });
});
