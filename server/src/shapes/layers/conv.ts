// Layer family: convolutions of every rank, for PyTorch (Conv1d/2d/3d, ConvTranspose*, the Lazy
// variants) and Keras (Conv1D/2D/3D, Conv*Transpose, SeparableConv*, DepthwiseConv*).
//
// This file also holds the helpers that pooling (pool.ts) shares: splitting a tensor's axes into
// leading, channel and spatial axes under either layout, the rank check, and `slideWindows`, the one
// sliding-window helper that serves convolution and pooling of every rank. `tfSamePadding` gives
// TensorFlow's asymmetric 'same' padding for the Keras-to-PyTorch converter.
//
// Activations, initializers and regularizers do not change shapes and are ignored here.

import { Count, countOfTerms } from '../count';
import { add, ceildiv, Dim, dimToString, equalDims, floordiv, mul, product, sub } from '../dim';
import { formatShape, windowFormula, windowOutput } from '../shape';
import { UnknownArg, type ArgValue, type LayerDef, type ModuleAttributes, type Param, type RuleContext, type RuleResult } from '../types';
import { KERAS_WEIGHT_PARAMS } from './keras-params';
import { asInt } from '../context';

/** Where the channel axis sits: PyTorch is always channels-first; Keras defaults to channels-last. */
export type Layout = 'channels_first' | 'channels_last';

/** A tensor's axes split into leading (batch) axes, the channel axis and the spatial axes. */
export interface SplitAxes {
  leading: Dim[];
  channels: Dim;
  spatial: Dim[];
}

/** Splits a shape whose last `spatialRank + 1` axes are channels and spatial axes, in either layout. */
export function splitAxes(shape: readonly Dim[], spatialRank: number, layout: Layout): SplitAxes {
  const leadingCount = shape.length - spatialRank - 1;
  const leading = shape.slice(0, leadingCount);
  if (layout === 'channels_first') return { leading, channels: shape[leadingCount], spatial: shape.slice(leadingCount + 1) };
  return { leading, channels: shape[shape.length - 1], spatial: shape.slice(leadingCount, shape.length - 1) };
}

/** The inverse of splitAxes. */
export function joinAxes(parts: SplitAxes, layout: Layout): Dim[] {
  if (layout === 'channels_first') return [...parts.leading, parts.channels, ...parts.spatial];
  return [...parts.leading, ...parts.spatial, parts.channels];
}

/** The layout a Keras layer reads from its `data_format` argument (None means channels-last). */
export function kerasLayout(ctx: RuleContext): Layout {
  return ctx.str('data_format') === 'channels_first' ? 'channels_first' : 'channels_last';
}

/**
 * Checks the rank of a layer's input against the ranks its framework accepts: PyTorch takes
 * unbatched and batched inputs (`spatialRank + 1` or `+ 2` axes), Keras exactly `spatialRank + 2`.
 * Reports rank-mismatch and returns false when the rank is definitely wrong.
 */
export function checkInputRank(ctx: RuleContext, shape: Dim[], spatialRank: number): boolean {
  const batched = spatialRank + 2;
  if (ctx.framework === 'keras') {
    if (shape.length === batched) return true;
    ctx.error('rank-mismatch', `${ctx.kind} expected ndim=${batched}, found ndim=${shape.length} in its input ${formatShape(shape, 'None')}: ${ctx.origin(0)}`);
    return false;
  }
  if (shape.length === batched || shape.length === batched - 1) return true;
  ctx.error('rank-mismatch', `${ctx.kind} expects a ${batched - 1}-D (unbatched) or ${batched}-D (batched) input, but its input is ${shape.length}-D ${formatShape(shape)}: ${ctx.origin(0)}`);
  return false;
}

/** Padding of one spatial axis: the total of both sides, or 'same' (output = ceil(input / stride)). */
export type WindowPadding = Dim | 'same';

export interface WindowSpec {
  kernel: Dim[] | null;
  stride: Dim[] | null;
  dilation: Dim[] | null;
  padding: WindowPadding[] | null;
  ceilMode?: boolean;
  /** The argument that sizes the window (kernel_size, pool_size), underlined when it does not fit. */
  windowArg: string;
}

/**
 * Output sizes of a sliding window over the spatial axes, for convolution and pooling of every
 * rank. 'same' padding pads by dilation·(kernel − 1) in total, which gives TensorFlow's and
 * PyTorch's ceil(input / stride) whatever way the padding is split. Reports nonpositive-size on the
 * window argument when a window definitely does not fit its padded input; that axis becomes unknown.
 */
export function slideWindows(ctx: RuleContext, input: readonly Dim[], spec: WindowSpec): Dim[] {
  const out: Dim[] = [];
  const formulas: string[] = [];
  const misfits: { axis: number; padded: Dim; span: Dim; fit: Dim; size: number }[] = [];
  input.forEach((inputSize, i) => {
    const kernel = spec.kernel ? spec.kernel[i] : null;
    const stride = spec.stride ? spec.stride[i] : null;
    const dilation = spec.dilation ? spec.dilation[i] : null;
    const padding = spec.padding ? spec.padding[i] : null;
    const same = padding === 'same';
    const padTotal = same ? mul(dilation, sub(kernel, 1)) : padding;
    const size = windowOutput(inputSize, kernel, stride, padTotal, dilation, spec.ceilMode ?? false);
    if (size !== null) formulas.push(same ? `ceil(${dimToString(inputSize)} / ${dimToString(stride)}) = ${dimToString(size)}` : axisFormula(inputSize, kernel, stride, padTotal, dilation, size, spec.ceilMode ?? false));
    if (typeof size === 'number' && size < 1) {
      const padded = add(inputSize, padTotal);
      // The largest kernel whose dilated span fits: dilation·(k − 1) + 1 <= padded input.
      misfits.push({ axis: i, padded, span: add(mul(dilation, sub(kernel, 1)), 1), fit: add(floordiv(sub(padded, 1), dilation), 1), size });
      out.push(null);
    } else out.push(size);
  });
  const distinct = [...new Set(formulas)];
  if (distinct.length) ctx.note(`${ctx.kind} spatial size${input.length > 1 ? 's' : ''}: ${distinct.join('; ')}`);
  if (misfits.length) reportMisfit(ctx, spec, misfits);
  return out;
}

/** windowFormula, with the division rounded up under PyTorch's ceil_mode: `ceil((7 + 0 − 2) / 2) + 1`. */
function axisFormula(input: Dim, kernel: Dim, stride: Dim, padTotal: Dim, dilation: Dim, out: Dim, ceilMode: boolean): string {
  const text = windowFormula(input, kernel, stride, padTotal, dilation, out);
  return ceilMode ? text.replace(/^(\(.*\)) \/\/ (\S+) \+ 1 = /, 'ceil($1 / $2) + 1 = ') : text;
}

function reportMisfit(ctx: RuleContext, spec: WindowSpec, misfits: { axis: number; padded: Dim; span: Dim; fit: Dim; size: number }[]): void {
  const [first] = misfits;
  const axes = misfits.length === 1 ? `spatial axis ${first.axis}` : `spatial axes ${misfits.map((m) => m.axis).join(', ')}`;
  const message =
    `${ctx.kind} ${spec.windowArg}=${ctx.describe(spec.windowArg)} spans ${dimToString(first.span)} on ${axes}, ` +
    `but the padded input there is only ${dimToString(first.padded)} (the output size would be ${first.size}): ${ctx.origin(0)}`;
  // A quick fix can only rewrite a single number; a tuple window is left to the user.
  const written = ctx.value(spec.windowArg);
  const fits = misfits.map((m) => m.fit);
  const fix = typeof written === 'number' && fits.every((f) => typeof f === 'number' && f >= 1) ? { arg: spec.windowArg, value: Math.min(...(fits as number[])) } : undefined;
  ctx.error('nonpositive-size', message, spec.windowArg, fix);
}

/**
 * TensorFlow's 'same' padding of one axis, which puts the odd pixel after:
 * total = max((ceil(in / stride) − 1)·stride + (kernel − 1)·dilation + 1 − in, 0),
 * before = total // 2, after = total − before. Unknown when it depends on a symbol's value.
 */
export function tfSamePadding(input: Dim, kernel: Dim, stride: Dim, dilation: Dim = 1): { before: Dim; after: Dim } {
  const span = add(mul(sub(kernel, 1), dilation), 1);
  const needed = sub(add(mul(sub(ceildiv(input, stride), 1), stride), span), input);
  let total: Dim = null;
  if (typeof needed === 'number') total = Math.max(needed, 0);
  // (ceil(in/s) − 1)·s − in lies in [−s, −1], so a span of at least the stride never needs the max.
  else if (needed !== null && typeof span === 'number' && typeof stride === 'number' && span >= stride) total = needed;
  const before = floordiv(total, 2);
  return { before, after: sub(total, before) };
}

/** PyTorch ConvTranspose: (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1. */
export function torchTransposedOutput(input: Dim, kernel: Dim, stride: Dim, padding: Dim, outputPadding: Dim, dilation: Dim): Dim {
  return add(add(sub(mul(sub(input, 1), stride), mul(2, padding)), add(mul(dilation, sub(kernel, 1)), outputPadding)), 1);
}

/**
 * Keras's deconv_output_length, with span = dilation·(kernel − 1) + 1:
 * 'valid': (in − 1)·stride + max(span, stride), or + span + output_padding when that is given;
 * 'same': in·stride, or (in − 1)·stride + span % 2 + output_padding when that is given.
 */
export function kerasTransposedOutput(input: Dim, kernel: Dim, stride: Dim, padding: 'valid' | 'same', outputPadding: Dim | 'none', dilation: Dim): Dim {
  const span = add(mul(dilation, sub(kernel, 1)), 1);
  const scaled = mul(sub(input, 1), stride);
  if (padding === 'same') {
    if (outputPadding === 'none') return mul(input, stride);
    return typeof span === 'number' ? add(add(scaled, span % 2), outputPadding) : null;
  }
  if (outputPadding !== 'none') return add(add(scaled, span), outputPadding);
  const widest = typeof span === 'number' && typeof stride === 'number' ? Math.max(span, stride) : equalDims(span, stride) === true ? span : null;
  return add(scaled, widest);
}

/** Reports transposed outputs below 1 (PyTorch: padding too large), and notes the formula. */
function checkTransposedSizes(ctx: RuleContext, input: readonly Dim[], sizes: Dim[], formula: (i: number) => string): Dim[] {
  const formulas = [...new Set(sizes.map((s, i) => (s === null ? '' : formula(i))).filter((f) => f !== ''))];
  if (formulas.length) ctx.note(`${ctx.kind} spatial size${sizes.length > 1 ? 's' : ''}: ${formulas.join('; ')}`);
  const bad = sizes.findIndex((s) => typeof s === 'number' && s < 1);
  if (bad >= 0) {
    ctx.error(
      'nonpositive-size',
      `${ctx.kind} padding=${ctx.describe('padding')} leaves an output size of ${dimToString(sizes[bad])} on spatial axis ${bad} ` +
        `(input size ${dimToString(input[bad])}, kernel_size=${ctx.describe('kernel_size')}): ${ctx.origin(0)}`,
      'padding',
    );
  }
  return sizes.map((s) => (typeof s === 'number' && s < 1 ? null : s));
}

/** A known whole number, or null (parameter counts are numbers or unknown, never symbolic). */
function known(d: Dim): number | null {
  return typeof d === 'number' ? d : null;
}

/** Reports groups-divisible when a channel count is definitely not a multiple of groups; `source` (where the count comes from) is written only then. */
function checkGroups(ctx: RuleContext, channels: Dim, groups: Dim, what: string, source: () => string): void {
  if (typeof channels !== 'number' || typeof groups !== 'number' || groups <= 0 || channels % groups === 0) return;
  ctx.error('groups-divisible', `${ctx.kind} needs ${what} divisible by groups=${ctx.describe('groups')}, but ${what} is ${channels}${source()}`, 'groups');
}

// ---------------------------------------------------------------------------------------------
// PyTorch

interface TorchConvOptions {
  spatialRank: number;
  transposed: boolean;
  /** Lazy modules have no in_channels argument and take it from their first input. */
  lazy: boolean;
}

function torchConvolution(o: TorchConvOptions) {
  return (ctx: RuleContext): RuleResult => {
    const n = o.spatialRank;
    const outChannels = ctx.int('out_channels');
    const groups = ctx.int('groups');
    const declaredIn = o.lazy ? null : ctx.int('in_channels');
    if (!o.lazy) checkGroups(ctx, declaredIn, groups, 'in_channels', () => ` (in_channels=${ctx.describe('in_channels')})`);
    checkGroups(ctx, outChannels, groups, 'out_channels', () => ` (out_channels=${ctx.describe('out_channels')})`);
    const kernel = ctx.tuple('kernel_size', n);
    const bias = ctx.bool('bias') !== false;
    const paramsFor = (inChannels: Dim): Count | null => {
      const inC = known(inChannels);
      const outC = known(outChannels);
      const g = known(groups);
      const k = kernel ? known(product(kernel)) : null;
      // No module exists when groups does not divide both channel counts (groups-divisible).
      if (inC === null || outC === null || g === null || g <= 0 || k === null || inC % g !== 0 || outC % g !== 0) return null;
      return countOfTerms(bias ? [[inC / g, outC, k], [outC]] : [[inC / g, outC, k]]);
    };
    const shape = ctx.inputs[0];
    if (shape === null || shape === undefined) return { output: null, params: paramsFor(declaredIn) };
    if (!checkInputRank(ctx, shape, n)) return { output: null, params: paramsFor(declaredIn) };
    const parts = splitAxes(shape, n, 'channels_first');
    if (!o.lazy && equalDims(parts.channels, declaredIn) === false) {
      const fix = typeof parts.channels === 'number' ? { arg: 'in_channels', value: parts.channels } : undefined;
      ctx.error(
        'conv-in-channels',
        `${ctx.kind} expects in_channels=${ctx.describe('in_channels')}, but its input has ${dimToString(parts.channels)} channels: ${ctx.origin(0)}`,
        'in_channels',
        fix,
      );
    }
    const stride = ctx.tuple('stride', n);
    const dilation = ctx.tuple('dilation', n);
    const spatial = o.transposed ? torchTransposedSpatial(ctx, parts.spatial, kernel, stride, dilation) : slideWindows(ctx, parts.spatial, { kernel, stride, dilation, padding: torchConvPadding(ctx, n), windowArg: 'kernel_size' });
    const settledArgs = o.transposed ? impliedOutputPadding(ctx, parts.spatial, spatial, kernel, stride, dilation) : undefined;
    return { output: joinAxes({ leading: parts.leading, channels: outChannels, spatial }, 'channels_first'), params: paramsFor(o.lazy ? parts.channels : declaredIn), settledArgs };
  };
}

/**
 * With `output_size=`, PyTorch runs the transposed convolution with the output padding that
 * reaches the requested size: that padding, where every size is known (undefined otherwise, or
 * without output_size).
 */
function impliedOutputPadding(ctx: RuleContext, input: Dim[], output: Dim[], kernel: Dim[] | null, stride: Dim[] | null, dilation: Dim[] | null): Record<string, ArgValue> | undefined {
  if (!Array.isArray(ctx.value('call.output_size'))) return undefined;
  const padding = ctx.tuple('padding', input.length);
  const at = (t: Dim[] | null, i: number): Dim => (t ? t[i] : null);
  const implied = input.map((d, i) => sub(output[i], torchTransposedOutput(d, at(kernel, i), at(stride, i), at(padding, i), 0, at(dilation, i))));
  return implied.every((p): p is number => typeof p === 'number' && p >= 0) ? { output_padding: implied } : undefined;
}

/** PyTorch conv padding: 'same', 'valid', or an int or tuple of one side's padding per axis. */
function torchConvPadding(ctx: RuleContext, n: number): WindowPadding[] | null {
  const mode = ctx.str('padding');
  if (mode === 'same') return Array(n).fill('same');
  if (mode === 'valid') return Array(n).fill(0);
  const oneSide = ctx.tuple('padding', n);
  return oneSide ? oneSide.map((p) => mul(p, 2)) : null;
}

function torchTransposedSpatial(ctx: RuleContext, input: Dim[], kernel: Dim[] | null, stride: Dim[] | null, dilation: Dim[] | null): Dim[] {
  const n = input.length;
  // forward(x, output_size=skip.size()): PyTorch picks the output padding that reaches the
  // requested size (its last n entries; batch and channels may lead).
  const requested = ctx.value('call.output_size');
  if (Array.isArray(requested) && requested.length >= n) {
    const sizes = requested.slice(requested.length - n).map((d) => asInt(d));
    ctx.note(`${ctx.kind} spatial size${n > 1 ? 's' : ''} from output_size: ${sizes.map((d) => dimToString(d)).join(', ')}`);
    return sizes;
  }
  // An output_size we cannot read may add up to stride − 1 to each size: they are unknown.
  if (ctx.has('call.output_size') && requested !== null) return input.map(() => null);
  const padding = ctx.tuple('padding', n);
  const outputPadding = ctx.tuple('output_padding', n);
  const at = (t: Dim[] | null, i: number): Dim => (t ? t[i] : null);
  const sizes = input.map((d, i) => torchTransposedOutput(d, at(kernel, i), at(stride, i), at(padding, i), at(outputPadding, i), at(dilation, i)));
  return checkTransposedSizes(ctx, input, sizes, (i) => {
    const s = (d: Dim): string => dimToString(d);
    return `(${s(input[i])} − 1)·${s(at(stride, i))} − 2·${s(at(padding, i))} + ${s(at(dilation, i))}·(${s(at(kernel, i))} − 1) + ${s(at(outputPadding, i))} + 1 = ${s(sizes[i])}`;
  });
}

/** PyTorch's signatures: ConvTranspose moves dilation after bias; Lazy modules drop in_channels. */
function torchConvParams(o: TorchConvOptions): Param[] {
  const channels: Param[] = o.lazy ? [{ name: 'out_channels' }] : [{ name: 'in_channels' }, { name: 'out_channels' }];
  const window: Param[] = o.transposed
    ? [
        { name: 'kernel_size' },
        { name: 'stride', default: 1 },
        { name: 'padding', default: 0 },
        { name: 'output_padding', default: 0 },
        { name: 'groups', default: 1 },
        { name: 'bias', default: true },
        { name: 'dilation', default: 1 },
      ]
    : [
        { name: 'kernel_size' },
        { name: 'stride', default: 1 },
        { name: 'padding', default: 0 },
        { name: 'dilation', default: 1 },
        { name: 'groups', default: 1 },
        { name: 'bias', default: true },
      ];
  return [...channels, ...window, { name: 'padding_mode', default: 'zeros' }, { name: 'device', default: null }, { name: 'dtype', default: null }];
}

/**
 * A built PyTorch convolution's attributes: weight (out, in / groups, *kernel), transposed
 * (in, out / groups, *kernel); bias (out,) or None; the window arguments as `_ConvNd` keeps them,
 * one entry per spatial axis (padding may stay 'same' or 'valid'). A lazy one's weight waits for
 * its first input: unknown.
 */
function torchConvAttributes(o: TorchConvOptions) {
  return (ctx: RuleContext): ModuleAttributes => {
    const n = o.spatialRank;
    const asArg = (d: Dim): ArgValue => (d === null ? UnknownArg.instance : d);
    const kept: Record<string, ArgValue> = {};
    const windows = o.transposed ? ['kernel_size', 'stride', 'padding', 'dilation', 'output_padding'] : ['kernel_size', 'stride', 'padding', 'dilation'];
    for (const name of windows) {
      const mode = ctx.str(name);
      const t = ctx.tuple(name, n);
      if (mode === 'same' || mode === 'valid') kept[name] = mode;
      else if (t) kept[name] = t.map(asArg);
    }
    const parameters: ModuleAttributes['parameters'] = {};
    if (o.lazy) return { parameters, kept };
    const inC = ctx.int('in_channels');
    const outC = ctx.int('out_channels');
    const groups = ctx.int('groups');
    const kernel = ctx.tuple('kernel_size', n) ?? Array<Dim>(n).fill(null);
    const perGroup = (c: Dim): Dim => (typeof c === 'number' && typeof groups === 'number' && groups > 0 && c % groups === 0 ? c / groups : null);
    parameters.weight = o.transposed ? [inC, perGroup(outC), ...kernel] : [outC, perGroup(inC), ...kernel];
    const bias = ctx.bool('bias');
    if (bias === false) parameters.bias = 'none';
    else if (bias === true) parameters.bias = [outC];
    return { parameters, kept };
  };
}

function torchConvDef(spatialRank: number, transposed: boolean, lazy: boolean): LayerDef {
  const kind = `${lazy ? 'Lazy' : ''}${transposed ? 'ConvTranspose' : 'Conv'}${spatialRank}d`;
  const o = { spatialRank, transposed, lazy };
  return { kind, framework: 'torch', names: [`torch.nn.${kind}`], params: torchConvParams(o), ...(transposed ? { callParams: ['output_size'] } : {}), infer: torchConvolution(o), attributes: torchConvAttributes(o) };
}

// ---------------------------------------------------------------------------------------------
// Keras

type KerasConvVariant = 'conv' | 'transposed' | 'separable' | 'depthwise';

/** Keras padding: 'valid', 'same' or (for 1-D) 'causal', case-insensitive; null when unknown. */
function kerasPadding(ctx: RuleContext): 'valid' | 'same' | 'causal' | null {
  const p = ctx.str('padding')?.toLowerCase();
  return p === 'valid' || p === 'same' || p === 'causal' ? p : null;
}

/** Window padding for a Keras mode: 'causal' pads dilation·(kernel − 1) on the left, like 'same' in size. */
export function kerasWindowPadding(mode: 'valid' | 'same' | 'causal' | null, n: number): WindowPadding[] | null {
  if (mode === null) return null;
  return Array(n).fill(mode === 'valid' ? 0 : 'same');
}

function kerasConvolution(spatialRank: number, variant: KerasConvVariant) {
  return (ctx: RuleContext): RuleResult => {
    const n = spatialRank;
    const layout = kerasLayout(ctx);
    const kernel = ctx.tuple('kernel_size', n);
    const stride = ctx.tuple('strides', n);
    const dilation = ctx.tuple('dilation_rate', n);
    const filters = variant === 'depthwise' ? null : ctx.int('filters');
    const groups = variant === 'conv' ? ctx.int('groups') : 1;
    if (variant === 'conv') checkGroups(ctx, filters, groups, 'filters', () => ` (filters=${ctx.describe('filters')})`);
    const shape = ctx.inputs[0];
    if (shape === null || shape === undefined || !checkInputRank(ctx, shape, n)) return { output: null, params: null };
    const parts = splitAxes(shape, n, layout);
    if (variant === 'conv') checkGroups(ctx, parts.channels, groups, 'the input channel count', () => `: ${ctx.origin(0)}`);
    const mode = kerasPadding(ctx);
    let spatial: Dim[];
    if (variant === 'transposed') spatial = kerasTransposedSpatial(ctx, parts.spatial, kernel, stride, dilation, mode);
    else spatial = slideWindows(ctx, parts.spatial, { kernel, stride, dilation, padding: kerasWindowPadding(mode, n), windowArg: 'kernel_size' });
    const depthMultiplier = ctx.int('depth_multiplier');
    const channels = variant === 'depthwise' ? mul(parts.channels, depthMultiplier) : filters;
    return { output: joinAxes({ leading: parts.leading, channels, spatial }, layout), params: kerasConvParams(ctx, variant, kernel, parts.channels, filters, groups) };
  };
}

function kerasTransposedSpatial(ctx: RuleContext, input: Dim[], kernel: Dim[] | null, stride: Dim[] | null, dilation: Dim[] | null, mode: 'valid' | 'same' | 'causal' | null): Dim[] {
  const n = input.length;
  if (mode === null || mode === 'causal') return input.map(() => null);
  const outputPadding: (Dim | 'none')[] | null = ctx.value('output_padding') === null ? Array(n).fill('none') : ctx.tuple('output_padding', n);
  const at = <T>(t: T[] | null, i: number): T | null => (t ? t[i] : null);
  const sizes = input.map((d, i) => kerasTransposedOutput(d, at(kernel, i), at(stride, i), mode, at(outputPadding, i), at(dilation, i)));
  return checkTransposedSizes(ctx, input, sizes, (i) => `deconv_output_length(${dimToString(input[i])}, kernel ${dimToString(at(kernel, i))}, stride ${dimToString(at(stride, i))}, '${mode}') = ${dimToString(sizes[i])}`);
}

/** Keras parameter counts (layer.count_params()); they need the input channel count. */
function kerasConvParams(ctx: RuleContext, variant: KerasConvVariant, kernel: Dim[] | null, inputChannels: Dim, filters: Dim, groups: Dim): Count | null {
  const k = kernel ? known(product(kernel)) : null;
  const inC = known(inputChannels);
  const bias = ctx.bool('use_bias') !== false;
  if (k === null || inC === null) return null;
  if (variant === 'depthwise') {
    const m = known(ctx.int('depth_multiplier'));
    return m === null ? null : countOfTerms([[k, inC, m], bias ? [inC, m] : [0]]);
  }
  const f = known(filters);
  if (f === null) return null;
  if (variant === 'separable') {
    const m = known(ctx.int('depth_multiplier'));
    return m === null ? null : countOfTerms([[k, inC, m], [inC, m, f], bias ? [f] : [0]]);
  }
  const g = variant === 'conv' ? known(groups) : 1;
  if (g === null || g <= 0 || inC % g !== 0 || f % g !== 0) return null;
  return countOfTerms([[k, inC / g, f], bias ? [f] : [0]]);
}

/** `1` for 1-D, `[1, 1]` for 2-D: Keras writes its tuple defaults at the layer's rank. */
function repeated(value: number, n: number): ArgValue {
  return n === 1 ? value : Array(n).fill(value);
}

const KERAS_CONV_TAIL: Param[] = [
  { name: 'activation', default: null },
  { name: 'use_bias', default: true },
  ...KERAS_WEIGHT_PARAMS,
  { name: 'kwargs', varkw: true },
];

function kerasConvParamList(variant: KerasConvVariant, n: number): Param[] {
  const stride: Param = { name: 'strides', default: repeated(1, n) };
  const dilation: Param = { name: 'dilation_rate', default: repeated(1, n) };
  const padding: Param = { name: 'padding', default: 'valid' };
  const dataFormat: Param = { name: 'data_format', default: null };
  switch (variant) {
    case 'conv':
      return [{ name: 'filters' }, { name: 'kernel_size' }, stride, padding, dataFormat, dilation, { name: 'groups', default: 1 }, ...KERAS_CONV_TAIL];
    case 'transposed':
      return [{ name: 'filters' }, { name: 'kernel_size' }, stride, padding, { name: 'output_padding', default: null }, dataFormat, dilation, ...KERAS_CONV_TAIL];
    case 'separable':
      return [
        { name: 'filters' },
        { name: 'kernel_size' },
        stride,
        padding,
        dataFormat,
        dilation,
        { name: 'depth_multiplier', default: 1 },
        { name: 'activation', default: null },
        { name: 'use_bias', default: true },
        { name: 'depthwise_initializer', default: 'glorot_uniform' },
        { name: 'pointwise_initializer', default: 'glorot_uniform' },
        { name: 'bias_initializer', default: 'zeros' },
        { name: 'depthwise_regularizer', default: null },
        { name: 'pointwise_regularizer', default: null },
        { name: 'bias_regularizer', default: null },
        { name: 'activity_regularizer', default: null },
        { name: 'depthwise_constraint', default: null },
        { name: 'pointwise_constraint', default: null },
        { name: 'bias_constraint', default: null },
        { name: 'kwargs', varkw: true },
      ];
    case 'depthwise':
      return [
        { name: 'kernel_size' },
        stride,
        padding,
        { name: 'depth_multiplier', default: 1 },
        dataFormat,
        dilation,
        { name: 'activation', default: null },
        { name: 'use_bias', default: true },
        { name: 'depthwise_initializer', default: 'glorot_uniform' },
        { name: 'bias_initializer', default: 'zeros' },
        { name: 'depthwise_regularizer', default: null },
        { name: 'bias_regularizer', default: null },
        { name: 'activity_regularizer', default: null },
        { name: 'depthwise_constraint', default: null },
        { name: 'bias_constraint', default: null },
        { name: 'kwargs', varkw: true },
      ];
  }
}

function kerasConvDef(spatialRank: number, variant: KerasConvVariant): LayerDef {
  const d = `${spatialRank}D`;
  const spellings: Record<KerasConvVariant, string[]> = {
    conv: [`Conv${d}`, `Convolution${d}`],
    transposed: [`Conv${d}Transpose`, `Convolution${d}Transpose`],
    separable: [`SeparableConv${d}`, `SeparableConvolution${d}`],
    depthwise: [`DepthwiseConv${d}`],
  };
  const names = spellings[variant];
  return { kind: names[0], framework: 'keras', names: names.map((x) => `keras.layers.${x}`), params: kerasConvParamList(variant, spatialRank), infer: kerasConvolution(spatialRank, variant) };
}

export const layers: LayerDef[] = [
  ...[1, 2, 3].flatMap((n) => [torchConvDef(n, false, false), torchConvDef(n, true, false), torchConvDef(n, false, true), torchConvDef(n, true, true)]),
  ...[1, 2, 3].flatMap((n) => [kerasConvDef(n, 'conv'), kerasConvDef(n, 'transposed')]),
  ...[1, 2].flatMap((n) => [kerasConvDef(n, 'separable'), kerasConvDef(n, 'depthwise')]),
];
