import { DemuxError, integerFlag, logLevelFlag, parseFlags, type LogLevel } from '@demux/core';

/** `pnpm start`: the whole stack from one command, with OpenVINO Model Server's flags. */
export interface StackOptions {
  configPath: string;
  port: number;
  restPort: number;
  /** Worker instances (each with its own inference threads). */
  workers: number;
  /** NATS URL: the services run as separate processes on it; undefined: all in this process. */
  natsUrl: string | undefined;
  /** The scheduler's internal gRPC port when the services run as processes. */
  schedulerPort: number;
  logLevel: LogLevel;
}

export function parseStackOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): StackOptions {
  // pnpm passes the `--` of `pnpm start -- --port 9000` through.
  const flags = parseFlags(argv[0] === '--' ? argv.slice(1) : argv, {
    config_path: { type: 'string' },
    port: { type: 'string' },
    rest_port: { type: 'string' },
    workers: { type: 'string' },
    nats: { type: 'string' },
    scheduler_port: { type: 'string' },
    log_level: { type: 'string' },
  });
  if (!flags.config_path) throw DemuxError.invalidArgument('--config_path is required');
  return {
    configPath: flags.config_path,
    port: integerFlag('port', flags.port, 9000, 1, 65535),
    restPort: integerFlag('rest_port', flags.rest_port, 8000, 0, 65535),
    workers: integerFlag('workers', flags.workers, 2, 1, 64),
    natsUrl: flags.nats ?? env.NATS_URL,
    schedulerPort: integerFlag('scheduler_port', flags.scheduler_port, 9100, 1, 65535),
    logLevel: logLevelFlag(flags.log_level),
  };
}
