// An abstract interpreter for the subset of Python that model code uses. It runs module code,
// constructors and forward()/call() methods with tensors that carry only shapes, so that
// helper functions, loops with constant bounds, cfg lists, blocks with arguments and residual
// shortcuts all come out as the framework would build them.
//
// It never executes user code for real, never throws on user code (every failure becomes an
// UNKNOWN value), and stops after a fixed budget of steps so that no input can make it hang.
// Framework knowledge comes from model/library.ts (names) and shapes/ (layer and op rules).
// Python's own builtins and the methods of lists, dicts and strings are in builtins.ts.

import { ArgContext, bindArgs, BoundArgs } from '../shapes/context';
import { add, ceildiv, Dim, dimToString, equalDims, Expr, floordiv, isKnown, mul, product, sub } from '../shapes/dim';
import { findLayer, findOp } from '../shapes/registry';
import { formatShape, normAxis } from '../shapes/shape';
import { ArgValue, Framework, LayerArg, LayerDef, OpDef, Output, Param, RuleResult, Shape, TensorArg, TupleOut, UnknownArg } from '../shapes/types';
import { Expr as DimExpr } from '../shapes/dim';
import type { SyntaxNode } from '../syntax/parse';
import { BASE_CLASSES, CONTAINERS, normaliseName, SUMMARY_CALLS, TENSOR_FACTORIES } from '../model/library';
import { collectionMethod, MAX_LOOP_ITERATIONS, numeric, orderedDict, percentFormat, pythonBuiltin, pythonCall, sliceRange, toText } from './builtins';
import { Scope } from './scope';
import { Trace } from './trace';
import {
  bool,
  ClassValue,
  CONTAINER_ATTR,
  containerOf,
  ContainerValue,
  dictKey,
  DictValue,
  FunctionalValue,
  FunctionValue,
  int,
  LayerValue,
  list,
  NONE,
  ObjectValue,
  SeqValue,
  str,
  TensorValue,
  truthy,
  tuple,
  UNKNOWN,
  Value,
} from './values';

class ReturnSignal {
  constructor(readonly value: Value) {}
}
class BreakSignal {}
class ContinueSignal {}
/** `raise` in user code: the path stops; the caller sees an unknown value. */
class RaiseSignal {}
export class BudgetExceeded {}

/** nn.Module methods that return the module itself (`model = Net().to(device).eval()`). */
const MODULE_METHODS_RETURNING_SELF = new Set(['to', 'cuda', 'cpu', 'eval', 'train', 'float', 'double', 'half', 'bfloat16', 'requires_grad_', 'to_empty', 'share_memory', 'apply', 'type']);
/** Steps one file may take in all, whatever its number of models: the bound on its analysis time. */
const FILE_BUDGET = 1_500_000;
const MAX_DEPTH = 60;

/** An example call found in the file: `net(torch.randn(1, 1, 28, 28))`, `model.build((None, 28, 28, 1))`. */
export interface ExampleInput {
  shapes: Shape[];
  source: 'call' | 'build';
}

export interface InterpreterOptions {
  /** Steps (statements, expressions and calls) allowed before the run stops with unknowns. */
  budget?: number;
}

const BINARY_OPS: Record<string, string> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'truediv',
  '//': 'floordiv',
  '%': 'mod',
  '@': 'matmul',
  '**': 'pow',
};

export class Interpreter {
  readonly trace = new Trace();
  readonly moduleScope = new Scope(null, 'module');
  /** User classes, by name, in source order. */
  readonly classes: ClassValue[] = [];
  /** Module-level functions, by name. */
  readonly functions = new Map<string, FunctionValue>();
  /** Example inputs keyed by model object id or class id. */
  readonly examples = new Map<number, ExampleInput>();
  /** Object id → class ids instantiated while constructing it (its blocks). */
  readonly constructedInside = new Map<number, Set<number>>();
  /** Model object id → the module-level function whose call built it. */
  readonly creatorFunction = new Map<number, string>();
  /** The first module-level instance of each class (class id → object). */
  readonly moduleInstances = new Map<number, Value>();
  /** Set while a model's forward pass is being traced. */
  inModelRun = false;

  private steps = 0;
  /** Steps spent in earlier phases of this file. */
  private spent = 0;
  private budget: number;
  private depth = 0;
  private nextId = 1;
  private callSiteOverride: SyntaxNode | null = null;
  private constructionStack: Set<number>[] = [];
  private functionStack: string[] = [];
  private uncertainReturn = false;
  /** The methods being run, innermost last (for `super()`; read by builtins.ts). */
  readonly methodStack: { self: Value; owner: ClassValue }[] = [];

  constructor(
    readonly root: SyntaxNode,
    options: InterpreterOptions = {},
  ) {
    this.budget = options.budget ?? 400_000;
    this.moduleScope.set('__name__', str('__main__'));
  }

  newId(): number {
    return this.nextId++;
  }

  /** Starts a phase with its own step budget, never beyond what is left of the whole file's. */
  resetBudget(budget = this.budget): void {
    this.spent += this.steps;
    this.steps = 0;
    this.budget = Math.max(0, Math.min(budget, FILE_BUDGET - this.spent));
  }

  private tick(): void {
    if (++this.steps > this.budget) throw new BudgetExceeded();
  }

  // ---------------------------------------------------------------- module and statements

  /** Runs the module's top-level statements; each failing statement is skipped. */
  runModule(): void {
    for (const stmt of this.root.namedChildren) {
      try {
        this.execStatement(stmt, this.moduleScope);
      } catch (e) {
        if (e instanceof BudgetExceeded) return;
        if (e instanceof ReturnSignal || e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof RaiseSignal) continue;
        // Defensive: an internal error on one statement must not lose the rest of the file.
        continue;
      }
    }
  }

  execBlock(block: SyntaxNode | null, scope: Scope): void {
    if (!block) return;
    for (const stmt of block.namedChildren) this.execStatement(stmt, scope);
  }

  execStatement(node: SyntaxNode, scope: Scope): void {
    this.tick();
    switch (node.type) {
      case 'expression_statement': {
        for (const e of node.namedChildren) {
          if (e.type === 'assignment') this.execAssignment(e, scope);
          else if (e.type === 'augmented_assignment') this.execAugmented(e, scope);
          else this.evalExpr(e, scope);
        }
        return;
      }
      case 'return_statement': {
        const e = node.namedChildren[0];
        throw new ReturnSignal(e ? this.evalExpr(e, scope) : NONE);
      }
      case 'if_statement':
        return this.execIf(node, scope);
      case 'for_statement':
        return this.execFor(node, scope);
      case 'while_statement':
        return this.execWhile(node, scope);
      case 'function_definition': {
        const f = this.makeFunction(node, scope);
        scope.set(f.name, f);
        if (scope === this.moduleScope) this.functions.set(f.name, f);
        return;
      }
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        if (def) this.execStatement(def, scope);
        return;
      }
      case 'class_definition':
        return this.execClass(node, scope);
      case 'import_statement':
      case 'import_from_statement':
        return this.execImport(node, scope);
      case 'with_statement': {
        for (const item of node.descendantsOfType('with_item')) {
          const value = item.childForFieldName('value');
          if (value?.type === 'as_pattern') {
            const target = value.childForFieldName('alias');
            const inner = value.namedChildren[0];
            const v = inner ? this.evalExpr(inner, scope) : UNKNOWN;
            if (target) this.assignTarget(target.namedChildren[0] ?? target, v, scope);
          } else if (value) this.evalExpr(value, scope);
        }
        return this.execBlock(node.childForFieldName('body'), scope);
      }
      case 'try_statement':
        this.execBlock(node.childForFieldName('body'), scope);
        for (const c of node.namedChildren) if (c.type === 'finally_clause') this.execBlock(c.namedChildren[c.namedChildren.length - 1], scope);
        return;
      case 'pass_statement':
      case 'global_statement':
      case 'nonlocal_statement':
      case 'assert_statement':
      case 'comment':
      case 'delete_statement':
      case 'print_statement':
      case 'exec_statement':
      case 'type_alias_statement':
        return;
      case 'break_statement':
        throw new BreakSignal();
      case 'continue_statement':
        throw new ContinueSignal();
      case 'raise_statement':
        throw new RaiseSignal();
      case 'block':
        return this.execBlock(node, scope);
      default:
        return; // ERROR nodes and statements we do not model.
    }
  }

  private execIf(node: SyntaxNode, scope: Scope): void {
    const clauses: { cond: SyntaxNode | null; body: SyntaxNode | null }[] = [{ cond: node.childForFieldName('condition'), body: node.childForFieldName('consequence') }];
    for (const alt of node.childrenForFieldName('alternative')) {
      if (alt.type === 'elif_clause') clauses.push({ cond: alt.childForFieldName('condition'), body: alt.childForFieldName('consequence') });
      else clauses.push({ cond: null, body: alt.childForFieldName('body') });
    }
    for (let i = 0; i < clauses.length; i++) {
      const c = clauses[i];
      if (!c.cond) return this.execBlock(c.body, scope);
      const t = truthy(this.evalExpr(c.cond, scope));
      if (t === true) return this.execBlock(c.body, scope);
      if (t === false) continue;
      // Unknown condition: what any remaining branch assigns becomes unknown.
      for (const rest of clauses.slice(i)) this.forgetAssignments(rest.body, scope);
      return;
    }
  }

  /** Marks every name and `self.x` a block assigns as unknown (used when a branch may or may not run). */
  private forgetAssignments(block: SyntaxNode | null, scope: Scope): void {
    if (!block) return;
    const visit = (n: SyntaxNode) => {
      if (n.type === 'function_definition' || n.type === 'class_definition') return;
      if (n.type === 'return_statement') this.uncertainReturn = true;
      if (n.type === 'assignment' || n.type === 'augmented_assignment') {
        const left = n.childForFieldName('left');
        if (left) this.forgetTarget(left, scope);
      }
      if (n.type === 'for_statement') {
        const left = n.childForFieldName('left');
        if (left) this.forgetTarget(left, scope);
      }
      for (const c of n.namedChildren) visit(c);
    };
    visit(block);
  }

  private forgetTarget(target: SyntaxNode, scope: Scope): void {
    if (target.type === 'identifier') scope.set(target.text, UNKNOWN);
    else if (target.type === 'attribute') {
      const obj = this.safeEval(target.childForFieldName('object'), scope);
      const name = target.childForFieldName('attribute')?.text;
      if (obj.t === 'object' && name) obj.attrs.set(name, UNKNOWN);
    } else for (const c of target.namedChildren) this.forgetTarget(c, scope);
  }

  private safeEval(node: SyntaxNode | null, scope: Scope): Value {
    if (!node) return UNKNOWN;
    try {
      return this.evalExpr(node, scope);
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
      return UNKNOWN;
    }
  }

  private execFor(node: SyntaxNode, scope: Scope): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const body = node.childForFieldName('body');
    const iterable = right ? this.evalExpr(right, scope) : UNKNOWN;
    const items = this.iterate(iterable);
    if (items === null || !left) {
      if (left) this.forgetTarget(left, scope);
      this.forgetAssignments(body, scope);
      return;
    }
    let broke = false;
    for (const item of items.slice(0, MAX_LOOP_ITERATIONS)) {
      this.assignTarget(left, item, scope);
      try {
        this.execBlock(body, scope);
      } catch (e) {
        if (e instanceof BreakSignal) {
          broke = true;
          break;
        }
        if (e instanceof ContinueSignal) continue;
        throw e;
      }
    }
    const elseClause = node.childForFieldName('alternative');
    if (!broke && elseClause) this.execBlock(elseClause.childForFieldName('body'), scope);
  }

  private execWhile(node: SyntaxNode, scope: Scope): void {
    const cond = node.childForFieldName('condition');
    const body = node.childForFieldName('body');
    for (let i = 0; i < MAX_LOOP_ITERATIONS; i++) {
      const t = cond ? truthy(this.evalExpr(cond, scope)) : false;
      if (t === false) return;
      if (t === undefined) {
        this.forgetAssignments(body, scope);
        return;
      }
      try {
        this.execBlock(body, scope);
      } catch (e) {
        if (e instanceof BreakSignal) return;
        if (e instanceof ContinueSignal) continue;
        throw e;
      }
    }
    this.forgetAssignments(body, scope);
  }

  private makeFunction(node: SyntaxNode, scope: Scope): FunctionValue {
    return { t: 'function', name: node.childForFieldName('name')?.text ?? '?', node, closure: scope };
  }

  private execClass(node: SyntaxNode, scope: Scope): void {
    const name = node.childForFieldName('name')?.text ?? '?';
    const basesNode = node.childForFieldName('superclasses');
    const bases = basesNode ? basesNode.namedChildren.filter((b) => b.type !== 'keyword_argument').map((b) => this.safeEval(b, scope)) : [];
    const cls: ClassValue = { t: 'class', name, node, bases, attrs: new Map(), id: this.newId() };
    const classScope = new Scope(scope, 'class');
    const body = node.childForFieldName('body');
    if (body) {
      for (const stmt of body.namedChildren) {
        try {
          this.execStatement(stmt, classScope);
        } catch (e) {
          if (e instanceof BudgetExceeded) throw e;
        }
      }
    }
    for (const [k, v] of classScope.vars) {
      if (v.t === 'function') v.owner = cls;
      cls.attrs.set(k, v);
    }
    scope.set(name, cls);
    if (scope === this.moduleScope) this.classes.push(cls);
  }

  private execImport(node: SyntaxNode, scope: Scope): void {
    if (node.type === 'import_statement') {
      for (const c of node.namedChildren) {
        if (c.type === 'dotted_name') {
          const first = c.text.split('.')[0];
          scope.set(first, { t: 'module', name: normaliseName(first) });
        } else if (c.type === 'aliased_import') {
          const full = c.childForFieldName('name')?.text ?? '';
          const alias = c.childForFieldName('alias')?.text ?? full;
          scope.set(alias, { t: 'module', name: normaliseName(full) });
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName('module_name');
    const from = moduleNode?.text ?? '';
    for (const c of node.childrenForFieldName('name')) {
      if (c.type === 'dotted_name') scope.set(c.text, this.libraryRef(`${from}.${c.text}`));
      else if (c.type === 'aliased_import') {
        const n = c.childForFieldName('name')?.text ?? '';
        const alias = c.childForFieldName('alias')?.text ?? n;
        scope.set(alias, this.libraryRef(`${from}.${n}`));
      }
    }
  }

  /** A library name as a value: a known class or function, or a module to look further into. */
  private libraryRef(name: string): Value {
    const n = normaliseName(name);
    if (kerasFunctionalMerge(n) || findLayer(n) || findOp(n) || n in CONTAINERS || n in BASE_CLASSES || n in TENSOR_FACTORIES || SUMMARY_CALLS.has(n) || n === 'keras.Input' || n === 'keras.Model' || n === 'keras.layers.InputLayer' || n === 'keras.layers.Lambda' || n === 'collections.OrderedDict' || n === 'torch.nn.Parameter' || n === 'torch.nn.parameter.Parameter') {
      return { t: 'builtin', name: n };
    }
    return { t: 'module', name: n };
  }

  // ---------------------------------------------------------------- assignment

  private execAssignment(node: SyntaxNode, scope: Scope): void {
    const right = node.childForFieldName('right');
    if (!right) return; // an annotation alone: `x: int`
    let value: Value;
    if (right.type === 'assignment') {
      // Chained `a = b = value`.
      this.execAssignment(right, scope);
      value = this.evalExpr(right.childForFieldName('left')!, scope);
    } else value = this.evalExpr(right, scope);
    const left = node.childForFieldName('left');
    if (left) this.assignTarget(left, value, scope);
  }

  private execAugmented(node: SyntaxNode, scope: Scope): void {
    const left = node.childForFieldName('left')!;
    const right = node.childForFieldName('right')!;
    const op = (node.childForFieldName('operator')?.text ?? '').replace('=', '');
    const current = this.evalExpr(left, scope);
    const value = this.evalExpr(right, scope);
    if (current.t === 'list' && op === '+') {
      const items = this.iterate(value);
      if (items) current.items.push(...items);
      else current.items.push(UNKNOWN);
      return;
    }
    this.assignTarget(left, this.binary(op, current, value, node, current.t === 'tensor'), scope);
  }

  private assignTarget(target: SyntaxNode, value: Value, scope: Scope): void {
    switch (target.type) {
      case 'identifier':
        scope.set(target.text, value);
        if (value.t === 'tensor' || (value.t === 'tuple' && value.items.some((i) => i.t === 'tensor'))) this.noteAssignment(target, value);
        if (scope === this.moduleScope && value.t === 'object' && !this.moduleInstances.has(value.cls.id)) this.moduleInstances.set(value.cls.id, value);
        return;
      case 'attribute': {
        const obj = this.evalExpr(target.childForFieldName('object')!, scope);
        const name = target.childForFieldName('attribute')?.text;
        if (!name) return;
        if (obj.t === 'object') obj.attrs.set(name, value);
        else if (obj.t === 'class') obj.attrs.set(name, value);
        return;
      }
      case 'subscript': {
        const obj = this.evalExpr(target.childForFieldName('value')!, scope);
        const idxNode = target.childForFieldName('subscript');
        const idx = idxNode ? this.evalExpr(idxNode, scope) : UNKNOWN;
        if (obj.t === 'dict') {
          const k = dictKey(idx);
          if (k) obj.entries.set(k, { key: idx, value });
        } else if (obj.t === 'list' && idx.t === 'int' && isKnown(idx.v)) {
          const i = idx.v < 0 ? idx.v + obj.items.length : idx.v;
          if (i >= 0 && i < obj.items.length) obj.items[i] = value;
        } else if (obj.t === 'container' && obj.kind === 'ModuleDict' && idx.t === 'str') {
          this.containerSet(obj, idx.v, value);
        }
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'expression_list':
      case 'tuple':
      case 'list': {
        const targets = target.namedChildren.filter((c) => c.type !== 'comment');
        const items = this.iterate(value);
        const star = targets.findIndex((t) => t.type === 'list_splat_pattern');
        if (items === null) {
          for (const t of targets) this.assignTarget(t.type === 'list_splat_pattern' ? t.namedChildren[0] : t, UNKNOWN, scope);
          return;
        }
        if (star < 0) {
          targets.forEach((t, i) => this.assignTarget(t, i < items.length && items.length === targets.length ? items[i] : UNKNOWN, scope));
        } else {
          const after = targets.length - star - 1;
          targets.forEach((t, i) => {
            if (i < star) this.assignTarget(t, items[i] ?? UNKNOWN, scope);
            else if (i === star) this.assignTarget(t.namedChildren[0], list(items.slice(star, items.length - after)), scope);
            else this.assignTarget(t, items[items.length - (targets.length - i)] ?? UNKNOWN, scope);
          });
        }
        return;
      }
      case 'parenthesized_expression':
        return this.assignTarget(target.namedChildren[0], value, scope);
      default:
        return;
    }
  }

  private noteAssignment(target: SyntaxNode, value: Value): void {
    const shape: Output = value.t === 'tensor' ? value.shape : new TupleOut((value as SeqValue).items.map((i) => (i.t === 'tensor' ? i.shape : null)));
    this.trace.addNote({ name: target.text, node: target, shape, seq: this.trace.nextSeq() });
  }

  // ---------------------------------------------------------------- expressions

  evalExpr(node: SyntaxNode, scope: Scope): Value {
    this.tick();
    switch (node.type) {
      case 'integer': {
        const t = node.text.replace(/_/g, '').toLowerCase();
        const v = t.startsWith('0x') ? parseInt(t, 16) : t.startsWith('0o') ? parseInt(t.slice(2), 8) : t.startsWith('0b') ? parseInt(t.slice(2), 2) : Number(t.replace(/l$/, ''));
        return Number.isFinite(v) ? { t: 'int', v, src: node } : UNKNOWN;
      }
      case 'float': {
        const v = Number(node.text.replace(/_/g, ''));
        return Number.isFinite(v) ? { t: 'float', v } : UNKNOWN;
      }
      case 'true':
        return bool(true);
      case 'false':
        return bool(false);
      case 'none':
        return NONE;
      case 'ellipsis':
        return { t: 'ellipsis' };
      case 'string':
        return this.evalString(node, scope);
      case 'concatenated_string': {
        let s = '';
        for (const c of node.namedChildren) {
          const v = this.evalString(c, scope);
          if (v.t !== 'str') return UNKNOWN;
          s += v.v;
        }
        return str(s);
      }
      case 'identifier': {
        const v = scope.lookup(node.text);
        if (v !== undefined) return v;
        return pythonBuiltin(node.text);
      }
      case 'attribute': {
        const obj = this.evalExpr(node.childForFieldName('object')!, scope);
        return this.getAttr(obj, node.childForFieldName('attribute')?.text ?? '', node);
      }
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.evalExpr(node.namedChildren[0], scope) : UNKNOWN;
      case 'tuple':
      case 'expression_list':
        return tuple(this.evalItems(node.namedChildren, scope));
      case 'list':
        return list(this.evalItems(node.namedChildren, scope));
      case 'set':
        return list(this.evalItems(node.namedChildren, scope));
      case 'dictionary':
        return this.evalDict(node, scope);
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
        return this.evalComprehension(node, scope, node.type === 'list_comprehension' ? 'list' : 'tuple');
      case 'dictionary_comprehension':
        return this.evalDictComprehension(node, scope);
      case 'call':
        return this.evalCall(node, scope);
      case 'binary_operator':
        return this.evalBinary(node, scope);
      case 'unary_operator': {
        const v = this.evalExpr(node.childForFieldName('argument')!, scope);
        const op = node.childForFieldName('operator')?.text ?? node.children[0]?.text;
        if (op === '-') {
          if (v.t === 'int') return int(mul(v.v, -1));
          if (v.t === 'float') return { t: 'float', v: -v.v };
          if (v.t === 'tensor') return this.tensorLike(v, node, 'neg');
        }
        if (op === '+') return v;
        if (op === '~' && v.t === 'int' && isKnown(v.v)) return int(~v.v);
        return UNKNOWN;
      }
      case 'not_operator': {
        const t = truthy(this.evalExpr(node.childForFieldName('argument')!, scope));
        return t === undefined ? UNKNOWN : bool(!t);
      }
      case 'boolean_operator': {
        const left = this.evalExpr(node.childForFieldName('left')!, scope);
        const op = node.childForFieldName('operator')?.text ?? node.children[1]?.text;
        const lt = truthy(left);
        if (lt === undefined) return UNKNOWN;
        if (op === 'and') return lt ? this.evalExpr(node.childForFieldName('right')!, scope) : left;
        return lt ? left : this.evalExpr(node.childForFieldName('right')!, scope);
      }
      case 'comparison_operator':
        return this.evalComparison(node, scope);
      case 'conditional_expression': {
        const [a, cond, b] = node.namedChildren;
        const t = truthy(this.evalExpr(cond, scope));
        if (t === undefined) return UNKNOWN;
        return this.evalExpr(t ? a : b, scope);
      }
      case 'subscript': {
        const value = this.evalExpr(node.childForFieldName('value')!, scope);
        const subs = node.childrenForFieldName('subscript');
        const idx = subs.length === 1 ? this.evalExpr(subs[0], scope) : tuple(subs.map((s) => this.evalExpr(s, scope)));
        return this.subscript(value, idx, node);
      }
      case 'slice': {
        // `a:b:c` — children are the present parts separated by ':' tokens.
        const parts: (Value | null)[] = [null, null, null];
        let i = 0;
        for (const c of node.children) {
          if (c.type === ':') i++;
          else parts[i] = this.evalExpr(c, scope);
        }
        return { t: 'slice', start: parts[0] ?? NONE, stop: parts[1] ?? NONE, step: parts[2] ?? NONE };
      }
      case 'lambda': {
        const f: FunctionValue = { t: 'function', name: '<lambda>', node, closure: scope };
        return f;
      }
      case 'keyword_argument':
      case 'list_splat':
      case 'dictionary_splat':
        return UNKNOWN;
      case 'named_expression': {
        const v = this.evalExpr(node.childForFieldName('value')!, scope);
        const name = node.childForFieldName('name');
        if (name) scope.set(name.text, v);
        return v;
      }
      case 'await':
        return node.namedChildren[0] ? this.evalExpr(node.namedChildren[0], scope) : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private evalString(node: SyntaxNode, scope: Scope): Value {
    if (node.type !== 'string') return UNKNOWN;
    let s = '';
    for (const c of node.namedChildren) {
      if (c.type === 'string_content') s += c.text;
      else if (c.type === 'interpolation') {
        const e = c.childForFieldName('expression');
        const v = e ? this.evalExpr(e, scope) : UNKNOWN;
        const text = toText(v);
        if (text === null) return UNKNOWN;
        s += text;
      } else if (c.type === 'escape_sequence') s += c.text;
    }
    return str(s);
  }

  private evalItems(nodes: SyntaxNode[], scope: Scope): Value[] {
    const out: Value[] = [];
    for (const n of nodes) {
      if (n.type === 'comment') continue;
      if (n.type === 'list_splat') {
        const items = this.iterate(this.evalExpr(n.namedChildren[0], scope));
        if (items === null) return [UNKNOWN];
        out.push(...items);
      } else out.push(this.evalExpr(n, scope));
    }
    return out;
  }

  private evalDict(node: SyntaxNode, scope: Scope): Value {
    const d: DictValue = { t: 'dict', entries: new Map() };
    for (const c of node.namedChildren) {
      if (c.type === 'pair') {
        const k = this.evalExpr(c.childForFieldName('key')!, scope);
        const v = this.evalExpr(c.childForFieldName('value')!, scope);
        const key = dictKey(k);
        if (key) d.entries.set(key, { key: k, value: v });
      } else if (c.type === 'dictionary_splat') {
        const v = this.evalExpr(c.namedChildren[0], scope);
        if (v.t === 'dict') for (const [k, e] of v.entries) d.entries.set(k, e);
      }
    }
    return d;
  }

  private comprehensionLoops(node: SyntaxNode, scope: Scope, emit: (s: Scope) => void): boolean {
    const clauses = node.namedChildren.filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    const inner = new Scope(scope, 'function');
    let ok = true;
    const run = (i: number): void => {
      if (!ok) return;
      if (i === clauses.length) return emit(inner);
      const c = clauses[i];
      if (c.type === 'if_clause') {
        const t = truthy(this.evalExpr(c.namedChildren[0], inner));
        if (t === undefined) ok = false;
        else if (t) run(i + 1);
        return;
      }
      const items = this.iterate(this.evalExpr(c.childForFieldName('right')!, inner));
      if (items === null) {
        ok = false;
        return;
      }
      for (const item of items.slice(0, MAX_LOOP_ITERATIONS)) {
        this.assignTarget(c.childForFieldName('left')!, item, inner);
        run(i + 1);
      }
    };
    run(0);
    return ok;
  }

  private evalComprehension(node: SyntaxNode, scope: Scope, kind: 'list' | 'tuple'): Value {
    const body = node.childForFieldName('body');
    if (!body) return UNKNOWN;
    const out: Value[] = [];
    const ok = this.comprehensionLoops(node, scope, (s) => out.push(this.evalExpr(body, s)));
    return ok ? { t: kind, items: out } : UNKNOWN;
  }

  private evalDictComprehension(node: SyntaxNode, scope: Scope): Value {
    const body = node.childForFieldName('body');
    if (!body) return UNKNOWN;
    const d: DictValue = { t: 'dict', entries: new Map() };
    const ok = this.comprehensionLoops(node, scope, (s) => {
      const k = this.evalExpr(body.childForFieldName('key')!, s);
      const key = dictKey(k);
      if (key) d.entries.set(key, { key: k, value: this.evalExpr(body.childForFieldName('value')!, s) });
    });
    return ok ? d : UNKNOWN;
  }

  private evalComparison(node: SyntaxNode, scope: Scope): Value {
    const operands = node.namedChildren;
    const ops = node.children.filter((c) => !c.isNamed).map((c) => c.text);
    // `not in` and `is not` come as two tokens.
    const merged: string[] = [];
    for (let i = 0; i < ops.length; i++) {
      if ((ops[i] === 'not' && ops[i + 1] === 'in') || (ops[i] === 'is' && ops[i + 1] === 'not')) {
        merged.push(`${ops[i]} ${ops[i + 1]}`);
        i++;
      } else merged.push(ops[i]);
    }
    let left = this.evalExpr(operands[0], scope);
    for (let i = 0; i < merged.length; i++) {
      const right = this.evalExpr(operands[i + 1], scope);
      const r = this.compare(merged[i], left, right);
      if (r === undefined) return UNKNOWN;
      if (!r) return bool(false);
      left = right;
    }
    return bool(true);
  }

  private compare(op: string, a: Value, b: Value): boolean | undefined {
    if (op === 'in' || op === 'not in') {
      const items = b.t === 'dict' ? [...b.entries.values()].map((e) => e.key) : this.iterate(b);
      if (items === null) return undefined;
      let found: boolean | undefined = false;
      for (const it of items) {
        const eq = this.valuesEqual(a, it);
        if (eq === true) {
          found = true;
          break;
        }
        if (eq === undefined) found = undefined;
      }
      if (b.t === 'str' && a.t === 'str') found = b.v.includes(a.v);
      return found === undefined ? undefined : op === 'in' ? found : !found;
    }
    if (op === 'is' || op === 'is not') {
      let eq: boolean | undefined;
      if (a.t === 'none' || b.t === 'none') eq = a.t === 'unknown' || b.t === 'unknown' ? undefined : a.t === b.t;
      else eq = a === b ? true : a.t === 'unknown' || b.t === 'unknown' ? undefined : a.t !== b.t ? false : undefined;
      return eq === undefined ? undefined : op === 'is' ? eq : !eq;
    }
    if (op === '==' || op === '!=') {
      const eq = this.valuesEqual(a, b);
      return eq === undefined ? undefined : op === '==' ? eq : !eq;
    }
    const x = numeric(a);
    const y = numeric(b);
    if (x === null || y === null) {
      if (a.t === 'str' && b.t === 'str') {
        switch (op) {
          case '<': return a.v < b.v;
          case '<=': return a.v <= b.v;
          case '>': return a.v > b.v;
          case '>=': return a.v >= b.v;
        }
      }
      return undefined;
    }
    switch (op) {
      case '<': return x < y;
      case '<=': return x <= y;
      case '>': return x > y;
      case '>=': return x >= y;
    }
    return undefined;
  }

  valuesEqual(a: Value, b: Value): boolean | undefined {
    if (a.t === 'unknown' || b.t === 'unknown') return undefined;
    if ((a.t === 'int' || a.t === 'float' || a.t === 'bool') && (b.t === 'int' || b.t === 'float' || b.t === 'bool')) {
      if (a.t === 'int' && b.t === 'int') return equalDims(a.v, b.v);
      const x = numeric(a);
      const y = numeric(b);
      return x === null || y === null ? undefined : x === y;
    }
    if (a.t === 'str' && b.t === 'str') return a.v === b.v;
    if (a.t === 'none' || b.t === 'none') return a.t === b.t;
    if ((a.t === 'tuple' || a.t === 'list') && (b.t === 'tuple' || b.t === 'list')) {
      if (a.items.length !== b.items.length) return false;
      let all: boolean | undefined = true;
      for (let i = 0; i < a.items.length; i++) {
        const e = this.valuesEqual(a.items[i], b.items[i]);
        if (e === false) return false;
        if (e === undefined) all = undefined;
      }
      return all;
    }
    if (a.t === 'tensor' || b.t === 'tensor') return undefined;
    if (a.t !== b.t) return a.t === 'str' || b.t === 'str' ? false : undefined;
    return a === b ? true : undefined;
  }

  private evalBinary(node: SyntaxNode, scope: Scope): Value {
    const a = this.evalExpr(node.childForFieldName('left')!, scope);
    const b = this.evalExpr(node.childForFieldName('right')!, scope);
    const op = node.childForFieldName('operator')?.text ?? '';
    const r = this.binary(op, a, b, node);
    return r.t === 'int' ? { ...r, src: node } : r;
  }

  binary(op: string, a: Value, b: Value, node: SyntaxNode, inPlace = false): Value {
    if (a.t === 'tensor' || b.t === 'tensor') {
      const name = BINARY_OPS[op];
      if (!name) return this.unknownTensor(a.t === 'tensor' ? a : (b as TensorValue), node);
      return this.applyOpByName(`operator.${inPlace ? 'i' : ''}${name}`, [a, b], new Map(), node);
    }
    if (a.t === 'int' && b.t === 'int') {
      switch (op) {
        case '+': return int(add(a.v, b.v));
        case '-': return int(sub(a.v, b.v));
        case '*': return int(mul(a.v, b.v));
        case '//': return int(floordiv(a.v, b.v));
        case '/': return isKnown(a.v) && isKnown(b.v) && b.v !== 0 ? { t: 'float', v: a.v / b.v } : a.v !== null && b.v !== null && !isKnown(b.v) ? UNKNOWN : UNKNOWN;
        case '%': return isKnown(a.v) && isKnown(b.v) && b.v !== 0 ? int(((a.v % b.v) + b.v) % b.v) : UNKNOWN;
        case '**': return isKnown(a.v) && isKnown(b.v) && b.v >= 0 ? int(a.v ** b.v) : UNKNOWN;
        case '<<': return isKnown(a.v) && isKnown(b.v) ? int(a.v << b.v) : UNKNOWN;
        case '>>': return isKnown(a.v) && isKnown(b.v) ? int(a.v >> b.v) : UNKNOWN;
        case '&': return isKnown(a.v) && isKnown(b.v) ? int(a.v & b.v) : UNKNOWN;
        case '|': return isKnown(a.v) && isKnown(b.v) ? int(a.v | b.v) : UNKNOWN;
      }
      return UNKNOWN;
    }
    const x = numeric(a);
    const y = numeric(b);
    if (x !== null && y !== null && (a.t === 'float' || b.t === 'float' || a.t === 'bool' || b.t === 'bool')) {
      const isInt = a.t !== 'float' && b.t !== 'float';
      switch (op) {
        case '+': return isInt ? int(x + y) : { t: 'float', v: x + y };
        case '-': return isInt ? int(x - y) : { t: 'float', v: x - y };
        case '*': return isInt ? int(x * y) : { t: 'float', v: x * y };
        case '/': return y === 0 ? UNKNOWN : { t: 'float', v: x / y };
        case '//': return y === 0 ? UNKNOWN : isInt ? int(Math.floor(x / y)) : { t: 'float', v: Math.floor(x / y) };
        case '**': return isInt && y >= 0 ? int(x ** y) : { t: 'float', v: x ** y };
        case '%': return y === 0 ? UNKNOWN : { t: 'float', v: ((x % y) + y) % y };
      }
      return UNKNOWN;
    }
    if ((a.t === 'list' || a.t === 'tuple') && b.t === a.t && op === '+') return { t: a.t, items: [...a.items, ...b.items] };
    if ((a.t === 'list' || a.t === 'tuple') && b.t === 'int' && op === '*' && isKnown(b.v)) {
      const items: Value[] = [];
      for (let i = 0; i < Math.min(b.v, MAX_LOOP_ITERATIONS); i++) items.push(...a.items);
      return { t: a.t, items };
    }
    if (a.t === 'str' && b.t === 'str' && op === '+') return str(a.v + b.v);
    if (a.t === 'str' && op === '%') return percentFormat(a.v, b);
    return UNKNOWN;
  }

  // ---------------------------------------------------------------- iteration, attributes, subscripts

  /** The items of an iterable value, or null when they cannot be known. */
  iterate(v: Value): Value[] | null {
    const held = v.t === 'object' ? containerOf(v) : undefined;
    if (held) return this.iterate(held);
    switch (v.t) {
      case 'tuple':
      case 'list':
        return v.items;
      case 'str':
        return [...v.v].map(str);
      case 'dict':
        return [...v.entries.values()].map((e) => e.key);
      case 'container':
        return v.kind === 'ModuleDict' ? (v.keys ?? []).map(str) : v.items;
      case 'tensor':
        return null;
      default:
        return null;
    }
  }

  getAttr(obj: Value, name: string, node: SyntaxNode): Value {
    switch (obj.t) {
      case 'module':
        return this.libraryRef(`${obj.name}.${name}`);
      case 'object': {
        if (obj.attrs.has(name)) return obj.attrs.get(name)!;
        const m = this.lookupClassAttr(obj.cls, name);
        if (m) return m.t === 'function' ? this.bindMethod(m, obj) : m;
        if (name === 'training') return bool(false);
        const base = this.libraryBase(obj.cls);
        if (base) return { t: 'builtin', name: `${base.framework === 'torch' ? 'Module' : 'KerasModel'}.${name}`, self: obj };
        return UNKNOWN;
      }
      case 'class': {
        const m = this.lookupClassAttr(obj, name);
        return m ?? UNKNOWN;
      }
      case 'super': {
        const mro = this.mro(obj.owner).slice(1);
        for (const c of mro) {
          const m = c.attrs.get(name);
          if (m) return m.t === 'function' && obj.self.t === 'object' ? this.bindMethod(m, obj.self) : m.t === 'function' ? { ...m, self: obj.self } : m;
        }
        return { t: 'builtin', name: `super.${name}`, self: obj.self };
      }
      case 'tensor':
        return this.tensorAttr(obj, name, node);
      case 'layer': {
        if (obj.bound.values.has(name)) return this.fromArg(obj.bound.values.get(name)!);
        const aliases: Record<string, string> = { filters: 'filters', units: 'units' };
        if (aliases[name] && obj.bound.values.has(aliases[name])) return this.fromArg(obj.bound.values.get(aliases[name])!);
        return { t: 'builtin', name: `Layer.${name}`, self: obj };
      }
      case 'container':
        return { t: 'builtin', name: `Container.${name}`, self: obj };
      case 'list':
      case 'tuple':
      case 'dict':
      case 'str':
        return { t: 'builtin', name: `${obj.t}.${name}`, self: obj };
      case 'functional':
        return { t: 'builtin', name: `KerasModel.${name}`, self: obj };
      default:
        return UNKNOWN;
    }
  }

  /** A method looked up on an instance: bound to it, to its class (@classmethod), or to nothing (@staticmethod). */
  private bindMethod(m: FunctionValue, obj: ObjectValue): FunctionValue {
    const decorators = m.node.parent?.type === 'decorated_definition' ? m.node.parent.namedChildren.filter((c) => c.type === 'decorator').map((d) => d.text.replace(/\s/g, '')) : [];
    if (decorators.includes('@staticmethod')) return m;
    if (decorators.includes('@classmethod')) return { ...m, self: obj.cls };
    return { ...m, self: obj };
  }

  mro(cls: ClassValue): ClassValue[] {
    const out: ClassValue[] = [];
    const visit = (c: ClassValue, depth: number) => {
      if (depth > 20 || out.includes(c)) return;
      out.push(c);
      for (const b of c.bases) if (b.t === 'class') visit(b, depth + 1);
    };
    visit(cls, 0);
    return out;
  }

  lookupClassAttr(cls: ClassValue, name: string): Value | undefined {
    for (const c of this.mro(cls)) {
      const v = c.attrs.get(name);
      if (v) return v;
    }
    return undefined;
  }

  /** The library base class a user class derives from (nn.Module, keras.Model, keras.layers.Layer). */
  libraryBase(cls: ClassValue): { name: string; framework: Framework; model: boolean } | undefined {
    for (const c of this.mro(cls)) {
      for (const b of c.bases) {
        if (b.t === 'builtin' && b.name in BASE_CLASSES) return { name: b.name, ...BASE_CLASSES[b.name] };
      }
    }
    return undefined;
  }

  private tensorAttr(t: TensorValue, name: string, node: SyntaxNode): Value {
    switch (name) {
      case 'shape':
        return t.shape === null ? UNKNOWN : tuple(t.shape.map((d) => (d === null ? UNKNOWN : int(d))));
      case 'ndim':
        return t.shape === null ? UNKNOWN : int(t.shape.length);
      case 'T':
        return t.shape === null ? this.unknownTensor(t, node) : this.makeTensor([...t.shape].reverse(), t.framework, { text: `transpose of ${formatShape(t.shape)} at line ${node.startPosition.row + 1}`, node }, 0);
      case 'dtype':
      case 'device':
      case 'data':
        return name === 'data' ? t : UNKNOWN;
      default:
        return { t: 'builtin', name: `Tensor.${name}`, self: t };
    }
  }

  subscript(value: Value, idx: Value, node: SyntaxNode): Value {
    const held = value.t === 'object' ? containerOf(value) : undefined;
    if (held) return this.subscript(held, idx, node);
    switch (value.t) {
      case 'tuple':
      case 'list': {
        if (idx.t === 'int' && isKnown(idx.v)) {
          const i = idx.v < 0 ? idx.v + value.items.length : idx.v;
          return value.items[i] ?? UNKNOWN;
        }
        if (idx.t === 'slice') {
          const r = sliceRange(idx, value.items.length);
          if (!r) return UNKNOWN;
          const items: Value[] = [];
          for (let i = r.start; r.step > 0 ? i < r.stop : i > r.stop; i += r.step) items.push(value.items[i]);
          return { t: value.t, items };
        }
        return UNKNOWN;
      }
      case 'str': {
        if (idx.t === 'int' && isKnown(idx.v)) return value.v[idx.v < 0 ? idx.v + value.v.length : idx.v] !== undefined ? str(value.v[idx.v < 0 ? idx.v + value.v.length : idx.v]) : UNKNOWN;
        return UNKNOWN;
      }
      case 'dict': {
        const k = dictKey(idx);
        return (k && value.entries.get(k)?.value) || UNKNOWN;
      }
      case 'container': {
        if (value.kind === 'ModuleDict') {
          if (idx.t !== 'str' || !value.keys) return UNKNOWN;
          const i = value.keys.indexOf(idx.v);
          return i >= 0 ? value.items[i] : UNKNOWN;
        }
        if (idx.t === 'int' && isKnown(idx.v)) {
          const i = idx.v < 0 ? idx.v + value.items.length : idx.v;
          return value.items[i] ?? UNKNOWN;
        }
        if (idx.t === 'slice') {
          const r = sliceRange(idx, value.items.length);
          if (!r) return UNKNOWN;
          const items: Value[] = [];
          for (let i = r.start; r.step > 0 ? i < r.stop : i > r.stop; i += r.step) items.push(value.items[i]);
          return { ...value, items, id: this.newId() };
        }
        return UNKNOWN;
      }
      case 'tensor':
        return this.indexTensor(value, idx, node);
      default:
        return UNKNOWN;
    }
  }

  /** `x[:, 0]`, `x[..., None]`, `x[:, -1, :]`, `x[0]`: the shape after basic indexing. */
  private indexTensor(t: TensorValue, idx: Value, node: SyntaxNode): Value {
    const parts = idx.t === 'tuple' ? idx.items : [idx];
    let out: Shape = null;
    if (t.shape !== null && parts.every((p) => p.t === 'int' || p.t === 'slice' || p.t === 'none' || p.t === 'ellipsis')) {
      const shape = t.shape;
      const consumed = parts.filter((p) => p.t === 'int' || p.t === 'slice').length;
      const ellipsisAt = parts.findIndex((p) => p.t === 'ellipsis');
      const expanded: Value[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i === ellipsisAt) for (let k = 0; k < shape.length - consumed; k++) expanded.push({ t: 'slice', start: NONE, stop: NONE, step: NONE });
        else expanded.push(parts[i]);
      }
      const dims: Dim[] = [];
      let axis = 0;
      let ok = consumed <= shape.length;
      for (const p of expanded) {
        if (!ok) break;
        if (p.t === 'none') dims.push(1);
        else if (p.t === 'int') axis++;
        else if (p.t === 'slice') {
          const d = shape[axis++];
          if (p.start.t === 'none' && p.stop.t === 'none' && p.step.t === 'none') dims.push(d);
          else if (isKnown(d)) {
            const r = sliceRange(p, d);
            dims.push(r ? Math.max(0, Math.ceil((r.stop - r.start) / r.step)) : null);
          } else dims.push(null);
        }
      }
      if (ok) out = [...dims, ...shape.slice(axis)];
    }
    return this.recordOp('__getitem__', [t], out, node, []);
  }

  // ---------------------------------------------------------------- calls

  private evalCall(node: SyntaxNode, scope: Scope): Value {
    const fnNode = node.childForFieldName('function')!;
    const fn = this.evalExpr(fnNode, scope);
    const argsNode = node.childForFieldName('arguments');
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    const argNodes: SyntaxNode[] = [];
    const kwNodes = new Map<string, SyntaxNode>();
    let unknownSplat = false;
    if (argsNode?.type === 'generator_expression') {
      args.push(this.evalExpr(argsNode, scope));
      argNodes.push(argsNode);
    } else if (argsNode) {
      for (const a of argsNode.namedChildren) {
        if (a.type === 'comment') continue;
        if (a.type === 'keyword_argument') {
          const name = a.childForFieldName('name')?.text ?? '';
          const valueNode = a.childForFieldName('value')!;
          kwargs.set(name, this.evalExpr(valueNode, scope));
          kwNodes.set(name, valueNode);
        } else if (a.type === 'list_splat') {
          const items = this.iterate(this.evalExpr(a.namedChildren[0], scope));
          if (items === null) unknownSplat = true;
          else {
            args.push(...items);
            for (let i = 0; i < items.length; i++) argNodes.push(a);
          }
        } else if (a.type === 'dictionary_splat') {
          const d = this.evalExpr(a.namedChildren[0], scope);
          if (d.t === 'dict') {
            for (const e of d.entries.values()) if (e.key.t === 'str') {
              kwargs.set(e.key.v, e.value);
              kwNodes.set(e.key.v, a);
            }
          } else unknownSplat = true;
        } else {
          args.push(this.evalExpr(a, scope));
          argNodes.push(a);
        }
      }
    }
    if (unknownSplat) {
      // We cannot bind the arguments; a tensor passed in still flows as an unknown tensor.
      const t = args.find((a) => a.t === 'tensor') as TensorValue | undefined;
      return t ? this.unknownTensor(t, node) : UNKNOWN;
    }
    return this.call(fn, args, kwargs, node, { argNodes, kwNodes });
  }

  call(fn: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes = { argNodes: [], kwNodes: new Map() }): Value {
    this.tick();
    if (this.depth > MAX_DEPTH) return UNKNOWN;
    this.depth++;
    try {
      return this.dispatchCall(fn, args, kwargs, node, nodes);
    } catch (e) {
      if (e instanceof RaiseSignal) return UNKNOWN;
      throw e;
    } finally {
      this.depth--;
    }
  }

  private dispatchCall(fn: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
    switch (fn.t) {
      case 'function':
        return this.callFunction(fn, args, kwargs, node);
      case 'class':
        return this.instantiate(fn, args, kwargs, node);
      case 'builtin':
        return this.callBuiltin(fn.name, fn.self, args, kwargs, node, nodes);
      case 'layer':
      case 'container':
      case 'object':
      case 'functional':
        return this.applyModule(fn, args, kwargs, node);
      default: {
        // Keras's configured image layout, at its default (`if K.image_data_format() == 'channels_first':`).
        if (fn.t === 'module' && (fn.name === 'keras.backend.image_data_format' || fn.name === 'keras.config.image_data_format')) return str('channels_last');
        const t = args.find((a) => a.t === 'tensor') as TensorValue | undefined;
        return t ? this.unknownTensor(t, node) : UNKNOWN;
      }
    }
  }

  callFunction(f: FunctionValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const scope = new Scope(f.closure, 'function');
    const allArgs = f.self ? [f.self, ...args] : args;
    const paramsNode = f.node.childForFieldName('parameters');
    this.bindParams(paramsNode, allArgs, kwargs, scope, f.closure);
    if (f.node.type === 'lambda') {
      const body = f.node.childForFieldName('body');
      return body ? this.evalExpr(body, scope) : UNKNOWN;
    }
    const savedUncertain = this.uncertainReturn;
    this.uncertainReturn = false;
    const isModuleLevel = f.closure === this.moduleScope && !f.self;
    if (isModuleLevel) this.functionStack.push(f.name);
    if (f.self && f.owner) this.methodStack.push({ self: f.self, owner: f.owner });
    try {
      this.execBlock(f.node.childForFieldName('body'), scope);
      return this.uncertainReturn ? UNKNOWN : NONE;
    } catch (e) {
      if (e instanceof ReturnSignal) return this.uncertainReturn ? this.weaken(e.value) : e.value;
      throw e;
    } finally {
      if (isModuleLevel) this.functionStack.pop();
      if (f.self && f.owner) this.methodStack.pop();
      this.uncertainReturn = savedUncertain;
    }
  }

  /** A value returned after a branch that may also have returned: tensors keep flowing, unknown-shaped. */
  private weaken(v: Value): Value {
    if (v.t === 'tensor') return { ...v, shape: null, id: this.newId() };
    if (isModelValue(v)) return v;
    return UNKNOWN;
  }

  private bindParams(paramsNode: SyntaxNode | null, args: Value[], kwargs: Map<string, Value>, scope: Scope, defScope: Scope): void {
    if (!paramsNode) return;
    let pos = 0;
    let kwOnly = false;
    const used = new Set<string>();
    let varkwName: string | null = null;
    for (const p of paramsNode.namedChildren) {
      let name: string | null = null;
      let defaultNode: SyntaxNode | null = null;
      switch (p.type) {
        case 'identifier':
          name = p.text;
          break;
        case 'typed_parameter':
          name = p.namedChildren.find((c) => c.type === 'identifier')?.text ?? null;
          if (p.namedChildren[0]?.type === 'list_splat_pattern') {
            const n = p.namedChildren[0].namedChildren[0]?.text;
            if (n) scope.set(n, tuple(args.slice(pos)));
            pos = args.length;
            kwOnly = true;
            continue;
          }
          if (p.namedChildren[0]?.type === 'dictionary_splat_pattern') {
            varkwName = p.namedChildren[0].namedChildren[0]?.text ?? null;
            continue;
          }
          break;
        case 'default_parameter':
        case 'typed_default_parameter':
          name = p.childForFieldName('name')?.text ?? null;
          defaultNode = p.childForFieldName('value');
          break;
        case 'list_splat_pattern': {
          const n = p.namedChildren[0]?.text;
          if (n) scope.set(n, tuple(args.slice(pos)));
          pos = args.length;
          kwOnly = true;
          continue;
        }
        case 'keyword_separator':
          kwOnly = true;
          continue;
        case 'positional_separator':
          continue;
        case 'dictionary_splat_pattern':
          varkwName = p.namedChildren[0]?.text ?? null;
          continue;
        default:
          continue;
      }
      if (!name) continue;
      if (!kwOnly && pos < args.length) scope.set(name, args[pos++]);
      else if (kwargs.has(name)) {
        scope.set(name, kwargs.get(name)!);
        used.add(name);
      } else if (defaultNode) scope.set(name, this.safeEval(defaultNode, defScope));
      else scope.set(name, UNKNOWN);
    }
    if (varkwName) {
      const d: DictValue = { t: 'dict', entries: new Map() };
      for (const [k, v] of kwargs) if (!used.has(k)) d.entries.set(`s:${k}`, { key: str(k), value: v });
      scope.set(varkwName, d);
    }
  }

  instantiate(cls: ClassValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode | null): Value {
    const obj: ObjectValue = { t: 'object', cls, attrs: new Map(), node, id: this.newId() };
    for (const s of this.constructionStack) s.add(cls.id);
    const inside = new Set<number>();
    this.constructionStack.push(inside);
    const fn = this.functionStack[0];
    try {
      const init = this.lookupClassAttr(cls, '__init__');
      if (init && init.t === 'function') this.callFunction({ ...init, self: obj }, args, kwargs, node ?? cls.node);
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
      if (process.env.CNNSHAPE_DEBUG) console.error(e);
    } finally {
      this.constructionStack.pop();
    }
    this.constructedInside.set(obj.id, inside);
    if (fn) this.creatorFunction.set(obj.id, fn);
    return obj;
  }

  // ---------------------------------------------------------------- library calls

  private callBuiltin(name: string, self: Value | undefined, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
    // Receivers first: tensor methods, list methods, module methods.
    if (self) return this.callMethod(name, self, args, kwargs, node, nodes);
    // tf.shape(x) / keras.ops.shape(x): the sizes as numbers (the batch unknown), so that
    // `tf.random.normal(shape=(tf.shape(x)[0], dim))` keeps its shape.
    if ((name === 'tensorflow.shape' || name === 'keras.ops.shape') && args[0]?.t === 'tensor') return this.tensorAttr(args[0], 'shape', node);
    const layer = findLayer(name);
    if (layer) return this.constructLayer(layer, args, kwargs, node, nodes);
    if (name.startsWith('keras.layers.') && /^[a-z]/.test(name.slice('keras.layers.'.length))) {
      const mergeTarget = kerasFunctionalMerge(name);
      if (mergeTarget) {
        const def = findLayer(mergeTarget);
        const [inputs, ...rest] = args;
        if (def && inputs) {
          const l = this.constructLayer(def, rest, kwargs, node, { argNodes: nodes.argNodes.slice(1), kwNodes: nodes.kwNodes });
          return this.applyModule(l, [inputs], new Map(), node);
        }
      }
    }
    // Factories come before op rules: their tensors mark example calls (`net(torch.randn(...))`).
    if (name in TENSOR_FACTORIES) return this.makeFactoryTensor(name, args, kwargs, node);
    const op = findOp(name);
    if (op) return this.applyOp(op, args, kwargs, node, nodes);
    if (name in CONTAINERS) return this.constructContainer(CONTAINERS[name], args, kwargs, node);
    if (name === 'keras.Input') return this.kerasInput(args, kwargs, node);
    if (name === 'keras.layers.InputLayer') return this.kerasInputLayer(kwargs, node);
    // `Lambda(fn)` applied to a tensor is `fn(tensor)`: the function itself stands for the layer.
    if (name === 'keras.layers.Lambda') return args[0] ?? kwargs.get('function') ?? UNKNOWN;
    if (name === 'keras.Model') return this.kerasModel(args, kwargs, node);
    if (name === 'collections.OrderedDict') return orderedDict(this, args);
    if (SUMMARY_CALLS.has(name)) return this.summaryCall(name, args, kwargs);
    if (name in BASE_CLASSES) return UNKNOWN;
    return pythonCall(this, name, args, kwargs, node);
  }

  private callMethod(name: string, self: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
    const method = name.slice(name.lastIndexOf('.') + 1);
    if (self.t === 'tensor') return this.tensorMethod(self, method, args, kwargs, node, nodes);
    if (self.t === 'list' || self.t === 'dict' || self.t === 'str' || self.t === 'tuple') return collectionMethod(this, self, method, args, kwargs);
    if (self.t === 'container') {
      if (method === 'append' && args[0]) self.items.push(args[0]);
      else if (method === 'add' && args[0]) this.kerasSequentialAdd(self, args[0]);
      else if (method === 'extend' && args[0]) self.items.push(...(this.iterate(args[0]) ?? []));
      else if (method === 'add_module' && args[1]) {
        // A name we cannot compute still adds the module, so the layers after it stay in order.
        this.containerSet(self, args[0]?.t === 'str' ? args[0].v : `?${self.items.length}`, args[1]);
      }
      else if (method === 'build' && (args[0] ?? kwargs.get('input_shape'))) this.recordBuild(self, (args[0] ?? kwargs.get('input_shape'))!);
      else if ((method === 'children' || method === 'modules') && self.kind !== 'ModuleDict') return list([...self.items]);
      else if (method === 'values' && self.kind === 'ModuleDict') return list([...self.items]);
      else if (method === 'items' && self.kind === 'ModuleDict') return list(self.items.map((v, i) => tuple([str(self.keys![i]), v])));
      else if (method === 'keys' && self.kind === 'ModuleDict') return list((self.keys ?? []).map(str));
      else if (method === 'forward' || method === 'call' || method === '__call__') return this.applyModule(self, args, kwargs, node);
      else if (MODULE_METHODS_RETURNING_SELF.has(method)) return self;
      return NONE;
    }
    if (self.t === 'object') {
      const held = containerOf(self);
      if (name.startsWith('super.') && method === '__init__') {
        // super().__init__(*layers) of an nn.Sequential / ModuleList / ModuleDict subclass.
        const base = this.libraryBase(self.cls);
        if (base && base.name in CONTAINERS) self.attrs.set(CONTAINER_ATTR, this.constructContainer(CONTAINERS[base.name], args, kwargs, node));
        return NONE;
      }
      if (held && ['append', 'extend', 'insert', 'add_module', 'children', 'values', 'items', 'keys'].includes(method)) return this.callMethod(`Container.${method}`, held, args, kwargs, node, nodes);
      if (method === 'add_module' || method === 'register_module') {
        if (args[0]?.t === 'str' && args[1]) self.attrs.set(args[0].v, args[1]);
        else if (args[1]) self.attrs.set(`?${self.attrs.size}`, args[1]);
        return NONE;
      }
      if (method === 'register_buffer' || method === 'register_parameter') {
        if (args[0]?.t === 'str') self.attrs.set(args[0].v, args[1] ?? UNKNOWN);
        return NONE;
      }
      if (method === 'build' && (args[0] ?? kwargs.get('input_shape'))) this.recordBuild(self, (args[0] ?? kwargs.get('input_shape'))!);
      if (method === 'add_weight') {
        // Keras add_weight(shape=..., ...) (Keras 2: add_weight(name, shape, ...)): a weight of that shape, without a batch axis.
        const shapeArg = kwargs.get('shape') ?? (args[0]?.t === 'str' ? args[1] : args[0]);
        const shape = shapeArg ? this.shapeFromValue(shapeArg) : null;
        return this.makeTensor(shape, 'keras', { text: `the weight ${formatShape(shape, 'None')} at line ${node.startPosition.row + 1}`, node }, 0);
      }
      if (method === '__call__' || method === 'forward' || method === 'call') return this.applyModule(self, args, kwargs, node);
      if (MODULE_METHODS_RETURNING_SELF.has(method)) return self;
      if (method === 'modules' || method === 'children' || method === 'parameters') return UNKNOWN;
      return UNKNOWN;
    }
    if (self.t === 'functional') {
      if (method === '__call__' || method === 'call') return this.applyModule(self, args, kwargs, node);
      return UNKNOWN;
    }
    // `self.conv.forward(x)` applies the layer like `self.conv(x)`.
    if (self.t === 'layer' && (method === 'forward' || method === '__call__' || method === 'call')) return this.applyModule(self, args, kwargs, node);
    if (name.startsWith('super.')) return NONE; // super().__init__(...) of a library base
    return UNKNOWN;
  }

  private tensorMethod(t: TensorValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
    switch (method) {
      case 'size': {
        if (t.shape === null) return UNKNOWN;
        const dimArg = args[0] ?? kwargs.get('dim');
        if (!dimArg) return tuple(t.shape.map((d) => int(d)));
        if (dimArg.t === 'int' && isKnown(dimArg.v)) {
          const a = normAxis(dimArg.v, t.shape.length);
          return a === null ? UNKNOWN : int(t.shape[a]);
        }
        return UNKNOWN;
      }
      case 'dim':
      case 'ndimension':
        return t.shape === null ? UNKNOWN : int(t.shape.length);
      case 'numel':
        return t.shape === null ? UNKNOWN : int(product(t.shape));
      case 'item':
      case 'tolist':
      case 'numpy':
        return UNKNOWN;
      case 'get_shape':
        return this.tensorAttr(t, 'shape', node);
    }
    const op = findOp(`Tensor.${method}`);
    if (op) return this.applyOp(op, [t, ...args], kwargs, node, { argNodes: [node, ...nodes.argNodes], kwNodes: nodes.kwNodes });
    return this.unknownTensor(t, node);
  }

  // ---------------------------------------------------------------- layers, containers, ops

  toArg(v: Value): ArgValue {
    switch (v.t) {
      case 'int':
        return v.v;
      case 'float':
        return v.v;
      case 'bool':
        return v.v;
      case 'str':
        return v.v;
      case 'none':
        return null;
      case 'tuple':
      case 'list':
        return v.items.map((i) => this.toArg(i));
      case 'tensor':
        return new TensorArg(v.shape, v.origin.text);
      case 'layer':
        return new LayerArg(v.def, v.bound);
      case 'dict': {
        return UnknownArg.instance;
      }
      default:
        return UnknownArg.instance;
    }
  }

  fromArg(a: ArgValue): Value {
    if (a === null) return NONE;
    if (typeof a === 'number') return Number.isInteger(a) ? int(a) : { t: 'float', v: a };
    if (typeof a === 'string') return str(a);
    if (typeof a === 'boolean') return bool(a);
    if (a instanceof DimExpr) return int(a);
    if (Array.isArray(a)) return tuple(a.map((x) => this.fromArg(x)));
    return UNKNOWN;
  }

  constructLayer(def: LayerDef, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): LayerValue {
    const kw = new Map<string, ArgValue>();
    for (const [k, v] of kwargs) kw.set(k, this.toArg(v));
    const bound = bindArgs(def.params, args.map((a) => this.toArg(a)), kw, true);
    const argNodes = new Map<string, SyntaxNode>();
    const positional = def.params.filter((p) => !p.kwOnly && !p.varkw && !p.varargs);
    nodes.argNodes.forEach((n, i) => {
      if (i < positional.length) argNodes.set(positional[i].name, writtenAt(n, args[i]));
    });
    for (const [k, n] of nodes.kwNodes) argNodes.set(k, writtenAt(n, kwargs.get(k)));
    for (const s of this.constructionStack) s.add(-1);
    return { t: 'layer', def, bound, argNodes, node, opaque: bound.problems.length > 0, id: this.newId() };
  }

  private constructContainer(kind: ContainerValue['kind'], args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const c: ContainerValue = { t: 'container', kind, items: [], keys: null, node, id: this.newId() };
    if (kind === 'Sequential') {
      if (args.length === 1 && args[0].t === 'dict') {
        c.keys = [];
        for (const e of args[0].entries.values()) {
          c.keys.push(e.key.t === 'str' ? e.key.v : String(c.keys.length));
          c.items.push(e.value);
        }
      } else c.items = [...args];
    } else if (kind === 'ModuleList') {
      const items = args[0] ? this.iterate(args[0]) : [];
      c.items = items ? [...items] : [UNKNOWN];
    } else if (kind === 'ModuleDict') {
      c.keys = [];
      const d = args[0];
      if (d?.t === 'dict') for (const e of d.entries.values()) this.containerSet(c, e.key.t === 'str' ? e.key.v : '?', e.value);
      else if (d) for (const it of this.iterate(d) ?? []) {
        const pair = this.iterate(it);
        if (pair?.length === 2 && pair[0].t === 'str') this.containerSet(c, pair[0].v, pair[1]);
      }
    } else {
      // keras.Sequential(layers=None, trainable=True, name=None)
      const layersArg = args[0] ?? kwargs.get('layers');
      const items = layersArg ? this.iterate(layersArg) : [];
      for (const it of items ?? []) this.kerasSequentialAdd(c, it);
    }
    return c;
  }

  private containerSet(c: ContainerValue, key: string, v: Value): void {
    c.keys = c.keys ?? [];
    const i = c.keys.indexOf(key);
    if (i >= 0) c.items[i] = v;
    else {
      c.keys.push(key);
      c.items.push(v);
    }
  }

  /** `Sequential.add(layer)`: an Input or InputLayer fixes the input; a first layer's `input_shape=` too. */
  private kerasSequentialAdd(c: ContainerValue, item: Value): void {
    if (item.t === 'tensor') {
      if (c.items.length === 0) c.kerasInput = item.shape;
      return;
    }
    if (c.items.length === 0 && c.kerasInput === undefined && item.t === 'layer') {
      const s = kerasDeclaredInput(item);
      if (s) c.kerasInput = s;
    }
    c.items.push(item);
  }

  private recordBuild(model: Value, shapeArg: Value): void {
    // Keras `model.build((None, 32, 32, 3))` leaves the batch unknown.
    const s = this.shapeFromValue(shapeArg, true);
    if (s && (model.t === 'object' || model.t === 'container')) this.examples.set(model.id, { shapes: [s], source: 'build' });
  }

  private kerasInput(args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    // keras.Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None)
    const shapeV = args[0] ?? kwargs.get('shape');
    const batchShape = kwargs.get('batch_shape');
    const batch = args[1] ?? kwargs.get('batch_size');
    let shape: Shape = null;
    if (batchShape) shape = this.shapeFromValue(batchShape, true);
    else if (shapeV) {
      const s = this.shapeFromValue(shapeV, true);
      shape = s ? [batch?.t === 'int' ? batch.v : null, ...s] : null;
    }
    return this.makeTensor(shape, 'keras', { text: `Input ${formatShape(shape, 'None')} at line ${node.startPosition.row + 1}`, node }, 0);
  }

  private kerasInputLayer(kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const s = kwargs.get('input_shape') ?? kwargs.get('shape');
    const bs = kwargs.get('batch_input_shape') ?? kwargs.get('batch_shape');
    let shape: Shape = null;
    if (bs) shape = this.shapeFromValue(bs, true);
    else if (s) {
      const inner = this.shapeFromValue(s, true);
      shape = inner ? [null, ...inner] : null;
    }
    return this.makeTensor(shape, 'keras', { text: `InputLayer ${formatShape(shape, 'None')} at line ${node.startPosition.row + 1}`, node }, 0);
  }

  private kerasModel(args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const inputs = args[0] ?? kwargs.get('inputs');
    const outputs = args[1] ?? kwargs.get('outputs');
    if (!inputs || !outputs) return UNKNOWN;
    // Inputs may be one tensor, a list, or a dict of named inputs (`inputs={"left": left, ...}`).
    const inputList = inputs.t === 'tensor' ? [inputs] : inputs.t === 'dict' ? [...inputs.entries.values()].map((e) => e.value) : this.iterate(inputs) ?? [];
    const ins = inputList.filter((t): t is TensorValue => t.t === 'tensor');
    const id = this.newId();
    const fn = this.functionStack[0];
    if (fn) this.creatorFunction.set(id, fn);
    return { t: 'functional', inputs: ins, outputs, node, id };
  }

  /** A tuple of ints (None allowed) as a shape. */
  shapeFromValue(v: Value, allowNone = false): Shape {
    if (v.t === 'int') return [v.v];
    if (v.t !== 'tuple' && v.t !== 'list') return null;
    const dims: Dim[] = [];
    for (const i of v.items) {
      if (i.t === 'int') dims.push(i.v);
      else if ((i.t === 'none' || i.t === 'unknown') && allowNone) dims.push(null);
      else return null;
    }
    return dims;
  }

  private makeFactoryTensor(name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const f = TENSOR_FACTORIES[name];
    let shape: Shape = null;
    if (f.size === 'varargs') {
      if (args.length === 1 && (args[0].t === 'tuple' || args[0].t === 'list')) shape = this.shapeFromValue(args[0]);
      else if (args.length > 0 && args.every((a) => a.t === 'int')) shape = args.map((a) => (a as { v: Dim }).v);
      else if (kwargs.has('size')) shape = this.shapeFromValue(kwargs.get('size')!);
    } else if (f.size === 'shape') {
      const s = args[0] ?? kwargs.get('shape') ?? kwargs.get('size');
      if (name === 'numpy.random.normal' || name === 'numpy.random.uniform') shape = kwargs.has('size') ? this.shapeFromValue(kwargs.get('size')!) : args[2] ? this.shapeFromValue(args[2]) : null;
      else if (s) shape = this.shapeFromValue(s, f.framework === 'keras');
    } else if (f.size === 'randint') {
      const s = kwargs.get('size') ?? args.find((a) => a.t === 'tuple' || a.t === 'list');
      if (s) shape = this.shapeFromValue(s);
    } else if (f.size === 'data') {
      shape = args[0] ? this.dataShape(args[0]) : null;
    }
    const t = this.makeTensor(shape, f.framework, { text: `${name.split('.').pop()}${formatShape(shape)} at line ${node.startPosition.row + 1}`, node }, 0);
    t.fromFactory = true;
    return t;
  }

  private dataShape(v: Value): Shape {
    if (v.t === 'int' || v.t === 'float' || v.t === 'bool') return [];
    if (v.t !== 'list' && v.t !== 'tuple') return null;
    if (v.items.length === 0) return [0];
    const inner = this.dataShape(v.items[0]);
    return inner === null ? null : [v.items.length, ...inner];
  }

  private summaryCall(name: string, args: Value[], kwargs: Map<string, Value>): Value {
    const model = args[0];
    if (!model || !(model.t === 'object' || model.t === 'container')) return NONE;
    let shape: Shape = null;
    if (name === 'torchinfo.summary') {
      const s = kwargs.get('input_size') ?? args[1];
      shape = s ? this.shapeFromValue(s) : null;
    } else {
      // torchsummary.summary(model, input_size, batch_size=-1): the size excludes the batch.
      const s = args[1] ?? kwargs.get('input_size');
      const size = s ? this.shapeFromValue(s) : null;
      shape = size ? [1, ...size] : null;
    }
    if (!shape) return NONE;
    this.examples.set(model.id, { shapes: [shape], source: 'call' });
    // `summary(Net(), ...)` builds an instance nobody keeps: the class carries the example.
    if (model.t === 'object' && !this.examples.has(model.cls.id)) this.examples.set(model.cls.id, { shapes: [shape], source: 'call' });
    return NONE;
  }

  makeTensor(shape: Shape, framework: Framework, origin: TensorValue['origin'], producer: number): TensorValue {
    return { t: 'tensor', shape, origin, producer, framework, id: this.newId() };
  }

  /** A tensor whose shape is unknown, standing for an expression the interpreter cannot follow. */
  unknownTensor(like: TensorValue, node: SyntaxNode): TensorValue {
    return this.makeTensor(null, like.framework, { text: `an expression at line ${node.startPosition.row + 1}`, node }, 0);
  }

  private tensorLike(t: TensorValue, node: SyntaxNode, kind: string): Value {
    return this.recordOp(kind, [t], t.shape, node, []);
  }

  /** Applies a model-like value (layer, container, user module, functional model) to arguments. */
  applyModule(m: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    // A model called on a concrete tensor outside any traced forward pass is an example call.
    if (!this.inModelRun && (m.t === 'object' || m.t === 'container' || m.t === 'functional') && args.some((a) => a.t === 'tensor' && a.fromFactory)) {
      const shapes = args.filter((a): a is TensorValue => a.t === 'tensor').map((a) => a.shape);
      if (!this.examples.has(m.id)) this.examples.set(m.id, { shapes, source: 'call' });
      if (m.t === 'object' && !this.examples.has(m.cls.id)) this.examples.set(m.cls.id, { shapes, source: 'call' });
      return UNKNOWN;
    }
    switch (m.t) {
      case 'layer': {
        const inputs: TensorValue[] = [];
        const firstNames = ['inputs', 'input', 'x', 'query'];
        const firstName = firstNames.find((k) => kwargs.has(k));
        const first = args[0] ?? (firstName ? kwargs.get(firstName) : undefined);
        if (first?.t === 'tuple' || first?.t === 'list') for (const i of first.items) inputs.push(this.asTensor(i, node, m.def.framework));
        else if (first) inputs.push(this.asTensor(first, node, m.def.framework));
        // Layers with further tensor inputs (Bilinear, an RNN's initial state, attention's key and value) take them positionally.
        for (const extra of args.slice(1)) if (extra.t === 'tensor') inputs.push(extra);
        // The other call keywords (need_weights=False, return_attention_scores=True, key=k) reach the rule as `call.<name>`.
        const callKeywords = new Map<string, ArgValue>();
        for (const [k, v] of kwargs) if (k !== firstName) callKeywords.set(`call.${k}`, this.toArg(v));
        return this.applyLayer(m, inputs, node, callKeywords);
      }
      case 'container': {
        if (m.kind === 'ModuleList' || m.kind === 'ModuleDict') return UNKNOWN;
        const saved = this.callSiteOverride;
        this.callSiteOverride = saved ?? node;
        try {
          let x: Value = args[0] ?? UNKNOWN;
          if (m.kind === 'KerasSequential' && m.kerasInput !== undefined && x.t === 'unknown') x = this.makeTensor(m.kerasInput, 'keras', { text: 'the declared input', node: m.node }, 0);
          for (const item of m.items) {
            x = this.call(item, [x], new Map(), node);
          }
          return x;
        } finally {
          this.callSiteOverride = saved;
        }
      }
      case 'object': {
        const base = this.libraryBase(m.cls);
        const methodName = base?.framework === 'keras' ? 'call' : 'forward';
        let method = this.lookupClassAttr(m.cls, methodName) ?? this.lookupClassAttr(m.cls, '__call__');
        if (!method && base?.framework === 'keras') method = this.lookupClassAttr(m.cls, 'forward');
        const held = containerOf(m);
        if ((!method || method.t !== 'function') && held) return this.applyModule(held, args, kwargs, node);
        if (!method || method.t !== 'function') return UNKNOWN;
        const saved = this.callSiteOverride;
        this.callSiteOverride = null;
        try {
          const buildFn = base?.framework === 'keras' ? this.lookupClassAttr(m.cls, 'build') : undefined;
          if (buildFn?.t === 'function' && !m.attrs.has('__built__')) {
            m.attrs.set('__built__', bool(true));
            const first = args[0];
            const shapeValue = first?.t === 'tensor' && first.shape ? tuple(first.shape.map((d) => (d === null ? NONE : int(d)))) : UNKNOWN;
            this.callFunction({ ...buildFn, self: m }, [shapeValue], new Map(), node);
          }
          return this.callFunction({ ...method, self: m }, args, kwargs, node);
        } finally {
          this.callSiteOverride = saved;
        }
      }
      case 'functional': {
        // A functional model called as a layer is one row, as in Keras's summary: its traced output
        // and the parameters of its graph. An input that contradicts the one it was built on gives an unknown output.
        const inputs = args.filter((a): a is TensorValue => a.t === 'tensor');
        const declared = m.inputs.map((t) => t.shape);
        const fits = inputs.length === declared.length && inputs.every((t, i) => compatibleShapes(t.shape, declared[i]));
        const output = fits ? valueShapes(m.outputs) : null;
        const params = this.functionalParams(m);
        const def: LayerDef = { kind: 'Functional', framework: 'keras', names: [], params: [], infer: () => ({ output, params }) };
        const layer: LayerValue = { t: 'layer', def, bound: bindArgs([], [], new Map()), argNodes: new Map(), node: m.node, opaque: false, id: m.id };
        return this.applyLayer(layer, inputs, node);
      }
      default:
        return UNKNOWN;
    }
  }

  /** The parameters of a functional model's graph: its layers between its outputs and its inputs, each layer once. */
  private functionalParams(m: FunctionalValue): number | null {
    const bySeq = new Map(this.trace.records.map((r) => [r.seq, r]));
    const inputIds = new Set(m.inputs.map((t) => t.id));
    const stack = collectTensors(m.outputs);
    const visited = new Set<number>();
    const counted = new Set<number>();
    let total: number | null = 0;
    while (stack.length) {
      const t = stack.pop()!;
      if (inputIds.has(t.id) || visited.has(t.producer)) continue;
      visited.add(t.producer);
      const r = bySeq.get(t.producer);
      if (!r) continue;
      if (r.layer && !counted.has(r.layer.id)) {
        counted.add(r.layer.id);
        total = total !== null && typeof r.params === 'number' ? total + r.params : null;
      }
      stack.push(...r.inputs);
    }
    return total;
  }

  private asTensor(v: Value, node: SyntaxNode, framework: Framework): TensorValue {
    if (v.t === 'tensor') return v;
    return this.makeTensor(null, framework, { text: `a value at line ${node.startPosition.row + 1}`, node }, 0);
  }

  applyLayer(layer: LayerValue, inputs: TensorValue[], node: SyntaxNode, callKeywords: Map<string, ArgValue> = new Map()): Value {
    const callNode = this.callSiteOverride ?? node;
    const argTexts = new Map<string, string>();
    for (const [k, n] of layer.argNodes) argTexts.set(k, n.text);
    const bound = callKeywords.size ? { ...layer.bound, values: new Map([...layer.bound.values, ...callKeywords]) } : layer.bound;
    const ctx = new ArgContext({
      framework: layer.def.framework,
      kind: layer.def.kind,
      bound,
      inputs: inputs.map((t) => t.shape),
      originOf: (i) => inputs[i]?.origin.text ?? 'its input',
      argTexts,
    });
    let result: RuleResult = { output: null, params: null };
    if (!layer.opaque) {
      try {
        result = layer.def.infer(ctx);
      } catch {
        result = { output: null, params: null };
      }
    }
    const seq = this.trace.nextSeq();
    const line = layer.node.startPosition.row + 1;
    // Keras writes an unknown batch as None, PyTorch messages as ?.
    const unknownSize = layer.def.framework === 'keras' ? 'None' : '?';
    const inShape = () => (inputs.length === 1 ? formatShape(inputs[0].shape, unknownSize) : `(${inputs.map((t) => formatShape(t.shape, unknownSize)).join(', ')})`);
    const outputs: TensorValue[] = [];
    const flattenedFrom = /flatten/i.test(layer.def.kind) ? inputs[0]?.shape ?? null : undefined;
    const outValue = this.outputToValue(result.output, layer.def.framework, () => lazyOrigin(() => `${layer.def.kind} of ${inShape()} at line ${line}`, layer.node, flattenedFrom ?? undefined), seq, outputs);
    this.trace.addRecord({ seq, kind: layer.def.kind, module: true, framework: layer.def.framework, layer, defNode: layer.node, callNode, inputs, output: result.output, outputs, params: result.params, notes: ctx.notes });
    for (const e of ctx.errors) {
      const argNode = e.arg ? layer.argNodes.get(e.arg) : undefined;
      const related = inputs.filter((t) => t.origin.node).map((t) => ({ node: t.origin.node!, message: t.origin.text }));
      if (argNode && !isWithin(argNode, layer.node)) related.unshift({ node: layer.node, message: `the ${layer.def.kind} built with this value` });
      this.trace.addDiagnostic({
        code: e.code,
        message: e.message,
        node: argNode ?? layer.node,
        related: callNode !== layer.node ? [...related, { node: callNode, message: `applied here` }] : related,
        fix: e.fix && argNode ? { value: e.fix.value, flattenedFrom: inputs[0]?.origin.flattenedFrom } : undefined,
      });
    }
    return outValue;
  }

  private outputToValue(o: Output, framework: Framework, origin: () => TensorValue['origin'], seq: number, collect: TensorValue[]): Value {
    if (o instanceof TupleOut) return tuple(o.items.map((i) => this.outputToValue(i, framework, origin, seq, collect)));
    const t = this.makeTensor(o, framework, origin(), seq);
    collect.push(t);
    return t;
  }

  applyOpByName(name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const def = findOp(name);
    if (!def) {
      const t = args.find((a) => a.t === 'tensor') as TensorValue | undefined;
      return t ? this.unknownTensor(t, node) : UNKNOWN;
    }
    return this.applyOp(def, args, kwargs, node, { argNodes: [], kwNodes: new Map() });
  }

  applyOp(def: OpDef, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, _nodes: CallNodes): Value {
    const kw = new Map<string, ArgValue>();
    for (const [k, v] of kwargs) kw.set(k, this.toArg(v));
    const bound = bindArgs(def.params, args.map((a) => this.toArg(a)), kw, true);
    const tensors: TensorValue[] = [];
    const collectTensors = (v: Value) => {
      if (v.t === 'tensor') tensors.push(v);
      else if (v.t === 'tuple' || v.t === 'list') v.items.forEach(collectTensors);
    };
    args.forEach(collectTensors);
    kwargs.forEach(collectTensors);
    const framework: Framework = tensors[0]?.framework ?? 'torch';
    const ctx = new ArgContext({ framework, kind: def.kind, bound, inputs: [], inputOrigins: [] });
    let result: RuleResult = { output: null };
    if (bound.problems.length === 0) {
      try {
        result = def.infer(ctx);
      } catch {
        result = { output: null };
      }
    }
    return this.recordOp(def.kind, tensors, result.output, node, ctx.notes, ctx.errors);
  }

  private recordOp(kind: string, inputs: TensorValue[], output: Output, node: SyntaxNode, notes: string[], errors: ArgContext['errors'] = []): Value {
    const seq = this.trace.nextSeq();
    const line = node.startPosition.row + 1;
    const inShape = () => (inputs.length === 1 ? formatShape(inputs[0].shape) : `(${inputs.map((t) => formatShape(t.shape)).join(', ')})`);
    const outputs: TensorValue[] = [];
    const flattening = kind === 'flatten' || kind === 'view' || kind === 'reshape';
    const framework = inputs[0]?.framework ?? 'torch';
    const value = this.outputToValue(output, framework, () => lazyOrigin(() => `${kind} of ${inShape()} at line ${line}`, node, flattening ? inputs[0]?.shape ?? undefined : undefined), seq, outputs);
    const callNode = this.callSiteOverride ?? node;
    this.trace.addRecord({ seq, kind, module: false, framework, layer: null, defNode: node, callNode, inputs, output, outputs, notes });
    for (const e of errors) {
      this.trace.addDiagnostic({
        code: e.code,
        message: e.message,
        node,
        related: inputs.filter((t) => t.origin.node).map((t) => ({ node: t.origin.node!, message: t.origin.text })),
      });
    }
    return value;
  }
}

export interface CallNodes {
  argNodes: SyntaxNode[];
  kwNodes: Map<string, SyntaxNode>;
}


/** A tensor's origin whose text is written only when a message needs it (most never do). */
function lazyOrigin(text: () => string, node: SyntaxNode | null, flattenedFrom: Shape | undefined): TensorValue['origin'] {
  let cached: string | undefined;
  return {
    get text() {
      cached ??= text();
      return cached;
    },
    node,
    flattenedFrom,
  };
}

/**
 * Where an argument's number was really written: for `nn.Conv2d(in_planes, ...)` inside a block,
 * the `480` of `Inception(480, ...)` that bound `in_planes`, so that the diagnostic and its fix
 * land on the number to change.
 */
function writtenAt(argNode: SyntaxNode, v: Value | undefined): SyntaxNode {
  if (v?.t !== 'int' || !v.src) return argNode;
  if (argNode.type === 'identifier' || argNode.type === 'attribute' || argNode.type === 'subscript') return v.src;
  return argNode;
}

function isWithin(inner: SyntaxNode, outer: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

function isModelValue(v: Value): boolean {
  return v.t === 'object' || v.t === 'container' || v.t === 'functional' || v.t === 'layer';
}

/** The tensors of an output value (a tensor, or tuples, lists and dicts of them). */
function collectTensors(v: Value): TensorValue[] {
  if (v.t === 'tensor') return [v];
  if (v.t === 'tuple' || v.t === 'list') return v.items.flatMap(collectTensors);
  if (v.t === 'dict') return [...v.entries.values()].flatMap((e) => collectTensors(e.value));
  return [];
}

/** The shapes of an output value, as a layer rule's output. */
function valueShapes(v: Value): Output {
  if (v.t === 'tensor') return v.shape;
  if (v.t === 'tuple' || v.t === 'list') return new TupleOut(v.items.map(valueShapes));
  return null;
}

/** False only when two shapes definitely differ (rank, or a size known on both sides). */
function compatibleShapes(a: Shape, b: Shape): boolean {
  if (a === null || b === null) return true;
  return a.length === b.length && a.every((d, i) => equalDims(d, b[i]) !== false);
}

/** The Keras layer classes behind the lowercase merge functions (`layers.concatenate`). */
function kerasFunctionalMerge(name: string): string | undefined {
  const fn = name.slice('keras.layers.'.length);
  const map: Record<string, string> = { concatenate: 'Concatenate', add: 'Add', subtract: 'Subtract', multiply: 'Multiply', average: 'Average', maximum: 'Maximum', minimum: 'Minimum', dot: 'Dot' };
  return map[fn] ? `keras.layers.${map[fn]}` : undefined;
}

/** The input a Keras layer declares with `input_shape=` / `batch_input_shape=` / `input_dim=`. */
export function kerasDeclaredInput(layer: LayerValue): Shape | undefined {
  const v = layer.bound.values;
  const toShape = (a: ArgValue | undefined, withBatch: boolean): Shape | undefined => {
    if (a === undefined) return undefined;
    const items = Array.isArray(a) ? a : [a];
    const dims: Dim[] = [];
    for (const i of items) {
      if (typeof i === 'number' || i instanceof DimExpr) dims.push(i);
      else if (i === null) dims.push(null);
      else return undefined;
    }
    return withBatch ? dims : [null, ...dims];
  };
  // Embedding's input_dim is its vocabulary; Keras 2's input_length is its sequence length.
  if (layer.def.kind === 'Embedding') return toShape(v.get('batch_input_shape'), true) ?? toShape(v.get('input_shape'), false) ?? toShape(v.get('input_length'), false);
  return toShape(v.get('batch_input_shape'), true) ?? toShape(v.get('input_shape'), false) ?? toShape(v.get('input_dim'), false);
}
