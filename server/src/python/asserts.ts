// The shapes users already write down, checked and used: `assert x.shape == (…)`,
// `assert tuple(y.shape[1:]) == …`, `assert x.size(1) == 64`, `assert model.output_shape == (None,
// 7, 7, 256)` (Keras), and `torch._assert(cond, msg)`.
//
// An assert is checked only where its condition compares a shape (or a size or rank read from a
// tensor or a Keras model) with a value, and reported under `shape-assert` only when the two are
// definitely different: sizes that are concrete numbers on both sides, or lengths that differ.
// A symbolic or unknown size never makes an error, and neither does `None` against a number
// (Keras's batch). An assert that holds or cannot be decided is silent; where it names a tensor
// whose sizes are unknown, the sizes it states become that tensor's (it is checked at run time, so
// the code after it may rely on it).
//
// A `# shape:` comment at the end of an assignment's line is read the same way (stated-dims.ts):
// checked against the assigned tensor, and filling in its unknown sizes.
//
// Like builtins.ts, library.ts and tensors.ts, these are functions of the interpreter and keep no
// state; what they report goes to the interpreter's trace.

import { isKnown } from '../shapes/dim';
import type { Dim } from '../shapes/dim';
import type { SyntaxNode } from '../syntax/parse';
import { lineLabel } from '../syntax/tree';
import type { Interpreter } from './interpreter';
import type { Scope } from './scope';
import type { RawDiagnostic } from './trace';
import { contradiction, describeDims, parseShapeComment, refinedShape, type StatedDim } from './stated-dims';
import type { TensorValue, Value } from './values';
import { formatShape } from '../shapes/shape';

/** Attribute and method names that read a shape, a size or a rank. */
const SHAPE_ATTRIBUTES = new Set(['shape', 'output_shape', 'input_shape', 'ndim']);
const SHAPE_METHODS = new Set(['size', 'dim', 'ndimension', 'get_shape']);

/** True when the expression reads a shape, size or rank somewhere (`x.shape[1:]`, `len(x.size())`). */
export function readsShape(node: SyntaxNode): boolean {
  if (node.type === 'attribute') {
    const attr = node.childForFieldName('attribute')?.text ?? '';
    if (SHAPE_ATTRIBUTES.has(attr)) return true;
    const parent = node.parent;
    if (SHAPE_METHODS.has(attr) && parent?.type === 'call' && parent.childForFieldName('function') === node) return true;
  }
  return node.namedChildren.some(readsShape);
}

/** `assert cond[, msg]`: checks the condition and lets what it states refine unknown sizes. */
export function checkAssert(interp: Interpreter, statement: SyntaxNode, scope: Scope): void {
  const cond = statement.namedChildren.find((c) => c.type !== 'comment');
  if (cond) checkCondition(interp, cond, scope);
}

/** `torch._assert(cond, msg)` written as a statement. */
export function isTorchAssertCall(interp: Interpreter, call: SyntaxNode, scope: Scope): SyntaxNode | null {
  if (call.type !== 'call') return null;
  const fn = call.childForFieldName('function');
  if (!fn || !/(^|\.)_assert$/.test(fn.text)) return null;
  const callee = interp.evalExpr(fn, scope);
  // A library name the engine does not model is a module value: `torch._assert` is one.
  if (!((callee.t === 'builtin' && !callee.self) || callee.t === 'module') || callee.name !== 'torch._assert') return null;
  const first = call.childForFieldName('arguments')?.namedChildren.find((c) => c.type !== 'comment' && c.type !== 'keyword_argument');
  return first ?? null;
}

export function checkCondition(interp: Interpreter, cond: SyntaxNode, scope: Scope): void {
  if (cond.type === 'parenthesized_expression' && cond.namedChildren.length === 1) return checkCondition(interp, cond.namedChildren[0], scope);
  if (cond.type === 'boolean_operator' && cond.childForFieldName('operator')?.type === 'and') {
    const left = cond.childForFieldName('left');
    const right = cond.childForFieldName('right');
    if (left) checkCondition(interp, left, scope);
    if (right) checkCondition(interp, right, scope);
    return;
  }
  if (cond.type !== 'comparison_operator') return;
  const operands = cond.namedChildren.filter((c) => c.type !== 'comment');
  const operators = cond.children.filter((c) => !c.isNamed);
  if (operands.length !== 2 || operators.length !== 1 || operators[0].type !== '==') return;
  let [shapeSide, otherSide] = operands;
  if (!readsShape(shapeSide)) [shapeSide, otherSide] = [otherSide, shapeSide];
  if (!readsShape(shapeSide)) return;
  const read = readShapeSide(interp, shapeSide, scope);
  const stated = interp.evalExpr(otherSide, scope);
  const equal = sameValue(read.value, stated);
  // A shape of another length than the guessed rank of a made-up symbolic input contradicts the guess.
  const lengths = [read.value, stated].map((v) => (v.t === 'tuple' || v.t === 'list' ? v.items.length : undefined));
  if (equal === false && interp.inputRankGuessed && lengths[0] !== undefined && lengths[1] !== undefined && lengths[0] !== lengths[1]) return;
  if (equal === false) {
    // After a model's first failing `output_shape` assert, the later ones fail because of it: they
    // join its related information instead of being errors of their own.
    const first = read.model ? firstFailure.get(read.model) : undefined;
    if (first && interp.trace.diagnostics.includes(first)) {
      first.related.push({ node: cond, message: `this assert fails too, after it: ${shapeSide.text} is ${describe(read.value, true)}` });
      return;
    }
    const keras = read.tensor?.framework === 'keras' || read.keras;
    const related = read.tensor?.origin.node ? [{ node: read.tensor.origin.node, message: `${shapeSide.text} comes from ${read.tensor.origin.text}` }] : [];
    interp.trace.addDiagnostic({
      code: 'shape-assert',
      message: `This assert fails: ${shapeSide.text} is ${describe(read.value, keras)}, but it states ${describe(stated, keras)}`,
      node: cond,
      related,
    });
    const kept = interp.trace.diagnostics.find((d) => d.node === cond && d.code === 'shape-assert');
    if (read.model && kept) firstFailure.set(read.model, kept);
    return;
  }
  if (read.target) refine(read.target.tensor, read.target.start, read.target.single, stated);
}

interface ShapeRead {
  value: Value;
  /** The tensor whose sizes are read, for messages. */
  tensor?: TensorValue;
  /** A Keras model's `output_shape`: its sizes print as Keras prints them. */
  keras?: boolean;
  /** The model whose `output_shape` is read. */
  model?: object;
  /** The tensor the assert may refine, and where the read sizes start in its shape. */
  target?: { tensor: TensorValue; start: number; single: boolean };
}

/**
 * Evaluates the side that reads a shape, recognising the forms that name one tensor's sizes:
 * `E.shape`, `E.size()`, `E.shape[k:]`, `E.shape[k]`, `E.size(k)`, any of them in `tuple(…)` or
 * `list(…)`; and a Keras model's `output_shape`.
 */
function readShapeSide(interp: Interpreter, node: SyntaxNode, scope: Scope): ShapeRead {
  let inner = node;
  if (inner.type === 'call' && /^(tuple|list)$/.test(inner.childForFieldName('function')?.text ?? '')) {
    const args = inner.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.length === 1) inner = args[0];
  }
  const modelShape = kerasModelShape(interp, inner, scope);
  if (modelShape) return modelShape;
  const form = tensorSizesForm(inner);
  if (!form) return { value: interp.evalExpr(node, scope) };
  const base = interp.evalExpr(form.base, scope);
  const value = interp.evalExpr(node, scope);
  if (base.t !== 'tensor') return { value };
  return { value, tensor: base, target: form.start === null ? undefined : { tensor: base, start: form.start, single: form.single } };
}

/** `E.shape`, `E.shape[k:]`, `E.shape[k]`, `E.size()`, `E.size(k)`: the tensor expression and where the sizes start. */
function tensorSizesForm(node: SyntaxNode): { base: SyntaxNode; start: number | null; single: boolean } | null {
  if (node.type === 'attribute' && node.childForFieldName('attribute')?.text === 'shape') return { base: node.childForFieldName('object')!, start: 0, single: false };
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'size') return null;
    const base = fn.childForFieldName('object')!;
    if (args.length === 0) return { base, start: 0, single: false };
    return args.length === 1 && args[0].type === 'integer' ? { base, start: Number(args[0].text), single: true } : null;
  }
  if (node.type === 'subscript') {
    const value = node.childForFieldName('value');
    const index = node.childForFieldName('subscript');
    if (value?.type !== 'attribute' || value.childForFieldName('attribute')?.text !== 'shape' || !index) return null;
    const base = value.childForFieldName('object')!;
    if (index.type === 'integer') return { base, start: Number(index.text), single: true };
    if (index.type === 'slice') {
      const parts = index.children.filter((c) => c.type !== 'comment');
      // `k:` only: a start written as a literal, nothing after the colon.
      const colon = parts.findIndex((c) => c.type === ':');
      const before = parts.slice(0, colon);
      const after = parts.slice(colon + 1);
      if (colon < 0 || after.length > 0 || before.length > 1) return { base, start: null, single: false };
      if (before.length === 0) return { base, start: 0, single: false };
      return before[0].type === 'integer' ? { base, start: Number(before[0].text), single: false } : { base, start: null, single: false };
    }
  }
  return null;
}

/** `model.output_shape` of a Keras Sequential or functional model: its output, worked out without recording anything. */
function kerasModelShape(interp: Interpreter, node: SyntaxNode, scope: Scope): ShapeRead | null {
  if (node.type !== 'attribute' || node.childForFieldName('attribute')?.text !== 'output_shape') return null;
  const model = interp.evalExpr(node.childForFieldName('object')!, scope);
  let out: Value = { t: 'unknown' };
  if (model.t === 'functional') out = model.outputs;
  else if (model.t === 'container' && model.kind === 'KerasSequential' && model.kerasInput !== undefined) {
    const wasEnabled = interp.trace.enabled;
    interp.trace.enabled = false;
    try {
      out = interp.applyModule(model, [{ t: 'unknown' }], new Map(), node);
    } catch (e) {
      // Out of budget: the caller's own run stops at its next step.
      out = { t: 'unknown' };
      if (!(e instanceof Error)) throw e;
    } finally {
      interp.trace.enabled = wasEnabled;
    }
  }
  if (out.t !== 'tensor' || out.shape === null) return { value: { t: 'unknown' }, keras: true, model };
  // Keras writes the unknown batch of `output_shape` as None.
  const value: Value = { t: 'tuple', items: out.shape.map((d): Value => (d === null ? { t: 'none' } : { t: 'int', v: d })) };
  return { value, tensor: out, keras: true, model };
}

/** The first failing `output_shape` assert of each model. */
const firstFailure = new WeakMap<object, RawDiagnostic>();

/** Python's `==` on sizes, decided only where it cannot be otherwise: concrete numbers, lengths. */
export function sameValue(a: Value, b: Value): boolean | undefined {
  if (a.t === 'int' && b.t === 'int') return typeof a.v === 'number' && typeof b.v === 'number' ? a.v === b.v : undefined;
  if (a.t === 'none' && b.t === 'none') return true;
  if ((a.t === 'tuple' || a.t === 'list') && a.t === b.t) {
    if (a.items.length !== b.items.length) return false;
    let all: boolean | undefined = true;
    for (let i = 0; i < a.items.length; i++) {
      const e = sameValue(a.items[i], b.items[i]);
      if (e === false) return false;
      if (e === undefined) all = undefined;
    }
    return all;
  }
  return undefined;
}

function describe(v: Value, keras: boolean | undefined): string {
  const unknown = keras ? 'None' : '?';
  if (v.t === 'int') return v.v === null ? unknown : String(v.v);
  if (v.t === 'none') return 'None';
  if (v.t === 'tuple' || v.t === 'list') {
    const items = v.items.map((i) => (i.t === 'int' || i.t === 'none' ? describe(i, keras) : unknown));
    const [open, close] = v.t === 'list' ? ['[', ']'] : ['(', ')'];
    return `${open}${items.join(', ')}${v.t === 'tuple' && items.length === 1 ? ',' : ''}${close}`;
  }
  return unknown;
}

/** A stated size, where it is a number: what an unknown size of the tensor becomes. */
function statedDim(v: Value): Dim | undefined {
  return v.t === 'int' && v.v !== null && isKnown(v.v) ? v.v : undefined;
}

/**
 * After an assert that may hold: the sizes it states replace the tensor's unknown ones (a rank
 * it states replaces an unknown rank). Known or symbolic sizes are kept.
 */
function refine(t: TensorValue, start: number, single: boolean, stated: Value): void {
  if (start < 0) return;
  if (single) {
    const d = statedDim(stated);
    if (d === undefined || t.shape === null || start >= t.shape.length || t.shape[start] !== null) return;
    t.shape = t.shape.map((x, i) => (i === start ? d : x));
    return;
  }
  if (stated.t !== 'tuple' && stated.t !== 'list') return;
  const items = stated.items;
  if (t.shape === null) {
    if (!items.every((i) => i.t === 'int' || i.t === 'none')) return;
    t.shape = [...Array<Dim>(start).fill(null), ...items.map((i) => statedDim(i) ?? null)];
    return;
  }
  if (t.shape.length !== start + items.length) return;
  t.shape = t.shape.map((x, i) => (x === null && i >= start ? statedDim(items[i - start]) ?? null : x));
}

/**
 * Whether a statement sits in a loop body of its function: there a `# shape:` comment may describe
 * one pass of the loop only (or, as in the fixtures, the last), so it is not checked.
 */
function inLoop(statement: SyntaxNode): boolean {
  for (let n = statement.parent; n; n = n.parent) {
    if (n.type === 'for_statement' || n.type === 'while_statement') return true;
    if (n.type === 'function_definition' || n.type === 'class_definition') return false;
  }
  return false;
}

const commentCache = new WeakMap<SyntaxNode, StatedDim[] | null>();

/**
 * The `# shape:` comment at the end of an assignment's line (`x = self.conv(x)  # shape: (B, 64, 8, 8)`),
 * read as the fixtures' expectation comments are: the text after `shape:` up to the next `#`.
 */
function shapeComment(statement: SyntaxNode): StatedDim[] | null {
  const cached = commentCache.get(statement);
  if (cached !== undefined) return cached;
  let found: StatedDim[] | null = null;
  const siblings = statement.parent?.children ?? [];
  const at = siblings.indexOf(statement);
  const next = at >= 0 ? siblings[at + 1] : undefined;
  if (next?.type === 'comment' && next.startPosition.row === statement.endPosition.row) {
    const m = /#\s*shape:\s*([^#]*)/.exec(next.text);
    if (m) found = parseShapeComment(m[1]);
  }
  commentCache.set(statement, found);
  return found;
}

/**
 * At `name = value  # shape: (…)`, before the value is assigned: the comment is checked against the
 * tensor (its names match any size), and fills in the sizes the tensor does not know.
 */
export function checkShapeComment(interp: Interpreter, assignment: SyntaxNode, value: Value): void {
  const statement = assignment.parent;
  if (value.t !== 'tensor' || statement?.type !== 'expression_statement' || inLoop(statement)) return;
  const dims = shapeComment(statement);
  if (!dims) return;
  const left = assignment.childForFieldName('left');
  if (!left || (left.type !== 'identifier' && left.type !== 'attribute')) return;
  const wrong = contradiction(value.shape, dims, new Map(), left.text, interp.inputRankGuessed);
  if (wrong) {
    const related = value.origin.node ? [{ node: value.origin.node, message: `${left.text} comes from ${value.origin.text}` }] : [];
    interp.trace.addDiagnostic({ code: 'shape-assert', message: `The # shape: comment says ${describeDims(dims)}, but ${left.text} is ${formatShape(value.shape, value.framework === 'keras' ? 'None' : '?')}: ${wrong}`, node: left, related });
    return;
  }
  const refined = refinedShape(value.shape, dims);
  if (!refined) return;
  value.inferred = value.shape;
  value.shape = refined;
  value.origin = { text: `${formatShape(refined, value.framework === 'keras' ? 'None' : '?')} from the # shape: comment at ${lineLabel(statement)}`, node: left };
}
