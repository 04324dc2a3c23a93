import { DemuxError } from './errors.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';

/** A started service: what its main needs to stop it cleanly. */
export interface RunningService {
  /** Stops taking work, finishes what is in flight, releases connections. */
  stop(): Promise<void>;
}

/**
 * The life of a service process: parse options (a bad flag exits 2 with the reason), start
 * (a failure exits 1, logged), then on SIGTERM or SIGINT stop and exit 0.
 */
export async function runService<O extends { logLevel: LogLevel }>(
  name: string,
  parse: () => O,
  start: (options: O, logger: Logger) => Promise<RunningService>,
): Promise<void> {
  let options: O;
  try {
    options = parse();
  } catch (error) {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const logger = createLogger(name, options.logLevel);
  let service: RunningService;
  try {
    service = await start(options, logger);
  } catch (error) {
    logger.fatal({ err: error }, `${name} cannot start: ${DemuxError.from(error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new work, finishing what is in flight');
    await service.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
