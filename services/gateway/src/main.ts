import { processRegistry, runService } from '@demux/core';
import { startGateway } from './gateway.js';
import { GatewayMetrics } from './metrics.js';
import { parseGatewayOptions } from './options.js';
import { GrpcScheduler } from './scheduler-client.js';

await runService('gateway', () => parseGatewayOptions(process.argv.slice(2)), async (options, logger) => {
  const scheduler = new GrpcScheduler(options.scheduler, options.maxMessageBytes);
  const registry = processRegistry();
  const gateway = await startGateway(options, scheduler, logger, new GatewayMetrics(registry), registry);
  return {
    async stop() {
      await gateway.stop();
      scheduler.close();
    },
  };
});
