import { describe, expect, it } from 'vitest';
import { parseClientOptions, parseMetaOptions } from './options.js';

describe('parseClientOptions', () => {
  it("defaults to grpc_serving_client.py's defaults", () => {
    expect(parseClientOptions(['--images_numpy_path', 'imgs.npy'])).toEqual({
      imagesPath: 'imgs.npy',
      labelsPath: undefined,
      endpoint: { address: 'localhost', port: 9000, tls: undefined },
      inputName: 'input',
      outputName: 'resnet_v1_50/predictions/Reshape_1',
      transpose: 'nhwc2nchw',
      iterations: 0,
      batchSize: 1,
      modelName: 'resnet',
      pipelineName: undefined,
      dagBatchSizeAuto: false,
    });
  });

  it('reads the command line of the demultiplexer guide, after the -- pnpm may pass through', () => {
    const args = [
      '--', '--grpc_port', '9000', '--images_numpy_path', '../../imgs.npy', '--labels_numpy_path', '../../lbs.npy',
      '--input_name', '0', '--output_name', '1463', '--model_name', 'resnet50DAG', '--dag-batch-size-auto',
      '--transpose_input', 'False', '--batchsize', '8',
    ];
    expect(parseClientOptions(args)).toMatchObject({
      imagesPath: '../../imgs.npy',
      labelsPath: '../../lbs.npy',
      endpoint: { address: 'localhost', port: 9000 },
      inputName: '0',
      outputName: '1463',
      modelName: 'resnet50DAG',
      dagBatchSizeAuto: true,
      transpose: undefined,
      batchSize: 8,
    });
  });

  it('takes --flag=value, a pipeline, a transposition method, iterations and TLS files', () => {
    const options = parseClientOptions([
      '--images_numpy_path=imgs.npy', '--grpc_address=demux.example', '--grpc_port=443', '--pipeline_name=argmax',
      '--transpose_method=nchw2nhwc', '--iterations=25', '--tls', '--server_cert=ca.pem', '--client_cert=client.pem',
      '--client_key=client.key',
    ]);
    expect(options).toMatchObject({
      endpoint: {
        address: 'demux.example',
        port: 443,
        tls: { serverCert: 'ca.pem', clientCert: 'client.pem', clientKey: 'client.key' },
      },
      pipelineName: 'argmax',
      transpose: 'nchw2nhwc',
      iterations: 25,
    });
  });

  it.each([
    [[], /the following arguments are required: --images_numpy_path/],
    [['--images_numpy_path', 'x', '--grpc_port', 'http'], /argument --grpc_port: invalid int value: 'http'/],
    [['--images_numpy_path', 'x', '--grpc_port', '70000'], /argument --grpc_port: must be at most 65535, got 70000/],
    [['--images_numpy_path', 'x', '--batchsize', '0'], /argument --batchsize: must be at least 1, got 0/],
    [['--images_numpy_path', 'x', '--batchsize', '2.5'], /argument --batchsize: invalid int value: '2.5'/],
    [['--images_numpy_path', 'x', '--iterations=-1'], /argument --iterations: must be at least 0, got -1/],
    [
      ['--images_numpy_path', 'x', '--transpose_input', 'false'],
      /argument --transpose_input: invalid choice: 'false' \(choose from 'False', 'True'\)/,
    ],
    [['--images_numpy_path', 'x', '--transpose_method', 'nchw'], /invalid choice: 'nchw' \(choose from 'nchw2nhwc', 'nhwc2nchw'\)/],
    [['--images_numpy_path', 'x', '--batch_size', '2'], /Unknown option '--batch_size'/],
    [['--images_numpy_path', 'x', 'extra'], /Unexpected argument 'extra'/],
  ])('rejects %j', (args, message) => {
    expect(() => parseClientOptions(args)).toThrow(message);
  });
});

describe('parseMetaOptions', () => {
  it("defaults to get_serving_meta.py's defaults and reads a version", () => {
    expect(parseMetaOptions([])).toEqual({
      endpoint: { address: 'localhost', port: 9000 },
      modelName: 'resnet',
      modelVersion: undefined,
    });
    expect(parseMetaOptions(['--', '--grpc_port', '9001', '--model_name', 'resnet50DAG', '--model_version', '2'])).toEqual({
      endpoint: { address: 'localhost', port: 9001 },
      modelName: 'resnet50DAG',
      modelVersion: 2n,
    });
  });

  it('rejects a version that is not a number', () => {
    expect(() => parseMetaOptions(['--model_version', 'latest'])).toThrow(
      /argument --model_version: invalid int value: 'latest'/,
    );
  });
});
