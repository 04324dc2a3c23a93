import { DemuxError, type DemuxConfig, type EndpointMetadata, type ModelRef, type ModelRepository } from '@demux/core';
import { PipelineDefinition, repositoryCatalog } from './pipeline/index.js';

/** A model version or a pipeline, as a request names it, with what runs it. */
export interface Endpoint {
  name: string;
  version: number;
  isPipeline: boolean;
  definition: PipelineDefinition;
  /** The model versions its nodes run: it is ready when each has a live worker. */
  models: ModelRef[];
}

function endpoint(name: string, version: number, isPipeline: boolean, definition: PipelineDefinition): Endpoint {
  const models = new Map<string, ModelRef>();
  for (const node of definition.nodes) {
    if (node.kind === 'model') models.set(`${node.model.name}\u0000${node.model.version}`, { model: node.model.name, version: node.model.version });
  }
  return { name, version, isPipeline, definition, models: [...models.values()] };
}

/** Pipelines have no versions of their own; OpenVINO Model Server reports them as version 1. */
const PIPELINE_VERSION = 1;

/**
 * Every endpoint of config.json: each served model version as a one-node pipeline, and each
 * pipeline, validated at load so a bad config fails at start-up, not on the first request.
 */
export class Endpoints {
  readonly #models = new Map<string, Map<number, Endpoint>>();
  readonly #pipelines = new Map<string, Endpoint>();

  constructor(config: DemuxConfig, repository: ModelRepository) {
    for (const name of repository.names()) {
      const versions = new Map<number, Endpoint>();
      for (const version of repository.versions(name)) {
        const definition = PipelineDefinition.forModel(name, version, repository.metadata(name, version));
        versions.set(version, endpoint(name, version, false, definition));
      }
      this.#models.set(name, versions);
    }
    const catalog = repositoryCatalog(repository);
    for (const pipeline of config.pipelines) {
      const definition = PipelineDefinition.build(pipeline, catalog);
      this.#pipelines.set(pipeline.name, endpoint(pipeline.name, PIPELINE_VERSION, true, definition));
    }
  }

  /** The endpoint a request names; without a version, a model's highest served one. */
  resolve(name: string, version?: number): Endpoint {
    const pipeline = this.#pipelines.get(name);
    if (pipeline) {
      if (version !== undefined && version !== PIPELINE_VERSION) {
        throw DemuxError.notFound(`pipeline ${name} has no version ${version}; pipelines have version ${PIPELINE_VERSION}`);
      }
      return pipeline;
    }
    const versions = this.#models.get(name);
    if (!versions) throw DemuxError.notFound(`model or pipeline ${name} not found`);
    const served = [...versions.keys()];
    const wanted = version ?? Math.max(...served);
    const endpoint = versions.get(wanted);
    if (!endpoint) {
      throw DemuxError.notFound(
        served.length === 0 ? `model ${name} serves no version` : `model ${name} has no version ${wanted}; versions served: ${served.join(', ')}`,
      );
    }
    return endpoint;
  }

  metadata(name: string, version?: number): EndpointMetadata {
    const endpoint = this.resolve(name, version);
    const { inputs, outputs } = endpoint.definition.metadata();
    return { name: endpoint.name, version: endpoint.version, inputs, outputs, isPipeline: endpoint.isPipeline };
  }

  /** The named version, or every version of a model (a pipeline has one). */
  select(name: string, version?: number): Endpoint[] {
    if (version !== undefined || this.#pipelines.has(name)) return [this.resolve(name, version)];
    const versions = this.#models.get(name);
    if (!versions) throw DemuxError.notFound(`model or pipeline ${name} not found`);
    return [...versions.values()];
  }

  /** Every served model version. */
  models(): Endpoint[] {
    return [...this.#models.values()].flatMap((versions) => [...versions.values()]);
  }
}
