import { Prng } from '../models/prng.js';

export const IMAGE_SIZE = 224;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

type Rgb = [number, number, number];
/** The color at (x, y), both in [0, 1), with each channel in [0, 1]. */
type Painter = (x: number, y: number) => Rgb;

/**
 * `count` procedural RGB images, NCHW float32 of whole pixel values 0..255 like decoded 8-bit
 * photos, deterministic for a seed: one pattern after another (gradient, checkerboard, rings,
 * stripes, blobs, noise, sunburst, plasma, dots, split), each with colors and geometry drawn from
 * the seed, so that a classifier sees ten clearly different images and, past ten, new variations
 * of the same patterns.
 *
 * Each image is stretched to the full range, its darkest channel value 0 and its brightest 255, so
 * any set of them spans exactly 0..255: grpc_serving_client.py's min-max rescale to 0..255 then
 * leaves the file's values unchanged (x / 255 * 255 gives back every whole x in float32), and the
 * server sees the very pixels the labels were computed from.
 */
export function sampleImages(count: number, seed: number): Float32Array {
  const prng = new Prng(seed);
  const images = new Float32Array(count * 3 * PIXELS);
  for (let image = 0; image < count; image++) {
    const paint = PATTERNS[image % PATTERNS.length]!(new Draw(prng));
    const pixels = images.subarray(image * 3 * PIXELS, (image + 1) * 3 * PIXELS);
    for (let row = 0; row < IMAGE_SIZE; row++) {
      for (let column = 0; column < IMAGE_SIZE; column++) {
        const color = paint(column / IMAGE_SIZE, row / IMAGE_SIZE);
        for (let channel = 0; channel < 3; channel++) {
          pixels[channel * PIXELS + row * IMAGE_SIZE + column] = Math.min(1, Math.max(0, color[channel]!));
        }
      }
    }
    stretchToPixels(pixels);
  }
  return images;
}

/**
 * Maps an image's values linearly onto 0..255, lowest to 0 and highest to 255, rounded to whole
 * pixel values. Every pattern paints at least two colors; a flat image would become all 0.
 */
function stretchToPixels(values: Float32Array): void {
  let [low, high] = [Infinity, -Infinity];
  for (const value of values) [low, high] = [Math.min(low, value), Math.max(high, value)];
  const scale = high > low ? 255 / (high - low) : 0;
  for (let i = 0; i < values.length; i++) values[i] = Math.round((values[i]! - low) * scale);
}

/** Random choices of a pattern's parameters. */
class Draw {
  constructor(private readonly prng: Prng) {}

  between(low: number, high: number): number {
    return low + (high - low) * (this.prng.nextUint32() / 2 ** 32);
  }

  color(): Rgb {
    return [this.between(0, 1), this.between(0, 1), this.between(0, 1)];
  }
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Each pattern takes its parameters from the draw, then paints pixel by pixel. */
const PATTERNS: ReadonlyArray<(draw: Draw) => Painter> = [
  function gradient(draw) {
    const [from, to, angle] = [draw.color(), draw.color(), draw.between(0, 2 * Math.PI)];
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    return (x, y) => mix(from, to, ((x - 0.5) * dx + (y - 0.5) * dy) / Math.SQRT2 + 0.5);
  },
  function checkerboard(draw) {
    const [dark, light, cells] = [draw.color(), draw.color(), Math.round(draw.between(4, 12))];
    return (x, y) => ((Math.floor(x * cells) + Math.floor(y * cells)) % 2 === 0 ? dark : light);
  },
  function rings(draw) {
    const [inner, outer] = [draw.color(), draw.color()];
    const [cx, cy, frequency] = [draw.between(0.3, 0.7), draw.between(0.3, 0.7), draw.between(20, 50)];
    return (x, y) => mix(inner, outer, 0.5 + 0.5 * Math.sin(Math.hypot(x - cx, y - cy) * frequency));
  },
  function stripes(draw) {
    const [a, b, angle, frequency] = [draw.color(), draw.color(), draw.between(0, Math.PI), draw.between(30, 90)];
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    return (x, y) => (Math.sin((x * dx + y * dy) * frequency) > 0 ? a : b);
  },
  function blobs(draw) {
    const background = draw.color();
    const spots = Array.from({ length: 6 }, () => ({
      color: draw.color(),
      x: draw.between(0, 1),
      y: draw.between(0, 1),
      radius: draw.between(0.05, 0.2),
    }));
    return (x, y) =>
      spots.reduce<Rgb>((color, spot) => {
        const weight = Math.exp(-((x - spot.x) ** 2 + (y - spot.y) ** 2) / spot.radius ** 2);
        return mix(color, spot.color, weight);
      }, background);
  },
  function noise(draw) {
    const [tint, cell] = [draw.color(), Math.round(draw.between(2, 8))];
    // Per-cell values drawn up front, so the pattern does not depend on the order pixels are painted.
    const cells = Math.ceil(IMAGE_SIZE / cell);
    const values = Array.from({ length: cells * cells }, () => draw.between(0, 1));
    return (x, y) => {
      const value = values[Math.floor((y * IMAGE_SIZE) / cell) * cells + Math.floor((x * IMAGE_SIZE) / cell)]!;
      return [tint[0] * value, tint[1] * value, tint[2] * value];
    };
  },
  function sunburst(draw) {
    const [a, b, rays, twist] = [draw.color(), draw.color(), Math.round(draw.between(5, 16)), draw.between(-6, 6)];
    return (x, y) => {
      const angle = Math.atan2(y - 0.5, x - 0.5) + twist * Math.hypot(x - 0.5, y - 0.5);
      return Math.cos(angle * rays) > 0 ? a : b;
    };
  },
  function plasma(draw) {
    // One wave per channel.
    const waves = Array.from({ length: 3 }, () => [draw.between(5, 25), draw.between(5, 25), draw.between(0, 6)]);
    return (x, y) => waves.map(([fx, fy, phase]) => 0.5 + 0.5 * Math.sin(x * fx! + Math.sin(y * fy!) + phase!)) as Rgb;
  },
  function dots(draw) {
    const [background, dot, spacing] = [draw.color(), draw.color(), draw.between(0.06, 0.15)];
    return (x, y) => {
      const [u, v] = [(x % spacing) / spacing - 0.5, (y % spacing) / spacing - 0.5];
      return Math.hypot(u, v) < 0.3 ? dot : background;
    };
  },
  function split(draw) {
    const [a, b, slope, intercept] = [draw.color(), draw.color(), draw.between(-2, 2), draw.between(0.2, 0.8)];
    return (x, y) => (y > slope * (x - 0.5) + intercept ? a : b);
  },
];
