// The Keras → PyTorch layer table: for one Keras layer record, the PyTorch modules and forward
// expressions that compute the same function on the converted (channels-first) tensors.
//
// Each Keras layer becomes a list of parts (parts.ts): a module constructed in __init__ (or written
// into an nn.Sequential) or an expression applied in forward(). Where no single PyTorch module
// computes the Keras layer, an exact composition does (a pad, then the module; a crop after a
// transposed convolution; a helper class from helpers.ts). A layer with no faithful equivalent
// still gets code, marked with a TODO and reported as a warning by the caller. The arrangement of
// parts into a class, naming and the forward() text are left to pytorch.ts; the recurrent family
// lives in recurrent.ts, activations in activations.ts, the argument accounting in keras-arguments.ts.

import type { Dim } from '../shapes/dim';
import { formatShape, normAxis } from '../shapes/shape';
import { tfSamePadding } from '../shapes/layers/conv';
import type { ArgValue } from '../shapes/types';
import { readActivation } from './activations';
import {
  arg,
  channelsLast,
  channelsOf,
  dimText,
  firstOutput,
  given,
  intOrTuple,
  ints,
  joinTodo,
  kerasChannelAxis,
  num,
  pairs,
  pyFloat,
  rankOf,
  spatialOf,
  str,
  toTorchPermutation,
  torchAxis,
  tuple,
  type ConvertedLayer,
  type LayerContext,
  type ModulePart,
  type Part,
} from './parts';
import { bidirectional, innerLayer, recurrent, timeDistributed } from './recurrent';

export type { ConvertedLayer, Layout, LayerContext, ModulePart, Part, PortKind } from './parts';
export { pyFloat, torchAxis, torchShape } from './parts';

// ---------------------------------------------------------------- activations

/** Parts for an `activation=` argument, appended after the layer; a layer given as the activation is converted like one. */
function activationArgument(ctx: LayerContext, out: ConvertedLayer): void {
  const v = arg(ctx.record, 'activation');
  const rank = rankOf(firstOutput(ctx.record)) ?? 2;
  const reading = readActivation(v, torchAxis(-1, rank, ctx.layout));
  if (reading.kind === 'none') return;
  if (reading.kind === 'unknown') {
    out.todo = joinTodo(out.todo, reading.reason);
    return;
  }
  if (reading.kind === 'layer') {
    const inner = innerLayer(reading.layer);
    const output = firstOutput(ctx.record);
    if (!inner) {
      out.todo = joinTodo(out.todo, 'the activation layer could not be read, so none is applied');
      return;
    }
    const converted = convertLayer({ ...ctx, record: { ...ctx.record, kind: inner.kind, args: inner.args, given: inner.given, input: [output], output } });
    out.parts.push(...converted.parts);
    out.todo = joinTodo(out.todo, converted.todo);
    out.helpers = [...(out.helpers ?? []), ...(converted.helpers ?? [])];
    return;
  }
  const a = reading.activation;
  const hint = reading.name === 'softmax' ? 'softmax' : 'act';
  out.parts.push(a.module ? { type: 'module', hint, code: a.module } : { type: 'expr', code: `${a.call}($x)` });
  if (a.helpers) out.helpers = [...(out.helpers ?? []), ...a.helpers];
  out.todo = joinTodo(out.todo, a.todo);
}

// ---------------------------------------------------------------- padding

export interface SamePadding {
  /** [before, after] per spatial axis. */
  pads: [number, number][];
  /** Set when a size was unknown, so the padding depends on the size the layer sees when it runs. */
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

/** A module that pads (or, with negative numbers, crops) the spatial axes. */
function padModule(rank: number, pads: [number, number][], value: string | null): string {
  const t = torchPadTuple(pads);
  if (value === null && rank === 2) return `nn.ZeroPad2d(${t})`;
  return `nn.ConstantPad${rank}d(${t}, ${value ?? '0.0'})`;
}

/** The run-time 'same' padding helper, for sizes the analysis does not know. */
function samePadHelper(kernel: number[], stride: number[], dilation: number[], value?: string): ModulePart {
  return { type: 'module', hint: 'pad', code: `SamePad(${tuple(kernel)}, ${tuple(stride)}, ${tuple(dilation)}${value ? `, value=${value}` : ''})` };
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
      return dropout(ctx);
    case 'GaussianNoise':
      return { parts: [{ type: 'module', hint: 'noise', code: `GaussianNoise(${pyFloat(num(arg(r, 'stddev')) ?? 0)})` }], helpers: ['GaussianNoise'] };
    case 'GaussianDropout':
      return { parts: [{ type: 'module', hint: 'noise', code: `GaussianDropout(${pyFloat(num(arg(r, 'rate')) ?? 0)})` }], helpers: ['GaussianDropout'] };
    case 'AlphaDropout': {
      const out: ConvertedLayer = { parts: [{ type: 'module', hint: 'dropout', code: `nn.AlphaDropout(${pyFloat(num(arg(r, 'rate')) ?? 0)})` }] };
      if (arg(r, 'noise_shape') !== null && arg(r, 'noise_shape') !== undefined) out.todo = 'AlphaDropout noise_shape (training only) is not converted: nn.AlphaDropout draws one value per element';
      return out;
    }
    case 'ActivityRegularization':
    case 'Identity':
      return { parts: [{ type: 'module', hint: 'identity', code: 'nn.Identity()' }] };
    case 'Activation': {
      const rank = rankOf(r.input[0]) ?? 2;
      const reading = readActivation(arg(r, 'activation') ?? 'linear', torchAxis(-1, rank, ctx.layout));
      if (reading.kind === 'none') return { parts: [{ type: 'module', hint: 'act', code: 'nn.Identity()' }] };
      if (reading.kind !== 'torch') return unsupported(ctx, reading.kind === 'unknown' ? reading.reason.replace(', so none is applied', '') : 'an activation given as a layer is not converted');
      const a = reading.activation;
      const part: Part = a.module ? { type: 'module', hint: reading.name === 'softmax' ? 'softmax' : 'act', code: a.module } : { type: 'expr', code: `${a.call}($x)` };
      return { parts: [part], todo: a.todo, helpers: a.helpers };
    }
    case 'ReLU':
      return relu(ctx);
    case 'LeakyReLU': {
      // Keras 3 spells the slope negative_slope, Keras 2 alpha; the binding fills in negative_slope's default either way.
      const slope = given(r, 'negative_slope') || !given(r, 'alpha') ? num(arg(r, 'negative_slope')) ?? 0.3 : num(arg(r, 'alpha')) ?? 0.3;
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
      const axis = arg(r, 'axis') ?? -1;
      if (typeof axis !== 'number') return unsupported(ctx, 'Softmax over several axes is not converted yet');
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
    case 'Rescaling':
      return rescaling(ctx);
    case 'Resizing':
      return resizing(ctx);
    case 'CenterCrop':
      return centerCrop(ctx);
    case 'Embedding':
      return embedding(ctx);
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return recurrent(ctx, r.kind, r.args ?? {}, (reason) => unsupported(ctx, reason));
    case 'Bidirectional':
      return bidirectional(ctx, (reason) => unsupported(ctx, reason));
    case 'TimeDistributed':
      return timeDistributed(ctx, convertLayer, (reason) => unsupported(ctx, reason));
    case 'InputLayer':
      return { parts: [] };
    case 'RandomFlip': {
      const mode = str(arg(r, 'mode')) ?? 'horizontal_and_vertical';
      const horizontal = mode.includes('horizontal');
      const vertical = mode.includes('vertical');
      return { parts: [{ type: 'module', hint: 'flip', code: `RandomFlip(horizontal=${horizontal ? 'True' : 'False'}, vertical=${vertical ? 'True' : 'False'})` }], helpers: ['RandomFlip'] };
    }
    case 'RandomRotation':
    case 'RandomZoom':
    case 'RandomTranslation':
    case 'RandomContrast':
    case 'RandomBrightness':
      return {
        parts: [{ type: 'module', hint: 'augment', code: 'nn.Identity()' }],
        todo: `${r.kind} is the identity at inference, as here; its training-time augmentation is not converted (TensorFlow's interpolation and fill modes are not torchvision's)`,
      };
    case 'Normalization':
      return normalization(ctx);
    case 'Dot':
      return dot(ctx);
  }
  return unsupported(ctx, `Keras ${r.kind} is not converted yet`);
}

/** A layer without a faithful equivalent: the identity, marked, so that the file still runs. */
export function unsupported(ctx: LayerContext, reason: string): ConvertedLayer {
  const out = firstOutput(ctx.record);
  return { parts: [{ type: 'module', hint: ctx.record.kind.toLowerCase(), code: 'nn.Identity()' }], todo: `${reason}; the Keras layer gives ${formatShape(out, 'None')}`, unconverted: true };
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

/**
 * The padding for a convolution-like window: symmetric numbers, or a module placed before it (a
 * fixed pad for known sizes, TensorFlow's rule computed at run time for unknown ones).
 */
function windowPadding(ctx: LayerContext, n: number, kernel: number[], stride: number[], dilation: number[], padding: string): { symmetric: number[] | null; before?: ModulePart; comment?: string; helpers?: string[] } {
  if (padding === 'valid') return { symmetric: null };
  if (padding === 'causal') {
    const pads = kernel.map((k, i): [number, number] => [dilation[i] * (k - 1), 0]);
    return { symmetric: null, before: { type: 'module', hint: 'pad', code: padModule(n, pads, null) }, comment: "Keras 'causal' padding: zeros on the left only." };
  }
  const spatial = spatialOf(ctx.record.input[0], ctx.layout, n);
  const same = samePadding(spatial, kernel, stride, dilation);
  if (same.assumed) return { symmetric: null, before: samePadHelper(kernel, stride, dilation), comment: "TensorFlow 'same' padding depends on the input size, unknown here: SamePad computes it when the layer runs.", helpers: ['SamePad'] };
  if (same.pads.every(([b, a]) => b === a)) return { symmetric: same.pads.map(([b]) => b) };
  return { symmetric: null, before: { type: 'module', hint: 'pad', code: padModule(n, same.pads, null) }, comment: "TensorFlow 'same' padding puts the extra row/column at the bottom/right." };
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
  const out: ConvertedLayer = { parts: [], comment: pad.comment, helpers: pad.helpers };
  if (pad.before) out.parts.push(pad.before);
  out.parts.push({ type: 'module', hint: 'conv', code: inChannels ? `nn.Conv${n}d(${inChannels}, ${filters}, ${kw})` : `nn.LazyConv${n}d(${filters}, ${kw})`, port: 'conv' });
  if (!inChannels) out.todo = joinTodo(out.todo, 'the input channels are unknown, so a lazy module infers them: add a # input: comment to the Keras model');
  activationArgument(ctx, out);
  return out;
}

/**
 * Keras's transposed convolution, exactly. With Keras's output length `n_out` (in·stride for
 * 'same'; (in − 1)·stride + max(k, stride) for 'valid'; (in − 1)·stride + k − 2·pad + output_padding
 * with output_padding), TensorFlow takes the full transposed convolution of length
 * (in − 1)·stride + k (k dilated) and keeps n_out values starting at ⌊P / 2⌋, P = max(full − n_out, 0)
 * for 'same' and 0 for 'valid', extending with zeros (plus the bias) past its end. PyTorch's
 * ConvTranspose keeps full[p : full − p + output_padding]: p = ⌊P / 2⌋, output_padding takes up any
 * extension, and a crop after it removes the one value TensorFlow drops at the end when P is odd.
 * None of it depends on the input size.
 */
function convTranspose(ctx: LayerContext, n: number): ConvertedLayer {
  const r = ctx.record;
  const { kernel, stride, dilation, padding } = convGeometry(ctx, n);
  const filters = num(arg(r, 'filters'));
  const bias = arg(r, 'use_bias') !== false;
  const inChannels = dimText(channelsOf(r.input[0], ctx.layout));
  const outputPaddingArg = arg(r, 'output_padding');
  const outputPadding = outputPaddingArg === null || outputPaddingArg === undefined ? null : ints(outputPaddingArg, n);
  if (outputPaddingArg !== null && outputPaddingArg !== undefined && !outputPadding) return unsupported(ctx, 'the output_padding argument could not be read');
  if (padding !== 'same' && padding !== 'valid') return unsupported(ctx, `padding '${padding}' is not known for a transposed convolution`);
  const pads: number[] = [];
  const ops: number[] = [];
  const crops: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const kEff = dilation[i] * (kernel[i] - 1) + 1;
    const s = stride[i];
    // Lengths relative to the input: n_out − full, which is the same for every input size.
    let extra: number;
    if (outputPadding) extra = outputPadding[i] - 2 * (padding === 'same' ? Math.floor(kEff / 2) : 0);
    else extra = padding === 'same' ? s - kEff : Math.max(kEff, s) - kEff;
    const total = padding === 'same' ? Math.max(-extra, 0) : 0;
    const start = Math.floor(total / 2);
    const op = 2 * start + extra;
    pads.push(start);
    if (op >= 0) {
      ops.push(op);
      crops.push([0, 0]);
    } else {
      ops.push(0);
      crops.push([0, op]);
    }
  }
  if (ops.some((op, i) => op >= Math.max(stride[i], dilation[i]))) return unsupported(ctx, 'this output_padding is larger than PyTorch allows (below the stride or the dilation)');
  const extraKw: string[] = [];
  if (ops.some((op) => op !== 0)) extraKw.push(`output_padding=${intOrTuple(ops)}`);
  if (!bias) extraKw.push('bias=False');
  const kw = convKeywords(kernel, stride, dilation, pads, extraKw);
  const out: ConvertedLayer = { parts: [] };
  out.parts.push({ type: 'module', hint: 'deconv', code: inChannels ? `nn.ConvTranspose${n}d(${inChannels}, ${filters}, ${kw})` : `nn.LazyConvTranspose${n}d(${filters}, ${kw})`, port: 'conv_transpose' });
  if (!inChannels) out.todo = 'the input channels are unknown, so a lazy module infers them: add a # input: comment to the Keras model';
  if (crops.some(([, b]) => b !== 0)) {
    out.parts.push({ type: 'module', hint: 'crop', code: padModule(n, crops, null) });
    out.comment = "Keras 'same' transposed convolution: TensorFlow drops the extra row/column at the bottom/right, so crop it there.";
  }
  activationArgument(ctx, out);
  return out;
}

function depthwise(ctx: LayerContext, n: number): ConvertedLayer {
  const r = ctx.record;
  const { kernel, stride, dilation, padding } = convGeometry(ctx, n);
  const multiplier = num(arg(r, 'depth_multiplier')) ?? 1;
  const channels = channelsOf(r.input[0], ctx.layout);
  const bias = arg(r, 'use_bias') !== false;
  if (typeof channels !== 'number') return unsupported(ctx, 'DepthwiseConv needs the input channels: add a # input: comment');
  const pad = windowPadding(ctx, n, kernel, stride, dilation, padding);
  const out: ConvertedLayer = { parts: [], helpers: pad.helpers, comment: 'Depthwise convolution: one group per input channel.' };
  if (pad.before) out.parts.push(pad.before);
  const extra = [`groups=${channels}`];
  if (!bias) extra.push('bias=False');
  out.parts.push({ type: 'module', hint: 'depthwise', code: `nn.Conv${n}d(${channels}, ${channels * multiplier}, ${convKeywords(kernel, stride, dilation, pad.symmetric, extra)})`, port: 'depthwise' });
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
  const out: ConvertedLayer = { parts: [], helpers: pad.helpers, comment: 'SeparableConv: a depthwise convolution, then a 1×1 pointwise one.' };
  if (pad.before) out.parts.push(pad.before);
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
  const strideArg = arg(r, 'strides');
  const stride = strideArg === null || strideArg === undefined ? kernel : ints(strideArg, n) ?? kernel;
  const padding = (str(arg(r, 'padding')) ?? 'valid').toLowerCase();
  const name = `nn.${op}Pool${n}d`;
  const strideText = stride.every((s, i) => s === kernel[i]) ? '' : `, stride=${intOrTuple(stride)}`;
  const hint = 'pool';
  if (padding !== 'same') return { parts: [{ type: 'module', hint, code: `${name}(${intOrTuple(kernel)}${strideText})` }] };

  const spatial = spatialOf(r.input[0], ctx.layout, n);
  const same = samePadding(spatial, kernel, stride, Array(n).fill(1));
  const avgKw = op === 'Avg' ? ', count_include_pad=False' : '';
  const known = !same.assumed && spatial.every((d): d is number => typeof d === 'number');
  if (known) {
    const sizes = spatial as number[];
    const before = same.pads.map(([b]) => b);
    const padText = before.some((b) => b !== 0) ? `, padding=${intOrTuple(before)}` : '';
    const wanted = sizes.map((d, i) => Math.ceil(d / stride[i]));
    for (const ceilMode of [false, true]) {
      // PyTorch pads symmetrically; windows that run past the bottom/right see only real elements with ceil_mode.
      const fits = sizes.every((d, i) => torchPoolSize(d, kernel[i], stride[i], before[i], ceilMode) === wanted[i] && 2 * before[i] <= kernel[i]);
      if (!fits) continue;
      const ceilText = ceilMode ? ', ceil_mode=True' : '';
      const comment = ceilMode ? "TensorFlow 'same' pooling: the last window runs past the bottom/right edge and sees only real elements (ceil_mode)." : undefined;
      return { parts: [{ type: 'module', hint, code: `${name}(${intOrTuple(kernel)}${strideText}${padText}${ceilText}${avgKw})` }], comment };
    }
  }
  if (op === 'Max') {
    const padPart: ModulePart = known ? { type: 'module', hint: 'pad', code: padModule(n, same.pads, "float('-inf')") } : samePadHelper(kernel, stride, Array(n).fill(1), "float('-inf')");
    return {
      parts: [padPart, { type: 'module', hint, code: `${name}(${intOrTuple(kernel)}${strideText})` }],
      comment: "TensorFlow 'same' max pooling: padding with -inf never wins the max.",
      helpers: known ? undefined : ['SamePad'],
    };
  }
  return {
    parts: [{ type: 'module', hint, code: `AvgPoolSame(${tuple(kernel)}, ${tuple(stride)})` }],
    comment: "TensorFlow 'same' average pooling: windows that reach into the padding average the real elements only.",
    helpers: ['AvgPoolSame'],
  };
}

function globalPool(ctx: LayerContext, n: number, op: 'Max' | 'Avg'): ConvertedLayer {
  const keepdims = arg(ctx.record, 'keepdims') === true;
  const parts: Part[] = [{ type: 'module', hint: 'pool', code: `nn.Adaptive${op}Pool${n}d(1)` }];
  // keepdims keeps ones on the spatial axes: the channels-first layout already has them there.
  if (!keepdims) parts.push({ type: 'module', hint: 'flatten', code: 'nn.Flatten()' });
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
  const size = ints(arg(r, 'size'), n) ?? Array(n).fill(2);
  const interpolation = str(arg(r, 'interpolation')) ?? 'nearest';
  const scale = size.every((s) => s === size[0]) ? String(size[0]) : tuple(size);
  if (interpolation === 'nearest') return { parts: [{ type: 'module', hint: 'upsample', code: `nn.Upsample(scale_factor=${scale}, mode='nearest')` }] };
  if (interpolation === 'bilinear' && n === 2) return { parts: [{ type: 'module', hint: 'upsample', code: `nn.Upsample(scale_factor=${scale}, mode='bilinear', align_corners=False)` }] };
  return unsupported(ctx, `interpolation '${interpolation}' has no PyTorch equivalent (TensorFlow's kernels and edge rules differ from F.interpolate's)`);
}

/**
 * Keras Resizing: TensorFlow's bilinear and nearest resizing use half-pixel centres, PyTorch's
 * bilinear (align_corners=False) and nearest-exact. crop_to_aspect_ratio first crops the centre to
 * the target's aspect ratio, pad_to_aspect_ratio pads both sides with fill_value
 * (keras/src/backend/tensorflow/image.py, resize), sizes computed as Keras does in float32.
 */
function resizing(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const h = num(arg(r, 'height'));
  const w = num(arg(r, 'width'));
  const interpolation = str(arg(r, 'interpolation')) ?? 'bilinear';
  if (h === null || w === null) return unsupported(ctx, 'the target size could not be read');
  if (arg(r, 'antialias') === true) return unsupported(ctx, "antialias=True: TensorFlow's antialiased resize is not checked against PyTorch's, so it is not converted");
  const mode: Record<string, string> = { bilinear: "mode='bilinear', align_corners=False", nearest: "mode='nearest-exact'" };
  if (!mode[interpolation]) return unsupported(ctx, `interpolation '${interpolation}' has no PyTorch equivalent (TensorFlow's kernels and edge rules differ from F.interpolate's)`);
  const parts: Part[] = [];
  const crop = arg(r, 'crop_to_aspect_ratio') === true;
  const pad = arg(r, 'pad_to_aspect_ratio') === true;
  let comment: string | undefined;
  if (crop || pad) {
    const [H, W] = spatialOf(r.input[0], ctx.layout, 2);
    if (typeof H !== 'number' || typeof W !== 'number') return unsupported(ctx, 'resizing to an aspect ratio needs the input size: add a # input: comment');
    const f32 = (a: number, b: number) => Math.trunc(Math.fround(Math.fround(a) / b));
    if (crop) {
      const ch = Math.max(Math.min(H, f32(W * h, w)), 1);
      const cw = Math.max(Math.min(W, f32(H * w, h)), 1);
      const top = Math.trunc((H - ch) / 2);
      const left = Math.trunc((W - cw) / 2);
      parts.push({ type: 'expr', code: `$x[:, :, ${top}:${top + ch}, ${left}:${left + cw}]` });
      comment = 'Resizing with crop_to_aspect_ratio: the centre at the target aspect ratio, then resized.';
    } else {
      const ph = Math.max(H, f32(W * h, w));
      const pw = Math.max(W, f32(H * w, h));
      const top = Math.trunc((ph - H) / 2);
      const left = Math.trunc((pw - W) / 2);
      const fill = num(arg(r, 'fill_value')) ?? 0;
      if (top > 0 || left > 0) parts.push({ type: 'expr', code: `F.pad($x, (${left}, ${left}, ${top}, ${top}), value=${pyFloat(fill)})` });
      comment = 'Resizing with pad_to_aspect_ratio: fill_value on both sides up to the target aspect ratio, then resized.';
    }
  }
  parts.push({ type: 'expr', code: `F.interpolate($x, size=(${h}, ${w}), ${mode[interpolation]})` });
  return { parts, comment };
}

/** Keras CenterCrop: the middle height × width, the extra row or column dropped at the bottom/right. */
function centerCrop(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const h = num(arg(r, 'height'));
  const w = num(arg(r, 'width'));
  const input = r.input[0];
  const [H, W] = spatialOf(input, ctx.layout, 2);
  if (h === null || w === null || typeof H !== 'number' || typeof W !== 'number') return unsupported(ctx, 'CenterCrop needs the input size and the target size: add a # input: comment');
  if (h > H || w > W) return unsupported(ctx, 'CenterCrop to a size larger than the input resizes first, which is not converted yet');
  const top = Math.floor((H - h) / 2);
  const left = Math.floor((W - w) / 2);
  return { parts: [{ type: 'expr', code: `$x[:, :, ${top}:${top + h}, ${left}:${left + w}]` }] };
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

/** Freezes the affine parameter Keras does not have (center=False: beta, scale=False: gamma) at its neutral value. */
function frozenAffine(center: boolean, scale: boolean): string[] {
  const out: string[] = [];
  if (!scale) out.push('$m.weight.requires_grad_(False)');
  if (!center) out.push('$m.bias.requires_grad_(False)');
  return out;
}

function batchNorm(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const input = r.input[0];
  const rank = rankOf(input) ?? 4;
  const axisArg = arg(r, 'axis');
  const axisValue = typeof axisArg === 'number' ? axisArg : Array.isArray(axisArg) && axisArg.length === 1 && typeof axisArg[0] === 'number' ? axisArg[0] : null;
  if (axisValue === null) return unsupported(ctx, `BatchNormalization over the axes ${String(axisArg)} is not converted yet`);
  const axis = normAxis(axisValue, rank) ?? rank - 1;
  const channels = dimText(input ? input[axis] : null);
  const eps = num(arg(r, 'epsilon')) ?? 1e-3;
  const momentum = num(arg(r, 'momentum')) ?? 0.99;
  const center = arg(r, 'center') !== false;
  const scale = arg(r, 'scale') !== false;
  const d = rank <= 3 ? 1 : rank - 2;
  const kw = [`eps=${pyFloat(eps)}`, `momentum=${pyFloat(1 - momentum)}`];
  if (!center && !scale) kw.push('affine=False');
  const code = channels ? `nn.BatchNorm${d}d(${channels}, ${kw.join(', ')})` : `nn.LazyBatchNorm${d}d(${kw.join(', ')})`;
  const part: ModulePart = { type: 'module', hint: 'bn', code, port: 'batchnorm' };
  const out: ConvertedLayer = { parts: [part], portInfo: { center, scale } };
  if (center !== scale) {
    part.init = frozenAffine(center, scale);
    out.comment = `Keras BatchNormalization with center=${center ? 'True' : 'False'}, scale=${scale ? 'True' : 'False'}: the missing ${center ? 'scale stays 1' : 'offset stays 0'}.`;
  }
  // Keras normalises `axis`; PyTorch axis 1: move it there and back.
  const at = torchAxis(axis, rank, ctx.layout);
  let apply = at === 1 ? '$m($x)' : `$m($x.movedim(${at}, 1)).movedim(1, ${at})`;
  if (arg(r, 'trainable') === false) {
    // A frozen Keras BatchNormalization also normalises with its moving statistics while training.
    const x = at === 1 ? '$x' : `$x.movedim(${at}, 1)`;
    apply = `F.batch_norm(${x}, $m.running_mean, $m.running_var, $m.weight, $m.bias, False, 0.0, $m.eps)${at === 1 ? '' : `.movedim(1, ${at})`}`;
    out.comment = joinTodo(out.comment, 'Keras runs a frozen BatchNormalization (trainable=False) in inference mode, so it always uses the moving statistics.');
  }
  if (apply !== '$m($x)') part.apply = apply;
  if (at !== 1) out.comment = joinTodo(out.comment, `BatchNormalization normalises Keras axis ${axisValue}: moved to axis 1 for PyTorch and back.`);
  return out;
}

function layerNorm(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const input = r.input[0];
  const rank = rankOf(input);
  const axisArg = arg(r, 'axis') ?? -1;
  const axesArg = Array.isArray(axisArg) ? axisArg : [axisArg];
  if (rank === null || !input || !axesArg.every((a) => typeof a === 'number')) return unsupported(ctx, 'LayerNormalization needs the input rank and its axes');
  const axes = [...new Set((axesArg as number[]).map((a) => normAxis(a, rank) ?? a))].sort((a, b) => a - b);
  const sizes = axes.map((a) => dimText(input[a]));
  if (sizes.some((s) => s === null) || axes.includes(0)) return unsupported(ctx, 'LayerNormalization needs the sizes of the axes it normalises');
  const eps = num(arg(r, 'epsilon')) ?? 1e-3;
  const center = arg(r, 'center') !== false;
  const scale = arg(r, 'scale') !== false;
  const kw = [sizes.length === 1 ? sizes[0]! : `[${sizes.join(', ')}]`, `eps=${pyFloat(eps)}`];
  if (!center && !scale) kw.push('elementwise_affine=False');
  const part: ModulePart = { type: 'module', hint: 'norm', code: `nn.LayerNorm(${kw.join(', ')})`, port: 'layernorm' };
  if (center !== scale) part.init = frozenAffine(center, scale);
  // The Keras axes, in the PyTorch layout, moved last in Keras's order (the weights' order) and back.
  const toTorch = toTorchPermutation(rank, ctx.layout);
  const torchAxes = axes.map((a) => toTorch.indexOf(a));
  const others = Array.from({ length: rank }, (_, i) => i).filter((i) => !torchAxes.includes(i));
  const perm = [...others, ...torchAxes];
  const identity = perm.every((p, i) => p === i);
  const out: ConvertedLayer = { parts: [part] };
  if (!identity && torchAxes.length === 1) {
    part.apply = `$m($x.movedim(${torchAxes[0]}, -1)).movedim(-1, ${torchAxes[0]})`;
    out.comment = 'LayerNormalization normalises the channels: move them last and back.';
  } else if (!identity) {
    const inverse = perm.map((_, i) => perm.indexOf(i));
    part.apply = `$m($x.permute(${perm.join(', ')})).permute(${inverse.join(', ')})`;
    out.comment = 'LayerNormalization over several axes: move them last, in Keras order, and back.';
  }
  if (center !== scale) out.comment = joinTodo(out.comment, `Keras LayerNormalization with center=${center ? 'True' : 'False'}, scale=${scale ? 'True' : 'False'}: the missing ${center ? 'scale stays 1' : 'offset stays 0'}.`);
  out.portInfo = { center, scale };
  return out;
}

/**
 * Keras ReLU: x above the threshold, clipped to [0, max_value]; negative_slope · (x − threshold)
 * at or below it (Keras 3's and Keras 2's formula agree but for a negative threshold).
 */
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
  const clamp = maxValue === null ? '.clamp(min=0.0)' : `.clamp(0.0, ${pyFloat(maxValue)})`;
  const below = slope === 0 ? 'torch.zeros_like($x)' : threshold === 0 ? `${pyFloat(slope)} * $x` : `${pyFloat(slope)} * ($x - ${pyFloat(threshold)})`;
  const out: ConvertedLayer = { parts: [{ type: 'expr', code: `torch.where($x > ${pyFloat(threshold)}, $x${clamp}, ${below})` }] };
  if (threshold < 0) out.todo = 'a negative threshold: between it and 0, Keras 3 gives 0 (as here) and Keras 2 gives x';
  return out;
}

/**
 * Keras PReLU learns one slope per element of the input (without the batch axis), shared along
 * `shared_axes`: nn.PReLU when that is one slope per channel or a single one, else KerasPReLU.
 */
function prelu(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const input = r.input[0];
  if (!input || input.slice(1).some((d) => typeof d !== 'number')) return unsupported(ctx, 'PReLU needs the input size: add a # input: comment');
  const rank = input.length;
  const shared = arg(r, 'shared_axes');
  const sharedAxes = (Array.isArray(shared) ? (shared as ArgValue[]) : shared === null || shared === undefined ? [] : [shared]).filter((x): x is number => typeof x === 'number').map((a) => normAxis(a, rank) ?? a);
  const alphaShape = input.slice(1).map((d, i) => (sharedAxes.includes(i + 1) ? 1 : (d as number)));
  const channelAxis = kerasChannelAxis(rank, ctx.layout);
  const perChannel = alphaShape.every((d, i) => i + 1 === channelAxis || d === 1);
  const channels = alphaShape[channelAxis - 1];
  const portInfo = { channelsLast: channelsLast(ctx.layout, rank) };
  if (perChannel) return { parts: [{ type: 'module', hint: 'act', code: channels === 1 ? 'nn.PReLU()' : `nn.PReLU(${channels})`, port: 'prelu' }], portInfo };
  const torchAlpha = toTorchPermutation(rank, ctx.layout).slice(1).map((k) => alphaShape[k - 1]);
  return { parts: [{ type: 'module', hint: 'act', code: `KerasPReLU(${tuple(torchAlpha)})`, port: 'prelu' }], helpers: ['KerasPReLU'], portInfo };
}

// ---------------------------------------------------------------- regularisation

function dropout(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const rate = pyFloat(num(arg(r, 'rate')) ?? 0.5);
  const noise = arg(r, 'noise_shape');
  if (noise === null || noise === undefined) return { parts: [{ type: 'module', hint: 'dropout', code: `nn.Dropout(${rate})` }] };
  const rank = rankOf(r.input[0]);
  if (!Array.isArray(noise) || rank === null || noise.length !== rank || !noise.every((d) => d === null || typeof d === 'number')) return unsupported(ctx, 'the noise_shape argument could not be read');
  const kerasNoise = (noise as (number | null)[]).map((d) => (d === null ? -1 : d));
  const torchNoise = toTorchPermutation(rank, ctx.layout).map((k) => kerasNoise[k]);
  return { parts: [{ type: 'module', hint: 'dropout', code: `NoiseShapeDropout(${rate}, ${tuple(torchNoise)})` }], helpers: ['NoiseShapeDropout'] };
}

/** Keras Normalization over the channels: its mean and variance given, or adapted and loaded by load_keras_weights. */
function normalization(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const input = r.input[0];
  const rank = rankOf(input);
  const axis = arg(r, 'axis');
  if (rank === null || !input || !(axis === -1 || axis === rank - 1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === rank - 1)))) return unsupported(ctx, 'Normalization over other axes than the last is not converted yet');
  const channels = dimText(input[rank - 1]);
  if (!channels) return unsupported(ctx, 'Normalization needs the channels: add a # input: comment');
  const values = (v: ArgValue | undefined): string | null | undefined => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'number') return `[${Array(Number(channels)).fill(pyFloat(v)).join(', ')}]`;
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return `[${(v as number[]).map(pyFloat).join(', ')}]`;
    return undefined;
  };
  const mean = values(arg(r, 'mean'));
  const variance = values(arg(r, 'variance'));
  if (mean === undefined || variance === undefined) return unsupported(ctx, 'the mean or variance could not be read');
  const kw = [channels];
  if (mean) kw.push(`mean=${mean}`);
  if (variance) kw.push(`variance=${variance}`);
  if (arg(r, 'invert') === true) kw.push('invert=True');
  if (rank !== 4) kw.push(`dims=${rank}`);
  const code = `KerasNormalization(${kw.join(', ')})`;
  const adapted = !mean && !variance;
  const part: ModulePart = { type: 'module', hint: 'norm', code, port: adapted ? 'normalization' : undefined };
  // The buffers broadcast over axis 1: where Keras's last axis is not PyTorch's axis 1 (channels-first models), move it there.
  if (ctx.layout === 'first' && rank > 2) part.apply = '$m($x.movedim(-1, 1)).movedim(1, -1)';
  return { parts: [part], helpers: ['KerasNormalization'], comment: adapted ? 'Normalization: the mean and variance adapt() computed come with load_keras_weights.' : undefined };
}

/** Keras Dot of two (N, D) tensors: their dot product per sample, after L2 normalisation with normalize=True. */
function dot(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const axes = arg(r, 'axes');
  const ranks = r.input.map(rankOf);
  const axis = typeof axes === 'number' ? axes : Array.isArray(axes) && axes.length === 2 && axes[0] === axes[1] && typeof axes[0] === 'number' ? axes[0] : null;
  if (r.input.length !== 2 || ranks.some((k) => k !== 2) || axis === null || (axis !== 1 && axis !== -1)) return unsupported(ctx, 'Dot of tensors of rank other than 2 (a batched matrix product) is not converted yet');
  const normalize = arg(r, 'normalize') === true;
  const [a, b] = normalize ? ['F.normalize($0, dim=1)', 'F.normalize($1, dim=1)'] : ['$0', '$1'];
  return { parts: [{ type: 'expr', code: `(${a} * ${b}).sum(dim=1, keepdim=True)` }] };
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

/** Keras Rescaling: x · scale + offset, where scale and offset may hold one value per channel. */
function rescaling(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const rank = rankOf(r.input[0]) ?? 2;
  const value = (v: ArgValue | undefined, fallback: number): string | null => {
    if (v === undefined || v === null) return pyFloat(fallback);
    if (typeof v === 'number') return pyFloat(v);
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
      const shape = Array(rank).fill(1);
      shape[torchAxis(-1, rank, ctx.layout)] = v.length;
      return `torch.tensor([${(v as number[]).map(pyFloat).join(', ')}]).view(${shape.join(', ')})`;
    }
    return null;
  };
  const scale = value(arg(r, 'scale'), 1);
  const offset = value(arg(r, 'offset'), 0);
  if (scale === null || offset === null) return unsupported(ctx, 'the scale or offset could not be read');
  return { parts: [{ type: 'expr', code: offset === '0.0' ? `$x * ${scale}` : `$x * ${scale} + ${offset}` }] };
}

function embedding(ctx: LayerContext): ConvertedLayer {
  const r = ctx.record;
  const code = `nn.Embedding(${num(arg(r, 'input_dim'))}, ${num(arg(r, 'output_dim'))})`;
  const outRank = rankOf(firstOutput(r));
  if (channelsLast(ctx.layout, outRank)) return { parts: [{ type: 'module', hint: 'embedding', code, port: 'embedding', apply: '$m($x).movedim(-1, 1)' }], comment: 'The embedding features become the channels (axis 1).' };
  return { parts: [{ type: 'module', hint: 'embedding', code, port: 'embedding' }] };
}

