import { DemuxError } from '@demux/core';

/** A map entry that validation guarantees, so that its absence is a bug. */
export function lookup<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw DemuxError.internal(`no entry for ${String(key)}`);
  return value;
}
