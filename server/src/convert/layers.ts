// The Keras → PyTorch layer table: for one Keras layer record, the PyTorch modules and forward
// expressions that compute the same function on the converted (channels-first) tensors.
//
// Each Keras layer becomes a list of parts: a part is either a module (constructed in __init__ or
// written into an nn.Sequential) or an expression applied in forward(). A layer with no faithful
// equivalent still gets code, marked with a TODO and reported as a warning by the caller. The
// arrangement of parts into a class, naming and the forward() text are left to pytorch.ts.

import type { Dim } from '../shapes/dim';
import { formatShape, normAxis } from '../shapes/shape';
import { tfSamePadding } from '../shapes/layers/conv';
import type { BoundArgs } from '../shapes/context';
import { LayerArg } from '../shapes/types';
import type { ArgValue, Shape } from '../shapes/types';
import type { LayerRecord } from '../analysis/result';

/** Where the channels sit in the Keras model: `last` (the Keras default) or `first` (data_format='channels_first'). */
export type Layout = 'last' | 'first';

/** How the verify script moves a Keras layer's weights into the PyTorch module(s). */
export type PortKind = 'conv' | 'conv_transpose' | 'depthwise' | 'separable_depthwise' | 'separable_pointwise' | 'dense' | 'batchnorm' | 'layernorm' | 'prelu' | 'embedding' | 'lstm' | 'gru' | 'rnn';

export interface ModulePart {
  type: 'module';
  /** A name stem for the attribute (`conv`, `pool`), used when the Keras layer has no name. */
  hint: string;
  /** The constructor call, e.g. `nn.Conv2d(1, 3, kernel_size=3, padding=1)`. */
  code: string;
  port?: PortKind;
  /** Applies the module to something other than the plain input (Dense on the last axis). `$m` is the module, `$x` the input. */
  apply?: string;
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
  /** Extra information for the weight port (BatchNormalization center/scale). */
  portInfo?: Record<string, unknown>;
  /** Helper classes the code uses (`ChannelsLastFlatten`). */
  helpers?: string[];
}

export interface LayerContext {
  record: LayerRecord;
  layout: Layout;
  /** True when the layer will sit in an nn.Sequential: it then needs module parts only. */
  sequential: boolean;
}

// ---------------------------------------------------------------- argument readers

function arg(r: LayerRecord, name: string): ArgValue | undefined {
  return r.args?.[name];
}

function num(v: ArgValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

function str(v: ArgValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

/** An int-or-tuple argument expanded to n numbers. */
function ints(v: ArgValue | undefined, n: number): number[] | null {
  if (typeof v === 'number') return Array(n).fill(v);
  if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return Array(n).fill(v[0]);
  return null;
}

/** Keras padding arguments of ZeroPadding/Cropping: `p`, `(a, b)` or `((t, b), (l, r))`, as [before, after] per axis. */
function pairs(v: ArgValue | undefined, n: number): [number, number][] | null {
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
function intOrTuple(v: number[]): string {
  return v.every((x) => x === v[0]) ? String(v[0]) : `(${v.join(', ')})`;
}

function tuple(v: (number | string)[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

function dimText(d: Dim): string | null {
  return typeof d === 'number' ? String(d) : null;
}

// ---------------------------------------------------------------- layout helpers

/** The rank of a shape (with the batch axis), or null. */
function rankOf(s: Shape): number | null {
  return s ? s.length : null;
}

/** The Keras axis index (normalised) that holds the channels of a tensor of this rank. */
function kerasChannelAxis(rank: number, layout: Layout): number {
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
function toTorchPermutation(rank: number, layout: Layout): number[] {
  const ids = Array.from({ length: rank }, (_, i) => i);
  if (layout === 'first' || rank <= 2) return ids;
  return [0, rank - 1, ...ids.slice(1, rank - 1)];
}

/** A Keras shape in the PyTorch layout of the converted model (channels second). */
export function torchShape(s: Shape, layout: Layout): Shape {
  if (!s) return s;
  return toTorchPermutation(s.length, layout).map((i) => s[i]);
}

function channelsLast(layout: Layout, rank: number | null): boolean {
  return layout === 'last' && rank !== null && rank >= 3;
}

// ---------------------------------------------------------------- activations

/** The PyTorch module for a Keras activation name applied on axis `dim`; null for `linear`. */
export function activationModule(name: string, dim: number): { code: string; todo?: string } | null {
  switch (name) {
    case 'linear':
    case 'None':
      return null;
    case 'relu':
      return { code: 'nn.ReLU()' };
    case 'relu6':
      return { code: 'nn.ReLU6()' };
    case 'sigmoid':
      return { code: 'nn.Sigmoid()' };
    case 'tanh':
      return { code: 'nn.Tanh()' };
    case 'softmax':
      return { code: `nn.Softmax(dim=${dim})` };
    case 'log_softmax':
      return { code: `nn.LogSoftmax(dim=${dim})` };
    case 'elu':
      return { code: 'nn.ELU()' };
    case 'selu':
      return { code: 'nn.SELU()' };
    case 'softplus':
      return { code: 'nn.Softplus()' };
    case 'softsign':
      return { code: 'nn.Softsign()' };
    case 'swish':
    case 'silu':
      return { code: 'nn.SiLU()' };
    case 'gelu':
      return { code: 'nn.GELU()' };
    case 'mish':
      return { code: 'nn.Mish()' };
    case 'leaky_relu':
      return { code: 'nn.LeakyReLU(0.2)' };
    case 'hard_sigmoid':
      return { code: 'nn.Hardsigmoid()', todo: 'Keras 2 hard_sigmoid is 0.2·x + 0.5; nn.Hardsigmoid is Keras 3 relu6(x + 3) / 6' };
    case 'hard_swish':
    case 'hard_silu':
      return { code: 'nn.Hardswish()' };
    default:
      return { code: 'nn.Identity()', todo: `activation '${name}' has no PyTorch equivalent here` };
  }
}

/** Parts for an `activation=` argument, appended after the layer. */
function activationArgument(ctx: LayerContext, out: ConvertedLayer): void {
  const name = str(arg(ctx.record, 'activation'));
  if (!name) return;
  const rank = rankOf(firstOutput(ctx.record)) ?? 2;
  const m = activationModule(name, torchAxis(-1, rank, ctx.layout));
  if (!m) return;
  out.parts.push({ type: 'module', hint: name === 'softmax' ? 'softmax' : 'act', code: m.code });
  if (m.todo) out.todo = joinTodo(out.todo, m.todo);
}

function joinTodo(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}

function firstOutput(r: LayerRecord): Shape {
  return Array.isArray(r.output) || r.output === null ? (r.output as Shape) : null;
}

// ---------------------------------------------------------------- padding

export interface SamePadding {
  /** [before, after] per spatial axis. */
  pads: [number, number][];
  /** Set when a size was unknown and symmetric padding was assumed. */
  assumed: boolean;
}

/** TensorFlow 'same' padding per spatial axis for the inferred input size. */
export function samePadding(spatial: Dim[], kernel: number[], stride: number[], dilation: number[]): SamePadding {
  let assumed = false;
  const pads = spatial.map((n, i): [number, number] => {
    const k = kernel[i];
    const s = stride[i];
    const d = dilation[i] ?? 1;
    if (s === 1) {
      const total = d * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }
    const p = tfSamePadding(n, k, s, d);
    if (typeof p.before === 'number' && typeof p.after === 'number') return [p.before, p.after];
    assumed = true;
    const half = Math.floor((d * (k - 1)) / 2);
    return [half, half];
  });
  return { pads, assumed };
}

/** PyTorch's padding tuple, last axis first: (left, right, top, bottom, ...). */
function torchPadTuple(pads: [number, number][]): string {
  const flat: number[] = [];
  for (let i = pads.length - 1; i >= 0; i--) flat.push(pads[i][0], pads[i][1]);
  return tuple(flat);
}

function padModule(rank: number, pads: [number, number][], value: string | null): string {
  const t = torchPadTuple(pads);
  if (value === null && rank === 2) return `nn.ZeroPad2d(${t})`;
  return `nn.ConstantPad${rank}d(${t}, ${value ?? '0.0'})`;
}

/** The spatial sizes of a Keras input (excluding batch and channels). */
function spatialOf(s: Shape, layout: Layout, count: number): Dim[] {
  if (!s) return Array(count).fill(null);
  return layout === 'first' ? s.slice(2, 2 + count) : s.slice(1, 1 + count);
}

function channelsOf(s: Shape, layout: Layout): Dim {
  if (!s) return null;
  return s[kerasChannelAxis(s.length, layout)];
}

// ---------------------------------------------------------------- the table

/** Converts one Keras layer record into PyTorch parts. */
export function convertLayer(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const m = /^(Conv|SeparableConv|DepthwiseConv|MaxPooling|AveragePooling|GlobalAveragePooling|GlobalMaxPooling|ZeroPadding|Cropping|UpSampling|SpatialDropout)([123])D(Transpose)?$/.exec(r.kind);
  if (m) {
    const n = Number(m[2]);
    const family = m[1] + (m[3] ?? '');
    switch (family) {
      case 'Conv':
        return conv(ctx, n);
      case 'ConvTranspose':
        return convTranspose(ctx, n);
      case 'SeparableConv':
        return separable(ctx, n);
      case 'DepthwiseConv':
        return depthwise(ctx, n);
      case 'MaxPooling':
      case 'AveragePooling':
        return pool(ctx, n, family === 'MaxPooling' ? 'Max' : 'Avg');
      case 'GlobalAveragePooling':
      case 'GlobalMaxPooling':
        return globalPool(ctx, n, family === 'GlobalMaxPooling' ? 'Max' : 'Avg');
      case 'ZeroPadding':
        return zeroPadding(ctx, n);
      case 'Cropping':
        return cropping(ctx, n);
      case 'UpSampling':
        return upsampling(ctx, n);
      case 'SpatialDropout':
        return { parts: [{ type: 'module', hint: 'dropout', code: `nn.Dropout${n}d(${pyFloat(num(arg(r, 'rate')) ?? 0.5)})` }] };
    }
  }
  switch (r.kind) {
    case 'Dense':
      return dense(ctx);
    case 'BatchNormalization':
      return batchNorm(ctx);
    case 'LayerNormalization':
      return layerNorm(ctx);
    case 'Flatten':
      return flatten(ctx);
    case 'Dropout':
      return { parts: [{ type: 'module', hint: 'dropout', code: `nn.Dropout(${pyFloat(num(arg(r, 'rate')) ?? 0.5)})` }] };
    case 'GaussianNoise':
    case 'GaussianDropout':
    case 'AlphaDropout':
      return { parts: [{ type: 'module', hint: 'noise', code: 'nn.Identity()' }], todo: `${r.kind} has no PyTorch layer; it is the identity at inference, as here, but not in training` };
    case 'Activation': {
      const name = str(arg(r, 'activation')) ?? 'linear';
      const rank = rankOf(r.input[0]) ?? 2;
      const a = activationModule(name, torchAxis(-1, rank, ctx.layout));
      return { parts: [{ type: 'module', hint: name === 'softmax' ? 'softmax' : 'act', code: a?.code ?? 'nn.Identity()' }], todo: a?.todo };
    }
    case 'ReLU':
      return relu(ctx);
    case 'LeakyReLU': {
      const slope = num(arg(r, 'negative_slope')) ?? num(arg(r, 'alpha')) ?? 0.3;
      return { parts: [{ type: 'module', hint: 'act', code: `nn.LeakyReLU(${pyFloat(slope)})` }] };
    }
    case 'ELU': {
      const alpha = num(arg(r, 'alpha')) ?? 1;
      return { parts: [{ type: 'module', hint: 'act', code: alpha === 1 ? 'nn.ELU()' : `nn.ELU(alpha=${pyFloat(alpha)})` }] };
    }
    case 'ThresholdedReLU':
      return { parts: [{ type: 'module', hint: 'act', code: `nn.Threshold(${pyFloat(num(arg(r, 'theta')) ?? 1)}, 0.0)` }] };
    case 'PReLU':
      return prelu(ctx);
    case 'Softmax': {
      const rank = rankOf(r.input[0]) ?? 2;
      const axis = num(arg(r, 'axis')) ?? -1;
      return { parts: [{ type: 'module', hint: 'softmax', code: `nn.Softmax(dim=${torchAxis(axis, rank, ctx.layout)})` }] };
    }
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
    case 'Concatenate':
      return merge(ctx);
    case 'Reshape':
      return reshape(ctx);
    case 'Permute':
      return permute(ctx);
    case 'RepeatVector':
      return { parts: [{ type: 'expr', code: `$x.unsqueeze(2).repeat(1, 1, ${dimText(firstOutput(r)?.[1] ?? null) ?? num(arg(r, 'n'))})` }], comment: 'RepeatVector: the repeats sit on the last axis in the channels-first layout.' };
    case 'Rescaling': {
      const scale = num(arg(r, 'scale')) ?? 1;
      const offset = num(arg(r, 'offset')) ?? 0;
      return { parts: [{ type: 'expr', code: offset === 0 ? `$x * ${pyFloat(scale)}` : `$x * ${pyFloat(scale)} + ${pyFloat(offset)}` }] };
    }
    case 'Embedding':
      return embedding(ctx);
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return recurrent(ctx, r.kind, r.args ?? {});
    case 'Bidirectional':
      return bidirectional(ctx);
    case 'TimeDistributed':
      return timeDistributed(ctx);
    case 'InputLayer':
      return { parts: [] };
  }
  return unsupported(ctx, `Keras ${r.kind} is not converted yet`);
}

/** A layer without a faithful equivalent: the identity, marked, so that the file still runs. */
function unsupported(ctx: LayerContext, reason: string): ConvertedLayer {
  const out = firstOutput(ctx.record);
  return { parts: [{ type: 'module', hint: ctx.record.kind.toLowerCase(), code: 'nn.Identity()' }], todo: `${reason}; the Keras layer gives ${formatShape(out, 'None')}` };
}

// ---------------------------------------------------------------- convolution

function convGeometry(ctx: LayerContext, n: number) {
  const r = ctx.record;
  const kernel = ints(arg(r, 'kernel_size'), n) ?? Array(n).fill(1);
  const stride = ints(arg(r, 'strides'), n) ?? Array(n).fill(1);
  const dilation = ints(arg(r, 'dilation_rate'), n) ?? Array(n).fill(1);
  const padding = (str(arg(r, 'padding')) ?? 'valid').toLowerCase();
  return { kernel, stride, dilation, padding };
}

/** Keyword arguments shared by the convolutions: stride, padding, dilation, groups, bias. */
function convKeywords(kernel: number[], stride: number[], dilation: number[], padding: number[] | null, extra: string[] = []): string {
  const kw = [`kernel_size=${intOrTuple(kernel)}`];
  if (stride.some((s) => s !== 1)) kw.push(`stride=${intOrTuple(stride)}`);
  if (padding && padding.some((p) => p !== 0)) kw.push(`padding=${intOrTuple(padding)}`);
  if (dilation.some((d) => d !== 1)) kw.push(`dilation=${intOrTuple(dilation)}`);
  return [...kw, ...extra].join(', ');
}

/** The padding for a convolution-like window: symmetric numbers, or a pad module placed before it. */
function windowPadding(ctx: LayerContext, n: number, kernel: number[], stride: number[], dilation: number[], padding: string): { symmetric: number[] | null; before?: [number, number][]; todo?: string } {
  if (padding === 'valid') return { symmetric: null };
  const spatial = spatialOf(ctx.record.input[0], ctx.layout, n);
  if (padding === 'causal') {
    const pads = kernel.map((k, i): [number, number] => [dilation[i] * (k - 1), 0]);
    return { symmetric: null, before: pads };
  }
  const same = samePadding(spatial, kernel, stride, dilation);
  const todo = same.assumed ? "the input size is unknown, so TensorFlow's 'same' padding (one more row at the bottom/right for some sizes) is assumed symmetric: add a # input: comment to the Keras model" : undefined;
  if (same.pads.every(([b, a]) => b === a)) return { symmetric: same.pads.map(([b]) => b), todo };
  return { symmetric: null, before: same.pads, todo };
}

function conv(ctx: LayerContext, n: number): ConvertedLayer {
  const r = ctx.record;
  const { kernel, stride, dilation, padding } = convGeometry(ctx, n);
  const filters = num(arg(r, 'filters'));
  const groups = num(arg(r, 'groups')) ?? 1;
  const bias = arg(r, 'use_bias') !== false;
  const inChannels = dimText(channelsOf(r.input[0], ctx.layout));
  const pad = windowPadding(ctx, n, kernel, stride, dilation, padding);
  const extra: string[] = [];
  if (groups !== 1) extra.push(`groups=${groups}`);
  if (!bias) extra.push('bias=False');
  const kw = convKeywords(kernel, stride, dilation, pad.symmetric, extra);
  const out: ConvertedLayer = { parts: [], todo: pad.todo };
  if (pad.before) {
    out.parts.push({ type: 'module', hint: 'pad', code: padModule(n, pad.before, null) });
    out.comment = padding === 'causal' ? "Keras 'causal' padding: zeros on the left only." : "TensorFlow 'same' padding puts the extra row/column at the bottom/right.";
  }
  out.parts.push({ type: 'module', hint: 'conv', code: inChannels ? `nn.Conv${n}d(${inChannels}, ${filters}, ${kw})` : `nn.LazyConv${n}d(${filters}, ${kw})`, port: 'conv' });
  if (!inChannels) out.todo = joinTodo(out.todo, 'the input channels are unknown, so a lazy module infers them: add a # input: comment to the Keras model');
  activationArgument(ctx, out);
  return out;
}

function convTranspose(ctx: LayerContext, n: number): ConvertedLayer {
  const r = ctx.record;
  const { kernel, stride, dilation, padding } = convGeometry(ctx, n);
  const filters = num(arg(r, 'filters'));
  const bias = arg(r, 'use_bias') !== false;
  const inChannels = dimText(channelsOf(r.input[0], ctx.layout)) ?? 'None';
  const out: ConvertedLayer = { parts: [] };
  const extra: string[] = [];
  let pads: number[] | null = null;
  if (padding === 'same') {
    // Keras 'same' gives in·stride; PyTorch crops `padding` on both sides and adds output_padding on one side.
    const total = kernel.map((k, i) => dilation[i] * (k - 1) + 1 - stride[i]);
    if (total.every((t) => t >= 0 && t % 2 === 0)) pads = total.map((t) => t / 2);
    else {
      pads = total.map((t) => Math.max(Math.ceil(t / 2), 0));
      const outputPadding = total.map((t, i) => 2 * pads![i] - t);
      extra.push(`output_padding=${intOrTuple(outputPadding)}`);
      out.todo = "Keras 'same' transposed convolution crops the extra row at the top/left, PyTorch's output_padding adds it at the bottom/right: check the alignment";
    }
  }
  if (!bias) extra.push('bias=False');
  const kw = convKeywords(kernel, stride, dilation, pads, extra);
  out.parts.push({ type: 'module', hint: 'deconv', code: `nn.ConvTranspose${n}d(${inChannels}, ${filters}, ${kw})`, port: 'conv_transpose' });
  activationArgument(ctx, out);
  return out;
}

function depthwise(ctx: LayerContext, n: number): ConvertedLayer {
  const r = ctx.record;
  const { kernel, stride, dilation, padding } = convGeometry(ctx, n);
  const multiplier = num(arg(r, 'depth_multiplier')) ?? 1;
  const channels = channelsOf(r.input[0], ctx.layout);
  const bias = arg(r, 'use_bias') !== false;
  const pad = windowPadding(ctx, n, kernel, stride, dilation, padding);
  const out: ConvertedLayer = { parts: [], todo: pad.todo };
  if (typeof channels !== 'number') return unsupported(ctx, 'DepthwiseConv needs the input channels: add a # input: comment');
  if (pad.before) out.parts.push({ type: 'module', hint: 'pad', code: padModule(n, pad.before, null) });
  const extra = [`groups=${channels}`];
  if (!bias) extra.push('bias=False');
  out.parts.push({ type: 'module', hint: 'depthwise', code: `nn.Conv${n}d(${channels}, ${channels * multiplier}, ${convKeywords(kernel, stride, dilation, pad.symmetric, extra)})`, port: 'depthwise' });
  out.comment = 'Depthwise convolution: one group per input channel.';
  activationArgument(ctx, out);
  return out;
}

function separable(ctx: LayerContext, n: number): ConvertedLayer {
  const r = ctx.record;
  const { kernel, stride, dilation, padding } = convGeometry(ctx, n);
  const multiplier = num(arg(r, 'depth_multiplier')) ?? 1;
  const filters = num(arg(r, 'filters'));
  const channels = channelsOf(r.input[0], ctx.layout);
  const bias = arg(r, 'use_bias') !== false;
  if (typeof channels !== 'number') return unsupported(ctx, 'SeparableConv needs the input channels: add a # input: comment');
  const pad = windowPadding(ctx, n, kernel, stride, dilation, padding);
  const out: ConvertedLayer = { parts: [], todo: pad.todo, comment: 'SeparableConv: a depthwise convolution, then a 1×1 pointwise one.' };
  if (pad.before) out.parts.push({ type: 'module', hint: 'pad', code: padModule(n, pad.before, null) });
  out.parts.push({ type: 'module', hint: 'depthwise', code: `nn.Conv${n}d(${channels}, ${channels * multiplier}, ${convKeywords(kernel, stride, dilation, pad.symmetric, [`groups=${channels}`, 'bias=False'])})`, port: 'separable_depthwise' });
  out.parts.push({ type: 'module', hint: 'pointwise', code: `nn.Conv${n}d(${channels * multiplier}, ${filters}, kernel_size=1${bias ? '' : ', bias=False'})`, port: 'separable_pointwise' });
  activationArgument(ctx, out);
  return out;
}

// ---------------------------------------------------------------- pooling

/** PyTorch's pooled size, with its rule that the last window must start inside the input or left padding. */
function torchPoolSize(n: number, k: number, s: number, p: number, ceilMode: boolean): number {
  const span = n + 2 * p - k;
  let out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceilMode && (out - 1) * s >= n + p) out -= 1;
  return out;
}

function pool(ctx: LayerContext, n: number, op: 'Max' | 'Avg'): ConvertedLayer {
  const r = ctx.record;
  const kernel = ints(arg(r, 'pool_size'), n) ?? Array(n).fill(2);
  const stride = ints(arg(r, 'strides'), n) ?? kernel;
  const padding = (str(arg(r, 'padding')) ?? 'valid').toLowerCase();
  const name = `nn.${op}Pool${n}d`;
  const strideText = stride.every((s, i) => s === kernel[i]) ? '' : `, stride=${intOrTuple(stride)}`;
  const hint = 'pool';
  if (padding !== 'same') return { parts: [{ type: 'module', hint, code: `${name}(${intOrTuple(kernel)}${strideText})` }] };

  const spatial = spatialOf(r.input[0], ctx.layout, n);
  const same = samePadding(spatial, kernel, stride, Array(n).fill(1));
  const before = same.pads.map(([b]) => b);
  const avgKw = op === 'Avg' ? ', count_include_pad=False' : '';
  const padText = before.some((b) => b !== 0) ? `, padding=${intOrTuple(before)}` : '';
  const known = spatial.every((d): d is number => typeof d === 'number');
  if (same.assumed || !known) {
    const todo = same.assumed || same.pads.some(([b, a]) => b !== a) ? "the input size is unknown, so TensorFlow's 'same' pooling window placement is assumed symmetric: add a # input: comment to the Keras model" : undefined;
    return { parts: [{ type: 'module', hint, code: `${name}(${intOrTuple(kernel)}${strideText}${padText}${avgKw})` }], todo };
  }
  const wanted = spatial.map((d, i) => Math.ceil(d / stride[i]));
  for (const ceilMode of [false, true]) {
    // PyTorch pads symmetrically; windows that run past the bottom/right see only real elements with ceil_mode.
    const fits = spatial.every((d, i) => torchPoolSize(d, kernel[i], stride[i], before[i], ceilMode) === wanted[i] && 2 * before[i] <= kernel[i]);
    if (!fits) continue;
    const ceilText = ceilMode ? ', ceil_mode=True' : '';
    const comment = ceilMode ? "TensorFlow 'same' pooling: the last window runs past the bottom/right edge and sees only real elements (ceil_mode)." : undefined;
    return { parts: [{ type: 'module', hint, code: `${name}(${intOrTuple(kernel)}${strideText}${padText}${ceilText}${avgKw})` }], comment };
  }
  if (op === 'Max') {
    return {
      parts: [
        { type: 'module', hint: 'pad', code: padModule(n, same.pads, "float('-inf')") },
        { type: 'module', hint, code: `${name}(${intOrTuple(kernel)}${strideText})` },
      ],
      comment: "TensorFlow 'same' max pooling: padding with -inf never wins the max.",
    };
  }
  return { parts: [{ type: 'module', hint, code: `${name}(${intOrTuple(kernel)}${strideText}${padText}, ceil_mode=True${avgKw})` }], todo: "TensorFlow 'same' average pooling divides by the real elements of windows padded unevenly; PyTorch's symmetric padding places these windows differently" };
}

function globalPool(ctx: LayerContext, n: number, op: 'Max' | 'Avg'): ConvertedLayer {
  const keepdims = arg(ctx.record, 'keepdims') === true;
  const parts: Part[] = [{ type: 'module', hint: 'pool', code: `nn.Adaptive${op}Pool${n}d(1)` }];
  if (!keepdims) parts.push({ type: 'module', hint: 'flatten', code: 'nn.Flatten()' });
  else if (ctx.layout === 'last' && n > 0) {
    // keepdims keeps ones on the spatial axes: the channels-first layout already has them.
  }
  return { parts };
}

// ---------------------------------------------------------------- padding, cropping, resizing

function zeroPadding(ctx: LayerContext, n: number): ConvertedLayer {
  const p = pairs(arg(ctx.record, 'padding'), n);
  if (!p) return unsupported(ctx, 'the padding argument could not be read');
  return { parts: [{ type: 'module', hint: 'pad', code: padModule(n, p, null) }] };
}

function cropping(ctx: LayerContext, n: number): ConvertedLayer {
  const p = pairs(arg(ctx.record, 'cropping'), n);
  if (!p) return unsupported(ctx, 'the cropping argument could not be read');
  const neg = p.map(([a, b]): [number, number] => [a === 0 ? 0 : -a, b === 0 ? 0 : -b]);
  return { parts: [{ type: 'module', hint: 'crop', code: padModule(n, neg, null) }], comment: 'Cropping: negative padding removes rows and columns.' };
}

function upsampling(ctx: LayerContext, n: number): ConvertedLayer {
  const r = ctx.record;
  const size = ints(arg(r, n === 1 ? 'size' : 'size'), n) ?? Array(n).fill(2);
  const interpolation = str(arg(r, 'interpolation')) ?? 'nearest';
  const scale = size.every((s) => s === size[0]) ? String(size[0]) : tuple(size);
  if (interpolation === 'nearest') return { parts: [{ type: 'module', hint: 'upsample', code: `nn.Upsample(scale_factor=${scale}, mode='nearest')` }] };
  if (interpolation === 'bilinear' && n === 2) return { parts: [{ type: 'module', hint: 'upsample', code: `nn.Upsample(scale_factor=${scale}, mode='bilinear', align_corners=False)` }] };
  return { parts: [{ type: 'module', hint: 'upsample', code: `nn.Upsample(scale_factor=${scale}, mode='nearest')` }], todo: `interpolation '${interpolation}' is converted as nearest` };
}

// ---------------------------------------------------------------- dense, norms, activations

function dense(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const units = num(arg(r, 'units'));
  const input = r.input[0];
  const inFeatures = input ? dimText(input[input.length - 1]) : null;
  const bias = arg(r, 'use_bias') !== false;
  const code = inFeatures ? `nn.Linear(${inFeatures}, ${units}${bias ? '' : ', bias=False'})` : `nn.LazyLinear(${units}${bias ? '' : ', bias=False'})`;
  const out: ConvertedLayer = { parts: [] };
  if (channelsLast(ctx.layout, rankOf(input))) {
    // Keras Dense acts on the last axis, which holds the channels: move them there and back.
    out.parts.push({ type: 'module', hint: 'fc', code, port: 'dense', apply: '$m($x.movedim(1, -1)).movedim(-1, 1)' });
    out.comment = 'Dense acts on the channels: move them last for the Linear and back.';
  } else out.parts.push({ type: 'module', hint: 'fc', code, port: 'dense' });
  if (!inFeatures) out.todo = 'the input features are unknown, so a lazy module infers them: add a # input: comment to the Keras model';
  activationArgument(ctx, out);
  return out;
}

function batchNorm(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const input = r.input[0];
  const rank = rankOf(input) ?? 4;
  const axisArg = arg(r, 'axis');
  const axis = normAxis(typeof axisArg === 'number' ? axisArg : Array.isArray(axisArg) && axisArg.length === 1 && typeof axisArg[0] === 'number' ? axisArg[0] : -1, rank);
  const channels = dimText(input ? input[kerasChannelAxis(rank, ctx.layout)] : null);
  const eps = num(arg(r, 'epsilon')) ?? 1e-3;
  const momentum = num(arg(r, 'momentum')) ?? 0.99;
  const center = arg(r, 'center') !== false;
  const scale = arg(r, 'scale') !== false;
  const d = rank <= 3 ? 1 : rank - 2;
  const kw = [`eps=${pyFloat(eps)}`, `momentum=${pyFloat(1 - momentum)}`];
  if (!center && !scale) kw.push('affine=False');
  const code = channels ? `nn.BatchNorm${d}d(${channels}, ${kw.join(', ')})` : `nn.LazyBatchNorm${d}d(${kw.join(', ')})`;
  const out: ConvertedLayer = { parts: [{ type: 'module', hint: 'bn', code, port: 'batchnorm' }], portInfo: { center, scale } };
  if (axis !== kerasChannelAxis(rank, ctx.layout)) out.todo = `BatchNormalization on axis ${String(axisArg)}, not the channels: PyTorch normalises axis 1`;
  if (center !== scale) out.todo = joinTodo(out.todo, `center=${center}, scale=${scale}: PyTorch's affine has both; keep the missing one fixed (${center ? 'weight=1' : 'bias=0'})`);
  return out;
}

function layerNorm(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const input = r.input[0];
  const rank = rankOf(input) ?? 2;
  const axisArg = arg(r, 'axis');
  const axis = typeof axisArg === 'number' ? normAxis(axisArg, rank) : null;
  const eps = num(arg(r, 'epsilon')) ?? 1e-3;
  const features = input ? dimText(input[rank - 1]) : null;
  const code = `nn.LayerNorm(${features ?? 'None'}, eps=${pyFloat(eps)})`;
  const out: ConvertedLayer = { parts: [] };
  if (channelsLast(ctx.layout, rank)) {
    out.parts.push({ type: 'module', hint: 'norm', code, port: 'layernorm', apply: '$m($x.movedim(1, -1)).movedim(-1, 1)' });
    out.comment = 'LayerNormalization normalises the channels: move them last and back.';
  } else out.parts.push({ type: 'module', hint: 'norm', code, port: 'layernorm' });
  if (axis !== rank - 1) out.todo = `LayerNormalization on axis ${String(axisArg)}: only the last axis is converted`;
  return out;
}

function relu(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const maxValue = num(arg(r, 'max_value'));
  const slope = num(arg(r, 'negative_slope')) ?? 0;
  const threshold = num(arg(r, 'threshold')) ?? 0;
  if (slope === 0 && threshold === 0) {
    if (maxValue === null) return { parts: [{ type: 'module', hint: 'act', code: 'nn.ReLU()' }] };
    if (maxValue === 6) return { parts: [{ type: 'module', hint: 'act', code: 'nn.ReLU6()' }] };
    return { parts: [{ type: 'module', hint: 'act', code: `nn.Hardtanh(0.0, ${pyFloat(maxValue)})` }] };
  }
  if (threshold === 0 && maxValue === null) return { parts: [{ type: 'module', hint: 'act', code: `nn.LeakyReLU(${pyFloat(slope)})` }] };
  const clamp = maxValue === null ? '' : `.clamp(max=${pyFloat(maxValue)})`;
  return { parts: [{ type: 'expr', code: `torch.where($x >= ${pyFloat(threshold)}, $x, ${pyFloat(slope)} * ($x - ${pyFloat(threshold)}))${clamp}` }] };
}

function prelu(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const input = r.input[0];
  const rank = rankOf(input) ?? 2;
  const shared = arg(r, 'shared_axes');
  const sharedAxes = Array.isArray(shared) ? (shared as ArgValue[]).filter((x): x is number => typeof x === 'number') : typeof shared === 'number' ? [shared] : [];
  const channelAxis = kerasChannelAxis(rank, ctx.layout);
  const perChannel = Array.from({ length: rank - 1 }, (_, i) => i + 1).filter((a) => a !== channelAxis).every((a) => sharedAxes.includes(a));
  const channels = input ? dimText(input[channelAxis]) : null;
  const out: ConvertedLayer = { parts: [{ type: 'module', hint: 'act', code: `nn.PReLU(${channels ?? ''})`, port: 'prelu' }] };
  if (!perChannel) out.todo = 'Keras PReLU learns one slope per element unless shared_axes covers the spatial axes; nn.PReLU learns one per channel';
  return out;
}

// ---------------------------------------------------------------- layout-sensitive layers

function flatten(ctx: LayerContext): ConvertedLayer {
  const input = ctx.record.input[0];
  const rank = rankOf(input);
  // Keras Flatten(data_format='channels_first') moves the channels last before flattening, too.
  const kerasMovesChannels = ctx.record.args?.data_format === 'channels_first';
  const spatial = input ? (ctx.layout === 'last' && !kerasMovesChannels ? input.slice(1, -1) : input.slice(2)) : [];
  const spatialOnes = input ? spatial.every((d) => d === 1) : false;
  if (!(channelsLast(ctx.layout, rank) || (kerasMovesChannels && rank !== null && rank >= 3)) || spatialOnes) return { parts: [{ type: 'module', hint: 'flatten', code: 'nn.Flatten()' }] };
  const comment = 'Keras flattens channels-last: permute first so that weights ported from Keras give the same outputs.';
  if (ctx.sequential) return { parts: [{ type: 'module', hint: 'flatten', code: 'ChannelsLastFlatten()' }], comment, helpers: ['ChannelsLastFlatten'] };
  return { parts: [{ type: 'expr', code: 'torch.flatten($x.movedim(1, -1), 1)' }], comment };
}

function reshape(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const input = r.input[0];
  const output = firstOutput(r);
  const target = output ? output.slice(1).map(dimText) : null;
  if (!target || target.some((t) => t === null)) return unsupported(ctx, 'the target shape is not known');
  const inLast = channelsLast(ctx.layout, rankOf(input));
  const outLast = channelsLast(ctx.layout, rankOf(output));
  let code = inLast ? '$x.movedim(1, -1)' : '$x';
  code += `.reshape($x.shape[0], ${target.join(', ')})`;
  if (outLast) code += '.movedim(-1, 1)';
  return { parts: [{ type: 'expr', code }], comment: inLast || outLast ? 'Keras reshapes channels-last: move the channels last around the reshape.' : undefined };
}

function permute(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const rank = rankOf(r.input[0]);
  const dims = arg(r, 'dims');
  if (rank === null || !Array.isArray(dims) || dims.length !== rank - 1 || !dims.every((d) => typeof d === 'number')) return unsupported(ctx, 'the permutation could not be read');
  const keras = [0, ...(dims as number[])];
  const toTorch = toTorchPermutation(rank, ctx.layout);
  const fromTorch = Array(rank).fill(0);
  toTorch.forEach((k, j) => (fromTorch[k] = j));
  // torch_out[j] = keras_out[T[j]] = keras_in[D[T[j]]] = torch_in[T⁻¹[D[T[j]]]].
  const perm = toTorch.map((t) => fromTorch[keras[t]]);
  return { parts: [{ type: 'expr', code: `$x.permute(${perm.join(', ')})` }] };
}

function merge(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const count = r.input.length;
  const xs = Array.from({ length: count }, (_, i) => `$${i}`);
  switch (r.kind) {
    case 'Add':
      return { parts: [{ type: 'expr', code: xs.join(' + ') }] };
    case 'Subtract':
      return { parts: [{ type: 'expr', code: xs.join(' - ') }] };
    case 'Multiply':
      return { parts: [{ type: 'expr', code: xs.join(' * ') }] };
    case 'Average':
      return { parts: [{ type: 'expr', code: `(${xs.join(' + ')}) / ${count}` }] };
    case 'Maximum':
    case 'Minimum': {
      const f = r.kind === 'Maximum' ? 'torch.maximum' : 'torch.minimum';
      return { parts: [{ type: 'expr', code: xs.slice(1).reduce((acc, x) => `${f}(${acc}, ${x})`, xs[0]) }] };
    }
  }
  const rank = rankOf(r.input[0]) ?? 2;
  const axis = num(arg(r, 'axis')) ?? -1;
  return { parts: [{ type: 'expr', code: `torch.cat([${xs.join(', ')}], dim=${torchAxis(axis, rank, ctx.layout)})` }] };
}

function embedding(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const code = `nn.Embedding(${num(arg(r, 'input_dim'))}, ${num(arg(r, 'output_dim'))})`;
  const outRank = rankOf(firstOutput(r));
  if (channelsLast(ctx.layout, outRank)) return { parts: [{ type: 'module', hint: 'embedding', code, port: 'embedding', apply: '$m($x).movedim(-1, 1)' }], comment: 'The embedding features become the channels (axis 1).' };
  return { parts: [{ type: 'module', hint: 'embedding', code, port: 'embedding' }] };
}

// ---------------------------------------------------------------- recurrent layers and wrappers

/** The kind and bound arguments of a layer passed to a wrapper (`Bidirectional(LSTM(8))`), or null. */
function innerLayer(v: ArgValue | undefined): { kind: string; args: Record<string, ArgValue> } | null {
  if (!(v instanceof LayerArg)) return null;
  const bound = v.bound as BoundArgs | undefined;
  if (!bound || !(bound.values instanceof Map)) return null;
  return { kind: v.def.kind, args: Object.fromEntries(bound.values) };
}

const TORCH_RECURRENT: Record<string, { module: string; port: PortKind; hint: string }> = {
  LSTM: { module: 'nn.LSTM', port: 'lstm', hint: 'lstm' },
  GRU: { module: 'nn.GRU', port: 'gru', hint: 'gru' },
  SimpleRNN: { module: 'nn.RNN', port: 'rnn', hint: 'rnn' },
};

/**
 * Keras SimpleRNN / LSTM / GRU (alone, or wrapped by Bidirectional with `merge`) as nn.RNN / nn.LSTM /
 * nn.GRU with batch_first=True. The module part returns PyTorch's `(output, state)`; an expression
 * part then picks what Keras returns: the whole sequence (return_sequences), the last step, and the
 * states after it with return_state, in Keras's order ([output, h] or [output, h, c]; Bidirectional:
 * forward states, then backward ones). Sequences are channels-first in the converted model when
 * the Keras model is channels-last, so they move to (N, T, F) and back around the module.
 *
 * The gate orders (Keras LSTM i, f, c, o = PyTorch i, f, g, o; Keras GRU z, r, h, PyTorch r, z, n)
 * are reconciled by the weight port (scripts/verify_convert.py). GRU reset_after=True (the Keras 3
 * default) is PyTorch's formulation; reset_after=False applies the reset gate before the recurrent
 * matmul, which nn.GRU cannot express, so it is converted with a TODO.
 */
function recurrent(ctx: LayerContext, kind: string, a: Record<string, ArgValue>, merge?: string | null): ConvertedLayer {
  const r = ctx.record;
  const spec = TORCH_RECURRENT[kind];
  const input = r.input[0];
  const bidirectional = merge !== undefined;
  const units = num(a.units);
  const features = input && input.length === 3 ? dimText(input[2]) : null;
  if (!spec || units === null) return unsupported(ctx, `Keras ${kind} could not be read`);
  if (!features) return unsupported(ctx, `${kind} needs the input features: add a # input: comment to the Keras model`);
  const returnSequences = a.return_sequences === true;
  const returnState = a.return_state === true;
  const goBackwards = a.go_backwards === true;
  const useBias = a.use_bias !== false;
  let todo: string | undefined;

  const kw = [features, String(units)];
  const activationName = str(a.activation) ?? 'tanh';
  if (kind === 'SimpleRNN') {
    if (activationName === 'relu') kw.push("nonlinearity='relu'");
    else if (activationName !== 'tanh') todo = joinTodo(todo, `activation '${activationName}': nn.RNN offers tanh and relu only`);
  } else {
    if (activationName !== 'tanh') todo = joinTodo(todo, `activation '${activationName}': nn.${kind} uses tanh`);
    const recurrentActivation = str(a.recurrent_activation) ?? 'sigmoid';
    if (recurrentActivation !== 'sigmoid') todo = joinTodo(todo, `recurrent_activation '${recurrentActivation}': nn.${kind} uses sigmoid`);
  }
  if (kind === 'GRU' && a.reset_after === false) todo = joinTodo(todo, 'GRU reset_after=False applies the reset gate before the recurrent matmul; nn.GRU applies it after (Keras reset_after=True), so the outputs differ');
  if (!useBias) kw.push('bias=False');
  kw.push('batch_first=True');
  if (bidirectional) kw.push('bidirectional=True');
  if (a.stateful === true) todo = joinTodo(todo, 'stateful=True: pass the last state back in yourself');
  if ((num(a.dropout) ?? 0) > 0 || (num(a.recurrent_dropout) ?? 0) > 0) todo = joinTodo(todo, 'dropout= and recurrent_dropout= (training only) are not converted');

  // The module's input: batch-first (N, T, F), reversed in time for go_backwards.
  const channelsMoved = channelsLast(ctx.layout, 3);
  let source = channelsMoved ? '$x.movedim(1, -1)' : '$x';
  if (goBackwards) source += '.flip(1)';
  const parts: Part[] = [{ type: 'module', hint: spec.hint, code: `${spec.module}(${kw.join(', ')})`, port: spec.port, apply: `$m(${source})` }];

  // What Keras returns, from PyTorch's (output, state); h_n is (directions, N, units).
  const h = (d: number) => (kind === 'LSTM' ? `$x[1][0][${d}]` : `$x[1][${d}]`);
  const c = (d: number) => `$x[1][1][${d}]`;
  const back = (t: string) => (channelsMoved ? `${t}.movedim(-1, 1)` : t);
  const statesOf = (d: number) => (kind === 'LSTM' ? [h(d), c(d)] : [h(d)]);
  let outputs: string[];
  let states: string[];
  if (!bidirectional) {
    outputs = [returnSequences ? back('$x[0]') : '$x[0][:, -1]'];
    states = statesOf(0);
  } else {
    const forward = returnSequences ? `$x[0][..., :${units}]` : h(0);
    const backward = returnSequences ? `$x[0][..., ${units}:]` : h(1);
    const combined: Record<string, string> = { sum: `${forward} + ${backward}`, ave: `(${forward} + ${backward}) / 2`, mul: `${forward} * ${backward}` };
    if (merge === 'concat') outputs = [returnSequences ? back('$x[0]') : `torch.cat([${forward}, ${backward}], dim=-1)`];
    else if (merge && combined[merge]) outputs = [returnSequences ? back(`(${combined[merge]})`) : combined[merge]];
    else outputs = [returnSequences ? back(forward) : forward, returnSequences ? back(backward) : backward];
    states = [...statesOf(0), ...statesOf(1)];
  }
  const all = returnState ? [...outputs, ...states] : outputs;
  parts.push({ type: 'expr', code: all.length === 1 ? all[0] : `(${all.join(', ')})` });
  const comment = returnState || all.length > 1 ? `Keras ${kind} returns ${returnState ? 'its output and states' : 'two outputs'}: PyTorch's (output, h_n${kind === 'LSTM' ? ', c_n' : ''}) rearranged into that tuple.` : undefined;
  return { parts, todo, comment, portInfo: { bidirectional, resetAfter: kind === 'GRU' ? a.reset_after !== false : undefined, useBias } };
}

/** Keras Bidirectional(LSTM/GRU/SimpleRNN) → the same module with bidirectional=True, outputs merged as merge_mode says. */
function bidirectional(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const inner = innerLayer(arg(r, 'layer'));
  if (!inner || !TORCH_RECURRENT[inner.kind]) return unsupported(ctx, 'Bidirectional of this layer is not converted yet');
  if (arg(r, 'backward_layer') instanceof LayerArg) return unsupported(ctx, 'Bidirectional with its own backward_layer is not converted yet');
  if (inner.args.go_backwards === true) return unsupported(ctx, 'Bidirectional of a go_backwards layer is not converted yet');
  const merge = arg(r, 'merge_mode');
  const mode = merge === null ? null : str(merge) ?? 'concat';
  if (mode !== null && !['concat', 'sum', 'ave', 'mul'].includes(mode)) return unsupported(ctx, `merge_mode '${mode}' is not known`);
  return recurrent(ctx, inner.kind, inner.args, mode);
}

/**
 * Keras TimeDistributed(layer): Dense acts on the last axis anyway, so it converts as Dense on the whole
 * sequence; any other layer runs on the time steps folded into the batch, (N·T, ...), and is unfolded after.
 * In the channels-first layout the time axis sits second after the channels: it moves next to the batch.
 */
function timeDistributed(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const inner = innerLayer(arg(r, 'layer'));
  const input = r.input[0];
  const output = firstOutput(r);
  if (!inner) return unsupported(ctx, 'the wrapped layer could not be read');
  if (inner.kind === 'Dense') {
    const converted = dense({ ...ctx, record: { ...r, kind: 'Dense', args: inner.args } });
    return { ...converted, comment: converted.comment ?? 'TimeDistributed(Dense): Dense acts on the last axis of every time step.' };
  }
  const steps = input && input.length >= 3 ? dimText(input[1]) : null;
  if (!input || !output || !steps || TORCH_RECURRENT[inner.kind] || inner.kind === 'Bidirectional' || inner.kind === 'TimeDistributed') return unsupported(ctx, `TimeDistributed(${inner.kind}) is not converted yet`);
  const perStep = (s: Shape): Shape => (s ? [null, ...s.slice(2)] : s);
  const innerRecord: LayerRecord = { ...r, kind: inner.kind, args: inner.args, input: [perStep(input)], output: perStep(output) };
  const converted = convertLayer({ record: innerRecord, layout: ctx.layout, sequential: false });
  if (converted.todo && converted.parts.length === 1 && (converted.parts[0] as ModulePart).code === 'nn.Identity()') return unsupported(ctx, `TimeDistributed(${inner.kind}) is not converted yet: ${converted.todo}`);
  const moved = ctx.layout === 'last';
  const fold: Part = { type: 'expr', code: moved ? '$x.movedim(1, 2).flatten(0, 1)' : '$x.flatten(0, 1)' };
  const unfold: Part = { type: 'expr', code: moved ? `$x.unflatten(0, (-1, ${steps})).movedim(2, 1)` : `$x.unflatten(0, (-1, ${steps}))` };
  return {
    ...converted,
    parts: [fold, ...converted.parts, unfold],
    comment: `TimeDistributed(${inner.kind}): the time steps are folded into the batch and unfolded after.`,
  };
}
