import { runCommand } from '../client/command.js';
import { parseSampleDataOptions, SAMPLE_DATA_USAGE } from './options.js';
import { runSampleData } from './sample-data.js';

await runCommand(SAMPLE_DATA_USAGE, parseSampleDataOptions, runSampleData);
