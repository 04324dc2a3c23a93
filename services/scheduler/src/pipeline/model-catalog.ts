import type { ModelRepository, TensorSpec } from '@demux/core';

/** One model version as a pipeline node runs it. */
export interface ModelVersionMetadata {
  version: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** What a pipeline definition needs to know of the models it runs. */
export interface ModelCatalog {
  /** A version's metadata; without a version, the model's default one. Throws NOT_FOUND. */
  metadata(name: string, version?: number): ModelVersionMetadata;
}

/** The catalog of the models a repository serves. */
export function repositoryCatalog(repository: ModelRepository): ModelCatalog {
  return {
    metadata(name, version) {
      const resolved = version ?? repository.versions(name).at(-1);
      const { inputs, outputs } = repository.metadata(name, resolved);
      // metadata() throws NOT_FOUND for a model that serves no version, so one was resolved.
      return { version: resolved as number, inputs, outputs };
    },
  };
}
