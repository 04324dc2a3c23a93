import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { fromTensorProto, toTensorProto, type Tensor } from '@demux/core';
import { tfs } from '@demux/proto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeNpy, type NpyArray } from '../npy/npy.js';
import { runClient } from './client.js';
import { runMeta } from './meta.js';
import { parseClientOptions, parseMetaOptions } from './options.js';

/**
 * A stand-in for Demux's TensorFlow Serving front door. "resnet50DAG" classifies each image by its
 * first two values (class = their sum) and answers softmax scores as output "1463": [n, 1000], or
 * [n, 1, 1000] for a demultiplexed request [n, 1, ...]. "argmax" answers 1-based class indices,
 * like a pipeline ending in an argmax node.
 */
class FakePredictionService {
  readonly predictRequests: tfs.PredictRequest[] = [];
  readonly metadataRequests: tfs.GetModelMetadataRequest[] = [];
  private readonly server = new Server();
  port = 0;

  async start(): Promise<void> {
    this.server.addService(tfs.PredictionServiceService, {
      predict: (
        call: ServerUnaryCall<tfs.PredictRequest, tfs.PredictResponse>,
        callback: sendUnaryData<tfs.PredictResponse>,
      ) => {
        this.predictRequests.push(call.request);
        callback(null, this.predict(call.request));
      },
      getModelMetadata: (
        call: ServerUnaryCall<tfs.GetModelMetadataRequest, tfs.GetModelMetadataResponse>,
        callback: sendUnaryData<tfs.GetModelMetadataResponse>,
      ) => {
        this.metadataRequests.push(call.request);
        callback(null, this.metadata());
      },
    });
    this.port = await new Promise((resolve, reject) => {
      const credentials = ServerCredentials.createInsecure();
      this.server.bindAsync('127.0.0.1:0', credentials, (error, port) => (error ? reject(error) : resolve(port)));
    });
  }

  stop(): void {
    this.server.forceShutdown();
  }

  private predict(request: tfs.PredictRequest): tfs.PredictResponse {
    const [name, proto] = [...request.inputs][0]!;
    const images = fromTensorProto(name, proto);
    const count = images.shape[0]!;
    const pixels = new Float32Array(new Uint8Array(images.data).buffer);
    const classes = Array.from({ length: count }, (_, image) => {
      const first = (image * pixels.length) / count;
      return Math.round(pixels[first]! + pixels[first + 1]!);
    });
    const indices = (): Tensor => {
      const data = bytes(BigInt64Array.from(classes, (label) => BigInt(label + 1)));
      return { name: 'argmax', dtype: 'INT64', shape: [count, 1], data };
    };
    const scores = (): Tensor => {
      const shape = images.shape.length === 5 ? [count, 1, 1000] : [count, 1000];
      return { name: '1463', dtype: 'FP32', shape, data: bytes(softmax(classes)) };
    };
    const output = request.modelSpec?.name === 'argmax' ? indices() : scores();
    return { outputs: new Map([[output.name, toTensorProto(output)]]), modelSpec: request.modelSpec };
  }

  private metadata(): tfs.GetModelMetadataResponse {
    const info = (dims: number[]): tfs.TensorInfo => ({
      name: '',
      dtype: tfs.DataType.DT_FLOAT,
      tensorShape: { dim: dims.map((size) => ({ size: BigInt(size), name: '' })), unknownRank: false },
    });
    const signatures: tfs.SignatureDefMap = {
      signatureDef: new Map([
        [
          'serving_default',
          {
            inputs: new Map([['0', info([-1, 1, 3, 224, 224])]]),
            outputs: new Map([['1463', info([-1, 1, 1000])]]),
            methodName: 'tensorflow/serving/predict',
          },
        ],
      ]),
    };
    const packed = { typeUrl: tfs.SIGNATURE_DEF_MAP_TYPE_URL, value: tfs.SignatureDefMap.encode(signatures).finish() };
    return { modelSpec: tfs.ModelSpec.create({ name: 'resnet50DAG' }), metadata: new Map([['signature_def', packed]]) };
  }
}

/** Probabilities of 1000 classes per image, most of them on the image's class. */
function softmax(classes: number[]): Float32Array {
  const scores = new Float32Array(classes.length * 1000);
  const [peak, rest] = [Math.exp(10) / (Math.exp(10) + 999), 1 / (Math.exp(10) + 999)];
  classes.forEach((label, image) => {
    scores.fill(rest, image * 1000, (image + 1) * 1000);
    scores[image * 1000 + label] = peak;
  });
  return scores;
}

function bytes(array: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Four images of 0..255 pixels: a first value, then the second one repeated, adding up to the
 * classes the fake service answers, 404, 279, 309 and 207. As a whole they span 0..255 exactly, so
 * the client's rescale leaves them as they are.
 */
const FIRST_VALUES = [
  [255, 149],
  [255, 24],
  [255, 54],
  [207, 0],
] as const;

function fourImages(): Float32Array {
  const images = new Float32Array(4 * 3 * 2 * 2);
  FIRST_VALUES.forEach(([first, rest], image) => {
    images.fill(rest, image * 12, (image + 1) * 12);
    images[image * 12] = first;
  });
  return images;
}

/** Times and speeds vary from run to run; everything else must match the script's output exactly. */
function masked(lines: string[]): string[] {
  return lines.map((line) =>
    line
      .replace(/(\d+\.\d\d|inf)(?= (ms|fps))/g, '#')
      .replace(/^(time standard deviation|time variance): \d+\.\d\d$/, '$1: #'),
  );
}

describe('the client against a prediction service', () => {
  const service = new FakePredictionService();
  let directory: string;
  let imagesPath: string;
  let printed: string[];

  beforeAll(async () => {
    await service.start();
    directory = await mkdtemp(join(tmpdir(), 'demux-client-'));
    imagesPath = join(directory, 'imgs.npy');
    const images = fourImages();
    await writeNpy(imagesPath, { dtype: 'float32', shape: [4, 3, 2, 2], data: images });
    // Read as NHWC, the same values transpose to the same first value followed by the rest.
    const nhwc = new Float32Array(images);
    await writeNpy(join(directory, 'nhwc.npy'), { dtype: 'float32', shape: [4, 2, 2, 3], data: nhwc });
    const labels = (...values: bigint[]): NpyArray => ({ dtype: 'int64', shape: [4], data: BigInt64Array.of(...values) });
    await writeNpy(join(directory, 'lbs.npy'), labels(404n, 279n, 309n, 207n));
    await writeNpy(join(directory, 'half.npy'), labels(404n, 1n, 309n, 2n));
  });
  afterAll(async () => {
    service.stop();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    printed = [];
    service.predictRequests.length = 0;
    service.metadataRequests.length = 0;
  });

  function client(...flags: string[]): Promise<number> {
    const options = parseClientOptions(['--grpc_address', '127.0.0.1', '--grpc_port', String(service.port), ...flags]);
    return runClient(options, (line) => printed.push(line));
  }

  it('prints what grpc_serving_client.py prints for batch size 1, every match correct', async () => {
    const status = await client(
      '--images_numpy_path', imagesPath, '--labels_numpy_path', join(directory, 'lbs.npy'), '--input_name', '0',
      '--output_name', '1463', '--model_name', 'resnet50DAG', '--transpose_input', 'False',
    );

    expect(status).toBe(0);
    expect(masked(printed)).toEqual([
      'Image data range: 0.0 : 255.0',
      'Start processing:',
      '\tModel name: resnet50DAG',
      '\tIterations: 4',
      `\tImages numpy path: ${imagesPath}`,
      '\tNumpy file shape: (4, 3, 2, 2)',
      '',
      'Iteration 1; Processing time: # ms; speed # fps',
      'imagenet top results in a single batch:',
      '\t 0 airliner 404 ; Correct match.',
      'Iteration 2; Processing time: # ms; speed # fps',
      'imagenet top results in a single batch:',
      '\t 0 Arctic fox, white fox, Alopex lagopus 279 ; Correct match.',
      'Iteration 3; Processing time: # ms; speed # fps',
      'imagenet top results in a single batch:',
      '\t 0 bee 309 ; Correct match.',
      'Iteration 4; Processing time: # ms; speed # fps',
      'imagenet top results in a single batch:',
      '\t 0 golden retriever 207 ; Correct match.',
      '',
      'processing time for all iterations',
      'average time: # ms; average speed: # fps',
      'median time: # ms; median speed: # fps',
      'max time: # ms; min speed: # fps',
      'min time: # ms; max speed: # fps',
      'time percentile 90: # ms; speed percentile 90: # fps',
      'time percentile 50: # ms; speed percentile 50: # fps',
      'time standard deviation: #',
      'time variance: #',
      'Classification accuracy: 100.00',
    ]);
    const [first] = service.predictRequests;
    expect(first?.modelSpec?.name).toBe('resnet50DAG');
    const sent = fromTensorProto('0', first!.inputs.get('0')!);
    expect(sent).toMatchObject({ dtype: 'FP32', shape: [1, 3, 2, 2] });
    expect(Buffer.from(sent.data).equals(Buffer.from(fourImages().buffer, 0, 48))).toBe(true);
  });

  it('rescales images that do not span 0..255 as the script does, in float32', async () => {
    const path = join(directory, 'normalized.npy');
    const data = Float32Array.of(-2.117904, 2.64, 1, 0.3, 0.3, 1, 2.64, -2.117904);
    await writeNpy(path, { dtype: 'float32', shape: [2, 4], data });

    await client('--images_numpy_path', path, '--input_name', '0', '--output_name', '1463', '--transpose_input', 'False');

    expect(printed[0]).toBe('Image data range: 0.0 : 255.0');
    const sent = service.predictRequests.map((request) => fromTensorProto('0', request.inputs.get('0')!));
    expect(sent.map((tensor) => tensor.dtype)).toEqual(['FP32', 'FP32']);
    // What NumPy 2.4 computes for (imgs - np.min(imgs)) / np.ptp(...) * 255 on this float32 array;
    // rounding the float64 result to float32 only at the end would give 167.10414 for 1.
    const expected = [0, 255, 167.10415649414062, 129.58761596679688];
    expect(sent.map((tensor) => Array.from(new Float32Array(new Uint8Array(tensor.data).buffer)))).toEqual([
      expected,
      [...expected].reverse(),
    ]);
  });

  it('sends [n, 1, ...] batches with --dag-batch-size-auto and reports wrong labels', async () => {
    await client(
      '--images_numpy_path', imagesPath, '--labels_numpy_path', join(directory, 'half.npy'), '--input_name', '0',
      '--output_name', '1463', '--model_name', 'resnet50DAG', '--dag-batch-size-auto', '--transpose_input', 'False',
      '--batchsize', '2',
    );

    expect(service.predictRequests.map((request) => fromTensorProto('0', request.inputs.get('0')!).shape)).toEqual([
      [2, 1, 3, 2, 2],
      [2, 1, 3, 2, 2],
    ]);
    expect(printed).toContain('\tIterations: 2');
    expect(printed.filter((line) => line.startsWith('\t '))).toEqual([
      '\t 0 airliner 404 ; Correct match.',
      '\t 1 Arctic fox, white fox, Alopex lagopus 279 ; Incorrect match. Should be 1 goldfish, Carassius auratus',
      '\t 0 bee 309 ; Correct match.',
      '\t 1 golden retriever 207 ; Incorrect match. Should be 2 ' +
        'great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias',
    ]);
    expect(printed.at(-1)).toBe('Classification accuracy: 50.00');
  });

  it('transposes NHWC images by default and starts over when the iterations outnumber the batches', async () => {
    const nhwc = join(directory, 'nhwc.npy');
    await client('--images_numpy_path', nhwc, '--input_name', '0', '--output_name', '1463', '--iterations', '6');

    expect(printed).toContain('\tNumpy file shape: (4, 3, 2, 2)');
    expect(service.predictRequests[0]?.modelSpec?.name).toBe('resnet');
    expect(printed.filter((line) => line.startsWith('\t '))).toEqual([
      '\t 0 airliner 404 ',
      '\t 0 Arctic fox, white fox, Alopex lagopus 279 ',
      '\t 0 bee 309 ',
      '\t 0 golden retriever 207 ',
      '\t 0 airliner 404 ',
      '\t 0 Arctic fox, white fox, Alopex lagopus 279 ',
    ]);
    expect(printed.at(-1)).toMatch(/^time variance: /);
  });

  it('repeats the images when one batch would take them all', async () => {
    await client(
      '--images_numpy_path', imagesPath, '--input_name', '0', '--output_name', '1463', '--transpose_input', 'False',
      '--batchsize', '4',
    );

    expect(printed).toContain('\tNumpy file shape: (8, 3, 2, 2)');
    expect(printed).toContain('\tIterations: 2');
    expect(service.predictRequests).toHaveLength(2);
  });

  it('reads class indices from a pipeline, printing the response shape per image', async () => {
    await client(
      '--images_numpy_path', imagesPath, '--labels_numpy_path', join(directory, 'lbs.npy'), '--input_name', '0',
      '--output_name', 'argmax', '--pipeline_name', 'argmax', '--transpose_input', 'False', '--iterations', '1',
    );

    expect(printed).toContain('\tModel name: argmax');
    expect(printed.slice(9, 11)).toEqual(['response shape (1, 1)', '\t 0 airliner 404 ; Correct match.']);
  });

  it('lists the outputs there are when the named one is missing, and exits with 1', async () => {
    const status = await client('--images_numpy_path', imagesPath, '--input_name', '0', '--transpose_input', 'False');

    expect(status).toBe(1);
    expect(printed.slice(-3)).toEqual([
      'Invalid output name resnet_v1_50/predictions/Reshape_1',
      'Available outputs:',
      '1463',
    ]);
  });

  it("prints what get_serving_meta.py prints for the guide's pipeline", async () => {
    const options = parseMetaOptions([
      '--grpc_address', '127.0.0.1', '--grpc_port', String(service.port), '--model_name', 'resnet50DAG',
      '--model_version', '1',
    ]);

    await runMeta(options, (line) => printed.push(line));

    expect(printed).toEqual([
      'Getting model metadata for model: resnet50DAG',
      'Inputs metadata:',
      '\tInput name: 0; shape: [-1, 1, 3, 224, 224]; dtype: DT_FLOAT',
      'Outputs metadata:',
      '\tOutput name: 1463; shape: [-1, 1, 1000]; dtype: DT_FLOAT',
    ]);
    expect(service.metadataRequests[0]).toMatchObject({
      modelSpec: { name: 'resnet50DAG', versionChoice: { $case: 'version', value: 1n } },
      metadataField: ['signature_def'],
    });
  });

  it('fails on an images file that does not exist', async () => {
    await expect(client('--images_numpy_path', join(directory, 'missing.npy'))).rejects.toThrow(/ENOENT/);
  });
});

describe('the client without a server', () => {
  it('fails with UNAVAILABLE', async () => {
    const options = parseMetaOptions(['--grpc_address', '127.0.0.1', '--grpc_port', '1']);
    await expect(runMeta(options, () => undefined)).rejects.toMatchObject({ code: status.UNAVAILABLE });
  });
});
