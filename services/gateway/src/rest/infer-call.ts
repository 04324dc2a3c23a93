import { randomUUID } from 'node:crypto';
import type { InferCall } from '@demux/core';
import type { FastifyReply } from 'fastify';
import type { FrontDoor } from '../front-door.js';

/**
 * What an inference forwarded from a REST request carries besides its tensors: a fresh request
 * id, the gateway's deadline (REST clients set none), and a signal that aborts when the client
 * disconnects. The response is the one to watch: the request's own 'close' comes as soon as its
 * body has been read, while the response closes unfinished only when the connection is gone.
 */
export function inferCallOptions(door: FrontDoor, reply: FastifyReply): Pick<InferCall, 'requestId' | 'deadlineMs' | 'signal'> {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return { requestId: randomUUID(), deadlineMs: Date.now() + door.requestTimeoutMs, signal: controller.signal };
}
