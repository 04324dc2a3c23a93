import { describe, expect, it } from 'vitest';
import { formatFixed, formatFloatScalar, formatRounded } from './python-format.js';

// Expected strings are what Python 3 with NumPy 2.4 prints for the same values.
describe('formatRounded', () => {
  it("prints '{:.2f}'.format(round(np.float64(x), 2)): NumPy's scale-and-rint rounding", () => {
    const cases: [number, string][] = [
      [0.125, '0.12'], [0.375, '0.38'], [2.675, '2.68'], [1.005, '1.00'], [8.125, '8.12'], [29.29999999999997, '29.30'],
      [1000 / 6, '166.67'], [0, '0.00'], [19.5, '19.50'], [1e-3, '0.00'], [1234.5678, '1234.57'], [0.285, '0.28'],
      [10.555, '10.56'], [47.25047258979206, '47.25'],
    ];
    expect(cases.map(([value]) => formatRounded(value, 2))).toEqual(cases.map(([, text]) => text));
  });

  it('prints infinity and NaN as Python does', () => {
    expect([formatRounded(1000 / 0, 2), formatRounded(-1 / 0, 2), formatRounded(NaN, 2)]).toEqual(['inf', '-inf', 'nan']);
  });
});

describe('formatFixed', () => {
  it("prints format(x, '.2f'): exact value, halves to even", () => {
    const values = [12.5, 100 / 8, 100 / 800, 300 / 800, 500 / 800, 700 / 800, 50, 100, 2.675, 10.555];
    expect(values.map((value) => formatFixed(value, 2))).toEqual([
      '12.50', '12.50', '0.12', '0.38', '0.62', '0.88', '50.00', '100.00', '2.67', '10.55',
    ]);
    expect([formatFixed(2.5, 0), formatFixed(-2.5, 0), formatFixed(3.5, 0), formatFixed(-0.125, 2)]).toEqual([
      '2', '-2', '4', '-0.12',
    ]);
  });
});

describe('formatFloatScalar', () => {
  it('prints str(np.float32(x))', () => {
    const cases: [number, string][] = [
      [0, '0.0'], [-0, '-0.0'], [255, '255.0'], [-2.117904, '-2.117904'], [0.1, '0.1'], [1e-4, '1e-04'],
      [9.9e-5, '9.9e-05'], [0.00010001, '0.00010001'], [123456, '123456.0'], [999999, '999999.0'], [1e6, '1e+06'],
      [1234567, '1.234567e+06'], [123456789, '1.2345679e+08'], [3.4e38, '3.4e+38'], [1e-38, '1e-38'], [2.5, '2.5'],
      [2.6399998664855957, '2.6399999'], [4.04, '4.04'], [1 / 3, '0.33333334'], [7e-45, '7e-45'],
    ];
    expect(cases.map(([value]) => formatFloatScalar(Math.fround(value), 'float32'))).toEqual(cases.map(([, text]) => text));
  });

  it('takes the even last digit when the value lies exactly halfway, as NumPy does', () => {
    expect([4065285.25, -189906.125].map((value) => formatFloatScalar(value, 'float32'))).toEqual([
      '4.0652852e+06',
      '-189906.12',
    ]);
  });

  it('prints str(np.float64(x))', () => {
    const cases: [number, string][] = [
      [0, '0.0'], [255, '255.0'], [-2.117904, '-2.117904'], [1e-4, '0.0001'], [9.9e-5, '9.9e-05'],
      [1234567, '1234567.0'], [1e16, '1e+16'], [9999999999999998, '9999999999999998.0'], [1.5e17, '1.5e+17'],
      [1 / 3, '0.3333333333333333'], [5e-324, '5e-324'], [123.456, '123.456'], [2 ** 60, '1.152921504606847e+18'],
    ];
    expect(cases.map(([value]) => formatFloatScalar(value, 'float64'))).toEqual(cases.map(([, text]) => text));
  });

  it('prints infinity and NaN as NumPy does', () => {
    const printed = [formatFloatScalar(Infinity, 'float32'), formatFloatScalar(-Infinity, 'float64')];
    expect([...printed, formatFloatScalar(NaN, 'float32')]).toEqual(['inf', '-inf', 'nan']);
  });
});
