import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { modelPath, type ModelRecipe } from './catalog.js';

export interface GeneratedModel {
  path: string;
  bytes: number;
  parameters: number;
  seconds: number;
}

/**
 * Builds one model and writes it into the repository, replacing any earlier file. The file is
 * written beside its final path and renamed into place, so a server watching the repository never
 * loads half a model.
 */
export async function generateModel(recipe: ModelRecipe, repository: string, seed: number): Promise<GeneratedModel> {
  const started = performance.now();
  const graph = recipe.build(seed);
  const encoded = graph.encode();
  const path = modelPath(repository, recipe.name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.partial`, encoded);
  await rename(`${path}.partial`, path);
  return {
    path,
    bytes: encoded.byteLength,
    parameters: graph.parameterCount,
    seconds: (performance.now() - started) / 1000,
  };
}
