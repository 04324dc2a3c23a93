import { runService } from '@demux/core';
import { Registry } from 'prom-client';
import { startGateway } from './gateway.js';
import { GatewayMetrics } from './metrics.js';
import { parseGatewayOptions } from './options.js';
import { GrpcScheduler } from './scheduler-client.js';

await runService('gateway', () => parseGatewayOptions(process.argv.slice(2)), async (options, logger) => {
  const scheduler = new GrpcScheduler(options.scheduler, options.maxMessageBytes);
  const gateway = await startGateway(options, scheduler, logger, new GatewayMetrics(new Registry()));
  return {
    async stop() {
      await gateway.stop();
      scheduler.close();
    },
  };
});
