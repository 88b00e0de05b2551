// Dimensions: a known integer, a symbolic expression over named sizes (N, H, W, ...), or unknown.
//
// Symbolic expressions are kept in a small normal form (a polynomial whose atoms are symbols or
// floor divisions by a positive integer), so that `(H + 2*1 - 3) // 1 + 1` prints as `H` and two
// spellings of the same size compare equal. Nothing here throws on user data; operations that
// cannot be expressed give `null` (unknown). This module knows nothing of Python syntax or LSP.

/** A dimension: a number, a symbolic expression, or null when unknown. */
export type Dim = number | Expr | null;

type Atom = { kind: 'sym'; name: string } | { kind: 'floordiv'; num: Expr; den: number };

interface Term {
  coef: number;
  /** Atom keys, sorted, with repetition for powers. */
  factors: string[];
}

const atoms = new Map<string, Atom>();

function atomKey(a: Atom): string {
  return a.kind === 'sym' ? a.name : `(${a.num.key})//${a.den}`;
}

function internAtom(a: Atom): string {
  const k = atomKey(a);
  if (!atoms.has(k)) atoms.set(k, a);
  return k;
}

/** An immutable symbolic integer expression in normal form. */
export class Expr {
  readonly terms: ReadonlyMap<string, Term>;
  readonly constant: number;
  /** The key, written when first asked for: most intermediate sizes are never compared. */
  private keyText: string | undefined;
  /** How to print it when it was built as a product of sums, kept factored for reading (made when first printed). */
  private display: string | (() => string) | undefined;
  private symbolSet: ReadonlySet<string> | undefined;

  private constructor(terms: ReadonlyMap<string, Term>, constant: number, key?: string) {
    this.terms = terms;
    this.constant = constant;
    this.keyText = key;
    this.display = undefined;
    this.symbolSet = undefined;
  }

  /** The normal form as text: two expressions are equal exactly when their keys are. */
  get key(): string {
    const terms = this.terms;
    this.keyText ??= [...terms.keys()].sort().map((k) => `${terms.get(k)!.coef}*${k}`).join('+') + `+${this.constant}`;
    return this.keyText;
  }

  static symbol(name: string): Expr {
    const k = internAtom({ kind: 'sym', name });
    return new Expr(new Map([[k, { coef: 1, factors: [k] }]]), 0);
  }

  /** Builds an expression, collapsing it to a plain number when no symbol is left. */
  static make(terms: Map<string, Term>, constant: number): Dim {
    for (const [k, t] of terms) if (t.coef === 0) terms.delete(k);
    if (terms.size === 0) return constant;
    return new Expr(terms, constant);
  }

  static fromAtom(a: Atom): Expr {
    const k = internAtom(a);
    return new Expr(new Map([[k, { coef: 1, factors: [k] }]]), 0);
  }

  /** The names of the symbols this expression mentions (worked out once: the expression never changes). */
  symbols(): ReadonlySet<string> {
    if (this.symbolSet) return this.symbolSet;
    const out = new Set<string>();
    for (const t of this.terms.values()) {
      for (const f of t.factors) {
        const a = atoms.get(f)!;
        if (a.kind === 'sym') out.add(a.name);
        else for (const s of a.num.symbols()) out.add(s);
      }
    }
    this.symbolSet = out;
    return out;
  }

  /** Evaluates with the given symbol values; null when a symbol has no value. */
  evaluate(env: Record<string, number>): number | null {
    let total = this.constant;
    for (const t of this.terms.values()) {
      let v = t.coef;
      for (const f of t.factors) {
        const a = atoms.get(f)!;
        let av: number | null;
        if (a.kind === 'sym') av = a.name in env ? env[a.name] : null;
        else {
          const n = a.num.evaluate(env);
          av = n === null ? null : Math.floor(n / a.den);
        }
        if (av === null) return null;
        v *= av;
      }
      total += v;
    }
    return total;
  }

  /** The same expression, printed as `text` (a factored form of the same value), given as a function when it is costly to write. */
  withDisplay(text: string | (() => string)): Expr {
    // The terms are never changed once made: the copy shares them, and the key where it is written
    // (else the copy writes the same key from the same terms when first asked).
    const e = new Expr(this.terms, this.constant, this.keyText);
    e.display = text;
    e.symbolSet = this.symbolSet;
    return e;
  }

  toString(): string {
    if (typeof this.display === 'function') this.display = this.display();
    return this.display ?? printExpr(this);
  }

  /** True when printing needs parentheses as a factor (a sum, or a lone floor division). */
  isSum(): boolean {
    return this.terms.size + (this.constant !== 0 ? 1 : 0) > 1;
  }
}

function termString(t: Term): string {
  const fs = t.factors.map((k) => {
    const a = atoms.get(k)!;
    if (a.kind === 'sym') return a.name;
    const inner = printExpr(a.num);
    return /^[A-Za-z_]\w*$/.test(inner) ? `${inner} // ${a.den}` : `(${inner}) // ${a.den}`;
  });
  // A lone floor division reads best without extra parentheses: `(H - 1) // 2 + 1`.
  const body = fs.length === 1 ? fs[0] : fs.map((f) => (f.includes('//') ? `(${f})` : f)).join(' * ');
  const abs = Math.abs(t.coef);
  if (abs === 1) return body;
  return fs.length === 1 && fs[0].includes('//') ? `${abs} * (${body})` : `${abs} * ${body}`;
}

function printExpr(e: Expr): string {
  const ordered = [...e.terms.values()].sort((a, b) => b.factors.length - a.factors.length || (a.factors.join() < b.factors.join() ? -1 : 1));
  let s = '';
  for (const t of ordered) {
    const body = termString(t);
    // A leading minus binds tighter than `//`: `-((H - 1) // 2)`, not `-(H - 1) // 2`.
    if (s === '') s = t.coef < 0 ? (topLevelFloorDiv(body) ? `-(${body})` : `-${body}`) : body;
    else s += t.coef < 0 ? ` - ${body}` : ` + ${body}`;
  }
  if (e.constant > 0) s += ` + ${e.constant}`;
  else if (e.constant < 0) s += ` - ${-e.constant}`;
  return s;
}

/** True when `//` is the outermost operator of a printed term (`(H - 1) // 2`). */
function topLevelFloorDiv(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text.startsWith('//', i)) return true;
  }
  return false;
}

function asExprParts(d: number | Expr): { terms: Map<string, Term>; constant: number } {
  if (typeof d === 'number') return { terms: new Map(), constant: d };
  const terms = new Map<string, Term>();
  // A term's factors are never changed once made (the operations build new lists): shared.
  for (const [k, t] of d.terms) terms.set(k, { coef: t.coef, factors: t.factors });
  return { terms, constant: d.constant };
}

export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

export function sym(name: string): Expr {
  return Expr.symbol(name);
}

export function add(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const pa = asExprParts(a);
  const pb = asExprParts(b);
  for (const [k, t] of pb.terms) {
    const cur = pa.terms.get(k);
    if (cur) cur.coef += t.coef;
    else pa.terms.set(k, t);
  }
  return Expr.make(pa.terms, pa.constant + pb.constant);
}

export function neg(a: Dim): Dim {
  return mul(a, -1);
}

export function sub(a: Dim, b: Dim): Dim {
  return add(a, neg(b));
}

export function mul(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  const r = mulExpanded(a, b);
  // A product of sums (a flattened size such as 6 * (H // 2 + 1) * (W // 2 + 1)) reads best factored.
  if (r instanceof Expr && ((a instanceof Expr && a.isSum()) || (b instanceof Expr && b.isSum()))) {
    // Written when first printed: most intermediate sizes never are.
    return r.withDisplay(() => `${factorText(a!)} * ${factorText(b!)}`);
  }
  return r;
}

function factorText(d: number | Expr): string {
  if (typeof d === 'number') return d < 0 ? `(${d})` : String(d);
  const t = d.toString();
  return d.isSum() && !/^[^()]*\)$/.test(t) && !isWrapped(t) ? `(${t})` : t;
}

function isWrapped(t: string): boolean {
  // A product already printed factored (`6 * (A) * (B)`) needs no more parentheses.
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')') depth--;
    else if (depth === 0 && (t[i] === '+' || (t[i] === '-' && i > 0))) return false;
  }
  return true;
}

function mulExpanded(a: Dim, b: Dim): Dim {
  if (a === 0 || b === 0) return 0;
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  // An expression times a number: each coefficient scaled (what the general product below gives,
  // without pairing every term with the constant).
  if (typeof a === 'number') return scaled(b as Expr, a);
  if (typeof b === 'number') return scaled(a, b);
  const pa = asExprParts(a);
  const pb = asExprParts(b);
  // Terms as lists including the constant as a factor-free term.
  const la: Term[] = [...pa.terms.values()];
  if (pa.constant !== 0) la.push({ coef: pa.constant, factors: [] });
  const lb: Term[] = [...pb.terms.values()];
  if (pb.constant !== 0) lb.push({ coef: pb.constant, factors: [] });
  const out = new Map<string, Term>();
  let constant = 0;
  for (const x of la) {
    for (const y of lb) {
      const factors = [...x.factors, ...y.factors].sort();
      const coef = x.coef * y.coef;
      if (factors.length === 0) {
        constant += coef;
        continue;
      }
      const k = factors.join('*');
      const cur = out.get(k);
      if (cur) cur.coef += coef;
      else out.set(k, { coef, factors });
    }
  }
  return Expr.make(out, constant);
}

function scaled(e: Expr, c: number): Dim {
  const terms = new Map<string, Term>();
  for (const [k, t] of e.terms) terms.set(k, { coef: t.coef * c, factors: t.factors });
  return Expr.make(terms, e.constant === 0 ? 0 : e.constant * c);
}

/** Python's `a // b` for a positive integer divisor; symbolic divisors give unknown. */
export function floordiv(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  // A negative divisor: floor(a / -c) == floor(-a / c), so `-(H // -s)` is H divided by s rounded up.
  if (typeof b === 'number' && Number.isInteger(b) && b < 0) return floordiv(neg(a), -b);
  if (typeof b !== 'number' || !Number.isInteger(b) || b <= 0) {
    if (typeof a !== 'number' && typeof b !== 'number') return divExact(a, b);
    return null;
  }
  if (typeof a === 'number') return Math.floor(a / b);
  if (b === 1) return a;
  // Floor divisions compose: (X // c + k) // b == (X + k*c) // (c*b) for integer X and positive
  // integers c, b (X // c + k is (X + k*c) // c, and floor(floor(Y / c) / b) is floor(Y / (c*b))).
  // So `((H // 2) // 2) // 2` is `H // 8`.
  if (a.terms.size === 1) {
    const [only] = a.terms.values();
    const atom = only.coef === 1 && only.factors.length === 1 ? atoms.get(only.factors[0]) : undefined;
    if (atom?.kind === 'floordiv' && Number.isSafeInteger(atom.den * b) && Number.isSafeInteger(a.constant * atom.den)) {
      return floordiv(add(atom.num, a.constant * atom.den), atom.den * b);
    }
  }
  // Exact when every coefficient and the constant divide by b.
  let exact = a.constant % b === 0;
  for (const t of a.terms.values()) if (t.coef % b !== 0) exact = false;
  if (exact) {
    const terms = new Map<string, Term>();
    for (const [k, t] of a.terms) terms.set(k, { coef: t.coef / b, factors: [...t.factors] });
    return Expr.make(terms, a.constant / b);
  }
  // Pull out the part that divides exactly: (b*X + r) // b == X + r // b.
  const whole = new Map<string, Term>();
  const rest = new Map<string, Term>();
  for (const [k, t] of a.terms) {
    if (t.coef % b === 0) whole.set(k, { coef: t.coef / b, factors: [...t.factors] });
    else rest.set(k, { coef: t.coef, factors: [...t.factors] });
  }
  // With symbolic terms left over, the constant stays inside so that the formula reads as
  // written: `(H - 1) // 2 + 1`, not `(H + 1) // 2`.
  if (rest.size === 0) return add(Expr.make(whole, 0), Math.floor(a.constant / b));
  if (a.constant % b === 0) return add(Expr.make(whole, a.constant / b), Expr.fromAtom({ kind: 'floordiv', num: Expr.make(rest, 0) as Expr, den: b }));
  const restExpr = Expr.make(rest, a.constant) as Expr;
  return add(Expr.make(whole, 0), Expr.fromAtom({ kind: 'floordiv', num: restExpr, den: b }));
}

/** Python's ceiling division `-(-a // b)`. */
export function ceildiv(a: Dim, b: Dim): Dim {
  return neg(floordiv(neg(a), b));
}

/**
 * Exact division, for `view(-1)` and the like: the quotient when `b` divides `a` for every value
 * of the symbols (a number dividing every coefficient, or a monomial present in every term);
 * otherwise unknown. For numbers that do not divide, it returns null too.
 */
export function divExact(a: Dim, b: Dim): Dim {
  if (a === null || b === null || b === 0) return null;
  if (typeof a === 'number' && typeof b === 'number') return a % b === 0 ? a / b : null;
  if (typeof b === 'number') {
    const q = floordiv(a, b);
    return q !== null && equalDims(mul(q, b), a) === true ? q : null;
  }
  const pb = asExprParts(b);
  if (typeof a !== 'number' && (pb.constant !== 0 || pb.terms.size !== 1)) return monomialMultiple(a, b);
  if (pb.constant !== 0 || pb.terms.size !== 1 || typeof a === 'number' || a.constant !== 0) return null;
  const [bt] = [...pb.terms.values()];
  const out = new Map<string, Term>();
  let constant = 0;
  for (const t of a.terms.values()) {
    if (t.coef % bt.coef !== 0) return null;
    const rest = [...t.factors];
    for (const f of bt.factors) {
      const i = rest.indexOf(f);
      if (i < 0) return null;
      rest.splice(i, 1);
    }
    const coef = t.coef / bt.coef;
    if (rest.length === 0) constant += coef;
    else out.set(rest.join('*'), { coef, factors: rest });
  }
  return Expr.make(out, constant);
}

/**
 * `a / b` for a divisor that is a sum (`N * ((H - 1) // 2 + 1) * ((W - 1) // 2 + 1)`, a flattened
 * size): the monomial q with q * b == a for every value of the symbols, tried from each term of a
 * over b's first term; null when there is none.
 */
function monomialMultiple(a: Expr, b: Expr): Dim {
  const [first] = [...b.terms.values()];
  if (!first) return null;
  const candidates: Term[] = [...a.terms.values()];
  if (a.constant !== 0) candidates.push({ coef: a.constant, factors: [] });
  for (const t of candidates) {
    if (t.coef % first.coef !== 0) continue;
    const rest = [...t.factors];
    if (!first.factors.every((f) => {
      const i = rest.indexOf(f);
      if (i >= 0) rest.splice(i, 1);
      return i >= 0;
    })) continue;
    const terms = new Map<string, Term>();
    if (rest.length) terms.set(rest.join('*'), { coef: t.coef / first.coef, factors: rest });
    const q = Expr.make(terms, rest.length ? 0 : t.coef / first.coef);
    if (equalDims(mul(q, b), a) === true) return q;
  }
  return null;
}

/** True or false when the two dimensions are definitely equal or different; undefined when it cannot be known. */
export function equalDims(a: Dim, b: Dim): boolean | undefined {
  if (a === null || b === null) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a !== 'number' && typeof b !== 'number' && a.key === b.key) return true;
  const d = sub(a, b);
  if (typeof d === 'number') return d === 0;
  return undefined;
}

/** Product of dimensions (unknown when any is unknown). */
export function product(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) p = mul(p, d);
  return p;
}

/**
 * Whether a size is at least 0 for every value of its symbols (each a size, never negative): a
 * number that is, or a sum of non-negative multiples of symbols and of floor divisions of such sums.
 */
export function provablyNonNegative(d: Dim): boolean {
  if (d === null) return false;
  if (typeof d === 'number') return d >= 0;
  if (d.constant < 0) return false;
  for (const t of d.terms.values()) {
    if (t.coef < 0) return false;
    for (const f of t.factors) {
      const a = atoms.get(f);
      if (!a || (a.kind === 'floordiv' && !provablyNonNegative(a.num))) return false;
    }
  }
  return true;
}

export function minDim(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.min(a, b);
  return null;
}

/** How a dimension prints in messages and tables. */
export function dimToString(d: Dim, unknown = '?'): string {
  if (d === null) return unknown;
  return typeof d === 'number' ? String(d) : d.toString();
}

/** How a dimension appears in JSON: an integer, a string for a symbolic size, null when unknown. */
export function dimToJson(d: Dim): number | string | null {
  if (d === null) return null;
  return typeof d === 'number' ? d : d.toString();
}

/**
 * A polynomial over h (every symbol) and earlier floor-division atoms, flattened into arrays so
 * that one small function evaluates every one (it warms up at once, where a tree of closures
 * would each need their own warm-up: a single model's solve is run once per process).
 */
interface FlatPoly {
  constant: number;
  coefs: number[];
  /** Term t's factors are factors[starts[t]] .. factors[starts[t + 1] - 1]. */
  starts: number[];
  /** -1: the symbol's value h; i >= 0: atom i's value. */
  factors: number[];
}

interface FlatExpr {
  atoms: { poly: FlatPoly; den: number }[];
  top: FlatPoly;
}

function flatten(e: Expr): FlatExpr {
  const atomsOut: { poly: FlatPoly; den: number }[] = [];
  const indexOf = new Map<string, number>();
  const poly = (x: Expr): FlatPoly => {
    const out: FlatPoly = { constant: x.constant, coefs: [], starts: [0], factors: [] };
    for (const t of x.terms.values()) {
      out.coefs.push(t.coef);
      for (const k of t.factors) {
        const a = atoms.get(k)!;
        if (a.kind === 'sym') out.factors.push(-1);
        else {
          let i = indexOf.get(k);
          if (i === undefined) {
            const inner = poly(a.num);
            i = atomsOut.length;
            atomsOut.push({ poly: inner, den: a.den });
            indexOf.set(k, i);
          }
          out.factors.push(i);
        }
      }
      out.starts.push(out.factors.length);
    }
    return out;
  };
  const top = poly(e);
  return { atoms: atomsOut, top };
}

/**
 * Bounds of a flattened polynomial while h ranges over [lo, hi], the atoms' bounds given (interval
 * arithmetic: sound, possibly loose). With lo === hi it is the exact value, in the same order of
 * operations as Expr.evaluate.
 */
function boundsFlat(p: FlatPoly, lo: number, hi: number, atomLo: number[], atomHi: number[], out: number[]): void {
  let totalLo = p.constant;
  let totalHi = p.constant;
  for (let t = 0; t < p.coefs.length; t++) {
    let vLo = p.coefs[t];
    let vHi = vLo;
    for (let k = p.starts[t]; k < p.starts[t + 1]; k++) {
      const f = p.factors[k];
      const fLo = f < 0 ? lo : atomLo[f];
      const fHi = f < 0 ? hi : atomHi[f];
      const a = vLo * fLo;
      const b = vLo * fHi;
      const c = vHi * fLo;
      const d = vHi * fHi;
      vLo = Math.min(a, b, c, d);
      vHi = Math.max(a, b, c, d);
    }
    totalLo += vLo;
    totalHi += vHi;
  }
  out[0] = totalLo;
  out[1] = totalHi;
}

const uniformSolved = new Map<string, number[]>();

/**
 * The values h in 1..max for which the expression, with every symbol set to h, equals `target`
 * (a square image's side that gives a flattened size). Remembered by the expression's key, so a
 * file with many copies of one model solves it once.
 */
export function uniformSolutions(e: Expr, target: number, max: number): number[] {
  const key = `${e.key}=${target}<=${max}`;
  let out = uniformSolved.get(key);
  if (out) return out;
  const flat = flatten(e);
  const atomLo: number[] = flat.atoms.map(() => 0);
  const atomHi: number[] = flat.atoms.map(() => 0);
  const bounds = [0, 0];
  const found: number[] = [];
  // Bisection over h: a range whose bounds exclude the target holds no solution; a single h is
  // evaluated exactly. A flattened size grows with h, so this visits a few dozen ranges, not 2048 values.
  const search = (lo: number, hi: number) => {
    // Atoms come after the atoms they contain, so one pass in order bounds them all (floor division
    // by a positive number keeps the order of bounds).
    for (let i = 0; i < flat.atoms.length; i++) {
      boundsFlat(flat.atoms[i].poly, lo, hi, atomLo, atomHi, bounds);
      atomLo[i] = Math.floor(bounds[0] / flat.atoms[i].den);
      atomHi[i] = Math.floor(bounds[1] / flat.atoms[i].den);
    }
    boundsFlat(flat.top, lo, hi, atomLo, atomHi, bounds);
    if (target < bounds[0] || target > bounds[1]) return;
    if (lo === hi) {
      if (bounds[0] === target) found.push(lo);
      return;
    }
    const mid = Math.floor((lo + hi) / 2);
    search(lo, mid);
    search(mid + 1, hi);
  };
  if (max >= 1) search(1, max);
  out = found;
  if (uniformSolved.size >= 4096) uniformSolved.clear();
  uniformSolved.set(key, out);
  return out;
}

/** Evaluates a dimension under symbol values. */
export function evaluateDim(d: Dim, env: Record<string, number>): number | null {
  if (d === null) return null;
  if (typeof d === 'number') return d;
  return d.evaluate(env);
}
