/** Demux's internal contracts (package demux.v1): the job and the gateway → scheduler API. */
export * from './gen/demux/v1/job.js';
export * from './gen/demux/v1/scheduler.js';
