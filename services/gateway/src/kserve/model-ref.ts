import { DemuxError } from '@demux/core';

/**
 * The endpoint a KServe request names. KServe versions are strings, Demux's are positive
 * integers: "" asks for the default version, and so does "0", as OVMS reads it (and TFS its 0).
 */
export function endpointOf(name: string, version: string): { name: string; version: number | undefined } {
  if (!name) throw DemuxError.invalidArgument('a model or pipeline name is required');
  if (version === '') return { name, version: undefined };
  const number = Number(version);
  if (!/^\d+$/.test(version) || !Number.isSafeInteger(number)) {
    throw DemuxError.invalidArgument(`model ${name}: version must be a non-negative integer, got "${version}"`);
  }
  return { name, version: number === 0 ? undefined : number };
}
