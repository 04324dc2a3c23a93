import { DemuxError, NatsTransport, runService } from '@demux/core';
import { parseSchedulerOptions } from './options.js';
import { loadScheduler } from './scheduler.js';
import { serveScheduler } from './scheduler-service.js';

await runService('scheduler', () => parseSchedulerOptions(process.argv.slice(2)), async (options, logger) => {
  if (!options.natsUrl) throw DemuxError.invalidArgument('a scheduler on its own needs NATS: set NATS_URL or --nats');
  const transport = await NatsTransport.connect({
    servers: options.natsUrl,
    name: 'demux-scheduler',
    streamName: options.natsStream,
    subjectPrefix: options.natsSubjectPrefix,
  });
  const scheduler = await loadScheduler(options, transport, logger);
  const server = await serveScheduler(scheduler, options);
  logger.info({ port: server.port }, 'scheduler serving');
  return {
    async stop() {
      await server.stop();
      await transport.close();
    },
  };
});
