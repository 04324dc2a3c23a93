import type { ModelConfig } from '../config/demux-config.js';
import { DemuxError } from '../errors.js';
import { MODEL_FILE, modelFilePath, scanModelVersions } from './model-directory.js';
import { type ModelMetadata, readModelMetadata } from './onnx-metadata.js';
import { servedMetadata } from './served-shape.js';
import { missingVersions, selectVersions } from './version-policy.js';

/** What a model serves, and what it was asked to serve but cannot; model status reports both. */
export interface ModelVersionStatus {
  readonly name: string;
  /** Versions served, ascending; the highest is the default. */
  readonly served: readonly number[];
  /** Versions a `specific` policy names that are not on disk. */
  readonly missing: readonly number[];
  /** Version directories without a model file, so not served. */
  readonly withoutModel: readonly number[];
}

interface ServedVersion {
  path: string;
  metadata: ModelMetadata;
  /** What the model file itself declares, before `batch_size` and `shape` narrow it. */
  native: ModelMetadata;
}

interface RepositoryModel {
  status: ModelVersionStatus;
  versions: ReadonlyMap<number, ServedVersion>;
}

/**
 * The models of config.json as found on disk: which versions each serves under its version
 * policy, where their files are, and what inputs and outputs they declare.
 */
export class ModelRepository {
  private constructor(private readonly models: ReadonlyMap<string, RepositoryModel>) {}

  /** Scans every model's base path and reads the metadata of each served version. */
  static async load(configs: readonly ModelConfig[]): Promise<ModelRepository> {
    const models = await Promise.all(configs.map(loadModel));
    return new ModelRepository(new Map(models.map((model) => [model.status.name, model])));
  }

  names(): string[] {
    return [...this.models.keys()];
  }

  status(name: string): ModelVersionStatus {
    return this.model(name).status;
  }

  /** Served versions, ascending. */
  versions(name: string): readonly number[] {
    return this.model(name).status.served;
  }

  /** The metadata of a version; without one, of the default (highest served) version. */
  metadata(name: string, version?: number): ModelMetadata {
    return this.version(name, version).metadata;
  }

  /** What a version's model file itself declares: a worker batches along the file's dims, not the served ones. */
  nativeMetadata(name: string, version: number): ModelMetadata {
    return this.version(name, version).native;
  }

  modelPath(name: string, version: number): string {
    return this.version(name, version).path;
  }

  private model(name: string): RepositoryModel {
    const model = this.models.get(name);
    if (!model) throw DemuxError.notFound(`model ${name} not found`);
    return model;
  }

  private version(name: string, version: number | undefined): ServedVersion {
    const { status, versions } = this.model(name);
    const wanted = version ?? status.served.at(-1);
    const served = wanted === undefined ? undefined : versions.get(wanted);
    if (served) return served;
    const servedList =
      status.served.length === 0 ? 'no versions served' : `versions served: ${status.served.join(', ')}`;
    const wantedText = wanted === undefined ? 'no version served' : `no version ${wanted}; ${servedList}`;
    throw DemuxError.notFound(`model ${name} has ${wantedText}${shortfall(status)}`);
  }
}

async function loadModel(config: ModelConfig): Promise<RepositoryModel> {
  try {
    const scan = await scanModelVersions(config.basePath);
    const served = selectVersions(scan.available, config.versionPolicy);
    const versions = await Promise.all(
      served.map(async (version): Promise<[number, ServedVersion]> => {
        const path = modelFilePath(config.basePath, version);
        const native = await readModelMetadata(path);
        return [version, { path, metadata: servedMetadata(config, native), native }];
      }),
    );
    return {
      status: {
        name: config.name,
        served,
        missing: missingVersions(scan.available, config.versionPolicy),
        withoutModel: scan.withoutModel,
      },
      versions: new Map(versions),
    };
  } catch (error) {
    const cause = DemuxError.from(error);
    throw new DemuxError(cause.code, `model ${config.name}: ${cause.message}`, { cause: error });
  }
}

/** Why a model serves less than its policy asks for: the part of its status an operator can act on. */
function shortfall(status: ModelVersionStatus): string {
  const reasons: string[] = [];
  if (status.missing.length > 0) reasons.push(`${versionList(status.missing)} not on disk`);
  if (status.withoutModel.length > 0) reasons.push(`${versionList(status.withoutModel)} without ${MODEL_FILE}`);
  return reasons.length === 0 ? '' : ` (${reasons.join('; ')})`;
}

function versionList(versions: readonly number[]): string {
  return `${versions.length === 1 ? 'version' : 'versions'} ${versions.join(', ')}`;
}
