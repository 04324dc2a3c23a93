import { tfs } from '@demux/proto';
import { connect, getModelMetadata } from './connection.js';
import type { MetaOptions } from './options.js';

/** What get_serving_meta.py prints about the serving_default signature of a model or pipeline. */
export async function runMeta(options: MetaOptions, print: (line: string) => void): Promise<void> {
  const client = await connect(options.endpoint);
  try {
    print(`Getting model metadata for model: ${options.modelName}`);
    const response = await getModelMetadata(client, metadataRequest(options.modelName, options.modelVersion));
    signatureLines(servingSignature(response)).forEach(print);
  } finally {
    client.close();
  }
}

/** Asks for the signature_def metadata, of the given version or else of the one served by default. */
export function metadataRequest(modelName: string, version: bigint | undefined): tfs.GetModelMetadataRequest {
  return {
    modelSpec: tfs.ModelSpec.create({
      name: modelName,
      versionChoice: version === undefined ? undefined : { $case: 'version', value: version },
    }),
    metadataField: ['signature_def'],
  };
}

/** The serving_default signature, unpacked from the SignatureDefMap the response carries as an Any. */
export function servingSignature(response: tfs.GetModelMetadataResponse): tfs.SignatureDef {
  const packed = response.metadata.get('signature_def');
  if (packed === undefined) {
    const keys = [...response.metadata.keys()].join(', ') || 'none';
    throw new Error(`the response has no signature_def metadata, only: ${keys}`);
  }
  if (packed.typeUrl !== tfs.SIGNATURE_DEF_MAP_TYPE_URL) {
    throw new Error(`signature_def metadata holds ${packed.typeUrl}, not ${tfs.SIGNATURE_DEF_MAP_TYPE_URL}`);
  }
  const signatures = tfs.SignatureDefMap.decode(packed.value).signatureDef;
  const signature = signatures.get('serving_default');
  if (signature === undefined) {
    throw new Error(`the model has no serving_default signature, only: ${[...signatures.keys()].join(', ') || 'none'}`);
  }
  return signature;
}

/** Inputs, then outputs, in the order the server sent them, shapes as Python lists (-1 is dynamic). */
export function signatureLines(signature: tfs.SignatureDef): string[] {
  const describe = (role: 'Input' | 'Output', [name, info]: [string, tfs.TensorInfo]): string => {
    const dims = info.tensorShape?.dim.map((dim) => dim.size) ?? [];
    return `\t${role} name: ${name}; shape: [${dims.join(', ')}]; dtype: ${tfs.DataType[info.dtype] ?? info.dtype}`;
  };
  return [
    'Inputs metadata:',
    ...[...signature.inputs].map((entry) => describe('Input', entry)),
    'Outputs metadata:',
    ...[...signature.outputs].map((entry) => describe('Output', entry)),
  ];
}
