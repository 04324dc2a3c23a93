import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { DemuxError } from '../errors.js';
import { type DemuxConfig, normalizeConfig } from './demux-config.js';
import { invalidConfigError, problemsFromIssues } from './problems.js';
import { configSchema } from './schema.js';

/** Reads, validates and normalizes an OVMS-format config.json. */
export async function loadConfig(path: string): Promise<DemuxConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, error);
  }
  return parseConfig(parseJson(text, path), path);
}

/**
 * Validates an already parsed config.json. `source` names the file in messages, and relative
 * base paths resolve against its directory.
 */
export function parseConfig(json: unknown, source = 'config.json'): DemuxConfig {
  const result = configSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw invalidConfigError(source, problemsFromIssues(result.error.issues));
  return normalizeConfig(result.data, dirname(resolve(source)));
}

function fileError(path: string, error: unknown): DemuxError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return DemuxError.notFound(`config file ${path} does not exist`, { cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  return DemuxError.invalidArgument(`cannot read config file ${path}: ${reason}`, { cause: error });
}

function parseJson(text: string, source: string): unknown {
  try {
    // Editors on Windows may save a byte order mark, which JSON.parse rejects.
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw DemuxError.invalidArgument(`${source}: invalid JSON${where(text, message)}: ${withoutPosition(message)}`, {
      cause: error,
    });
  }
}

/** V8 reports a character offset; an editor wants a line and a column. */
function where(text: string, message: string): string {
  const offset = /at position (\d+)/.exec(message)?.[1];
  if (offset === undefined) return '';
  const before = text.replace(/^\uFEFF/, '').slice(0, Number(offset));
  const line = before.split('\n').length;
  const column = Number(offset) - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

function withoutPosition(message: string): string {
  return message.replace(/ in JSON at position \d+.*$/, '');
}
