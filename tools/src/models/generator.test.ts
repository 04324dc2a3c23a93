import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MODEL_CATALOG } from './catalog.js';
import { generateModel } from './generator.js';

describe('generateModel', () => {
  let repository: string;
  beforeEach(async () => {
    repository = await mkdtemp(join(tmpdir(), 'demux-models-'));
  });
  afterEach(async () => {
    await rm(repository, { recursive: true, force: true });
  });

  it('writes <repository>/<name>/1/model.onnx over any earlier file and reports it', async () => {
    const dummy = MODEL_CATALOG.find((recipe) => recipe.name === 'dummy')!;
    const path = join(repository, 'dummy', '1', 'model.onnx');
    await mkdir(join(repository, 'dummy', '1'), { recursive: true });
    await writeFile(path, 'stale');

    const model = await generateModel(dummy, repository, 42);

    expect(model.path).toBe(path);
    const written = await readFile(path);
    expect(written.equals(Buffer.from(dummy.build(42).encode()))).toBe(true);
    expect(model.bytes).toBe(written.byteLength);
    expect(model.parameters).toBe(1);
    expect(model.seconds).toBeGreaterThanOrEqual(0);
    expect(await readdir(join(repository, 'dummy', '1'))).toEqual(['model.onnx']);
  });
});
