/**
 * A small seeded PRNG (sfc32) and the distributions the generator needs.
 *
 * Everything here uses only integer ops, `+ - * /`, `Math.floor` and `Math.round`, which are
 * exact under IEEE-754 on every engine. `Math.log`/`Math.exp`/`Math.cos` are "implementation
 * approximated" by the spec (V8 and JavaScriptCore can differ in the last bit), so log and exp
 * are computed here with fixed series: the same seed gives the same sequence on Node, Bun and Deno.
 */

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;
const TWO_POW_32 = 4294967296;

/** Mixes 32 bits into 32 well-spread bits (an xorshift-multiply finaliser). */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Turns a seed (integer or string) into two 32-bit words. */
function seedWords(seed: number | string): [number, number] {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    const n = Math.floor(Math.abs(seed));
    return [n >>> 0, Math.floor(n / TWO_POW_32) >>> 0];
  }
  // FNV-1a over UTF-16 code units, twice with different offsets.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return [h1 >>> 0, h2 >>> 0];
}

/** Deterministic natural logarithm for x > 0 (about 1e-15 relative error). */
export function detLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let k = 0;
  let m = x;
  while (m >= 65536) { m /= 65536; k += 16; }
  while (m < 1 / 65536) { m *= 65536; k -= 16; }
  while (m >= 2) { m /= 2; k++; }
  while (m < 1) { m *= 2; k--; }
  if (m > SQRT2) { m /= 2; k++; }
  // ln(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.172
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = s;
  for (let n = 3; n <= 19; n += 2) {
    term *= s2;
    sum += term / n;
  }
  return k * LN2 + 2 * sum;
}

/** Deterministic e^x (about 1e-15 relative error); clamps to 0 / Infinity beyond +-708. */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709) return Infinity;
  if (x < -708) return 0;
  const k = Math.round(x / LN2);
  const r = x - k * LN2;
  // Taylor series of e^r for |r| <= 0.35: 14 terms are past double precision.
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 14; n++) {
    term = (term * r) / n;
    sum += term;
  }
  let scale = 1;
  const step = k > 0 ? 2 : 0.5;
  for (let i = Math.abs(k); i > 0; i--) scale *= step;
  return sum * scale;
}

const HEX_BYTE: string[] = [];
for (let i = 0; i < 256; i++) HEX_BYTE.push((i < 16 ? '0' : '') + i.toString(16));

/** Lowercase hex of a 32-bit word, 8 characters. */
export function hex32(w: number): string {
  return HEX_BYTE[w >>> 24] + HEX_BYTE[(w >>> 16) & 255] + HEX_BYTE[(w >>> 8) & 255] + HEX_BYTE[w & 255];
}

/** Seeded random numbers: sfc32 (Chris Doty-Humphrey's small fast chaotic generator, 128-bit state). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const [lo, hi] = seedWords(seed);
    this.a = mix32(lo ^ 0x9e3779b9);
    this.b = mix32(hi ^ 0x85ebca6b);
    this.c = mix32((lo + hi) ^ 0xc2b2ae35);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.u32() / TWO_POW_32;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  range(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** One element chosen by weight; `items` is a list of `[value, weight]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.float() * total;
    for (const [v, w] of items) {
      x -= w;
      if (x < 0) return v;
    }
    return items[items.length - 1][0];
  }

  /** Standard normal variate (Irwin-Hall with 12 uniforms: bounded at +-6, no transcendental calls). */
  normal(): number {
    let s = 0;
    for (let i = 0; i < 12; i++) s += this.u32();
    return s / TWO_POW_32 - 6;
  }

  /** Log-normal variate with the given median and shape sigma (sigma 0.5 = moderate spread). */
  logNormal(median: number, sigma: number): number {
    return median * detExp(sigma * this.normal());
  }

  /** Exponential variate with the given mean. */
  exponential(mean: number): number {
    return -mean * detLog(1 - this.float());
  }

  /** Geometric-like count >= min with the given mean, capped at max. */
  count(min: number, mean: number, max: number): number {
    const n = min + Math.floor(this.exponential(Math.max(mean - min, 0.0001)));
    return n > max ? max : n;
  }

  /** `bytes` random bytes as lowercase hex (never all zero). */
  hex(bytes: number): string {
    let out = '';
    let zero = true;
    for (let i = 0; i < bytes; i += 4) {
      const w = this.u32();
      if (w !== 0) zero = false;
      out += hex32(w);
    }
    out = out.slice(0, bytes * 2);
    return zero ? out.slice(0, -1) + '1' : out;
  }

  /** A lowercase alphanumeric string of length n (pod suffixes, ids). */
  alnum(n: number, alphabet = 'bcdfghjklmnpqrstvwxz2456789'): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.float() * alphabet.length)];
    return out;
  }

  /** A new independent generator derived from this one's next outputs. */
  fork(): Rng {
    const r = new Rng(0);
    r.a = this.u32();
    r.b = this.u32();
    r.c = this.u32();
    r.d = 1;
    for (let i = 0; i < 15; i++) r.u32();
    return r;
  }
}

/** Creates a seeded generator. */
export function createRng(seed: number | string): Rng {
  return new Rng(seed);
}
