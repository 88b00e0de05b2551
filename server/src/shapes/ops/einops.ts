// einops: `rearrange`, `reduce` and `repeat` (and the `Rearrange`/`Reduce` layers) read their
// pattern, as einops documents it (https://einops.rocks/api/rearrange/): each side is a list of
// axes, a parenthesised group is the product of its members, `...` stands for the axes the
// pattern does not name, a number is an axis of that length (`1`, or `()` for an empty group).
// Axis lengths come from the input and from the keywords (`h=8`); a group's one unknown member
// is the axis length divided by the others. A pattern we cannot read answers unknown.

import { add, Dim, divExact, equalDims, mul } from '../dim';
import { formatShape } from '../shape';
import { LayerDef, OpDef, Param, RuleContext, RuleResult, Shape } from '../types';
import { defs, INPUT, listArgument, operandShape, param, shapeOf } from './tensor';

/** One composite axis of a side: its members (names, lengths, `...`), grouped or not. */
interface Composite {
  members: (string | number)[];
  grouped: boolean;
}

const ELLIPSIS = '...';

/** The composite axes of one side of a pattern; null where it does not parse. */
function parseSide(text: string): Composite[] | null {
  const tokens = text.replace(/…/g, ELLIPSIS).match(/\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S/g) ?? [];
  const out: Composite[] = [];
  let group: (string | number)[] | null = null;
  for (const t of tokens) {
    if (t === '(') {
      if (group) return null;
      group = [];
    } else if (t === ')') {
      if (!group) return null;
      out.push({ members: group, grouped: true });
      group = null;
    } else {
      const member = /^\d+$/.test(t) ? Number(t) : /^[A-Za-z_]/.test(t) || t === ELLIPSIS ? t : null;
      if (member === null) return null;
      if (group) group.push(member);
      else out.push({ members: [member], grouped: false });
    }
  }
  return group ? null : out;
}

/** The pattern's einops verb as it names it in messages (`rearrange`, `mean`, `repeat`). */
function verbOf(ctx: RuleContext, verb: string): string {
  return verb === 'reduce' ? (ctx.str('reduction') ?? 'reduce') : verb;
}

/**
 * The output shape of `verb(tensor, pattern, **lengths)`: the lengths named on the left are read
 * from the input, those on the right come from there or from the keywords.
 */
function einopsShape(ctx: RuleContext, input: Dim[], pattern: string, verb: string, origin: string): Dim[] | null {
  const sides = pattern.split('->');
  if (sides.length !== 2) return null;
  const left = parseSide(sides[0]);
  const right = parseSide(sides[1]);
  if (!left || !right) return null;
  const sizes = new Map<string, Dim>();
  const keyword = (name: string): Dim | undefined => (ctx.has(name) ? ctx.int(name) : undefined);
  const where = () => `the ${verbOf(ctx, verb)} pattern "${pattern}" on ${formatShape(input)}: ${origin}`;
  const hasEllipsis = left.some((c) => c.members.includes(ELLIPSIS));
  const named = left.filter((c) => !(c.members.length === 1 && c.members[0] === ELLIPSIS)).length;
  if (hasEllipsis ? input.length < named : input.length !== named) {
    ctx.error('rank-mismatch', `Wrong shape: expected ${hasEllipsis ? `>=${named}` : named} dims. Received ${input.length}-dim tensor: ${where()}`, 'pattern');
    return null;
  }
  let axis = 0;
  let ellipsis: Dim[] = [];
  for (const c of left) {
    if (c.members.length === 1 && c.members[0] === ELLIPSIS) {
      ellipsis = input.slice(axis, axis + input.length - named);
      axis += ellipsis.length;
      continue;
    }
    // An ellipsis inside a group on the left is not allowed by einops.
    if (c.members.includes(ELLIPSIS)) return null;
    const length = input[axis++];
    // Each member's length: written, given as a keyword (null where the keyword's value is
    // unknown), or undefined where it is to be found from the axis.
    const given = c.members.map((m) => (typeof m === 'number' ? m : keyword(m)));
    const unknown = c.members.filter((m, i): m is string => typeof m === 'string' && given[i] === undefined);
    for (const [i, m] of c.members.entries()) if (typeof m === 'string' && given[i] !== undefined) sizes.set(m, given[i]!);
    const knownProduct = given.reduce<Dim>((a, b) => (b === undefined ? a : mul(a, b)), 1);
    if (given.some((d) => d === null)) {
      // A length we cannot read leaves the others in its group unknown too.
      for (const m of unknown) sizes.set(m, null);
    } else if (unknown.length === 0) {
      if (typeof length === 'number' && typeof knownProduct === 'number' && length !== knownProduct) {
        ctx.error('reshape-size', `Shape mismatch, ${length} != ${knownProduct}: ${where()}`, 'pattern');
        return null;
      }
    } else if (unknown.length === 1) {
      const size = divExact(length, knownProduct);
      if (size === null && typeof length === 'number' && typeof knownProduct === 'number' && knownProduct > 0) {
        ctx.error('reshape-size', `Shape mismatch, can't divide axis of length ${length} in chunks of ${knownProduct}: ${where()}`, 'pattern');
        return null;
      }
      sizes.set(unknown[0], size);
    } else for (const m of unknown) sizes.set(m, null);
  }
  // Every name on the right is on the left, or (repeat) given as a keyword.
  const out: Dim[] = [];
  for (const c of right) {
    if (!c.grouped && c.members[0] === ELLIPSIS) {
      if (!hasEllipsis) return null;
      out.push(...ellipsis);
      continue;
    }
    let product: Dim = 1;
    for (const m of c.members) {
      if (m === ELLIPSIS) {
        if (!hasEllipsis) return null;
        product = ellipsis.reduce<Dim>((a, b) => mul(a, b), product);
      } else if (typeof m === 'number') product = mul(product, m);
      else {
        const size = sizes.has(m) ? sizes.get(m)! : verb === 'repeat' ? keyword(m) : undefined;
        if (size === undefined) return null;
        product = mul(product, size);
      }
    }
    out.push(product);
  }
  return out;
}

function einopsRule(ctx: RuleContext, verb: string, layer = false): RuleResult {
  const input = layer ? ctx.inputs[0] ?? null : shapeOf(ctx);
  const pattern = ctx.str('pattern');
  // The layers hold no parameters.
  const params = layer ? { params: 0 } : {};
  if (input === null || pattern === null) return { output: null, ...params };
  return { output: einopsShape(ctx, input, pattern, verb, layer ? ctx.origin(0) : ctx.origin('input')), ...params };
}

const LENGTHS: Param = { name: 'axes_lengths', varkw: true };

/** Two sizes broadcast together: a 1 takes the other, unequal sizes (neither 1) give undefined. */
function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (a === 1) return b;
  if (b === 1) return a;
  if (equalDims(a, b) === false) return undefined;
  return a ?? b;
}

/**
 * einops's `einsum(*tensors, pattern)` (https://einops.rocks/api/einsum/): axis names of any
 * length separated by spaces, `...` for the axes a term does not name (broadcast across the
 * operands, aligned on the right), the output named after `->`. Unknown where a shape or the
 * pattern is, or where the operands disagree (einops raises there; the engine leaves it unknown).
 */
function einopsEinsumRule(ctx: RuleContext): RuleResult {
  const values = listArgument(ctx.value('operands'));
  const pattern = values?.[values.length - 1];
  if (!values || values.length < 2 || typeof pattern !== 'string') return { output: null };
  const sides = pattern.split('->');
  if (sides.length !== 2) return { output: null };
  const names = (text: string) => text.trim().split(/\s+/).filter((t) => t !== '');
  const terms = sides[0].split(',').map(names);
  const operands = values.slice(0, -1);
  if (terms.length !== operands.length) return { output: null };
  const sizes = new Map<string, Dim>();
  let ellipsis: Dim[] | undefined;
  for (let i = 0; i < terms.length; i++) {
    const shape = operandShape(operands[i]);
    const term = terms[i];
    const at = term.indexOf(ELLIPSIS);
    if (shape === null || term.lastIndexOf(ELLIPSIS) !== at || !term.every((t) => t === ELLIPSIS || /^[A-Za-z_]\w*$/.test(t))) return { output: null };
    const named = at < 0 ? term.length : term.length - 1;
    if (at < 0 ? shape.length !== named : shape.length < named) return { output: null };
    const rest = shape.length - named;
    const dims = at < 0 ? term.map((n, j) => [n, shape[j]] as const) : [...term.slice(0, at).map((n, j) => [n, shape[j]] as const), ...term.slice(at + 1).map((n, j) => [n, shape[at + rest + j]] as const)];
    for (const [name, d] of dims) {
      const seen = sizes.get(name);
      const joined = seen === undefined ? d : broadcastDim(seen, d);
      if (joined === undefined) return { output: null };
      sizes.set(name, joined);
    }
    if (at >= 0) {
      const part = shape.slice(at, at + rest);
      if (ellipsis === undefined) ellipsis = part;
      else {
        const n = Math.max(ellipsis.length, part.length);
        const a = [...Array(n - ellipsis.length).fill(1), ...ellipsis];
        const b = [...Array(n - part.length).fill(1), ...part];
        const joined = a.map((d, k) => broadcastDim(d, b[k]));
        if (joined.some((d) => d === undefined)) return { output: null };
        ellipsis = joined as Dim[];
      }
    }
  }
  const output: Dim[] = [];
  for (const name of names(sides[1])) {
    if (name === ELLIPSIS) {
      if (ellipsis === undefined) return { output: null };
      output.push(...ellipsis);
    } else if (sizes.has(name)) output.push(sizes.get(name)!);
    else return { output: null };
  }
  return { output };
}

export const ops: OpDef[] = [
  defs('rearrange', ['einops.rearrange'], [INPUT, param('pattern'), LENGTHS], (ctx) => einopsRule(ctx, 'rearrange')),
  defs('reduce', ['einops.reduce'], [INPUT, param('pattern'), param('reduction'), LENGTHS], (ctx) => einopsRule(ctx, 'reduce')),
  defs('repeat', ['einops.repeat'], [INPUT, param('pattern'), LENGTHS], (ctx) => einopsRule(ctx, 'repeat')),
  defs('einsum', ['einops.einsum'], [{ name: 'operands', varargs: true }], einopsEinsumRule),
];

/** `einops.layers.torch.Rearrange(pattern, **lengths)` and `Reduce(pattern, reduction, **lengths)`: the function as a module. */
export const layers: LayerDef[] = [
  {
    kind: 'Rearrange',
    framework: 'torch',
    names: ['einops.layers.torch.Rearrange'],
    params: [param('pattern'), LENGTHS],
    infer: (ctx) => einopsRule(ctx, 'rearrange', true),
  },
  {
    kind: 'Reduce',
    framework: 'torch',
    names: ['einops.layers.torch.Reduce'],
    params: [param('pattern'), param('reduction'), LENGTHS],
    infer: (ctx) => einopsRule(ctx, 'reduce', true),
  },
];

/**
 * A pattern of `einops.pack`/`unpack` (https://einops.rocks/api/pack_unpack/): axis names and one
 * `*`, which stands for the axes packed together; how many names stand before and after it. Null
 * where it is not such a pattern.
 */
export function packPattern(pattern: string): { before: number; after: number } | null {
  const tokens = pattern.trim().split(/\s+/).filter((t) => t !== '');
  const star = tokens.indexOf('*');
  if (star < 0 || tokens.lastIndexOf('*') !== star) return null;
  if (!tokens.every((t, i) => i === star || /^[A-Za-z_]\w*$/.test(t))) return null;
  return { before: star, after: tokens.length - star - 1 };
}

/**
 * `pack(tensors, pattern)`: the packed shape (the named axes, taken from the first tensor, around
 * the sum of each tensor's `*` axes' products) and each tensor's `*` axes, as `packed_shapes`
 * holds them. Null where a shape is unknown, too short, or the named axes differ (einops raises).
 */
export function packShapes(pattern: { before: number; after: number }, shapes: Shape[]): { output: Dim[]; starred: Dim[][] } | null {
  const { before, after } = pattern;
  if (shapes.length === 0) return null;
  const starred: Dim[][] = [];
  let total: Dim = 0;
  const first = shapes[0];
  for (const s of shapes) {
    if (s === null || first === null || s.length < before + after) return null;
    for (let i = 0; i < before; i++) if (equalDims(s[i], first[i]) === false) return null;
    for (let i = 1; i <= after; i++) if (equalDims(s[s.length - i], first[first.length - i]) === false) return null;
    const star = s.slice(before, s.length - after);
    starred.push(star);
    total = add(total, star.reduce<Dim>((a, b) => mul(a, b), 1));
  }
  return { output: [...first!.slice(0, before), total, ...first!.slice(first!.length - after)], starred };
}

/**
 * `unpack(tensor, packed_shapes, pattern)`: one shape per entry of `packed_shapes` (null where an
 * entry is unknown), its `*` axes between the packed tensor's named axes; an entry's one `-1` is
 * what the packed axis leaves for it where every other entry is known. Null where the tensor's
 * rank is not the pattern's.
 */
export function unpackShapes(pattern: { before: number; after: number }, shape: Shape, starred: (Dim[] | null)[]): Shape[] | null {
  const { before, after } = pattern;
  if (shape === null || shape.length !== before + 1 + after) return null;
  const head = shape.slice(0, before);
  const tail = shape.slice(before + 1);
  const packed = shape[before];
  const holes = starred.filter((s) => s !== null && s.includes(-1)).length;
  return starred.map((s) => {
    if (s === null) return null;
    if (!s.includes(-1)) return [...head, ...s, ...tail];
    // The one entry with a -1: the packed axis less the other entries, over its known axes.
    if (holes !== 1 || s.filter((d) => d === -1).length !== 1 || typeof packed !== 'number') return null;
    let rest = packed;
    for (const other of starred) {
      if (other === s) continue;
      const size = other === null ? null : other.reduce<Dim>((a, b) => mul(a, b), 1);
      if (typeof size !== 'number') return null;
      rest -= size;
    }
    const known = s.filter((d) => d !== -1).reduce<Dim>((a, b) => mul(a, b), 1);
    if (typeof known !== 'number' || known <= 0 || rest < 0 || rest % known !== 0) return null;
    return [...head, ...s.map((d) => (d === -1 ? rest / known : d)), ...tail];
  });
}
