// TensorFlow and `keras.ops` functions that build, repeat, split, pick from or rearrange tensors
// inside Keras models: `tf.range`/`ops.arange`, `tf.stack`, `tf.tile`, `tf.repeat`, `tf.split`,
// `tf.pad`/`ops.pad`, `tf.gather`/`ops.take`, `tf.one_hot`, `tf.where`, `tf.nn.depth_to_space`/`space_to_depth`,
// `tf.image.extract_patches`/`ops.image.extract_patches`, `tf.linalg.matrix_transpose`.
//
// Reshapes, reductions, concatenation and elementwise arithmetic live in ./tensorflow.ts, whose
// helpers these rules share; as there, an unknown size flows through and only a definite
// contradiction is reported.

import { asInt } from '../context';
import { add, ceildiv, Dim, divExact, equalDims, isKnown, mul, product, sub } from '../dim';
import { broadcast } from '../shape';
import { ArgValue, OpDef, RuleContext, RuleResult, Shape, TensorArg, TupleOut, UnknownArg } from '../types';
import { operandShape, shapeOf } from './tensor';
import { entries, op, optional, required, tfAxis } from './tensorflow';

const NAME = optional('name', null);
const K = 'keras.ops.';

/** The shape of a tensor or of nested lists of numbers (`tf.gather(x, [0, 2])`); null when unknown. */
function valueShape(v: ArgValue): Shape {
  if (v instanceof TensorArg) return v.shape;
  if (Array.isArray(v)) {
    if (v.length === 0) return [0];
    const inner = valueShape(v[0]);
    return inner === null ? null : [v.length, ...inner];
  }
  return operandShape(v);
}

/** `tf.range(limit)`, `tf.range(start, limit, delta)`, `ops.arange(start, stop, step)`: one axis. */
function rangeRule(ctx: RuleContext, startName: string, limitName: string, deltaName: string): RuleResult {
  const first = asInt(ctx.value(startName));
  const limitValue = ctx.value(limitName);
  const [start, limit] = limitValue === null ? [0, first] : [first, asInt(limitValue)];
  const delta = asInt(ctx.value(deltaName));
  if (delta === 1) return { output: [limit === null || start === null ? null : sub(limit, start)] };
  if (isKnown(start) && isKnown(limit) && isKnown(delta) && delta !== 0) return { output: [Math.max(0, Math.ceil((limit - start) / delta))] };
  return { output: [null] };
}

/**
 * `np.pad(a, pad_width)`: an int, one (before, after) pair, or one pair per axis; `tf.pad(x,
 * paddings)` and `keras.ops.pad(x, pad_width)` read the same way (TensorFlow's takes one pair per
 * axis, also as a constant tensor of the pairs written in the code).
 */
export function padRule(ctx: RuleContext, arrayName = 'array', widthName = 'pad_width'): RuleResult {
  const input = shapeOf(ctx, arrayName);
  if (input === null) return { output: null };
  const given = ctx.value(widthName);
  const width = given instanceof TensorArg ? given.values ?? null : given;
  const pair = (v: ArgValue): [Dim, Dim] | null => {
    const items = entries(v);
    if (items === null) return null;
    if (items.length === 1) return [asInt(items[0]), asInt(items[0])];
    if (items.length === 2 && !Array.isArray(items[0])) return [asInt(items[0]), asInt(items[1])];
    return null;
  };
  let pairs: ([Dim, Dim] | null)[];
  const items = entries(width);
  if (items === null) return { output: null };
  if (items.every((i) => Array.isArray(i))) {
    if (items.length === 1) pairs = input.map(() => pair(items[0]));
    else if (items.length === input.length) pairs = items.map(pair);
    else return { output: null };
  } else {
    const p = pair(width);
    pairs = input.map(() => p);
  }
  return { output: input.map((d, i) => (pairs[i] === null ? null : add(add(d, pairs[i]![0]), pairs[i]![1]))) };
}

/** `tf.stack(values, axis)`: tensors of one shape joined along a new axis. */
export function stackRule(ctx: RuleContext, listName: string, axisName: string): RuleResult {
  const value = ctx.value(listName);
  if (!Array.isArray(value) || value.length === 0) return { output: null };
  const shapes = value.map(valueShape);
  const known = shapes.find((s) => s !== null);
  if (!known) return { output: null };
  const joined: Dim[] = [...known];
  for (const s of shapes) {
    if (s === null) continue;
    if (s.length !== known.length || s.some((d, i) => equalDims(d, known[i]) === false)) return { output: null };
    s.forEach((d, i) => {
      if (!isKnown(joined[i]) && isKnown(d)) joined[i] = d;
    });
  }
  const axis = tfAxis(ctx, axisName, ctx.value(axisName), known.length + 1, 'stack', listName);
  if (axis === null) return { output: null };
  return { output: [...joined.slice(0, axis), value.length, ...joined.slice(axis)] };
}

/** `tf.tile(x, multiples)`: each axis times its multiple (one per axis). */
function tileRule(ctx: RuleContext, tensorName: string, multiplesName: string): RuleResult {
  const input = shapeOf(ctx, tensorName);
  const multiples = entries(ctx.value(multiplesName));
  if (input === null || multiples === null) return { output: null };
  if (multiples.length !== input.length) {
    if (ctx.value(multiplesName) instanceof TensorArg) return { output: null };
    ctx.error('rank-mismatch', `Expected multiples argument to be a vector of length ${input.length} but got length ${multiples.length}: the input is ${ctx.origin(tensorName)}`, multiplesName);
    return { output: null };
  }
  return { output: input.map((d, i) => mul(d, asInt(multiples[i]))) };
}

/** `tf.eye(num_rows, num_columns=None, batch_shape=None)`: the batch axes, then rows × columns. */
function eyeRule(ctx: RuleContext): RuleResult {
  const rows = asInt(ctx.value('num_rows'));
  const columns = ctx.value('num_columns') === null ? rows : asInt(ctx.value('num_columns'));
  const batch = ctx.value('batch_shape');
  if (batch === null) return { output: [rows, columns] };
  const axes = entries(batch);
  return { output: axes === null ? null : [...axes.map((a) => asInt(a)), rows, columns] };
}

/** `tf.slice(x, begin, size)` (a size of -1 takes the rest of the axis) and `ops.slice(x, start, shape)`. */
function sliceRule(ctx: RuleContext, tensorName: string, beginName: string, sizeName: string, restMarker: boolean): RuleResult {
  const input = shapeOf(ctx, tensorName);
  const begin = entries(ctx.value(beginName));
  const size = entries(ctx.value(sizeName));
  if (size === null || (input !== null && input.length !== size.length)) return { output: null };
  return {
    output: size.map((s, i) => {
      const d = asInt(s);
      if (restMarker && d === -1) return input === null || begin === null || begin.length !== size.length ? null : sub(input[i], asInt(begin[i]));
      return d;
    }),
  };
}

/** `ops.fft2((real, imag))`: the real and imaginary parts back, each of the input's shape. */
function complexPairRule(ctx: RuleContext): RuleResult {
  const pair = ctx.value('x');
  if (!Array.isArray(pair) || pair.length !== 2) return { output: null };
  const [real, imag] = pair.map(valueShape);
  const shape = real ?? imag;
  return { output: new TupleOut([shape, shape]) };
}

/** `tf.broadcast_to(x, shape)`, `ops.broadcast_to(x, shape)`: the shape asked for. */
function broadcastToRule(ctx: RuleContext, shapeName: string): RuleResult {
  const shape = entries(ctx.value(shapeName));
  return { output: shape === null ? null : shape.map((s) => asInt(s)) };
}

/** `tf.repeat(x, repeats, axis=None)`: along an axis, or over the flattened tensor. */
function repeatRule(ctx: RuleContext, tensorName: string, repeatsName: string): RuleResult {
  const input = shapeOf(ctx, tensorName);
  const repeats = ctx.value(repeatsName);
  const count = Array.isArray(repeats) ? null : asInt(repeats);
  if (input === null) return { output: null };
  const axisValue = ctx.value('axis');
  if (axisValue === null) return { output: [count === null ? null : mul(product(input), count)] };
  const axis = tfAxis(ctx, 'axis', axisValue, input.length, 'repeat', tensorName);
  if (axis === null) return { output: null };
  return { output: input.map((d, i) => (i === axis ? (count === null ? null : mul(d, count)) : d)) };
}

/**
 * `tf.split(x, num_or_size_splits, axis)`: a number of equal pieces, or pieces of the listed sizes
 * (one may be -1). `keras.ops.split` follows NumPy: a number of pieces, or the indices to cut at.
 */
function splitRule(ctx: RuleContext, tensorName: string, splitsName: string, indices: boolean): RuleResult {
  const input = shapeOf(ctx, tensorName);
  if (input === null) return { output: null };
  const axis = tfAxis(ctx, 'axis', ctx.value('axis'), input.length, 'split', tensorName);
  if (axis === null) return { output: null };
  const length = input[axis];
  const withSize = (size: Dim): Dim[] => input.map((d, i) => (i === axis ? size : d));
  const splits = ctx.value(splitsName);
  if (Array.isArray(splits)) {
    const values = splits.map(asInt);
    if (indices) {
      const cuts = [0, ...values, length];
      return { output: new TupleOut(cuts.slice(1).map((c, i) => withSize(c === null || cuts[i] === null ? null : sub(c, cuts[i]!)))) };
    }
    const rest = values.includes(-1) ? sub(length, values.filter((v) => v !== -1).reduce<Dim>((s, v) => add(s, v), 0)) : null;
    return { output: new TupleOut(values.map((v) => withSize(v === -1 ? rest : v))) };
  }
  const count = asInt(splits);
  if (!isKnown(count) || count <= 0) return { output: null };
  const size = divExact(length, count);
  if (isKnown(length) && length % count !== 0) {
    ctx.error('reshape-size', `Number of ways to split should evenly divide the split dimension, but got split_dim ${axis} (size = ${length}) and num_split ${count}: the input is ${ctx.origin(tensorName)}`, splitsName);
    return { output: null };
  }
  return { output: new TupleOut(Array.from({ length: count }, () => withSize(size))) };
}

/** `tf.gather(params, indices, axis=0)`: the indices' shape takes the place of the gathered axis. */
function gatherRule(ctx: RuleContext, paramsName: string, indicesName: string, flattenWithoutAxis: boolean): RuleResult {
  const params = shapeOf(ctx, paramsName);
  const indices = valueShape(ctx.value(indicesName));
  if (params === null || indices === null) return { output: null };
  const axisValue = ctx.value('axis');
  if (axisValue === null && flattenWithoutAxis) return { output: indices };
  if (ctx.value('batch_dims') !== 0 && ctx.value('batch_dims') !== undefined && !(ctx.value('batch_dims') instanceof UnknownArg)) return { output: null };
  const axis = tfAxis(ctx, 'axis', axisValue === null ? 0 : axisValue, params.length, 'gather', paramsName);
  if (axis === null) return { output: null };
  return { output: [...params.slice(0, axis), ...indices, ...params.slice(axis + 1)] };
}

/** `tf.one_hot(indices, depth)`: a new last axis of `depth`. */
function oneHotRule(ctx: RuleContext, indicesName: string, depthName: string): RuleResult {
  const indices = valueShape(ctx.value(indicesName));
  if (indices === null) return { output: null };
  const depth = ctx.int(depthName);
  const axisValue = asInt(ctx.value('axis'));
  if (axisValue === -1 || axisValue === indices.length) return { output: [...indices, depth] };
  if (!isKnown(axisValue) || axisValue < 0 || axisValue > indices.length) return { output: null };
  return { output: [...indices.slice(0, axisValue), depth, ...indices.slice(axisValue)] };
}

/** `tf.where(condition, x, y)`: the three broadcast; `tf.where(condition)` lists the true positions. */
function whereRule(ctx: RuleContext, conditionName: string, xName: string, yName: string): RuleResult {
  const condition = valueShape(ctx.value(conditionName));
  const x = ctx.value(xName);
  const y = ctx.value(yName);
  if (x === null && y === null) return { output: condition === null ? null : [null, condition.length] };
  const xy = broadcast(operandShape(x), operandShape(y));
  if (xy.conflict) return { output: null };
  const all = broadcast(condition, xy.shape);
  return { output: all.conflict ? null : all.shape };
}

/** `tf.nn.depth_to_space(x, block_size)` and its inverse on NHWC tensors. */
function depthSpaceRule(ctx: RuleContext, toSpace: boolean): RuleResult {
  const input = shapeOf(ctx, 'input');
  const block = ctx.int('block_size');
  if (input === null || input.length !== 4 || !isKnown(block)) return { output: null };
  if (ctx.value('data_format') !== 'NHWC' && ctx.value('data_format') !== null) return { output: null };
  const [n, h, w, c] = input;
  if (toSpace) {
    if (isKnown(c) && c % (block * block) !== 0) {
      ctx.error('reshape-size', `Dimension size must be evenly divisible by ${block * block} but is ${c}: the input is ${ctx.origin('input')}`, 'block_size');
      return { output: null };
    }
    return { output: [n, mul(h, block), mul(w, block), divExact(c, block * block)] };
  }
  return { output: [n, divExact(h, block), divExact(w, block), mul(c, block * block)] };
}

/** Patches along one axis of an image: `valid` keeps whole windows, `same` one per stride. */
function patchGrid(input: Dim, size: Dim, stride: Dim, rate: Dim, padding: string): Dim {
  if (padding === 'same') return ceildiv(input, stride);
  const effective = add(size, mul(sub(size, 1), sub(rate, 1)));
  return ceildiv(add(sub(input, effective), 1), stride);
}

/**
 * `tf.image.extract_patches(images, sizes=[1, r, c, 1], strides, rates, padding)` and
 * `keras.ops.image.extract_patches(images, size, strides=None, dilation_rate=1, padding)`:
 * (batch, rows of patches, columns of patches, r * c * channels).
 */
function extractPatchesRule(ctx: RuleContext, keras: boolean): RuleResult {
  const input = shapeOf(ctx, 'images');
  if (input === null) return { output: null };
  if (input.length !== 4) {
    ctx.error('rank-mismatch', `extract_patches expects a 4-D tensor of images, but got ${input.length} dimensions: ${ctx.origin('images')}`, 'images');
    return { output: null };
  }
  const pair = (name: string, fallback?: Dim[] | null): Dim[] | null => {
    const v = ctx.value(name);
    if (v === null && fallback !== undefined) return fallback;
    const items = entries(v);
    if (items === null) return null;
    if (keras) {
      if (items.length === 1) return [asInt(items[0]), asInt(items[0])];
      return items.length === 2 ? items.map(asInt) : null;
    }
    return items.length === 4 ? [asInt(items[1]), asInt(items[2])] : null;
  };
  const size = pair(keras ? 'size' : 'sizes');
  const strides = pair('strides', keras ? size : undefined);
  const rates = pair(keras ? 'dilation_rate' : 'rates', [1, 1]);
  const padding = (ctx.str('padding') ?? '').toLowerCase();
  if (keras && ctx.value('data_format') === 'channels_first') return { output: null };
  if (size === null || strides === null || rates === null || (padding !== 'valid' && padding !== 'same')) return { output: null };
  const [, h, w, c] = input;
  return { output: [input[0], patchGrid(h, size[0], strides[0], rates[0], padding), patchGrid(w, size[1], strides[1], rates[1], padding), mul(mul(size[0], size[1]), c)] };
}

/** `tf.linalg.matrix_transpose(a)`: the last two axes swapped. */
function matrixTransposeRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'a');
  if (input === null) return { output: null };
  if (input.length < 2) {
    ctx.error('rank-mismatch', `matrix_transpose needs a tensor of rank 2 or more, but ${ctx.origin('a')} has rank ${input.length}`, 'a');
    return { output: null };
  }
  return { output: [...input.slice(0, -2), input[input.length - 1], input[input.length - 2]] };
}

export const ops: OpDef[] = [
  op('eye', ['tensorflow.eye', 'tensorflow.linalg.eye'], [required('num_rows'), optional('num_columns', null), optional('batch_shape', null), optional('dtype', null), NAME], eyeRule),
  op('slice', ['tensorflow.slice'], [required('input_'), required('begin'), required('size'), NAME], (ctx) => sliceRule(ctx, 'input_', 'begin', 'size', true)),
  op('slice', [`${K}slice`], [required('inputs'), required('start_indices'), required('shape')], (ctx) => sliceRule(ctx, 'inputs', 'start_indices', 'shape', false)),
  ...['fft', 'fft2', 'ifft2'].map((name) => op(name, [`${K}${name}`], [required('x')], complexPairRule)),
  op('broadcast_to', ['tensorflow.broadcast_to'], [required('input'), required('shape'), NAME], (ctx) => broadcastToRule(ctx, 'shape')),
  op('broadcast_to', [`${K}broadcast_to`], [required('x'), required('shape')], (ctx) => broadcastToRule(ctx, 'shape')),
  op('range', ['tensorflow.range'], [required('start'), optional('limit', null), optional('delta', 1), optional('dtype', null), NAME], (ctx) => rangeRule(ctx, 'start', 'limit', 'delta')),
  op('arange', [`${K}arange`], [required('start'), optional('stop', null), optional('step', 1), optional('dtype', null)], (ctx) => rangeRule(ctx, 'start', 'stop', 'step')),
  op('pad', ['tensorflow.pad'], [required('tensor'), required('paddings'), optional('mode', 'CONSTANT'), optional('constant_values', 0), NAME], (ctx) => padRule(ctx, 'tensor', 'paddings')),
  op('pad', [`${K}pad`], [required('x'), required('pad_width'), optional('mode', 'constant'), optional('constant_values', null)], (ctx) => padRule(ctx, 'x', 'pad_width')),
  op('stack', ['tensorflow.stack'], [required('values'), optional('axis', 0), NAME], (ctx) => stackRule(ctx, 'values', 'axis')),
  op('stack', [`${K}stack`], [required('x'), optional('axis', 0)], (ctx) => stackRule(ctx, 'x', 'axis')),
  op('tile', ['tensorflow.tile'], [required('input'), required('multiples'), NAME], (ctx) => tileRule(ctx, 'input', 'multiples')),
  op('tile', [`${K}tile`], [required('x'), required('repeats')], (ctx) => tileRule(ctx, 'x', 'repeats')),
  op('repeat', ['tensorflow.repeat'], [required('input'), required('repeats'), optional('axis', null), NAME], (ctx) => repeatRule(ctx, 'input', 'repeats')),
  op('repeat', [`${K}repeat`], [required('x'), required('repeats'), optional('axis', null)], (ctx) => repeatRule(ctx, 'x', 'repeats')),
  op('split', ['tensorflow.split'], [required('value'), required('num_or_size_splits'), optional('axis', 0), optional('num', null), optional('name', 'split')], (ctx) => splitRule(ctx, 'value', 'num_or_size_splits', false)),
  op('split', [`${K}split`], [required('x'), required('indices_or_sections'), optional('axis', 0)], (ctx) => splitRule(ctx, 'x', 'indices_or_sections', true)),
  op('gather', ['tensorflow.gather'], [required('params'), required('indices'), optional('validate_indices', null), optional('axis', null), optional('batch_dims', 0), NAME], (ctx) => gatherRule(ctx, 'params', 'indices', false)),
  op('take', [`${K}take`], [required('x'), required('indices'), optional('axis', null)], (ctx) => gatherRule(ctx, 'x', 'indices', true)),
  op('one_hot', ['tensorflow.one_hot'], [required('indices'), required('depth'), optional('on_value', null), optional('off_value', null), optional('axis', -1), optional('dtype', null), NAME], (ctx) => oneHotRule(ctx, 'indices', 'depth')),
  op('one_hot', [`${K}one_hot`], [required('x'), required('num_classes'), optional('axis', -1), optional('dtype', null), optional('sparse', false)], (ctx) => oneHotRule(ctx, 'x', 'num_classes')),
  op('where', ['tensorflow.where'], [required('condition'), optional('x', null), optional('y', null), NAME], (ctx) => whereRule(ctx, 'condition', 'x', 'y')),
  op('where', [`${K}where`], [required('condition'), optional('x1', null), optional('x2', null)], (ctx) => whereRule(ctx, 'condition', 'x1', 'x2')),
  op('depth_to_space', ['tensorflow.nn.depth_to_space'], [required('input'), required('block_size'), optional('data_format', 'NHWC'), NAME], (ctx) => depthSpaceRule(ctx, true)),
  op('space_to_depth', ['tensorflow.nn.space_to_depth'], [required('input'), required('block_size'), optional('data_format', 'NHWC'), NAME], (ctx) => depthSpaceRule(ctx, false)),
  op('extract_patches', ['tensorflow.image.extract_patches'], [required('images'), required('sizes'), required('strides'), required('rates'), required('padding'), NAME], (ctx) => extractPatchesRule(ctx, false)),
  op('extract_patches', [`${K}image.extract_patches`], [required('images'), required('size'), optional('strides', null), optional('dilation_rate', 1), optional('padding', 'valid'), optional('data_format', null)], (ctx) => extractPatchesRule(ctx, true)),
  op('matrix_transpose', ['tensorflow.linalg.matrix_transpose', 'tensorflow.linalg.adjoint'], [required('a'), NAME], matrixTransposeRule),
];
