// Layer family: pooling of every rank, for PyTorch (MaxPool, AvgPool, LPPool, AdaptiveAvgPool,
// AdaptiveMaxPool, FractionalMaxPool, and MaxUnpool, its inverse) and Keras (MaxPooling, AveragePooling, GlobalAveragePooling, GlobalMaxPooling).
//
// Window arithmetic, the layout split and the rank check come from conv.ts, so convolution and
// pooling share one formula. Pooling layers have no parameters. Functional pooling
// (`F.max_pool2d`) belongs to the ops files.

import { Dim, dimToString, divExact, equalDims, mul } from '../dim';
import { asInt, requestedSizes } from '../context';
import { formatShape, unpoolRangeMessage, unpoolSizes, windowOutput } from '../shape';
import { TupleOut } from '../types';
import type { ArgValue, LayerDef, Param, RuleContext, RuleResult, Shape } from '../types';
import { checkInputRank, joinAxes, kerasLayout, kerasWindowPadding, slideWindows, splitAxes } from './conv';

// ---------------------------------------------------------------------------------------------
// PyTorch Unfold and Fold (and F.unfold / F.fold): sliding blocks of a 2-D input as columns, and back.

/** The block counts per spatial axis of `nn.Unfold`/`nn.Fold` over `spatial`, with the windows' arguments; null where unknown. */
function slidingBlocks(ctx: RuleContext, spatial: Dim[]): Dim[] | null {
  const [kernel, dilation, padding, stride] = ['kernel_size', 'dilation', 'padding', 'stride'].map((name) => ctx.tuple(name, 2));
  if (!kernel || !dilation || !padding || !stride) return null;
  return spatial.map((d, i) => windowOutput(d, kernel[i], stride[i], mul(2, padding[i]), dilation[i]));
}

function blockArguments(ctx: RuleContext): string {
  return ['kernel_size', 'dilation', 'padding', 'stride'].map((name) => `${name}=${ctx.describe(name)}`).join(', ');
}

/** `nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)`: (N, C, H, W) → (N, C·kh·kw, L), L the number of blocks. */
export function inferUnfold(ctx: RuleContext, input: Shape, origin: string): RuleResult {
  if (input === null) return { output: null, params: 0 };
  if (input.length !== 3 && input.length !== 4) {
    ctx.error('rank-mismatch', `Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${formatShape(input)}: ${origin}`);
    return { output: null, params: 0 };
  }
  const kernel = ctx.tuple('kernel_size', 2);
  const blocks = slidingBlocks(ctx, input.slice(-2));
  if (blocks?.some((b) => typeof b === 'number' && b < 1)) {
    ctx.error('nonpositive-size', `Given input with spatial size (${input.slice(-2).map((d) => dimToString(d)).join(', ')}), ${blockArguments(ctx)}, calculated shape of the array of sliding blocks as (${blocks.map((d) => dimToString(d)).join(', ')}), but its components must be at least one: ${origin}`, 'kernel_size');
    return { output: null, params: 0 };
  }
  const channels = input[input.length - 3];
  return { output: [...input.slice(0, -3), kernel ? mul(channels, mul(kernel[0], kernel[1])) : null, blocks ? mul(blocks[0], blocks[1]) : null], params: 0 };
}

/** `nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)`: (N, C·kh·kw, L) → (N, C, *output_size), L the number of blocks. */
export function inferFold(ctx: RuleContext, input: Shape, origin: string): RuleResult {
  if (input === null) return { output: null, params: 0 };
  if (input.length !== 2 && input.length !== 3) {
    ctx.error('rank-mismatch', `Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and non-zero dimensions for input, but got: ${formatShape(input)}: ${origin}`);
    return { output: null, params: 0 };
  }
  const size = ctx.tuple('output_size', 2);
  const kernel = ctx.tuple('kernel_size', 2);
  const [columns, count] = input.slice(-2);
  const window = kernel ? mul(kernel[0], kernel[1]) : null;
  const channels = divExact(columns, window);
  if (channels === null && typeof columns === 'number' && typeof window === 'number' && window > 0) {
    ctx.error('reshape-size', `Expected size of input's dimension ${input.length - 2} to be divisible by the product of kernel_size, but got input.size(${input.length - 2})=${columns} and kernel_size=${ctx.describe('kernel_size')}: ${origin}`, 'kernel_size');
    return { output: null, params: 0 };
  }
  const blocks = size ? slidingBlocks(ctx, size) : null;
  const total = blocks ? mul(blocks[0], blocks[1]) : null;
  if (blocks && equalDims(total, count) === false) {
    ctx.error('reshape-size', `Given output_size=${ctx.describe('output_size')}, ${blockArguments(ctx)}, expected size of input's dimension ${input.length - 1} to match the calculated number of sliding blocks ${blocks.map((d) => dimToString(d)).join(' * ')} = ${dimToString(total)}, but got input.size(${input.length - 1})=${dimToString(count)}: ${origin}`, 'output_size');
    return { output: null, params: 0 };
  }
  return { output: [...input.slice(0, -2), channels, ...(size ?? [null, null])], params: 0 };
}

const WINDOW_PARAMS: Param[] = [{ name: 'kernel_size' }, { name: 'dilation', default: 1 }, { name: 'padding', default: 0 }, { name: 'stride', default: 1 }];

const blockLayers: LayerDef[] = [
  { kind: 'Unfold', framework: 'torch', names: ['torch.nn.Unfold'], params: WINDOW_PARAMS, infer: (ctx) => inferUnfold(ctx, ctx.inputs[0] ?? null, ctx.origin(0)) },
  { kind: 'Fold', framework: 'torch', names: ['torch.nn.Fold'], params: [{ name: 'output_size' }, ...WINDOW_PARAMS], infer: (ctx) => inferFold(ctx, ctx.inputs[0] ?? null, ctx.origin(0)) },
];

// ---------------------------------------------------------------------------------------------
// PyTorch

type TorchPoolKind = 'MaxPool' | 'AvgPool' | 'LPPool';

function torchPooling(spatialRank: number, kind: TorchPoolKind) {
  return (ctx: RuleContext): RuleResult => {
    const n = spatialRank;
    const kernel = ctx.tuple('kernel_size', n);
    // stride=None (or an empty tuple) means a stride of one window.
    const strideValue = ctx.value('stride');
    const stride = strideValue === null || (Array.isArray(strideValue) && strideValue.length === 0) ? kernel : ctx.tuple('stride', n);
    const padding = kind === 'LPPool' ? Array<Dim>(n).fill(0) : ctx.tuple('padding', n);
    const dilation = kind === 'MaxPool' ? ctx.tuple('dilation', n) : Array<Dim>(n).fill(1);
    if (kind !== 'LPPool') checkHalfKernelPadding(ctx, kernel, padding);
    const shape = ctx.inputs[0];
    if (shape === null || shape === undefined || !checkInputRank(ctx, shape, n)) return withIndices(ctx, kind === 'MaxPool', null);
    const parts = splitAxes(shape, n, 'channels_first');
    const spatial = slideWindows(ctx, parts.spatial, {
      kernel,
      stride,
      dilation,
      padding: padding ? padding.map((p) => mul(p, 2)) : null,
      ceilMode: ctx.bool('ceil_mode') === true,
      windowArg: 'kernel_size',
    });
    return withIndices(ctx, kind === 'MaxPool', joinAxes({ ...parts, spatial }, 'channels_first'));
  };
}

/** MaxPool and AdaptiveMaxPool with return_indices=True give `(output, indices)` of one shape. */
function withIndices(ctx: RuleContext, canReturnIndices: boolean, shape: Dim[] | null): RuleResult {
  const output = canReturnIndices && ctx.bool('return_indices') === true ? new TupleOut([shape, shape]) : shape;
  return { output, params: 0 };
}

/**
 * PyTorch refuses padding above half the kernel ("pad should be at most half of kernel size").
 * No rule code names that exactly; nonpositive-size, the window rule, is the closest.
 */
function checkHalfKernelPadding(ctx: RuleContext, kernel: Dim[] | null, padding: Dim[] | null): void {
  if (!kernel || !padding) return;
  const axis = padding.findIndex((p, i) => typeof p === 'number' && typeof kernel[i] === 'number' && p > Math.floor((kernel[i] as number) / 2));
  if (axis < 0) return;
  const halves = kernel.map((k) => (typeof k === 'number' ? Math.floor(k / 2) : null));
  const fix = typeof ctx.value('padding') === 'number' && halves.every((h) => h !== null) ? { arg: 'padding', value: Math.min(...(halves as number[])) } : undefined;
  ctx.error(
    'nonpositive-size',
    `${ctx.kind} padding=${ctx.describe('padding')} is more than half of kernel_size=${ctx.describe('kernel_size')} on spatial axis ${axis}: ` +
      `PyTorch refuses padding above kernel_size // 2 = ${halves[axis]} (reported as nonpositive-size, the closest rule)`,
    'padding',
    fix,
  );
}

type AdaptiveKind = 'AdaptiveAvgPool' | 'AdaptiveMaxPool';

function torchAdaptivePooling(spatialRank: number, kind: AdaptiveKind) {
  return (ctx: RuleContext): RuleResult => {
    const shape = ctx.inputs[0];
    const isMax = kind === 'AdaptiveMaxPool';
    if (shape === null || shape === undefined || !checkInputRank(ctx, shape, spatialRank)) return withIndices(ctx, isMax, null);
    const parts = splitAxes(shape, spatialRank, 'channels_first');
    const spatial = adaptiveSizes(ctx.value('output_size'), parts.spatial);
    ctx.note(`${ctx.kind} output size: ${spatial.map((d) => (d === null ? '?' : String(d))).join(' × ')}`);
    return withIndices(ctx, isMax, joinAxes({ ...parts, spatial }, 'channels_first'));
  };
}

/** An adaptive pool's output_size: an int for every axis, or a tuple whose None entries keep the input size. */
function adaptiveSizes(outputSize: ArgValue, input: Dim[]): Dim[] {
  if (outputSize === null) return [...input];
  if (Array.isArray(outputSize)) {
    const entries = outputSize.length === 1 ? input.map(() => outputSize[0]) : outputSize;
    if (entries.length !== input.length) return input.map(() => null);
    return entries.map((v, i) => (v === null ? input[i] : asInt(v)));
  }
  const size = asInt(outputSize);
  return input.map(() => size);
}

function torchPoolParams(n: number, kind: TorchPoolKind): Param[] {
  switch (kind) {
    case 'MaxPool':
      return [
        { name: 'kernel_size' },
        { name: 'stride', default: null },
        { name: 'padding', default: 0 },
        { name: 'dilation', default: 1 },
        { name: 'return_indices', default: false },
        { name: 'ceil_mode', default: false },
      ];
    case 'AvgPool': {
      const params: Param[] = [
        { name: 'kernel_size' },
        { name: 'stride', default: null },
        { name: 'padding', default: 0 },
        { name: 'ceil_mode', default: false },
        { name: 'count_include_pad', default: true },
      ];
      // AvgPool1d has no divisor_override.
      return n === 1 ? params : [...params, { name: 'divisor_override', default: null }];
    }
    case 'LPPool':
      return [{ name: 'norm_type' }, { name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'ceil_mode', default: false }];
  }
}

function torchPoolDef(n: number, kind: TorchPoolKind): LayerDef {
  const name = `${kind}${n}d`;
  return { kind: name, framework: 'torch', names: [`torch.nn.${name}`], params: torchPoolParams(n, kind), infer: torchPooling(n, kind) };
}

function torchAdaptiveDef(n: number, kind: AdaptiveKind): LayerDef {
  const name = `${kind}${n}d`;
  const params: Param[] = kind === 'AdaptiveMaxPool' ? [{ name: 'output_size' }, { name: 'return_indices', default: false }] : [{ name: 'output_size' }];
  return { kind: name, framework: 'torch', names: [`torch.nn.${name}`], params, infer: torchAdaptivePooling(n, kind) };
}

/**
 * FractionalMaxPool2d/3d(kernel_size, output_size=None, output_ratio=None, return_indices=False):
 * the output size is given, or the input size times the ratio, rounded down. PyTorch refuses an
 * output_size whose windows overrun the input (output + kernel − 1 > input).
 */
function torchFractionalPooling(spatialRank: number) {
  return (ctx: RuleContext): RuleResult => {
    const n = spatialRank;
    const shape = ctx.inputs[0];
    if (shape === null || shape === undefined || !checkInputRank(ctx, shape, n)) return withIndices(ctx, true, null);
    const parts = splitAxes(shape, n, 'channels_first');
    const kernel = ctx.tuple('kernel_size', n);
    const sizes = ctx.value('output_size') !== null ? ctx.tuple('output_size', n) : null;
    let spatial: Dim[];
    if (sizes) {
      spatial = sizes;
      const axis = parts.spatial.findIndex((d, i) => typeof d === 'number' && typeof sizes[i] === 'number' && kernel && typeof kernel[i] === 'number' && (sizes[i] as number) + (kernel[i] as number) - 1 > d);
      if (axis >= 0) {
        ctx.error(
          'nonpositive-size',
          `${ctx.kind}: pool size ${dimToString(kernel![axis])} too large relative to input size ${dimToString(parts.spatial[axis])} on spatial axis ${axis} for output_size ${dimToString(sizes[axis])} (output + kernel − 1 must not exceed the input): the input is ${ctx.origin(0)}`,
          'output_size',
        );
      }
    } else {
      const ratioValue = ctx.value('output_ratio');
      const ratios = Array.isArray(ratioValue) ? (ratioValue.length === n ? ratioValue : null) : Array(n).fill(ratioValue);
      spatial = parts.spatial.map((d, i) => {
        const r = ratios?.[i];
        return typeof d === 'number' && typeof r === 'number' && r > 0 && r < 1 ? Math.floor(d * r) : null;
      });
    }
    ctx.note(`${ctx.kind} output size: ${spatial.map((d) => dimToString(d)).join(' × ')}`);
    return withIndices(ctx, true, joinAxes({ ...parts, spatial }, 'channels_first'));
  };
}

function torchFractionalDef(n: number): LayerDef {
  const name = `FractionalMaxPool${n}d`;
  const params: Param[] = [{ name: 'kernel_size' }, { name: 'output_size', default: null }, { name: 'output_ratio', default: null }, { name: 'return_indices', default: false }, { name: '_random_samples', default: null }];
  return { kind: name, framework: 'torch', names: [`torch.nn.${name}`], params, infer: torchFractionalPooling(n) };
}

/**
 * MaxUnpool1d/2d/3d(kernel_size, stride=None, padding=0), applied as `unpool(x, indices,
 * output_size=None)`: (in − 1)·stride + kernel − 2·padding per spatial axis, or the requested
 * output_size (`x.size()` of the tensor before pooling), which PyTorch accepts only strictly
 * within one stride of that size.
 */
function torchUnpooling(spatialRank: number) {
  return (ctx: RuleContext): RuleResult => {
    const n = spatialRank;
    const shape = ctx.inputs[0];
    if (shape === null || shape === undefined || !checkInputRank(ctx, shape, n)) return { output: null, params: 0 };
    const parts = splitAxes(shape, n, 'channels_first');
    const kernel = ctx.tuple('kernel_size', n);
    const stride = ctx.value('stride') === null ? kernel : ctx.tuple('stride', n);
    const padding = ctx.tuple('padding', n);
    const requested = ctx.has('call.output_size') ? requestedSizes(ctx.value('call.output_size'), n) : null;
    const { sizes, defaults, outOfRange } = unpoolSizes(parts.spatial, kernel, stride, padding, requested);
    if (outOfRange >= 0) {
      ctx.error('nonpositive-size', unpoolRangeMessage(ctx.kind, outOfRange, defaults[outOfRange], stride![outOfRange], sizes[outOfRange], ctx.origin(0)));
      return { output: null, params: 0 };
    }
    return { output: joinAxes({ ...parts, spatial: sizes }, 'channels_first'), params: 0 };
  };
}

function torchUnpoolDef(n: number): LayerDef {
  const name = `MaxUnpool${n}d`;
  const params: Param[] = [{ name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'padding', default: 0 }];
  return { kind: name, framework: 'torch', names: [`torch.nn.${name}`], params, callParams: ['indices', 'output_size'], infer: torchUnpooling(n) };
}

// ---------------------------------------------------------------------------------------------
// Keras

function kerasPooling(spatialRank: number) {
  return (ctx: RuleContext): RuleResult => {
    const n = spatialRank;
    const layout = kerasLayout(ctx);
    const pool = ctx.tuple('pool_size', n);
    const stride = ctx.value('strides') === null ? pool : ctx.tuple('strides', n);
    const shape = ctx.inputs[0];
    if (shape === null || shape === undefined || !checkInputRank(ctx, shape, n)) return { output: null, params: 0 };
    const parts = splitAxes(shape, n, layout);
    const mode = ctx.str('padding')?.toLowerCase();
    const padding = kerasWindowPadding(mode === 'valid' || mode === 'same' ? mode : null, n);
    const spatial = slideWindows(ctx, parts.spatial, { kernel: pool, stride, dilation: Array<Dim>(n).fill(1), padding, windowArg: 'pool_size' });
    return { output: joinAxes({ ...parts, spatial }, layout), params: 0 };
  };
}

function kerasGlobalPooling(spatialRank: number) {
  return (ctx: RuleContext): RuleResult => {
    const layout = kerasLayout(ctx);
    const shape = ctx.inputs[0];
    if (shape === null || shape === undefined || !checkInputRank(ctx, shape, spatialRank)) return { output: null, params: 0 };
    const parts = splitAxes(shape, spatialRank, layout);
    if (ctx.bool('keepdims') === true) return { output: joinAxes({ ...parts, spatial: parts.spatial.map(() => 1) }, layout), params: 0 };
    return { output: [...parts.leading, parts.channels], params: 0 };
  };
}

function kerasPoolDef(n: number, kind: 'MaxPooling' | 'AveragePooling'): LayerDef {
  const alias = kind === 'MaxPooling' ? 'MaxPool' : 'AvgPool';
  const params: Param[] = [
    { name: 'pool_size', default: n === 1 ? 2 : Array(n).fill(2) },
    { name: 'strides', default: null },
    { name: 'padding', default: 'valid' },
    { name: 'data_format', default: null },
    { name: 'name', default: null },
    { name: 'kwargs', varkw: true },
  ];
  return { kind: `${kind}${n}D`, framework: 'keras', names: [`keras.layers.${kind}${n}D`, `keras.layers.${alias}${n}D`], params, infer: kerasPooling(n) };
}

function kerasGlobalPoolDef(n: number, kind: 'GlobalMaxPooling' | 'GlobalAveragePooling'): LayerDef {
  const alias = kind === 'GlobalMaxPooling' ? 'GlobalMaxPool' : 'GlobalAvgPool';
  const params: Param[] = [{ name: 'data_format', default: null }, { name: 'keepdims', default: false }, { name: 'kwargs', varkw: true }];
  return { kind: `${kind}${n}D`, framework: 'keras', names: [`keras.layers.${kind}${n}D`, `keras.layers.${alias}${n}D`], params, infer: kerasGlobalPooling(n) };
}

export const layers: LayerDef[] = [...blockLayers, torchFractionalDef(2), torchFractionalDef(3), ...[1, 2, 3].flatMap((n) => [
  torchPoolDef(n, 'MaxPool'),
  torchUnpoolDef(n),
  torchPoolDef(n, 'AvgPool'),
  torchPoolDef(n, 'LPPool'),
  torchAdaptiveDef(n, 'AdaptiveAvgPool'),
  torchAdaptiveDef(n, 'AdaptiveMaxPool'),
  kerasPoolDef(n, 'MaxPooling'),
  kerasPoolDef(n, 'AveragePooling'),
  kerasGlobalPoolDef(n, 'GlobalMaxPooling'),
  kerasGlobalPoolDef(n, 'GlobalAveragePooling'),
])];
