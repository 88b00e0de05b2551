// NumPy functions and `ndarray` methods that shape the data a Keras model is fed, and the Keras
// utilities that prepare it: `x_train.reshape(-1, 28, 28, 1)`, `x.astype("float32")`,
// `np.expand_dims(x, -1)`, `np.reshape`, `np.concatenate`, `np.stack`, `np.pad`, `np.squeeze`,
// `x.transpose(0, 2, 3, 1)`, `keras.utils.to_categorical(y, 10)`, `pad_sequences(x, maxlen=200)`.
//
// The interpreter marks arrays (data from `keras.datasets`, `np.zeros`, ...) and looks their
// methods up as `ndarray.<method>`, so that NumPy's `a.transpose(0, 2, 3, 1)` never meets
// torch.Tensor's two-axis transpose. The shared reshape, axis and concatenation rules are
// TensorFlow's (./tensorflow.ts): NumPy follows the same semantics.

import { asInt } from '../context';
import { isKnown, product } from '../dim';
import { OpDef, Param, RuleContext, RuleResult } from '../types';
import { listArgument, shapeOf } from './tensor';
import { padRule, stackRule } from './tensorflow-build';
import { concatRule, expandDimsRule, op, optional, reduceRule, required, reshapeRule, sameShape, squeezeRule, transposeRule } from './tensorflow';

const A = required('a');
const REST: Param = { name: 'kwargs', varkw: true };

/** `a.transpose()`, `a.transpose(0, 2, 3, 1)` or `a.transpose((0, 2, 3, 1))`. */
function arrayTransposeRule(ctx: RuleContext): RuleResult {
  const axes = listArgument(ctx.value('axes'));
  if (axes === null) return { output: null };
  return transposeRule(ctx, 'a', 'axes', axes.length === 0 || (axes.length === 1 && axes[0] === null) ? null : axes);
}

/** `np.array(x)`, `np.asarray(x)`, `np.float32(x)` of an array: the same shape. */
function copyRule(ctx: RuleContext): RuleResult {
  return { output: ctx.tensor('a') ?? null };
}

/**
 * `keras.utils.to_categorical(y, num_classes)`: a one-hot axis of `num_classes` after the labels'
 * shape, whose last axis is dropped first when it has size one (`(50000, 1)` gives `(50000, 10)`).
 */
function toCategoricalRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'x');
  const classes = ctx.int('num_classes');
  if (input === null || !isKnown(classes)) return { output: null };
  const labels = input.length > 1 && input[input.length - 1] === 1 ? input.slice(0, -1) : input;
  return { output: [...labels, classes] };
}

/** `pad_sequences(sequences, maxlen=None)`: one row of `maxlen` per sequence (unknown without maxlen). */
function padSequencesRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'sequences');
  const maxlen = ctx.value('maxlen');
  return { output: [input === null || input.length === 0 ? null : input[0], maxlen === null ? null : asInt(maxlen)] };
}

const REDUCTIONS = ['mean', 'sum', 'max', 'min', 'std', 'var', 'any', 'all'];

/** NumPy's reductions, read as TensorFlow's (same axis and keepdims semantics). */
function reduction(ctx: RuleContext): RuleResult {
  return reduceRule(ctx, 'a');
}

export const ops: OpDef[] = [
  // ndarray methods: the first parameter is the array.
  op('reshape', ['ndarray.reshape'], [A, { name: 'shape', varargs: true }, { name: 'order', default: 'C', kwOnly: true }], (ctx) => reshapeRule(ctx, 'a', 'shape', listArgument(ctx.value('shape')))),
  op('astype', ['ndarray.astype'], [A, required('dtype'), REST], (ctx) => sameShape(ctx, 'a')),
  ...['copy', 'clip', 'round'].map((name) => op(name, [`ndarray.${name}`], [A, { name: 'args', varargs: true }, REST], (ctx) => sameShape(ctx, 'a'))),
  op('transpose', ['ndarray.transpose'], [A, { name: 'axes', varargs: true }], arrayTransposeRule),
  op('squeeze', ['ndarray.squeeze'], [A, optional('axis', null)], (ctx) => squeezeRule(ctx, 'a')),
  ...['flatten', 'ravel'].map((name) =>
    op(name, [`ndarray.${name}`], [A, optional('order', 'C')], (ctx) => {
      const s = shapeOf(ctx, 'a');
      return { output: s === null ? null : [product(s)] };
    }),
  ),
  ...REDUCTIONS.map((name) => op(name, [`ndarray.${name}`], [A, optional('axis', null), optional('dtype', null), optional('out', null), optional('keepdims', false), REST], reduction)),
  // numpy functions.
  op('reshape', ['numpy.reshape'], [A, optional('newshape', null), optional('order', 'C'), optional('shape', null)], (ctx) => reshapeRule(ctx, 'a', ctx.value('newshape') === null ? 'shape' : 'newshape')),
  op('expand_dims', ['numpy.expand_dims'], [A, required('axis')], (ctx) => expandDimsRule(ctx, 'a')),
  op('squeeze', ['numpy.squeeze'], [A, optional('axis', null)], (ctx) => squeezeRule(ctx, 'a')),
  op('transpose', ['numpy.transpose'], [A, optional('axes', null)], (ctx) => transposeRule(ctx, 'a', 'axes')),
  op('concatenate', ['numpy.concatenate'], [required('arrays'), optional('axis', 0), REST], (ctx) => concatRule(ctx, 'arrays', 'axis')),
  op('stack', ['numpy.stack'], [required('arrays'), optional('axis', 0), REST], (ctx) => stackRule(ctx, 'arrays', 'axis')),
  op('pad', ['numpy.pad'], [required('array'), required('pad_width'), optional('mode', 'constant'), REST], (ctx) => padRule(ctx)),
  ...['asarray', 'ascontiguousarray', 'float32', 'float64', 'uint8', 'int32', 'int64', 'copy', 'clip', 'abs', 'sqrt', 'exp', 'log', 'round'].map((name) =>
    op(name, [`numpy.${name}`], [A, { name: 'args', varargs: true }, REST], copyRule),
  ),
  ...REDUCTIONS.map((name) => op(name, [`numpy.${name}`], [A, optional('axis', null), optional('dtype', null), optional('out', null), optional('keepdims', false), REST], reduction)),
  op('to_categorical', ['keras.utils.to_categorical', 'keras.utils.np_utils.to_categorical'], [required('x'), optional('num_classes', null), optional('dtype', 'float32')], toCategoricalRule),
  op(
    'pad_sequences',
    ['keras.preprocessing.sequence.pad_sequences', 'keras.utils.pad_sequences', 'keras.utils.data_utils.pad_sequences'],
    [required('sequences'), optional('maxlen', null), optional('dtype', 'int32'), optional('padding', 'pre'), optional('truncating', 'pre'), optional('value', 0.0)],
    padSequencesRule,
  ),
];
