// The PyTorch → Keras layer table: for one PyTorch layer or operation record, the Keras layers
// that compute the same function on channels-last tensors.
//
// Each record becomes a list of Keras layer constructors applied one after the other (the first to
// the record's input, or to the list of its inputs for a merge), plus the layout its inputs must
// be in and the layout of its result: `cl` (channels last: PyTorch's axis 1 moved to the end) or
// `id` (the PyTorch order, for Dense, LSTM, Flatten and Reshape). Moving between the two (Permute
// layers), naming, sharing and the model's text are left to keras.ts. A record with no faithful
// equivalent still gets code, with a TODO that the caller reports as a warning. Pure, never throws.

import type { LayerRecord } from '../analysis/result';
import { operationArgs, recordText } from '../confirm/op-args';
import { equalDims, product, type Dim } from '../shapes/dim';
import { normAxis } from '../shapes/shape';
import type { Shape } from '../shapes/types';
import { pyFloat } from './parts';

/** Where a Keras tensor keeps PyTorch's channel axis: moved last (`cl`) or where PyTorch has it (`id`). */
export type KerasLayout = 'cl' | 'id';

/** How the verify script moves a PyTorch module's parameters into a Keras layer. */
export type KerasPortKind = 'conv' | 'conv_transpose' | 'depthwise' | 'dense' | 'batchnorm' | 'layernorm' | 'embedding' | 'lstm' | 'gru' | 'rnn';

export interface KerasPart {
  /** The constructor, e.g. `layers.Conv2D(6, 5)`. */
  code: string;
  /** Set on a layer that carries the PyTorch module's parameters. */
  port?: KerasPortKind;
  /** Which slice of the module's parameters (the layer of a stacked LSTM). */
  portInfo?: Record<string, unknown>;
}

export interface KerasConversion {
  parts: KerasPart[];
  /** The layout the inputs must be in; `any`: whatever the first input has (the others follow it). */
  wants: KerasLayout | 'any';
  /** The layout of the result; by default the one the inputs were in. */
  produces?: KerasLayout;
  /** Set when the code is not numerically the PyTorch record: shown as `# TODO` and reported. */
  todo?: string;
  /** A sentence for the line above (why a permute or a padding is there). */
  comment?: string;
  /** The merge layers (Add, Concatenate): the first part takes the list of inputs. */
  merge?: boolean;
}

export interface TorchRecordContext {
  record: LayerRecord;
  /** The source lines, for the arguments of operations (the records keep only their shapes). */
  lines: string[];
  /** The layout the record's first input arrives in. */
  inputLayout: KerasLayout;
  /** True when the first input is known to be non-negative (it comes out of a ReLU or sigmoid). */
  nonNegativeInput: boolean;
  /** A recurrent layer whose only consumer takes its last step: return_sequences=False on the last layer. */
  lastStepOnly?: boolean;
}

// ---------------------------------------------------------------- reading arguments

function num(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

/** An int-or-tuple argument as n numbers. */
function ints(v: unknown, n: number): number[] | null {
  if (typeof v === 'number') return Array(n).fill(v);
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return Array(n).fill(v[0]);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  return null;
}


// ---------------------------------------------------------------- Python text

/** `3` when all equal, `(3, 5)` otherwise. */
function intOrTuple(v: number[]): string {
  return v.every((x) => x === v[0]) ? String(v[0]) : `(${v.join(', ')})`;
}

function tupleText(v: (number | string)[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

/** Keyword arguments written only where they differ from Keras's default. */
function keywords(entries: [string, string | null][]): string {
  return entries.filter(([, v]) => v !== null).map(([k, v]) => `, ${k}=${v}`).join('');
}

/** Keras padding/cropping arguments from [before, after] per spatial axis: `1`, `(1, 2)` or `((0, 1), (0, 1))`. */
function pairsText(pads: [number, number][]): string {
  if (pads.every(([a, b]) => a === b)) return pads.length === 1 ? String(pads[0][0]) : intOrTuple(pads.map(([a]) => a));
  if (pads.length === 1) return `(${pads[0][0]}, ${pads[0][1]})`;
  return `(${pads.map(([a, b]) => `(${a}, ${b})`).join(', ')})`;
}

// ---------------------------------------------------------------- layouts

/** The Keras axis of a PyTorch axis, for a tensor of this rank (batch included) in this layout. */
export function kerasAxis(torchAxis: number, rank: number, layout: KerasLayout): number | null {
  const a = normAxis(torchAxis, rank);
  if (a === null) return null;
  if (layout === 'id' || rank <= 2 || a === 0) return a;
  return a === 1 ? -1 : a - 1;
}

/** A PyTorch shape in a Keras layout. */
export function kerasShape(s: Shape, layout: KerasLayout): Shape {
  if (!s || layout === 'id' || s.length <= 2) return s;
  return [s[0], ...s.slice(2), s[1]];
}

/** The Permute layer that takes a tensor of this rank from one layout to the other. */
export function permuteCode(rank: number, from: KerasLayout): string {
  const inner = Array.from({ length: rank - 1 }, (_, i) => i + 1);
  // Keras Permute numbers the axes from 1, batch excluded: output axis i reads input axis dims[i].
  const dims = from === 'cl' ? [rank - 1, ...inner.slice(0, -1)] : [...inner.slice(1), 1];
  return `layers.Permute(${tupleText(dims)})`;
}

// ---------------------------------------------------------------- activations

/** Keras layers for PyTorch's elementwise activations, by module kind and by function name. */
function activation(kind: string, a: Record<string, unknown>): { code: string; todo?: string } | null {
  switch (kind) {
    case 'ReLU':
    case 'relu':
    case 'relu_':
      return { code: 'layers.ReLU()' };
    case 'ReLU6':
    case 'relu6':
      return { code: 'layers.ReLU(max_value=6.0)' };
    case 'LeakyReLU':
    case 'leaky_relu':
    case 'leaky_relu_': {
      const slope = a.negative_slope === undefined || a.negative_slope === null ? 0.01 : num(a.negative_slope);
      if (slope === null) return { code: 'layers.LeakyReLU(negative_slope=0.01)', todo: 'the negative slope is not a constant' };
      return { code: `layers.LeakyReLU(negative_slope=${pyFloat(slope)})` };
    }
    case 'Sigmoid':
    case 'sigmoid':
    case 'sigmoid_':
      return { code: 'layers.Activation("sigmoid")' };
    case 'Tanh':
    case 'tanh':
    case 'tanh_':
      return { code: 'layers.Activation("tanh")' };
    case 'GELU':
    case 'gelu':
      if (a.approximate === 'tanh') return { code: 'layers.Activation("gelu")', todo: "GELU(approximate='tanh'): the Activation layer computes the exact GELU" };
      return { code: 'layers.Activation("gelu")' };
    case 'SiLU':
    case 'silu':
      return { code: 'layers.Activation("silu")' };
    case 'ELU':
    case 'elu': {
      const alpha = num(a.alpha) ?? 1;
      return { code: alpha === 1 ? 'layers.ELU()' : `layers.ELU(alpha=${pyFloat(alpha)})` };
    }
    case 'Softplus':
      return (num(a.beta) ?? 1) === 1 ? { code: 'layers.Activation("softplus")' } : { code: 'layers.Activation("softplus")', todo: 'Softplus with beta ≠ 1 has no Keras argument' };
    case 'Softsign':
      return { code: 'layers.Activation("softsign")' };
    case 'SELU':
    case 'selu':
      return { code: 'layers.Activation("selu")' };
  }
  return null;
}

// ---------------------------------------------------------------- windows

interface WindowArgs {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceil: boolean;
}

/** PyTorch's output size of a window op (conv/pool), with ceil_mode's rule that the last window starts inside the input or its left padding. */
function torchWindowOut(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  if (!ceil) return Math.floor(span / s) + 1;
  let out = Math.ceil(span / s) + 1;
  if ((out - 1) * s >= size + p) out--;
  return out;
}

/** True when TensorFlow's 'same' padding puts the windows exactly where PyTorch's do (the padding value aside). */
function sameIsEquivalent(spatial: Dim[], w: WindowArgs): boolean {
  return spatial.every((size, i) => {
    const k = w.kernel[i];
    const s = w.stride[i];
    const d = w.dilation[i];
    const p = w.padding[i];
    if (typeof size !== 'number') return s === 1 && (d * (k - 1)) % 2 === 0 && p === (d * (k - 1)) / 2 && !w.ceil;
    const outSame = Math.ceil(size / s);
    const total = Math.max((outSame - 1) * s + d * (k - 1) + 1 - size, 0);
    return Math.floor(total / 2) === p && torchWindowOut(size, k, s, p, d, w.ceil) === outSame;
  });
}

/** True when PyTorch's ceil_mode gives the same sizes as floor here. */
function ceilChangesNothing(spatial: Dim[], w: WindowArgs): boolean {
  if (!w.ceil) return true;
  return spatial.every((size, i) => typeof size === 'number' && torchWindowOut(size, w.kernel[i], w.stride[i], w.padding[i], w.dilation[i], true) === torchWindowOut(size, w.kernel[i], w.stride[i], w.padding[i], w.dilation[i], false));
}

function spatialOf(s: Shape, n: number): Dim[] {
  return s && s.length >= n + 1 ? s.slice(s.length - n) : Array(n).fill(null);
}

function zeroPadding(n: number, padding: number[]): string {
  return `layers.ZeroPadding${n}D(${pairsText(padding.map((p) => [p, p]))})`;
}

// ---------------------------------------------------------------- the table

const PASS_THROUGH = new Set(['Identity', 'contiguous', 'clone', 'detach', 'float', 'to', 'cpu', 'cuda', 'type']);

/** Records that compute nothing: their value is their input. */
export function isPassThrough(record: LayerRecord): boolean {
  return PASS_THROUGH.has(record.kind) && record.input.length === 1;
}

/** Converts one PyTorch record into Keras parts. */
export function convertTorchRecord(ctx: TorchRecordContext): KerasConversion {
  const r = ctx.record;
  const a: Record<string, unknown> = r.module ? { ...(r.args ?? {}) } : operationArgs(r, ctx.lines);
  const input = r.input[0] ?? null;
  const rank = input ? input.length : null;

  const act = activation(r.kind, a);
  if (act) return { parts: [{ code: act.code }], wants: 'any', todo: act.todo };

  const conv = /^(Lazy)?Conv([123])d$/.exec(r.kind);
  if (conv) return convolution(ctx, a, Number(conv[2]));
  const transpose = /^(Lazy)?ConvTranspose([123])d$/.exec(r.kind);
  if (transpose) return convolutionTranspose(ctx, a, Number(transpose[2]));
  const pool = /^(Max|Avg)Pool([123])d$/.exec(r.kind) ?? /^(max|avg)_pool([123])d$/.exec(r.kind);
  if (pool) return pooling(ctx, a, pool[1].toLowerCase() === 'max' ? 'Max' : 'Average', Number(pool[2]));
  const adaptive = /^Adaptive(Max|Avg)Pool([123])d$/.exec(r.kind) ?? /^adaptive_(max|avg)_pool([123])d$/.exec(r.kind);
  if (adaptive) return adaptivePooling(ctx, a, adaptive[1].toLowerCase() === 'max' ? 'Max' : 'Average', Number(adaptive[2]));
  const norm = /^(Lazy)?BatchNorm([123])d$/.exec(r.kind);
  if (norm) return batchNorm(a, rank);

  switch (r.kind) {
    case 'Linear':
    case 'LazyLinear':
      return { parts: [{ code: `layers.Dense(${a.out_features}${keywords([['use_bias', a.bias === false ? 'False' : null]])})`, port: 'dense' }], wants: 'id', comment: rank !== null && rank > 2 && ctx.inputLayout === 'cl' ? 'Linear acts on the last PyTorch axis: the channels go back to axis 1 first' : undefined };
    case 'Flatten':
    case 'flatten':
    case 'view':
    case 'reshape':
    case 'Unflatten':
    case 'unflatten':
      return reshape(ctx);
    case 'Dropout':
      return { parts: [{ code: `layers.Dropout(${pyFloat(num(a.p) ?? 0.5)})` }], wants: 'any' };
    case 'Dropout1d':
    case 'Dropout2d':
    case 'Dropout3d': {
      const n = rank !== null ? rank - 2 : Number(r.kind[7]);
      return { parts: [{ code: `layers.SpatialDropout${n}D(${pyFloat(num(a.p) ?? 0.5)})` }], wants: 'cl' };
    }
    case 'dropout': {
      const p = num(a.p) ?? 0.5;
      const training = a.training;
      return { parts: [{ code: `layers.Dropout(${pyFloat(p)})` }], wants: 'any', comment: training === undefined ? 'F.dropout without training=self.training drops at inference too; Keras Dropout acts in training only' : undefined };
    }
    case 'Softmax':
    case 'LogSoftmax':
    case 'softmax':
    case 'log_softmax':
      return softmax(ctx, a);
    case 'add':
    case 'add_':
    case 'iadd':
    case 'sub':
    case 'sub_':
    case 'mul':
    case 'mul_':
      return elementwise(ctx);
    case 'cat':
    case 'concat':
    case 'concatenate':
      return concatenate(ctx, a);
    case 'mean':
      return mean(ctx, a);
    case 'Upsample':
    case 'interpolate':
      return upsample(ctx, a);
    case 'ZeroPad2d':
      return zeroPad2d(a);
    case 'Embedding':
      return embedding(a);
    case 'LayerNorm':
      return layerNorm(a);
    case 'LSTM':
    case 'GRU':
    case 'RNN':
      return recurrent(ctx, a);
    case 'permute':
    case 'transpose':
      return permute(ctx, a);
    case '__getitem__':
      return lastStep(ctx);
  }
  return todo(`${r.module ? 'nn.' : 'the operation '}${r.kind} is not converted yet`);
}

function todo(reason: string, wants: KerasLayout | 'any' = 'any'): KerasConversion {
  return { parts: [{ code: 'layers.Identity()' }], wants, todo: reason };
}

function convolution(ctx: TorchRecordContext, a: Record<string, unknown>, n: number): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  if (input && input.length === n + 1) return todo(`${r.kind} on an unbatched input: Keras layers always have a batch axis`, 'cl');
  const inChannels = num(a.in_channels) ?? (input ? num(input[1]) : null);
  const filters = num(a.out_channels);
  const kernel = ints(a.kernel_size, n);
  const stride = ints(a.stride, n) ?? Array(n).fill(1);
  const dilation = ints(a.dilation, n) ?? Array(n).fill(1);
  const groups = num(a.groups) ?? 1;
  if (filters === null || kernel === null) return todo(`${r.kind}: out_channels or kernel_size is not a constant`, 'cl');
  const todos: string[] = [];
  if (a.padding_mode !== undefined && a.padding_mode !== 'zeros') todos.push(`padding_mode='${a.padding_mode}' has no Keras padding layer; zeros are used`);
  if (stride.some((s) => s !== 1) && dilation.some((d) => d !== 1)) todos.push('Keras refuses strides > 1 together with dilation_rate > 1');
  const parts: KerasPart[] = [];
  let padding = 'valid';
  if (a.padding === 'same') padding = 'same';
  else if (a.padding !== 'valid') {
    const pads = ints(a.padding, n);
    if (pads === null) return todo(`${r.kind}: the padding is not a constant`, 'cl');
    const same = stride.every((s) => s === 1) && pads.every((p, i) => (dilation[i] * (kernel[i] - 1)) % 2 === 0 && p === (dilation[i] * (kernel[i] - 1)) / 2);
    if (same && pads.some((p) => p > 0)) padding = 'same';
    else if (pads.some((p) => p > 0)) parts.push({ code: zeroPadding(n, pads) });
  }
  const common = keywords([
    ['strides', stride.some((s) => s !== 1) ? intOrTuple(stride) : null],
    ['padding', padding === 'valid' ? null : `"${padding}"`],
    ['dilation_rate', dilation.some((d) => d !== 1) ? intOrTuple(dilation) : null],
  ]);
  const bias = keywords([['use_bias', a.bias === false ? 'False' : null]]);
  if (groups > 1 && inChannels !== null && groups === inChannels && filters % inChannels === 0 && n === 2) {
    const multiplier = filters / inChannels;
    parts.push({ code: `layers.DepthwiseConv2D(${intOrTuple(kernel)}${common}${keywords([['depth_multiplier', multiplier === 1 ? null : String(multiplier)]])}${bias})`, port: 'depthwise', portInfo: { channels: inChannels } });
  } else {
    parts.push({ code: `layers.Conv${n}D(${filters}, ${intOrTuple(kernel)}${common}${keywords([['groups', groups === 1 ? null : String(groups)]])}${bias})`, port: 'conv' });
  }
  return { parts, wants: 'cl', todo: todos.join('; ') || undefined };
}

function convolutionTranspose(ctx: TorchRecordContext, a: Record<string, unknown>, n: number): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  if (input && input.length === n + 1) return todo(`${r.kind} on an unbatched input: Keras layers always have a batch axis`, 'cl');
  const filters = num(a.out_channels);
  const kernel = ints(a.kernel_size, n);
  const stride = ints(a.stride, n) ?? Array(n).fill(1);
  const pads = ints(a.padding, n) ?? Array(n).fill(0);
  const outputPadding = ints(a.output_padding, n) ?? Array(n).fill(0);
  const dilation = ints(a.dilation, n) ?? Array(n).fill(1);
  if (filters === null || kernel === null) return todo(`${r.kind}: out_channels or kernel_size is not a constant`, 'cl');
  if ((num(a.groups) ?? 1) !== 1) return todo(`${r.kind} with groups has no Keras Conv${n}DTranspose equivalent`, 'cl');
  if (dilation.some((d) => d !== 1)) return todo(`${r.kind} with dilation is not converted yet`, 'cl');
  // Keras 'valid' gives (in − 1)·s + k + output_padding when output_padding is set, and
  // in·s + max(k − s, 0) when it is not: set it wherever the two differ from PyTorch's formula.
  const needsOutputPadding = outputPadding.some((p) => p !== 0) || kernel.some((k, i) => k < stride[i]);
  const parts: KerasPart[] = [
    {
      code: `layers.Conv${n}DTranspose(${filters}, ${intOrTuple(kernel)}${keywords([
        ['strides', stride.some((s) => s !== 1) ? intOrTuple(stride) : null],
        ['output_padding', needsOutputPadding ? intOrTuple(outputPadding) : null],
        ['use_bias', a.bias === false ? 'False' : null],
      ])})`,
      port: 'conv_transpose',
    },
  ];
  if (pads.some((p) => p > 0)) parts.push({ code: `layers.Cropping${n}D(${pairsText(pads.map((p) => [p, p]))})` });
  return { parts, wants: 'cl', comment: pads.some((p) => p > 0) ? "PyTorch's padding of a transposed convolution crops its output" : undefined };
}

function pooling(ctx: TorchRecordContext, a: Record<string, unknown>, type: 'Max' | 'Average', n: number): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  if (input && input.length === n + 1) return todo(`${r.kind} on an unbatched input: Keras layers always have a batch axis`, 'cl');
  const kernel = ints(a.kernel_size, n);
  if (kernel === null) return todo(`${r.kind}: kernel_size is not a constant`, 'cl');
  const w: WindowArgs = {
    kernel,
    stride: a.stride === undefined || a.stride === null || (Array.isArray(a.stride) && a.stride.length === 0) ? kernel : ints(a.stride, n) ?? kernel,
    padding: ints(a.padding ?? 0, n) ?? Array(n).fill(0),
    dilation: ints(a.dilation ?? 1, n) ?? Array(n).fill(1),
    ceil: a.ceil_mode === true,
  };
  if (w.dilation.some((d) => d !== 1)) return todo(`${r.kind} with dilation has no Keras pooling equivalent`, 'cl');
  if (a.divisor_override !== undefined && a.divisor_override !== null) return todo(`${r.kind} with divisor_override has no Keras equivalent`, 'cl');
  const spatial = spatialOf(input, n);
  const args = (padding: string) => `${intOrTuple(kernel)}${keywords([
    ['strides', w.stride.every((s, i) => s === kernel[i]) ? null : intOrTuple(w.stride)],
    ['padding', padding === 'valid' ? null : `"${padding}"`],
  ])}`;
  const layer = `layers.${type}Pooling${n}D`;
  const padded = w.padding.some((p) => p > 0);
  const ceilHarmless = ceilChangesNothing(spatial, w);
  if (!padded && ceilHarmless) return { parts: [{ code: `${layer}(${args('valid')})` }], wants: 'cl' };
  const countPad = a.count_include_pad !== false;
  // TensorFlow's 'same' ignores the padded cells: PyTorch's −∞ padding of a max pool, and an average without count_include_pad.
  if ((type === 'Max' || !countPad || !padded) && sameIsEquivalent(spatial, w)) {
    return { parts: [{ code: `${layer}(${args('same')})` }], wants: 'cl', comment: w.ceil ? 'ceil_mode: TensorFlow\'s "same" windows are PyTorch\'s here' : undefined };
  }
  if (!ceilHarmless) return todo(`${r.kind} with ceil_mode=True: no Keras padding gives PyTorch's windows for this input size`, 'cl');
  if (type === 'Average' && countPad) {
    return { parts: [{ code: zeroPadding(n, w.padding) }, { code: `${layer}(${args('valid')})` }], wants: 'cl', comment: 'count_include_pad=True: the zero padding counts in the average, as in PyTorch' };
  }
  if (type === 'Max' && ctx.nonNegativeInput) {
    return { parts: [{ code: zeroPadding(n, w.padding) }, { code: `${layer}(${args('valid')})` }], wants: 'cl', comment: "zero padding acts as PyTorch's −∞ padding here: the input is non-negative" };
  }
  return { parts: [{ code: zeroPadding(n, w.padding) }, { code: `${layer}(${args('valid')})` }], wants: 'cl', todo: type === 'Max' ? "PyTorch pads a max pool with −∞, ZeroPadding with 0: they differ where the input is negative" : 'count_include_pad=False: PyTorch averages over the real cells only' };
}

function adaptivePooling(ctx: TorchRecordContext, a: Record<string, unknown>, type: 'Max' | 'Average', n: number): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  if (input && input.length === n + 1) return todo(`${r.kind} on an unbatched input: Keras layers always have a batch axis`, 'cl');
  const spatial = spatialOf(input, n);
  const raw = a.output_size;
  const sizes = (Array.isArray(raw) ? raw : Array(n).fill(raw)).map((o, i) => (o === null ? spatial[i] : o));
  if (sizes.every((o) => o === 1)) return { parts: [{ code: `layers.Global${type}Pooling${n}D(keepdims=True)` }], wants: 'cl' };
  if (sizes.every((o, i) => typeof o === 'number' && typeof spatial[i] === 'number' && (spatial[i] as number) % o === 0)) {
    const windows = sizes.map((o, i) => (spatial[i] as number) / (o as number));
    return { parts: [{ code: `layers.${type}Pooling${n}D(${intOrTuple(windows)})` }], wants: 'cl', comment: 'the input size is a multiple of the output size: adaptive pooling is a plain pooling here' };
  }
  return todo(`${r.kind}: the input size ${spatial.join('×')} is not a multiple of the output size, which Keras pooling cannot express`, 'cl');
}

function batchNorm(a: Record<string, unknown>, rank: number | null): KerasConversion {
  const momentum = a.momentum === null ? null : num(a.momentum) ?? 0.1;
  const affine = a.affine !== false;
  const code = `layers.BatchNormalization(${[
    `epsilon=${pyFloat(num(a.eps) ?? 1e-5)}`,
    `momentum=${pyFloat(momentum === null ? 0.9 : 1 - momentum)}`,
    ...(affine ? [] : ['center=False', 'scale=False']),
  ].join(', ')})`;
  const todos: string[] = [];
  if (a.track_running_stats === false) todos.push('track_running_stats=False normalises with the batch statistics at inference too');
  return {
    parts: [{ code, port: 'batchnorm', portInfo: { affine } }],
    wants: rank !== null && rank <= 2 ? 'id' : 'cl',
    comment: momentum === null ? "momentum=None (a cumulative average) has no Keras form; Keras's momentum 0.9 is PyTorch's 0.1" : undefined,
    todo: todos.join('; ') || undefined,
  };
}

function layerNorm(a: Record<string, unknown>): KerasConversion {
  const shape = Array.isArray(a.normalized_shape) ? a.normalized_shape : [a.normalized_shape];
  const axes = shape.map((_, i) => -shape.length + i);
  const affine = a.elementwise_affine !== false;
  const parts = [`axis=${axes.length === 1 ? axes[0] : tupleText(axes)}`, `epsilon=${pyFloat(num(a.eps) ?? 1e-5)}`];
  if (!affine) parts.push('center=False', 'scale=False');
  else if (a.bias === false) parts.push('center=False');
  return { parts: [{ code: `layers.LayerNormalization(${parts.join(', ')})`, port: 'layernorm', portInfo: { affine, bias: affine && a.bias !== false } }], wants: 'id' };
}

function embedding(a: Record<string, unknown>): KerasConversion {
  const conversion: KerasConversion = { parts: [{ code: `layers.Embedding(${a.num_embeddings}, ${a.embedding_dim})`, port: 'embedding' }], wants: 'id' };
  if (a.max_norm !== undefined && a.max_norm !== null) conversion.todo = 'max_norm renormalises the looked-up rows; Keras Embedding has no such argument';
  return conversion;
}

/** Flatten, view, reshape and unflatten: Flatten for (N, everything else), Reshape for the rest. */
function reshape(ctx: TorchRecordContext): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  const output = Array.isArray(r.output) || r.output === null ? (r.output as Shape) : null;
  if (!input || !output) return todo(`${r.kind}: the shapes are not known`, 'id');
  const sameBatch = equalDims(input[0], output[0]) === true || (input[0] === null && output[0] === null);
  const permuted = input.length > 2 && ctx.inputLayout === 'cl';
  const comment = permuted ? 'PyTorch flattens channels-first: the Permute keeps the order of the features, so ported Linear weights give the same outputs' : undefined;
  if (output.length === 2 && input.length >= 2 && (sameBatch || equalDims(output[1], product(input.slice(1))) === true)) {
    if (input.length === 2) return { parts: [], wants: 'any' };
    return { parts: [{ code: 'layers.Flatten()' }], wants: 'id', comment };
  }
  if (output.length >= 2 && sameBatch && output.slice(1).every((d) => typeof d === 'number')) {
    return { parts: [{ code: `layers.Reshape(${tupleText(output.slice(1) as number[])})` }], wants: 'id', produces: 'id', comment };
  }
  return todo(`${r.kind} to ${JSON.stringify(output)} changes the batch axis or has sizes that are not known`, 'id');
}

function softmax(ctx: TorchRecordContext, a: Record<string, unknown>): KerasConversion {
  const r = ctx.record;
  const rank = r.input[0]?.length ?? null;
  const dim = num(a.dim);
  const log = /log/i.test(r.kind);
  if (dim === null || rank === null) return todo(`${r.kind} without a constant dim: PyTorch's implicit choice of axis is not converted`);
  const axis = kerasAxis(dim, rank, ctx.inputLayout);
  if (axis === null) return todo(`${r.kind}: dim ${dim} is outside the tensor`);
  const last = axis === -1 || axis === rank - 1;
  if (log) return last ? { parts: [{ code: 'layers.Activation("log_softmax")' }], wants: 'any' } : todo(`${r.kind} over an axis other than the last: the log_softmax activation takes the last axis`);
  return { parts: [{ code: last ? 'layers.Softmax()' : `layers.Softmax(axis=${axis})` }], wants: 'any' };
}

function fromTensors(r: LayerRecord): boolean {
  return r.inputsFrom.every((k, i) => k >= 0 || r.modelInputs[i] >= 0);
}

function elementwise(ctx: TorchRecordContext): KerasConversion {
  const r = ctx.record;
  const layer = r.kind.startsWith('add') || r.kind === 'iadd' ? 'Add' : r.kind.startsWith('sub') ? 'Subtract' : 'Multiply';
  if (r.input.length !== 2 || !fromTensors(r)) return todo(`${r.kind} with a number or an untraced tensor is not converted yet (a Lambda layer would do)`);
  const [x, y] = r.input;
  const same = x && y && x.length === y.length && x.every((d, i) => equalDims(d, y[i]) !== false);
  if (!same) return todo(`${r.kind} with broadcasting is not converted yet: Keras merge layers take equal shapes`);
  return { parts: [{ code: `layers.${layer}()` }], wants: 'any', merge: true };
}

function concatenate(ctx: TorchRecordContext, a: Record<string, unknown>): KerasConversion {
  const r = ctx.record;
  const rank = r.input[0]?.length ?? null;
  const dim = a.dim === undefined ? 0 : num(a.dim);
  if (!fromTensors(r)) return todo(`${r.kind} of a tensor the analysis did not trace`);
  if (dim === null || rank === null) return todo(`${r.kind}: dim is not a constant`);
  const axis = kerasAxis(dim, rank, ctx.inputLayout);
  if (axis === 0 || axis === null) return todo(`${r.kind} along the batch axis has no Keras layer`);
  if (r.input.length === 1) return { parts: [], wants: 'any' };
  return { parts: [{ code: axis === -1 || axis === rank - 1 ? 'layers.Concatenate()' : `layers.Concatenate(axis=${axis})` }], wants: 'any', merge: true };
}

function mean(ctx: TorchRecordContext, a: Record<string, unknown>): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  if (!input) return todo('mean: the input shape is not known');
  const rank = input.length;
  const dims = a.dim === undefined ? null : Array.isArray(a.dim) ? a.dim : [a.dim];
  const keep = a.keepdim === true;
  const axes = dims === null ? null : dims.map((d) => (typeof d === 'number' ? normAxis(d, rank) : null));
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  if (rank >= 3 && rank <= 5 && axes && axes.length === spatial.length && spatial.every((d) => axes.includes(d))) {
    return { parts: [{ code: `layers.GlobalAveragePooling${rank - 2}D(${keep ? 'keepdims=True' : ''})` }], wants: 'cl', produces: keep ? 'cl' : 'id' };
  }
  return todo('mean over axes other than all the spatial ones is not converted yet');
}

function upsample(ctx: TorchRecordContext, a: Record<string, unknown>): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  const output = Array.isArray(r.output) ? (r.output as Shape) : null;
  if (!input || input.length !== 4 || !output) return todo(`${r.kind}: only 2-D (N, C, H, W) upsampling is converted`, 'cl');
  const mode = typeof a.mode === 'string' ? a.mode : 'nearest';
  const factors = [2, 3].map((i) => (typeof input[i] === 'number' && typeof output[i] === 'number' && (output[i] as number) % (input[i] as number) === 0 ? (output[i] as number) / (input[i] as number) : null));
  if (factors.every((f) => f !== null)) {
    const size = intOrTuple(factors as number[]);
    if (mode === 'nearest') return { parts: [{ code: `layers.UpSampling2D(${size})` }], wants: 'cl' };
    if (mode === 'bilinear' && a.align_corners !== true) return { parts: [{ code: `layers.UpSampling2D(${size}, interpolation="bilinear")` }], wants: 'cl' };
  }
  // Any size: tf.image.resize's half-pixel bilinear is PyTorch's bilinear without align_corners, its nearest PyTorch's nearest-exact.
  const [h, w] = [output[2], output[3]];
  const resize: Record<string, string> = { bilinear: 'bilinear', 'nearest-exact': 'nearest' };
  if (typeof h === 'number' && typeof w === 'number' && resize[mode] && a.align_corners !== true && a.antialias !== true) return { parts: [{ code: `layers.Resizing(${h}, ${w}, interpolation="${resize[mode]}")` }], wants: 'cl' };
  if (mode === 'nearest') return todo(`${r.kind}: PyTorch's 'nearest' to a size that is not a multiple takes pixel floor(i·in/out), which no Keras layer does (Resizing's nearest is PyTorch's 'nearest-exact')`, 'cl');
  return todo(`${r.kind} mode='${mode}'${a.align_corners === true ? ' with align_corners=True' : ''} has no Keras equivalent (TensorFlow's resize kernels and pixel centres differ)`, 'cl');
}

function zeroPad2d(a: Record<string, unknown>): KerasConversion {
  const p = a.padding;
  const four = typeof p === 'number' ? [p, p, p, p] : Array.isArray(p) && p.length === 4 ? (p as number[]) : null;
  if (!four || !four.every((x) => typeof x === 'number' && x >= 0)) return todo('ZeroPad2d with negative or unknown padding is not converted yet', 'cl');
  const [left, right, top, bottom] = four;
  return { parts: [{ code: `layers.ZeroPadding2D(${pairsText([[top, bottom], [left, right]])})` }], wants: 'cl' };
}

function permute(ctx: TorchRecordContext, a: Record<string, unknown>): KerasConversion {
  const r = ctx.record;
  const rank = r.input[0]?.length ?? null;
  if (rank === null) return todo(`${r.kind}: the input shape is not known`, 'id');
  let order: number[] | null = null;
  if (r.kind === 'transpose') {
    const d0 = normAxis(num(a.dim0) ?? NaN, rank);
    const d1 = normAxis(num(a.dim1) ?? NaN, rank);
    if (d0 !== null && d1 !== null) {
      order = Array.from({ length: rank }, (_, i) => i);
      [order[d0], order[d1]] = [order[d1], order[d0]];
    }
  } else if (Array.isArray(a.dims) && a.dims.every((d) => typeof d === 'number')) order = (a.dims as number[]).map((d) => normAxis(d, rank) ?? -1);
  if (!order || order[0] !== 0) return todo(`${r.kind} that moves the batch axis or has unknown axes is not converted`, 'id');
  return { parts: [{ code: `layers.Permute(${tupleText(order.slice(1))})` }], wants: 'id', produces: 'id' };
}

/** `out[:, -1]` on a (N, T, F) sequence: the last step, cropped out and flattened. (The backward half of a bidirectional output at the last step is its first step, which Keras's return_sequences=False does not give.) */
function lastStep(ctx: TorchRecordContext): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  const steps = input && input.length === 3 ? input[1] : null;
  if (!isLastStep(r, ctx.lines) || typeof steps !== 'number') return todo('indexing is not converted yet', 'id');
  return { parts: [{ code: `layers.Cropping1D((${steps - 1}, 0))` }, { code: 'layers.Flatten()' }], wants: 'id', comment: 'out[:, -1]: the last time step' };
}

/** nn.LSTM / nn.GRU / nn.RNN, batch-first, as one Keras layer per stacked layer. */
function recurrent(ctx: TorchRecordContext, a: Record<string, unknown>): KerasConversion {
  const r = ctx.record;
  const input = r.input[0] ?? null;
  if (a.batch_first !== true) return todo(`${r.kind} with batch_first=False reads (time, batch, features); Keras layers read batch first`, 'id');
  if (input && input.length !== 3) return todo(`${r.kind} on an unbatched input: Keras layers always have a batch axis`, 'id');
  if ((num(a.proj_size) ?? 0) > 0) return todo('LSTM proj_size has no Keras equivalent', 'id');
  const hidden = num(a.hidden_size);
  const layersCount = num(a.num_layers) ?? 1;
  if (hidden === null) return todo(`${r.kind}: hidden_size is not a constant`, 'id');
  const keras = r.kind === 'RNN' ? 'SimpleRNN' : r.kind;
  const port: KerasPortKind = r.kind === 'LSTM' ? 'lstm' : r.kind === 'GRU' ? 'gru' : 'rnn';
  const dropout = num(a.dropout) ?? 0;
  const parts: KerasPart[] = [];
  for (let l = 0; l < layersCount; l++) {
    const sequences = l < layersCount - 1 || !ctx.lastStepOnly;
    const options = keywords([
      ['activation', r.kind === 'RNN' && a.nonlinearity === 'relu' ? '"relu"' : null],
      ['use_bias', a.bias === false ? 'False' : null],
      ['return_sequences', sequences ? 'True' : null],
    ]);
    const inner = `layers.${keras}(${hidden}${options})`;
    parts.push({ code: a.bidirectional === true ? `layers.Bidirectional(${inner})` : inner, port, portInfo: { layer: l, bidirectional: a.bidirectional === true } });
    if (dropout > 0 && l < layersCount - 1) parts.push({ code: `layers.Dropout(${pyFloat(dropout)})` });
  }
  const notes: Record<string, string | undefined> = {
    LSTM: 'Keras orders the LSTM gates i, f, c, o like PyTorch: kernel = weight_ih.T, recurrent_kernel = weight_hh.T, bias = bias_ih + bias_hh',
    GRU: "Keras GRU(reset_after=True) is PyTorch's GRU, with the gates z, r, h where PyTorch has r, z, n",
  };
  return { parts, wants: 'id', comment: notes[r.kind] };
}

/** For `out[:, -1]` / `out[:, -1, :]` on a recurrent output: true (the last step). */
export function isLastStep(record: LayerRecord, lines: string[]): boolean {
  return record.kind === '__getitem__' && /\[\s*:\s*,\s*-1\s*(,\s*:\s*)?\]\s*$/.test(recordText(record, lines));
}

/** Kinds whose output is non-negative, so that zero padding equals −∞ padding for a max pool after them. */
export const NON_NEGATIVE_KINDS = new Set(['ReLU', 'relu', 'relu_', 'ReLU6', 'relu6', 'Sigmoid', 'sigmoid', 'Softmax', 'softmax']);

