import { setFlagsFromString } from 'node:v8';
import { DemuxError } from './errors.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';

/** A started service: what its main needs to stop it cleanly. */
export interface RunningService {
  /** Stops taking work, finishes what is in flight, releases connections. */
  stop(): Promise<void>;
}

/**
 * How far V8 lets the old generation grow between full collections, in percent. Left to itself
 * V8 picks as little as 10 % when its collector is fast, and a service churning 602 KB tensors
 * then runs a full mark-compact about every 220 ms: ~30 in 12 s of a ResNet load, with the
 * collector's helper threads taking ~3 ms of CPU per image. At 300 % it runs ~4, and the embedded
 * stack spends ~5 % less CPU per image (README, Performance). V8 reads the flag at each
 * collection, so setting it at start takes effect; it is refused in NODE_OPTIONS.
 */
const HEAP_GROWING_PERCENT = 300;

/**
 * The life of a service process: parse options (a bad flag exits 2 with the reason), start
 * (a failure exits 1, logged), then on SIGTERM or SIGINT stop and exit 0.
 */
export async function runService<O extends { logLevel: LogLevel }>(
  name: string,
  parse: () => O,
  start: (options: O, logger: Logger) => Promise<RunningService>,
): Promise<void> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
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
