import {
  checkBatch,
  checkInputs,
  loadConfig,
  ModelRepository,
  type EndpointMetadata,
  type InferCall,
  type InferResult,
  type JobTransport,
  type Logger,
  StatusCode,
  type SchedulerApi,
  type SchedulerHealth,
  type VersionStatus,
} from '@demux/core';
import { Admission, type AdmissionLimits } from './admission.js';
import { Endpoints, type Endpoint } from './endpoints.js';
import { MeteredTransport } from './metered-transport.js';
import type { SchedulerMetrics } from './metrics.js';
import type { SchedulerOptions } from './options.js';
import { runBatchRows } from './session/batch-rows.js';
import { runPipeline, type NodeRun } from './session/index.js';

export interface SchedulerLimits extends AdmissionLimits {
  /** Largest dynamic first dimension of a request: a larger batch is refused before any job is published. */
  maxBatchSize: number;
}



/**
 * Runs requests: a pipeline session per request, or a plain model's batch as one job per row,
 * every node execution a job on the transport, with the request's deadline and cancellation.
 */
export class Scheduler implements SchedulerApi {
  readonly #admission: Admission;
  #draining = false;

  constructor(
    private readonly endpoints: Endpoints,
    private readonly transport: JobTransport,
    private readonly limits: SchedulerLimits,
    private readonly metrics: SchedulerMetrics,
  ) {
    this.#admission = new Admission(limits);
  }

  async infer(call: InferCall): Promise<InferResult> {
    const endpoint = this.endpoints.resolve(call.name, call.version);
    const { inputs } = endpoint.definition.metadata();
    // The gateway checked already; a scheduler also serves other callers, and the checks are cheap.
    checkInputs(endpoint.definition.endpoint, call.inputs, inputs);
    checkBatch(endpoint.definition.endpoint, call.inputs, inputs, this.limits.maxBatchSize);
    const release = this.#admission.admitRequest();
    const processed = this.metrics.requestStarted(endpoint);
    try {
      const signal = call.signal ?? new AbortController().signal;
      const run: NodeRun = async (job, item, jobSignal) => {
        const done = this.#admission.admitJob(job);
        try {
          return await this.transport.submit(job, { requestId: call.requestId, item, deadlineMs: call.deadlineMs, signal: jobSignal });
        } finally {
          done();
        }
      };
      const outputs = endpoint.isPipeline
        ? await runPipeline(endpoint.definition, call.inputs, run, { signal, outputs: call.outputs })
        : await runBatchRows(
            { node: endpoint.name, model: endpoint.name, version: endpoint.version, inputs: call.inputs, outputs: call.outputs },
            inputs.every((input) => input.shape[0] === -1),
            run,
            signal,
          );
      return { name: endpoint.name, version: endpoint.version, outputs };
    } finally {
      processed();
      release();
    }
  }

  async metadata(name: string, version?: number): Promise<EndpointMetadata> {
    return this.endpoints.metadata(name, version);
  }

  /** AVAILABLE while every model the endpoint runs has a live worker; LOADING, with the reason, until then. */
  async status(name: string, version?: number): Promise<VersionStatus[]> {
    return this.endpoints.select(name, version).map((endpoint) => {
      const unready = this.#unready(endpoint);
      return unready.length === 0
        ? { version: endpoint.version, state: 'AVAILABLE', errorCode: 0, errorMessage: '' }
        : { version: endpoint.version, state: 'LOADING', errorCode: StatusCode.UNAVAILABLE, errorMessage: unready.join('; ') };
    });
  }

  async health(): Promise<SchedulerHealth> {
    const unready = this.endpoints.models().flatMap((endpoint) => this.#unready(endpoint));
    if (!this.transport.connected) unready.unshift(`the ${this.transport.kind} job transport is disconnected`);
    if (this.#draining) unready.unshift('the scheduler is shutting down');
    return { ready: unready.length === 0, unready };
  }

  /**
   * Reports not ready from now on while still taking requests: gateways and load balancers stop
   * sending new ones, and calls already on their way are not refused.
   */
  beginDrain(): void {
    this.#draining = true;
  }

  #unready(endpoint: Endpoint): string[] {
    return endpoint.models
      .filter((model) => this.transport.liveWorkers(model) === 0)
      .map((model) => `model ${model.model} version ${model.version} has no live worker`);
  }
}

/**
 * Reads config.json and the models' metadata, validates every pipeline, and returns a scheduler
 * on the transport, its jobs and the depth of its models' queues measured.
 */
export async function loadScheduler(
  options: SchedulerOptions,
  transport: JobTransport,
  logger: Logger,
  metrics: SchedulerMetrics,
): Promise<Scheduler> {
  const config = await loadConfig(options.configPath);
  const repository = await ModelRepository.load(config.models);
  const endpoints = new Endpoints(config, repository);
  logger.info(
    { models: repository.names(), pipelines: config.pipelines.map((pipeline) => pipeline.name), transport: transport.kind },
    'scheduler loaded config',
  );
  metrics.publishingTo(endpoints.models().map((endpoint) => ({ model: endpoint.name, version: endpoint.version })), transport);
  return new Scheduler(endpoints, new MeteredTransport(transport, metrics), options, metrics);
}
