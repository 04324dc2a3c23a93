export { parseGatewayOptions, GATEWAY_DEFAULTS, type GatewayOptions } from './options.js';
export { startGateway, type RunningGateway } from './gateway.js';
export { GrpcScheduler } from './scheduler-client.js';
export { GatewayMetrics } from './metrics.js';
