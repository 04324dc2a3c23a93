import type { z } from 'zod';

import { DemuxError } from '../errors.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** One thing wrong with a config file, at a place in its JSON. */
export interface ConfigProblem {
  path: Path;
  text: string;
}

/**
 * All problems of a config file as one INVALID_ARGUMENT error: a summary line, then one line per
 * problem, so an operator fixes everything in one round.
 */
export function invalidConfigError(source: string, problems: readonly ConfigProblem[]): DemuxError {
  const count = `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`;
  const lines = problems.map((problem) => {
    const where = formatPath(problem.path);
    return where === '' ? `${source}: ${problem.text}` : `${source}: ${where}: ${problem.text}`;
  });
  return DemuxError.invalidArgument([`${source} is invalid (${count}):`, ...lines].join('\n'));
}

/** Zod's issues as problems, in words an operator reading config.json understands. */
export function problemsFromIssues(issues: readonly Issue[], base: Path = []): ConfigProblem[] {
  return issues.flatMap((issue) => describeIssue(issue, [...base, ...issue.path]));
}

/** `model_config_list[0].config.base_path`; keys that are not identifiers as `["0"]`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(key))) text += text === '' ? String(key) : `.${String(key)}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/** The JSON type of a value, as a type error names it. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A value as an error quotes it: short scalars verbatim, containers by their type. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return jsonType(value);
}

function describeIssue(issue: Issue, path: Path): ConfigProblem[] {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined && path.length > 0) {
        return [{ path: path.slice(0, -1), text: `missing required key ${JSON.stringify(String(path.at(-1)))}` }];
      }
      return [{ path, text: `expected ${expectedType(issue.expected, issue.input)}` }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path, text: `unknown key ${JSON.stringify(key)}` }));
    case 'too_small':
      return [{ path, text: `expected ${boundText(issue.origin, '>=', issue.minimum)}, got ${quote(issue.input)}` }];
    case 'too_big':
      return [{ path, text: `expected ${boundText(issue.origin, '<=', issue.maximum)}, got ${quote(issue.input)}` }];
    case 'invalid_value':
      return [{ path, text: issue.message }];
    case 'invalid_union':
      return describeUnion(issue, path);
    default:
      return [{ path, text: issue.message }];
  }
}

function expectedType(expected: string, input: unknown): string {
  // "got number" would read oddly for 1.5 where an integer is expected; quote the value instead.
  if (expected === 'int') return `integer, got ${typeof input === 'number' ? quote(input) : jsonType(input)}`;
  return `${expected}, got ${jsonType(input)}`;
}

/** Every bounded number in config.json is an integer. */
function boundText(origin: string, relation: string, bound: number | bigint): string {
  if (origin === 'string') return Number(bound) === 1 ? 'a non-empty string' : `at least ${bound} characters`;
  if (origin === 'array') return `at least ${bound} items`;
  return `an integer ${relation} ${bound}`;
}

/**
 * A union (a string or an object of strings) fails as a whole; when exactly one of its branches
 * accepted the value's type, that branch's own problems say more than the union's summary.
 */
function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: Path): ConfigProblem[] {
  const typeMatched = issue.errors.filter(
    (branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type'),
  );
  const [only] = typeMatched;
  if (typeMatched.length === 1 && only !== undefined) return problemsFromIssues(only, path);
  return [{ path, text: issue.message }];
}
