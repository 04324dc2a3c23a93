/**
 * Numbers printed the way OpenVINO Model Server's Python clients print them, so that our output
 * can be compared with theirs line by line.
 */

/**
 * `'{:.2f}'.format(round(x, 2))` where x is a NumPy float, as the clients format times and speeds:
 * NumPy rounds by scaling, rounding half to even and scaling back (so round(2.675, 2) is 2.68,
 * where Python's own round gives 2.67).
 */
export function formatRounded(value: number, digits: number): string {
  const scale = 10 ** digits;
  return formatFixed(roundHalfToEven(value * scale) / scale, digits);
}

/** Python's `format(x, '.Nf')`: the exact value correctly rounded, halves to even; 'inf', 'nan'. */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const text = value.toFixed(digits);
  // toFixed rounds a value exactly halfway between two results away from zero, Python to the even
  // one. Halfway values are odd multiples of 2^-(digits+1) (the only ones whose decimal expansion
  // ends in a 5 right after the last digit kept), and away from zero they end in an odd digit.
  const halves = value * 2 ** (digits + 1);
  const lastDigit = Number(text[text.length - 1]);
  if (!Number.isInteger(halves) || halves % 2 === 0 || lastDigit % 2 === 0) return text;
  return text.slice(0, -1) + String(lastDigit - 1);
}

function roundHalfToEven(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value % 1) === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/**
 * `str()` of a NumPy float scalar: the shortest digits that read back as the same float32 or
 * float64, positional from 1e-4 up to 1e6 (float32) or 1e16 (float64), scientific outside.
 */
export function formatFloatScalar(value: number, precision: 'float32' | 'float64'): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const magnitude = Math.abs(value);
  const [mantissa = '', exponentText = '0'] = shortestExponential(magnitude, precision).split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const positional = magnitude === 0 || (magnitude >= 1e-4 && magnitude < (precision === 'float32' ? 1e6 : 1e16));
  if (!positional) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (exponent >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exponent - digits.length + 1)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** `d.ddde±x` with as few digits as identify the value at its precision. */
function shortestExponential(magnitude: number, precision: 'float32' | 'float64'): string {
  if (precision === 'float64') return magnitude.toExponential();
  for (let fractionDigits = 0; ; fractionDigits++) {
    const text = halvesToEven(magnitude, magnitude.toExponential(fractionDigits));
    if (Math.fround(Number(text)) === magnitude) return text;
  }
}

/**
 * toExponential rounds a value exactly halfway between two digit strings away from zero; NumPy
 * takes the one ending in an even digit. A float32's exact decimal expansion fits in
 * toExponential(100) for any value above 1e-25, which is where the halfway test reads it.
 */
function halvesToEven(magnitude: number, rounded: string): string {
  const [mantissa = '', exponent = ''] = rounded.split('e');
  const [exactMantissa = '', exactExponent = ''] = magnitude.toExponential(100).split('e');
  const kept = mantissa.replace('.', '').length;
  const exactDigits = exactMantissa.replace('.', '');
  const truncated = exactDigits.slice(0, kept);
  // A carry into the next power of ten only happens from all nines, odd, so rounding up was right.
  const halfway = exactExponent === exponent && /^50*$/.test(exactDigits.slice(kept));
  if (!halfway || Number(truncated.at(-1)) % 2 === 1) return rounded;
  const fraction = truncated.length > 1 ? `.${truncated.slice(1)}` : '';
  return `${truncated[0]}${fraction}e${exponent}`;
}
