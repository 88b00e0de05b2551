// Layer family: normalization, PyTorch (`torch.nn.BatchNorm2d`, `InstanceNorm*`, `GroupNorm`,
// `LayerNorm`, `RMSNorm`, `LocalResponseNorm`, their Lazy variants) and Keras (`BatchNormalization`,
// `LayerNormalization`, `GroupNormalization`, `UnitNormalization`, and the InstanceNormalization of
// keras-contrib and TensorFlow Addons that GAN code imports).
//
// Every normalization keeps its input shape. What can go wrong is the feature count written in the
// constructor (PyTorch `num_features`, `num_channels`, `normalized_shape`) against the input's
// channel axis or trailing dims (`norm-num-features`), groups that do not divide the channels
// (`groups-divisible`), and ranks the framework refuses. Keras normalizations read their sizes from
// the input, so only the axis and the groups can contradict it. Parameter counts follow torchinfo
// (PyTorch running statistics are buffers, not parameters) and Keras `count_params` (moving mean and
// variance included). Functional forms (`F.batch_norm`, `F.layer_norm`) belong to ops/functional.ts.

import { Count, countOfTerms } from '../count';
import { Dim, dimToString, equalDims, isKnown, product } from '../dim';
import { formatShape, normAxis } from '../shape';
import type { LayerDef, Param, RuleContext, RuleResult } from '../types';
import { checkRank, checkSizes, countOf, DEVICE_DTYPE, firstInput, kerasLayer, sameShape, torchLayer } from './activation';

/**
 * Reports `norm-num-features` when the channel count written in `argName` definitely differs from
 * the input's channel size, with a quick fix to the real count.
 */
function checkChannelCount(ctx: RuleContext, argName: string, channels: Dim): void {
  const expected = ctx.int(argName);
  if (equalDims(expected, channels) !== false) return;
  const fix = isKnown(channels) ? { arg: argName, value: channels } : undefined;
  ctx.error('norm-num-features', `${ctx.kind} expects ${argName}=${ctx.describe(argName)}, but its input has ${dimToString(channels)} channels: ${ctx.origin(0)}`, argName, fix);
}

/** The largest divisor of `channels` not above `groups`: the nearest valid group count. */
function nearestDivisor(channels: number, groups: number): number {
  for (let g = Math.min(groups, channels); g > 1; g--) if (channels % g === 0) return g;
  return 1;
}

/** Two weights per feature (scale and shift) when the flag is on, none when off, unknown when unknown. */
function affineCount(flag: boolean | null, features: Dim, perFeature = 2): Count | null {
  if (flag === false) return 0;
  if (flag === null) return null;
  return countOfTerms([[perFeature, features]]);
}

/**
 * BatchNorm{1,2,3}d and InstanceNorm{1,2,3}d over `spatial` spatial axes. BatchNorm needs the batch
 * axis (`batchedOnly`); InstanceNorm also accepts an unbatched (C, ...) input. The Lazy variants
 * take the channel count from the input.
 */
function channelNormRule(spatial: number, options: { batchedOnly: boolean; lazy: boolean }): (ctx: RuleContext) => RuleResult {
  const batchedRank = spatial + 2;
  const layout = ['(N, C)', '(N, C, L)', '(N, C, H, W)', '(N, C, D, H, W)'];
  const unbatched = ['', '(C, L)', '(C, H, W)', '(C, D, H, W)'];
  // The one-axis-shorter input accepted besides the batched one: BatchNorm1d's (N, C), InstanceNorm's unbatched input.
  const shorter = options.batchedOnly ? (spatial === 1 ? `2D ${layout[0]}` : null) : `${batchedRank - 1}D ${unbatched[spatial]}`;
  const batched = `${batchedRank}D ${layout[spatial]}`;
  const expected = shorter === null ? `a ${batched}` : `a ${shorter} or ${batched}`;
  const accepts = (r: number) => r === batchedRank || (shorter !== null && r === batchedRank - 1);
  return (ctx) => {
    const shape = firstInput(ctx);
    if (!options.lazy) checkSizes(ctx, ['num_features'], 0);
    const rankOk = checkRank(ctx, accepts, expected);
    // BatchNorm1d on (N, C) and every batched input carry channels at dim 1; unbatched at dim 0.
    let channels: Dim = null;
    if (shape !== null && rankOk) channels = options.batchedOnly || shape.length === batchedRank ? shape[1] : shape[0];
    const affine = ctx.bool('affine');
    if (!options.lazy) {
      // InstanceNorm without weights or running statistics only warns about a channel mismatch.
      const strict = options.batchedOnly || affine === true || ctx.bool('track_running_stats') === true;
      if (strict && shape !== null && rankOk) checkChannelCount(ctx, 'num_features', channels);
    }
    const features = options.lazy ? channels : ctx.int('num_features');
    return { output: shape, params: affineCount(affine, features) };
  };
}

/**
 * The BatchNorm and InstanceNorm constructors: the Lazy ones drop num_features. BatchNorm and the
 * Lazy InstanceNorm default to affine=True and track_running_stats=True, InstanceNorm to False.
 */
function channelNormParams(lazy: boolean, statisticsByDefault: boolean): Param[] {
  return [
    ...(lazy ? [] : [{ name: 'num_features' }]),
    { name: 'eps', default: 1e-5 },
    { name: 'momentum', default: 0.1 },
    { name: 'affine', default: statisticsByDefault },
    { name: 'track_running_stats', default: statisticsByDefault },
    ...DEVICE_DTYPE,
  ];
}

/** GroupNorm: (N, C, *) with C = num_channels, divisible by num_groups (checked at construction). */
function groupNormRule(ctx: RuleContext): RuleResult {
  const shape = firstInput(ctx);
  checkSizes(ctx, ['num_groups'], 1);
  checkSizes(ctx, ['num_channels'], 0);
  const groups = ctx.int('num_groups');
  const channels = ctx.int('num_channels');
  if (isKnown(groups) && isKnown(channels) && groups > 0 && channels % groups !== 0) {
    ctx.error('groups-divisible', `GroupNorm needs num_channels=${ctx.describe('num_channels')} to be divisible by num_groups=${ctx.describe('num_groups')}`, 'num_groups', { arg: 'num_groups', value: nearestDivisor(channels, groups) });
  }
  if (shape !== null && checkRank(ctx, (r) => r >= 2, 'an (N, C, *) input of at least 2 dimensions as')) checkChannelCount(ctx, 'num_channels', shape[1]);
  return { output: shape, params: affineCount(ctx.bool('affine'), channels) };
}

/** The `normalized_shape` of LayerNorm and RMSNorm as a list of dims, or null when unknown. */
function normalizedShape(ctx: RuleContext): Dim[] | null {
  const v = ctx.value('normalized_shape');
  if (Array.isArray(v)) return ctx.tuple('normalized_shape', v.length);
  const single = ctx.int('normalized_shape');
  return single === null ? null : [single];
}

/**
 * LayerNorm and RMSNorm: the input must end in `normalized_shape` (PyTorch: "Given
 * normalized_shape=[64], expected input with shape [*, 64], but got input of size[2, 32]").
 */
function trailingNormRule(weightsPerElement: (ctx: RuleContext) => number | null): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    const shape = firstInput(ctx);
    const normalized = normalizedShape(ctx);
    if (shape !== null && normalized !== null) {
      const tail = shape.slice(Math.max(0, shape.length - normalized.length));
      const offset = normalized.length - tail.length;
      const differs = tail.length < normalized.length || tail.some((d, i) => equalDims(d, normalized[i + offset]) === false);
      if (differs) {
        const scalar = !Array.isArray(ctx.value('normalized_shape'));
        const last = shape.length ? shape[shape.length - 1] : null;
        const fix = scalar && isKnown(last) ? { arg: 'normalized_shape', value: last } : undefined;
        ctx.error('norm-num-features', `${ctx.kind} expects its input to end in normalized_shape=${ctx.describe('normalized_shape')}, but its input ${formatShape(shape)} ends in ${formatShape(tail)}: ${ctx.origin(0)}`, 'normalized_shape', fix);
      }
    }
    const perElement = weightsPerElement(ctx);
    const elements = normalized === null ? null : product(normalized);
    const params = ctx.bool('elementwise_affine') === false ? 0 : perElement === null ? null : countOfTerms([[perElement, elements]]);
    return { output: shape, params };
  };
}

const torchLayers: LayerDef[] = [];
for (const spatial of [1, 2, 3]) {
  torchLayers.push(
    torchLayer(`BatchNorm${spatial}d`, channelNormParams(false, true), channelNormRule(spatial, { batchedOnly: true, lazy: false })),
    torchLayer(`LazyBatchNorm${spatial}d`, channelNormParams(true, true), channelNormRule(spatial, { batchedOnly: true, lazy: true })),
    torchLayer(`InstanceNorm${spatial}d`, channelNormParams(false, false), channelNormRule(spatial, { batchedOnly: false, lazy: false })),
    torchLayer(`LazyInstanceNorm${spatial}d`, channelNormParams(true, true), channelNormRule(spatial, { batchedOnly: false, lazy: true })),
  );
}
// `torch.nn.modules.batchnorm._BatchNorm`, the private base of BatchNorm{1,2,3}d that
// SyncBatchNorm-style classes derive from: built with BatchNorm's arguments (weight and bias of
// num_features where affine), its forward runs `F.batch_norm`, which keeps the input's shape. The
// ranks it accepts are the subclass's `_check_input_dim`, so none is checked here.
// (Its module path normalises to `torch.nn._BatchNorm`.)
torchLayers.push(torchLayer('_BatchNorm', channelNormParams(false, true), (ctx) => ({ output: firstInput(ctx), params: affineCount(ctx.bool('affine'), ctx.int('num_features')) })));
torchLayers.push(
  torchLayer('GroupNorm', [{ name: 'num_groups' }, { name: 'num_channels' }, { name: 'eps', default: 1e-5 }, { name: 'affine', default: true }, ...DEVICE_DTYPE], groupNormRule),
  torchLayer(
    'LayerNorm',
    [{ name: 'normalized_shape' }, { name: 'eps', default: 1e-5 }, { name: 'elementwise_affine', default: true }, { name: 'bias', default: true }, ...DEVICE_DTYPE],
    trailingNormRule((ctx) => {
      const bias = ctx.bool('bias');
      return bias === null ? null : bias ? 2 : 1;
    }),
  ),
  torchLayer('RMSNorm', [{ name: 'normalized_shape' }, { name: 'eps', default: null }, { name: 'elementwise_affine', default: true }, ...DEVICE_DTYPE], trailingNormRule(() => 1)),
  torchLayer('LocalResponseNorm', [{ name: 'size' }, { name: 'alpha', default: 0.0001 }, { name: 'beta', default: 0.75 }, { name: 'k', default: 1.0 }], (ctx) => {
    checkRank(ctx, (r) => r >= 3, 'an (N, C, *) input of at least 3 dimensions as');
    return sameShape(ctx);
  }),
);

/**
 * The sizes of the Keras `axis` argument (an int or a list) in the input; null when unknown.
 * Reports `rank-mismatch` for an axis outside the input's rank.
 */
function kerasAxisSizes(ctx: RuleContext): Dim[] | null {
  const shape = firstInput(ctx);
  const v = ctx.value('axis');
  const axes = typeof v === 'number' ? [v] : Array.isArray(v) && v.every((a) => typeof a === 'number') ? (v as number[]) : null;
  if (shape === null || axes === null) return null;
  const sizes: Dim[] = [];
  for (const axis of axes) {
    const a = normAxis(axis, shape.length);
    if (a === null || a === 0) {
      ctx.error('rank-mismatch', `${ctx.kind} normalizes along axis=${ctx.describe('axis')}, which is ${a === 0 ? 'the batch axis' : 'out of range'} for its input ${formatShape(shape)}: ${ctx.origin(0)}`, 'axis');
      return null;
    }
    sizes.push(shape[a]);
  }
  return sizes;
}

/** Keras center/scale weights: one vector each over the normalized axes. */
function kerasCenterScale(ctx: RuleContext, features: Dim, extraPerFeature: number): Count | null {
  const center = ctx.bool('center');
  const scale = ctx.bool('scale');
  if (center === null || scale === null) return null;
  return countOfTerms([[Number(center) + Number(scale) + extraPerFeature, features]]);
}

function kerasBatchNormRule(ctx: RuleContext): RuleResult {
  const sizes = kerasAxisSizes(ctx);
  // Moving mean and variance count in Keras count_params.
  return { output: firstInput(ctx), params: sizes === null ? null : kerasCenterScale(ctx, product(sizes), 2) };
}

function kerasLayerNormRule(ctx: RuleContext): RuleResult {
  const sizes = kerasAxisSizes(ctx);
  if (sizes === null) return { output: firstInput(ctx), params: null };
  // With rms_scaling only gamma is created.
  const rms = ctx.bool('rms_scaling');
  const params = rms === true ? countOf(product(sizes)) : rms === null ? null : kerasCenterScale(ctx, product(sizes), 0);
  return { output: firstInput(ctx), params };
}

/** Keras GroupNormalization: the channels along `axis` must split into `groups` equal groups. */
function kerasGroupNormRule(ctx: RuleContext): RuleResult {
  checkSizes(ctx, ['groups'], 1);
  const sizes = kerasAxisSizes(ctx);
  const channels = sizes === null || sizes.length !== 1 ? null : sizes[0];
  const groups = ctx.int('groups');
  if (isKnown(channels) && isKnown(groups) && groups > 0 && (groups > channels || channels % groups !== 0)) {
    const why = groups > channels ? 'cannot be more than' : 'must divide';
    ctx.error('groups-divisible', `GroupNormalization groups=${ctx.describe('groups')} ${why} the ${channels} channels of its input ${formatShape(firstInput(ctx))}: ${ctx.origin(0)}`, 'groups', { arg: 'groups', value: nearestDivisor(channels, groups) });
  }
  return { output: firstInput(ctx), params: kerasCenterScale(ctx, channels, 0) };
}

/**
 * InstanceNormalization: keras-contrib's by default (`axis=None`) has one gamma and one beta for
 * the whole tensor; with an axis (TensorFlow Addons' default, -1), one per feature along it.
 */
function contribInstanceNormRule(ctx: RuleContext): RuleResult {
  if (ctx.value('axis') === null) return { output: firstInput(ctx), params: kerasCenterScale(ctx, 1, 0) };
  const sizes = kerasAxisSizes(ctx);
  return { output: firstInput(ctx), params: sizes === null ? null : kerasCenterScale(ctx, product(sizes), 0) };
}

const centerScaleTail: Param[] = [
  { name: 'beta_initializer', default: 'zeros' },
  { name: 'gamma_initializer', default: 'ones' },
];
const regularizersConstraints: Param[] = [
  { name: 'beta_regularizer', default: null },
  { name: 'gamma_regularizer', default: null },
  { name: 'beta_constraint', default: null },
  { name: 'gamma_constraint', default: null },
];

const kerasLayers: LayerDef[] = [
  kerasLayer(
    'BatchNormalization',
    [
      { name: 'axis', default: -1 },
      { name: 'momentum', default: 0.99 },
      { name: 'epsilon', default: 0.001 },
      { name: 'center', default: true },
      { name: 'scale', default: true },
      ...centerScaleTail,
      { name: 'moving_mean_initializer', default: 'zeros' },
      { name: 'moving_variance_initializer', default: 'ones' },
      ...regularizersConstraints,
      { name: 'synchronized', default: false },
    ],
    kerasBatchNormRule,
  ),
  kerasLayer(
    'LayerNormalization',
    [{ name: 'axis', default: -1 }, { name: 'epsilon', default: 0.001 }, { name: 'center', default: true }, { name: 'scale', default: true }, { name: 'rms_scaling', default: false }, ...centerScaleTail, ...regularizersConstraints],
    kerasLayerNormRule,
  ),
  kerasLayer(
    'GroupNormalization',
    [{ name: 'groups', default: 32 }, { name: 'axis', default: -1 }, { name: 'epsilon', default: 0.001 }, { name: 'center', default: true }, { name: 'scale', default: true }, ...centerScaleTail, ...regularizersConstraints],
    kerasGroupNormRule,
  ),
  kerasLayer('UnitNormalization', [{ name: 'axis', default: -1 }], sameShape),
  {
    ...kerasLayer('InstanceNormalization', [{ name: 'axis', default: null }, { name: 'epsilon', default: 0.001 }, { name: 'center', default: true }, { name: 'scale', default: true }, ...centerScaleTail, ...regularizersConstraints], contribInstanceNormRule),
    names: ['keras_contrib.layers.InstanceNormalization', 'keras_contrib.layers.normalization.InstanceNormalization', 'keras_contrib.layers.normalization.instancenormalization.InstanceNormalization'],
  },
  // TensorFlow Addons': a GroupNormalization with one group per channel (keywords only).
  {
    ...kerasLayer(
      'InstanceNormalization',
      [{ name: 'axis', default: -1 }, { name: 'epsilon', default: 0.001 }, { name: 'center', default: true }, { name: 'scale', default: true }, ...centerScaleTail, ...regularizersConstraints].map((p) => ({ ...p, kwOnly: true })),
      contribInstanceNormRule,
    ),
    names: ['tensorflow_addons.layers.InstanceNormalization', 'tensorflow_addons.layers.normalizations.InstanceNormalization'],
  },
];

export const layers: LayerDef[] = [...torchLayers, ...kerasLayers];
