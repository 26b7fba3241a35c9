/** Nearest-rank percentile (p in 0–100) of a sample; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Rounds for display and JSON: 1 decimal below 100, none above. */
export function round(value: number, digits = value < 100 ? 1 : 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
