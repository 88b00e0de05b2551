// jaxtyping annotations: `def forward(self, x: Float[Tensor, "b c h w"]) -> Float[Tensor, "b 10"]`.
// When a function runs, each annotated tensor argument and its return value are compared with
// their dimension strings, the named dimensions kept the same across the function's parameters and
// return; a definite contradiction is a `shape-assert` error on the annotation. An annotated
// argument whose sizes are unknown takes the numbers its annotation states; an annotated
// `forward`/`call` input gives the model its input where nothing else does (analysis/analyze.ts).
//
// Functions of the interpreter, like asserts.ts; the dims are read by stated-dims.ts.

import { sym } from '../shapes/dim';
import type { Dim } from '../shapes/dim';
import { formatShape } from '../shapes/shape';
import type { Framework, Shape } from '../shapes/types';
import type { SyntaxNode } from '../syntax/parse';
import type { Interpreter } from './interpreter';
import type { Scope } from './scope';
import { contradiction, parseJaxtypingDims, refinedShape, type StatedDim } from './stated-dims';
import type { Value } from './values';

/** jaxtyping's array-type names: `Float`, `Float32`, `Int`, `Shaped`, `Bool`… */
const ARRAY_TYPES = /^(Float|Int|UInt|Bool|Shaped|Real|Num|Integer|Inexact|Complex|Key|BFloat16|Float\d+|Int\d+|UInt\d+|Complex\d+)$/;

/** The dims of a jaxtyping annotation (`Float[Tensor, "b c h w"]`), or null when the type is not one. */
export function jaxtypingDims(type: SyntaxNode | null): StatedDim[] | null {
  let node = type;
  if (node?.type === 'type') node = node.namedChildren[0] ?? null;
  // The grammar writes `Float[Tensor, "b c"]` as a generic type or as a subscript, by version.
  if (!node || (node.type !== 'subscript' && node.type !== 'generic_type')) return null;
  const head = node.namedChildren[0];
  const name = head?.text.split('.').pop() ?? '';
  if (!ARRAY_TYPES.test(name)) return null;
  const strings = node.descendantsOfType('string');
  const last = strings[strings.length - 1];
  if (!last) return null;
  const content = last.namedChildren.filter((c) => c.type === 'string_content').map((c) => c.text).join('');
  return parseJaxtypingDims(content);
}

/** The annotated parameters of a function (after `self`), with their dims. */
function annotatedParameters(fn: SyntaxNode): { name: string; dims: StatedDim[]; node: SyntaxNode }[] {
  const out: { name: string; dims: StatedDim[]; node: SyntaxNode }[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type !== 'typed_parameter' && p.type !== 'typed_default_parameter') continue;
    const name = p.type === 'typed_parameter' ? p.namedChildren.find((c) => c.type === 'identifier')?.text : p.childForFieldName('name')?.text;
    const type = p.childForFieldName('type');
    const dims = jaxtypingDims(type);
    if (name && dims && type) out.push({ name, dims, node: type });
  }
  return out;
}

const annotatedCache = new WeakMap<SyntaxNode, boolean>();

/** Whether a function carries any jaxtyping annotation (looked at once per function). */
function hasAnnotations(fn: SyntaxNode): boolean {
  let known = annotatedCache.get(fn);
  if (known === undefined) {
    known = annotatedParameters(fn).length > 0 || jaxtypingDims(fn.childForFieldName('return_type')) !== null;
    annotatedCache.set(fn, known);
  }
  return known;
}

export type NamedDims = Map<string, { size: number; where: string }>;

/** Checks the annotated tensor arguments of a function just called; returns the names they bound. */
export function checkParameterAnnotations(interp: Interpreter, fn: SyntaxNode, scope: Scope): NamedDims | undefined {
  if (fn.type !== 'function_definition' || !hasAnnotations(fn)) return undefined;
  const names: NamedDims = new Map();
  for (const p of annotatedParameters(fn)) {
    const v = scope.vars.get(p.name);
    if (v?.t !== 'tensor') continue;
    const wrong = contradiction(v.shape, p.dims, names, p.name, interp.inputRankGuessed);
    if (wrong) {
      report(interp, p.node, `${p.name} is ${formatShape(v.shape, v.framework === 'keras' ? 'None' : '?')}, which its annotation ${p.node.text} contradicts: ${wrong}`, v);
      continue;
    }
    const refined = refinedShape(v.shape, p.dims);
    if (refined) v.shape = refined;
  }
  return names;
}

/** Checks a function's return value against its annotation, with the names its arguments bound. */
export function checkReturnAnnotation(interp: Interpreter, fn: SyntaxNode, value: Value, names: NamedDims | undefined): void {
  if (!names || value.t !== 'tensor') return;
  const type = fn.childForFieldName('return_type');
  const dims = jaxtypingDims(type);
  if (!dims || !type) return;
  const wrong = contradiction(value.shape, dims, names, 'the result', interp.inputRankGuessed);
  if (wrong) report(interp, type, `the result is ${formatShape(value.shape, value.framework === 'keras' ? 'None' : '?')}, which the annotation ${type.text} contradicts: ${wrong}`, value);
}

function report(interp: Interpreter, node: SyntaxNode, message: string, v: Value): void {
  const related = v.t === 'tensor' && v.origin.node ? [{ node: v.origin.node, message: `it comes from ${v.origin.text}` }] : [];
  interp.trace.addDiagnostic({ code: 'shape-assert', message, node, related });
}

/**
 * The inputs an annotated `forward`/`call` states (`x: Float[Tensor, "b 3 32 32"]`): numbers as
 * written, names as symbols (the batch unknown for Keras). Undefined when a parameter is not
 * annotated, or a dimension string has `...` or `*name`, or it states no size at all (then the
 * usual symbolic input, which knows the first layer's channels, says more).
 */
export function annotatedInputs(fn: SyntaxNode, framework: Framework): Shape[] | undefined {
  const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((p) => p.type !== 'comment');
  const rest = params.slice(1).filter((p) => p.type === 'identifier' || p.type === 'typed_parameter');
  if (rest.length === 0) return undefined;
  const shapes: Shape[] = [];
  for (const p of rest) {
    const dims = p.type === 'typed_parameter' ? jaxtypingDims(p.childForFieldName('type')) : null;
    if (!dims || dims.some((d) => d.kind === 'rest')) return undefined;
    shapes.push(dims.map((d, i): Dim => (d.kind === 'number' ? d.v : d.kind === 'name' && !(framework === 'keras' && i === 0) ? sym(d.name) : null)));
  }
  if (!shapes.some((s) => s!.some((d) => typeof d === 'number'))) return undefined;
  return shapes;
}
