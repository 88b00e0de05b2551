// The call the cursor is in, read from the text alone: completion and signature help run on
// half-typed code (`nn.Linear(` with nothing after it), where the syntax tree has ERROR nodes. A
// backward scan over brackets and strings finds the open parenthesis, the callee's dotted name,
// the arguments typed so far and the one being typed; the layer catalog (shapes/registry.ts)
// names its parameters. Nothing here throws: what cannot be read gives undefined.

import { allLayers } from '../shapes/registry';
import type { Framework, LayerDef, Param } from '../shapes/types';

export interface CallContext {
  /** The callee as written: `nn.Linear`, `layers.Dense`, `x.view`. */
  callee: string;
  /** Offset of the callee's first character. */
  calleeStart: number;
  /** Offset of the open parenthesis. */
  open: number;
  /** Offset of the matching close parenthesis, or -1 while it is not written. */
  close: number;
  /** The arguments before the one being typed, as written. */
  before: string[];
  /** The text of the argument being typed, up to the cursor. */
  partial: string;
  /** Its keyword when it is written `name=...`. */
  keyword: string | undefined;
  /** Where the partial argument starts. */
  partialStart: number;
  /** True when the cursor is inside a tuple or list that is itself an argument of the call (`Reshape((|`). */
  inTuple: boolean;
}

const OPENERS = '([{';
const CLOSERS = ')]}';

/** Offsets of string literals and comments, skipped by the scans (a rough lexer: enough for brackets). */
function maskStrings(text: string): Uint8Array {
  const mask = new Uint8Array(text.length);
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      mask.fill(1, i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < text.length && !text.startsWith(quote, j) && (triple || text[j] !== '\n')) j += text[j] === '\\' ? 2 : 1;
      const stop = Math.min(text.length, j + quote.length);
      mask.fill(1, i, stop);
      i = stop;
    } else i++;
  }
  return mask;
}

/** The unmatched opening bracket before `offset`, or -1. */
function unmatchedOpen(text: string, mask: Uint8Array, offset: number): number {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    if (mask[i]) continue;
    const c = text[i];
    if (CLOSERS.includes(c)) depth++;
    else if (OPENERS.includes(c)) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** The matching close of the bracket at `open`, or -1 when it is not written. */
function matchingClose(text: string, mask: Uint8Array, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (mask[i]) continue;
    const c = text[i];
    if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) {
      depth--;
      if (depth === 0) return c === ')' ? i : -1;
    }
  }
  return -1;
}

/** Splits an argument list at its top-level commas. */
export function splitTopLevel(text: string): string[] {
  const mask = maskStrings(text);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (mask[i]) continue;
    const c = text[i];
    if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The call around `offset`, or undefined outside any call (or inside a string or comment). */
export function callAt(text: string, offset: number): CallContext | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  const mask = maskStrings(text);
  if (offset > 0 && mask[offset - 1] && offset < text.length && mask[offset]) return undefined;
  let open = unmatchedOpen(text, mask, offset);
  let inTuple = false;
  let callee = open < 0 ? undefined : /([A-Za-z_][\w.]*)\s*$/.exec(text.slice(Math.max(0, open - 200), open))?.[1];
  if (open >= 0 && callee === undefined) {
    // A tuple or list argument: `Reshape((7, |`; the call is one level up.
    const outer = unmatchedOpen(text, mask, open);
    const outerCallee = outer < 0 ? undefined : /([A-Za-z_][\w.]*)\s*$/.exec(text.slice(Math.max(0, outer - 200), outer))?.[1];
    if (outerCallee !== undefined && text[outer] === '(') {
      inTuple = true;
      const inner = open;
      const calleeStart = text.lastIndexOf(outerCallee, outer);
      return { callee: outerCallee, calleeStart, open: outer, close: closeOf(text, mask, outer, calleeStart), ...argumentsAt(text, inner + 1, offset), keyword: undefined, inTuple };
    }
  }
  if (open < 0 || text[open] !== '(' || callee === undefined) return undefined;
  const calleeStart = text.lastIndexOf(callee, open);
  return { callee, calleeStart, open, close: closeOf(text, mask, open, calleeStart), ...argumentsAt(text, open + 1, offset), inTuple };
}

/**
 * The close of the call opened at `open`, or -1 while it is not typed. A half-typed item of a
 * Sequential (`nn.Linear(` above the Sequential's own `)`) takes the outer bracket's close: when
 * giving it to the call leaves the outer bracket unclosed, the call is the one left open.
 */
function closeOf(text: string, mask: Uint8Array, open: number, calleeStart: number): number {
  const close = matchingClose(text, mask, open);
  if (close < 0) return -1;
  const outer = unmatchedOpen(text, mask, calleeStart);
  return outer >= 0 && matchingClose(text, mask, outer) < 0 ? -1 : close;
}

function argumentsAt(text: string, from: number, offset: number): Pick<CallContext, 'before' | 'partial' | 'keyword' | 'partialStart'> {
  const args = splitTopLevel(text.slice(from, offset));
  const partial = args[args.length - 1];
  const keyword = /^\s*([A-Za-z_]\w*)\s*=(?!=)/.exec(partial)?.[1];
  return { before: args.slice(0, -1), partial, keyword, partialStart: offset - partial.length };
}

/** The framework the file imports: torch, keras, or undefined when it imports neither or both. */
export function fileFramework(text: string): Framework | undefined {
  const torch = /^\s*(import|from)\s+torch\b/m.test(text);
  const keras = /^\s*(import|from)\s+(tensorflow|keras|tf_keras)\b/m.test(text);
  return torch === keras ? undefined : torch ? 'torch' : 'keras';
}

/** The catalog's layer a callee names (`nn.Conv2d`, `torch.nn.Conv2d`, `layers.Dense`, `Dense`), preferring the file's framework. */
export function layerFor(callee: string, text: string): LayerDef | undefined {
  const last = callee.slice(callee.lastIndexOf('.') + 1);
  if (!/^[A-Z]/.test(last)) return undefined;
  const candidates = allLayers.filter((d) => d.names.some((n) => n.slice(n.lastIndexOf('.') + 1) === last));
  if (candidates.length <= 1) return candidates[0];
  const framework = /\b(nn|torch)\./.test(callee) ? 'torch' : /\b(layers|keras)\./.test(callee) ? 'keras' : fileFramework(text);
  return candidates.find((d) => d.framework === framework) ?? candidates[0];
}

/** The parameter the argument being typed binds to (by keyword, else by position), or undefined. */
export function activeParam(def: LayerDef, call: CallContext): Param | undefined {
  if (call.keyword !== undefined) return def.params.find((p) => p.name === call.keyword && !p.varargs && !p.varkw);
  // Keyword arguments typed before this one leave the positional count alone.
  const positional = call.before.filter((a) => !/^\s*[A-Za-z_]\w*\s*=(?!=)/.test(a)).length;
  const slots = def.params.filter((p) => !p.kwOnly && !p.varkw);
  const index = Math.min(positional, slots.length - 1);
  const param = slots[index];
  if (param === undefined) return undefined;
  return param.varargs || index === positional ? param : undefined;
}
