import { createLogger } from '@demux/core';
import { startGateway } from './gateway.js';
import { parseGatewayOptions } from './options.js';
import { GrpcScheduler } from './scheduler-client.js';

const options = parseGatewayOptions(process.argv.slice(2));
const logger = createLogger('gateway', options.logLevel);
const scheduler = new GrpcScheduler(options.scheduler, options.maxMessageBytes);
const gateway = await startGateway(options, scheduler, logger);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: no new calls, finishing those in flight');
  await gateway.stop();
  scheduler.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
