import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './services.js';

/** The guide's `resnet50DAG`, exactly as examples/resnet/config.json defines it, so tests run what users run. */
export const RESNET50_DAG: object = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'resnet', 'config.json'), 'utf8')) as { pipeline_config_list: object[] }
).pipeline_config_list[0]!;
