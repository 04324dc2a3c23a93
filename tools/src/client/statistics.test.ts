import { describe, expect, it } from 'vitest';
import { average, maximum, median, minimum, percentile, standardDeviation, variance } from './statistics.js';

// Reference values are NumPy 2.4's (repr of the float64 result), computed outside the tests.
describe('statistics', () => {
  it('matches NumPy on the request times of the demultiplexer guide (batch size 1)', () => {
    const times = [21, 8, 104, 8, 19, 9, 7, 6, 6, 7];
    expect(average(times)).toBe(19.5);
    expect(median(times)).toBe(8);
    expect(percentile(times, 90)).toBe(29.29999999999997);
    expect(percentile(times, 50)).toBe(8);
    expect(standardDeviation(times)).toBe(28.6260370991166);
    expect(variance(times)).toBe(819.45);
    expect(maximum(times)).toBe(104);
    expect(minimum(times)).toBe(6);
  });

  it('interpolates percentiles linearly and averages the two middle values of an even count', () => {
    expect(median([5, 1, 9, 3])).toBe(4);
    expect(percentile([5, 1, 9, 3], 90)).toBe(7.800000000000001);
    expect(percentile([5, 1, 9, 3], 33.3)).toBe(2.9979999999999998);
    expect(standardDeviation([5, 1, 9, 3])).toBe(2.958039891549808);
    expect(variance([3, 3, 4, 10, 12, 15, 1, 2, 8])).toBe(22.024691358024693);
    expect(percentile([3, 3, 4, 10, 12, 15, 1, 2, 8], 90)).toBe(12.600000000000001);
  });

  it('gives a single value back, with no spread', () => {
    expect([average([121]), median([121]), percentile([121], 90), variance([121]), standardDeviation([121])]).toEqual([
      121, 121, 121, 0, 0,
    ]);
  });

  it('sums pairwise like NumPy, to the last bit, beyond one 128-value block', () => {
    const values = Array.from({ length: 300 }, (_, i) => Math.sqrt(i * 3 + 1) * 1.37);
    expect(average(values)).toBe(27.377891543968556); // a running sum gives ...563
    expect(median(values)).toBe(29.045898183026743);
    expect(percentile(values, 90)).toBe(38.94993967241507);
    expect(percentile(values, 33.3)).toBe(23.717195135844186);
    expect(variance(values)).toBe(94.11760460669497);
    expect(standardDeviation(values)).toBe(9.701422813520447);
  });

  it('refuses an empty list', () => {
    expect(() => average([])).toThrow(RangeError);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});
