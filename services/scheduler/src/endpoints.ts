import { DemuxError, type DemuxConfig, type EndpointMetadata, type ModelRepository, type VersionStatus } from '@demux/core';
import { PipelineDefinition, repositoryCatalog } from './pipeline/index.js';

/** A model version or a pipeline, as a request names it, with what runs it. */
export interface Endpoint {
  name: string;
  version: number;
  isPipeline: boolean;
  definition: PipelineDefinition;
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
        versions.set(version, { name, version, isPipeline: false, definition });
      }
      this.#models.set(name, versions);
    }
    const catalog = repositoryCatalog(repository);
    for (const pipeline of config.pipelines) {
      const definition = PipelineDefinition.build(pipeline, catalog);
      this.#pipelines.set(pipeline.name, { name: pipeline.name, version: PIPELINE_VERSION, isPipeline: true, definition });
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

  /** Every served version is AVAILABLE: a version is served only once its model loaded. */
  status(name: string, version?: number): VersionStatus[] {
    const available = (endpoint: Endpoint): VersionStatus => ({ version: endpoint.version, state: 'AVAILABLE', errorCode: 0, errorMessage: '' });
    if (version !== undefined || this.#pipelines.has(name)) return [available(this.resolve(name, version))];
    const versions = this.#models.get(name);
    if (!versions) throw DemuxError.notFound(`model or pipeline ${name} not found`);
    return [...versions.values()].map(available);
  }
}
