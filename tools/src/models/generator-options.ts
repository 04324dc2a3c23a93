import { parseArgs } from 'node:util';
import { MODEL_CATALOG, type ModelRecipe } from './catalog.js';

export interface GeneratorOptions {
  /** Model repository to write into; default `models`, relative to the working directory. */
  repository: string;
  /** Models to generate; default all of the catalog. */
  models: readonly ModelRecipe[];
  /** Seed of the weights; default fixed, so the files are the same on every run. */
  seed: number;
  /** Leave a model whose file exists alone (what `pnpm start` asks before serving). */
  ifMissing: boolean;
}

export const DEFAULT_SEED = 42;

export const USAGE = `usage: pnpm models [--out <dir>] [--only <name,...>] [--seed <n>] [--if_missing]
  --out   model repository to write (default: models)
  --only  comma-separated models among: ${MODEL_CATALOG.map((recipe) => recipe.name).join(', ')}
  --seed  integer seed of the weights, 0 to 4294967295 (default: ${DEFAULT_SEED})
  --if_missing  write only the models whose file does not exist yet`;

/** Parses the command line; throws with a message for the user on anything it does not know. */
export function parseGeneratorOptions(args: readonly string[]): GeneratorOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      out: { type: 'string', default: 'models' },
      only: { type: 'string' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      if_missing: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const seed = Number(values.seed);
  if (!/^\d+$/.test(values.seed) || seed > 0xffffffff) {
    throw new Error(`--seed must be an integer 0..4294967295, got ${values.seed}`);
  }
  return { repository: values.out, models: selectModels(values.only), seed, ifMissing: values.if_missing };
}

function selectModels(only: string | undefined): readonly ModelRecipe[] {
  if (only === undefined) return MODEL_CATALOG;
  const names = only.split(',').map((name) => name.trim());
  return names.map((name) => {
    const recipe = MODEL_CATALOG.find((candidate) => candidate.name === name);
    if (recipe === undefined) {
      throw new Error(`unknown model ${JSON.stringify(name)}; known: ${MODEL_CATALOG.map((r) => r.name).join(', ')}`);
    }
    return recipe;
  });
}
