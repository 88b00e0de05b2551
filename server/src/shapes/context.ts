// Binding call arguments to a definition's parameters, and the RuleContext that rules read them
// through. Used by the interpreter for real calls and by the table tests with plain values, so
// both exercise the same code.

import { Dim, Expr, dimToString, equalDims } from './dim';
import { formatShape } from './shape';
import { ArgFix, ArgValue, Framework, LayerArg, Output, Param, RuleCode, RuleContext, RuleResult, Shape, TensorArg, TupleOut, UnknownArg } from './types';

export interface BoundArgs {
  values: Map<string, ArgValue>;
  /** Names written at the call site. */
  given: Set<string>;
  /** Problems binding (too many positionals, unknown keyword); the call is then not checked. */
  problems: string[];
}

/**
 * Binds positional and keyword arguments the way Python does. `hidden` says the call also had a
 * `*args` or `**kwargs` whose contents are unknown: the parameters those may set are unknown.
 */
export function bindArgs(params: readonly Param[], positional: readonly ArgValue[], keywords: ReadonlyMap<string, ArgValue>, unknownRest = false, hidden?: { unknownArgs?: boolean; unknownKwargs?: boolean }): BoundArgs {
  const values = new Map<string, ArgValue>();
  const given = new Set<string>();
  const problems: string[] = [];
  const layout = paramLayout(params);
  const positionalParams = layout.positional;
  const varargs = layout.varargs;
  const varkw = layout.varkw;
  for (let i = 0; i < positional.length; i++) {
    const v = positional[i];
    if (i < positionalParams.length && !layout.afterVarargs[i]) {
      values.set(positionalParams[i].name, v);
      given.add(positionalParams[i].name);
    } else if (varargs) {
      const list = (values.get(varargs.name) as ArgValue[] | undefined) ?? [];
      list.push(v);
      values.set(varargs.name, list);
      given.add(varargs.name);
    } else problems.push(`too many positional arguments (${positional.length})`);
  }
  for (const [k, v] of keywords) {
    const p = layout.byName.get(k);
    if (p) {
      if (given.has(k)) problems.push(`multiple values for argument '${k}'`);
      values.set(k, v);
      given.add(k);
    } else if (varkw) {
      values.set(k, v);
      given.add(k);
    } else problems.push(`unexpected keyword argument '${k}'`);
  }
  for (const p of params) {
    if (values.has(p.name)) continue;
    if (hidden && !p.varkw && (hidden.unknownKwargs || (hidden.unknownArgs && !p.kwOnly))) {
      values.set(p.name, UnknownArg.instance);
      continue;
    }
    if (p.varargs) values.set(p.name, []);
    else if (p.varkw) continue;
    else if (p.default !== undefined) values.set(p.name, p.default);
    else if (unknownRest) values.set(p.name, UnknownArg.instance);
    else problems.push(`missing argument '${p.name}'`);
  }
  return { values, given, problems };
}

/** How a parameter list takes arguments, worked out once per list (a layer's or op's definition binds at every call). */
interface ParamLayout {
  /** The parameters a positional argument can fill, in order. */
  positional: Param[];
  /** Per positional parameter: whether it comes after the `*args` (then only a keyword fills it). */
  afterVarargs: boolean[];
  varargs: Param | undefined;
  varkw: Param | undefined;
  /** The first parameter of each name that a keyword can fill (not `*args` nor `**kwargs`). */
  byName: Map<string, Param>;
  /** The parameters whose default is a boolean (a flag), in order. */
  flags: Param[];
}

const layouts = new WeakMap<readonly Param[], ParamLayout>();

/** The layout of a parameter list (definitions' lists are never changed once made). */
export function paramLayout(params: readonly Param[]): ParamLayout {
  let layout = layouts.get(params);
  if (!layout) {
    const positional = params.filter((p) => !p.kwOnly && !p.varkw && !p.varargs);
    const varargs = params.find((p) => p.varargs);
    const varkw = params.find((p) => p.varkw);
    const afterVarargs = positional.map((p) => varargs !== undefined && params.indexOf(varargs) < params.indexOf(p));
    const byName = new Map<string, Param>();
    for (const p of params) if (!p.varargs && !p.varkw && !byName.has(p.name)) byName.set(p.name, p);
    const flags = params.filter((p) => typeof p.default === 'boolean');
    layout = { positional, afterVarargs, varargs, varkw, byName, flags };
    layouts.set(params, layout);
  }
  return layout;
}

/** At most this many unknown flags are tried both ways (2^n runs of a pure rule); with more, the output is unknown. */
const MAX_UNKNOWN_FLAGS = 5;

/**
 * Runs a rule whose boolean arguments may be unknown (`return_sequences=flag`, `**kwargs` that may
 * set `ceil_mode`): an unknown flag is never read as its default. The rule runs once per
 * combination of the unknown flags; a dimension on which every run agrees stays, the others
 * become unknown, outputs of different ranks or structures are unknown, and only the errors that
 * every run reports are kept. Returns the first run's context (its errors so filtered).
 */
export function inferWithUnknownFlags(params: readonly Param[], bound: BoundArgs, makeContext: (bound: BoundArgs) => ArgContext, infer: (ctx: ArgContext) => RuleResult): { result: RuleResult; context: ArgContext } {
  const run = (b: BoundArgs) => {
    const context = makeContext(b);
    let result: RuleResult;
    try {
      result = infer(context);
    } catch {
      result = { output: null, params: null };
    }
    return { result, context };
  };
  const flags: string[] = [];
  for (const p of paramLayout(params).flags) if (bound.values.get(p.name) === UnknownArg.instance) flags.push(p.name);
  if (flags.length === 0) return run(bound);
  if (flags.length > MAX_UNKNOWN_FLAGS) {
    const first = run(bound);
    first.context.errors.splice(0);
    return { result: { output: null, params: null }, context: first.context };
  }
  const runs: { result: RuleResult; context: ArgContext }[] = [];
  for (let mask = 0; mask < 1 << flags.length; mask++) {
    const values = new Map(bound.values);
    flags.forEach((name, i) => values.set(name, (mask & (1 << i)) !== 0));
    runs.push(run({ ...bound, values }));
  }
  const [first, ...others] = runs;
  const errorKey = (e: ReportedError) => `${e.code}|${e.arg ?? ''}`;
  const everywhere = first.context.errors.filter((e) => others.every((r) => r.context.errors.some((o) => errorKey(o) === errorKey(e))));
  first.context.errors.splice(0, first.context.errors.length, ...everywhere);
  const output = others.reduce<Output>((joined, r) => joinOutputs(joined, r.result.output), first.result.output);
  const paramsCount = others.every((r) => r.result.params === first.result.params) ? first.result.params : null;
  return { result: { ...first.result, output, params: paramsCount }, context: first.context };
}

/** What two possible outputs have in common: the dimensions they agree on. */
function joinOutputs(a: Output, b: Output): Output {
  if (a instanceof TupleOut || b instanceof TupleOut) {
    if (a instanceof TupleOut && b instanceof TupleOut && a.items.length === b.items.length) return new TupleOut(a.items.map((x, i) => joinOutputs(x, b.items[i])));
    return null;
  }
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((d, i) => (equalDims(d, b[i]) === true ? d : null));
}

export interface ReportedError {
  code: RuleCode;
  message: string;
  arg?: string;
  fix?: ArgFix;
}

export interface ArgContextOptions {
  framework: Framework;
  kind: string;
  bound: BoundArgs;
  inputs?: Shape[];
  inputOrigins?: string[];
  /** Source text of each argument as written (`6*14*14`), for messages (asked only when one quotes it). */
  argTexts?: { get(name: string): string | undefined };
  /** Where input i came from, computed only when a message needs it (instead of inputOrigins). */
  originOf?: (i: number) => string;
}

export class ArgContext implements RuleContext {
  readonly framework: Framework;
  readonly kind: string;
  readonly inputs: Shape[];
  private origins: string[] | undefined;
  private readonly originOf: ((i: number) => string) | undefined;
  readonly errors: ReportedError[] = [];
  readonly notes: string[] = [];
  private readonly bound: BoundArgs;
  private readonly argTexts: { get(name: string): string | undefined };

  constructor(o: ArgContextOptions) {
    this.framework = o.framework;
    this.kind = o.kind;
    this.bound = o.bound;
    this.inputs = o.inputs ?? [];
    this.origins = o.inputOrigins;
    this.originOf = o.originOf;
    this.argTexts = o.argTexts ?? new Map();
  }

  get inputOrigins(): string[] {
    this.origins ??= this.inputs.map((_, i) => (this.originOf ? this.originOf(i) : 'its input'));
    return this.origins;
  }

  has(name: string): boolean {
    return this.bound.given.has(name);
  }

  value(name: string): ArgValue {
    const v = this.bound.values.get(name);
    return v === undefined ? UnknownArg.instance : v;
  }

  int(name: string): Dim {
    return asInt(this.value(name));
  }

  float(name: string): number | null {
    const v = this.value(name);
    return typeof v === 'number' ? v : null;
  }

  str(name: string): string | null {
    const v = this.value(name);
    return typeof v === 'string' ? v : null;
  }

  bool(name: string): boolean | null {
    const v = this.value(name);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    return null;
  }

  tuple(name: string, n: number): Dim[] | null {
    return asTuple(this.value(name), n);
  }

  tensor(name: string): Shape | undefined {
    const v = this.value(name);
    return v instanceof TensorArg ? v.shape : undefined;
  }

  origin(nameOrIndex: string | number): string {
    if (typeof nameOrIndex === 'number') return this.inputOrigins[nameOrIndex] ?? 'its input';
    const v = this.value(nameOrIndex);
    return v instanceof TensorArg ? v.origin : nameOrIndex;
  }

  describe(name: string): string {
    const v = this.value(name);
    const shown = argToString(v);
    if (!this.has(name)) return `${shown} (default)`;
    const text = this.argTexts.get(name);
    if (text !== undefined && text.replace(/\s+/g, '') !== shown.replace(/\s+/g, '')) return `${shown} (${text})`;
    return shown;
  }

  error(code: RuleCode, message: string, arg?: string, fix?: ArgFix): void {
    this.errors.push({ code, message: this.framework === 'keras' ? kerasUnknownSizes(message) : message, arg, fix });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  runLayer(layer: LayerArg, inputs: Shape[]): RuleResult {
    const inner = new ArgContext({ framework: layer.def.framework, kind: layer.def.kind, bound: layer.bound as BoundArgs, inputs, inputOrigins: this.inputOrigins });
    const result = layer.def.infer(inner);
    this.errors.push(...inner.errors.map((e) => ({ ...e, arg: undefined, fix: undefined })));
    this.notes.push(...inner.notes);
    return result;
  }
}

/**
 * A Keras message writes an unknown size as Keras does, `None`, whichever helper printed it (`?` in
 * `(?, 50)`, `null` in `[null,50]`); an unknown rank `(?)` stays as it is.
 */
export function kerasUnknownSizes(message: string): string {
  return message.replace(/([(\[,]\s*)(\?|null)(?=\s*[,)\]])/g, (whole, before: string, _token: string, offset: number, text: string) => {
    const closes = text[offset + whole.length];
    return before === '(' && closes === ')' ? whole : `${before}None`;
  });
}

export function asInt(v: ArgValue): Dim {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (v instanceof Expr) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

export function asTuple(v: ArgValue, n: number): Dim[] | null {
  if (Array.isArray(v)) {
    if (v.length === 1 && n > 1) return Array(n).fill(asInt(v[0]));
    if (v.length !== n) return null;
    return v.map(asInt);
  }
  const i = asInt(v);
  if (i === null) return null;
  return Array(n).fill(i);
}

/**
 * A requested `output_size` of `n` spatial sizes, which may also lead with batch and channels
 * (`x.size()`): its last `n` entries; null where none was given (None), undefined where the value
 * cannot be read as such a list.
 */
export function requestedSizes(v: ArgValue, n: number): Dim[] | null | undefined {
  if (v === null) return null;
  if (!Array.isArray(v) || (v.length !== n && v.length !== n + 2)) return undefined;
  return v.slice(v.length - n).map(asInt);
}

export function argToString(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || v instanceof Expr) return dimToString(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${argToString(v[0])},)` : `(${v.map(argToString).join(', ')})`;
  if (v instanceof TensorArg) return `tensor${formatShape(v.shape)}`;
  return '?';
}
