import { Buffer } from 'node:buffer';
import { DemuxError } from '@demux/core';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value for messages: short, and readable whatever it is. */
export function describeJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A request body that must be one JSON object; anything else is INVALID_ARGUMENT naming what is wrong. */
export function parseJsonObject(bytes: Uint8Array | undefined): JsonObject {
  if (bytes === undefined || bytes.length === 0) throw DemuxError.invalidArgument('the request body is empty; expected a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw DemuxError.invalidArgument(`the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isJsonObject(value)) throw DemuxError.invalidArgument(`the request body must be a JSON object, got ${describeJson(value)}`);
  return value;
}

/** A field that must be an object when present. */
export function optionalObject(value: unknown, what: string): JsonObject | undefined {
  if (value === undefined || isJsonObject(value)) return value;
  throw DemuxError.invalidArgument(`${what} must be an object, got ${describeJson(value)}`);
}

export function requiredString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  throw DemuxError.invalidArgument(`${what} must be a string, got ${describeJson(value)}`);
}

export function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw DemuxError.invalidArgument(`${what} must be true or false, got ${describeJson(value)}`);
}
