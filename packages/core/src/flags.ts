import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DemuxError } from './errors.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

/** Parses command-line flags; unknown flags and missing values are start-up errors. */
type FlagSpec = NonNullable<ParseArgsConfig['options']>;
type Flags<T extends FlagSpec> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>>['values'];

export function parseFlags<T extends FlagSpec>(argv: string[], options: T): Flags<T> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (cause) {
    throw DemuxError.invalidArgument(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** An integer flag within bounds, or its default when absent. */
export function integerFlag(name: string, value: string | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw DemuxError.invalidArgument(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

export function logLevelFlag(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  if (value === undefined) return fallback;
  // OpenVINO Model Server spells it WARNING.
  const level = value.toLowerCase() === 'warning' ? 'warn' : value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw DemuxError.invalidArgument(`--log_level must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return level as LogLevel;
}

/** Where a service finds the job transport: the flags every service on NATS takes. */
export interface NatsFlags {
  /** NATS URL (`--nats`, else `NATS_URL`); undefined when the service runs in-process inside `pnpm start`. */
  natsUrl: string | undefined;
  /** The job stream and its subject prefix; several deployments may share one NATS. */
  natsStream: string;
  natsSubjectPrefix: string;
}

export const NATS_FLAGS = {
  nats: { type: 'string' },
  nats_stream: { type: 'string', default: 'DEMUX_JOBS' },
  nats_subject_prefix: { type: 'string', default: 'demux.jobs' },
} as const;

export function natsFlags(flags: { nats?: string | undefined; nats_stream: string; nats_subject_prefix: string }, env: NodeJS.ProcessEnv): NatsFlags {
  return { natsUrl: flags.nats ?? env.NATS_URL, natsStream: flags.nats_stream, natsSubjectPrefix: flags.nats_subject_prefix };
}
