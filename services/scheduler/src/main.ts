import { NatsTransport, processRegistry, runService, serveMetrics } from '@demux/core';
import { SchedulerMetrics } from './metrics.js';
import { parseSchedulerOptions } from './options.js';
import { loadScheduler } from './scheduler.js';
import { serveScheduler } from './scheduler-service.js';

await runService('scheduler', () => parseSchedulerOptions(process.argv.slice(2)), async (options, logger) => {
  const transport = await NatsTransport.forService('scheduler', options);
  const registry = processRegistry();
  const scheduler = await loadScheduler(options, transport, logger, new SchedulerMetrics(registry));
  const server = await serveScheduler(scheduler, options);
  const metrics = options.metricsPort === 0 ? undefined : await serveMetrics(options.metricsPort, options.bindAddress, registry);
  logger.info({ port: server.port, metricsPort: metrics?.port }, 'scheduler serving');
  return {
    async stop() {
      scheduler.beginDrain();
      await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
      await server.stop();
      await metrics?.stop();
      await transport.close();
    },
  };
});
