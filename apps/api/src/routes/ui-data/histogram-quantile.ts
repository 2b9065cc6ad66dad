/**
 * The q-quantile of a histogram of cumulative bucket counts, interpolated linearly inside the
 * bucket that holds the rank, as Prometheus' histogram_quantile does: the first bucket starts at
 * 0, and a rank beyond the last finite bound answers that bound (the +Inf bucket has no width).
 * `le[i]` counts observations <= `bounds[i]`; `total` is the +Inf count. Null with no observations.
 */
export function histogramQuantile(q: number, bounds: readonly number[], le: readonly number[], total: number): number | null {
  if (!(total > 0)) return null;
  const rank = q * total;
  const i = le.findIndex((c) => c >= rank);
  if (i < 0) return bounds[bounds.length - 1];
  const lower = i === 0 ? 0 : bounds[i - 1];
  const below = i === 0 ? 0 : le[i - 1];
  const inBucket = le[i] - below;
  if (inBucket <= 0) return bounds[i];
  return lower + (bounds[i] - lower) * ((rank - below) / inBucket);
}

/** Adds cumulative bucket counts element-wise into `into`. */
export function addCounts(into: number[], add: readonly number[]): number[] {
  for (let i = 0; i < add.length; i++) into[i] = (into[i] ?? 0) + add[i];
  return into;
}
