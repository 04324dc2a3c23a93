import { fromTensorProto } from '@demux/core';
import { formatShape, readNpy } from '../npy/npy.js';
import { connect, predict } from './connection.js';
import { imageBatch, imageTensor, labelIndices, repeatForBatches, rescaleImages, transposeImages } from './dataset.js';
import type { ClientOptions } from './options.js';
import { pipelineClasses, predictRequest, topClasses } from './predict.js';
import { accuracyLine, dataRangeLine, iterationLines, resultLine, startLines, statisticsLines } from './report.js';

/**
 * What grpc_serving_client.py does: rescales the images to 0..255 as a whole and prints their
 * range, sends them batch by batch, prints each batch's time and classes (checked against the
 * labels when there are labels), then the time statistics and the accuracy. Returns the exit
 * status: 1 when the response lacks the requested output.
 */
export async function runClient(options: ClientOptions, print: (line: string) => void): Promise<number> {
  const rescaled = rescaleImages(await readNpy(options.imagesPath));
  print(dataRangeLine(rescaled));
  const labelsFile = options.labelsPath === undefined ? undefined : await readNpy(options.labelsPath);
  const { images: repeated, labels } = repeatForBatches(
    {
      images: imageTensor(options.inputName, rescaled),
      labels: labelsFile && labelIndices(labelsFile, rescaled.shape[0]!),
    },
    options.batchSize,
  );
  const images = options.transpose ? transposeImages(repeated, options.transpose) : repeated;
  const batchesInFile = Math.floor(images.shape[0]! / options.batchSize);
  const iterations = options.iterations || batchesInFile;
  const servableName = options.pipelineName ?? options.modelName;
  const start = { modelName: servableName, iterations, imagesPath: options.imagesPath, shape: images.shape };
  startLines(start).forEach(print);

  const client = await connect(options.endpoint);
  const times: number[] = [];
  let [matched, checked] = [0, 0];
  try {
    // Past the last whole batch of the file, the iterations start over from its first image.
    for (let iteration = 1; iteration <= iterations; iteration++) {
      const first = ((iteration - 1) % batchesInFile) * options.batchSize;
      const batch = imageBatch(images, first, options.batchSize);
      const request = predictRequest(servableName, batch, options.dagBatchSizeAuto);
      const started = performance.now();
      const response = await predict(client, request);
      const milliseconds = performance.now() - started;
      const output = response.outputs.get(options.outputName);
      if (output === undefined) {
        print(`Invalid output name ${options.outputName}`);
        print('Available outputs:');
        [...response.outputs.keys()].forEach(print);
        return 1;
      }
      // The script keeps whole milliseconds for its statistics, and prints each time unrounded.
      times.push(Math.trunc(milliseconds));
      iterationLines(iteration, milliseconds, options.batchSize).forEach(print);
      const result = fromTensorProto(options.outputName, output);
      const classes = options.pipelineName === undefined ? topClasses(result) : pipelineClasses(result);
      if (classes.length !== options.batchSize) {
        const shape = formatShape(result.shape);
        throw new Error(`output '${options.outputName}' of shape ${shape} does not hold ${options.batchSize} images`);
      }
      classes.forEach((predicted, image) => {
        if (options.pipelineName !== undefined) print(`response shape ${formatShape(result.shape)}`);
        const expected = labels?.[first + image];
        if (expected !== undefined) {
          checked++;
          if (predicted === expected) matched++;
        }
        print(resultLine(image, predicted, expected));
      });
    }
  } finally {
    client.close();
  }
  statisticsLines(times, options.batchSize).forEach(print);
  if (labels !== undefined) print(accuracyLine(matched, checked));
  return 0;
}
