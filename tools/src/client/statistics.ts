/**
 * The statistics OpenVINO Model Server's example clients print over request times, computed the
 * way NumPy computes them (np.average, np.median, np.percentile's default linear method, np.std and
 * np.var of the population), down to the order of floating-point operations: the report rounds
 * to two decimals, and a last-bit difference can flip a value that sits on a rounding boundary.
 */

export function average(values: readonly number[]): number {
  return sum(nonEmpty(values)) / values.length;
}

/** The middle value, or the mean of the two middle values of an even count. */
export function median(values: readonly number[]): number {
  const sorted = sortedCopy(values);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** np.percentile(values, q) with linear interpolation between the two closest ranks. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = sortedCopy(values);
  const index = (sorted.length - 1) * (q / 100);
  const below = Math.floor(index);
  const lower = sorted[below]!;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return lerp(lower, upper, index - below);
}

/** Population variance (np.var, ddof 0): the mean squared deviation from the mean. */
export function variance(values: readonly number[]): number {
  const mean = average(values);
  return sum(values.map((value) => (value - mean) * (value - mean))) / values.length;
}

/** Population standard deviation (np.std, ddof 0). */
export function standardDeviation(values: readonly number[]): number {
  return Math.sqrt(variance(values));
}

export function maximum(values: readonly number[]): number {
  return nonEmpty(values).reduce((max, value) => (value > max ? value : max));
}

export function minimum(values: readonly number[]): number {
  return nonEmpty(values).reduce((min, value) => (value < min ? value : min));
}

/** NumPy's interpolation: from the nearer end, which keeps the result within [a, b]. */
function lerp(a: number, b: number, t: number): number {
  const difference = b - a;
  return t < 0.5 ? a + difference * t : b - difference * (1 - t);
}

/**
 * np.add.reduce over float64: pairwise summation, eight running sums over blocks of at most 128
 * values, larger runs split in halves.
 */
function sum(values: readonly number[]): number {
  return pairwiseSum(values, 0, values.length);
}

const UNROLL = 8;
const BLOCK = 128;

function pairwiseSum(values: readonly number[], start: number, count: number): number {
  if (count < UNROLL) {
    let total = 0;
    for (let i = start; i < start + count; i++) total += values[i]!;
    return total;
  }
  if (count <= BLOCK) {
    const partial = values.slice(start, start + UNROLL);
    let i = UNROLL;
    for (; i < count - (count % UNROLL); i += UNROLL) {
      for (let j = 0; j < UNROLL; j++) partial[j] = partial[j]! + values[start + i + j]!;
    }
    const pair = (first: number): number => partial[first]! + partial[first + 1]!;
    let total = (pair(0) + pair(2)) + (pair(4) + pair(6));
    for (; i < count; i++) total += values[start + i]!;
    return total;
  }
  const half = (count >> 1) - ((count >> 1) % UNROLL);
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

function sortedCopy(values: readonly number[]): number[] {
  return [...nonEmpty(values)].sort((a, b) => a - b);
}

function nonEmpty(values: readonly number[]): readonly number[] {
  if (values.length === 0) throw new RangeError('statistics of no values');
  return values;
}
