// Functional ops: torch.nn.functional.* and their torch.* and Tensor.* spellings for activations,
// softmax, dropout, pooling (and max_unpool) of every rank, interpolation, padding, normalisation, linear,
// convolution, embedding, glu, pixel shuffle, one_hot, affine_grid and grid_sample.
//
// Pooling and convolution use the shared window formula of shape.ts, so the functional and the
// module forms (layers/pool.ts, layers/conv.ts) agree. Shape moves, reductions, arithmetic and
// matmul live in ./tensor.ts, whose small helpers (input shape, axis checks) this file shares.

import { asInt, requestedSizes } from '../context';
import { add, Dim, dimToString, divExact, equalDims, mul, product } from '../dim';
import { broadcast, formatShape, unpoolRangeMessage, unpoolSizes, windowFormula, windowOutput } from '../shape';
import { ArgValue, OpDef, Param, RuleContext, RuleResult, Shape, TupleOut } from '../types';
import { torchTransposedOutput } from '../layers/conv';
import { inferFold, inferUnfold } from '../layers/pool';
import { alongAxisRule, checkedAxis, defs, INPUT, keywordOnly, listArgument, param, sameShape, shapeOf } from './tensor';

const F = 'torch.nn.functional.';

/**
 * F.scaled_dot_product_attention(query, key, value): query (..., L, E) and value (..., S, Ev) give
 * (..., L, Ev) (https://pytorch.org/docs/stable/generated/torch.nn.functional.scaled_dot_product_attention.html).
 * A leading axis where query and value differ (broadcast, or grouped-query heads) is unknown; no
 * error is reported.
 */
function scaledDotProductAttentionRule(ctx: RuleContext): RuleResult {
  const q = shapeOf(ctx, 'query');
  const v = shapeOf(ctx, 'value');
  if (q === null || v === null || q.length < 2 || q.length !== v.length) return { output: null };
  const leading = q.slice(0, -2).map((d, i) => (equalDims(d, v[i]) === true ? d : null));
  return { output: [...leading, q[q.length - 2], v[v.length - 1]] };
}

// ---------------------------------------------------------------------------------------------
// Sliding windows: pooling and convolution.

/** The batch and channel axes in front of `spatialRank` spatial axes; both batched and unbatched input are accepted. */
function leadingAxes(ctx: RuleContext, input: Dim[], spatialRank: number, minimumLeading = 1): number | null {
  const leading = input.length - spatialRank;
  if (leading < minimumLeading || leading > 2) {
    const accepted = minimumLeading === 2 ? `${spatialRank + 2}D` : `${spatialRank + 1}D or ${spatialRank + 2}D`;
    ctx.error('rank-mismatch', `${ctx.kind}: expected ${accepted} (batch mode) input, but got input of size ${formatShape(input)}: ${ctx.origin('input')}`, 'input');
    return null;
  }
  return leading;
}

interface WindowSettings {
  kernel: Dim[] | null;
  stride: Dim[] | null;
  padding: Dim[] | null;
  dilation: Dim[] | null;
  ceilMode: boolean;
}

/**
 * Applies the window formula to the last `spatial.length` axes; notes each formula and reports
 * nonpositive-size, in PyTorch's words, when a window does not fit its padded input.
 */
function windowedSizes(ctx: RuleContext, spatial: Dim[], channels: Dim[], w: WindowSettings): Dim[] {
  const out = spatial.map((size, i) => {
    if (!w.kernel || !w.stride || !w.padding || !w.dilation) return null;
    const padTotal = mul(w.padding[i], 2);
    const result = windowOutput(size, w.kernel[i], w.stride[i], padTotal, w.dilation[i], w.ceilMode);
    if (result !== null) ctx.note(windowFormula(size, w.kernel[i], w.stride[i], padTotal, w.dilation[i], result));
    return result;
  });
  if (out.some((d) => typeof d === 'number' && d <= 0)) {
    const sizes = (dims: Dim[]) => [...channels, ...dims].map((d) => dimToString(d)).join('x');
    ctx.error('nonpositive-size', `Given input size: (${sizes(spatial)}). Calculated output size: (${sizes(out)}). Output size is too small: the input is ${ctx.origin('input')}`, 'kernel_size');
  }
  return out;
}

/** `stride=None` (functional) and `stride=[]` (torch.max_pool2d) both mean the kernel size. */
function strideOrKernel(ctx: RuleContext, kernel: Dim[] | null, n: number): Dim[] | null {
  const stride = ctx.value('stride');
  if (stride === null || (Array.isArray(stride) && stride.length === 0)) return kernel;
  return ctx.tuple('stride', n);
}

type IndicesMode = 'never' | 'flag' | 'always';

function withIndices(ctx: RuleContext, shape: Shape, indices: IndicesMode): RuleResult {
  const returnsIndices = indices === 'always' || (indices === 'flag' && ctx.bool('return_indices') === true);
  return { output: returnsIndices ? new TupleOut([shape, shape]) : shape };
}

/** max_pool, avg_pool and lp_pool of `n` spatial dimensions. */
function poolRule(ctx: RuleContext, n: number, variant: 'max' | 'avg' | 'lp', indices: IndicesMode = 'never'): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return withIndices(ctx, null, indices);
  const leading = leadingAxes(ctx, input, n);
  if (leading === null) return withIndices(ctx, null, indices);
  const kernel = ctx.tuple('kernel_size', n);
  // Parameters a spelling lacks (avg_pool has no dilation, lp_pool no padding either) take their neutral values.
  const settings: WindowSettings = {
    kernel,
    stride: strideOrKernel(ctx, kernel, n),
    padding: variant === 'lp' ? Array(n).fill(0) : ctx.tuple('padding', n),
    dilation: variant === 'max' ? ctx.tuple('dilation', n) : Array(n).fill(1),
    ceilMode: ctx.bool('ceil_mode') === true,
  };
  const spatial = input.slice(leading);
  const out = windowedSizes(ctx, spatial, input.slice(leading - 1, leading), settings);
  return withIndices(ctx, [...input.slice(0, leading), ...out], indices);
}

/** F.max_unpool1d/2d/3d(input, indices, kernel_size, stride=None, padding=0, output_size=None): layers/pool.ts's MaxUnpool. */
function unpoolRule(ctx: RuleContext, n: number): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  const leading = leadingAxes(ctx, input, n);
  if (leading === null) return { output: null };
  const kernel = ctx.tuple('kernel_size', n);
  const stride = strideOrKernel(ctx, kernel, n);
  const { sizes, defaults, outOfRange } = unpoolSizes(input.slice(leading), kernel, stride, ctx.tuple('padding', n), requestedSizes(ctx.value('output_size'), n));
  if (outOfRange >= 0) {
    ctx.error('nonpositive-size', unpoolRangeMessage(ctx.kind, outOfRange, defaults[outOfRange], stride![outOfRange], sizes[outOfRange], ctx.origin('input')), 'output_size');
    return { output: null };
  }
  return { output: [...input.slice(0, leading), ...sizes] };
}

/** adaptive pooling: the output size per spatial axis, where None keeps the input's size. */
function adaptivePoolRule(ctx: RuleContext, n: number, indices: IndicesMode): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return withIndices(ctx, null, indices);
  const leading = leadingAxes(ctx, input, n);
  if (leading === null) return withIndices(ctx, null, indices);
  const requested = ctx.value('output_size');
  const spatial = input.slice(leading);
  let sizes: Dim[];
  if (Array.isArray(requested)) {
    if (requested.length !== n && requested.length !== 1) {
      ctx.error('rank-mismatch', `${ctx.kind}: output_size must be ${n}, but got ${requested.length} sizes`, 'output_size');
      return withIndices(ctx, null, indices);
    }
    const entries = requested.length === 1 ? Array(n).fill(requested[0]) : requested;
    sizes = entries.map((e, i) => (e === null ? spatial[i] : asInt(e)));
  } else sizes = requested === null ? spatial : Array(n).fill(asInt(requested));
  return withIndices(ctx, [...input.slice(0, leading), ...sizes], indices);
}

/**
 * What the functional convolutions share: the input, its leading axes (batch, channels), the
 * groups and input channels, and the weight (unknown or of the input's rank); null where the input
 * is unknown or the weight's rank does not fit it (reported).
 */
function convOperands(ctx: RuleContext, n: number): { input: Dim[]; leading: number; groups: Dim; channels: Dim; weight: Dim[] | null } | null {
  const input = shapeOf(ctx);
  const weight = shapeOf(ctx, 'weight');
  if (input === null) return null;
  const leading = leadingAxes(ctx, input, n);
  if (leading === null) return null;
  if (weight !== null && weight.length !== n + 2) {
    ctx.error('rank-mismatch', `Expected ${n + 2}-dimensional weight for ${n + 2}-dimensional input ${formatShape(input)}, but got ${weight.length}-dimensional weight of size ${formatShape(weight)}: ${ctx.origin('weight')}`, 'weight');
    return null;
  }
  return { input, leading, groups: ctx.int('groups'), channels: input[leading - 1], weight };
}

/** F.conv1d/2d/3d: weight (out, in / groups, *kernel). */
function convRule(ctx: RuleContext, n: number): RuleResult {
  const operands = convOperands(ctx, n);
  if (!operands) return { output: null };
  const { input, leading, groups, channels, weight } = operands;
  let outChannels: Dim = null;
  let kernel: Dim[] | null = null;
  if (weight !== null) {
    outChannels = weight[0];
    kernel = weight.slice(2);
    const expected = mul(weight[1], groups);
    if (equalDims(expected, channels) === false) {
      ctx.error('conv-in-channels', `Given groups=${dimToString(groups)}, weight of size ${dimsList(weight)}, expected input${dimsList(input)} to have ${dimToString(expected)} channels, but got ${dimToString(channels)} channels instead: the input is ${ctx.origin('input')}`, 'weight');
    }
  }
  const stride = ctx.tuple('stride', n);
  const dilation = ctx.tuple('dilation', n);
  // padding may also be the string 'valid' (no padding) or 'same' (the output keeps the input's size).
  const paddingValue = ctx.value('padding');
  const padding = paddingValue === 'valid' ? Array(n).fill(0) : ctx.tuple('padding', n);
  const spatial = input.slice(leading);
  const out = paddingValue === 'same' ? spatial : windowedSizes(ctx, spatial, [channels], { kernel, stride, padding, dilation, ceilMode: false });
  return { output: [...input.slice(0, leading - 1), outChannels, ...out] };
}

/**
 * F.conv_transpose1d/2d/3d: weight (in, out / groups, *kernel); each spatial size is
 * (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1, as the module's.
 */
function convTransposeRule(ctx: RuleContext, n: number): RuleResult {
  const operands = convOperands(ctx, n);
  if (!operands) return { output: null };
  const { input, leading, groups, channels, weight } = operands;
  let outChannels: Dim = null;
  let kernel: Dim[] | null = null;
  if (weight !== null) {
    outChannels = mul(weight[1], groups);
    kernel = weight.slice(2);
    if (equalDims(weight[0], channels) === false) {
      ctx.error('conv-in-channels', `Given transposed=1, weight of size ${dimsList(weight)}, expected input${dimsList(input)} to have ${dimToString(weight[0])} channels, but got ${dimToString(channels)} channels instead: the input is ${ctx.origin('input')}`, 'weight');
    }
  }
  const [stride, padding, outputPadding, dilation] = ['stride', 'padding', 'output_padding', 'dilation'].map((name) => ctx.tuple(name, n));
  const spatial = input.slice(leading);
  const out = spatial.map((d, i) => (kernel && stride && padding && outputPadding && dilation ? torchTransposedOutput(d, kernel[i], stride[i], padding[i], outputPadding[i], dilation[i]) : null));
  const bad = out.findIndex((s) => typeof s === 'number' && s < 1);
  if (bad >= 0) {
    ctx.error('nonpositive-size', `${ctx.kind} padding=${ctx.describe('padding')} leaves an output size of ${dimToString(out[bad])} on spatial axis ${bad} (input size ${dimToString(spatial[bad])}): ${ctx.origin('input')}`, 'padding');
    return { output: null };
  }
  return { output: [...input.slice(0, leading - 1), outChannels, ...out] };
}

// ---------------------------------------------------------------------------------------------
// Resizing: interpolate, pad, pixel shuffle.

/** F.interpolate: `size`, or floor(input × scale_factor) per spatial axis. */
function interpolateRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  if (input.length < 3 || input.length > 5) {
    ctx.error('rank-mismatch', `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.length}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${ctx.str('mode') ?? '?'}): the input is ${ctx.origin('input')}`, 'input');
    return { output: null };
  }
  const spatial = input.slice(2);
  const n = spatial.length;
  const size = ctx.value('size');
  const scale = ctx.value('scale_factor');
  let out: Dim[];
  if (size !== null) {
    const list = Array.isArray(size) ? size : Array(n).fill(size);
    if (list.length !== n) {
      ctx.error('rank-mismatch', `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${dimsList(spatial)} and output size of ${dimsList(list.map((d) => asInt(d)))}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`, 'size');
      return { output: null };
    }
    out = list.map((d) => asInt(d));
  } else if (scale !== null) {
    const list = Array.isArray(scale) ? scale : Array(n).fill(scale);
    if (list.length !== n) {
      ctx.error('rank-mismatch', `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${dimsList(spatial)} and scale_factor of shape ${dimsList(list.map((d) => asInt(d)))}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`, 'scale_factor');
      return { output: null };
    }
    out = spatial.map((d, i) => scaled(d, list[i]));
  } else out = spatial.map(() => null);
  return { output: [input[0], input[1], ...out] };
}

function dimsList(dims: Dim[]): string {
  return `[${dims.map((d) => dimToString(d)).join(', ')}]`;
}

/** floor(size × factor); a symbolic size only scales by a whole number. */
function scaled(size: Dim, factor: ArgValue): Dim {
  if (typeof factor !== 'number' || size === null) return null;
  if (typeof size === 'number') return Math.floor(size * factor);
  return Number.isInteger(factor) ? mul(size, factor) : null;
}

/** F.pad: pairs from the last axis backwards; negative amounts crop. */
function padRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const amounts = ctx.value('pad');
  if (input === null || !Array.isArray(amounts)) return { output: null };
  const pads = amounts.map((p) => asInt(p));
  if (pads.length % 2 !== 0) {
    ctx.error('rank-mismatch', `Padding length must be divisible by 2, but got ${pads.length} values`, 'pad');
    return { output: null };
  }
  if (pads.length / 2 > input.length) {
    ctx.error('rank-mismatch', `Padding length should be less than or equal to two times the input dimension but got padding length ${pads.length} and input of dimension ${input.length}: ${ctx.origin('input')}`, 'pad');
    return { output: null };
  }
  const out = [...input];
  for (let i = 0; i < pads.length / 2; i++) {
    const axis = input.length - 1 - i;
    const size = input[axis];
    const before = pads[2 * i];
    const after = pads[2 * i + 1];
    const total = add(add(size, before), after);
    out[axis] = total;
    if (typeof total === 'number' && total < 0) {
      ctx.error('nonpositive-size', `The input size ${dimToString(size)}, plus negative padding ${dimToString(before)} and ${dimToString(after)} resulted in a negative output size, which is invalid. Check dimension ${axis} of your input: ${ctx.origin('input')}`, 'pad');
      out[axis] = null;
    }
  }
  return { output: out };
}

/** F.pixel_shuffle: (*, C·r², H, W) → (*, C, H·r, W·r); pixel_unshuffle inverts it. */
function pixelShuffleRule(ctx: RuleContext, factorName: string, shuffle: boolean): RuleResult {
  const input = shapeOf(ctx);
  const r = ctx.int(factorName);
  if (input === null) return { output: null };
  if (input.length < 3) {
    ctx.error('rank-mismatch', `${ctx.kind} expects input to have at least 3 dimensions, but got input with ${input.length} dimension(s): ${ctx.origin('input')}`, 'input');
    return { output: null };
  }
  const [c, h, w] = input.slice(-3);
  const batch = input.slice(0, -3);
  const square = mul(r, r);
  if (shuffle) {
    const channels = divExact(c, square);
    if (typeof c === 'number' && typeof square === 'number' && square > 0 && c % square !== 0) {
      ctx.error('reshape-size', `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${square}: ${ctx.origin('input')}`, factorName);
    }
    return { output: [...batch, channels, mul(h, r), mul(w, r)] };
  }
  for (const [size, name] of [[h, 'height'], [w, 'width']] as const) {
    if (typeof size === 'number' && typeof r === 'number' && r > 0 && size % r !== 0) {
      ctx.error('reshape-size', `pixel_unshuffle expects ${name} to be divisible by downscale_factor, but input.size(${name === 'height' ? -2 : -1})=${size} is not divisible by ${r}: ${ctx.origin('input')}`, factorName);
    }
  }
  return { output: [...batch, mul(c, square), divExact(h, r), divExact(w, r)] };
}

// ---------------------------------------------------------------------------------------------
// Linear maps, embedding, one_hot, glu, normalisation.

/** F.linear: (*, in) × weight (out, in) → (*, out); a 1-D weight drops the last axis. */
function linearRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const weight = shapeOf(ctx, 'weight');
  if (input === null || weight === null) return { output: null };
  if (input.length === 0 || weight.length === 0 || weight.length > 2) {
    ctx.error('rank-mismatch', `linear: input ${formatShape(input)} and weight ${formatShape(weight)} cannot be multiplied: the weight must be 1-D or 2-D and the input at least 1-D`, 'weight');
    return { output: null };
  }
  const features = input[input.length - 1];
  const expected = weight[weight.length - 1];
  if (equalDims(features, expected) === false) {
    const rows = product(input.slice(0, -1));
    const right = weight.length === 2 ? `${dimToString(weight[1])}x${dimToString(weight[0])}` : `${dimToString(weight[0])}x1`;
    ctx.error('linear-in-features', `mat1 and mat2 shapes cannot be multiplied (${dimToString(rows)}x${dimToString(features)} and ${right}): the weight expects ${dimToString(expected)} features, but the input ${ctx.origin('input')} has ${dimToString(features)}`, 'weight');
  }
  return { output: weight.length === 2 ? [...input.slice(0, -1), weight[0]] : input.slice(0, -1) };
}

function bilinearRule(ctx: RuleContext): RuleResult {
  const first = shapeOf(ctx, 'input1');
  const weight = shapeOf(ctx, 'weight');
  if (first === null || weight === null || first.length === 0 || weight.length !== 3) return { output: null };
  return { output: [...first.slice(0, -1), weight[0]] };
}

function embeddingRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const weight = shapeOf(ctx, 'weight');
  if (weight !== null && weight.length !== 2) {
    ctx.error('rank-mismatch', `'weight' must be 2-D, but got a weight of shape ${formatShape(weight)}: ${ctx.origin('weight')}`, 'weight');
    return { output: null };
  }
  if (input === null) return { output: null };
  return { output: [...input, weight === null ? null : weight[1]] };
}

function oneHotRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'tensor');
  const classes = ctx.int('num_classes');
  if (input === null) return { output: null };
  // num_classes=-1 means one more than the largest value, which only running the model can tell.
  return { output: [...input, typeof classes === 'number' && classes < 0 ? null : classes] };
}

function gluRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  if (input.length === 0) {
    ctx.error('rank-mismatch', `glu does not support scalars because halving size must be even: ${ctx.origin('input')}`, 'input');
    return { output: null };
  }
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), input.length);
  if (axis === null) return { output: null };
  const size = input[axis];
  if (typeof size === 'number' && size % 2 !== 0) {
    ctx.error('reshape-size', `Halving dimension must be even, but dimension ${axis} is size ${size}: ${ctx.origin('input')}`, 'dim');
  }
  const out = [...input];
  out[axis] = divExact(size, 2);
  return { output: out };
}

function layerNormRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const normalized = listArgument(ctx.value('normalized_shape'));
  if (input === null || normalized === null) return { output: input };
  const expected = normalized.map((d) => asInt(d));
  const tail = input.slice(input.length - expected.length);
  const differs = expected.length > input.length || expected.some((d, i) => equalDims(d, tail[i]) === false);
  if (differs) {
    ctx.error('norm-num-features', `Given normalized_shape=${dimsList(expected)}, expected input with shape [*, ${expected.map((d) => dimToString(d)).join(', ')}], but got input of size${dimsList(input)}: ${ctx.origin('input')}`, 'normalized_shape');
  }
  return { output: input };
}

function batchNormRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  if (input.length < 2) {
    ctx.error('rank-mismatch', `batch_norm expects an input of at least 2 dimensions (N, C, ...), but got ${formatShape(input)}: ${ctx.origin('input')}`, 'input');
    return { output: input };
  }
  for (const name of ['running_mean', 'running_var', 'weight', 'bias']) {
    const stats = shapeOf(ctx, name);
    if (stats === null || stats.length !== 1) continue;
    if (equalDims(stats[0], input[1]) === false) {
      ctx.error('norm-num-features', `${name} should contain ${dimToString(input[1])} elements not ${dimToString(stats[0])}: the input is ${ctx.origin('input')}; ${name} is ${ctx.origin(name)}`, name);
      break;
    }
  }
  return { output: input };
}

function groupNormRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const groups = ctx.int('num_groups');
  if (input !== null && input.length >= 2 && typeof input[1] === 'number' && typeof groups === 'number' && groups > 0 && input[1] % groups !== 0) {
    ctx.error('groups-divisible', `Expected number of channels in input to be divisible by num_groups, but got input of shape ${dimsList(input)} and num_groups=${groups}: ${ctx.origin('input')}`, 'num_groups');
  }
  return { output: input };
}

/** F.cosine_similarity: broadcast both inputs, then reduce `dim`. */
function cosineSimilarityRule(ctx: RuleContext): RuleResult {
  const a = shapeOf(ctx, 'x1');
  const b = shapeOf(ctx, 'x2');
  const result = broadcast(a, b);
  if (result.conflict) {
    const { axis, a: sizeA, b: sizeB } = result.conflict;
    ctx.error('broadcast-mismatch', `The size of tensor a (${dimToString(sizeA)}) must match the size of tensor b (${dimToString(sizeB)}) at non-singleton dimension ${axis}: a is ${ctx.origin('x1')}; b is ${ctx.origin('x2')}`, 'x2');
    return { output: null };
  }
  if (result.shape === null) return { output: null };
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), result.shape.length, 'x1');
  return { output: axis === null ? null : result.shape.filter((_, i) => i !== axis) };
}

function dropout1dRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input !== null && input.length !== 2 && input.length !== 3) {
    ctx.error('rank-mismatch', `dropout1d: Expected 2D or 3D input, but received a ${input.length}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs): ${ctx.origin('input')}`, 'input');
  }
  return { output: input };
}

// ---------------------------------------------------------------------------------------------
// The definitions.

const INPLACE = param('inplace', false);
const SOFTMAX_PARAMS = [INPUT, param('dim', null), param('_stacklevel', 3), param('dtype', null)];
const DROPOUT_PARAMS = [INPUT, param('p', 0.5), param('training', true), INPLACE];
const ALPHA_DROPOUT_PARAMS = [INPUT, param('p', 0.5), param('training', false), INPLACE];
const OUT = keywordOnly('out');

/** An elementwise activation under several spellings, each with its own signature. */
function activation(kind: string, spellings: [string[], Param[]][]): OpDef[] {
  return spellings.map(([names, extra]) => defs(kind, names, [INPUT, ...extra], sameShape));
}

const activationOps: OpDef[] = [
  ...activation('relu', [[[`${F}relu`], [INPLACE]], [['torch.relu', 'Tensor.relu'], []]]),
  ...activation('relu_', [[[`${F}relu_`, 'torch.relu_', 'Tensor.relu_'], []]]),
  ...activation('relu6', [[[`${F}relu6`], [INPLACE]]]),
  ...activation('leaky_relu', [[[`${F}leaky_relu`], [param('negative_slope', 0.01), INPLACE]]]),
  ...activation('leaky_relu_', [[[`${F}leaky_relu_`], [param('negative_slope', 0.01)]]]),
  ...activation('elu', [[[`${F}elu`], [param('alpha', 1.0), INPLACE]]]),
  ...activation('elu_', [[[`${F}elu_`], [param('alpha', 1.0)]]]),
  ...activation('selu', [[[`${F}selu`], [INPLACE]], [['torch.selu'], []]]),
  ...activation('selu_', [[['torch.selu_'], []]]),
  ...activation('celu', [[[`${F}celu`], [param('alpha', 1.0), INPLACE]], [['torch.celu'], [param('alpha', 1.0)]]]),
  ...activation('gelu', [[[`${F}gelu`], [param('approximate', 'none')]]]),
  ...activation('silu', [[[`${F}silu`], [INPLACE]]]),
  ...activation('mish', [[[`${F}mish`], [INPLACE]]]),
  ...activation('hardswish', [[[`${F}hardswish`], [INPLACE]]]),
  ...activation('hardsigmoid', [[[`${F}hardsigmoid`], [INPLACE]]]),
  ...activation('hardtanh', [[[`${F}hardtanh`], [param('min_val', -1.0), param('max_val', 1.0), INPLACE]]]),
  ...activation('hardtanh_', [[[`${F}hardtanh_`], [param('min_val', -1.0), param('max_val', 1.0)]]]),
  ...activation('softplus', [[[`${F}softplus`], [param('beta', 1), param('threshold', 20)]]]),
  ...activation('softsign', [[[`${F}softsign`], []]]),
  ...activation('logsigmoid', [[[`${F}logsigmoid`], []]]),
  ...activation('tanhshrink', [[[`${F}tanhshrink`], []]]),
  ...activation('softshrink', [[[`${F}softshrink`], [param('lambd', 0.5)]]]),
  ...activation('hardshrink', [[[`${F}hardshrink`], [param('lambd', 0.5)]], [['torch.hardshrink', 'Tensor.hardshrink'], [param('lambd', 0.5)]]]),
  ...activation('threshold', [[[`${F}threshold`], [param('threshold'), param('value'), INPLACE]], [['torch.threshold'], [param('threshold'), param('value')]]]),
  ...activation('rrelu', [[[`${F}rrelu`], [param('lower', 1 / 8), param('upper', 1 / 3), param('training', false), INPLACE]], [['torch.rrelu'], [param('lower', 1 / 8), param('upper', 1 / 3), param('training', false), keywordOnly('generator')]]]),
  ...activation('prelu', [[[`${F}prelu`, 'torch.prelu', 'Tensor.prelu'], [param('weight')]]]),
  ...activation('sigmoid', [[[`${F}sigmoid`], []], [['torch.sigmoid'], [OUT]], [['Tensor.sigmoid'], []]]),
  ...activation('sigmoid_', [[['torch.sigmoid_', 'Tensor.sigmoid_'], []]]),
  ...activation('tanh', [[[`${F}tanh`], []], [['torch.tanh'], [OUT]], [['Tensor.tanh'], []]]),
  ...activation('tanh_', [[['torch.tanh_', 'Tensor.tanh_'], []]]),
  defs('softmax', [`${F}softmax`], SOFTMAX_PARAMS, (ctx) => alongAxisRule(ctx)),
  defs('scaled_dot_product_attention', [`${F}scaled_dot_product_attention`], [param('query'), param('key'), param('value'), param('attn_mask', null), param('dropout_p', 0), param('is_causal', false), param('scale', null), keywordOnly('enable_gqa', false)], scaledDotProductAttentionRule),
  defs('softmin', [`${F}softmin`], SOFTMAX_PARAMS, (ctx) => alongAxisRule(ctx)),
  defs('log_softmax', [`${F}log_softmax`], SOFTMAX_PARAMS, (ctx) => alongAxisRule(ctx)),
  defs('softmax', ['torch.softmax', 'Tensor.softmax'], [INPUT, param('dim'), param('dtype', null)], (ctx) => alongAxisRule(ctx)),
  defs('log_softmax', ['torch.log_softmax', 'Tensor.log_softmax'], [INPUT, param('dim'), param('dtype', null)], (ctx) => alongAxisRule(ctx)),
  defs('gumbel_softmax', [`${F}gumbel_softmax`], [param('logits'), param('tau', 1), param('hard', false), param('eps', 1e-10), param('dim', -1)], (ctx) => ({ output: shapeOf(ctx, 'logits') })),
  defs('normalize', [`${F}normalize`], [INPUT, param('p', 2.0), param('dim', 1), param('eps', 1e-12), param('out', null)], (ctx) => alongAxisRule(ctx)),
  defs('cosine_similarity', [`${F}cosine_similarity`, 'torch.cosine_similarity'], [param('x1'), param('x2'), param('dim', 1), param('eps', 1e-8)], cosineSimilarityRule),
];

const dropoutOps: OpDef[] = [
  defs('dropout', [`${F}dropout`], DROPOUT_PARAMS, sameShape),
  defs('dropout1d', [`${F}dropout1d`], DROPOUT_PARAMS, dropout1dRule),
  defs('dropout2d', [`${F}dropout2d`], DROPOUT_PARAMS, sameShape),
  defs('dropout3d', [`${F}dropout3d`], DROPOUT_PARAMS, sameShape),
  defs('alpha_dropout', [`${F}alpha_dropout`], ALPHA_DROPOUT_PARAMS, sameShape),
  defs('feature_alpha_dropout', [`${F}feature_alpha_dropout`], ALPHA_DROPOUT_PARAMS, sameShape),
  defs('dropout', ['torch.dropout'], [INPUT, param('p'), param('train')], sameShape),
];

const normOps: OpDef[] = [
  defs('layer_norm', [`${F}layer_norm`], [INPUT, param('normalized_shape'), param('weight', null), param('bias', null), param('eps', 1e-5)], layerNormRule),
  defs('batch_norm', [`${F}batch_norm`], [INPUT, param('running_mean'), param('running_var'), param('weight', null), param('bias', null), param('training', false), param('momentum', 0.1), param('eps', 1e-5)], batchNormRule),
  defs('instance_norm', [`${F}instance_norm`], [INPUT, param('running_mean', null), param('running_var', null), param('weight', null), param('bias', null), param('use_input_stats', true), param('momentum', 0.1), param('eps', 1e-5)], sameShape),
  defs('group_norm', [`${F}group_norm`], [INPUT, param('num_groups'), param('weight', null), param('bias', null), param('eps', 1e-5)], groupNormRule),
  defs('local_response_norm', [`${F}local_response_norm`], [INPUT, param('size'), param('alpha', 1e-4), param('beta', 0.75), param('k', 1.0)], sameShape),
];

const RANKS = [1, 2, 3];

const poolOps: OpDef[] = RANKS.flatMap((n) => {
  const maxParams = [INPUT, param('kernel_size'), param('stride', null), param('padding', 0), param('dilation', 1), param('ceil_mode', false), param('return_indices', false)];
  const avgParams = [INPUT, param('kernel_size'), param('stride', null), param('padding', 0), param('ceil_mode', false), param('count_include_pad', true), ...(n > 1 ? [param('divisor_override', null)] : [])];
  const adaptiveMaxParams = [INPUT, param('output_size'), param('return_indices', false)];
  const list: OpDef[] = [
    defs(`max_pool${n}d`, [`${F}max_pool${n}d`], maxParams, (ctx) => poolRule(ctx, n, 'max', 'flag')),
    defs(`max_pool${n}d_with_indices`, [`${F}max_pool${n}d_with_indices`], maxParams, (ctx) => poolRule(ctx, n, 'max', 'always')),
    defs(`max_pool${n}d`, [`torch.max_pool${n}d`], [INPUT, param('kernel_size'), param('stride', []), param('padding', 0), param('dilation', 1), param('ceil_mode', false)], (ctx) => poolRule(ctx, n, 'max')),
    defs(`avg_pool${n}d`, [`${F}avg_pool${n}d`], avgParams, (ctx) => poolRule(ctx, n, 'avg')),
    defs(`max_unpool${n}d`, [`${F}max_unpool${n}d`], [INPUT, param('indices'), param('kernel_size'), param('stride', null), param('padding', 0), param('output_size', null)], (ctx) => unpoolRule(ctx, n)),
    defs(`adaptive_avg_pool${n}d`, [`${F}adaptive_avg_pool${n}d`], [INPUT, param('output_size')], (ctx) => adaptivePoolRule(ctx, n, 'never')),
    defs(`adaptive_max_pool${n}d`, [`${F}adaptive_max_pool${n}d`], adaptiveMaxParams, (ctx) => adaptivePoolRule(ctx, n, 'flag')),
    defs(`adaptive_max_pool${n}d_with_indices`, [`${F}adaptive_max_pool${n}d_with_indices`], adaptiveMaxParams, (ctx) => adaptivePoolRule(ctx, n, 'always')),
    defs(`lp_pool${n}d`, [`${F}lp_pool${n}d`], [INPUT, param('norm_type'), param('kernel_size'), param('stride', null), param('ceil_mode', false)], (ctx) => poolRule(ctx, n, 'lp')),
    defs(`conv${n}d`, [`${F}conv${n}d`, `torch.conv${n}d`], [INPUT, param('weight'), param('bias', null), param('stride', 1), param('padding', 0), param('dilation', 1), param('groups', 1)], (ctx) => convRule(ctx, n)),
    defs(`conv_transpose${n}d`, [`${F}conv_transpose${n}d`, `torch.conv_transpose${n}d`], [INPUT, param('weight'), param('bias', null), param('stride', 1), param('padding', 0), param('output_padding', 0), param('groups', 1), param('dilation', 1)], (ctx) => convTransposeRule(ctx, n)),
  ];
  if (n === 1) {
    list.push(
      defs('avg_pool1d', ['torch.avg_pool1d'], [INPUT, param('kernel_size'), param('stride', []), param('padding', 0), param('ceil_mode', false), param('count_include_pad', true)], (ctx) => poolRule(ctx, 1, 'avg')),
      defs('adaptive_avg_pool1d', ['torch.adaptive_avg_pool1d'], [INPUT, param('output_size')], (ctx) => adaptivePoolRule(ctx, 1, 'never')),
      defs('adaptive_max_pool1d', ['torch.adaptive_max_pool1d'], [INPUT, param('output_size')], (ctx) => adaptivePoolRule(ctx, 1, 'always')),
    );
  }
  return list;
});

const resizeOps: OpDef[] = [
  // F.unfold / F.fold: the rules of nn.Unfold / nn.Fold (layers/pool.ts), without their parameter count.
  defs('unfold', [`${F}unfold`], [INPUT, param('kernel_size'), param('dilation', 1), param('padding', 0), param('stride', 1)], (ctx) => ({ output: inferUnfold(ctx, shapeOf(ctx), ctx.origin('input')).output })),
  defs('fold', [`${F}fold`], [INPUT, param('output_size'), param('kernel_size'), param('dilation', 1), param('padding', 0), param('stride', 1)], (ctx) => ({ output: inferFold(ctx, shapeOf(ctx), ctx.origin('input')).output })),
  defs('interpolate', [`${F}interpolate`], [INPUT, param('size', null), param('scale_factor', null), param('mode', 'nearest'), param('align_corners', null), param('recompute_scale_factor', null), param('antialias', false)], interpolateRule),
  defs('upsample', [`${F}upsample`], [INPUT, param('size', null), param('scale_factor', null), param('mode', 'nearest'), param('align_corners', null)], interpolateRule),
  defs('upsample_nearest', [`${F}upsample_nearest`], [INPUT, param('size', null), param('scale_factor', null)], interpolateRule),
  defs('upsample_bilinear', [`${F}upsample_bilinear`], [INPUT, param('size', null), param('scale_factor', null)], interpolateRule),
  defs('pad', [`${F}pad`], [INPUT, param('pad'), param('mode', 'constant'), param('value', null)], padRule),
  defs('pixel_shuffle', [`${F}pixel_shuffle`, 'torch.pixel_shuffle'], [INPUT, param('upscale_factor')], (ctx) => pixelShuffleRule(ctx, 'upscale_factor', true)),
  defs('pixel_unshuffle', [`${F}pixel_unshuffle`, 'torch.pixel_unshuffle'], [INPUT, param('downscale_factor')], (ctx) => pixelShuffleRule(ctx, 'downscale_factor', false)),
];

/**
 * F.affine_grid(theta, size): a sampling grid of shape (N, H, W, 2) for a 4-D size (N, C, H, W),
 * (N, D, H, W, 3) for a 5-D one; the batch is size's, else theta's.
 */
function affineGridRule(ctx: RuleContext): RuleResult {
  const size = listArgument(ctx.value('size'));
  const theta = shapeOf(ctx, 'theta');
  if (!size || (size.length !== 4 && size.length !== 5)) return { output: null };
  const dims = size.map(asInt);
  const batch = dims[0] ?? (theta && theta.length === 3 ? theta[0] : null);
  return { output: [batch, ...dims.slice(2), size.length - 2] };
}

/**
 * F.grid_sample(input, grid): samples input (N, C, H, W) at grid (N, Ho, Wo, 2) giving
 * (N, C, Ho, Wo); 5-D alike with a grid of (N, Do, Ho, Wo, 3).
 */
function gridSampleRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const grid = shapeOf(ctx, 'grid');
  if (input === null || grid === null || (input.length !== 4 && input.length !== 5) || grid.length !== input.length) return { output: null };
  const batch = input[0] ?? grid[0];
  return { output: [batch, input[1], ...grid.slice(1, -1)] };
}

const samplingOps: OpDef[] = [
  defs('affine_grid', [`${F}affine_grid`], [param('theta'), param('size'), param('align_corners', null)], affineGridRule),
  defs('grid_sample', [`${F}grid_sample`], [INPUT, param('grid'), param('mode', 'bilinear'), param('padding_mode', 'zeros'), param('align_corners', null)], gridSampleRule),
];

const linearOps: OpDef[] = [
  defs('linear', [`${F}linear`], [INPUT, param('weight'), param('bias', null)], linearRule),
  defs('bilinear', [`${F}bilinear`], [param('input1'), param('input2'), param('weight'), param('bias', null)], bilinearRule),
  defs('embedding', [`${F}embedding`], [INPUT, param('weight'), param('padding_idx', null), param('max_norm', null), param('norm_type', 2.0), param('scale_grad_by_freq', false), param('sparse', false)], embeddingRule),
  defs('one_hot', [`${F}one_hot`], [param('tensor'), param('num_classes', -1)], oneHotRule),
  defs('glu', [`${F}glu`], [INPUT, param('dim', -1)], gluRule),
];

export const ops: OpDef[] = [...activationOps, ...dropoutOps, ...normOps, ...poolOps, ...resizeOps, ...samplingOps, ...linearOps];
