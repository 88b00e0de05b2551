// Shapes written as text in the code, read and compared with a tensor's: the dimension string of a
// jaxtyping annotation (`Float[Tensor, "b c h w"]`) and the tuple of a `# shape: (B, 64, 8, 8)`
// comment. A number is a size; a name is a size that may differ from run to run, kept the same
// wherever it appears in one function (jaxtyping's rule); `?`, `None`, `_` and expressions match
// anything; `...` and `*name` stand for any number of dimensions.
//
// Only definite contradictions come back: a rank that differs where no `...` allows it, a number
// against a different number, or a name bound to two different numbers. Symbolic and unknown
// sizes never contradict.

import { isKnown } from '../shapes/dim';
import type { Dim } from '../shapes/dim';
import type { Shape } from '../shapes/types';

export type StatedDim = { kind: 'number'; v: number } | { kind: 'name'; name: string } | { kind: 'any' } | { kind: 'rest' };

/** One item of a written shape. */
function statedDim(item: string): StatedDim {
  const s = item.trim();
  if (/^\d+$/.test(s)) return { kind: 'number', v: Number(s) };
  if (s === '...' || /^\*\w*$/.test(s)) return { kind: 'rest' };
  if (s === '?' || s === 'None' || s === '_' || s.startsWith('_') || s.startsWith('#')) return { kind: 'any' };
  if (/^[A-Za-z]\w*$/.test(s)) return { kind: 'name', name: s };
  return { kind: 'any' };
}

/** A jaxtyping dimension string: `"b c h w"`, `"batch 3 224 224"`, `"*batch channels"`. */
export function parseJaxtypingDims(text: string): StatedDim[] {
  const s = text.trim();
  return s === '' ? [] : s.split(/\s+/).map(statedDim);
}

const SIMPLE_ITEM = /^(\d+|[A-Za-z_]\w*|\?|\.\.\.|\*\w*)$/;

/**
 * A `# shape:` comment's body: `(B, 64, 8, 8)`, `[N, 10]`, `(N,)`, `B x 3 x 32 x 32`, `N, C, H, W`,
 * `()`; null when it is not plainly a shape (`(B, C) -> (B, 10)`, prose), which is then not checked.
 */
export function parseShapeComment(text: string): StatedDim[] | null {
  const s = text.trim();
  // `(?)` is how a shape of unknown rank prints: it states nothing.
  if (s === '(?)') return null;
  const bracketed = /^([([])([^()[\]]*)([)\]])$/.exec(s);
  const body = bracketed ? bracketed[2].trim() : s;
  if (bracketed && (bracketed[1] === '(') !== (bracketed[3] === ')')) return null;
  if (body === '') return bracketed ? [] : null;
  // Without brackets (`64x64`, `C, H, W`) the sizes may be the last ones only: they align from the right.
  const loose = (dims: StatedDim[]): StatedDim[] => (bracketed ? dims : [{ kind: 'rest' }, ...dims]);
  if (body.includes(',')) {
    const items = body.replace(/,\s*$/, '').split(',').map((i) => i.trim());
    // Items are sizes, names or simple expressions (`C*H*W`); a sentence is not a shape.
    if (items.some((i) => i === '' || /\s/.test(i))) return null;
    return loose(items.map(statedDim));
  }
  const crossed = body.split(/\s*[x×]\s*/);
  if (crossed.length >= 2 && crossed.every((i) => SIMPLE_ITEM.test(i))) return (bracketed ? crossed.map(statedDim) : loose(crossed.map(statedDim)));
  // One item: `[N]` or `(N,)` (handled above); `(N)` is no tuple.
  if (bracketed?.[1] === '[' && SIMPLE_ITEM.test(body)) return [statedDim(body)];
  return null;
}

export function describeDims(dims: StatedDim[]): string {
  const one = (d: StatedDim) => (d.kind === 'number' ? String(d.v) : d.kind === 'name' ? d.name : d.kind === 'rest' ? '...' : '?');
  return `(${dims.map(one).join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/**
 * Compares a tensor's shape with written dims. `names` holds what each name was bound to in this
 * function (and is extended); returns the contradiction in words, or undefined.
 */
export function contradiction(shape: Shape, dims: StatedDim[], names: Map<string, { size: number; where: string }>, where: string, rankGuessed = false): string | undefined {
  if (shape === null) return undefined;
  const rest = dims.findIndex((d) => d.kind === 'rest');
  const fixed = dims.filter((d) => d.kind !== 'rest').length;
  // Against a guessed rank (a made-up symbolic input), another rank is no contradiction, and the
  // axes cannot be paired.
  if (rankGuessed && (rest < 0 ? shape.length !== dims.length : shape.length < fixed)) return undefined;
  if (rest < 0 && shape.length !== dims.length) return `it has ${shape.length} dimensions, not ${dims.length}`;
  if (rest >= 0 && shape.length < fixed) return `it has ${shape.length} dimensions, fewer than ${fixed}`;
  // Dims before a `...` align from the left, those after it from the right.
  const pairs: { d: StatedDim; size: Dim; axis: number }[] = [];
  const head = rest < 0 ? dims : dims.slice(0, rest);
  head.forEach((d, i) => pairs.push({ d, size: shape[i], axis: i }));
  if (rest >= 0) {
    const tail = dims.slice(rest + 1);
    tail.forEach((d, k) => {
      const axis = shape.length - tail.length + k;
      pairs.push({ d, size: shape[axis], axis });
    });
  }
  for (const { d, size, axis } of pairs) {
    if (!isKnown(size)) continue;
    if (d.kind === 'number' && d.v !== size) return `axis ${axis} is ${size}, not ${d.v}`;
    if (d.kind === 'name') {
      const bound = names.get(d.name);
      if (bound && bound.size !== size) return `${d.name} is ${size} at axis ${axis}, but ${bound.size} in ${bound.where}`;
      if (!bound) names.set(d.name, { size, where });
    }
  }
  return undefined;
}

/**
 * The sizes the written dims give a tensor whose own are unknown: numbers fill unknown sizes; an
 * unknown rank takes the written one where no `...` hides it. Undefined when nothing changes.
 */
export function refinedShape(shape: Shape, dims: StatedDim[]): Shape | undefined {
  if (dims.some((d) => d.kind === 'rest')) return undefined;
  const stated = dims.map((d): Dim => (d.kind === 'number' ? d.v : null));
  if (shape === null) return stated;
  if (shape.length !== dims.length || !shape.some((s, i) => s === null && stated[i] !== null)) return undefined;
  return shape.map((s, i) => (s === null ? stated[i] : s));
}
