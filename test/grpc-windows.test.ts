import { once } from 'node:events';
import { connect, type ClientHttp2Session } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '@grpc/grpc-js';
import { listen, tensorServer } from '@demux/core';

describe('a tensor server', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = tensorServer(64 * 1024 * 1024);
    port = await listen(server, '127.0.0.1', 0, 'port');
  });

  afterAll(() => server.forceShutdown());

  it('offers every connection wide HTTP/2 windows, so a tensor crosses without window round trips', async () => {
    const session: ClientHttp2Session = connect(`http://127.0.0.1:${port}`);
    // The server may end the session first when the suite shuts it down.
    session.on('error', () => {});
    try {
      await once(session, 'remoteSettings');
      // The session window follows the settings in a WINDOW_UPDATE: wait for both.
      for (let tries = 0; tries < 50 && (session.state.remoteWindowSize ?? 0) <= 65_535; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(session.remoteSettings.initialWindowSize).toBe(8 * 1024 * 1024);
      expect(session.state.remoteWindowSize).toBeGreaterThanOrEqual(16 * 1024 * 1024 - 65_535);
    } finally {
      session.close();
      await once(session, 'close');
    }
  });
});
