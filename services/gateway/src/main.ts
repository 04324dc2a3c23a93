import { runService } from '@demux/core';
import { startGateway } from './gateway.js';
import { parseGatewayOptions } from './options.js';
import { GrpcScheduler } from './scheduler-client.js';

await runService('gateway', () => parseGatewayOptions(process.argv.slice(2)), async (options, logger) => {
  const scheduler = new GrpcScheduler(options.scheduler, options.maxMessageBytes);
  const gateway = await startGateway(options, scheduler, logger);
  return {
    async stop() {
      await gateway.stop();
      scheduler.close();
    },
  };
});
