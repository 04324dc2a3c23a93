import { runService } from '@demux/core';
import { startEmbedded } from './embedded.js';
import { parseStackOptions } from './options.js';
import { startProcesses } from './processes.js';

await runService('demux', () => parseStackOptions(process.argv.slice(2)), async (options, logger) => {
  const { natsUrl } = options;
  if (natsUrl) logger.info({ nats: natsUrl }, `services run as separate processes on NATS JetStream at ${natsUrl}`);
  else logger.info('embedded mode: every role in this one process on the in-process job transport (set NATS_URL to use NATS)');
  const stack = natsUrl ? await startProcesses({ ...options, natsUrl }, logger) : await startEmbedded(options, logger);
  logger.info({ port: options.port, restPort: options.restPort, workers: options.workers }, 'stack started');
  return stack;
});
