// Small helpers over shapes shared by every layer family: printing, rank checks, the common
// window formula of convolution and pooling, broadcasting.

import { add, ceildiv, Dim, dimToString, equalDims, floordiv, mul, sub } from './dim';
import { Output, Shape, TupleOut } from './types';

export function formatShape(s: Shape, unknown = '?'): string {
  if (s === null) return '(?)';
  return `(${s.map((d) => dimToString(d, unknown)).join(', ')})`;
}

export function formatOutput(o: Output): string {
  if (o instanceof TupleOut) return `(${o.items.map(formatOutput).join(', ')})`;
  return formatShape(o);
}

/** The first tensor shape of an output (the `output` of an LSTM's `(output, (h, c))`). */
export function firstShape(o: Output): Shape {
  if (o instanceof TupleOut) return o.items.length ? firstShape(o.items[0]) : null;
  return o;
}

/** Normalises a possibly negative axis; null when out of range or unknown rank. */
export function normAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}

/**
 * Output size of a sliding window (convolution or pooling), as in the PyTorch docs:
 * floor((in + 2*pad - dilation*(kernel-1) - 1) / stride + 1), or ceil with ceil_mode.
 * `padTotal` is the sum of both sides' padding.
 */
export function windowOutput(input: Dim, kernel: Dim, stride: Dim, padTotal: Dim, dilation: Dim = 1, ceilMode = false): Dim {
  const effective = add(mul(dilation, sub(kernel, 1)), 1);
  const span = sub(add(input, padTotal), effective);
  let out = add(ceilMode ? ceildiv(span, stride) : floordiv(span, stride), 1);
  // PyTorch: with ceil_mode the last window must start inside the input or left padding.
  if (ceilMode && typeof out === 'number' && typeof input === 'number' && typeof stride === 'number' && typeof padTotal === 'number') {
    if ((out - 1) * stride >= input + padTotal / 2) out -= 1;
  }
  return out;
}

/** The formula text of a window output, for hovers: `(14 + 2·1 − 3) // 2 + 1 = 7`. */
export function windowFormula(input: Dim, kernel: Dim, stride: Dim, padTotal: Dim, dilation: Dim, out: Dim): string {
  const k = dilation === 1 ? dimToString(kernel) : `${dimToString(dilation)}·(${dimToString(kernel)} − 1) − 1`;
  const pad = padTotal === 0 ? '' : ` + ${dimToString(padTotal)}`;
  return `(${dimToString(input)}${pad} − ${k}) // ${dimToString(stride)} + 1 = ${dimToString(out)}`;
}

/** Numpy-style broadcasting; returns the result, or the first axis (from the right) that conflicts. */
export function broadcast(a: Shape, b: Shape): { shape: Shape; conflict?: { axis: number; a: Dim; b: Dim } } {
  if (a === null || b === null) return { shape: null };
  const n = Math.max(a.length, b.length);
  const out: Dim[] = new Array(n);
  // From the last axis, as PyTorch checks them: its message names the last axis that conflicts.
  for (let i = n - 1; i >= 0; i--) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === 1) out[i] = db;
    else if (db === 1) out[i] = da;
    else if (equalDims(da, db) === false) return { shape: null, conflict: { axis: i, a: da, b: db } };
    else if (equalDims(da, db) === true) out[i] = da;
    // One side unknown: it is either 1 or equal to the other, so a known size wins.
    else out[i] = typeof db === 'number' ? db : typeof da === 'number' ? da : null;
  }
  return { shape: out };
}

export function isDefinitelyNonPositive(d: Dim): boolean {
  return typeof d === 'number' && d <= 0;
}

/**
 * Output size of max_unpool on one axis, as PyTorch's `_unpool_output_size` computes it:
 * (input − 1)·stride + kernel − 2·padding.
 */
export function unpoolOutput(input: Dim, kernel: Dim, stride: Dim, padding: Dim): Dim {
  return sub(add(mul(sub(input, 1), stride), kernel), mul(padding, 2));
}

/**
 * The spatial sizes of max_unpool: the default sizes, or the requested `output_size` (already cut
 * to its last `spatial.length` entries; undefined: given but unreadable, which makes every size
 * unknown). PyTorch accepts a requested size strictly between the default − stride and the
 * default + stride; `outOfRange` is the first axis where a known request falls outside (-1: none).
 */
export function unpoolSizes(spatial: Dim[], kernel: Dim[] | null, stride: Dim[] | null, padding: Dim[] | null, requested: Dim[] | null | undefined): { sizes: Dim[]; defaults: Dim[]; outOfRange: number } {
  const defaults = spatial.map((d, i) => (kernel && stride && padding ? unpoolOutput(d, kernel[i], stride[i], padding[i]) : null));
  if (requested === null) return { sizes: defaults, defaults, outOfRange: -1 };
  if (requested === undefined) return { sizes: spatial.map(() => null), defaults, outOfRange: -1 };
  const outOfRange = requested.findIndex((r, i) => {
    const d = defaults[i];
    const st = stride?.[i];
    return typeof r === 'number' && typeof d === 'number' && typeof st === 'number' && !(d - st < r && r < d + st);
  });
  return { sizes: requested, defaults, outOfRange };
}

/** PyTorch's words for an unpool output_size out of range, with the input it came from. */
export function unpoolRangeMessage(kind: string, axis: number, defaultSize: Dim, stride: Dim, got: Dim, origin: string): string {
  return `${kind}: invalid output_size ${dimToString(got)} on spatial axis ${axis}: it must be between ${dimToString(sub(defaultSize, stride))} and ${dimToString(add(defaultSize, stride))} (exclusive) for the input ${origin}`;
}
