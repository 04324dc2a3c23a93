export { parseSchedulerOptions, SCHEDULER_DEFAULTS, type SchedulerOptions } from './options.js';
export { loadScheduler, Scheduler } from './scheduler.js';
export { serveScheduler, type RunningSchedulerServer } from './scheduler-service.js';
export { SchedulerMetrics } from './metrics.js';
