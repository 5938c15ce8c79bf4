/**
 * How `npm run bench:live` spreads its streams over businesses and picks the business each commit
 * goes to: the same spread and the same sequence of commits on every run, so runs compare.
 * The generator is mulberry32, written out because the benchmark needs only a seeded stream of
 * numbers, not a library.
 */

/**
 * How bench:live spreads `total` streams over businesses, largest first: round(total / perBusiness)
 * businesses, each with one stream, and the rest split by Zipf's law (the k-th largest business gets
 * a share ∝ 1 / k^skew), as tenant sizes are: a few businesses with hundreds of streams, most with
 * one to three. skew 0 gives every business the same. Largest-remainder rounding: the sizes add up
 * to `total` exactly.
 */
export function spreadStreams(total: number, { perBusiness = 5, skew = 1 }: { perBusiness?: number; skew?: number } = {}): number[] {
  if (!Number.isInteger(total) || total < 1) throw new Error(`spread: the stream count must be a positive integer, got ${total}`);
  if (!(perBusiness >= 1) || !(skew >= 0)) throw new Error(`spread: need perBusiness ≥ 1 and skew ≥ 0, got ${perBusiness}, ${skew}`);
  const businesses = Math.min(total, Math.max(1, Math.round(total / perBusiness)));
  const weights = Array.from({ length: businesses }, (_, k) => 1 / (k + 1) ** skew);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => ((total - businesses) * w) / weightSum);
  const sizes = exact.map((x) => 1 + Math.floor(x));
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let left = total - sizes.reduce((a, b) => a + b, 0), j = 0; left > 0; left--, j++) sizes[byRemainder[j]!.i]! += 1;
  return sizes.sort((a, b) => b - a);
}

/** Uniform numbers in [0, 1) from a seed (mulberry32): the same sequence of commits on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks an index with probability weights[i] / Σ weights: a commit goes to a business in proportion to its open streams. */
export function weightedPicker(weights: readonly number[], random: () => number): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += Math.max(0, w)));
  if (!(sum > 0)) throw new Error('weightedPicker: no positive weight');
  return () => {
    const r = random() * sum;
    // The first index whose cumulative weight is above r (binary search).
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
