import { InProcessTransport, processRegistry, type Logger } from '@demux/core';
import { GatewayMetrics, parseGatewayOptions, startGateway } from '@demux/gateway';
import { loadScheduler, parseSchedulerOptions, SchedulerMetrics } from '@demux/scheduler';
import { parseWorkerOptions, startWorker, WorkerMetrics } from '@demux/worker';
import type { StackOptions } from './options.js';
import type { RunningStack } from './running-stack.js';

/**
 * Every role in this process on the in-process transport: a first run needs no broker. The
 * gateway calls the scheduler directly; workers still run inference in their own threads.
 */
export async function startEmbedded(options: StackOptions, logger: Logger): Promise<RunningStack> {
  const transport = new InProcessTransport();
  // One registry for the process, shown by the gateway's /metrics: every role's metrics in one
  // scrape. The workers share one WorkerMetrics, so their counts add up as one worker's would.
  const registry = processRegistry();
  const workerMetrics = new WorkerMetrics(registry);
  const common = ['--config_path', options.configPath, '--log_level', options.logLevel];
  const workers = await Promise.all(
    Array.from({ length: options.workers }, (_, index) =>
      startWorker(parseWorkerOptions(common, {}), transport, logger.child({ role: 'worker', index }), workerMetrics),
    ),
  );
  const scheduler = await loadScheduler(
    parseSchedulerOptions(common, {}),
    transport,
    logger.child({ role: 'scheduler' }),
    new SchedulerMetrics(registry),
  );
  const gateway = await startGateway(
    parseGatewayOptions(['--port', String(options.port), '--rest_port', String(options.restPort), '--log_level', options.logLevel]),
    scheduler,
    logger.child({ role: 'gateway' }),
    new GatewayMetrics(registry),
    registry,
  );
  return {
    async stop() {
      await gateway.stop();
      await Promise.all(workers.map((worker) => worker.stop()));
      await transport.close();
    },
  };
}
