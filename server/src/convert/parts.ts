// The vocabulary of the Keras → PyTorch layer table: what one converted Keras layer is made of
// (module parts built in __init__, expression parts applied in forward()), and the small readers
// and layout helpers that every layer family of the table shares: reading a bound argument,
// writing Python literals, and moving Keras's channels-last axes to PyTorch's channels-first ones.

import type { LayerRecord } from '../analysis/result';
import type { Dim } from '../shapes/dim';
import { normAxis } from '../shapes/shape';
import type { ArgValue, Shape } from '../shapes/types';

/** Where the channels sit in the Keras model: `last` (the Keras default) or `first` (data_format='channels_first'). */
export type Layout = 'last' | 'first';

/** How the weights of a Keras layer move into the PyTorch module(s): the layout conversions of load_keras_weights and the verify script. */
export type PortKind =
  | 'conv'
  | 'conv_transpose'
  | 'depthwise'
  | 'separable_depthwise'
  | 'separable_pointwise'
  | 'dense'
  | 'batchnorm'
  | 'layernorm'
  | 'prelu'
  | 'normalization'
  | 'embedding'
  | 'lstm'
  | 'gru'
  | 'rnn';

export interface ModulePart {
  type: 'module';
  /** A name stem for the attribute (`conv`, `pool`), used when the Keras layer has no name. */
  hint: string;
  /** The constructor call, e.g. `nn.Conv2d(1, 3, kernel_size=3, padding=1)`. */
  code: string;
  port?: PortKind;
  /** Applies the module to something other than the plain input (Dense on the last axis). `$m` is the module, `$x` the input. */
  apply?: string;
  /** Statements run in __init__ right after the module is built, `$m` standing for it (freezing a parameter). */
  init?: string[];
}

export interface ExprPart {
  type: 'expr';
  /** The expression; `$0`, `$1`, ... are the inputs (or `$x` for the single input). */
  code: string;
}

export type Part = ModulePart | ExprPart;

export interface ConvertedLayer {
  parts: Part[];
  /** A comment for the first line of this layer (why a permute is there). */
  comment?: string;
  /** Set when the code is not numerically the Keras layer: the reason, shown as `# TODO` and reported. */
  todo?: string;
  /** Extra information for the weight port (BatchNormalization center/scale, recurrent layouts). */
  portInfo?: Record<string, unknown>;
  /** Helper classes and functions the code uses (`ChannelsLastFlatten`), by name in helpers.ts. */
  helpers?: string[];
  /** Set when the layer is not converted at all (its code is a marked identity): shapes may differ past it. */
  unconverted?: boolean;
}

export interface LayerContext {
  record: LayerRecord;
  layout: Layout;
  /** True when the layer will sit in an nn.Sequential: it then needs module parts only. */
  sequential: boolean;
}

// ---------------------------------------------------------------- argument readers

export function arg(r: LayerRecord, name: string): ArgValue | undefined {
  return r.args?.[name];
}

/** True when the source wrote the argument (it is not the default filled in by the binding). */
export function given(r: LayerRecord, name: string): boolean {
  return r.given.includes(name);
}

export function num(v: ArgValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

export function str(v: ArgValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

/** An int-or-tuple argument expanded to n numbers. */
export function ints(v: ArgValue | undefined, n: number): number[] | null {
  if (typeof v === 'number') return Array(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return Array(n).fill(v[0]);
  return null;
}

/** Keras padding arguments of ZeroPadding/Cropping: `p`, `(a, b)` or `((t, b), (l, r))`, as [before, after] per axis. */
export function pairs(v: ArgValue | undefined, n: number): [number, number][] | null {
  if (typeof v === 'number') return Array.from({ length: n }, () => [v, v]);
  if (!Array.isArray(v)) return null;
  if (n === 1 && v.length === 2 && v.every((x) => typeof x === 'number')) return [[v[0] as number, v[1] as number]];
  if (v.length !== n) return null;
  const out: [number, number][] = [];
  for (const e of v) {
    if (typeof e === 'number') out.push([e, e]);
    else if (Array.isArray(e) && e.length === 2 && typeof e[0] === 'number' && typeof e[1] === 'number') out.push([e[0], e[1]]);
    else return null;
  }
  return out;
}

export function joinTodo(a: string | undefined, b: string | undefined): string | undefined {
  if (!b) return a;
  return a ? `${a}; ${b}` : b;
}

// ---------------------------------------------------------------- Python text

/** A Python float literal: `0.001`, `1e-05`, `0.5`, `1.0`. */
export function pyFloat(v: number): string {
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "float('-inf')";
  const rounded = Number(v.toPrecision(12));
  const s = rounded !== 0 && Math.abs(rounded) < 1e-4 ? rounded.toExponential().replace('e-', 'e-0').replace(/e-0(\d\d)/, 'e-$1') : String(rounded);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** A size that may be an int or a tuple: `3` when all equal, `(3, 5)` otherwise. */
export function intOrTuple(v: number[]): string {
  return v.every((x) => x === v[0]) ? String(v[0]) : `(${v.join(', ')})`;
}

export function tuple(v: (number | string)[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

export function dimText(d: Dim): string | null {
  return typeof d === 'number' ? String(d) : null;
}

// ---------------------------------------------------------------- layout helpers

/** The rank of a shape (with the batch axis), or null. */
export function rankOf(s: Shape): number | null {
  return s ? s.length : null;
}

/** The Keras axis index (normalised) that holds the channels of a tensor of this rank. */
export function kerasChannelAxis(rank: number, layout: Layout): number {
  return layout === 'first' || rank <= 2 ? 1 : rank - 1;
}

/** The PyTorch axis of a Keras axis, after channels moved to axis 1 (layout `last`, rank ≥ 3). */
export function torchAxis(kerasAxis: number, rank: number, layout: Layout): number {
  const a = normAxis(kerasAxis, rank) ?? kerasAxis;
  if (layout === 'first' || rank <= 2) return a;
  if (a === 0) return 0;
  if (a === rank - 1) return 1;
  return a + 1;
}

/** The permutation that takes a Keras tensor to its PyTorch layout: torch[j] = keras[perm[j]]. */
export function toTorchPermutation(rank: number, layout: Layout): number[] {
  const ids = Array.from({ length: rank }, (_, i) => i);
  if (layout === 'first' || rank <= 2) return ids;
  return [0, rank - 1, ...ids.slice(1, rank - 1)];
}

/** A Keras shape in the PyTorch layout of the converted model (channels second). */
export function torchShape(s: Shape, layout: Layout): Shape {
  if (!s) return s;
  return toTorchPermutation(s.length, layout).map((i) => s[i]);
}

export function channelsLast(layout: Layout, rank: number | null): boolean {
  return layout === 'last' && rank !== null && rank >= 3;
}

export function firstOutput(r: LayerRecord): Shape {
  return Array.isArray(r.output) || r.output === null ? (r.output as Shape) : null;
}

/** The spatial sizes of a Keras input (excluding batch and channels). */
export function spatialOf(s: Shape, layout: Layout, count: number): Dim[] {
  if (!s) return Array(count).fill(null);
  return layout === 'first' ? s.slice(2, 2 + count) : s.slice(1, 1 + count);
}

export function channelsOf(s: Shape, layout: Layout): Dim {
  if (!s) return null;
  return s[kerasChannelAxis(s.length, layout)];
}
