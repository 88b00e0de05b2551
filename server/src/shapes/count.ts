// Exact counts (parameters, mult-adds, bytes) past 2^53.
//
// A count is a JavaScript number while it is a safe integer, the common case and the cheap one,
// and a bigint once a product passes Number.MAX_SAFE_INTEGER (`nn.Linear(10**20, 10)` has
// 1,000,000,000,000,000,000,010 parameters, which no double holds). Formulas are written as sums
// of products of known integers and computed in numbers first; only a term that leaves the safe
// range is recomputed in bigints. Nothing here knows layers; the family files build the terms.

import { Dim, isKnown } from './dim';

export type Count = number | bigint;

/**
 * True when the dimension is a known integer. Past 2^53 a double is taken as the integer it holds
 * (`10**20` is held exactly); the products of such factors are what needs bigints.
 */
function safeInteger(d: Dim): d is number {
  return isKnown(d) && Number.isInteger(d);
}

/** A number while safe, else the same value as a bigint. */
function normalise(value: bigint): Count {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * The exact value of a sum of products (`[[in, out], [out]]` is in*out + out); null when a factor
 * is unknown, symbolic or not an integer a double holds exactly.
 */
export function countOfTerms(terms: readonly (readonly Dim[])[]): Count | null {
  let total = 0;
  let exact = true;
  for (const term of terms) {
    let p = 1;
    for (const f of term) {
      if (!safeInteger(f)) return null;
      p *= f;
    }
    total += p;
    if (!Number.isSafeInteger(p) || !Number.isSafeInteger(total)) exact = false;
  }
  if (exact) return total;
  let big = 0n;
  for (const term of terms) big += term.reduce<bigint>((acc, f) => acc * BigInt(f as number), 1n);
  return normalise(big);
}

/** A count computed in doubles elsewhere: kept when it is a safe integer, else unknown (never a rounded value). */
export function safeCount(n: number | null): Count | null {
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

/** a + b, exact; null when either is unknown. */
export function addCounts(a: Count | null, b: Count | null): Count | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return normalise(BigInt(a) + BigInt(b));
}

/** a * b, exact; null when either is unknown. */
export function multiplyCounts(a: Count | null, b: Count | null): Count | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    if (Number.isSafeInteger(p)) return p;
  }
  return normalise(BigInt(a) * BigInt(b));
}

/** True for a count (a number or a bigint), false for null and undefined. */
export function isCount(value: unknown): value is Count {
  return typeof value === 'number' || typeof value === 'bigint';
}

/** `1,000,000,000,000,000,000,010`: grouped in thousands, exact for bigints too. */
export function formatCount(c: Count): string {
  const text = c.toString();
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  if (!/^\d+$/.test(digits)) return text;
  return (negative ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** How a count appears in JSON: a number while it is a safe integer, else its decimal digits as a string. */
export function countToJson(c: Count | null): number | string | null {
  if (c === null) return null;
  return typeof c === 'bigint' ? c.toString() : c;
}
