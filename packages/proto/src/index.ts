/**
 * The wire types of every API Demux speaks, generated from proto/ by ts-proto (`pnpm build`),
 * one namespace per protocol: `import { tfs, kserve, demux } from '@demux/proto'`.
 */
export * as tfs from './tfs.js';
export * as kserve from './kserve.js';
export * as demux from './demux.js';
