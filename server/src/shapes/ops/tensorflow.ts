// TensorFlow and Keras 3 ops used inside Keras models: `tf.reshape`, `tf.concat`, `tf.transpose`,
// `tf.expand_dims`, `tf.squeeze`, the `tf.reduce_*` reductions, `tf.matmul`, elementwise arithmetic,
// the `tf.nn` activations, `tf.shape`, `tf.image.resize`, their `tf.math.*` spellings, and the
// `keras.ops.*` equivalents (numpy-style names: `concatenate`, `mean`, `axes=`).
//
// Keras shapes carry the batch, usually unknown (null), so the rules treat an unknown size as
// "any size" and report only definite contradictions, in TensorFlow's words. PyTorch's ops live in
// ./tensor.ts and ./functional.ts; the interpreter resolves `import tensorflow as tf` to the module
// `tensorflow` and `tf.keras.ops` to `keras.ops` (server/src/model/library.ts).

import { asInt } from '../context';
import { add, Dim, dimToString, divExact, equalDims, isKnown, product } from '../dim';
import { broadcast } from '../shape';
import { ArgValue, OpDef, Param, RuleContext, RuleResult, TensorArg, UnknownArg } from '../types';
import { operandShape, shapeOf } from './tensor';

/** How TensorFlow prints a shape in messages: `[2,3,4]`, with `?` for an unknown size. */
export function tfShape(dims: readonly Dim[]): string {
  return `[${dims.map((d) => dimToString(d)).join(',')}]`;
}

export function required(name: string): Param {
  return { name };
}

export function optional(name: string, defaultValue: ArgValue): Param {
  return { name, default: defaultValue };
}

const NAME = optional('name', null);

/** An op with several spellings: `tensorflow.reduce_mean`, `tensorflow.math.reduce_mean`. */
export function op(kind: string, names: string[], params: Param[], infer: (ctx: RuleContext) => RuleResult): OpDef {
  return { kind, names, params, infer };
}

/** A list of axes or sizes from an int, a tuple or a list; null when unknown. */
export function entries(value: ArgValue): ArgValue[] | null {
  if (Array.isArray(value)) return value;
  if (value === null || value instanceof UnknownArg || value instanceof TensorArg) return null;
  return [value];
}

/**
 * Normalises an axis (possibly negative) against `rank`; reports rank-mismatch when it is definitely
 * out of range. `rank` is the input's rank, plus one for expand_dims.
 */
export function tfAxis(ctx: RuleContext, argName: string, value: ArgValue, rank: number, what: string, tensorName: string): number | null {
  const axis = asInt(value);
  if (!isKnown(axis)) return null;
  const normalised = axis < 0 ? axis + rank : axis;
  if (normalised < 0 || normalised >= rank) {
    ctx.error('rank-mismatch', `${what}: expected axis in the range [${-rank}, ${rank}), but got ${axis}: the input is ${ctx.origin(tensorName)}`, argName);
    return null;
  }
  return normalised;
}

// ---------------------------------------------------------------------------------------------
// reshape, transpose, expand_dims, squeeze.

/**
 * tf.reshape: one -1 is inferred; a total that definitely differs is reported in TensorFlow's words.
 * `requested` overrides the argument's value (NumPy's `a.reshape(2, 3)` gives its sizes as varargs).
 */
export function reshapeRule(ctx: RuleContext, tensorName: string, shapeName: string, requestedSizes?: ArgValue[] | null): RuleResult {
  const requested = requestedSizes !== undefined ? requestedSizes : entries(ctx.value(shapeName));
  if (requested === null) return { output: null };
  const input = shapeOf(ctx, tensorName);
  const target = requested.map(asInt);
  const inferred = target.filter((d) => d === -1).length;
  if (inferred > 1) {
    ctx.error('reshape-size', `only one input size may be -1, not both ${target.indexOf(-1)} and ${target.lastIndexOf(-1)} in the requested shape ${tfShape(target)}`, shapeName);
    return { output: target.map((d) => (d === -1 ? null : d)) };
  }
  const fixed = target.filter((d) => d !== -1);
  const fixedProduct = product(fixed);
  const total = input === null ? null : product(input);
  if (inferred === 1) {
    if (isKnown(total) && isKnown(fixedProduct) && fixedProduct > 0 && total % fixedProduct !== 0) {
      ctx.error('reshape-size', `Input to reshape is a tensor with ${total} values, but the requested shape requires a multiple of ${fixedProduct}: the input is ${ctx.origin(tensorName)}`, shapeName);
    }
    // `tf.reshape(x, (tf.shape(x)[0], -1))`: a first size computed from a tensor stands for the batch,
    // as TensorFlow's own shape inference finds, so the -1 is the rest of the sample.
    const batchFromTensor = requested[0] instanceof TensorArg && input !== null && input.length > 0 && input[0] === null;
    const size = batchFromTensor ? divExact(product((input as Dim[]).slice(1)), product(fixed.slice(1))) : divExact(total, fixedProduct);
    return { output: target.map((d) => (d === -1 ? size : d)) };
  }
  if (equalDims(total, fixedProduct) === false) {
    ctx.error('reshape-size', `Input to reshape is a tensor with ${dimToString(total)} values, but the requested shape has ${dimToString(fixedProduct)}: the input is ${ctx.origin(tensorName)}`, shapeName);
  }
  return { output: target };
}

/** tf.transpose(a, perm=None): perm None reverses the axes. */
export function transposeRule(ctx: RuleContext, tensorName: string, permName: string, permOverride?: ArgValue): RuleResult {
  const input = shapeOf(ctx, tensorName);
  if (input === null) return { output: null };
  const permValue = permOverride !== undefined ? permOverride : ctx.value(permName);
  if (permValue === null) return { output: [...input].reverse() };
  const perm = entries(permValue);
  if (perm === null) return { output: null };
  if (perm.length !== input.length) {
    ctx.error('rank-mismatch', `transpose expects a vector of size ${input.length}. But input(1) is a vector of size ${perm.length}: the input ${tfShape(input)} is ${ctx.origin(tensorName)}`, permName);
    return { output: null };
  }
  const order = perm.map((p) => tfAxis(ctx, permName, p, input.length, 'transpose', tensorName));
  if (order.some((a) => a === null)) return { output: null };
  if (new Set(order).size !== order.length) {
    ctx.error('rank-mismatch', `transpose: ${order.find((a, i) => order.indexOf(a) !== i)} is duplicated in perm ${tfShape(perm.map(asInt))}`, permName);
    return { output: null };
  }
  return { output: order.map((a) => input[a as number]) };
}

export function expandDimsRule(ctx: RuleContext, tensorName: string): RuleResult {
  const input = shapeOf(ctx, tensorName);
  if (input === null) return { output: null };
  const axis = tfAxis(ctx, 'axis', ctx.value('axis'), input.length + 1, 'expand_dims', tensorName);
  if (axis === null) return { output: null };
  return { output: [...input.slice(0, axis), 1, ...input.slice(axis)] };
}

/**
 * tf.squeeze drops axes of size one: every such axis when axis is None (an unknown size then makes
 * the rank unknown), else the listed axes, which must have size one.
 */
export function squeezeRule(ctx: RuleContext, tensorName: string): RuleResult {
  const input = shapeOf(ctx, tensorName);
  if (input === null) return { output: null };
  const requested = ctx.value('axis');
  if (requested === null || (Array.isArray(requested) && requested.length === 0)) {
    if (input.some((d) => d === null)) return { output: null };
    return { output: input.filter((d) => d !== 1) };
  }
  const list = entries(requested);
  if (list === null) return { output: null };
  const axes = list.map((a) => tfAxis(ctx, 'axis', a, input.length, 'squeeze', tensorName));
  if (axes.some((a) => a === null)) return { output: null };
  for (const a of axes as number[]) {
    const size = input[a];
    if (isKnown(size) && size !== 1) {
      ctx.error('reshape-size', `Can not squeeze dim[${a}], expected a dimension of 1, got ${size}: the input is ${ctx.origin(tensorName)}`, 'axis');
    }
  }
  return { output: input.filter((_, i) => !(axes as number[]).includes(i)) };
}

// ---------------------------------------------------------------------------------------------
// concat, reductions.

/** tf.concat / keras.ops.concatenate: ranks must match, and every axis but the joined one. */
export function concatRule(ctx: RuleContext, listName: string, axisName: string): RuleResult {
  const value = ctx.value(listName);
  if (!Array.isArray(value) || value.length === 0) return { output: null };
  const shapes = value.map((v) => (v instanceof TensorArg ? v.shape : null));
  const origins = value.map((v) => (v instanceof TensorArg ? v.origin : 'an unknown value'));
  const knownIndex = shapes.findIndex((s) => s !== null);
  if (knownIndex < 0) return { output: null };
  const reference = shapes[knownIndex] as Dim[];
  const rank = reference.length;
  for (let i = 0; i < shapes.length; i++) {
    const s = shapes[i];
    if (s !== null && s.length !== rank) {
      ctx.error('rank-mismatch', `ConcatOp : Ranks of all input tensors should match: shape[${knownIndex}] = ${tfShape(reference)} vs. shape[${i}] = ${tfShape(s)}: tensor ${knownIndex} is ${origins[knownIndex]}; tensor ${i} is ${origins[i]}`, listName);
      return { output: null };
    }
  }
  const axisValue = asInt(ctx.value(axisName));
  if (!isKnown(axisValue)) return { output: null };
  const axis = axisValue < 0 ? axisValue + rank : axisValue;
  if (axis < 0 || axis >= rank) {
    ctx.error('rank-mismatch', `ConcatOp : Expected concatenating dimensions in the range [${-rank}, ${rank}), but got ${axisValue}: tensor ${knownIndex} is ${origins[knownIndex]}`, axisName);
    return { output: null };
  }
  const out: Dim[] = [];
  for (let d = 0; d < rank; d++) {
    if (d === axis) {
      out.push(shapes.reduce<Dim>((sum, s) => (s === null ? null : add(sum, s[d])), 0));
      continue;
    }
    let size: Dim = null;
    for (let i = 0; i < shapes.length; i++) {
      const s = shapes[i];
      if (s === null) continue;
      if (size !== null && equalDims(size, s[d]) === false) {
        ctx.error('cat-mismatch', `ConcatOp : Dimension ${d} in both shapes must be equal: shape[${knownIndex}] = ${tfShape(reference)} vs. shape[${i}] = ${tfShape(s)}: tensor ${knownIndex} is ${origins[knownIndex]}; tensor ${i} is ${origins[i]}`, listName);
        return { output: out.concat(reference.slice(d)).map((x, j) => (j === axis ? null : x)) };
      }
      if (size === null || (!isKnown(size) && isKnown(s[d]))) size = s[d];
    }
    out.push(size);
  }
  return { output: out };
}

/** The shape after reducing `axis` (None: every axis), keeping reduced axes as 1 with keepdims. */
export function reduceRule(ctx: RuleContext, tensorName: string): RuleResult {
  const input = shapeOf(ctx, tensorName);
  if (input === null) return { output: null };
  const keep = ctx.bool('keepdims');
  const requested = ctx.value('axis');
  let axes: number[];
  if (requested === null) axes = input.map((_, i) => i);
  else {
    const list = entries(requested);
    if (list === null) return { output: null };
    const checked = list.map((a) => tfAxis(ctx, 'axis', a, input.length, `${ctx.kind}: Invalid reduction dimension`, tensorName));
    if (checked.some((a) => a === null)) return { output: null };
    axes = checked as number[];
  }
  if (keep === null) return { output: null };
  return { output: keep ? input.map((d, i) => (axes.includes(i) ? 1 : d)) : input.filter((_, i) => !axes.includes(i)) };
}

// ---------------------------------------------------------------------------------------------
// Elementwise arithmetic and matmul.

function originOf(ctx: RuleContext, name: string): string {
  const v = ctx.value(name);
  return v instanceof TensorArg ? v.origin : `the scalar ${dimToString(asInt(v))}`;
}

/** Numpy-style broadcasting of two operands (either may be a plain number), in TensorFlow's words. */
export function broadcastRule(ctx: RuleContext, left: string, right: string): RuleResult {
  const a = operandShape(ctx.value(left));
  const b = operandShape(ctx.value(right));
  const result = broadcast(a, b);
  if (result.conflict && a !== null && b !== null) {
    ctx.error('broadcast-mismatch', `Incompatible shapes: ${tfShape(a)} vs. ${tfShape(b)}: ${left} is ${originOf(ctx, left)}; ${right} is ${originOf(ctx, right)}`, right);
    return { output: null };
  }
  const anyTensor = ctx.value(left) instanceof TensorArg || ctx.value(right) instanceof TensorArg;
  return { output: anyTensor ? result.shape : null };
}

/**
 * tf.matmul(a, b, transpose_a, transpose_b): rank 2 or more, batch axes broadcast. keras.ops.matmul
 * follows numpy and also takes vectors (`vectors`), which gain and lose an axis as in numpy.
 */
function matmulRule(ctx: RuleContext, leftName: string, rightName: string, vectors: boolean): RuleResult {
  let a = operandShape(ctx.value(leftName));
  let b = operandShape(ctx.value(rightName));
  if (a === null || b === null) return { output: null };
  const minimum = vectors ? 1 : 2;
  if (a.length < minimum || b.length < minimum) {
    const which = a.length < minimum ? leftName : rightName;
    ctx.error('rank-mismatch', `In[0] and In[1] must be at least ${minimum}-D for matmul, but they are ${tfShape(a)} and ${tfShape(b)}: ${which} is ${originOf(ctx, which)}`, which);
    return { output: null };
  }
  const swapLast = (s: Dim[]) => [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]];
  if (!vectors && (ctx.bool('transpose_a') || ctx.bool('adjoint_a'))) a = swapLast(a);
  if (!vectors && (ctx.bool('transpose_b') || ctx.bool('adjoint_b'))) b = swapLast(b);
  const leftVector = a.length === 1;
  const rightVector = b.length === 1;
  const left = leftVector ? [1, a[0]] : a;
  const right = rightVector ? [b[0], 1] : b;
  const inner = left[left.length - 1];
  const innerRight = right[right.length - 2];
  if (equalDims(inner, innerRight) === false) {
    ctx.error('broadcast-mismatch', `Matrix size-incompatible: In[0]: ${tfShape(a)}, In[1]: ${tfShape(b)}: ${leftName} is ${originOf(ctx, leftName)}; ${rightName} is ${originOf(ctx, rightName)}`, rightName);
  }
  const batch = broadcast(left.slice(0, -2), right.slice(0, -2));
  if (batch.conflict || batch.shape === null) {
    if (batch.conflict) ctx.error('broadcast-mismatch', `Incompatible batch dimensions for matmul: ${tfShape(a)} vs. ${tfShape(b)}: ${leftName} is ${originOf(ctx, leftName)}; ${rightName} is ${originOf(ctx, rightName)}`, rightName);
    return { output: null };
  }
  return { output: [...batch.shape, ...(leftVector ? [] : [left[left.length - 2]]), ...(rightVector ? [] : [right[right.length - 1]])] };
}

// ---------------------------------------------------------------------------------------------
// Activations, tf.shape, tf.image.resize.

export function sameShape(ctx: RuleContext, name: string): RuleResult {
  return { output: shapeOf(ctx, name) };
}

/** Along one axis (softmax); checks the axis when given. */
export function alongAxisRule(ctx: RuleContext, tensorName: string): RuleResult {
  const input = shapeOf(ctx, tensorName);
  const axis = ctx.value('axis');
  if (input !== null && axis !== null) tfAxis(ctx, 'axis', axis, input.length, ctx.kind, tensorName);
  return { output: input };
}

/** tf.image.resize: (batch, height, width, channels) or (height, width, channels) to `size`. */
function imageResizeRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'images');
  const size = entries(ctx.value('size'));
  if (input !== null && input.length !== 3 && input.length !== 4) {
    ctx.error('rank-mismatch', `'images' must have either 3 or 4 dimensions, but ${tfShape(input)} has ${input.length}: ${ctx.origin('images')}`, 'images');
    return { output: null };
  }
  if (input === null) return { output: null };
  const [height, width] = size !== null && size.length === 2 && ctx.bool('preserve_aspect_ratio') === false ? size.map(asInt) : [null, null];
  return { output: [...input.slice(0, -3), height, width, input[input.length - 1]] };
}

// ---------------------------------------------------------------------------------------------
// The tables.

/** `tensorflow.X` and `tensorflow.math.X`. */
function tfAndMath(name: string): string[] {
  return [`tensorflow.${name}`, `tensorflow.math.${name}`];
}

/** The shape of the value converted to a tensor: a tensor's, or that of nested lists of numbers. */
function convertedShape(ctx: RuleContext, name: string): RuleResult {
  const value = ctx.value(name);
  if (value instanceof TensorArg) return { output: value.shape };
  const shapeOfList = (v: ArgValue): Dim[] | null => {
    if (typeof v === 'number' || typeof v === 'boolean') return [];
    if (!Array.isArray(v)) return null;
    if (v.length === 0) return [0];
    const inner = shapeOfList(v[0]);
    return inner === null ? null : [v.length, ...inner];
  };
  return { output: shapeOfList(value) };
}

/** `tf.argmax(x, axis=None)`: TensorFlow reduces axis 0 when none is given. */
function argReduceRule(ctx: RuleContext, tensorName: string, defaultAxis: number | null): RuleResult {
  const input = shapeOf(ctx, tensorName);
  if (input === null) return { output: null };
  const requested = ctx.value('axis');
  if (requested === null && defaultAxis === null) return { output: ctx.bool('keepdims') ? input.map(() => 1) : [] };
  const axis = tfAxis(ctx, 'axis', requested === null ? defaultAxis : requested, input.length, `${ctx.kind}: Invalid dimension`, tensorName);
  if (axis === null) return { output: null };
  return { output: ctx.bool('keepdims') ? input.map((d, i) => (i === axis ? 1 : d)) : input.filter((_, i) => i !== axis) };
}

/** `tf.image.rgb_to_grayscale`: one channel. */
function grayscaleRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx, 'images');
  return { output: input === null || input.length === 0 ? null : [...input.slice(0, -1), 1] };
}

/** Same-shape TensorFlow functions whose first argument is the tensor: conversions, clipping, flips, normalisation. */
const TF_SAME_SHAPE: [string, string[]][] = [
  ['cast', ['tensorflow.cast', 'tensorflow.dtypes.cast']],
  ['clip_by_value', ['tensorflow.clip_by_value']],
  ['ones_like', ['tensorflow.ones_like']],
  ['zeros_like', ['tensorflow.zeros_like']],
  ['identity', ['tensorflow.identity']],
  ['stop_gradient', ['tensorflow.stop_gradient']],
  ['l2_normalize', ['tensorflow.math.l2_normalize', 'tensorflow.nn.l2_normalize']],
  ['convert_image_dtype', ['tensorflow.image.convert_image_dtype']],
  ['dropout', ['tensorflow.nn.dropout']],
  ['bias_add', ['tensorflow.nn.bias_add']],
  ['flip_left_right', ['tensorflow.image.flip_left_right', 'tensorflow.image.random_flip_left_right']],
  ['flip_up_down', ['tensorflow.image.flip_up_down', 'tensorflow.image.random_flip_up_down']],
  ['adjust', ['tensorflow.image.random_brightness', 'tensorflow.image.random_contrast', 'tensorflow.image.adjust_brightness', 'tensorflow.image.adjust_contrast']],
  ['sin', tfAndMath('sin')],
  ['cos', tfAndMath('cos')],
  ['tan', tfAndMath('tan')],
  ['atan', tfAndMath('atan')],
  ['is_nan', ['tensorflow.math.is_nan']],
  ['logical_not', tfAndMath('logical_not')],
];

const tensorflowOps: OpDef[] = [
  op('reshape', ['tensorflow.reshape'], [required('tensor'), required('shape'), NAME], (ctx) => reshapeRule(ctx, 'tensor', 'shape')),
  op('concat', ['tensorflow.concat'], [required('values'), required('axis'), optional('name', 'concat')], (ctx) => concatRule(ctx, 'values', 'axis')),
  op('transpose', ['tensorflow.transpose'], [required('a'), optional('perm', null), optional('conjugate', false), optional('name', 'transpose')], (ctx) => transposeRule(ctx, 'a', 'perm')),
  op('expand_dims', ['tensorflow.expand_dims'], [required('input'), required('axis'), NAME], (ctx) => expandDimsRule(ctx, 'input')),
  op('squeeze', ['tensorflow.squeeze'], [required('input'), optional('axis', null), NAME], (ctx) => squeezeRule(ctx, 'input')),
  ...['reduce_mean', 'reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod', 'reduce_any', 'reduce_all', 'reduce_logsumexp'].map((name) =>
    op(name, tfAndMath(name), [required('input_tensor'), optional('axis', null), optional('keepdims', false), NAME], (ctx) => reduceRule(ctx, 'input_tensor')),
  ),
  op(
    'matmul',
    [...tfAndMath('matmul'), 'tensorflow.linalg.matmul'],
    [required('a'), required('b'), ...['transpose_a', 'transpose_b', 'adjoint_a', 'adjoint_b', 'a_is_sparse', 'b_is_sparse'].map((n) => optional(n, false)), optional('output_type', null), optional('grad_a', false), optional('grad_b', false), NAME],
    (ctx) => matmulRule(ctx, 'a', 'b', false),
  ),
  ...['add', 'multiply', 'subtract', 'divide', 'maximum', 'minimum', 'pow', 'truediv', 'floordiv'].map((name) =>
    op(name, tfAndMath(name), [required('x'), required('y'), NAME], (ctx) => broadcastRule(ctx, 'x', 'y')),
  ),
  ...['sigmoid', 'tanh'].map((name) => op(name, [...tfAndMath(name), `tensorflow.nn.${name}`], [required('x'), NAME], (ctx) => sameShape(ctx, 'x'))),
  ...['exp', 'log', 'sqrt', 'rsqrt', 'square', 'abs', 'negative', 'sign', 'round', 'floor', 'ceil', 'reciprocal', 'erf', 'log1p'].map((name) =>
    op(name, tfAndMath(name), [required('x'), NAME], (ctx) => sameShape(ctx, 'x')),
  ),
  ...['relu', 'relu6', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'silu'].map((name) =>
    op(name, [`tensorflow.nn.${name}`, ...(name === 'softplus' || name === 'softsign' ? [`tensorflow.math.${name}`] : [])], [required('features'), ...(name === 'swish' || name === 'silu' ? [optional('beta', 1.0)] : []), NAME], (ctx) => sameShape(ctx, 'features')),
  ),
  op('gelu', ['tensorflow.nn.gelu'], [required('features'), optional('approximate', false), NAME], (ctx) => sameShape(ctx, 'features')),
  op('leaky_relu', ['tensorflow.nn.leaky_relu'], [required('features'), optional('alpha', 0.2), NAME], (ctx) => sameShape(ctx, 'features')),
  ...['softmax', 'log_softmax'].map((name) => op(name, [`tensorflow.nn.${name}`, `tensorflow.math.${name}`], [required('logits'), optional('axis', null), NAME], (ctx) => alongAxisRule(ctx, 'logits'))),
  op('shape', ['tensorflow.shape'], [required('input'), optional('out_type', null), NAME], (ctx) => {
    const input = shapeOf(ctx);
    return { output: input === null ? [null] : [input.length] };
  }),
  ...TF_SAME_SHAPE.map(([kind, names]) => op(kind, names, [required('x'), { name: 'args', varargs: true }, { name: 'kwargs', varkw: true }], (ctx) => sameShape(ctx, 'x'))),
  op('convert_to_tensor', ['tensorflow.convert_to_tensor'], [required('value'), optional('dtype', null), optional('dtype_hint', null), NAME], (ctx) => convertedShape(ctx, 'value')),
  ...['argmax', 'argmin'].map((name) => op(name, tfAndMath(name), [required('input'), optional('axis', null), optional('output_type', null), NAME], (ctx) => argReduceRule(ctx, 'input', 0))),
  ...['equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal', 'logical_and', 'logical_or'].map((name) =>
    op(name, tfAndMath(name), [required('x'), required('y'), NAME], (ctx) => broadcastRule(ctx, 'x', 'y')),
  ),
  op('rgb_to_grayscale', ['tensorflow.image.rgb_to_grayscale'], [required('images'), NAME], grayscaleRule),
  op(
    'resize',
    ['tensorflow.image.resize'],
    [required('images'), required('size'), optional('method', 'bilinear'), optional('preserve_aspect_ratio', false), optional('antialias', false), NAME],
    imageResizeRule,
  ),
  // TensorFlow 1's spellings (`tf.image.resize_images(x, (h, w))`, `tf.image.resize_bilinear`), kept in tf.compat.v1.
  op(
    'resize_images',
    ['tensorflow.image.resize_images', 'tensorflow.compat.v1.image.resize_images', 'tensorflow.compat.v1.image.resize'],
    [required('images'), required('size'), optional('method', 0), optional('align_corners', false), optional('preserve_aspect_ratio', false), NAME],
    imageResizeRule,
  ),
  ...['resize_bilinear', 'resize_nearest_neighbor', 'resize_bicubic', 'resize_area'].map((name) =>
    op(name, [`tensorflow.image.${name}`, `tensorflow.compat.v1.image.${name}`], [required('images'), required('size'), optional('align_corners', false), NAME, optional('half_pixel_centers', false), optional('preserve_aspect_ratio', false)], imageResizeRule),
  ),
];

const K = 'keras.ops.';
const kerasOps: OpDef[] = [
  op('reshape', [`${K}reshape`], [required('x'), required('newshape')], (ctx) => reshapeRule(ctx, 'x', 'newshape')),
  op('concatenate', [`${K}concatenate`], [required('xs'), optional('axis', 0)], (ctx) => concatRule(ctx, 'xs', 'axis')),
  op('transpose', [`${K}transpose`], [required('x'), optional('axes', null)], (ctx) => transposeRule(ctx, 'x', 'axes')),
  op('expand_dims', [`${K}expand_dims`], [required('x'), required('axis')], (ctx) => expandDimsRule(ctx, 'x')),
  op('squeeze', [`${K}squeeze`], [required('x'), optional('axis', null)], (ctx) => squeezeRule(ctx, 'x')),
  ...['mean', 'sum', 'min', 'prod', 'any', 'all'].map((name) => op(name, [`${K}${name}`], [required('x'), optional('axis', null), optional('keepdims', false)], (ctx) => reduceRule(ctx, 'x'))),
  op('max', [`${K}max`], [required('x'), optional('axis', null), optional('keepdims', false), optional('initial', null)], (ctx) => reduceRule(ctx, 'x')),
  op('matmul', [`${K}matmul`], [required('x1'), required('x2')], (ctx) => matmulRule(ctx, 'x1', 'x2', true)),
  ...['add', 'multiply', 'subtract', 'divide', 'maximum', 'minimum', 'power'].map((name) => op(name, [`${K}${name}`], [required('x1'), required('x2')], (ctx) => broadcastRule(ctx, 'x1', 'x2'))),
  ...['relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'silu', 'swish', 'exp', 'log', 'sqrt', 'square', 'abs', 'negative'].map((name) => op(name, [`${K}${name}`], [required('x')], (ctx) => sameShape(ctx, 'x'))),
  op('gelu', [`${K}gelu`], [required('x'), optional('approximate', true)], (ctx) => sameShape(ctx, 'x')),
  ...['softmax', 'log_softmax'].map((name) => op(name, [`${K}${name}`], [required('x'), optional('axis', -1)], (ctx) => alongAxisRule(ctx, 'x'))),
  ...['cast', 'clip', 'sin', 'cos', 'tan', 'erf', 'ones_like', 'zeros_like', 'stop_gradient', 'normalize', 'sign', 'floor', 'ceil', 'round', 'reciprocal', 'log1p', 'hard_sigmoid', 'leaky_relu', 'softsign', 'mish', 'hard_silu', 'logical_not', 'nan_to_num'].map((name) =>
    op(name, [`${K}${name}`], [required('x'), { name: 'args', varargs: true }, { name: 'kwargs', varkw: true }], (ctx) => sameShape(ctx, 'x')),
  ),
  op('convert_to_tensor', [`${K}convert_to_tensor`], [required('x'), optional('dtype', null), optional('sparse', null)], (ctx) => convertedShape(ctx, 'x')),
  ...['argmax', 'argmin'].map((name) => op(name, [`${K}${name}`], [required('x'), optional('axis', null), optional('keepdims', false)], (ctx) => argReduceRule(ctx, 'x', null))),
  op('norm', [`${K}norm`], [required('x'), optional('ord', null), optional('axis', null), optional('keepdims', false)], (ctx) => reduceRule(ctx, 'x')),
  ...['equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal', 'logical_and', 'logical_or'].map((name) =>
    op(name, [`${K}${name}`], [required('x1'), required('x2')], (ctx) => broadcastRule(ctx, 'x1', 'x2')),
  ),
  op(
    'resize',
    [`${K}image.resize`],
    [required('images'), required('size'), optional('interpolation', 'bilinear'), optional('antialias', false), optional('crop_to_aspect_ratio', false), optional('pad_to_aspect_ratio', false), optional('fill_mode', 'constant'), optional('fill_value', 0.0), optional('data_format', null)],
    (ctx) => {
      const input = shapeOf(ctx, 'images');
      const size = entries(ctx.value('size'));
      if (input === null || (input.length !== 3 && input.length !== 4) || ctx.value('data_format') === 'channels_first') return { output: null };
      const [height, width] = size !== null && size.length === 2 ? size.map(asInt) : [null, null];
      return { output: [...input.slice(0, -3), height, width, input[input.length - 1]] };
    },
  ),
];

export const ops: OpDef[] = [...tensorflowOps, ...kerasOps];
