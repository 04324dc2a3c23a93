import { runClient } from './client.js';
import { runCommand } from './command.js';
import { CLIENT_USAGE, parseClientOptions } from './options.js';

await runCommand(CLIENT_USAGE, parseClientOptions, runClient);
