import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { StatusCode } from '../errors.js';
import { modelFilePath, scanModelVersions } from './model-directory.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demux-versions-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function touch(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '');
}

describe('scanModelVersions', () => {
  it('lists positive integer directories holding model.onnx, in numeric order', async () => {
    const base = join(dir, 'resnet');
    for (const version of [1, 2, 10]) await touch(modelFilePath(base, version));
    await mkdir(join(base, '3'));
    await touch(join(base, '4', 'model.xml'));
    for (const other of ['0', '01', '-1', '1.5', 'latest']) await touch(join(base, other, 'model.onnx'));
    await writeFile(join(base, '5'), '');
    await writeFile(join(base, 'README.md'), '');
    await symlink(join(base, '10'), join(base, '11'));

    expect(await scanModelVersions(base)).toEqual({ available: [1, 2, 10, 11], withoutModel: [3, 4] });
  });

  it('finds nothing in an empty base path', async () => {
    const base = join(dir, 'empty');
    await mkdir(base);
    expect(await scanModelVersions(base)).toEqual({ available: [], withoutModel: [] });
  });

  it('reports a base path that does not exist as NOT_FOUND', async () => {
    const base = join(dir, 'absent');
    await expect(scanModelVersions(base)).rejects.toThrow(
      expect.objectContaining({ name: 'DemuxError', code: StatusCode.NOT_FOUND, message: `base path ${base} does not exist` }),
    );
  });

  it('reports a base path that is a file', async () => {
    const base = join(dir, 'file');
    await writeFile(base, '');
    await expect(scanModelVersions(base)).rejects.toThrow(
      expect.objectContaining({ name: 'DemuxError', code: StatusCode.INVALID_ARGUMENT, message: `base path ${base} is not a directory` }),
    );
  });
});
