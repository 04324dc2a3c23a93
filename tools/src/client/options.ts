import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Endpoint } from './connection.js';

/**
 * Command lines of OpenVINO Model Server's grpc_serving_client.py and get_serving_meta.py: same
 * flags, same defaults, so their documented invocations work unchanged against Demux.
 */

export type TransposeMethod = 'nhwc2nchw' | 'nchw2nhwc';

export interface ClientOptions {
  imagesPath: string;
  labelsPath: string | undefined;
  endpoint: Endpoint;
  inputName: string;
  outputName: string;
  /** How to transpose the images before sending them; undefined for --transpose_input False. */
  transpose: TransposeMethod | undefined;
  /** Requests to send; 0 sends each batch of the file once. */
  iterations: number;
  batchSize: number;
  modelName: string;
  /** Set when the request goes to a pipeline, whose response holds class indices, not scores. */
  pipelineName: string | undefined;
  /** Sends a batch of N images as [N, 1, ...], the shape a pipeline with a dynamic demultiplexer takes. */
  dagBatchSizeAuto: boolean;
}

export interface MetaOptions {
  endpoint: Endpoint;
  modelName: string;
  modelVersion: bigint | undefined;
}

export const CLIENT_USAGE = `usage: pnpm client --images_numpy_path PATH [--labels_numpy_path PATH]
       [--grpc_address ADDRESS] [--grpc_port PORT] [--input_name NAME] [--output_name NAME]
       [--transpose_input {False,True}] [--transpose_method {nchw2nhwc,nhwc2nchw}]
       [--iterations N] [--batchsize N] [--model_name NAME] [--pipeline_name NAME]
       [--dag-batch-size-auto] [--tls] [--server_cert PATH] [--client_cert PATH] [--client_key PATH]

Sends requests via TFS gRPC API using images in numpy format. It displays performance statistics
and optionally the model accuracy.
  --images_numpy_path    numpy in shape [n,w,h,c] or [n,c,h,w]
  --labels_numpy_path    numpy in shape [n] or [n,1] - can be used to check model accuracy
  --grpc_address         url of the grpc service (default: localhost)
  --grpc_port            port of the grpc service (default: 9000)
  --input_name           input tensor name (default: input)
  --output_name          output tensor name (default: resnet_v1_50/predictions/Reshape_1)
  --transpose_input      False skips transposing the input (default: True)
  --transpose_method     nhwc2nchw or nchw2nhwc (default: nhwc2nchw)
  --iterations           number of requests; 0 sends every batch in the file once (default: 0)
  --batchsize            images in a single request (default: 1)
  --model_name           model name, as the service knows it (default: resnet)
  --pipeline_name        pipeline name, as the service knows it; its response holds class indices
  --dag-batch-size-auto  add the demultiplexer dimension at the front: [n,...] is sent as [n,1,...]
  --tls                  use TLS with the grpc endpoint
  --server_cert          server CA certificate (PEM)
  --client_cert          client certificate (PEM)
  --client_key           client private key (PEM)`;

export const META_USAGE = `usage: pnpm client:meta [--grpc_address ADDRESS] [--grpc_port PORT] [--model_name NAME]
       [--model_version N]

Get information about served models.
  --grpc_address  url of the grpc service (default: localhost)
  --grpc_port     port of the grpc service (default: 9000)
  --model_name    model name, as the service knows it (default: resnet)
  --model_version model version, numerical (default: the latest)`;

const ENDPOINT_FLAGS = {
  grpc_address: { type: 'string', default: 'localhost' },
  grpc_port: { type: 'string', default: '9000' },
} as const;

/** Parses grpc_serving_client.py's flags; throws with a message for the user on a bad one. */
export function parseClientOptions(args: readonly string[]): ClientOptions {
  const values = parseFlags(args, {
    ...ENDPOINT_FLAGS,
    images_numpy_path: { type: 'string' },
    labels_numpy_path: { type: 'string' },
    input_name: { type: 'string', default: 'input' },
    output_name: { type: 'string', default: 'resnet_v1_50/predictions/Reshape_1' },
    transpose_input: { type: 'string', default: 'True' },
    transpose_method: { type: 'string', default: 'nhwc2nchw' },
    iterations: { type: 'string', default: '0' },
    batchsize: { type: 'string', default: '1' },
    model_name: { type: 'string', default: 'resnet' },
    pipeline_name: { type: 'string', default: '' },
    'dag-batch-size-auto': { type: 'boolean', default: false },
    tls: { type: 'boolean', default: false },
    server_cert: { type: 'string' },
    client_cert: { type: 'string' },
    client_key: { type: 'string' },
  });
  if (values.images_numpy_path === undefined) {
    throw new Error('the following arguments are required: --images_numpy_path');
  }
  const transposeInput = choice('transpose_input', values.transpose_input, ['False', 'True']);
  return {
    imagesPath: values.images_numpy_path,
    labelsPath: values.labels_numpy_path,
    endpoint: {
      ...endpoint(values),
      tls: values.tls
        ? { serverCert: values.server_cert, clientCert: values.client_cert, clientKey: values.client_key }
        : undefined,
    },
    inputName: values.input_name,
    outputName: values.output_name,
    transpose:
      transposeInput === 'True'
        ? choice('transpose_method', values.transpose_method, ['nchw2nhwc', 'nhwc2nchw'])
        : undefined,
    iterations: integer('iterations', values.iterations, 0),
    batchSize: integer('batchsize', values.batchsize, 1),
    modelName: values.model_name,
    pipelineName: values.pipeline_name || undefined,
    dagBatchSizeAuto: values['dag-batch-size-auto'],
  };
}

/** Parses get_serving_meta.py's flags; throws with a message for the user on a bad one. */
export function parseMetaOptions(args: readonly string[]): MetaOptions {
  const values = parseFlags(args, {
    ...ENDPOINT_FLAGS,
    model_name: { type: 'string', default: 'resnet' },
    model_version: { type: 'string' },
  });
  const version = values.model_version;
  if (version !== undefined && !/^[+-]?\d+$/.test(version.trim())) {
    throw new Error(`argument --model_version: invalid int value: '${version}'`);
  }
  return {
    endpoint: endpoint(values),
    modelName: values.model_name,
    modelVersion: version === undefined ? undefined : BigInt(version.trim()),
  };
}

type Flags = NonNullable<ParseArgsConfig['options']>;

function parseFlags<const T extends Flags>(args: readonly string[], options: T) {
  // pnpm passes the `--` of `pnpm client -- --flag` through to the script in some versions.
  const flags = args[0] === '--' ? args.slice(1) : [...args];
  return parseArgs({ args: flags, options, strict: true, allowPositionals: false }).values;
}

function endpoint(values: { grpc_address: string; grpc_port: string }): Endpoint {
  return { address: values.grpc_address, port: integer('grpc_port', values.grpc_port, 1, 65535) };
}

function integer(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text.trim());
  if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new Error(`argument --${flag}: invalid int value: '${text}'`);
  }
  if (value < min) throw new Error(`argument --${flag}: must be at least ${min}, got ${value}`);
  if (value > max) throw new Error(`argument --${flag}: must be at most ${max}, got ${value}`);
  return value;
}

function choice<const C extends string>(flag: string, value: string, choices: readonly C[]): C {
  if (!(choices as readonly string[]).includes(value)) {
    const quoted = choices.map((c) => `'${c}'`).join(', ');
    throw new Error(`argument --${flag}: invalid choice: '${value}' (choose from ${quoted})`);
  }
  return value as C;
}
