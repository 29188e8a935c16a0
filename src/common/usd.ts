/**
 * A dollar amount as tool texts and reports print it: four decimals from a cent up, else three significant
 * digits (a single request costs fractions of a cent, and a sum of float costs prints as 0.000029699999999999997).
 */
export function formatUsd(value: number): string {
  return value >= 0.01 ? `$${value.toFixed(4)}` : `$${value.toPrecision(3)}`;
}
