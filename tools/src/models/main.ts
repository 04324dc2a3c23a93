import { existsSync } from 'node:fs';
import { modelPath } from './catalog.js';
import { generateModel } from './generator.js';
import { parseGeneratorOptions, USAGE, type GeneratorOptions } from './generator-options.js';

function optionsOrExit(): GeneratorOptions {
  try {
    return parseGeneratorOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const options = optionsOrExit();
for (const recipe of options.models) {
  if (options.ifMissing && existsSync(modelPath(options.repository, recipe.name))) continue;
  const model = await generateModel(recipe, options.repository, options.seed);
  console.log(`${model.path}  ${model.bytes} bytes  ${model.parameters} parameters  ${model.seconds.toFixed(2)} s`);
}
