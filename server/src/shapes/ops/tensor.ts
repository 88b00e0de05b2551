// Tensor ops: the torch.* functions, Tensor methods and Python operators that move, combine,
// reduce or convert tensors (flatten, view/reshape, permute, squeeze, cat/stack/split, sum/mean,
// elementwise arithmetic with broadcasting, matmul, the *_like constructors).
//
// It also exports the small helpers the functional ops (./functional.ts) share: reading the input
// tensor, checking an axis, the same-shape rule. Activations, pooling, interpolation, padding and
// the other torch.nn.functional ops live there. The interpreter handles x.size(), x.shape, x.dim(),
// x.numel() and indexing itself, so none of them is registered here.
//
// A value that is not a tensor but is unknown (UnknownArg) may still be a tensor at run time, so an
// elementwise op with such an operand gives an unknown shape rather than guessing.

import { asInt } from '../context';
import { add, ceildiv, Dim, dimToString, divExact, equalDims, Expr, mul, product, sub } from '../dim';
import { broadcast, formatShape } from '../shape';
import { ArgValue, OpDef, Param, RuleContext, RuleResult, Shape, TensorArg, TupleOut, UnknownArg } from '../types';

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by ./functional.ts).

/** The required tensor parameter of every tensor method and most functions. */
export const INPUT: Param = { name: 'input' };

export function param(name: string, defaultValue?: ArgValue): Param {
  return defaultValue === undefined ? { name } : { name, default: defaultValue };
}

export function keywordOnly(name: string, defaultValue: ArgValue = null): Param {
  return { name, default: defaultValue, kwOnly: true };
}

/** The shape of a tensor argument; null when it is unknown or not a tensor. */
export function shapeOf(ctx: RuleContext, name = 'input'): Shape {
  return ctx.tensor(name) ?? null;
}

/** The shape of an argument that may be a plain number (a scalar has shape `()`); null when unknown. */
export function operandShape(value: ArgValue): Shape {
  if (value instanceof TensorArg) return value.shape;
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Expr) return [];
  return null;
}

/** Rules that keep the input's shape: activations, dropout, conversions, in-place fills. */
export function sameShape(ctx: RuleContext): RuleResult {
  return { output: shapeOf(ctx) };
}

/** PyTorch's wording for an axis out of range, plus the tensor's origin. */
function axisRangeMessage(axis: number, rank: number, origin: string): string {
  const low = -Math.max(rank, 1);
  const high = Math.max(rank, 1) - 1;
  return `Dimension out of range (expected to be in range of [${low}, ${high}], but got ${axis}): the input is ${origin}`;
}

/**
 * Normalises the axis `value` (an argument) against `rank` (the input's rank, plus one for ops that
 * insert an axis such as unsqueeze and stack). Returns null when the axis or the rank is unknown,
 * and reports rank-mismatch when it is definitely out of range.
 */
export function checkedAxis(ctx: RuleContext, argName: string, value: ArgValue, rank: number | null, originName = 'input'): number | null {
  const axis = asInt(value);
  if (typeof axis !== 'number' || rank === null) return null;
  // PyTorch lets a 0-d tensor use axis 0 and -1, as if it had one axis.
  const span = Math.max(rank, 1);
  const normalised = axis < 0 ? axis + span : axis;
  if (normalised < 0 || normalised >= span) {
    ctx.error('rank-mismatch', axisRangeMessage(axis, rank, ctx.origin(originName)), argName);
    return null;
  }
  return normalised;
}

/** A list of axes from an int, a tuple, or the varargs of a method (`permute(0, 2, 1)` or `permute((0, 2, 1))`). */
export function listArgument(value: ArgValue): ArgValue[] | null {
  if (!Array.isArray(value)) return value instanceof UnknownArg ? null : [value];
  if (value.length === 1 && Array.isArray(value[0])) return value[0];
  if (value.length === 1 && value[0] instanceof UnknownArg) return null;
  return value;
}

/** How PyTorch prints a list of sizes in messages: `[-1, 12544]`. */
function bracketList(dims: readonly Dim[]): string {
  return `[${dims.map((d) => dimToString(d)).join(', ')}]`;
}

/**
 * The ratio a / b when both are the same monomial up to a coefficient (`400*N` and `12544*N`, or two
 * numbers); null otherwise. Symbols stand for positive sizes, so a ratio other than one means the
 * two sizes differ for every value of the symbols.
 */
function monomialRatio(a: Dim, b: Dim): number | null {
  if (typeof a === 'number' && typeof b === 'number') return b === 0 ? null : a / b;
  if (!(a instanceof Expr) || !(b instanceof Expr)) return null;
  if (a.constant !== 0 || b.constant !== 0 || a.terms.size !== 1 || b.terms.size !== 1) return null;
  const [[keyA, termA]] = [...a.terms];
  const [[keyB, termB]] = [...b.terms];
  return keyA === keyB ? termA.coef / termB.coef : null;
}

// ---------------------------------------------------------------------------------------------
// view, reshape, flatten, unflatten.

/** The target of view/reshape with one -1 inferred; reports reshape-size on a definite contradiction. */
function reshapeRule(ctx: RuleContext, entries: ArgValue[] | null, argName: string): RuleResult {
  if (entries === null) return { output: null };
  const input = shapeOf(ctx);
  const target: Dim[] = entries.map((e) => asInt(e));
  const inferredCount = target.filter((d) => d === -1).length;
  const total = input === null ? null : product(input);
  const fixed = target.filter((d) => d !== -1);
  const fixedProduct = product(fixed);
  const invalid = `shape '${bracketList(target)}' is invalid for input of size ${dimToString(total)}: the input is ${ctx.origin('input')}`;
  if (inferredCount > 1) {
    ctx.error('reshape-size', `only one dimension can be inferred, but shape '${bracketList(target)}' has ${inferredCount}`, argName);
    return { output: target.map((d) => (d === -1 ? null : d)) };
  }
  const negative = fixed.find((d) => typeof d === 'number' && d < 0);
  if (negative !== undefined) {
    ctx.error('reshape-size', `invalid shape dimension ${negative} in shape '${bracketList(target)}'`, argName);
    return { output: target.map((d) => (typeof d === 'number' && d < 0 ? null : d)) };
  }
  const ratio = monomialRatio(total, fixedProduct);
  if (inferredCount === 1) {
    const inferred = divExact(total, fixedProduct);
    if (ratio !== null && !Number.isInteger(ratio)) ctx.error('reshape-size', invalid, argName);
    return { output: target.map((d) => (d === -1 ? inferred : d)) };
  }
  if (equalDims(total, fixedProduct) === false || (ratio !== null && ratio !== 1)) ctx.error('reshape-size', invalid, argName);
  return { output: target };
}

function flattenRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  if (input.length === 0) return { output: [1] };
  const start = checkedAxis(ctx, 'start_dim', ctx.value('start_dim'), input.length);
  const end = checkedAxis(ctx, 'end_dim', ctx.value('end_dim'), input.length);
  if (start === null || end === null) return { output: null };
  if (start > end) {
    ctx.error('rank-mismatch', `flatten() has invalid args: start_dim (${start}) cannot come after end_dim (${end})`, 'start_dim');
    return { output: null };
  }
  return { output: [...input.slice(0, start), product(input.slice(start, end + 1)), ...input.slice(end + 1)] };
}

function unflattenRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const sizes = listArgument(ctx.value('sizes'));
  if (input === null || sizes === null) return { output: null };
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), input.length);
  if (axis === null) return { output: null };
  const target = sizes.map((s) => asInt(s));
  const fixedProduct = product(target.filter((d) => d !== -1));
  const size = input[axis];
  const inferredCount = target.filter((d) => d === -1).length;
  const ratio = monomialRatio(size, fixedProduct);
  if ((inferredCount === 0 && ratio !== null && ratio !== 1) || (inferredCount === 1 && ratio !== null && !Number.isInteger(ratio))) {
    ctx.error('reshape-size', `unflatten: Provided sizes ${bracketList(target)} don't multiply up to the size of dim ${axis} (${dimToString(size)}) in the input tensor: ${ctx.origin('input')}`, 'sizes');
  }
  const inferred = divExact(size, fixedProduct);
  const middle = target.map((d) => (d === -1 ? (inferredCount === 1 ? inferred : null) : d));
  return { output: [...input.slice(0, axis), ...middle, ...input.slice(axis + 1)] };
}

// ---------------------------------------------------------------------------------------------
// Axis moves: permute, transpose, t, movedim, squeeze, unsqueeze.

function permuteRule(ctx: RuleContext, argName: string): RuleResult {
  const input = shapeOf(ctx);
  const dims = listArgument(ctx.value(argName));
  if (input === null || dims === null) return { output: null };
  if (dims.length !== input.length) {
    ctx.error('rank-mismatch', `permute: number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${input.length} is not equal to len(dims) = ${dims.length}: the input is ${ctx.origin('input')}`, argName);
    return { output: null };
  }
  const order = dims.map((d) => checkedAxis(ctx, argName, d, input.length));
  if (order.some((a) => a === null)) return { output: null };
  if (new Set(order).size !== order.length) {
    ctx.error('rank-mismatch', `permute: repeated dim in the desired ordering ${bracketList(dims.map((d) => asInt(d)))}`, argName);
    return { output: null };
  }
  return { output: order.map((a) => input[a as number]) };
}

function transposeRule(ctx: RuleContext, first: string, second: string): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  const a = checkedAxis(ctx, first, ctx.value(first), input.length);
  const b = checkedAxis(ctx, second, ctx.value(second), input.length);
  if (a === null || b === null) return { output: null };
  if (input.length === 0) return { output: [] };
  const out = [...input];
  out[a] = input[b];
  out[b] = input[a];
  return { output: out };
}

function matrixTransposeRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  if (input.length > 2) {
    ctx.error('rank-mismatch', `t() expects a tensor with <= 2 dimensions, but self is ${input.length}D: ${ctx.origin('input')}`);
    return { output: null };
  }
  return { output: [...input].reverse() };
}

function movedimRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const sources = listArgument(ctx.value('source'));
  const destinations = listArgument(ctx.value('destination'));
  if (input === null || sources === null || destinations === null) return { output: null };
  if (sources.length !== destinations.length) {
    ctx.error('rank-mismatch', `movedim: Invalid source or destination dims: source (${sources.length} dims) should contain the same number of dims as destination (${destinations.length} dims)`, 'destination');
    return { output: null };
  }
  const from = sources.map((s) => checkedAxis(ctx, 'source', s, input.length));
  const to = destinations.map((d) => checkedAxis(ctx, 'destination', d, input.length));
  if (from.some((a) => a === null) || to.some((a) => a === null)) return { output: null };
  const out: (Dim | undefined)[] = Array(input.length).fill(undefined);
  from.forEach((f, i) => (out[to[i] as number] = input[f as number]));
  const rest = input.filter((_, i) => !from.includes(i));
  return { output: out.map((d) => (d === undefined ? rest.shift() ?? null : d)) };
}

/**
 * squeeze drops axes of size one. A symbolic size (the batch N) is taken to stay, since a model is
 * written for a general batch; an unknown size may or may not go, so the rank becomes unknown.
 */
function squeezeRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  const requested = ctx.value('dim');
  let axes: number[];
  if (requested === null) axes = input.map((_, i) => i);
  else {
    const list = listArgument(requested);
    if (list === null) return { output: null };
    const checked = list.map((d) => checkedAxis(ctx, 'dim', d, input.length));
    if (checked.some((a) => a === null)) return { output: null };
    axes = checked as number[];
  }
  if (input.length === 0) return { output: [] };
  if (axes.some((a) => input[a] === null)) return { output: null };
  return { output: input.filter((d, i) => !(axes.includes(i) && d === 1)) };
}

function unsqueezeRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), input.length + 1);
  if (axis === null) return { output: null };
  return { output: [...input.slice(0, axis), 1, ...input.slice(axis)] };
}

// ---------------------------------------------------------------------------------------------
// Reductions.

/** The shape after reducing `dimName` (None or an empty tuple: every axis), keeping reduced axes as 1 when asked. */
function reducedShape(ctx: RuleContext, input: Shape, dimName: string, keepName: string): Shape {
  if (input === null) return null;
  const keep = ctx.bool(keepName);
  const requested = ctx.value(dimName);
  let axes: number[];
  if (requested === null || (Array.isArray(requested) && requested.length === 0)) axes = input.map((_, i) => i);
  else {
    const list = listArgument(requested);
    if (list === null) return null;
    const checked = list.map((d) => checkedAxis(ctx, dimName, d, input.length));
    if (checked.some((a) => a === null)) return null;
    axes = checked as number[];
  }
  if (keep === null) return null;
  if (keep) return input.map((d, i) => (axes.includes(i) ? 1 : d));
  return input.filter((_, i) => !axes.includes(i));
}

function reduceRule(ctx: RuleContext): RuleResult {
  return { output: reducedShape(ctx, shapeOf(ctx), 'dim', 'keepdim') };
}

/** torch.max / torch.min: the whole tensor, (values, indices) along an axis, or an elementwise maximum. */
function maxMinRule(ctx: RuleContext): RuleResult {
  const second = ctx.value('dim');
  if (second instanceof TensorArg) return broadcastRule(ctx, 'input', 'dim', false);
  if (ctx.value('other') instanceof TensorArg) return broadcastRule(ctx, 'input', 'other', false);
  if (second === null) return { output: [] };
  const reduced = reducedShape(ctx, shapeOf(ctx), 'dim', 'keepdim');
  return { output: new TupleOut([reduced, reduced]) };
}

/** Ops along one axis that return (values, indices): median/mode/kthvalue with a dim, sort. */
function valuesAndIndicesRule(ctx: RuleContext): RuleResult {
  if (ctx.value('dim') === null) return { output: [] };
  const reduced = reducedShape(ctx, shapeOf(ctx), 'dim', 'keepdim');
  return { output: new TupleOut([reduced, reduced]) };
}

function sortRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input !== null) checkedAxis(ctx, 'dim', ctx.value('dim'), input.length);
  return { output: new TupleOut([input, input]) };
}

function topkRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: new TupleOut([null, null]) };
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), input.length);
  if (axis === null) return { output: new TupleOut([null, null]) };
  const out = [...input];
  if (input.length > 0) out[axis] = ctx.int('k');
  return { output: new TupleOut([out, out]) };
}

/** Along one axis, keeping the shape (cumsum, softmax-like ops); checks the axis. */
export function alongAxisRule(ctx: RuleContext, dimName = 'dim'): RuleResult {
  const input = shapeOf(ctx);
  if (input !== null && ctx.value(dimName) !== null) checkedAxis(ctx, dimName, ctx.value(dimName), input.length);
  return { output: input };
}

// ---------------------------------------------------------------------------------------------
// Elementwise ops with broadcasting.

/**
 * Broadcasts two operands (either may be a plain number). With `inPlace` the result must keep the
 * left operand's shape, as `x += y` and `x.add_(y)` do. Reports broadcast-mismatch in PyTorch's words.
 */
export function broadcastRule(ctx: RuleContext, left: string, right: string, inPlace: boolean): RuleResult {
  const leftValue = ctx.value(left);
  const rightValue = ctx.value(right);
  const a = operandShape(leftValue);
  const b = operandShape(rightValue);
  const leftIsTensor = leftValue instanceof TensorArg;
  const result = broadcast(a, b);
  const origins = () => `a is ${originOf(ctx, left)}; b is ${originOf(ctx, right)}`;
  if (result.conflict) {
    const { axis, a: sizeA, b: sizeB } = result.conflict;
    ctx.error('broadcast-mismatch', `The size of tensor a (${dimToString(sizeA)}) must match the size of tensor b (${dimToString(sizeB)}) at non-singleton dimension ${axis}: ${origins()}`, right);
    return { output: inPlace && leftIsTensor ? a : null };
  }
  if (!inPlace || !leftIsTensor) return { output: leftIsTensor || rightValue instanceof TensorArg ? result.shape : null };
  const grown = result.shape !== null && a !== null && (result.shape.length > a.length || result.shape.some((d, i) => equalDims(d, a[i]) === false));
  if (grown) {
    ctx.error('broadcast-mismatch', `output with shape ${bracketList(a ?? [])} doesn't match the broadcast shape ${bracketList(result.shape ?? [])}: ${origins()}`, right);
  }
  return { output: a };
}

function originOf(ctx: RuleContext, name: string): string {
  const v = ctx.value(name);
  return v instanceof TensorArg ? v.origin : `the scalar ${dimToString(asInt(v))}`;
}

function whereRule(ctx: RuleContext): RuleResult {
  const condition = ctx.value('condition');
  if (ctx.value('input') === null && ctx.value('other') === null) {
    // torch.where(condition) gives one index tensor per axis, of unknown length.
    const shape = operandShape(condition);
    return { output: shape === null ? null : new TupleOut(shape.map(() => [null])) };
  }
  const first = broadcastRule(ctx, 'condition', 'input', false);
  const shapes = [operandShape(condition), operandShape(ctx.value('input')), operandShape(ctx.value('other'))];
  if (shapes.some((s) => s === null) || first.output === null) return { output: null };
  const result = broadcast(first.output as Shape, shapes[2]);
  if (result.conflict) {
    const { axis, a, b } = result.conflict;
    ctx.error('broadcast-mismatch', `The size of tensor a (${dimToString(a)}) must match the size of tensor b (${dimToString(b)}) at non-singleton dimension ${axis}: b is ${originOf(ctx, 'other')}`, 'other');
  }
  return { output: result.shape };
}

function maskedFillRule(ctx: RuleContext): RuleResult {
  return broadcastRule(ctx, 'input', 'mask', true);
}

// ---------------------------------------------------------------------------------------------
// Matrix products.

function matrixText(s: Dim[]): string {
  if (s.length === 1) return `1x${dimToString(s[0])}`;
  return `${dimToString(s[s.length - 2])}x${dimToString(s[s.length - 1])}`;
}

/** torch.matmul's rules: vectors are promoted and their axis removed again, batch axes broadcast. */
export function matmulShapes(ctx: RuleContext, a: Shape, b: Shape, leftName: string, rightName: string): Shape {
  if (a === null || b === null) return null;
  if (a.length === 0 || b.length === 0) {
    ctx.error('rank-mismatch', `both arguments to matmul need to be at least 1D, but they are ${a.length}D and ${b.length}D`, a.length === 0 ? leftName : rightName);
    return null;
  }
  const inner = a[a.length - 1];
  const innerB = b.length === 1 ? b[0] : b[b.length - 2];
  if (equalDims(inner, innerB) === false) {
    const rightText = b.length === 1 ? `${dimToString(b[0])}x1` : matrixText(b);
    ctx.error('broadcast-mismatch', `mat1 and mat2 shapes cannot be multiplied (${matrixText(a)} and ${rightText}): mat1 is ${originOf(ctx, leftName)}; mat2 is ${originOf(ctx, rightName)}`, rightName);
  }
  if (a.length === 1 && b.length === 1) return [];
  if (b.length === 1) return a.slice(0, -1);
  if (a.length === 1) return [...b.slice(0, -2), b[b.length - 1]];
  const batch = broadcast(a.slice(0, -2), b.slice(0, -2));
  if (batch.conflict) {
    const { axis, a: sizeA, b: sizeB } = batch.conflict;
    ctx.error('broadcast-mismatch', `The size of tensor a (${dimToString(sizeA)}) must match the size of tensor b (${dimToString(sizeB)}) at non-singleton dimension ${axis} (the batch dimensions of matmul): a is ${originOf(ctx, leftName)}; b is ${originOf(ctx, rightName)}`, rightName);
    return null;
  }
  return batch.shape === null ? null : [...batch.shape, a[a.length - 2], b[b.length - 1]];
}

function matmulRule(ctx: RuleContext): RuleResult {
  return { output: matmulShapes(ctx, operandShape(ctx.value('input')), operandShape(ctx.value('other')), 'input', 'other') };
}

/** torch.mm (rank 2) and torch.bmm (rank 3): matmul without promotion or batch broadcasting. */
function strictMatmulRule(ctx: RuleContext, rank: number): RuleResult {
  const a = shapeOf(ctx, 'input');
  const b = shapeOf(ctx, 'mat2');
  const what = rank === 2 ? 'a matrix' : 'a 3D tensor';
  if (a !== null && a.length !== rank) ctx.error('rank-mismatch', `self must be ${what}, but it has shape ${formatShape(a)}: ${ctx.origin('input')}`, 'input');
  else if (b !== null && b.length !== rank) ctx.error('rank-mismatch', `mat2 must be ${what}, but it has shape ${formatShape(b)}: ${ctx.origin('mat2')}`, 'mat2');
  else if (a !== null && b !== null) {
    if (rank === 3 && equalDims(a[0], b[0]) === false) {
      ctx.error('broadcast-mismatch', `batch1 and batch2 must have same number of batches, got ${dimToString(a[0])} and ${dimToString(b[0])}: batch1 is ${ctx.origin('input')}; batch2 is ${ctx.origin('mat2')}`, 'mat2');
    } else matmulShapes(ctx, a, b, 'input', 'mat2');
  }
  if (a === null || b === null || a.length !== rank || b.length !== rank) return { output: null };
  return { output: rank === 2 ? [a[0], b[1]] : [a[0], a[1], b[2]] };
}

function outerRule(ctx: RuleContext): RuleResult {
  const a = shapeOf(ctx, 'input');
  const b = shapeOf(ctx, 'vec2');
  return { output: a === null || b === null ? null : [product(a), product(b)] };
}

/** torch.einsum with explicit or implicit output and no ellipsis; anything else is unknown. */
function einsumRule(ctx: RuleContext): RuleResult {
  const equation = ctx.str('equation');
  const operands = listArgument(ctx.value('operands'));
  if (equation === null || operands === null || equation.includes('.')) return { output: null };
  const [lhs, rhs] = equation.replace(/\s+/g, '').split('->');
  const terms = lhs.split(',');
  if (terms.length !== operands.length) return { output: null };
  const sizes = new Map<string, Dim>();
  const counts = new Map<string, number>();
  for (let i = 0; i < terms.length; i++) {
    const shape = operandShape(operands[i]);
    const letters = [...terms[i]];
    if (shape !== null && shape.length !== letters.length) {
      ctx.error('rank-mismatch', `einsum(): the number of subscripts in the equation (${letters.length}) does not match the number of dimensions (${shape.length}) for operand ${i}`, 'equation');
      return { output: null };
    }
    letters.forEach((letter, j) => {
      counts.set(letter, (counts.get(letter) ?? 0) + 1);
      const size = shape === null ? null : shape[j];
      const seen = sizes.get(letter);
      if (seen === undefined || seen === null || seen === 1) sizes.set(letter, size === null && seen !== undefined ? seen : size);
      else if (size !== 1 && equalDims(seen, size) === false) {
        ctx.error('broadcast-mismatch', `einsum(): subscript ${letter} has size ${dimToString(size)} for operand ${i} which does not broadcast with previously seen size ${dimToString(seen)}`, 'equation');
      }
    });
  }
  const output = rhs ?? [...counts.keys()].filter((l) => counts.get(l) === 1).sort().join('');
  return { output: [...output].map((l) => sizes.get(l) ?? null) };
}

// ---------------------------------------------------------------------------------------------
// Joining and splitting: cat, stack, split, chunk, unbind.

interface ListedTensor {
  shape: Shape;
  origin: string;
}

function tensorList(value: ArgValue): ListedTensor[] | null {
  if (!Array.isArray(value)) return null;
  return value.map((v) => (v instanceof TensorArg ? { shape: v.shape, origin: v.origin } : { shape: null, origin: 'an unknown value' }));
}

/** torch.cat: every axis but the joined one must agree with the first tensor's. */
export function catRule(ctx: RuleContext, listName: string, axisName: string): RuleResult {
  const all = tensorList(ctx.value(listName));
  if (all === null || all.length === 0) return { output: null };
  // PyTorch still skips legacy empty 1-D tensors of shape (0,).
  const items = all.filter((t) => !(t.shape !== null && t.shape.length === 1 && t.shape[0] === 0));
  const known = items.map((t, index) => ({ ...t, index })).filter((t) => t.shape !== null) as (ListedTensor & { shape: Dim[]; index: number })[];
  if (known.length === 0) return { output: null };
  const reference = known[0];
  const rank = reference.shape.length;
  const otherRank = known.find((t) => t.shape.length !== rank);
  if (otherRank) {
    ctx.error('rank-mismatch', `Tensors must have same number of dimensions: got ${rank} and ${otherRank.shape.length}: tensor ${reference.index} is ${reference.origin}; tensor ${otherRank.index} is ${otherRank.origin}`, listName);
    return { output: null };
  }
  if (rank === 0) {
    ctx.error('rank-mismatch', `zero-dimensional tensor (at position ${reference.index}) cannot be concatenated: ${reference.origin}`, listName);
    return { output: null };
  }
  const axis = checkedAxis(ctx, axisName, ctx.value(axisName), rank, listName);
  if (axis === null) return { output: null };
  const out: Dim[] = [];
  let reported = false;
  for (let d = 0; d < rank; d++) {
    if (d === axis) {
      out.push(known.length === items.length ? known.reduce<Dim>((sum, t) => add(sum, t.shape[d]), 0) : null);
      continue;
    }
    let size: Dim = reference.shape[d];
    for (const t of known.slice(1)) {
      if (equalDims(reference.shape[d], t.shape[d]) === false) {
        if (reported) break;
        reported = true;
        ctx.error('cat-mismatch', `Sizes of tensors must match except in dimension ${axis}. Expected size ${dimToString(reference.shape[d])} but got size ${dimToString(t.shape[d])} for tensor number ${t.index} in the list: tensor ${reference.index} is ${reference.origin}; tensor ${t.index} is ${t.origin}`, listName);
        break;
      }
      if (size === null || (typeof size !== 'number' && typeof t.shape[d] === 'number')) size = t.shape[d];
    }
    out.push(size);
  }
  return { output: out };
}

function stackRule(ctx: RuleContext): RuleResult {
  const items = tensorList(ctx.value('tensors'));
  if (items === null || items.length === 0) return { output: null };
  const known = items.map((t, index) => ({ ...t, index })).filter((t) => t.shape !== null) as (ListedTensor & { shape: Dim[]; index: number })[];
  if (known.length === 0) return { output: null };
  const reference = known[0];
  let shape: Dim[] = [...reference.shape];
  for (const t of known.slice(1)) {
    const differs = t.shape.length !== shape.length || t.shape.some((d, i) => equalDims(d, reference.shape[i]) === false);
    if (differs) {
      ctx.error('cat-mismatch', `stack expects each tensor to be equal size, but got ${bracketList(reference.shape)} at entry ${reference.index} and ${bracketList(t.shape)} at entry ${t.index}: entry ${reference.index} is ${reference.origin}; entry ${t.index} is ${t.origin}`, 'tensors');
      break;
    }
    shape = shape.map((d, i) => (d === null || (typeof d !== 'number' && typeof t.shape[i] === 'number') ? t.shape[i] : d));
  }
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), shape.length + 1, 'tensors');
  if (axis === null) return { output: null };
  return { output: [...shape.slice(0, axis), items.length, ...shape.slice(axis)] };
}

/** `torch.meshgrid(*tensors, indexing='ij')` (or one list of them): one grid per 0-D or 1-D input, each of all their lengths; 'xy' swaps the first two. */
function meshgridRule(ctx: RuleContext): RuleResult {
  const args = ctx.value('tensors');
  const listed = Array.isArray(args) && args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  const items = tensorList(listed);
  if (items === null || items.length === 0) return { output: null };
  const sizes: Dim[] = [];
  for (const t of items) {
    if (t.shape !== null && t.shape.length > 1) {
      ctx.error('rank-mismatch', `torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor of size ${formatShape(t.shape)}: ${t.origin}`, 'tensors');
      return { output: null };
    }
    sizes.push(t.shape === null ? null : t.shape.length === 0 ? 1 : t.shape[0]);
  }
  const indexing = ctx.has('indexing') ? ctx.str('indexing') : 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') return { output: null };
  const grid = indexing === 'xy' && sizes.length >= 2 ? [sizes[1], sizes[0], ...sizes.slice(2)] : sizes;
  return { output: new TupleOut(items.map(() => grid)) };
}

function withAxisSize(shape: Dim[], axis: number, size: Dim): Dim[] {
  const out = [...shape];
  out[axis] = size;
  return out;
}

/** torch.split: equal pieces of `split_size` (the last may be smaller), or the given section sizes. */
function splitRule(ctx: RuleContext, tensorName: string, sizeName: string): RuleResult {
  const input = shapeOf(ctx, tensorName);
  if (input === null) return { output: null };
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), input.length, tensorName);
  if (axis === null) return { output: null };
  const length = input[axis];
  const sizes = ctx.value(sizeName);
  if (Array.isArray(sizes)) {
    const sections = sizes.map((s) => asInt(s));
    const total = sections.reduce<Dim>((sum, s) => add(sum, s), 0);
    if (equalDims(total, length) === false) {
      ctx.error('reshape-size', `split_with_sizes expects split_sizes to sum exactly to ${dimToString(length)} (input tensor's size at dimension ${axis}), but got split_sizes=${bracketList(sections)}: the input is ${ctx.origin(tensorName)}`, sizeName);
    }
    return { output: new TupleOut(sections.map((s) => withAxisSize(input, axis, s))) };
  }
  const size = asInt(sizes);
  if (typeof size !== 'number' || size <= 0) return { output: null };
  if (typeof length !== 'number') {
    const pieces = divExact(length, size);
    return { output: typeof pieces === 'number' ? new TupleOut(Array.from({ length: pieces }, () => withAxisSize(input, axis, size))) : null };
  }
  const count = Math.max(1, Math.ceil(length / size));
  return { output: new TupleOut(Array.from({ length: count }, (_, i) => withAxisSize(input, axis, Math.min(size, length - i * size)))) };
}

/** torch.chunk: pieces of ceil(n / chunks); fewer pieces when they run out first. */
function chunkRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const chunks = ctx.int('chunks');
  if (input === null || typeof chunks !== 'number' || chunks <= 0) return { output: null };
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), input.length);
  if (axis === null) return { output: null };
  const length = input[axis];
  if (typeof length !== 'number') {
    const even = divExact(length, chunks);
    return { output: even === null ? null : new TupleOut(Array.from({ length: chunks }, () => withAxisSize(input, axis, even))) };
  }
  const each = Math.ceil(length / chunks);
  const count = each === 0 ? chunks : Math.ceil(length / each);
  return { output: new TupleOut(Array.from({ length: count }, (_, i) => withAxisSize(input, axis, each === 0 ? 0 : Math.min(each, length - i * each)))) };
}

function unbindRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  if (input === null) return { output: null };
  const axis = checkedAxis(ctx, 'dim', ctx.value('dim'), input.length);
  if (axis === null || typeof input[axis] !== 'number') return { output: null };
  const rest = input.filter((_, i) => i !== axis);
  return { output: new TupleOut(Array.from({ length: input[axis] as number }, () => rest)) };
}

// ---------------------------------------------------------------------------------------------
// expand, repeat, *_as.

function expandRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const sizes = listArgument(ctx.value('size'));
  if (sizes === null) return { output: null };
  const target = sizes.map((s) => asInt(s));
  if (input === null) return { output: target.map((d) => (d === -1 ? null : d)) };
  if (target.length < input.length) {
    ctx.error('rank-mismatch', `expand: the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${input.length}): the input is ${ctx.origin('input')}`, 'size');
    return { output: null };
  }
  const offset = target.length - input.length;
  const out = target.map((d, i) => {
    if (i < offset) return d;
    const existing = input[i - offset];
    if (d === -1) return existing;
    if (existing !== 1 && equalDims(existing, d) === false) {
      ctx.error('broadcast-mismatch', `The expanded size of the tensor (${dimToString(d)}) must match the existing size (${dimToString(existing)}) at non-singleton dimension ${i}.  Target sizes: ${bracketList(target)}.  Tensor sizes: ${bracketList(input)}: the input is ${ctx.origin('input')}`, 'size');
    }
    return d;
  });
  return { output: out };
}

function expandAsRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const other = shapeOf(ctx, 'other');
  if (input !== null && other !== null) {
    const result = broadcast(input, other);
    const grown = result.conflict !== undefined || input.length > other.length;
    if (grown) ctx.error('broadcast-mismatch', `expand_as: the tensor of shape ${formatShape(input)} cannot be expanded to shape ${formatShape(other)}: the input is ${ctx.origin('input')}; other is ${ctx.origin('other')}`, 'other');
  }
  return { output: other };
}

function repeatRule(ctx: RuleContext): RuleResult {
  const input = shapeOf(ctx);
  const sizes = listArgument(ctx.value('sizes'));
  if (sizes === null) return { output: null };
  const repeats = sizes.map((s) => asInt(s));
  if (input === null) return { output: null };
  if (repeats.length < input.length) {
    ctx.error('rank-mismatch', `Number of dimensions of repeat dims (${repeats.length}) can not be smaller than number of dimensions of tensor (${input.length}): the input is ${ctx.origin('input')}`, 'sizes');
    return { output: null };
  }
  const padded = [...Array(repeats.length - input.length).fill(1), ...input];
  return { output: repeats.map((r, i) => mul(r, padded[i])) };
}

function viewAsRule(ctx: RuleContext): RuleResult {
  const other = shapeOf(ctx, 'other');
  const input = shapeOf(ctx);
  if (other !== null && input !== null) {
    const total = product(input);
    const wanted = product(other);
    const ratio = monomialRatio(total, wanted);
    if (equalDims(total, wanted) === false || (ratio !== null && ratio !== 1)) {
      ctx.error('reshape-size', `shape '${bracketList(other)}' is invalid for input of size ${dimToString(total)}: the input is ${ctx.origin('input')}; other is ${ctx.origin('other')}`, 'other');
    }
  }
  return { output: other };
}

// ---------------------------------------------------------------------------------------------
// Creation: the *_like constructors and sizes given directly.

function sizeArgument(value: ArgValue): Shape {
  const list = listArgument(value);
  return list === null ? null : list.map((d) => asInt(d));
}

/** `torch.arange(end)`, `(start, end, step=1)`; `start`, `end` and `step` may also be keywords (`arange(start=0, end=half)`). */
function arangeRule(ctx: RuleContext): RuleResult {
  const args = ctx.value('args');
  if (!Array.isArray(args) || args.length > 3) return { output: [null] };
  const given = (name: string): ArgValue | undefined => (ctx.has(name) ? ctx.value(name) : undefined);
  const positional = args.length === 1 && given('end') === undefined ? [0, args[0]] : args;
  const start = given('start') ?? positional[0] ?? 0;
  const end = given('end') ?? positional[1];
  const step = given('step') ?? positional[2] ?? 1;
  if (end === undefined) return { output: [null] };
  if (typeof start === 'number' && typeof end === 'number' && typeof step === 'number' && step !== 0) {
    return { output: [Math.max(0, Math.ceil((end - start) / step))] };
  }
  const length = typeof step === 'number' && Number.isInteger(step) && step > 0 ? ceildiv(sub(asInt(end), asInt(start)), step) : null;
  return { output: [length] };
}

// ---------------------------------------------------------------------------------------------
// The definitions.

const OUT = keywordOnly('out');
const MEMORY_FORMAT = keywordOnly('memory_format');
const LIKE_KEYWORDS = ['dtype', 'layout', 'device', 'requires_grad', 'memory_format'].map((n) => keywordOnly(n, n === 'requires_grad' ? false : null));
const FACTORY_KEYWORDS = ['out', 'dtype', 'layout', 'device', 'requires_grad', 'pin_memory', 'generator', 'memory_format', 'names'].map((n) => keywordOnly(n, n === 'requires_grad' || n === 'pin_memory' ? false : null));

/** One op definition: its traced kind, the qualified names it answers to, its signature and rule. */
export function defs(kind: string, names: string[], params: Param[], infer: (ctx: RuleContext) => RuleResult): OpDef {
  return { kind, names, params, infer };
}

/** Same-signature torch function and Tensor method pairs: `torch.sum` and `Tensor.sum`. */
function both(name: string): string[] {
  return [`torch.${name}`, `Tensor.${name}`];
}

const shapeOps: OpDef[] = [
  defs('flatten', both('flatten'), [INPUT, param('start_dim', 0), param('end_dim', -1)], flattenRule),
  defs('unflatten', both('unflatten'), [INPUT, param('dim'), param('sizes')], unflattenRule),
  defs('view', ['Tensor.view'], [INPUT, { name: 'shape', varargs: true }], (ctx) => reshapeRule(ctx, listArgument(ctx.value('shape')), 'shape')),
  defs('reshape', ['Tensor.reshape'], [INPUT, { name: 'shape', varargs: true }], (ctx) => reshapeRule(ctx, listArgument(ctx.value('shape')), 'shape')),
  defs('reshape', ['torch.reshape'], [INPUT, param('shape')], (ctx) => reshapeRule(ctx, listArgument(ctx.value('shape')), 'shape')),
  defs('view_as', ['Tensor.view_as'], [INPUT, param('other')], viewAsRule),
  defs('reshape_as', ['Tensor.reshape_as'], [INPUT, param('other')], viewAsRule),
  defs('expand_as', ['Tensor.expand_as'], [INPUT, param('other')], expandAsRule),
  defs('type_as', ['Tensor.type_as'], [INPUT, param('other')], sameShape),
  defs('permute', ['Tensor.permute'], [INPUT, { name: 'dims', varargs: true }], (ctx) => permuteRule(ctx, 'dims')),
  defs('permute', ['torch.permute'], [INPUT, param('dims')], (ctx) => permuteRule(ctx, 'dims')),
  defs('transpose', [...both('transpose'), ...both('swapdims'), 'Tensor.transpose_'], [INPUT, param('dim0'), param('dim1')], (ctx) => transposeRule(ctx, 'dim0', 'dim1')),
  defs('swapaxes', both('swapaxes'), [INPUT, param('axis0'), param('axis1')], (ctx) => transposeRule(ctx, 'axis0', 'axis1')),
  defs('t', [...both('t'), 'Tensor.t_'], [INPUT], matrixTransposeRule),
  defs('movedim', [...both('movedim'), ...both('moveaxis')], [INPUT, param('source'), param('destination')], movedimRule),
  defs('squeeze', [...both('squeeze'), 'Tensor.squeeze_'], [INPUT, param('dim', null)], squeezeRule),
  defs('unsqueeze', [...both('unsqueeze'), 'Tensor.unsqueeze_'], [INPUT, param('dim')], unsqueezeRule),
  defs('expand', ['Tensor.expand'], [INPUT, { name: 'size', varargs: true }, keywordOnly('implicit', false)], expandRule),
  defs('repeat', ['Tensor.repeat'], [INPUT, { name: 'sizes', varargs: true }], repeatRule),
  defs('tile', both('tile'), [INPUT, param('dims')], (ctx) => {
    const input = shapeOf(ctx);
    const reps = sizeArgument(ctx.value('dims'));
    if (input === null || reps === null) return { output: null };
    const n = Math.max(input.length, reps.length);
    const paddedInput = [...Array(n - input.length).fill(1), ...input];
    const paddedReps = [...Array(n - reps.length).fill(1), ...reps];
    return { output: paddedInput.map((d, i) => mul(d, paddedReps[i])) };
  }),
];

const reductionKeywords = [keywordOnly('dtype')];
const reductionOps: OpDef[] = [
  defs('mean', both('mean'), [INPUT, param('dim', null), param('keepdim', false), ...reductionKeywords, OUT], reduceRule),
  defs('sum', both('sum'), [INPUT, param('dim', null), param('keepdim', false), ...reductionKeywords, OUT], reduceRule),
  defs('nansum', both('nansum'), [INPUT, param('dim', null), param('keepdim', false), ...reductionKeywords, OUT], reduceRule),
  defs('nanmean', both('nanmean'), [INPUT, param('dim', null), param('keepdim', false), ...reductionKeywords, OUT], reduceRule),
  defs('prod', both('prod'), [INPUT, param('dim', null), param('keepdim', false), ...reductionKeywords], reduceRule),
  defs('amax', both('amax'), [INPUT, param('dim', []), param('keepdim', false), OUT], reduceRule),
  defs('amin', both('amin'), [INPUT, param('dim', []), param('keepdim', false), OUT], reduceRule),
  defs('logsumexp', both('logsumexp'), [INPUT, param('dim'), param('keepdim', false), OUT], reduceRule),
  defs('all', both('all'), [INPUT, param('dim', null), param('keepdim', false), OUT], reduceRule),
  defs('any', both('any'), [INPUT, param('dim', null), param('keepdim', false), OUT], reduceRule),
  defs('count_nonzero', both('count_nonzero'), [INPUT, param('dim', null), keywordOnly('keepdim', false)], reduceRule),
  defs('std', both('std'), [INPUT, param('dim', null), param('unbiased', true), param('keepdim', false), keywordOnly('correction'), OUT], reduceRule),
  defs('var', both('var'), [INPUT, param('dim', null), param('unbiased', true), param('keepdim', false), keywordOnly('correction'), OUT], reduceRule),
  defs('norm', both('norm'), [INPUT, param('p', 'fro'), param('dim', null), param('keepdim', false), param('dtype', null)], reduceRule),
  defs('argmax', both('argmax'), [INPUT, param('dim', null), param('keepdim', false)], (ctx) => (ctx.value('dim') === null ? { output: [] } : reduceRule(ctx))),
  defs('argmin', both('argmin'), [INPUT, param('dim', null), param('keepdim', false)], (ctx) => (ctx.value('dim') === null ? { output: [] } : reduceRule(ctx))),
  defs('max', both('max'), [INPUT, param('dim', null), param('keepdim', false), keywordOnly('other'), OUT], maxMinRule),
  defs('min', both('min'), [INPUT, param('dim', null), param('keepdim', false), keywordOnly('other'), OUT], maxMinRule),
  defs('median', both('median'), [INPUT, param('dim', null), param('keepdim', false), OUT], valuesAndIndicesRule),
  defs('mode', both('mode'), [INPUT, param('dim', -1), param('keepdim', false), OUT], valuesAndIndicesRule),
  defs('kthvalue', both('kthvalue'), [INPUT, param('k'), param('dim', -1), param('keepdim', false), OUT], valuesAndIndicesRule),
  defs('sort', both('sort'), [INPUT, param('dim', -1), param('descending', false), keywordOnly('stable', false), OUT], sortRule),
  defs('argsort', both('argsort'), [INPUT, param('dim', -1), param('descending', false), keywordOnly('stable', false)], alongAxisRule),
  defs('topk', both('topk'), [INPUT, param('k'), param('dim', -1), param('largest', true), param('sorted', true), OUT], topkRule),
  defs('cumsum', both('cumsum'), [INPUT, param('dim'), keywordOnly('dtype'), OUT], alongAxisRule),
  defs('cumprod', both('cumprod'), [INPUT, param('dim'), keywordOnly('dtype'), OUT], alongAxisRule),
];

/** Elementwise functions of one tensor, with their in-place method forms. */
const UNARY = [
  'abs', 'neg', 'negative', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'square', 'sin', 'cos', 'tan',
  'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'floor', 'ceil', 'trunc', 'frac', 'sign', 'sgn', 'reciprocal',
  'erf', 'erfc', 'erfinv', 'logical_not', 'bitwise_not', 'isnan', 'isinf', 'isfinite', 'nan_to_num', 'angle', 'conj', 'real', 'imag',
];
const unaryOps: OpDef[] = UNARY.flatMap((name) => [
  defs(name, both(name), [INPUT, ...(name === 'nan_to_num' ? [param('nan', 0), param('posinf', null), param('neginf', null)] : []), OUT], sameShape),
  defs(`${name}_`, [`Tensor.${name}_`, `torch.${name}_`], [INPUT], sameShape),
]);

const conversionOps: OpDef[] = [
  defs('round', both('round'), [INPUT, keywordOnly('decimals', 0), OUT], sameShape),
  defs('round_', ['Tensor.round_', 'torch.round_'], [INPUT, keywordOnly('decimals', 0)], sameShape),
  defs('clamp', [...both('clamp'), ...both('clip')], [INPUT, param('min', null), param('max', null), OUT], sameShape),
  defs('clamp_', ['Tensor.clamp_', 'Tensor.clip_', 'torch.clamp_'], [INPUT, param('min', null), param('max', null)], sameShape),
  defs('clamp_min', both('clamp_min'), [INPUT, param('min')], sameShape),
  defs('clamp_max', both('clamp_max'), [INPUT, param('max')], sameShape),
  defs('contiguous', ['Tensor.contiguous'], [INPUT, param('memory_format', null)], sameShape),
  defs('clone', both('clone'), [INPUT, MEMORY_FORMAT], sameShape),
  // flip/roll reorder elements along axes; the shape stays.
  defs('flip', both('flip'), [INPUT, param('dims')], sameShape),
  defs('roll', both('roll'), [INPUT, param('shifts'), param('dims', null)], sameShape),
  defs('detach', [...both('detach'), 'Tensor.detach_'], [INPUT], sameShape),
  ...['float', 'double', 'half', 'bfloat16', 'long', 'int', 'short', 'bool', 'byte', 'char', 'cpu'].map((name) => defs(name, [`Tensor.${name}`], [INPUT, param('memory_format', null)], sameShape)),
  defs('to', ['Tensor.to'], [INPUT, { name: 'args', varargs: true }, { name: 'kwargs', varkw: true }], sameShape),
  defs('type', ['Tensor.type'], [INPUT, param('dtype', null), param('non_blocking', false), { name: 'kwargs', varkw: true }], sameShape),
  defs('cuda', ['Tensor.cuda'], [INPUT, param('device', null), param('non_blocking', false), MEMORY_FORMAT], sameShape),
  defs('requires_grad_', ['Tensor.requires_grad_'], [INPUT, param('requires_grad', true)], sameShape),
  defs('pin_memory', ['Tensor.pin_memory'], [INPUT], sameShape),
  defs('zero_', ['Tensor.zero_'], [INPUT], sameShape),
  defs('fill_', ['Tensor.fill_'], [INPUT, param('value')], sameShape),
  defs('normal_', ['Tensor.normal_'], [INPUT, param('mean', 0), param('std', 1), keywordOnly('generator')], sameShape),
  defs('uniform_', ['Tensor.uniform_'], [INPUT, param('from', 0), param('to', 1), keywordOnly('generator')], sameShape),
  defs('masked_fill', both('masked_fill'), [INPUT, param('mask'), param('value')], maskedFillRule),
  defs('masked_fill_', ['Tensor.masked_fill_'], [INPUT, param('mask'), param('value')], maskedFillRule),
];

/** Binary elementwise ops: the torch function, the Tensor method, the in-place method and the Python operators. */
interface BinarySpelling {
  kind: string;
  torchName?: string;
  operatorName?: string;
  inPlaceOperator?: string;
  /** The second parameter's name in PyTorch (`exponent` for pow). */
  otherName?: string;
  extraKeywords?: Param[];
}

const BINARY: BinarySpelling[] = [
  { kind: 'add', torchName: 'add', operatorName: 'add', inPlaceOperator: 'iadd', extraKeywords: [keywordOnly('alpha', 1)] },
  { kind: 'sub', torchName: 'sub', operatorName: 'sub', inPlaceOperator: 'isub', extraKeywords: [keywordOnly('alpha', 1)] },
  { kind: 'subtract', torchName: 'subtract', extraKeywords: [keywordOnly('alpha', 1)] },
  { kind: 'mul', torchName: 'mul', operatorName: 'mul', inPlaceOperator: 'imul' },
  { kind: 'multiply', torchName: 'multiply' },
  { kind: 'div', torchName: 'div', extraKeywords: [keywordOnly('rounding_mode')] },
  { kind: 'divide', torchName: 'divide', extraKeywords: [keywordOnly('rounding_mode')] },
  { kind: 'true_divide', torchName: 'true_divide' },
  { kind: 'truediv', operatorName: 'truediv', inPlaceOperator: 'itruediv' },
  { kind: 'floor_divide', torchName: 'floor_divide' },
  { kind: 'floordiv', operatorName: 'floordiv', inPlaceOperator: 'ifloordiv' },
  { kind: 'remainder', torchName: 'remainder' },
  { kind: 'fmod', torchName: 'fmod' },
  { kind: 'mod', operatorName: 'mod', inPlaceOperator: 'imod' },
  { kind: 'pow', torchName: 'pow', operatorName: 'pow', inPlaceOperator: 'ipow', otherName: 'exponent' },
  { kind: 'maximum', torchName: 'maximum' },
  { kind: 'minimum', torchName: 'minimum' },
  { kind: 'fmax', torchName: 'fmax' },
  { kind: 'fmin', torchName: 'fmin' },
  { kind: 'atan2', torchName: 'atan2' },
  { kind: 'hypot', torchName: 'hypot' },
  { kind: 'eq', torchName: 'eq', operatorName: 'eq' },
  { kind: 'ne', torchName: 'ne', operatorName: 'ne' },
  { kind: 'lt', torchName: 'lt', operatorName: 'lt' },
  { kind: 'le', torchName: 'le', operatorName: 'le' },
  { kind: 'gt', torchName: 'gt', operatorName: 'gt' },
  { kind: 'ge', torchName: 'ge', operatorName: 'ge' },
  { kind: 'logical_and', torchName: 'logical_and' },
  { kind: 'logical_or', torchName: 'logical_or' },
  { kind: 'logical_xor', torchName: 'logical_xor' },
  { kind: 'and', operatorName: 'and_', inPlaceOperator: 'iand' },
  { kind: 'or', operatorName: 'or_', inPlaceOperator: 'ior' },
  { kind: 'xor', operatorName: 'xor', inPlaceOperator: 'ixor' },
];

const binaryOps: OpDef[] = BINARY.flatMap((b) => {
  const other = b.otherName ?? 'other';
  const keywords = b.extraKeywords ?? [];
  const out: OpDef[] = [];
  const regular = (ctx: RuleContext) => broadcastRule(ctx, 'input', other, false);
  const inPlace = (ctx: RuleContext) => broadcastRule(ctx, 'input', other, true);
  if (b.torchName) {
    out.push(defs(b.kind, both(b.torchName), [INPUT, param(other), ...keywords, OUT], regular));
    out.push(defs(`${b.torchName}_`, [`Tensor.${b.torchName}_`], [INPUT, param(other), ...keywords], inPlace));
  }
  if (b.operatorName) out.push(defs(b.kind, [`operator.${b.operatorName}`], [INPUT, param('other')], (ctx) => broadcastRule(ctx, 'input', 'other', false)));
  if (b.inPlaceOperator) {
    const inPlaceKind = b.kind === 'truediv' ? 'div_' : `${b.torchName ?? b.kind}_`;
    out.push(defs(inPlaceKind, [`operator.${b.inPlaceOperator}`], [INPUT, param('other')], (ctx) => broadcastRule(ctx, 'input', 'other', true)));
  }
  return out;
});

const operatorUnaryOps: OpDef[] = [
  defs('neg', ['operator.neg'], [INPUT], (ctx) => ({ output: operandShape(ctx.value('input')) })),
  defs('pos', ['operator.pos'], [INPUT], (ctx) => ({ output: operandShape(ctx.value('input')) })),
  defs('invert', ['operator.invert'], [INPUT], (ctx) => ({ output: operandShape(ctx.value('input')) })),
  defs('abs', ['operator.abs'], [INPUT], (ctx) => ({ output: operandShape(ctx.value('input')) })),
  defs('where', ['torch.where'], [param('condition'), param('input', null), param('other', null), OUT], whereRule),
  defs('where', ['Tensor.where'], [INPUT, param('condition'), param('other')], whereRule),
];

const matrixOps: OpDef[] = [
  defs('matmul', both('matmul'), [INPUT, param('other'), OUT], matmulRule),
  defs('matmul', ['operator.matmul'], [INPUT, param('other')], matmulRule),
  defs('mm', both('mm'), [INPUT, param('mat2'), OUT], (ctx) => strictMatmulRule(ctx, 2)),
  defs('bmm', both('bmm'), [INPUT, param('mat2'), OUT], (ctx) => strictMatmulRule(ctx, 3)),
  defs('mv', both('mv'), [INPUT, param('vec'), OUT], (ctx) => ({ output: matmulShapes(ctx, shapeOf(ctx), shapeOf(ctx, 'vec'), 'input', 'vec') })),
  defs('dot', both('dot'), [INPUT, param('tensor'), OUT], (ctx) => ({ output: matmulShapes(ctx, shapeOf(ctx), shapeOf(ctx, 'tensor'), 'input', 'tensor') })),
  defs('outer', [...both('outer'), ...both('ger')], [INPUT, param('vec2'), OUT], outerRule),
  defs('einsum', ['torch.einsum'], [param('equation'), { name: 'operands', varargs: true }], einsumRule),
  // TensorFlow's and Keras 3's spellings take the same equation (and a `name=` / `optimize=`).
  defs('einsum', ['tensorflow.einsum', 'tensorflow.linalg.einsum', 'keras.ops.einsum'], [param('equation'), { name: 'operands', varargs: true }, { name: 'kwargs', varkw: true }], einsumRule),
];

const joinOps: OpDef[] = [
  defs('cat', ['torch.cat', 'torch.concat'], [param('tensors'), param('dim', 0), OUT], (ctx) => catRule(ctx, 'tensors', 'dim')),
  defs('concatenate', ['torch.concatenate'], [param('tensors'), param('axis', 0), OUT], (ctx) => catRule(ctx, 'tensors', 'axis')),
  defs('stack', ['torch.stack'], [param('tensors'), param('dim', 0), OUT], stackRule),
  defs('meshgrid', ['torch.meshgrid'], [{ name: 'tensors', varargs: true }, keywordOnly('indexing')], meshgridRule),
  defs('split', ['torch.split'], [param('tensor'), param('split_size_or_sections'), param('dim', 0)], (ctx) => splitRule(ctx, 'tensor', 'split_size_or_sections')),
  defs('split', ['Tensor.split'], [INPUT, param('split_size'), param('dim', 0)], (ctx) => splitRule(ctx, 'input', 'split_size')),
  defs('chunk', both('chunk'), [INPUT, param('chunks'), param('dim', 0)], chunkRule),
  defs('unbind', both('unbind'), [INPUT, param('dim', 0)], unbindRule),
];

const creationOps: OpDef[] = [
  ...['zeros_like', 'ones_like', 'empty_like', 'rand_like', 'randn_like'].map((name) => defs(name, [`torch.${name}`], [INPUT, ...LIKE_KEYWORDS], sameShape)),
  defs('randint_like', ['torch.randint_like'], [INPUT, { name: 'args', varargs: true }, ...LIKE_KEYWORDS], sameShape),
  defs('full_like', ['torch.full_like'], [INPUT, param('fill_value'), ...LIKE_KEYWORDS], sameShape),
  ...['zeros', 'ones', 'empty', 'rand', 'randn'].map((name) => defs(name, [`torch.${name}`], [{ name: 'size', varargs: true }, ...FACTORY_KEYWORDS], (ctx) => ({ output: sizeArgument(ctx.value('size')) }))),
  ...['new_zeros', 'new_ones', 'new_empty'].map((name) => defs(name, [`Tensor.${name}`], [INPUT, { name: 'size', varargs: true }, ...LIKE_KEYWORDS], (ctx) => ({ output: sizeArgument(ctx.value('size')) }))),
  defs('full', ['torch.full'], [param('size'), param('fill_value'), ...FACTORY_KEYWORDS], (ctx) => ({ output: sizeArgument(ctx.value('size')) })),
  // In place, to any number of elements (the interpreter rebinds the receiver: IN_PLACE_RESHAPES).
  defs('resize_', ['Tensor.resize_'], [INPUT, { name: 'size', varargs: true }, keywordOnly('memory_format')], (ctx) => ({ output: sizeArgument(ctx.value('size')) })),
  defs('resize_as_', ['Tensor.resize_as_'], [INPUT, param('the_template'), keywordOnly('memory_format')], (ctx) => ({ output: shapeOf(ctx, 'the_template') })),
  defs('new_full', ['Tensor.new_full'], [INPUT, param('size'), param('fill_value'), ...LIKE_KEYWORDS], (ctx) => ({ output: sizeArgument(ctx.value('size')) })),
  defs('arange', ['torch.arange'], [{ name: 'args', varargs: true }, ...['start', 'end', 'step'].map((n) => keywordOnly(n)), ...FACTORY_KEYWORDS], arangeRule),
  defs('linspace', ['torch.linspace'], [param('start'), param('end'), param('steps'), ...FACTORY_KEYWORDS], (ctx) => ({ output: [ctx.int('steps')] })),
  defs('eye', ['torch.eye'], [param('n'), param('m', null), ...FACTORY_KEYWORDS], (ctx) => ({ output: [ctx.int('n'), ctx.value('m') === null ? ctx.int('n') : ctx.int('m')] })),
];

export const ops: OpDef[] = [
  ...shapeOps,
  ...reductionOps,
  ...unaryOps,
  ...conversionOps,
  ...binaryOps,
  ...operatorUnaryOps,
  ...matrixOps,
  ...joinOps,
  ...creationOps,
];
