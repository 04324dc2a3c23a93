import { DemuxError, type Logger } from '@demux/core';
import { fastify, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { FrontDoor } from '../front-door.js';
import { restError } from './errors.js';
import { addKServeRoutes } from './kserve-rest.js';
import { addTfsRoutes } from './tfs-rest.js';

export interface RestServerOptions {
  port: number;
  bindAddress: string;
  /** Largest request body; a larger one is answered 413 without being read. */
  maxBodyBytes: number;
}

export interface RunningRestServer {
  /** The port bound. */
  readonly port: number;
  /** Stops taking requests and waits for those in flight. */
  stop(): Promise<void>;
}

/**
 * The REST front doors on one HTTP server: TensorFlow Serving's `/v1`, KServe v2's `/v2`, and
 * Prometheus' `/metrics`. Built apart from listening so that tests can inject requests.
 */
export function restApp(door: FrontDoor, registry: Registry, maxBodyBytes: number, logger: Logger): FastifyInstance {
  // Idle keep-alive connections close with the server, so a stop waits only for requests in flight.
  const app = fastify({ bodyLimit: maxBodyBytes, forceCloseConnections: 'idle' });
  // Every body is read as bytes and parsed by its route: TFS clients post JSON under any content
  // type (`curl -d` says form-urlencoded) and KServe's binary extension sends octet-stream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: unknown, request, reply) => {
    const { status, body } =
      (error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? { status: 413, body: { error: `the request body is larger than the gateway's limit of ${maxBodyBytes} bytes` } }
        : restError(error);
    if (status >= 500) logger.error({ err: error, method: request.method, url: request.url }, `REST request failed: ${body.error}`);
    return reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no REST endpoint ${request.method} ${request.url}` }));

  addTfsRoutes(app, door);
  addKServeRoutes(app, door);
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  return app;
}

export async function startRestServer(options: RestServerOptions, door: FrontDoor, registry: Registry, logger: Logger): Promise<RunningRestServer> {
  const app = restApp(door, registry, options.maxBodyBytes, logger);
  try {
    await app.listen({ port: options.port, host: options.bindAddress });
  } catch (error) {
    throw DemuxError.unavailable(`cannot listen on REST port ${options.port}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  logger.info({ restPort: port }, 'gateway serving REST (TensorFlow Serving and KServe v2 APIs, /metrics)');
  return { port, stop: () => app.close() };
}
