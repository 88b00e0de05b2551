// Layer family: changing spatial sizes without weights. PyTorch Upsample (and its 2d spellings),
// PixelShuffle / PixelUnshuffle and the ZeroPad / ConstantPad / ReflectionPad / ReplicationPad /
// CircularPad layers of every rank; Keras UpSampling1D/2D/3D, ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
// Resizing, CenterCrop and Rescaling.
//
// One padding rule serves every PyTorch pad layer (the mode and rank are arguments) and one
// pad-or-crop rule serves Keras ZeroPadding and Cropping of every rank (the sign and layout are
// arguments). Functional spellings (`F.interpolate`, `F.pad`, `F.pixel_shuffle`) belong to
// ops/functional.ts.

import { asInt } from '../context';
import { add, Dim, dimToString, floordiv, isKnown, mul, sub } from '../dim';
import { formatShape } from '../shape';
import { type ArgValue, type LayerDef, type Param, type RuleContext, type RuleResult, type Shape, UnknownArg } from '../types';

const KERAS_KWARGS: Param = { name: 'kwargs', varkw: true };

/** Where the spatial axes of a Keras tensor are: after the batch, before or after the channels. */
export function kerasSpatialAxes(rank: number, spatialCount: number, channelsFirst: boolean): number[] {
  const first = channelsFirst ? rank - spatialCount : rank - spatialCount - 1;
  return Array.from({ length: spatialCount }, (_, i) => first + i);
}

/** True when a Keras layer was given `data_format='channels_first'`; Keras defaults to channels_last. */
export function isChannelsFirst(ctx: RuleContext): boolean {
  return ctx.str('data_format') === 'channels_first';
}

/** Replaces the given axes of a shape. */
function withAxes(input: Dim[], axes: readonly number[], dims: readonly Dim[]): Dim[] {
  const out = [...input];
  axes.forEach((a, i) => (out[a] = dims[i]));
  return out;
}

/** `+ 3` or `− 3`: a signed term of a sum, for notes and messages. */
function signedTerm(d: Dim): string {
  return isKnown(d) && d < 0 ? ` − ${-d}` : ` + ${dimToString(d)}`;
}

/** Ordinal names of spatial axes for messages: `H`, `W`, or `D`, `H`, `W`. */
function axisNames(count: number): string[] {
  return ['D', 'H', 'W'].slice(3 - count);
}

// ---------------------------------------------------------------------------------------------
// PyTorch interpolation: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d.

/** The input rank each interpolation mode needs; modes not listed accept 3-d, 4-d and 5-d input. */
const MODE_RANK: Record<string, number> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

/** A float or a list of floats, expanded to n entries; null when unknown or of another length. */
function floatsOf(v: ArgValue, n: number): (number | null)[] | null {
  if (typeof v === 'number') return Array(n).fill(v);
  if (!Array.isArray(v) || v.length !== n) return null;
  return v.map((x) => (typeof x === 'number' ? x : null));
}

/** PyTorch's interpolated size: floor(in * scale), kept symbolic for integer scales. */
function scaledSize(input: Dim, scale: number | null): Dim {
  if (scale === null || input === null) return null;
  if (typeof input === 'number') return Math.floor(input * scale);
  return Number.isInteger(scale) ? mul(input, scale) : null;
}

/**
 * PyTorch `nn.Upsample` and its fixed-mode spellings: (N, C, d1, ..., dk) keeps N and C and gives
 * each spatial dimension either `size` or floor(d * scale_factor) (torch.nn.functional.interpolate).
 */
function inferTorchUpsample(ctx: RuleContext, fixedMode?: string): RuleResult {
  const input = ctx.inputs[0] ?? null;
  if (input === null) return { output: null, params: 0 };
  const mode = fixedMode ?? ctx.str('mode') ?? 'nearest';
  const rank = input.length;
  if (rank < 3 || rank > 5) {
    ctx.error('rank-mismatch', `${ctx.kind} expects a 3-d, 4-d or 5-d input (N, C, d1, ...), but got ${rank}-d ${formatShape(input)}: ${ctx.origin(0)}`);
    return { output: null, params: 0 };
  }
  const needed = MODE_RANK[mode];
  if (needed !== undefined && needed !== rank) {
    ctx.error('rank-mismatch', `${ctx.kind} mode '${mode}' needs a ${needed}-d input, but got ${rank}-d ${formatShape(input)}: ${ctx.origin(0)}`, fixedMode ? undefined : 'mode');
    return { output: null, params: 0 };
  }
  const spatialCount = rank - 2;
  const spatial = input.slice(2);
  const names = axisNames(Math.min(spatialCount, 3));
  const unknownSpatial: Shape = [input[0], input[1], ...spatial.map(() => null)];
  const size = ctx.value('size');
  const scale = ctx.value('scale_factor');
  // PyTorch wants exactly one of size and scale_factor; a call without either fails before shapes matter.
  if ((size === null) === (scale === null)) return { output: unknownSpatial, params: 0 };

  if (size !== null) {
    if (Array.isArray(size) && size.length !== spatialCount) {
      ctx.error('rank-mismatch', `${ctx.kind} size=${ctx.describe('size')} has ${size.length} entries, but its input ${formatShape(input)} has ${spatialCount} spatial dimension(s): ${ctx.origin(0)}`, 'size');
      return { output: unknownSpatial, params: 0 };
    }
    const sizes = ctx.tuple('size', spatialCount);
    if (sizes === null) return { output: unknownSpatial, params: 0 };
    const bad = sizes.findIndex((d) => isKnown(d) && d <= 0);
    if (bad >= 0) ctx.error('nonpositive-size', `${ctx.kind} size=${ctx.describe('size')} asks for an output ${names[bad]} of ${dimToString(sizes[bad])}; PyTorch needs output sizes greater than 0`, 'size');
    return { output: [input[0], input[1], ...sizes], params: 0 };
  }

  if (Array.isArray(scale) && scale.length !== spatialCount) {
    ctx.error('rank-mismatch', `${ctx.kind} scale_factor=${ctx.describe('scale_factor')} has ${scale.length} entries, but its input ${formatShape(input)} has ${spatialCount} spatial dimension(s): ${ctx.origin(0)}`, 'scale_factor');
    return { output: unknownSpatial, params: 0 };
  }
  const scales = floatsOf(scale, spatialCount);
  if (scales === null) return { output: unknownSpatial, params: 0 };
  const outputs = spatial.map((d, i) => scaledSize(d, scales[i]));
  outputs.forEach((out, i) => {
    if (scales[i] !== null) ctx.note(`${names[i] ?? `d${i + 1}`}: floor(${dimToString(spatial[i])} · ${scales[i]}) = ${dimToString(out)}`);
  });
  const bad = outputs.findIndex((d) => isKnown(d) && d <= 0);
  if (bad >= 0) {
    ctx.error(
      'nonpositive-size',
      `${ctx.kind} scale_factor=${ctx.describe('scale_factor')} turns ${names[bad]}=${dimToString(spatial[bad])} into floor(${dimToString(spatial[bad])} · ${scales[bad]}) = ${dimToString(outputs[bad])}; PyTorch needs output sizes greater than 0: ${ctx.origin(0)}`,
      'scale_factor',
    );
  }
  return { output: [input[0], input[1], ...outputs], params: 0 };
}

// ---------------------------------------------------------------------------------------------
// PyTorch PixelShuffle / PixelUnshuffle: (*, C, H, W) with channels traded for space.

function inferTorchPixelShuffle(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const r = ctx.int('upscale_factor');
  if (input === null) return { output: null, params: 0 };
  if (input.length < 3) {
    ctx.error('rank-mismatch', `pixel_shuffle expects input to have at least 3 dimensions, but got ${formatShape(input)} with ${input.length}: ${ctx.origin(0)}`);
    return { output: null, params: 0 };
  }
  const [c, h, w] = input.slice(-3);
  const lead = input.slice(0, -3);
  const square = mul(r, r);
  if (isKnown(c) && isKnown(square) && square > 0 && c % square !== 0) {
    ctx.error(
      'groups-divisible',
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor=${ctx.describe('upscale_factor')}, but input.size(-3)=${c} is not divisible by ${square}: ${ctx.origin(0)}`,
      'upscale_factor',
      // Or the layer before gives the next multiple of the square.
      { arg: 'upscale_factor', value: Number.NaN, inputWidth: { received: c, wanted: Math.ceil(c / square) * square } },
    );
    return { output: [...lead, null, mul(h, r), mul(w, r)], params: 0 };
  }
  const channels = isKnown(square) && square > 0 ? floordiv(c, square) : null;
  return { output: [...lead, channels, mul(h, r), mul(w, r)], params: 0 };
}

function inferTorchPixelUnshuffle(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const r = ctx.int('downscale_factor');
  if (input === null) return { output: null, params: 0 };
  if (input.length < 3) {
    ctx.error('rank-mismatch', `pixel_unshuffle expects input to have at least 3 dimensions, but got ${formatShape(input)} with ${input.length}: ${ctx.origin(0)}`);
    return { output: null, params: 0 };
  }
  const [c, h, w] = input.slice(-3);
  const lead = input.slice(0, -3);
  const knownFactor = isKnown(r) && r > 0;
  const divided = [h, w].map((d, i) => {
    const label = i === 0 ? 'height' : 'width';
    if (knownFactor && isKnown(d) && d % r !== 0) {
      ctx.error(
        'groups-divisible',
        `pixel_unshuffle expects ${label} to be divisible by downscale_factor=${ctx.describe('downscale_factor')}, but input.size(${i - 2})=${d} is not divisible by ${r}: ${ctx.origin(0)}`,
        'downscale_factor',
      );
      return null;
    }
    return knownFactor ? floordiv(d, r) : null;
  });
  return { output: [...lead, mul(c, mul(r, r)), ...divided], params: 0 };
}

// ---------------------------------------------------------------------------------------------
// PyTorch padding layers: one rule for every mode and rank.

type TorchPadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** The (before, after) pairs of a PyTorch padding, from the last dimension backwards; null when unknown. */
function torchPadPairs(v: ArgValue, spatialCount: number): [Dim, Dim][] | null {
  let flat: Dim[];
  if (Array.isArray(v)) {
    if (v.length !== 2 * spatialCount) return null;
    flat = v.map(asInt);
  } else {
    const one = asInt(v);
    if (one === null) return null;
    flat = Array(2 * spatialCount).fill(one);
  }
  return Array.from({ length: spatialCount }, (_, i) => [flat[2 * i], flat[2 * i + 1]] as [Dim, Dim]);
}

function inferTorchPad(ctx: RuleContext, mode: TorchPadMode, spatialCount: number): RuleResult {
  const input = ctx.inputs[0] ?? null;
  if (input === null) return { output: null, params: 0 };
  const rank = input.length;
  if (mode === 'constant' ? rank < spatialCount : rank !== spatialCount + 1 && rank !== spatialCount + 2) {
    const wanted = mode === 'constant' ? `at least ${spatialCount}` : `${spatialCount + 1} or ${spatialCount + 2}`;
    ctx.error('rank-mismatch', `${ctx.kind} pads the last ${spatialCount} dimension(s) and needs a ${wanted}-d input, but got ${rank}-d ${formatShape(input)}: ${ctx.origin(0)}`);
    return { output: null, params: 0 };
  }
  const pairs = torchPadPairs(ctx.value('padding'), spatialCount);
  const out = [...input];
  if (pairs === null) {
    for (let i = 0; i < spatialCount; i++) out[rank - 1 - i] = null;
    return { output: out, params: 0 };
  }
  const smallest = mode === 'constant' ? 0 : 1;
  let reported = false;
  const notes: string[] = [];
  pairs.forEach(([before, after], i) => {
    const axis = rank - 1 - i;
    const size = input[axis];
    const padded = add(add(size, before), after);
    const sum = `${dimToString(size)}${signedTerm(before)}${signedTerm(after)} = ${dimToString(padded)}`;
    out[axis] = padded;
    if (before !== 0 || after !== 0) notes.unshift(`dim ${axis}: ${sum}`);
    if (reported || !isKnown(size)) return;
    const pair = `(${dimToString(before)}, ${dimToString(after)})`;
    if (mode === 'reflect' && ((isKnown(before) && before >= size) || (isKnown(after) && after >= size))) {
      ctx.error('nonpositive-size', `${ctx.kind} padding ${pair} at dimension ${axis} must be smaller than that dimension of the input (${size}) to reflect: ${ctx.origin(0)}`, 'padding');
      reported = true;
    } else if (mode === 'circular' && ((isKnown(before) && before > size) || (isKnown(after) && after > size))) {
      ctx.error('nonpositive-size', `${ctx.kind} padding ${pair} at dimension ${axis} wraps around the input more than once; it can be at most that dimension of the input (${size}): ${ctx.origin(0)}`, 'padding');
      reported = true;
    } else if (isKnown(padded) && padded < smallest) {
      ctx.error('nonpositive-size', `${ctx.kind} padding ${pair} makes dimension ${axis} of the input ${sum}, and PyTorch needs at least ${smallest}: ${ctx.origin(0)}`, 'padding');
      reported = true;
    }
  });
  for (const n of notes) ctx.note(n);
  return { output: out, params: 0 };
}

const TORCH_PAD_FAMILIES: { prefix: string; mode: TorchPadMode; extra: Param[] }[] = [
  { prefix: 'ZeroPad', mode: 'constant', extra: [] },
  { prefix: 'ConstantPad', mode: 'constant', extra: [{ name: 'value' }] },
  { prefix: 'ReflectionPad', mode: 'reflect', extra: [] },
  { prefix: 'ReplicationPad', mode: 'replicate', extra: [] },
  { prefix: 'CircularPad', mode: 'circular', extra: [] },
];

const torchPadLayers: LayerDef[] = TORCH_PAD_FAMILIES.flatMap(({ prefix, mode, extra }) =>
  [1, 2, 3].map(
    (n): LayerDef => ({
      kind: `${prefix}${n}d`,
      framework: 'torch',
      names: [`torch.nn.${prefix}${n}d`],
      params: [{ name: 'padding' }, ...extra],
      infer: (ctx) => inferTorchPad(ctx, mode, n),
    }),
  ),
);

// ---------------------------------------------------------------------------------------------
// Keras UpSampling1D/2D/3D: each spatial dimension times its size.

function inferKerasUpSampling(ctx: RuleContext, spatialCount: number): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const rank = spatialCount + 2;
  if (input === null) return { output: null, params: 0 };
  if (input.length !== rank) {
    ctx.error('rank-mismatch', `${ctx.kind} expects a ${rank}-d input (batch, ${spatialCount} spatial, channels), but got ${formatShape(input)}: ${ctx.origin(0)}`);
    return { output: null, params: 0 };
  }
  const axes = kerasSpatialAxes(rank, spatialCount, isChannelsFirst(ctx));
  const sizes = ctx.tuple('size', spatialCount) ?? Array(spatialCount).fill(null);
  return { output: withAxes(input, axes, axes.map((a, i) => mul(input[a], sizes[i]))), params: 0 };
}

// ---------------------------------------------------------------------------------------------
// Keras ZeroPadding and Cropping: one rule, padding adds and cropping subtracts.

/**
 * The (before, after) pairs of a Keras padding or cropping argument: an int for every side; for
 * one axis a pair `(left, right)`; for several axes one entry per axis, each an int (symmetric) or
 * a pair. Null when unknown or malformed.
 */
export function kerasPairs(v: ArgValue, spatialCount: number): [Dim, Dim][] | null {
  const pairOf = (x: ArgValue): [Dim, Dim] | null => {
    if (Array.isArray(x)) return x.length === 2 ? [asInt(x[0]), asInt(x[1])] : null;
    const d = asInt(x);
    return d === null ? null : [d, d];
  };
  if (!Array.isArray(v)) {
    const d = asInt(v);
    return d === null ? null : Array.from({ length: spatialCount }, () => [d, d]);
  }
  if (spatialCount === 1) {
    const p = pairOf(v);
    return p === null ? null : [p];
  }
  if (v.length !== spatialCount) return null;
  const pairs = v.map(pairOf);
  return pairs.some((p) => p === null) ? null : (pairs as [Dim, Dim][]);
}

function inferKerasPadOrCrop(ctx: RuleContext, spatialCount: number, argName: 'padding' | 'cropping'): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const rank = spatialCount + 2;
  if (input === null) return { output: null, params: 0 };
  if (input.length !== rank) {
    ctx.error('rank-mismatch', `${ctx.kind} expects a ${rank}-d input (batch, ${spatialCount} spatial, channels), but got ${formatShape(input)}: ${ctx.origin(0)}`);
    return { output: null, params: 0 };
  }
  const axes = kerasSpatialAxes(rank, spatialCount, isChannelsFirst(ctx));
  const pairs = kerasPairs(ctx.value(argName), spatialCount);
  if (pairs === null) return { output: withAxes(input, axes, axes.map(() => null)), params: 0 };
  const crop = argName === 'cropping';
  const names = axisNames(spatialCount);
  let reported = false;
  const sizes = axes.map((a, i) => {
    const [before, after] = pairs[i];
    const size = input[a];
    const total = add(before, after);
    const out = crop ? sub(size, total) : add(size, total);
    if (total !== 0) ctx.note(`${names[i]}: ${dimToString(size)} ${crop ? '−' : '+'} ${dimToString(before)} ${crop ? '−' : '+'} ${dimToString(after)} = ${dimToString(out)}`);
    if (!reported && isKnown(out) && out <= 0 && isKnown(size)) {
      const verb = crop ? 'crops' : 'pads';
      ctx.error(
        'nonpositive-size',
        `${ctx.kind} ${argName}=${ctx.describe(argName)} ${verb} ${dimToString(before)} + ${dimToString(after)} off ${names[i]}=${size}, leaving ${out}; it must be smaller than the input's ${names[i]}: ${ctx.origin(0)}`,
        argName,
      );
      reported = true;
    }
    return out;
  });
  return { output: withAxes(input, axes, sizes), params: 0 };
}

// ---------------------------------------------------------------------------------------------
// Keras Resizing and CenterCrop: the spatial size becomes (height, width); 3-d (unbatched) or 4-d input.

function inferKerasResizeTo(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const height = ctx.int('height');
  const width = ctx.int('width');
  for (const name of ['height', 'width']) {
    const d = ctx.int(name);
    if (isKnown(d) && d <= 0) ctx.error('nonpositive-size', `${ctx.kind} ${name}=${ctx.describe(name)} must be positive`, name);
  }
  if (input === null) return { output: null, params: 0 };
  if (input.length !== 3 && input.length !== 4) {
    ctx.error('rank-mismatch', `${ctx.kind} expects a 3-d (one image) or 4-d (a batch of images) input, but got ${formatShape(input)}: ${ctx.origin(0)}`);
    return { output: null, params: 0 };
  }
  const channelsFirst = isChannelsFirst(ctx);
  const axes = input.length === 4 ? kerasSpatialAxes(4, 2, channelsFirst) : channelsFirst ? [1, 2] : [0, 1];
  return { output: withAxes(input, axes, [height, width]), params: 0 };
}

function inferIdentity(ctx: RuleContext): RuleResult {
  return { output: ctx.inputs[0] ?? null, params: 0 };
}

/** Keras's random image augmentation layers (shape-preserving) and their leading parameters. */
const KERAS_AUGMENTATION: { kind: string; params: Param[] }[] = [
  { kind: 'RandomFlip', params: [{ name: 'mode', default: 'horizontal_and_vertical' }] },
  { kind: 'RandomRotation', params: [{ name: 'factor' }, { name: 'fill_mode', default: 'reflect' }, { name: 'interpolation', default: 'bilinear' }] },
  { kind: 'RandomZoom', params: [{ name: 'height_factor' }, { name: 'width_factor', default: null }, { name: 'fill_mode', default: 'reflect' }, { name: 'interpolation', default: 'bilinear' }] },
  { kind: 'RandomTranslation', params: [{ name: 'height_factor' }, { name: 'width_factor' }, { name: 'fill_mode', default: 'reflect' }, { name: 'interpolation', default: 'bilinear' }] },
  { kind: 'RandomContrast', params: [{ name: 'factor' }] },
  { kind: 'RandomBrightness', params: [{ name: 'factor' }, { name: 'value_range', default: [0, 255] }] },
];

/** Keras ZeroPadding and Cropping of each rank: the argument, its Keras 3 default, and whether it takes data_format. */
const KERAS_PAD_CROP: { kind: string; spatialCount: number; argName: 'padding' | 'cropping'; default: ArgValue; dataFormat: boolean }[] = [
  { kind: 'ZeroPadding1D', spatialCount: 1, argName: 'padding', default: 1, dataFormat: true },
  { kind: 'ZeroPadding2D', spatialCount: 2, argName: 'padding', default: [1, 1], dataFormat: true },
  { kind: 'ZeroPadding3D', spatialCount: 3, argName: 'padding', default: [[1, 1], [1, 1], [1, 1]], dataFormat: true },
  { kind: 'Cropping1D', spatialCount: 1, argName: 'cropping', default: [1, 1], dataFormat: false },
  { kind: 'Cropping2D', spatialCount: 2, argName: 'cropping', default: [[0, 0], [0, 0]], dataFormat: true },
  { kind: 'Cropping3D', spatialCount: 3, argName: 'cropping', default: [[1, 1], [1, 1], [1, 1]], dataFormat: true },
];

const kerasPadCropLayers: LayerDef[] = KERAS_PAD_CROP.map(({ kind, spatialCount, argName, default: byDefault, dataFormat }) => ({
  kind,
  framework: 'keras',
  names: [`keras.layers.${kind}`],
  params: [{ name: argName, default: byDefault }, ...(dataFormat ? [{ name: 'data_format', default: null }] : []), KERAS_KWARGS],
  infer: (ctx: RuleContext) => inferKerasPadOrCrop(ctx, spatialCount, argName),
}));

const kerasLayers: LayerDef[] = [
  ...[1, 2, 3].map(
    (n): LayerDef => ({
      kind: `UpSampling${n}D`,
      framework: 'keras',
      names: [`keras.layers.UpSampling${n}D`],
      params:
        n === 1
          ? [{ name: 'size', default: 2 }, KERAS_KWARGS]
          : n === 2
            ? [{ name: 'size', default: [2, 2] }, { name: 'data_format', default: null }, { name: 'interpolation', default: 'nearest' }, KERAS_KWARGS]
            : [{ name: 'size', default: [2, 2, 2] }, { name: 'data_format', default: null }, KERAS_KWARGS],
      infer: (ctx) => inferKerasUpSampling(ctx, n),
    }),
  ),
  ...kerasPadCropLayers,
  {
    kind: 'Resizing',
    framework: 'keras',
    names: ['keras.layers.Resizing'],
    params: [
      { name: 'height' },
      { name: 'width' },
      { name: 'interpolation', default: 'bilinear' },
      { name: 'crop_to_aspect_ratio', default: false },
      { name: 'pad_to_aspect_ratio', default: false },
      { name: 'fill_mode', default: 'constant' },
      { name: 'fill_value', default: 0.0 },
      { name: 'antialias', default: false },
      { name: 'data_format', default: null },
      KERAS_KWARGS,
    ],
    infer: inferKerasResizeTo,
  },
  {
    kind: 'CenterCrop',
    framework: 'keras',
    names: ['keras.layers.CenterCrop'],
    params: [{ name: 'height' }, { name: 'width' }, { name: 'data_format', default: null }, KERAS_KWARGS],
    infer: inferKerasResizeTo,
  },
  {
    kind: 'Rescaling',
    framework: 'keras',
    names: ['keras.layers.Rescaling'],
    params: [{ name: 'scale' }, { name: 'offset', default: 0.0 }, KERAS_KWARGS],
    infer: inferIdentity,
  },
  // Image augmentation: random at training time, the identity at inference; the shape stays.
  ...KERAS_AUGMENTATION.map(
    ({ kind, params }): LayerDef => ({ kind, framework: 'keras', names: [`keras.layers.${kind}`], params: [...params, { name: 'seed', default: null }, KERAS_KWARGS], infer: inferIdentity }),
  ),
  {
    // RandomCrop(height, width) crops to that size (at inference it center-crops).
    kind: 'RandomCrop',
    framework: 'keras',
    names: ['keras.layers.RandomCrop'],
    params: [{ name: 'height' }, { name: 'width' }, { name: 'seed', default: null }, { name: 'data_format', default: null }, KERAS_KWARGS],
    infer: inferKerasResizeTo,
  },
  {
    // Normalization to be adapted keeps a mean and a variance per feature and a count: 2·C + 1
    // weights, as Keras counts them; given its `mean=` and `variance=`, it holds them as constants
    // and makes no weight (Keras 3's and tf.keras 2.6+'s build: `if self.input_mean is None`).
    kind: 'Normalization',
    framework: 'keras',
    names: ['keras.layers.Normalization'],
    params: [{ name: 'axis', default: -1 }, { name: 'mean', default: null }, { name: 'variance', default: null }, { name: 'invert', default: false }, KERAS_KWARGS],
    infer: (ctx) => {
      const input = ctx.inputs[0] ?? null;
      const axis = ctx.int('axis');
      const c = input && typeof axis === 'number' && input.length > 0 ? input[axis < 0 ? input.length + axis : axis] ?? null : null;
      const mean = ctx.value('mean');
      if (mean instanceof UnknownArg) return { output: input, params: null };
      if (mean !== null) return { output: input, params: 0 };
      return { output: input, params: typeof c === 'number' ? 2 * c + 1 : null };
    },
  },
];

export const layers: LayerDef[] = [
  {
    kind: 'Upsample',
    framework: 'torch',
    names: ['torch.nn.Upsample'],
    params: [
      { name: 'size', default: null },
      { name: 'scale_factor', default: null },
      { name: 'mode', default: 'nearest' },
      { name: 'align_corners', default: null },
      { name: 'recompute_scale_factor', default: null },
    ],
    infer: (ctx) => inferTorchUpsample(ctx),
  },
  {
    kind: 'UpsamplingNearest2d',
    framework: 'torch',
    names: ['torch.nn.UpsamplingNearest2d'],
    params: [
      { name: 'size', default: null },
      { name: 'scale_factor', default: null },
    ],
    infer: (ctx) => inferTorchUpsample(ctx, 'nearest'),
  },
  {
    kind: 'UpsamplingBilinear2d',
    framework: 'torch',
    names: ['torch.nn.UpsamplingBilinear2d'],
    params: [
      { name: 'size', default: null },
      { name: 'scale_factor', default: null },
    ],
    infer: (ctx) => inferTorchUpsample(ctx, 'bilinear'),
  },
  {
    kind: 'PixelShuffle',
    framework: 'torch',
    names: ['torch.nn.PixelShuffle'],
    params: [{ name: 'upscale_factor' }],
    infer: inferTorchPixelShuffle,
  },
  {
    kind: 'PixelUnshuffle',
    framework: 'torch',
    names: ['torch.nn.PixelUnshuffle'],
    params: [{ name: 'downscale_factor' }],
    infer: inferTorchPixelUnshuffle,
  },
  ...torchPadLayers,
  ...kerasLayers,
];
