// Layer family: activations and dropout, PyTorch (`torch.nn.ReLU`, `torch.nn.Dropout2d`, ...) and
// Keras (`keras.layers.ReLU`, `keras.layers.SpatialDropout2D`, ...).
//
// Almost every layer here keeps its input shape; they share one rule, `sameShape`, with an optional
// rank check. The exceptions are PReLU (its parameter count), softmax along an axis (the axis must
// exist) and GLU (halves one axis). This file also holds the small helpers that the norm, linear and
// recurrent families share: the layer definition factories, rank checks and size positivity.
// Functional forms (`torch.nn.functional.relu`) belong to ops/functional.ts.

import { Count, safeCount } from '../count';
import { Dim, dimToString, divExact, equalDims, isKnown, product } from '../dim';
import { formatShape, normAxis } from '../shape';
import type { ArgValue, LayerDef, Param, RuleContext, RuleResult, Shape } from '../types';

/** Keras layers take `name=`, `dtype=`, `input_shape=`, `trainable=`, ... through `**kwargs`. */
export const KERAS_KWARGS: Param = { name: 'kwargs', varkw: true };

/** The first input of a layer, or null (unknown) when the interpreter passed none. */
export function firstInput(ctx: RuleContext): Shape {
  return ctx.inputs[0] ?? null;
}

/**
 * Reports `rank-mismatch` when the input's rank is known and not accepted. `expected` describes the
 * accepted inputs for the message, e.g. `a 4D (N, C, H, W)`. Returns false after an error.
 */
export function checkRank(ctx: RuleContext, accepts: (rank: number) => boolean, expected: string, inputIndex = 0): boolean {
  const shape = ctx.inputs[inputIndex] ?? null;
  if (shape === null || accepts(shape.length)) return true;
  ctx.error('rank-mismatch', `${ctx.kind} expects ${expected} input, but its input ${formatShape(shape)} has rank ${shape.length}: ${ctx.origin(inputIndex)}`);
  return false;
}

/**
 * Reports `nonpositive-size` for each named size argument that is a definite number below the
 * allowed minimum (0 where the framework accepts empty sizes, 1 where it refuses them).
 */
export function checkSizes(ctx: RuleContext, names: readonly string[], minimum: 0 | 1): void {
  for (const name of names) {
    const value = ctx.int(name);
    if (isKnown(value) && value < minimum) {
      ctx.error('nonpositive-size', `${ctx.kind} expects ${name} to be ${minimum === 1 ? 'positive' : 'non-negative'}, but got ${ctx.describe(name)}`, name);
    }
  }
}

/** A size as a parameter count: safe integers stay, anything symbolic, unknown or rounded becomes null (countOfTerms is exact). */
export function countOf(d: Dim): Count | null {
  return isKnown(d) ? safeCount(d) : null;
}

/** The rule of every shape-preserving layer without weights. */
export function sameShape(ctx: RuleContext): RuleResult {
  return { output: firstInput(ctx), params: 0 };
}

/** A shape-preserving rule that first checks the input rank. */
function sameShapeWithRank(accepts: (rank: number) => boolean, expected: string): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    checkRank(ctx, accepts, expected);
    return sameShape(ctx);
  };
}

/** A PyTorch layer definition named `torch.nn.<kind>`. */
export function torchLayer(kind: string, params: Param[], infer: (ctx: RuleContext) => RuleResult = sameShape): LayerDef {
  return { kind, framework: 'torch', names: [`torch.nn.${kind}`], params, infer };
}

/** A Keras layer definition named `keras.layers.<kind>`, its parameters closed by `**kwargs`. */
export function kerasLayer(kind: string, params: Param[], infer: (ctx: RuleContext) => RuleResult = sameShape): LayerDef {
  return { kind, framework: 'keras', names: [`keras.layers.${kind}`], params: [...params, KERAS_KWARGS], infer };
}

/** The trailing `device=None, dtype=None` of PyTorch constructors. */
export const DEVICE_DTYPE: Param[] = [
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

const inplace: Param = { name: 'inplace', default: false };
const dropoutParams: Param[] = [{ name: 'p', default: 0.5 }, inplace];

/** Softmax-like layers: the axis must exist in the input (PyTorch: "Dimension out of range"). */
function softmaxAlong(axisArg: string): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    const shape = firstInput(ctx);
    const axis = ctx.value(axisArg);
    if (shape !== null && typeof axis === 'number' && Number.isInteger(axis)) {
      const rank = shape.length;
      // PyTorch treats a 0-d tensor as having one axis for dim checks.
      const wrapRank = Math.max(rank, 1);
      if (normAxis(axis, wrapRank) === null) {
        ctx.error('rank-mismatch', `${ctx.kind} along ${axisArg}=${ctx.describe(axisArg)} is out of range for its input ${formatShape(shape)} of rank ${rank} (expected ${-wrapRank} to ${wrapRank - 1}): ${ctx.origin(0)}`, axisArg);
      }
    }
    return sameShape(ctx);
  };
}

/** PyTorch GLU: splits `dim` in two halves, so the output has half its size; the size must be even. */
function gluRule(ctx: RuleContext): RuleResult {
  const shape = firstInput(ctx);
  const dim = ctx.value('dim');
  if (shape === null || typeof dim !== 'number') return { output: shape === null ? null : shape.map(() => null), params: 0 };
  const axis = normAxis(dim, shape.length);
  if (axis === null) {
    ctx.error('rank-mismatch', `GLU along dim=${ctx.describe('dim')} is out of range for its input ${formatShape(shape)} of rank ${shape.length}: ${ctx.origin(0)}`, 'dim');
    return { output: shape.map(() => null), params: 0 };
  }
  const size = shape[axis];
  if (isKnown(size) && size % 2 !== 0) {
    ctx.error('groups-divisible', `GLU halves dimension ${axis}, which must be even, but its input ${formatShape(shape)} has size ${size} there: ${ctx.origin(0)}`, 'dim');
  }
  const half = isKnown(size) ? Math.floor(size / 2) : divExact(size, 2);
  return { output: shape.map((d, i) => (i === axis ? half : d)), params: 0 };
}

/** PyTorch PReLU: one weight, or one per channel (dim 1; a 1-D input counts as one channel). */
function torchPreluRule(ctx: RuleContext): RuleResult {
  const shape = firstInput(ctx);
  const count = ctx.int('num_parameters');
  checkSizes(ctx, ['num_parameters'], 0);
  if (shape !== null && isKnown(count) && count !== 1) {
    const channels: Dim = shape.length >= 2 ? shape[1] : 1;
    if (equalDims(channels, count) === false) {
      const fix = isKnown(channels) ? { arg: 'num_parameters', value: channels } : undefined;
      ctx.error('norm-num-features', `PReLU expects num_parameters=${ctx.describe('num_parameters')} channels, but its input ${formatShape(shape)} has ${shape.length >= 2 ? `${dimToString(channels)} channels` : 'one channel'}: ${ctx.origin(0)}`, 'num_parameters', fix);
    }
  }
  return { output: shape, params: countOf(count) };
}

/** The list of axes in Keras `shared_axes` (an int or a list), or null when unknown. */
function kerasAxisList(v: ArgValue): number[] | null {
  if (v === null) return [];
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((a) => typeof a === 'number')) return v as number[];
  return null;
}

/** Keras PReLU: one alpha per input element (batch excluded), shared along `shared_axes`. */
function kerasPreluRule(ctx: RuleContext): RuleResult {
  const shape = firstInput(ctx);
  const shared = kerasAxisList(ctx.value('shared_axes'));
  if (shape === null || shared === null) return { output: shape, params: null };
  const alphaShape = shape.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
  return { output: shape, params: countOf(product(alphaShape)) };
}

const torchElementwise: [string, Param[]][] = [
  ['ReLU', [inplace]],
  ['ReLU6', [inplace]],
  ['LeakyReLU', [{ name: 'negative_slope', default: 0.01 }, inplace]],
  ['RReLU', [{ name: 'lower', default: 0.125 }, { name: 'upper', default: 1 / 3 }, inplace]],
  ['ELU', [{ name: 'alpha', default: 1.0 }, inplace]],
  ['SELU', [inplace]],
  ['CELU', [{ name: 'alpha', default: 1.0 }, inplace]],
  ['GELU', [{ name: 'approximate', default: 'none' }]],
  ['SiLU', [inplace]],
  ['Mish', [inplace]],
  ['Sigmoid', []],
  ['Tanh', []],
  ['Hardswish', [inplace]],
  ['Hardsigmoid', [inplace]],
  ['Hardtanh', [{ name: 'min_val', default: -1.0 }, { name: 'max_val', default: 1.0 }, inplace, { name: 'min_value', default: null }, { name: 'max_value', default: null }]],
  ['Softplus', [{ name: 'beta', default: 1.0 }, { name: 'threshold', default: 20.0 }]],
  ['Softsign', []],
  ['Softshrink', [{ name: 'lambd', default: 0.5 }]],
  ['Hardshrink', [{ name: 'lambd', default: 0.5 }]],
  ['Tanhshrink', []],
  ['Threshold', [{ name: 'threshold' }, { name: 'value' }, inplace]],
  ['LogSigmoid', []],
  ['Dropout', dropoutParams],
  ['Dropout2d', dropoutParams],
  ['Dropout3d', dropoutParams],
  ['AlphaDropout', dropoutParams],
];

const torchLayers: LayerDef[] = [
  ...torchElementwise.map(([kind, params]) => torchLayer(kind, params)),
  torchLayer('Softmax', [{ name: 'dim', default: null }], softmaxAlong('dim')),
  torchLayer('LogSoftmax', [{ name: 'dim', default: null }], softmaxAlong('dim')),
  torchLayer('Softmin', [{ name: 'dim', default: null }], softmaxAlong('dim')),
  torchLayer('Softmax2d', [], sameShapeWithRank((r) => r === 3 || r === 4, 'a 3D (C, H, W) or 4D (N, C, H, W)')),
  torchLayer('GLU', [{ name: 'dim', default: -1 }], gluRule),
  torchLayer('PReLU', [{ name: 'num_parameters', default: 1 }, { name: 'init', default: 0.25 }, ...DEVICE_DTYPE], torchPreluRule),
  torchLayer('Dropout1d', dropoutParams, sameShapeWithRank((r) => r === 2 || r === 3, 'a 2D (C, L) or 3D (N, C, L)')),
  torchLayer('FeatureAlphaDropout', dropoutParams, sameShapeWithRank((r) => r >= 2, 'an input of at least 2 dimensions (N, C, ...) as')),
];

const seedParam: Param = { name: 'seed', default: null };
const nameDtype: Param[] = [{ name: 'name', default: null }, { name: 'dtype', default: null }];

const kerasLayers: LayerDef[] = [
  kerasLayer('Activation', [{ name: 'activation' }]),
  kerasLayer('ReLU', [{ name: 'max_value', default: null }, { name: 'negative_slope', default: 0.0 }, { name: 'threshold', default: 0.0 }]),
  // tf.keras 2 spelled the slope `alpha=0.3`; it arrives through **kwargs and does not change shapes.
  kerasLayer('LeakyReLU', [{ name: 'negative_slope', default: 0.3 }]),
  kerasLayer('PReLU', [{ name: 'alpha_initializer', default: 'Zeros' }, { name: 'alpha_regularizer', default: null }, { name: 'alpha_constraint', default: null }, { name: 'shared_axes', default: null }], kerasPreluRule),
  kerasLayer('ELU', [{ name: 'alpha', default: 1.0 }]),
  kerasLayer('Softmax', [{ name: 'axis', default: -1 }], softmaxAlong('axis')),
  kerasLayer('ThresholdedReLU', [{ name: 'theta', default: 1.0 }]),
  kerasLayer('Dropout', [{ name: 'rate' }, { name: 'noise_shape', default: null }, seedParam]),
  kerasLayer('SpatialDropout1D', [{ name: 'rate' }, seedParam, ...nameDtype], sameShapeWithRank((r) => r === 3, 'a 3D (batch, steps, channels)')),
  kerasLayer('SpatialDropout2D', [{ name: 'rate' }, { name: 'data_format', default: null }, seedParam, ...nameDtype], sameShapeWithRank((r) => r === 4, 'a 4D (batch, rows, cols, channels)')),
  kerasLayer('SpatialDropout3D', [{ name: 'rate' }, { name: 'data_format', default: null }, seedParam, ...nameDtype], sameShapeWithRank((r) => r === 5, 'a 5D (batch, dim1, dim2, dim3, channels)')),
  kerasLayer('GaussianNoise', [{ name: 'stddev' }, seedParam]),
  kerasLayer('GaussianDropout', [{ name: 'rate' }, seedParam]),
  kerasLayer('AlphaDropout', [{ name: 'rate' }, { name: 'noise_shape', default: null }, seedParam]),
  kerasLayer('ActivityRegularization', [{ name: 'l1', default: 0.0 }, { name: 'l2', default: 0.0 }]),
];

export const layers: LayerDef[] = [...torchLayers, ...kerasLayers];
