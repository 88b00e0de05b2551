// Keras functions applied to tensors outside layers: the activations (`keras.activations.swish(x)`,
// `tf.keras.activations.relu(x)`) and the Keras 2 backend (`from keras import backend as K`:
// `K.mean`, `K.concatenate`, `K.reshape`, `K.expand_dims`, `K.permute_dimensions`,
// `K.batch_flatten`, `K.random_normal`...), as Lambda layers and custom layers use them.
//
// `K.int_shape(x)` and `K.shape(x)` are answered by the interpreter (they give sizes, not a
// tensor). The rules are TensorFlow's (./tensorflow.ts, ./tensorflow-build.ts): the backend
// forwards to those ops, with its own argument names and defaults (`K.expand_dims(x, axis=-1)`).

import { asInt } from '../context';
import { Dim, mul, product } from '../dim';
import { OpDef, Param, RuleContext, RuleResult } from '../types';
import { shapeOf } from './tensor';
import { stackRule } from './tensorflow-build';
import { alongAxisRule, broadcastRule, concatRule, entries, expandDimsRule, op, optional, reduceRule, required, reshapeRule, sameShape, squeezeRule, tfAxis, transposeRule } from './tensorflow';

const B = 'keras.backend.';
const X = required('x');
const REST: Param[] = [{ name: 'args', varargs: true }, { name: 'kwargs', varkw: true }];

const ACTIVATIONS = ['relu', 'relu6', 'swish', 'silu', 'gelu', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'hard_sigmoid', 'hard_swish', 'hard_silu', 'exponential', 'linear', 'leaky_relu', 'mish', 'celu'];

/** A random tensor of the given shape (`K.random_normal(shape=(batch, dim))`): a size read from a tensor is unknown. */
function randomRule(ctx: RuleContext): RuleResult {
  const sizes = entries(ctx.value('shape'));
  return { output: sizes === null ? null : sizes.map((s) => asInt(s)) };
}

/** `K.batch_flatten(x)`: (batch, everything else). */
function batchFlattenRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'x');
  return { output: input === null || input.length === 0 ? null : [input[0], product(input.slice(1))] };
}

/** `K.repeat_elements(x, rep, axis)`: the axis times `rep`. */
function repeatElementsRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'x');
  if (input === null) return { output: null };
  const axis = tfAxis(ctx, 'axis', ctx.value('axis'), input.length, 'repeat_elements', 'x');
  if (axis === null) return { output: null };
  return { output: input.map((d: Dim, i) => (i === axis ? mul(d, ctx.int('rep')) : d)) };
}

/** `K.tile(x, n)`: one multiple per axis. */
function tileRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'x');
  const n = entries(ctx.value('n'));
  if (input === null || n === null || n.length !== input.length) return { output: null };
  return { output: input.map((d, i) => mul(d, asInt(n[i]))) };
}

/**
 * `K.resize_images(x, height_factor, width_factor, data_format, interpolation='nearest')`: a 4-D
 * batch of images, its spatial axes multiplied by the factors (where `data_format` puts them).
 */
function resizeImagesRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'x');
  const format = ctx.value('data_format');
  if (input === null || input.length !== 4 || (format !== 'channels_last' && format !== 'channels_first')) return { output: null };
  const [h, w] = format === 'channels_last' ? [1, 2] : [2, 3];
  const out = [...input];
  out[h] = mul(input[h], ctx.int('height_factor'));
  out[w] = mul(input[w], ctx.int('width_factor'));
  return { output: out };
}

export const ops: OpDef[] = [
  ...ACTIVATIONS.map((name) => op(name, [`keras.activations.${name}`], [X, ...REST], (ctx) => sameShape(ctx, 'x'))),
  ...['softmax', 'log_softmax'].map((name) => op(name, [`keras.activations.${name}`, `${B}${name}`], [X, optional('axis', -1)], (ctx) => alongAxisRule(ctx, 'x'))),
  ...['mean', 'sum', 'max', 'min', 'prod', 'std', 'var', 'any', 'all'].map((name) => op(name, [`${B}${name}`], [X, optional('axis', null), optional('keepdims', false)], (ctx) => reduceRule(ctx, 'x'))),
  ...['square', 'exp', 'sqrt', 'abs', 'log', 'sigmoid', 'tanh', 'relu', 'softplus', 'softsign', 'elu', 'hard_sigmoid', 'sign', 'round', 'cast', 'clip', 'l2_normalize', 'dropout', 'stop_gradient', 'ones_like', 'zeros_like', 'pow', 'cos', 'sin', 'identity'].map((name) =>
    op(name, [`${B}${name}`], [X, ...REST], (ctx) => sameShape(ctx, 'x')),
  ),
  op('maximum', [`${B}maximum`], [X, required('y')], (ctx) => broadcastRule(ctx, 'x', 'y')),
  op('minimum', [`${B}minimum`], [X, required('y')], (ctx) => broadcastRule(ctx, 'x', 'y')),
  op('concatenate', [`${B}concatenate`], [required('tensors'), optional('axis', -1)], (ctx) => concatRule(ctx, 'tensors', 'axis')),
  op('reshape', [`${B}reshape`], [X, required('shape')], (ctx) => reshapeRule(ctx, 'x', 'shape')),
  op('flatten', [`${B}flatten`], [X], (ctx) => {
    const input = shapeOf(ctx, 'x');
    return { output: input === null ? null : [product(input)] };
  }),
  op('batch_flatten', [`${B}batch_flatten`], [X], batchFlattenRule),
  op('expand_dims', [`${B}expand_dims`], [X, optional('axis', -1)], (ctx) => expandDimsRule(ctx, 'x')),
  op('squeeze', [`${B}squeeze`], [X, required('axis')], (ctx) => squeezeRule(ctx, 'x')),
  op('permute_dimensions', [`${B}permute_dimensions`], [X, required('pattern')], (ctx) => transposeRule(ctx, 'x', 'pattern')),
  op('stack', [`${B}stack`], [X, optional('axis', 0)], (ctx) => stackRule(ctx, 'x', 'axis')),
  op('tile', [`${B}tile`], [X, required('n')], tileRule),
  op('repeat_elements', [`${B}repeat_elements`], [X, required('rep'), required('axis')], repeatElementsRule),
  op('resize_images', [`${B}resize_images`], [X, required('height_factor'), required('width_factor'), required('data_format'), optional('interpolation', 'nearest')], resizeImagesRule),
  ...['random_normal', 'random_uniform', 'truncated_normal'].map((name) =>
    op(name, [`${B}${name}`], [required('shape'), optional('mean', 0.0), optional('stddev', 1.0), optional('dtype', null), optional('seed', null), { name: 'kwargs', varkw: true }], randomRule),
  ),
];
