import { DemuxError, type ModelRepository } from '@demux/core';
import { describe, expect, it } from 'vitest';

import { repositoryCatalog } from './model-catalog.js';

const metadata = { inputs: [{ name: 'x', dtype: 'FP32' as const, shape: [-1, 4] }], outputs: [] };

/** The two methods the catalog uses, as ModelRepository behaves: versions ascending, NOT_FOUND for the rest. */
const repository = {
  versions: (name: string) => (name === 'm' ? [1, 3] : []),
  metadata: (name: string, version?: number) => {
    if (name !== 'm') throw DemuxError.notFound(`model ${name} not found`);
    if (version !== 1 && version !== 3) throw DemuxError.notFound(`model m has no version ${version}`);
    return metadata;
  },
} as unknown as ModelRepository;

describe('repositoryCatalog', () => {
  const catalog = repositoryCatalog(repository);

  it('resolves the default version to the highest served', () => {
    expect(catalog.metadata('m')).toEqual({ version: 3, ...metadata });
  });

  it('keeps a version asked for', () => {
    expect(catalog.metadata('m', 1)).toEqual({ version: 1, ...metadata });
  });

  it("passes the repository's NOT_FOUND on", () => {
    expect(() => catalog.metadata('m', 2)).toThrow('model m has no version 2');
    expect(() => catalog.metadata('other')).toThrow('model other not found');
  });
});
