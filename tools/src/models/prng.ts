/**
 * Seeded pseudo-random numbers for model weights.
 *
 * xoshiro128** works on 32-bit words, so every step stays in V8's int32 fast path (Math.imul,
 * shifts) and 25 M normals take well under a second; the same seed gives the same numbers on every
 * platform, which is what makes generated model files byte-identical between runs.
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** @param seed any integer; only its low 32 bits matter. */
  constructor(seed: number) {
    // splitmix32 spreads even a tiny seed over the 128-bit state; xoshiro must not start all-zero,
    // which splitmix32 cannot produce for four consecutive outputs.
    let state = seed | 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) | 0;
    };
    this.s0 = splitmix32();
    this.s1 = splitmix32();
    this.s2 = splitmix32();
    this.s3 = splitmix32();
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform in (0, 1]: never 0, so its logarithm is finite. */
  nextUnitInterval(): number {
    return (this.nextUint32() + 1) * 2 ** -32;
  }

  /**
   * Fills `target` with samples of N(mean, std²) by Box-Muller, two samples per pair of uniforms;
   * writing into a typed array avoids a JS array of 25 M boxed numbers.
   */
  fillNormal(target: Float32Array, std: number, mean = 0): Float32Array {
    for (let i = 0; i < target.length; i += 2) {
      const radius = std * Math.sqrt(-2 * Math.log(this.nextUnitInterval()));
      const angle = 2 * Math.PI * this.nextUnitInterval();
      target[i] = mean + radius * Math.cos(angle);
      if (i + 1 < target.length) target[i + 1] = mean + radius * Math.sin(angle);
    }
    return target;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
