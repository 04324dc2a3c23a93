import { formatShape, type NpyArray } from '../npy/npy.js';
import { imagenetClassName } from './imagenet-classes.js';
import { formatFixed, formatFloatScalar, formatRounded } from './python-format.js';
import { average, maximum, median, minimum, percentile, standardDeviation, variance } from './statistics.js';

/**
 * The lines OpenVINO Model Server's grpc_serving_client.py prints, word for word and space for
 * space (its print() separates arguments with one space, hence the space after each tab).
 */

/** The smallest and largest value of the images as they are sent (rescaled), printed as NumPy prints them. */
export function dataRangeLine(images: NpyArray): string {
  let [min, max] = [Infinity, -Infinity];
  for (const element of images.data) {
    const value = Number(element);
    // np.amin and np.amax propagate NaN.
    if (Number.isNaN(value)) [min, max] = [NaN, NaN];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const format = (value: number): string =>
    images.dtype === 'float32' || images.dtype === 'float64' ? formatFloatScalar(value, images.dtype) : String(value);
  return `Image data range: ${format(min)} : ${format(max)}`;
}

export interface StartInfo {
  modelName: string;
  iterations: number;
  imagesPath: string;
  /** The images' shape as they are sent: after any transposition and repetition. */
  shape: readonly number[];
}

export function startLines({ modelName, iterations, imagesPath, shape }: StartInfo): string[] {
  return [
    'Start processing:',
    `\tModel name: ${modelName}`,
    `\tIterations: ${iterations}`,
    `\tImages numpy path: ${imagesPath}`,
    `\tNumpy file shape: ${formatShape(shape)}`,
    '',
  ];
}

export function iterationLines(iteration: number, milliseconds: number, batchSize: number): string[] {
  const [time, speed] = [formatRounded(milliseconds, 2), formatRounded((1000 * batchSize) / milliseconds, 2)];
  return [
    `Iteration ${iteration}; Processing time: ${time} ms; speed ${speed} fps`,
    'imagenet top results in a single batch:',
  ];
}

/** One image's class; with its expected label, whether they match. */
export function resultLine(index: number, predicted: number, expected: number | undefined): string {
  const mark =
    expected === undefined
      ? ''
      : predicted === expected
        ? '; Correct match.'
        : `; Incorrect match. Should be ${expected} ${imagenetClassName(expected)}`;
  return `\t ${index} ${imagenetClassName(predicted)} ${predicted} ${mark}`;
}

/** Times are whole milliseconds, as the script truncates them before its statistics. */
export function statisticsLines(times: readonly number[], batchSize: number): string[] {
  const ms = (value: number): string => formatRounded(value, 2);
  const fps = (milliseconds: number): string => formatRounded((1000 * batchSize) / milliseconds, 2);
  const [mean, middle, slowest, fastest] = [average(times), median(times), maximum(times), minimum(times)];
  const [p90, p50] = [percentile(times, 90), percentile(times, 50)];
  return [
    '',
    'processing time for all iterations',
    `average time: ${ms(mean)} ms; average speed: ${fps(mean)} fps`,
    `median time: ${ms(middle)} ms; median speed: ${fps(middle)} fps`,
    `max time: ${ms(slowest)} ms; min speed: ${fps(slowest)} fps`,
    `min time: ${ms(fastest)} ms; max speed: ${fps(fastest)} fps`,
    `time percentile 90: ${ms(p90)} ms; speed percentile 90: ${fps(p90)} fps`,
    `time percentile 50: ${ms(p50)} ms; speed percentile 50: ${fps(p50)} fps`,
    `time standard deviation: ${ms(standardDeviation(times))}`,
    `time variance: ${ms(variance(times))}`,
  ];
}

export function accuracyLine(matched: number, total: number): string {
  return `Classification accuracy: ${formatFixed((100 * matched) / total, 2)}`;
}
