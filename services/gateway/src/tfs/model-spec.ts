import { DemuxError } from '@demux/core';
import type { tfs } from '@demux/proto';

export const SERVING_SIGNATURE = 'serving_default';

/** The endpoint a TFS request names: a model or pipeline, and a version or none for the default. */
export interface EndpointRef {
  name: string;
  version: number | undefined;
}

export function endpointOf(spec: tfs.ModelSpec | undefined): EndpointRef {
  if (!spec?.name) throw DemuxError.invalidArgument('model_spec.name is required');
  const choice = spec.versionChoice;
  if (choice?.$case === 'versionLabel') {
    throw DemuxError.invalidArgument(`model ${spec.name}: version labels are not supported, got "${choice.value}"`);
  }
  const version = choice?.value;
  if (version === undefined || version === 0n) return { name: spec.name, version: undefined };
  if (version < 0n || version > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw DemuxError.invalidArgument(`model ${spec.name}: invalid version ${version}`);
  }
  return { name: spec.name, version: Number(version) };
}

export function modelSpec(name: string, version: number): tfs.ModelSpec {
  return { name, versionChoice: { $case: 'version', value: BigInt(version) }, signatureName: SERVING_SIGNATURE };
}
