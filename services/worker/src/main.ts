import { DemuxError, NatsTransport, runService } from '@demux/core';
import { parseWorkerOptions } from './options.js';
import { startWorker } from './worker.js';

await runService('worker', () => parseWorkerOptions(process.argv.slice(2)), async (options, logger) => {
  if (!options.natsUrl) throw DemuxError.invalidArgument('a worker on its own needs NATS: set NATS_URL or --nats');
  const transport = await NatsTransport.connect({
    servers: options.natsUrl,
    name: 'demux-worker',
    ackWaitMs: options.ackWaitMs,
    streamName: options.natsStream,
    subjectPrefix: options.natsSubjectPrefix,
  });
  const worker = await startWorker(options, transport, logger);
  return {
    async stop() {
      await worker.stop();
      await transport.close();
      logger.info({ answered: worker.answered }, 'jobs answered');
    },
  };
});
