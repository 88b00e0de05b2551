// Python's own builtins for the abstract interpreter: range, len, int, zip, enumerate, min, max,
// sum, isinstance, getattr and the rest, math.*, the methods of lists, dicts, strings and tuples,
// %-formatting, and the conversions behind them (a value as a number, as text, a slice's range).
// Each works on plain values and answers UNKNOWN for what it cannot know.
//
// Receivers and names are dispatched by interpreter.ts; the framework's calls (layers, containers,
// Keras models, tensor factories, nn.Parameter) are in library.ts, tensors in tensors.ts.

import { lightningCall } from './lightning';
import { isPathCall, pathCall } from './syspath';
import { add, Dim, isKnown, product } from '../shapes/dim';
import { findLayer } from '../shapes/registry';
import type { SyntaxNode } from '../syntax/parse';
import type { Interpreter } from './interpreter';
import { matchObject, stdlibCall } from './stdlib';
import { sklearnCall } from './sklearn';
import { datasetCall } from './tfdata';
import { enumerateLoader, loaderElement, torchDataCall, torchDataLength } from './torchdata';
import { bool, dictKey, DictValue, int, list, ModuleValue, NONE, str, TensorValue, truthy, tuple, UNKNOWN, Value } from './values';

/** Loops, comprehensions, range() and list repetition stop after this many items. */
export const MAX_LOOP_ITERATIONS = 4096;

/** A Python builtin name (`len`, `range`) as a value to call, or UNKNOWN for names Python does not define. */
export function pythonBuiltin(name: string): Value {
  const known = ['range', 'len', 'int', 'float', 'str', 'bool', 'list', 'tuple', 'dict', 'set', 'zip', 'enumerate', 'reversed', 'sorted', 'min', 'max', 'sum', 'abs', 'round', 'print', 'isinstance', 'getattr', 'setattr', 'delattr', 'hasattr', 'dir', 'super', 'any', 'all', 'map', 'filter', 'iter', 'next', 'type', 'divmod', 'pow', 'object', 'vars', 'chr', 'ord', 'callable', 'locals', 'globals'];
  if (known.includes(name)) return { t: 'builtin', name: `builtins.${name}` };
  return UNKNOWN;
}

/** Calls a Python builtin or math function by its normalised name (`builtins.len`, `math.ceil`); unknown names give UNKNOWN (or an unknown tensor when a tensor was passed). */
const NTUPLE: Record<string, number> = { 'torch.nn._single': 1, 'torch.nn._pair': 2, 'torch.nn._triple': 3, 'torch.nn._quadruple': 4 };

/** torch.nn.init's initialisers, which fill their tensor in place and return it. */
export const NN_INIT = /^torch\.nn\.init\.(uniform|normal|constant|ones|zeros|eye|dirac|xavier_uniform|xavier_normal|kaiming_uniform|kaiming_normal|trunc_normal|orthogonal|sparse)_?$/;

export function pythonCall(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const nums = (v: Value | undefined): number | null => (v ? numeric(v) : null);
  const library = stdlibCall(interp, name, args, kwargs, node) ?? datasetCall(interp, name, args, kwargs, node) ?? sklearnCall(interp, name, args, kwargs, node) ?? torchDataCall(interp, name, args, kwargs, node) ?? lightningCall(interp, name, node);
  if (library) return library;
  if (isPathCall(name)) return pathCall(interp, name, args);
  // Keras's `conv_utils.conv_output_length(length, kernel, padding, stride, dilation=1)`, which
  // custom layers' compute_output_shape call: None for an unknown length, as Keras answers.
  if (/(^|\.)conv_utils\.conv_output_length$/.test(name)) {
    const [length, kernel, padding, stride, dilation] = ['input_length', 'filter_size', 'padding', 'stride', 'dilation'].map((k, i) => args[i] ?? kwargs.get(k));
    if (length?.t === 'none') return NONE;
    const [n, k, s, d] = [length, kernel, stride, dilation ?? int(1)].map((v) => (v?.t === 'int' && typeof v.v === 'number' ? v.v : null));
    if (n === null || k === null || s === null || d === null || s <= 0 || padding?.t !== 'str') return UNKNOWN;
    const span = k + (k - 1) * (d - 1);
    const out = { same: n, causal: n, valid: n - span + 1, full: n + span - 1 }[padding.v];
    return out === undefined ? UNKNOWN : int(Math.floor((out + s - 1) / s));
  }
  // torch.nn.init's initialisers fill their tensor in place and return it.
  if (NN_INIT.test(name)) {
    const t = args[0] ?? kwargs.get('tensor');
    return t?.t === 'tensor' ? t : UNKNOWN;
  }
  switch (name) {
    case 'builtins.vars': {
      // An object's attributes as a dict (`vars(opt)`, `vars(args).items()`).
      const o = args[0];
      if (o?.t !== 'object') return UNKNOWN;
      const d: DictValue = { t: 'dict', entries: new Map() };
      for (const [k, v] of o.attrs) if (!k.startsWith('__')) d.entries.set(`s:${k}`, { key: str(k), value: v });
      return d;
    }
    case 'builtins.range': {
      const ns = args.map((a) => (a.t === 'int' && isKnown(a.v) ? a.v : null));
      if (ns.some((n) => n === null) || ns.length === 0) return UNKNOWN;
      const [start, stop, step] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
      if (step === 0) return UNKNOWN;
      const items: Value[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
        items.push(int(i));
        if (items.length > MAX_LOOP_ITERATIONS) return UNKNOWN;
      }
      return list(items);
    }
    case 'builtins.len': {
      const a = args[0];
      if (!a) return UNKNOWN;
      if (a.t === 'tensor') return a.shape && a.shape.length ? int(a.shape[0]) : UNKNOWN;
      const counted = torchDataLength(a);
      if (counted) return counted;
      const items = interp.members(a);
      return items === null ? UNKNOWN : int(items.length);
    }
    case 'builtins.int': {
      const a = args[0];
      if (!a) return int(0);
      if (a.t === 'int') return a;
      const n = nums(a);
      if (n !== null) return int(Math.trunc(n));
      if (a.t === 'str' && /^-?\d+$/.test(a.v.trim())) return int(Number(a.v));
      return UNKNOWN;
    }
    case 'builtins.float': {
      const a = args[0];
      // `float('0.25')`: a decimal literal as Python reads it (underscores between digits allowed).
      if (a?.t === 'str' && /^\s*[-+]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][-+]?\d(_?\d)*)?\s*$/.test(a.v)) return { t: 'float', v: Number(a.v.trim().replace(/_/g, '')) };
      const n = nums(a);
      return n === null ? UNKNOWN : { t: 'float', v: n };
    }
    case 'builtins.bool': {
      const t = args[0] ? truthy(args[0]) : false;
      return t === undefined ? UNKNOWN : bool(t);
    }
    case 'builtins.str': {
      const s = args[0] ? toText(args[0]) : '';
      return s === null ? UNKNOWN : str(s);
    }
    case 'builtins.round': {
      const n = nums(args[0]);
      if (n === null) return UNKNOWN;
      if (!args[1] || args[1].t === 'none') return int(roundHalfEven(n));
      const digits = nums(args[1]);
      if (digits === null) return UNKNOWN;
      const scale = 10 ** digits;
      return { t: 'float', v: roundHalfEven(n * scale) / scale };
    }
    // `int(np.round(float(h) / pool_factor))`: NumPy rounds half to even, as Python does, and answers a float.
    case 'numpy.round':
    case 'numpy.around':
    case 'numpy.rint': {
      const n = nums(args[0]);
      const decimals = args[1] ?? kwargs.get('decimals');
      if (n === null || args[0]?.t === 'tensor' || (decimals !== undefined && !(decimals.t === 'int' && decimals.v === 0))) return UNKNOWN;
      return { t: 'float', v: roundHalfEven(n) };
    }
    case 'builtins.abs': {
      const a = args[0];
      if (a?.t === 'int' && isKnown(a.v)) return int(Math.abs(a.v));
      const n = nums(a);
      return n === null ? UNKNOWN : { t: 'float', v: Math.abs(n) };
    }
    case 'builtins.list':
    case 'builtins.tuple':
    case 'builtins.set':
    case 'builtins.frozenset': {
      if (!args[0]) return name === 'builtins.tuple' ? tuple([]) : list([]);
      const items = name === 'builtins.set' || name === 'builtins.frozenset' ? interp.members(args[0]) : interp.iterate(args[0]);
      if (items === null) return UNKNOWN;
      return name === 'builtins.tuple' ? tuple([...items]) : name === 'builtins.list' ? list([...items]) : setOf(items);
    }
    case 'builtins.dict': {
      const d = dictFrom(interp, args[0]);
      for (const [k, v] of kwargs) d.entries.set(`s:${k}`, { key: str(k), value: v });
      return d;
    }
    case 'builtins.zip': {
      const lists = args.map((a) => interp.iterate(a));
      if (lists.some((l) => l === null)) return UNKNOWN;
      const n = Math.min(...lists.map((l) => l!.length));
      return list(Array.from({ length: Number.isFinite(n) ? n : 0 }, (_, i) => tuple(lists.map((l) => l![i]))));
    }
    case 'builtins.enumerate': {
      // `enumerate(trainloader, 0)`: the index is not followed, whatever the start.
      const loader = args[0] && args.length <= 2 && [...kwargs.keys()].every((k) => k === 'start') ? enumerateLoader(interp, args[0], node) : undefined;
      if (loader) return loader;
      const items = args[0] ? interp.iterate(args[0]) : null;
      // enumerate(items, start=1): a start we cannot know numbers nothing (never from 0).
      const given = args[1] ?? kwargs.get('start');
      const start = given === undefined ? 0 : given.t === 'int' && isKnown(given.v) ? given.v : null;
      if (items === null || start === null) return UNKNOWN;
      return list(items.map((v, i) => tuple([int(i + start), v])));
    }
    // A DataLoader's iterator yields its batches: `next(iter(train_loader))`.
    case 'builtins.iter':
      return args[0] && loaderElement(args[0]) !== undefined ? args[0] : UNKNOWN;
    case 'builtins.next': {
      const element = args[0] ? loaderElement(args[0]) : undefined;
      return element ?? UNKNOWN;
    }
    case 'builtins.reversed': {
      const items = args[0] ? interp.iterate(args[0]) : null;
      return items === null ? UNKNOWN : list([...items].reverse());
    }
    case 'builtins.sorted': {
      const items = args[0] ? interp.members(args[0]) : null;
      if (kwargs.has('key') || items === null || items.some((i) => nums(i) === null)) return UNKNOWN;
      const sorted = [...items].sort((a, b) => nums(a)! - nums(b)!);
      const reverse = kwargs.get('reverse');
      if (reverse && reverse.t !== 'bool') return UNKNOWN;
      return list(reverse?.t === 'bool' && reverse.v ? sorted.reverse() : sorted);
    }
    case 'builtins.min':
    case 'builtins.max':
    case 'builtins.sum': {
      if (name !== 'builtins.sum' && (kwargs.has('key') || kwargs.has('default'))) return UNKNOWN;
      const items = args.length === 1 || name === 'builtins.sum' ? (args[0] ? interp.members(args[0]) : null) : args;
      if (items === null) return UNKNOWN;
      if (name === 'builtins.sum') {
        // sum(items, start): `sum([[conv, bn], [relu]], [])` joins lists; a start we cannot read gives unknown.
        const start = args[1] ?? kwargs.get('start');
        if (start && (start.t === 'list' || start.t === 'tuple')) {
          const joined: Value[] = [...start.items];
          for (const i of items) {
            if (i.t !== start.t) return UNKNOWN;
            joined.push(...i.items);
          }
          return start.t === 'list' ? list(joined) : tuple(joined);
        }
        if (start && start.t !== 'int' && start.t !== 'float') return UNKNOWN;
        // `sum(torch.split(x, c, dim=1))`, `sum([a * s for a, s in zip(attens, splits)])`: Python adds
        // the members to the start (0) one by one, each addition a tensor operator (broadcast,
        // checked). A member that is neither a tensor nor a number gives unknown.
        if (items.some((i) => i.t === 'tensor')) {
          if (!items.every((i) => i.t === 'tensor' || i.t === 'int' || i.t === 'float')) return UNKNOWN;
          // `0 + t` is t's shape: without a start the first member starts the sum (one record less).
          const [first, ...rest] = start ? [start, ...items] : items;
          return rest.reduce<Value>((acc, i) => interp.binary('+', acc, i, node), first);
        }
        let total: Dim = 0;
        if (start?.t === 'int') total = start.v;
        else if (start?.t === 'float') return sumFloats(items, start.v);
        let isFloat = false;
        for (const i of items) {
          if (i.t === 'int') total = add(total, i.v);
          else if (i.t === 'float' && isKnown(total)) {
            total += i.v;
            isFloat = true;
          } else return UNKNOWN;
        }
        return isFloat && isKnown(total) ? { t: 'float', v: total } : int(total);
      }
      const ns = items.map(nums);
      if (ns.some((n) => n === null) || ns.length === 0) return UNKNOWN;
      const r = name === 'builtins.min' ? Math.min(...(ns as number[])) : Math.max(...(ns as number[]));
      return items.every((i) => i.t === 'int') ? int(r) : { t: 'float', v: r };
    }
    case 'builtins.isinstance': {
      const [v, t] = args;
      if (!v || !t) return UNKNOWN;
      const types = t.t === 'tuple' ? t.items : [t];
      let result: boolean | undefined = false;
      for (const ty of types) {
        const r = isInstance(interp, v, ty);
        if (r === true) return bool(true);
        if (r === undefined) result = undefined;
      }
      return result === undefined ? UNKNOWN : bool(false);
    }
    case 'builtins.getattr': {
      const [o, n, d] = args;
      if (!o || n?.t !== 'str') return UNKNOWN;
      const v = interp.getAttr(o, n.v, node);
      return v.t === 'unknown' && d ? d : v;
    }
    case 'builtins.setattr': {
      const [o, n, v] = args;
      if (o?.t === 'object' && n?.t === 'str' && v) interp.setObjectAttr(o, n.v, v);
      if (o?.t === 'container' && n?.t === 'str' && v) interp.setContainerAttr(o, n.v, v);
      // `setattr(sys.modules[__name__], name, partial(_resnet, ...))`: binds a name of a module read as source.
      if (o?.t === 'module' && o.source && n?.t === 'str' && v) o.source.scope.set(n.v, v);
      return NONE;
    }
    case 'itertools.repeat': {
      // `tuple(repeat(x, n))`: n references to x (without n the iterator never ends: unknown).
      const [x, n] = [args[0] ?? kwargs.get('object'), args[1] ?? kwargs.get('times')];
      const times = n ? nums(n) : null;
      if (!x || times === null || !Number.isInteger(times) || times > MAX_LOOP_ITERATIONS) return UNKNOWN;
      return list(Array.from({ length: Math.max(0, times) }, () => x));
    }
    case 'builtins.delattr': {
      const [o, n] = args;
      if (o && n?.t === 'str') interp.deleteAttribute(o, n.v);
      return NONE;
    }
    case 'builtins.hasattr': {
      const [o, n] = args;
      if (o?.t === 'object' && n?.t === 'str') return bool(o.attrs.has(n.v) || interp.lookupClassAttr(o.cls, n.v) !== undefined);
      if (o?.t === 'module' && n?.t === 'str') return moduleHas(interp, o, n.v);
      // A layer: true where its rule or its arguments say so (`hasattr(conv, 'out_channels')`), else unknown.
      if (o?.t === 'layer' && n?.t === 'str' && interp.layerHasAttribute(o, n.v)) return bool(true);
      return UNKNOWN;
    }
    case 'builtins.callable': {
      // `d() if callable(d) else d`: functions, classes, layers and modules are; plain data is not.
      const v = args[0];
      if (!v || args.length !== 1) return UNKNOWN;
      if (['int', 'float', 'bool', 'str', 'none', 'tuple', 'list', 'dict', 'slice', 'ellipsis', 'tensor'].includes(v.t)) return bool(false);
      if (['function', 'class', 'partial', 'layer', 'container', 'functional'].includes(v.t)) return bool(true);
      if (v.t !== 'object' || v.cls.library) return UNKNOWN;
      if (interp.lookupClassAttr(v.cls, '__call__') !== undefined || interp.libraryBase(v.cls) !== undefined) return bool(true);
      // An instance of classes all written here (or `object`) without `__call__` is not; a base we cannot read may define it.
      const plain = interp.mro(v.cls).every((c) => !c.library && c.bases.every((b) => b.t === 'class' || (b.t === 'builtin' && b.name === 'builtins.object')));
      return plain ? bool(false) : UNKNOWN;
    }
    case 'builtins.dir':
      // `'silu' in dir(torch.nn.functional)`: a module's listing, answered name by name (`in`).
      return args.length === 1 && args[0].t === 'module' ? { t: 'builtin', name: 'builtins.dir.listing', self: args[0] } : UNKNOWN;
    case 'builtins.chr': {
      // `chr(ord('a') + i)`: names built from letters (`stage1a`, `stage1b`, ...).
      const n = nums(args[0]);
      return n !== null && Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? str(String.fromCodePoint(n)) : UNKNOWN;
    }
    case 'builtins.ord': {
      const a = args[0];
      const cp = a?.t === 'str' ? a.v.codePointAt(0) : undefined;
      return a?.t === 'str' && cp !== undefined && [...a.v].length === 1 ? int(cp) : UNKNOWN;
    }
    case 'builtins.divmod': {
      const [a, b] = args.map(nums);
      return a === null || b === null || b === 0 ? UNKNOWN : tuple([int(Math.floor(a / b)), int(a - Math.floor(a / b) * b)]);
    }
    case 'builtins.pow': {
      const [a, b] = args.map(nums);
      if (a === null || b === null) return UNKNOWN;
      const whole = args.every((x) => x.t === 'int' || x.t === 'bool') && b >= 0;
      return whole ? int(a ** b) : { t: 'float', v: a ** b };
    }
    case 'builtins.any':
    case 'builtins.all': {
      const items = args[0] ? interp.iterate(args[0]) : null;
      if (items === null) return UNKNOWN;
      const ts = items.map(truthy);
      if (ts.some((x) => x === undefined)) return UNKNOWN;
      return bool(name === 'builtins.any' ? ts.some(Boolean) : ts.every(Boolean));
    }
    case 'builtins.map': {
      const [f, ...its] = args;
      const lists = its.map((a) => interp.iterate(a));
      if (!f || lists.length === 0 || lists.some((l) => l === null)) return UNKNOWN;
      const n = Math.min(...lists.map((l) => l!.length));
      return list(Array.from({ length: n }, (_, i) => interp.call(f, lists.map((l) => l![i]), new Map(), node)));
    }
    case 'builtins.type': {
      // type(v) of a plain value or an instance: its class, compared with `is` (`type(x) is list`).
      const v = args[0];
      if (args.length !== 1 || !v) return UNKNOWN;
      if (v.t === 'object') return v.cls;
      const names: Partial<Record<Value['t'], string>> = { int: 'int', float: 'float', str: 'str', bool: 'bool', list: 'list', tuple: 'tuple', dict: 'dict' };
      const n = names[v.t];
      return n ? { t: 'builtin', name: `builtins.${n}` } : UNKNOWN;
    }
    case 'functools.reduce': {
      // reduce(f, items[, initial]): f applied left to right (`compose(*funcs)` of published code).
      const [f, seq, initial] = args;
      const items = seq ? interp.iterate(seq) : null;
      if (!f || items === null || (items.length === 0 && !initial)) return UNKNOWN;
      let acc = initial ?? items[0];
      for (const item of initial ? items : items.slice(1)) acc = interp.call(f, [acc, item], new Map(), node);
      return acc;
    }
    case 'builtins.print':
      return NONE;
    case 'builtins.super': {
      const m = interp.methodStack[interp.methodStack.length - 1];
      return m ? { t: 'super', self: m.self, owner: m.owner } : UNKNOWN;
    }
    case 're.split': {
      // `re.split(r'(\d.*)', 'k3')`: where the pattern means the same in JavaScript and cannot match nothing.
      const [pattern, text] = [args[0] ?? kwargs.get('pattern'), args[1] ?? kwargs.get('string')];
      const re = pattern?.t === 'str' && args.length === 2 && kwargs.size === 0 ? portableRegExp(pattern.v) : null;
      if (!re || text?.t !== 'str') return UNKNOWN;
      return list(text.v.split(re).map((part) => (part === undefined ? NONE : str(part))));
    }
    case 're.search':
    case 're.match':
    case 're.fullmatch': {
      // `re.search(r'spade(\D+)(\d)x\d', 'spadebatch3x3')`: a Match whose groups are read back, or None;
      // only where the pattern means the same in JavaScript and the text is plain ASCII (where
      // `\d`, `\w` and `\s` agree).
      const [pattern, text] = [args[0] ?? kwargs.get('pattern'), args[1] ?? kwargs.get('string')];
      const re = pattern?.t === 'str' && args.length <= 2 && [...kwargs.keys()].every((k) => k === 'pattern' || k === 'string') ? portableRegExp(pattern.v) : null;
      if (!re || text?.t !== 'str' || !/^[\x20-\x7e\t\n\r]*$/.test(text.v)) return UNKNOWN;
      const anchored = name === 're.search' ? re : new RegExp(name === 're.match' ? `^(?:${re.source})` : `^(?:${re.source})$`);
      const m = anchored.exec(text.v);
      return m ? matchObject(interp, [...m].map((g) => g ?? null), node) : NONE;
    }
    case 'numpy.mod':
    case 'numpy.remainder': {
      // `np.mod(filt_size, 2) == 1` on plain numbers: Python's %, the sign of the divisor.
      const [a, b] = args.map((x) => (x.t === 'int' || x.t === 'float' ? nums(x) : null));
      if (args.length !== 2 || kwargs.size > 0 || a === null || b === null || b === 0) return UNKNOWN;
      const r = a - Math.floor(a / b) * b;
      return args.every((x) => x.t === 'int') ? int(r) : { t: 'float', v: r };
    }
    case 'math.ceil':
    case 'math.floor':
    case 'math.trunc': {
      const a = args[0];
      if (a?.t === 'int') return a;
      const n = nums(a);
      if (n === null) return UNKNOWN;
      return int(name === 'math.ceil' ? Math.ceil(n) : name === 'math.floor' ? Math.floor(n) : Math.trunc(n));
    }
    case 'math.sqrt':
    case 'math.log':
    case 'math.log2':
    case 'math.log10':
    case 'math.exp':
    case 'numpy.sqrt':
    case 'numpy.log':
    case 'numpy.log2':
    case 'numpy.log10':
    case 'numpy.exp':
    case 'numpy.ceil':
    case 'numpy.floor': {
      // numpy's rounding functions answer floats (`int(np.ceil(x / 8) * 8)`).
      const n = nums(args[0]);
      if (n === null || (args.length > 1 && name !== 'math.log')) return UNKNOWN;
      const f = name.slice(name.indexOf('.') + 1);
      if ((f === 'sqrt' || f.startsWith('log')) && n < 0) return UNKNOWN;
      if (f === 'log' && args[1]) {
        const base = nums(args[1]);
        return base === null || base <= 0 || base === 1 || n <= 0 ? UNKNOWN : { t: 'float', v: Math.log(n) / Math.log(base) };
      }
      const fns: Record<string, (x: number) => number> = { sqrt: Math.sqrt, log: Math.log, log2: Math.log2, log10: Math.log10, exp: Math.exp, ceil: Math.ceil, floor: Math.floor };
      return { t: 'float', v: fns[f](n) };
    }
    case 'math.isqrt': {
      const n = nums(args[0]);
      return n === null || n < 0 || !Number.isInteger(n) ? UNKNOWN : int(Math.floor(Math.sqrt(n)));
    }
    case 'math.gcd': {
      const ns = args.map(nums);
      if (ns.some((n) => n === null || !Number.isInteger(n))) return UNKNOWN;
      const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
      return int(ns.reduce((a: number, b) => gcd(a, b!), 0));
    }
    case 'math.prod':
    case 'numpy.prod': {
      const items = args[0] ? interp.iterate(args[0]) : null;
      if (items === null || items.some((i) => i.t !== 'int')) return UNKNOWN;
      return int(product(items.map((i) => (i as { v: Dim }).v)));
    }
    // Eager PyTorch is neither scripting nor tracing; torch.jit.annotate(T, v) is v.
    case 'torch.jit.is_scripting':
    case 'torch.jit.is_tracing':
    case 'torch._jit_internal.is_scripting':
      return bool(false);
    case 'torch._C._get_tracing_state':
      return NONE;
    case 'torch.jit.annotate':
      return args[1] ?? UNKNOWN;
    // `torch.from_numpy(a)` shares the array's memory: a tensor of its shape, with torch's methods.
    case 'torch.from_numpy': {
      const a = args[0];
      return a?.t === 'tensor' && a.array ? { ...a, array: undefined, framework: 'torch', id: interp.newId() } : UNKNOWN;
    }
    // Activation checkpointing recomputes in the backward pass what the forward computes as usual:
    // `checkpoint(self.bn_function, *features)` is `self.bn_function(*features)`.
    case 'torch.utils.checkpoint.checkpoint': {
      const fn = args[0] ?? kwargs.get('function');
      if (!fn) return UNKNOWN;
      const rest = new Map([...kwargs].filter(([k]) => !['function', 'use_reentrant', 'preserve_rng_state', 'context_fn', 'determinism_check', 'debug'].includes(k)));
      return interp.call(fn, args.slice(1), rest, node);
    }
    // `checkpoint_sequential(functions, segments, input)`: the modules of an nn.Sequential (or a
    // list of them) run in order on the input, as the Sequential would.
    case 'torch.utils.checkpoint.checkpoint_sequential': {
      const fns = args[0] ?? kwargs.get('functions');
      let x = args[2] ?? kwargs.get('input');
      if (!fns || !x) return UNKNOWN;
      if (fns.t === 'container' && fns.kind === 'Sequential') return interp.applyModule(fns, [x], new Map(), node);
      if (fns.t !== 'list' && fns.t !== 'tuple') return UNKNOWN;
      for (const f of fns.items) x = interp.call(f, [x], new Map(), node);
      return x;
    }
    // Wrappers that return the module they were given, which computes as before: a script or a
    // trace runs its forward, `spectral_norm` keeps the weight's shape (as `weight_orig`).
    case 'torch.jit.script':
    case 'torch.jit.trace':
    case 'torch.compile':
    case 'torch.nn.utils.spectral_norm':
    case 'torch.nn.utils.spectral_norm.spectral_norm':
    case 'torch.nn.utils.parametrizations.spectral_norm':
      return args[0] ?? kwargs.get('module') ?? kwargs.get('model') ?? kwargs.get('obj') ?? UNKNOWN;
    // `weight_norm(nn.Conv1d(...))` splits the weight into a magnitude and a direction: the same
    // output, one more parameter per output channel (by default), so the count becomes unknown.
    case 'torch.nn.utils.weight_norm':
    case 'torch.nn.utils.weight_norm.weight_norm':
    case 'torch.nn.utils.parametrizations.weight_norm': {
      const m = args[0] ?? kwargs.get('module');
      if (m?.t !== 'layer') return UNKNOWN;
      m.reparametrized = true;
      return m;
    }
    // torch.nn.modules.utils' `_single`/`_pair`/`_triple`/`_quadruple`: an iterable becomes a
    // tuple of its items, anything else is repeated n times (`kernel_size = _triple(kernel_size)`).
    case 'torch.nn._single':
    case 'torch.nn._pair':
    case 'torch.nn._triple':
    case 'torch.nn._quadruple': {
      const a = args[0];
      if (a?.t === 'list' || a?.t === 'tuple') return tuple([...a.items]);
      if (a?.t !== 'int' && a?.t !== 'float' && a?.t !== 'bool' && a?.t !== 'none') return UNKNOWN;
      return tuple(Array(NTUPLE[name]).fill(a));
    }
    // `typing.cast(int, v)` is `v`.
    case 'typing.cast':
      return args[1] ?? kwargs.get('val') ?? UNKNOWN;
  }
  const t = args.find((a) => a.t === 'tensor') as TensorValue | undefined;
  return t ? interp.unknownTensor(t, node) : UNKNOWN;
}

/**
 * `copy.copy(v)` and `copy.deepcopy(v)`: a new object, list, dict or layer with the same contents
 * (deep: the contents copied too, so that a copied block gets layers of its own). Tensors, classes,
 * functions and library names are shared, as deepcopy shares what it cannot copy meaningfully here.
 */
export function copyValue(interp: Interpreter, v: Value, deep: boolean, depth = 0, copies = new Map<Value, Value>()): Value {
  if (depth > 30) return UNKNOWN;
  const known = copies.get(v);
  if (known) return known;
  const inner = (x: Value) => (deep ? copyValue(interp, x, deep, depth + 1, copies) : x);
  switch (v.t) {
    case 'object': {
      const o = { ...v, attrs: new Map<string, Value>(), id: interp.newId() };
      copies.set(v, o);
      for (const [k, a] of v.attrs) o.attrs.set(k, inner(a));
      return o;
    }
    case 'layer': {
      const l = { ...v, id: interp.newId() };
      copies.set(v, l);
      return l;
    }
    case 'container': {
      const c = { ...v, items: [] as Value[], id: interp.newId() };
      copies.set(v, c);
      c.items.push(...v.items.map(inner));
      return c;
    }
    case 'list':
    case 'tuple': {
      const seq = { t: v.t, items: [] as Value[] };
      copies.set(v, seq);
      seq.items.push(...v.items.map(inner));
      return seq;
    }
    case 'dict': {
      const d: DictValue = { t: 'dict', entries: new Map(), ...(v.partial ? { partial: true } : {}) };
      copies.set(v, d);
      for (const [k, e] of v.entries) d.entries.set(k, { key: e.key, value: inner(e.value) });
      return d;
    }
    default:
      return v;
  }
}

/** The value kinds each builtin or abstract type name covers, for isinstance(). */
const INSTANCE_KINDS: Record<string, Value['t'][]> = {
  'builtins.int': ['int', 'bool'],
  'builtins.float': ['float'],
  'builtins.str': ['str'],
  // six, the Python 2/3 compatibility module of older Keras code: its string types are str on Python 3.
  'six.string_types': ['str'],
  'six.text_type': ['str'],
  'builtins.list': ['list'],
  'builtins.tuple': ['tuple'],
  'builtins.dict': ['dict'],
  'builtins.bool': ['bool'],
  'torch.Tensor': ['tensor'],
  'tensorflow.Tensor': ['tensor'],
  'typing.Sequence': ['list', 'tuple', 'str'],
  'collections.abc.Sequence': ['list', 'tuple', 'str'],
  'typing.Iterable': ['list', 'tuple', 'str', 'dict'],
  'collections.abc.Iterable': ['list', 'tuple', 'str', 'dict'],
  'typing.Mapping': ['dict'],
  'collections.abc.Mapping': ['dict'],
  'numbers.Number': ['int', 'float', 'bool'],
  'numbers.Integral': ['int', 'bool'],
  'numbers.Real': ['int', 'float', 'bool'],
};

/** Kinds of values that are not instances of any user class or layer class. */
const PLAIN = new Set<Value['t']>(['int', 'float', 'bool', 'str', 'none', 'tuple', 'list', 'dict', 'slice', 'ellipsis', 'tensor']);

/** sum() of numbers from a float start: a float, or UNKNOWN where one is not a known number. */
function sumFloats(items: Value[], start: number): Value {
  let total = start;
  for (const i of items) {
    const n = numeric(i);
    if (n === null) return UNKNOWN;
    total += n;
  }
  return { t: 'float', v: total };
}

/** isinstance(v, ty) for one type: true, false, or undefined when it cannot be known. */
function isInstance(interp: Interpreter, v: Value, ty: Value): boolean | undefined {
  if (v.t === 'unknown') return undefined;
  // A class itself (a user class, a layer class of the library: `norm_layer=nn.BatchNorm2d`), a
  // function and a functools.partial, as a layer factory argument is tested (`isinstance(norm_layer,
  // (type, str, functools.partial))`): each is an instance of its own kind only.
  const callableKind = v.t === 'class' || (v.t === 'builtin' && !v.self && findLayer(v.name)) ? 'type' : v.t === 'partial' ? 'partial' : v.t === 'function' && !v.self ? 'function' : null;
  if (callableKind && (ty.t === 'builtin' || ty.t === 'module')) {
    const kind = { 'builtins.type': 'type', 'functools.partial': 'partial', 'types.FunctionType': 'function', 'types.LambdaType': 'function' }[ty.name];
    if (kind) return kind === callableKind;
    if (INSTANCE_KINDS[ty.name] || findLayer(ty.name) || ty.name === 'torch.nn.Module') return false;
  }
  if ((ty.t === 'builtin' || ty.t === 'module') && ['builtins.type', 'functools.partial', 'types.FunctionType', 'types.LambdaType'].includes(ty.name)) {
    return PLAIN.has(v.t) || v.t === 'layer' || v.t === 'container' || v.t === 'object' ? false : undefined;
  }
  if (ty.t === 'class') {
    if (v.t === 'object') return interp.mro(v.cls).includes(ty);
    return PLAIN.has(v.t) || v.t === 'layer' || v.t === 'container' ? false : undefined;
  }
  if (ty.t !== 'builtin' && ty.t !== 'module') return undefined;
  const kinds = INSTANCE_KINDS[ty.name];
  if (kinds) return kinds.includes(v.t) ? true : PLAIN.has(v.t) || v.t === 'layer' || v.t === 'container' || v.t === 'object' || v.t === 'function' ? false : undefined;
  const layerDef = findLayer(ty.name);
  if (layerDef) {
    if (v.t === 'layer') return v.def === layerDef;
    // A user class deriving from a layer class (`class MyConv(nn.Conv2d)`).
    if (v.t === 'object') return interp.mro(v.cls).some((c) => c.bases.some((b) => b.t === 'builtin' && b.name === ty.name));
    return PLAIN.has(v.t) || v.t === 'container' ? false : undefined;
  }
  if (ty.name === 'torch.nn.Module') {
    if (v.t === 'layer') return v.def.framework === 'torch';
    if (v.t === 'container') return v.kind !== 'KerasSequential';
    if (v.t === 'object') return interp.libraryBase(v.cls)?.framework === 'torch';
    return PLAIN.has(v.t) ? false : undefined;
  }
  return undefined;
}

/**
 * A dict from a dict or from (key, value) pairs, as `dict(...)` and `OrderedDict(...)` build it.
 * Pairs or keys that cannot be known make it partial: it holds what is known, answers unknown for
 * the rest, and cannot be iterated (a Sequential built from it is not a shorter Sequential).
 */
export function dictFrom(interp: Interpreter, source: Value | undefined): DictValue {
  const d: DictValue = { t: 'dict', entries: new Map() };
  if (!source) return d;
  if (source.t === 'dict') {
    for (const [k, e] of source.entries) d.entries.set(k, e);
    if (source.partial) d.partial = true;
    return d;
  }
  const items = interp.iterate(source);
  if (items === null) d.partial = true;
  for (const it of items ?? []) {
    const pair = interp.iterate(it);
    const k = pair && pair.length === 2 ? dictKey(pair[0]) : null;
    if (pair && k) d.entries.set(k, { key: pair[0], value: pair[1] });
    else d.partial = true;
  }
  return d;
}

/** `collections.OrderedDict(...)`: a dict from a dict or from (key, value) pairs. */
export function orderedDict(interp: Interpreter, args: Value[]): Value {
  return dictFrom(interp, args[0]);
}

/** The methods of lists, dicts, strings and tuples (`layers.append(x)`, `cfg.items()`, `name.split('.')`). */
export function collectionMethod(interp: Interpreter, self: Value, method: string, args: Value[], kwargs: Map<string, Value>): Value {
  if (self.t === 'list') {
    switch (method) {
      case 'append':
        if (args[0]) self.items.push(args[0]);
        return NONE;
      case 'extend': {
        const items = args[0] ? interp.iterate(args[0]) : null;
        if (items) self.items.push(...items);
        else self.items.push(UNKNOWN);
        return NONE;
      }
      case 'insert':
        if (args[0]?.t === 'int' && isKnown(args[0].v) && args[1]) self.items.splice(args[0].v < 0 ? self.items.length + args[0].v : args[0].v, 0, args[1]);
        return NONE;
      case 'pop': {
        if (!args[0]) return self.items.pop() ?? UNKNOWN;
        const at = args[0].t === 'int' && isKnown(args[0].v) ? (args[0].v < 0 ? args[0].v + self.items.length : args[0].v) : null;
        if (at === null || at < 0 || at >= self.items.length) {
          // An index we cannot know: the list's contents are no longer known either.
          self.items.splice(0, self.items.length, UNKNOWN);
          return UNKNOWN;
        }
        return self.items.splice(at, 1)[0];
      }
      case 'copy':
        return list([...self.items]);
      case 'index': {
        const i = self.items.findIndex((x) => args[0] && interp.valuesEqual(x, args[0]) === true);
        return i >= 0 ? int(i) : UNKNOWN;
      }
      case 'reverse':
        self.items.reverse();
        return NONE;
    }
    return UNKNOWN;
  }
  if (self.t === 'dict') {
    switch (method) {
      // A partial dict's entries are not all known: listing the known ones would be a shorter list.
      case 'items':
        return self.partial ? UNKNOWN : list([...self.entries.values()].map((e) => tuple([e.key, e.value])));
      case 'keys':
        return self.partial ? UNKNOWN : list([...self.entries.values()].map((e) => e.key));
      case 'values':
        return self.partial ? UNKNOWN : list([...self.entries.values()].map((e) => e.value));
      case 'get': {
        const k = args[0] ? dictKey(args[0]) : null;
        if (!k) return UNKNOWN;
        const found = self.entries.get(k)?.value;
        if (found) return found;
        return self.partial ? UNKNOWN : (args[1] ?? NONE);
      }
      case 'pop': {
        const k = args[0] ? dictKey(args[0]) : null;
        const v = k ? self.entries.get(k)?.value : undefined;
        if (k) self.entries.delete(k);
        else self.partial = true;
        return v ?? (self.partial ? UNKNOWN : args[1]) ?? UNKNOWN;
      }
      case 'update':
        if (args[0]) {
          const other = dictFrom(interp, args[0]);
          for (const [k, e] of other.entries) self.entries.set(k, e);
          if (other.partial) self.partial = true;
        }
        for (const [k, v] of kwargs) self.entries.set(`s:${k}`, { key: str(k), value: v });
        return NONE;
      case 'setdefault': {
        const k = args[0] ? dictKey(args[0]) : null;
        if (!k) {
          self.partial = true;
          return UNKNOWN;
        }
        if (!self.entries.has(k)) self.entries.set(k, { key: args[0], value: args[1] ?? NONE });
        return self.entries.get(k)!.value;
      }
      case 'copy':
        return { t: 'dict', entries: new Map(self.entries), ...(self.partial ? { partial: true } : {}) };
    }
    return UNKNOWN;
  }
  if (self.t === 'str') {
    switch (method) {
      case 'lower':
        return str(self.v.toLowerCase());
      case 'upper':
        return str(self.v.toUpperCase());
      case 'format': {
        // '{}', '{0}', '{name}' and their format specs for integers and strings ('{:02d}').
        let next = 0;
        let failed = false;
        const out = self.v.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rsa])?(?::([^{}]*))?\}/g, (m, field: string | undefined, spec: string | undefined) => {
          if (m === '{{') return '{';
          if (m === '}}') return '}';
          const key = field ?? '';
          const v = key === '' ? args[next++] : /^\d+$/.test(key) ? args[Number(key)] : kwargs.get(key);
          const text = v ? toText(v) : null;
          if (text === null) {
            failed = true;
            return '';
          }
          const width = spec ? /^0?(\d+)d?$/.exec(spec) : null;
          if (spec && !width && spec !== 's' && spec !== 'd') {
            failed = true;
            return '';
          }
          return width ? text.padStart(Number(width[1]), spec!.startsWith('0') ? '0' : ' ') : text;
        });
        return failed ? UNKNOWN : str(out);
      }
      case 'isdigit':
      case 'isdecimal':
      case 'isnumeric':
      case 'isalpha':
      case 'isalnum':
      case 'isspace': {
        // `ss.isdigit()` in a config-string parser; only ASCII text is answered (Python's classes
        // take in Unicode's digits and letters, which differ between the methods).
        if (args.length > 0 || !/^[\x00-\x7f]*$/.test(self.v)) return UNKNOWN;
        const pattern = method === 'isalpha' ? /^[A-Za-z]+$/ : method === 'isalnum' ? /^[A-Za-z0-9]+$/ : method === 'isspace' ? /^[ \t\n\r\x0b\x0c\x1c-\x1f]+$/ : /^[0-9]+$/;
        return bool(pattern.test(self.v));
      }
      case 'find':
      case 'rfind': {
        // `classname.find('Conv') != -1` in a weight initialiser; indexes in code points, as
        // Python counts them (text with characters outside the BMP is left unknown).
        if (args.length !== 1 || args[0].t !== 'str' || /[\ud800-\udfff]/.test(self.v + args[0].v)) return UNKNOWN;
        return int(method === 'find' ? self.v.indexOf(args[0].v) : self.v.lastIndexOf(args[0].v));
      }
      case 'startswith':
        return args[0]?.t === 'str' ? bool(self.v.startsWith(args[0].v)) : UNKNOWN;
      case 'endswith':
        return args[0]?.t === 'str' ? bool(self.v.endsWith(args[0].v)) : UNKNOWN;
      case 'split':
        return args[0]?.t === 'str' ? list(self.v.split(args[0].v).map(str)) : list(self.v.split(/\s+/).filter(Boolean).map(str));
      case 'join': {
        // `"_".join(map(str, ["block", n, i]))`: every item must be a known string.
        const items = args[0] ? interp.iterate(args[0]) : null;
        if (!items || !items.every((i) => i.t === 'str')) return UNKNOWN;
        return str(items.map((i) => (i as { v: string }).v).join(self.v));
      }
      case 'replace':
        return args[0]?.t === 'str' && args[1]?.t === 'str' && args.length === 2 ? str(self.v.split(args[0].v).join(args[1].v)) : UNKNOWN;
      case 'strip':
      case 'lstrip':
      case 'rstrip': {
        if (args.length > 0 && args[0].t !== 'str' && args[0].t !== 'none') return UNKNOWN;
        const chars = args[0]?.t === 'str' ? args[0].v : null;
        const strip = (c: string) => (chars === null ? /\s/.test(c) : chars.includes(c));
        let start = 0;
        let end = self.v.length;
        if (method !== 'rstrip') while (start < end && strip(self.v[start])) start++;
        if (method !== 'lstrip') while (end > start && strip(self.v[end - 1])) end--;
        return str(self.v.slice(start, end));
      }
    }
    return UNKNOWN;
  }
  if (self.t === 'tuple') {
    if (method === 'index') {
      const i = self.items.findIndex((x) => args[0] && interp.valuesEqual(x, args[0]) === true);
      return i >= 0 ? int(i) : UNKNOWN;
    }
    if (method === 'count') return UNKNOWN;
    // A tensor's shape is a tuple here; TensorFlow's is a TensorShape, whose `as_list()` gives its sizes.
    if (method === 'as_list' && args.length === 0) return list([...self.items]);
  }
  return UNKNOWN;
}

/**
 * Whether a module has a name (`hasattr(nn, 'SiLU')`, `'silu' in dir(F)`): true where the name is a
 * class or function the engine models, or a binding of a module it reads; otherwise unknown (the
 * library may have it where the engine does not), never false.
 */
export function moduleHas(interp: Interpreter, module: ModuleValue, name: string): Value {
  const v = interp.moduleMember(module, name);
  if (module.source) return v.t === 'unknown' ? UNKNOWN : bool(true);
  return v.t === 'builtin' ? bool(true) : UNKNOWN;
}

/** Python's `'conv%d' % i` for the common conversions (%d %i %s %r %f, with flags and width). */
export function percentFormat(format: string, args: Value): Value {
  const values = args.t === 'tuple' ? args.items : [args];
  let i = 0;
  let failed = false;
  const out = format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([diusrf%])/g, (_m, flags: string, width: string, precision: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const v = values[i++];
    if (!v) {
      failed = true;
      return '';
    }
    let text: string | null;
    if (conv === 'f') {
      const n = numeric(v);
      text = n === null ? null : n.toFixed(precision === undefined ? 6 : Number(precision));
    } else if (conv === 'd' || conv === 'i' || conv === 'u') {
      const n = numeric(v);
      text = n === null ? null : String(Math.trunc(n));
    } else text = v.t === 'str' && conv === 'r' ? `'${v.v}'` : toText(v);
    if (text === null) {
      failed = true;
      return '';
    }
    const w = width ? Number(width) : 0;
    return flags.includes('-') ? text.padEnd(w) : text.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ');
  });
  return failed || i !== values.length ? UNKNOWN : str(out);
}

/**
 * A set of these values: equal numbers (1, 1.0, True), equal strings and None count once. Known
 * members only; the order a set iterates in is CPython's hashing, so it is marked unordered
 * (iterating it is unknown, its size and membership are not).
 */
export function setOf(items: Value[]): Value {
  const seen = new Map<string, Value>();
  for (const i of items) {
    const n = numeric(i);
    const key = n !== null ? `n:${n}` : i.t === 'str' ? `s:${i.v}` : i.t === 'none' ? 'none' : null;
    if (key === null) return UNKNOWN;
    if (!seen.has(key)) seen.set(key, i);
  }
  const members = [...seen.values()];
  return members.length <= 1 ? list(members) : { t: 'list', items: members, unordered: true };
}

/** A number, a float or a bool as a plain number; null when unknown or symbolic. */
export function numeric(v: Value): number | null {
  if (v.t === 'int') return isKnown(v.v) ? v.v : null;
  if (v.t === 'float') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  // A one-element array of known value (`float(t)`, `int(a.sum())`).
  if (v.t === 'tensor' && v.elements?.values.length === 1) return v.elements.values[0];
  return null;
}

/** A value as `str()` writes it; null when it cannot be known. */
export function toText(v: Value): string | null {
  switch (v.t) {
    case 'str':
      return v.v;
    case 'int':
      return isKnown(v.v) ? String(v.v) : null;
    case 'float':
      return pythonFloatText(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    default:
      return null;
  }
}

/** A float as Python's str() writes it: `1.0`, `0.5`, `1e-06`. */
function pythonFloatText(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  return String(v).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** The start, stop and step a slice selects from n items (Python's `slice.indices(n)`); null when unknown. */
export function sliceRange(s: Value & { t: 'slice' }, n: number): { start: number; stop: number; step: number } | null {
  const num = (v: Value, d: number): number | null => (v.t === 'none' ? d : v.t === 'int' && isKnown(v.v) ? v.v : null);
  const step = num(s.step, 1);
  if (step === null || step === 0) return null;
  let start = num(s.start, step > 0 ? 0 : n - 1);
  let stop = num(s.stop, step > 0 ? n : -n - 1);
  if (start === null || stop === null) return null;
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  start = Math.max(step > 0 ? 0 : -1, Math.min(start, step > 0 ? n : n - 1));
  stop = Math.max(step > 0 ? 0 : -1, Math.min(stop, n));
  return { start, stop, step };
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * A Python regular expression as a JavaScript one, where both read it alike: plain characters,
 * classes, groups, alternation and quantifiers; no `(?...)` extension, no `\A`/`\Z`, and no pattern
 * that matches the empty string (Python and JavaScript split on empty matches differently).
 */
function portableRegExp(pattern: string): RegExp | null {
  if (pattern.includes('(?') || /\\[AZbBgNuUx0-9]/.test(pattern) || /\{[^}]*$/.test(pattern)) return null;
  try {
    const re = new RegExp(pattern);
    return new RegExp(`^(?:${pattern})$`).test('') ? null : re;
  } catch {
    return null;
  }
}
