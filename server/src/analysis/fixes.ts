// Quick-fix text for a wrong number, written in the user's style: a product of literals stays a
// product (`6*14*14` becomes `6*7*7`, spacing kept) when the right value is the product of the
// sizes it was flattened from; a literal stays a literal.

import type { Shape } from '../shapes/types';
import type { Fix, Range } from './result';

export function writeFix(original: string, value: number, flattenedFrom: Shape, range: Range): Fix {
  return { title: `Change ${original.trim()} to ${fixText(original, value, flattenedFrom)}`, range, newText: fixText(original, value, flattenedFrom) };
}

export function fixText(original: string, value: number, flattenedFrom: Shape): string {
  const product = /^\s*\d+(\s*\*\s*\d+)+\s*$/.test(original);
  if (!product || !flattenedFrom) return String(value);
  const separator = /\s\*\s/.test(original) ? ' * ' : '*';
  const dims = flattenedFrom.slice(1);
  if (dims.length > 1 && dims.every((d): d is number => typeof d === 'number') && dims.reduce((a, b) => a * b, 1) === value) return dims.join(separator);
  return String(value);
}
