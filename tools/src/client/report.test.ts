import { describe, expect, it } from 'vitest';
import { accuracyLine, dataRangeLine, iterationLines, resultLine, startLines, statisticsLines } from './report.js';

// Expected lines are copied from b1.txt and b8.txt in OpenVINO Model Server's "Dynamic batch size
// with the demultiplexer" guide (docs/dynamic_bs_demultiplexer.md).
describe('report', () => {
  it('prints the start block', () => {
    const start = { modelName: 'resnet50DAG', iterations: 10, imagesPath: '../../imgs.npy', shape: [10, 3, 224, 224] };
    expect(startLines(start)).toEqual([
      'Start processing:',
      '\tModel name: resnet50DAG',
      '\tIterations: 10',
      '\tImages numpy path: ../../imgs.npy',
      '\tNumpy file shape: (10, 3, 224, 224)',
      '',
    ]);
  });

  it('prints an iteration with its unrounded time', () => {
    expect(iterationLines(1, 21.163, 1)).toEqual([
      'Iteration 1; Processing time: 21.16 ms; speed 47.25 fps',
      'imagenet top results in a single batch:',
    ]);
    expect(iterationLines(1, 121.12, 8)[0]).toBe('Iteration 1; Processing time: 121.12 ms; speed 66.05 fps');
  });

  it('prints each image with its class name and whether it matches its label', () => {
    expect(resultLine(0, 404, 404)).toBe('\t 0 airliner 404 ; Correct match.');
    expect(resultLine(1, 279, 279)).toBe('\t 1 Arctic fox, white fox, Alopex lagopus 279 ; Correct match.');
    expect(resultLine(2, 309, 1)).toBe('\t 2 bee 309 ; Incorrect match. Should be 1 goldfish, Carassius auratus');
    expect(resultLine(3, 207, undefined)).toBe('\t 3 golden retriever 207 ');
  });

  it('refuses a class index beyond the ImageNet classes', () => {
    expect(() => resultLine(0, 1000, undefined)).toThrow(/class 1000 is not one of the 1000 ImageNet classes/);
  });

  it('prints the statistics of whole-millisecond times (batch size 1)', () => {
    expect(statisticsLines([21, 8, 104, 8, 19, 9, 7, 6, 6, 7], 1)).toEqual([
      '',
      'processing time for all iterations',
      'average time: 19.50 ms; average speed: 51.28 fps',
      'median time: 8.00 ms; median speed: 125.00 fps',
      'max time: 104.00 ms; min speed: 9.62 fps',
      'min time: 6.00 ms; max speed: 166.67 fps',
      'time percentile 90: 29.30 ms; speed percentile 90: 34.13 fps',
      'time percentile 50: 8.00 ms; speed percentile 50: 125.00 fps',
      'time standard deviation: 28.63',
      'time variance: 819.45',
    ]);
  });

  it('prints the statistics of one request (batch size 8)', () => {
    expect(statisticsLines([121], 8).slice(2)).toEqual([
      'average time: 121.00 ms; average speed: 66.12 fps',
      'median time: 121.00 ms; median speed: 66.12 fps',
      'max time: 121.00 ms; min speed: 66.12 fps',
      'min time: 121.00 ms; max speed: 66.12 fps',
      'time percentile 90: 121.00 ms; speed percentile 90: 66.12 fps',
      'time percentile 50: 121.00 ms; speed percentile 50: 66.12 fps',
      'time standard deviation: 0.00',
      'time variance: 0.00',
    ]);
  });

  it('prints a zero time as NumPy does: infinite speed', () => {
    expect(statisticsLines([0], 1)[2]).toBe('average time: 0.00 ms; average speed: inf fps');
  });

  it('prints the accuracy', () => {
    expect(accuracyLine(10, 10)).toBe('Classification accuracy: 100.00');
    expect(accuracyLine(1, 2)).toBe('Classification accuracy: 50.00');
    expect(accuracyLine(2, 3)).toBe('Classification accuracy: 66.67');
  });

  it('prints the data range as NumPy prints its scalars', () => {
    // The guide's line: the script prints the range after rescaling the images to 0..255.
    expect(dataRangeLine({ dtype: 'float32', shape: [3], data: Float32Array.of(0, 255, 17) })).toBe(
      'Image data range: 0.0 : 255.0',
    );
    expect(dataRangeLine({ dtype: 'float32', shape: [2], data: Float32Array.of(-2.117904, 2.64) })).toBe(
      'Image data range: -2.117904 : 2.64',
    );
    expect(dataRangeLine({ dtype: 'uint8', shape: [2], data: Uint8Array.of(3, 250) })).toBe('Image data range: 3 : 250');
    expect(dataRangeLine({ dtype: 'float64', shape: [2], data: Float64Array.of(NaN, 1) })).toBe(
      'Image data range: nan : nan',
    );
  });
});
