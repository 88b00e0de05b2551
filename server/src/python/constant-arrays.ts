// Small one-axis arrays whose elements are known, as configuration code computes them before a
// model is built: RegNet's widths (`torch.arange(depth) * w_a + w_0`, `torch.round`, `torch.pow`,
// `.int().tolist()`; NumPy's `np.arange`, `np.power`, `np.unique(..., return_counts=True)`),
// stochastic-depth rates (`[x.item() for x in torch.linspace(0, 0.1, 12)]`), `np.cumsum(depths)`.
//
// Only outside a model's forward pass (where ops are layer records) and only for arrays of at most
// MAX_ELEMENTS elements; anything else goes on to the shape rules, whose tensors carry no elements.
// Dtypes follow the libraries as far as the values show: an integer array stays integer through
// `+ - * //` with integers and becomes floating through `/`, a float operand, `round`, `log`.

import { isKnown } from '../shapes/dim';
import { sliceRange } from './builtins';
import type { Framework } from '../shapes/types';
import type { SyntaxNode } from '../syntax/parse';
import { lineLabel } from '../syntax/tree';
import type { Interpreter } from './interpreter';
import { int, list, tuple, type TensorValue, type Value } from './values';

/** The elements of a one-axis array (0-d: one element and no axis), with whether its dtype is an integer one. */
export interface Elements {
  values: number[];
  integer: boolean;
}

const MAX_ELEMENTS = 4096;

/** Python's and NumPy's rounding: halves to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A number, or the element of a one-element array; null otherwise. */
function scalarOf(v: Value | undefined): { value: number; integer: boolean } | null {
  if (!v) return null;
  if (v.t === 'int') return isKnown(v.v) ? { value: v.v, integer: true } : null;
  if (v.t === 'float') return { value: v.v, integer: false };
  if (v.t === 'bool') return { value: v.v ? 1 : 0, integer: true };
  if (v.t === 'tensor' && v.elements && v.elements.values.length === 1 && (v.shape?.length ?? 1) === 0) return { value: v.elements.values[0], integer: v.elements.integer };
  return null;
}

/** The elements of an array argument, or of a plain list of numbers; null when not all known. */
function elementsOf(v: Value | undefined): Elements | null {
  if (!v) return null;
  if (v.t === 'tensor') return v.elements ?? null;
  if (v.t === 'list' || v.t === 'tuple') {
    const items = v.items.map(scalarOf);
    if (items.some((i) => i === null) || items.length > MAX_ELEMENTS) return null;
    return { values: items.map((i) => i!.value), integer: items.every((i) => i!.integer) };
  }
  const s = scalarOf(v);
  return s ? { values: [s.value], integer: s.integer } : null;
}

/** An array operand of an elementwise function: its elements and whether it has an axis. */
function operand(v: Value | undefined): { e: Elements; axis: boolean } | null {
  const e = elementsOf(v);
  if (!e || !v) return null;
  return { e, axis: v.t === 'list' || v.t === 'tuple' || (v.t === 'tensor' && (v.shape?.length ?? 1) === 1) };
}

function makeArray(interp: Interpreter, e: Elements, axis: boolean, framework: Framework, array: boolean, node: SyntaxNode): TensorValue {
  const t = interp.makeTensor(axis ? [e.values.length] : [], framework, { text: `the array computed at ${lineLabel(node)}`, node }, 0);
  t.elements = e;
  if (array) t.array = true;
  return t;
}

type Binary = (a: number, b: number) => number;
const BINARY: Record<string, { f: Binary; float?: boolean }> = {
  add: { f: (a, b) => a + b },
  sub: { f: (a, b) => a - b },
  mul: { f: (a, b) => a * b },
  truediv: { f: (a, b) => a / b, float: true },
  floordiv: { f: (a, b) => Math.floor(a / b) },
  pow: { f: (a, b) => a ** b },
  maximum: { f: Math.max },
  minimum: { f: Math.min },
};

/** Elementwise `a op b` where both are known: equal lengths, or one of them a single element. */
function elementwise(op: string, a: { e: Elements; axis: boolean }, b: { e: Elements; axis: boolean }): { e: Elements; axis: boolean } | null {
  const def = BINARY[op];
  if (!def) return null;
  const [n, m] = [a.e.values.length, b.e.values.length];
  if (n !== m && n !== 1 && m !== 1) return null;
  const len = Math.max(n, m);
  const values: number[] = [];
  for (let i = 0; i < len; i++) {
    const x = a.e.values[n === 1 ? 0 : i];
    const y = b.e.values[m === 1 ? 0 : i];
    if ((op === 'truediv' || op === 'floordiv') && y === 0) return null;
    values.push(def.f(x, y));
  }
  const integer = !def.float && a.e.integer && b.e.integer && !(op === 'pow' && values.some((v) => !Number.isInteger(v)));
  if (values.some((v) => !Number.isFinite(v))) return null;
  return { e: { values, integer }, axis: a.axis || b.axis };
}

/** `a + b` and the other operators where a known array meets a known array or number; undefined otherwise. */
export function constantOperator(interp: Interpreter, op: string, a: Value, b: Value, node: SyntaxNode): Value | undefined {
  if (interp.inModelRun) return undefined;
  if (!((a.t === 'tensor' && a.elements) || (b.t === 'tensor' && b.elements))) return undefined;
  const names: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '**': 'pow' };
  const x = operand(a);
  const y = operand(b);
  if (!x || !y || !names[op]) return undefined;
  const r = elementwise(names[op], x, y);
  const like = (a.t === 'tensor' ? a : b) as TensorValue;
  return r ? makeArray(interp, r.e, r.axis, like.framework, !!like.array, node) : undefined;
}

const UNARY: Record<string, { f: (x: number) => number; float: boolean }> = {
  round: { f: roundHalfEven, float: true },
  around: { f: roundHalfEven, float: true },
  log: { f: Math.log, float: true },
  log2: { f: Math.log2, float: true },
  exp: { f: Math.exp, float: true },
  sqrt: { f: Math.sqrt, float: true },
  floor: { f: Math.floor, float: true },
  ceil: { f: Math.ceil, float: true },
  abs: { f: Math.abs, float: false },
};

const FUNCTION_BINARY: Record<string, string> = {
  add: 'add', subtract: 'sub', sub: 'sub', multiply: 'mul', mul: 'mul', divide: 'truediv', div: 'truediv', true_divide: 'truediv',
  floor_divide: 'floordiv', power: 'pow', pow: 'pow', maximum: 'maximum', minimum: 'minimum',
};

/** `np.arange(4)`, `torch.linspace(0, 0.1, 12)`, `torch.tensor([1, 2])` and the elementwise functions of known arrays; undefined otherwise. */
export function constantCall(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value | undefined {
  if (interp.inModelRun) return undefined;
  const m = /^(torch|numpy)\.(\w+)$/.exec(name);
  if (!m) return undefined;
  const [, lib, fn] = m;
  const framework: Framework = lib === 'torch' ? 'torch' : 'keras';
  const array = lib === 'numpy';
  const make = (e: Elements | null, axis = true, factory = false) => {
    if (!e || e.values.length > MAX_ELEMENTS || !e.values.every(Number.isFinite)) return undefined;
    const t = makeArray(interp, e, axis, framework, array, node);
    // Made from numbers written in the code: example data, as torch.randn's is.
    if (factory) t.fromFactory = true;
    return t;
  };
  const dtype = kwargs.get('dtype');
  const dtypeInteger = dtype === undefined || dtype.t === 'none' ? undefined : integerDtype(dtype);
  if (dtypeInteger === null) return undefined;
  switch (fn) {
    case 'arange': {
      if ([...kwargs.keys()].some((k) => k !== 'dtype' && k !== 'device' && k !== 'start' && k !== 'end' && k !== 'stop' && k !== 'step')) return undefined;
      // start, end (NumPy: stop) and step may be keywords too (`torch.arange(0, n, step=2)`, `arange(end=n)`).
      const endName = lib === 'torch' ? 'end' : 'stop';
      if (kwargs.has(lib === 'torch' ? 'stop' : 'end') || args.length > 3) return undefined;
      const positional = args.length === 1 && !kwargs.has(endName) ? [int(0), args[0]] : args;
      const [startValue, stopValue, stepValue] = [kwargs.get('start') ?? positional[0] ?? int(0), kwargs.get(endName) ?? positional[1], kwargs.get('step') ?? positional[2] ?? int(1)];
      const [start, stop, step] = [startValue, stopValue, stepValue].map(scalarOf);
      if (!start || !stop || !step) return undefined;
      if (step.value === 0) return undefined;
      const n = Math.max(0, Math.ceil((stop.value - start.value) / step.value));
      if (n > MAX_ELEMENTS) return undefined;
      const values = Array.from({ length: n }, (_, i) => start.value + i * step.value);
      return make({ values, integer: dtypeInteger ?? (start.integer && stop.integer && step.integer) }, true, true);
    }
    case 'linspace': {
      const start = scalarOf(args[0] ?? kwargs.get('start'));
      const stop = scalarOf(args[1] ?? kwargs.get(lib === 'torch' ? 'end' : 'stop'));
      const count = scalarOf(args[2] ?? kwargs.get(lib === 'torch' ? 'steps' : 'num') ?? (lib === 'numpy' ? int(50) : undefined));
      const endpoint = kwargs.get('endpoint');
      // `retstep=True` returns a pair, `axis=` another layout: anything beyond these is not modelled.
      if (!onlyKeywords(kwargs, ['start', 'stop', 'end', 'num', 'steps', 'endpoint', 'dtype', 'device', 'requires_grad'])) return undefined;
      if (!start || !stop || !count || !Number.isInteger(count.value) || count.value < 0 || count.value > MAX_ELEMENTS || args.length > 3 || (endpoint && endpoint.t !== 'bool')) return undefined;
      const n = count.value;
      const closed = !(endpoint?.t === 'bool' && !endpoint.v);
      const div = closed ? n - 1 : n;
      const values = Array.from({ length: n }, (_, i) => (n === 1 || div === 0 ? start.value : start.value + ((stop.value - start.value) * i) / div));
      return make({ values, integer: dtypeInteger ?? false }, true, true);
    }
    case 'tensor':
    case 'as_tensor':
    case 'array':
    case 'asarray': {
      const data = args[0] ?? kwargs.get('data') ?? kwargs.get('object');
      // `ndmin=2` adds axes: only the keywords that keep the data's layout.
      if (args.length > 1 || !onlyKeywords(kwargs, ['data', 'object', 'dtype', 'device', 'requires_grad', 'copy'])) return undefined;
      if (!data || (data.t !== 'list' && data.t !== 'tuple' && !scalarOf(data))) return undefined;
      const e = elementsOf(data);
      if (!e) return undefined;
      return make(dtypeInteger === undefined ? e : { values: dtypeInteger ? e.values.map(Math.trunc) : e.values, integer: dtypeInteger }, data.t === 'list' || data.t === 'tuple', true);
    }
    case 'cumsum':
    case 'diff':
    case 'unique':
    case 'sum':
    case 'prod': {
      const a = elementsOf(args[0]);
      // Plain lists: NumPy's functions take them (torch's do not); `np.prod(shape)` of a list stays the int builtins.ts makes.
      if (!a || (args[0]?.t !== 'tensor' && (lib === 'torch' || fn === 'sum' || fn === 'prod'))) return undefined;
      // One axis, the defaults: `np.diff(a, n=2)`, `np.cumsum(a, axis=...)` are not modelled; torch's
      // cumsum names its (only) axis.
      if (fn === 'cumsum' || fn === 'diff') {
        const axis = lib === 'torch' && fn === 'cumsum' ? args[1] ?? kwargs.get('dim') : undefined;
        const axisOk = axis === undefined ? !(lib === 'torch' && fn === 'cumsum') : axis.t === 'int' && (axis.v === 0 || axis.v === -1);
        if (!axisOk || args.length > (axis !== undefined && args[1] ? 2 : 1) || [...kwargs.keys()].some((k) => k !== 'dim' || fn !== 'cumsum' || lib !== 'torch')) return undefined;
      }
      if (fn === 'cumsum') {
        let s = 0;
        return make({ values: a.values.map((v) => (s += v)), integer: a.integer });
      }
      if (fn === 'diff') return a.values.length < 1 ? undefined : make({ values: a.values.slice(1).map((v, i) => v - a.values[i]), integer: a.integer });
      if (fn === 'sum' || fn === 'prod') {
        if (args.length > 1 || kwargs.size > 0) return undefined;
        return make({ values: [a.values.reduce((x, y) => (fn === 'sum' ? x + y : x * y), fn === 'sum' ? 0 : 1)], integer: a.integer }, false);
      }
      const counts = kwargs.get('return_counts');
      if ([...kwargs.keys()].some((k) => k !== 'return_counts') || args.length > 1 || (counts && counts.t !== 'bool')) return undefined;
      const values = [...new Set(a.values)].sort((x, y) => x - y);
      const unique = make({ values, integer: a.integer });
      if (!unique || !(counts?.t === 'bool' && counts.v)) return unique;
      const tally = make({ values: values.map((v) => a.values.filter((w) => w === v).length), integer: true });
      return tally ? tuple([unique, tally]) : undefined;
    }
  }
  if (fn in UNARY && args.length === 1 && kwargs.size === 0) {
    const a = operand(args[0]);
    if (!a || args[0].t !== 'tensor') return undefined;
    const u = UNARY[fn];
    return make({ values: a.e.values.map(u.f), integer: a.e.integer && !u.float }, a.axis);
  }
  if (fn in FUNCTION_BINARY && args.length === 2 && kwargs.size === 0 && args.some((a) => a.t === 'tensor' && a.elements)) {
    const a = operand(args[0]);
    const b = operand(args[1]);
    if (!a || !b) return undefined;
    const r = elementwise(FUNCTION_BINARY[fn], a, b);
    return r ? make(r.e, r.axis) : undefined;
  }
  return undefined;
}

/** Whether every keyword given is one of these. */
function onlyKeywords(kwargs: Map<string, Value>, allowed: string[]): boolean {
  return [...kwargs.keys()].every((k) => allowed.includes(k));
}

/** Whether a dtype names an integer type (`int`, `np.int32`, `torch.long`, `'int64'`); null when unknown. */
function integerDtype(v: Value): boolean | null {
  const text = v.t === 'str' ? v.v : v.t === 'builtin' || v.t === 'module' ? v.name.replace(/^(builtins|numpy|torch)\./, '') : null;
  if (text === null) return null;
  if (/^(u?int(8|16|32|64)?|long|short)$/.test(text)) return true;
  if (/^(float(16|32|64)?|double|half|bfloat16)$/.test(text)) return false;
  return null;
}

/** `t.tolist()`, `t.item()`, `t.int()`, `a.astype(int)`, `t.round()` of a known array; undefined otherwise. */
export function constantMethod(interp: Interpreter, t: TensorValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value | undefined {
  const e = t.elements;
  if (!e || interp.inModelRun) return undefined;
  const axis = (t.shape?.length ?? 1) === 1;
  const number = (v: number) => (e.integer ? int(v) : ({ t: 'float', v } as Value));
  const again = (next: Elements) => makeArray(interp, next, axis, t.framework, !!t.array, node);
  switch (method) {
    case 'tolist':
      return axis ? list(e.values.map(number)) : number(e.values[0]);
    case 'item':
      return e.values.length === 1 ? number(e.values[0]) : undefined;
    case 'int':
    case 'long':
    case 'short':
      return args.length === 0 ? again({ values: e.values.map(Math.trunc), integer: true }) : undefined;
    case 'float':
    case 'double':
    case 'half':
      return args.length === 0 ? again({ values: e.values, integer: false }) : undefined;
    case 'astype': {
      const integer = args[0] ? integerDtype(args[0]) : null;
      return integer === null ? undefined : again({ values: integer ? e.values.map(Math.trunc) : e.values, integer });
    }
    case 'round':
      return args.length === 0 && kwargs.size === 0 ? again({ values: e.values.map(roundHalfEven), integer: e.integer }) : undefined;
    case 'numpy':
    case 'cpu':
    case 'clone':
    case 'copy':
    case 'detach':
      return args.length === 0 ? { ...again(e), array: method === 'numpy' || t.array } : undefined;
    case 'sum':
    case 'cumsum':
      return args.length === 0 && kwargs.size === 0 ? constantCall(interp, `${t.array ? 'numpy' : 'torch'}.${method}`, [t], kwargs, node) : undefined;
    case 'split': {
      // `torch.linspace(0, rate, sum(depths)).split(depths)`: a stage-wise drop-path schedule, one
      // piece per stage (an int splits into pieces of that size, the last one shorter).
      const dim = args[1] ?? kwargs.get('dim');
      const by = args[0] ?? kwargs.get('split_size_or_sections') ?? kwargs.get('split_size');
      if (!axis || t.array || !by || (dim && !(dim.t === 'int' && (dim.v === 0 || dim.v === -1)))) return undefined;
      const n = e.values.length;
      let sizes: number[];
      if (by.t === 'int' && isKnown(by.v) && by.v > 0) sizes = Array.from({ length: Math.ceil(n / by.v) }, (_, i) => Math.min(by.v as number, n - i * (by.v as number)));
      else if ((by.t === 'list' || by.t === 'tuple') && by.items.every((i) => i.t === 'int' && isKnown(i.v) && i.v >= 0)) sizes = by.items.map((i) => (i as { v: number }).v);
      else return undefined;
      if (sizes.reduce((a, b) => a + b, 0) !== n) return undefined;
      let at = 0;
      return tuple(sizes.map((k) => again({ values: e.values.slice(at, (at += k)), integer: e.integer })));
    }
  }
  return undefined;
}

/** The items of a known array as a loop sees them: NumPy's as numbers, torch's as 0-d tensors. */
export function constantItems(interp: Interpreter, t: TensorValue): Value[] | null {
  const e = t.elements;
  if (!e || (t.shape?.length ?? 1) !== 1) return null;
  return e.values.map((v) => {
    if (t.array) return e.integer ? int(v) : ({ t: 'float', v } as Value);
    const row = interp.makeTensor([], t.framework, t.origin, 0);
    row.elements = { values: [v], integer: e.integer };
    return row;
  });
}

/** The positions of a one-axis array of n elements that an index picks: a number or a slice of known bounds; null otherwise. */
function positions(idx: Value, n: number): { at: number[]; scalar: boolean } | null {
  if (idx.t === 'int' && isKnown(idx.v)) {
    const i = idx.v < 0 ? idx.v + n : idx.v;
    return i >= 0 && i < n ? { at: [i], scalar: true } : null;
  }
  if (idx.t !== 'slice') return null;
  const r = sliceRange(idx, n);
  if (!r) return null;
  const at: number[] = [];
  for (let i = r.start; r.step > 0 ? i < r.stop : i > r.stop; i += r.step) at.push(i);
  return { at, scalar: false };
}

/**
 * `arr[i]` and `arr[a:b]` of a known one-axis array (`num_ch_dec[i + 1]`, `channels[1:]`): a
 * NumPy element as a number (as iterating gives it), a torch element as a 0-d array, a slice as
 * an array of its elements; undefined otherwise.
 */
export function constantIndex(interp: Interpreter, t: TensorValue, idx: Value, node: SyntaxNode): Value | undefined {
  const e = t.elements;
  if (!e || interp.inModelRun || (t.shape?.length ?? 1) !== 1) return undefined;
  const p = positions(idx, e.values.length);
  if (!p) return undefined;
  const values = p.at.map((i) => e.values[i]);
  if (p.scalar && t.array) return e.integer ? int(values[0]) : { t: 'float', v: values[0] };
  return makeArray(interp, { values, integer: e.integer }, !p.scalar, t.framework, !!t.array, node);
}

/**
 * `arr[i] = v`, `arr[1:] *= 4`: the elements of a known one-axis array after the store, where the
 * index and the stored numbers are known (an integer array keeps integers: NumPy and torch truncate
 * a float stored into one); otherwise the elements are no longer known. The array is changed in
 * place, as every name holding it sees the change.
 */
export function constantStore(interp: Interpreter, t: TensorValue, idx: Value, value: Value): void {
  const e = t.elements;
  if (!e) return;
  const p = interp.inModelRun || (t.shape?.length ?? 1) !== 1 ? null : positions(idx, e.values.length);
  const stored = elementsOf(value);
  if (!p || !stored || (stored.values.length !== 1 && stored.values.length !== p.at.length)) {
    t.elements = undefined;
    return;
  }
  const values = e.values.slice();
  p.at.forEach((i, k) => {
    const v = stored.values[stored.values.length === 1 ? 0 : k];
    values[i] = e.integer ? Math.trunc(v) : v;
  });
  t.elements = { values, integer: e.integer };
}
