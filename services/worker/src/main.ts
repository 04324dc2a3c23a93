import { NatsTransport, processRegistry, runService, serveMetrics } from '@demux/core';
import { WorkerMetrics } from './metrics.js';
import { parseWorkerOptions } from './options.js';
import { startWorker } from './worker.js';

await runService('worker', () => parseWorkerOptions(process.argv.slice(2)), async (options, logger) => {
  const transport = await NatsTransport.forService('worker', options, { ackWaitMs: options.ackWaitMs });
  const registry = processRegistry();
  // Served before the models load, so a slow start shows; a worker has no other port and no
  // bind address of its own, so /metrics listens on every interface.
  const metrics = options.metricsPort === 0 ? undefined : await serveMetrics(options.metricsPort, '0.0.0.0', registry);
  if (metrics) logger.info({ metricsPort: metrics.port }, 'worker serving metrics');
  const worker = await startWorker(options, transport, logger, new WorkerMetrics(registry));
  return {
    async stop() {
      await worker.stop();
      await metrics?.stop();
      await transport.close();
      logger.info({ answered: worker.answered }, 'jobs answered');
    },
  };
});
