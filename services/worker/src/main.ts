import { createLogger, DemuxError, NatsTransport } from '@demux/core';
import { parseWorkerOptions } from './options.js';
import { startWorker } from './worker.js';

const options = parseWorkerOptions(process.argv.slice(2));
const logger = createLogger('worker', options.logLevel);
if (!options.natsUrl) throw DemuxError.invalidArgument('a worker on its own needs NATS: set NATS_URL or --nats');
const transport = await NatsTransport.connect({
  servers: options.natsUrl,
  name: 'demux-worker',
  ackWaitMs: options.ackWaitMs,
  streamName: options.natsStream,
  subjectPrefix: options.natsSubjectPrefix,
});
const worker = await startWorker(options, transport, logger);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: no new jobs, finishing those in flight');
  await worker.stop();
  await transport.close();
  logger.info({ answered: worker.answered }, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
