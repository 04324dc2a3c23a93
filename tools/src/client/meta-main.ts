import { runCommand } from './command.js';
import { runMeta } from './meta.js';
import { META_USAGE, parseMetaOptions } from './options.js';

await runCommand(META_USAGE, parseMetaOptions, runMeta);
