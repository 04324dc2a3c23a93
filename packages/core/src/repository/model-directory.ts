import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { DemuxError } from '../errors.js';

/** The file each version directory must hold. */
export const MODEL_FILE = 'model.onnx';

/** What a model's base path holds: `<base_path>/<version>/model.onnx`. */
export interface VersionScan {
  /** Versions whose directory holds a model file, ascending. */
  available: number[];
  /**
   * Version directories without a model file, ascending. They are not available: such a
   * directory is usually a version still being copied in, and serving the previous version until
   * the file lands is better than failing.
   */
  withoutModel: number[];
}

export function modelFilePath(basePath: string, version: number): string {
  return join(basePath, String(version), MODEL_FILE);
}

/**
 * Lists the versions under a model's base path. Version directories are named by positive
 * integers written without leading zeros; other entries (README, .git, "latest") are not versions.
 */
export async function scanModelVersions(basePath: string): Promise<VersionScan> {
  const entries = await readdir(basePath, { withFileTypes: true }).catch((error: unknown) => {
    throw unreadableBasePath(basePath, error);
  });
  const versions = entries
    // Symbolic links count: volume mounts and deploy tools often link a version into place.
    .filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && /^[1-9]\d*$/.test(entry.name))
    .filter((entry) => Number.isSafeInteger(Number(entry.name)))
    .map((entry) => Number(entry.name))
    .sort((a, b) => a - b);
  const hasModel = await Promise.all(versions.map((version) => isFile(modelFilePath(basePath, version))));
  return {
    available: versions.filter((_, index) => hasModel[index]),
    withoutModel: versions.filter((_, index) => !hasModel[index]),
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function unreadableBasePath(basePath: string, error: unknown): DemuxError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return DemuxError.notFound(`base path ${basePath} does not exist`, { cause: error });
  if (code === 'ENOTDIR') {
    return DemuxError.invalidArgument(`base path ${basePath} is not a directory`, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return DemuxError.invalidArgument(`cannot read base path ${basePath}: ${reason}`, { cause: error });
}
