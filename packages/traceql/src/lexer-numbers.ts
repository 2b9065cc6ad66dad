/**
 * Duration literals as Tempo reads them: Prometheus' `model.ParseDuration` first (integer units in
 * order y w d h m s ms; y = 365d, w = 7d), then Go's `time.ParseDuration` (ns us µs μs ms s m h,
 * fractions, any order). Results are int64 nanoseconds; anything else (or overflow) is null.
 */

const MAX_I64 = 9223372036854775807n;
const NS = { ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n } as const;
const DAY = 86_400_000_000_000n;
const PROM_RE = /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;
const PROM_UNITS = [365n * DAY, 7n * DAY, DAY, NS.h, NS.m, NS.s, NS.ms];

/** Parses a duration literal such as `1h15m30.5s` or `2d`; null when it is not one. */
export function parseDurationLiteral(text: string): bigint | null {
  return parsePrometheus(text) ?? parseGo(text);
}

function parsePrometheus(text: string): bigint | null {
  if (text === '0') return 0n;
  if (text === '') return null;
  const m = PROM_RE.exec(text);
  if (!m) return null;
  let total = 0n;
  for (let k = 0; k < PROM_UNITS.length; k++) {
    const part = m[k + 1];
    if (part === undefined) continue;
    total += BigInt(part) * PROM_UNITS[k];
    if (total > MAX_I64) return null;
  }
  return total;
}

function parseGo(text: string): bigint | null {
  if (text === '0') return 0n;
  if (text === '') return null;
  let s = text;
  let total = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) return null;
    const intM = /^[0-9]*/.exec(s)![0];
    const pre = intM.length > 0;
    let v = 0n;
    for (const d of intM) {
      v = v * 10n + BigInt(d);
      if (v > 1n << 63n) return null;
    }
    s = s.slice(intM.length);
    let frac = 0n;
    let scale = 1;
    let post = false;
    if (s.startsWith('.')) {
      s = s.slice(1);
      const fracM = /^[0-9]*/.exec(s)![0];
      post = fracM.length > 0;
      let overflow = false;
      for (const d of fracM) {
        if (overflow) continue;
        if (frac > (MAX_I64 / 10n)) {
          overflow = true;
          continue;
        }
        const y = frac * 10n + BigInt(d);
        if (y > 1n << 63n) {
          overflow = true;
          continue;
        }
        frac = y;
        scale *= 10;
      }
      s = s.slice(fracM.length);
    }
    if (!pre && !post) return null;
    const unitM = /^[^0-9.]*/.exec(s)![0];
    if (unitM === '') return null;
    s = s.slice(unitM.length);
    const unit = (NS as Record<string, bigint>)[unitM];
    if (unit === undefined) return null;
    if (v > (1n << 63n) / unit) return null;
    v *= unit;
    if (frac > 0n) {
      // Go computes the fraction in float64; do the same so results match.
      v += BigInt(Math.trunc(Number(frac) * (Number(unit) / scale)));
      if (v > 1n << 63n) return null;
    }
    total += v;
    if (total > 1n << 63n) return null;
  }
  return total > MAX_I64 ? null : total;
}
