// Python modules other than the analysed file: the user's other files and the libraries of a
// Python environment, read as source and run by the same interpreter, lazily.
//
// An import asks the loader (an interface here, implemented by workspace/loader.ts) for the file
// of a module; nothing runs then. A module's top-level statements are indexed by the names they
// bind, and a name is evaluated on first use (`from .blocks import ConvBNReLU`, `models.VGG`, a
// lookup from one of the module's own functions): the statements that bind or change it run, in
// source order, each once, outside any model run. `from M import *` is followed the same way,
// through `__all__` or M's public names. A package's submodules load when an attribute names them.
// A statement that binds names no text spells (`globals()[f"{d}_{a}"] = ...`, `setattr(sys.modules[
// __name__], name, partial(...))` in a loop) runs, after every statement before it, on the first
// lookup that reaches it in source order.
// So a model that uses one class of a library reads that class's file, not the whole library.
//
// The analysed file itself and the scripts that build its models run eagerly, top to bottom, as
// Python runs a script. A name whose evaluation needs itself (an import cycle) and a name no
// statement binds give undefined, which the interpreter turns into UNKNOWN.

import type { SyntaxNode } from '../syntax/parse';
import { pythonBuiltin } from './builtins';
import { Scope } from './scope';
import { str, type Value } from './values';

/** A module's file as the loader found it. */
export interface ModuleFile {
  /** The file (`pkg/__init__.py` for a package); null for a namespace package (a folder only). */
  path: string | null;
  /** The folder relative imports start from, and a package's submodules live in. */
  folder: string;
  /** The dotted module name (`models.resnet`), as far as the loader could tell it. */
  name: string;
  isPackage: boolean;
  /** A file of an installed library (site-packages): read like user code, never reported on. */
  library: boolean;
  /** The file's text (null for a namespace package). */
  text: string | null;
  /** The parsed file, parsed on first call (null for a namespace package). */
  root(): SyntaxNode | null;
}

/** Finds modules for the interpreter; implemented over the workspace's files by workspace/loader.ts. */
export interface ModuleLoader {
  /** The module of an absolute import in `importer`; undefined when no source file has it (a library known by name). */
  absolute(name: string, importer: ModuleFile | null): ModuleFile | undefined;
  /** The module of a relative import (`level` leading dots); undefined when it does not exist. */
  relative(level: number, name: string, importer: ModuleFile | null): ModuleFile | undefined;
  /** A package's submodule. */
  submodule(pkg: ModuleFile, name: string): ModuleFile | undefined;
  /** True when the environment's site-packages are known, so that a module found nowhere is one Python would fail to import. */
  environmentKnown?(): boolean;
  /** A folder the code added to `sys.path`: absolute imports are searched there too from now on. */
  addRoot?(folder: string): void;
}

/** What a module runtime needs from the interpreter. */
export interface ModuleHost {
  /** Runs one top-level statement of another module, outside any model run or construction. */
  execAtModuleLevel(stmt: SyntaxNode, scope: Scope): void;
}

/** Top-level statements by the names they bind or change, and the wildcard imports. */
interface BindingIndex {
  byName: Map<string, SyntaxNode[]>;
  wildcards: SyntaxNode[];
  /** Statements that bind names no text spells (`globals()[f"{d}_{a}"] = ...`, `setattr(sys.modules[__name__], n, v)`). */
  dynamic: SyntaxNode[];
}

const indexes = new WeakMap<SyntaxNode, BindingIndex>();

/** A module as one analysis runs it: its scope, and which of its statements have run. */
export class SourceModule {
  readonly scope: Scope;
  /** Modules whose names `from M import *` statements brought in, in order of execution. */
  private readonly wildcardSources: SourceModule[] = [];
  private readonly done = new Set<SyntaxNode>();
  private readonly evaluating = new Set<string>();
  /** Dynamic binders whose earlier statements are running. */
  private readonly prefixing = new Set<SyntaxNode>();
  private readonly absent = new Set<string>();
  private exporting = false;
  private indexCache: BindingIndex | undefined;

  constructor(
    readonly file: ModuleFile,
    /** Run top to bottom (the analysed file, a script); else each name on first use. */
    readonly eager: boolean,
    private readonly host: ModuleHost,
    scope?: Scope,
  ) {
    this.scope = scope ?? new Scope(null, 'module');
    if (!scope) this.scope.set('__name__', str(eager ? '__main__' : file.name));
    // A notebook has no `__file__` (reading it is a NameError there).
    if (file.path !== null && file.path.endsWith('.py')) this.scope.set('__file__', str(file.path));
    this.scope.fallback = (name) => this.lookupMissing(name);
  }

  private get index(): BindingIndex {
    if (!this.indexCache) {
      const root = this.file.root();
      if (!root) this.indexCache = { byName: new Map(), wildcards: [], dynamic: [] };
      else {
        let index = indexes.get(root);
        if (!index) indexes.set(root, (index = indexBindings(root)));
        this.indexCache = index;
      }
    }
    return this.indexCache;
  }

  /** A top-level name of the module, evaluated on first use; undefined when nothing binds it. */
  get(name: string): Value | undefined {
    if (!this.eager && !this.evaluating.has(name)) {
      const named = this.index.byName.get(name);
      const dynamic = this.index.dynamic;
      // A statement that may bind any name runs in its place among those that spell this one.
      const statements = dynamic.length ? [...(named ?? []), ...dynamic].sort((a, b) => a.startIndex - b.startIndex) : named;
      if (statements) {
        this.evaluating.add(name);
        try {
          for (const s of statements) {
            if (dynamic.includes(s)) this.runDynamic(s);
            else this.run(s);
          }
        } finally {
          this.evaluating.delete(name);
        }
      }
    }
    return this.scope.vars.get(name) ?? this.fromWildcards(name);
  }

  /** Records a `from M import *` that ran in this module. */
  addWildcardSource(m: SourceModule): void {
    if (this.wildcardSources.includes(m)) return;
    this.wildcardSources.push(m);
    this.absent.clear();
  }

  /** True when `from this import *` brings `name` in. */
  exports(name: string): boolean {
    if (this.exporting) return false;
    // A file whose text never spells the name, and imports no `*`, cannot bind it (checked before parsing it).
    const text = this.file.text;
    if (text !== null && !text.includes(name) && !/\bimport\s+\*/.test(text)) return false;
    this.exporting = true;
    try {
      if (this.index.byName.has('__all__') || this.scope.vars.has('__all__')) {
        const all = this.get('__all__');
        if (all && (all.t === 'list' || all.t === 'tuple') && all.items.every((i) => i.t === 'str')) return all.items.some((i) => i.t === 'str' && i.v === name);
      }
      if (name.startsWith('_')) return false;
      if (this.index.byName.has(name) || this.scope.vars.has(name)) return true;
      this.runWildcards();
      return this.wildcardSources.some((w) => w.exports(name));
    } finally {
      this.exporting = false;
    }
  }

  /** The scope's answer for a name it does not hold: a lazy module evaluates it; any module looks in its wildcard imports. */
  private lookupMissing(name: string): Value | undefined {
    if (this.absent.has(name)) return undefined;
    const v = this.eager ? this.fromWildcards(name) : this.get(name);
    if (v === undefined && !this.evaluating.has(name) && !this.exporting) this.absent.add(name);
    return v;
  }

  private fromWildcards(name: string): Value | undefined {
    // `len`, `range`, `super`: a wildcard import that rebinds a builtin is rare enough not to read
    // every module a `from package import *` reaches for each builtin looked up.
    if (pythonBuiltin(name).t !== 'unknown') return undefined;
    this.runWildcards();
    // The last `import *` that binds the name wins; one whose module is still running the
    // statement that binds it (an import cycle: `models/__init__.py` star-imports `.vae`, which
    // does `from models import Base` while `.base`'s star import already gave it) has not bound
    // it yet, as in Python, so the one before it answers.
    for (let i = this.wildcardSources.length - 1; i >= 0; i--) {
      const w = this.wildcardSources[i];
      if (w === this || !w.exports(name)) continue;
      const v = w.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** A lazy module's `from M import *` statements have run once anything is looked up in them. */
  private runWildcards(): void {
    if (this.eager) return;
    for (const s of this.index.wildcards) this.run(s);
  }

  /**
   * A dynamic binder runs after every statement before it, as in Python: a name it binds then wins
   * over an earlier statement that spells the name (`def cifar10_resnet20(*a, **k): pass` before
   * the loop that rebinds it), and loses to a later one.
   */
  private runDynamic(stmt: SyntaxNode): void {
    if (this.done.has(stmt) || this.prefixing.has(stmt)) return;
    this.prefixing.add(stmt);
    try {
      for (const s of this.file.root()?.namedChildren ?? []) {
        if (s === stmt) break;
        this.run(s);
      }
    } finally {
      this.prefixing.delete(stmt);
    }
    this.run(stmt);
  }

  private run(stmt: SyntaxNode): void {
    if (this.done.has(stmt)) return;
    this.done.add(stmt);
    this.host.execAtModuleLevel(stmt, this.scope);
  }
}

/** Indexes the top-level statements of a module by the names they bind or change. */
function indexBindings(root: SyntaxNode): BindingIndex {
  const byName = new Map<string, SyntaxNode[]>();
  const wildcards: SyntaxNode[] = [];
  const dynamic: SyntaxNode[] = [];
  const text = root.text;
  const mayBindDynamically = /\bglobals\s*\(\s*\)\s*\[/.test(text) || (/\bsetattr\s*\(/.test(text) && /\bsys\.modules\s*\[/.test(text));
  // Names bound to the module itself (`thismodule = sys.modules[__name__]`).
  const selves = new Set<string>();
  if (mayBindDynamically) {
    for (const stmt of root.namedChildren) {
      const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : null;
      if (a?.type === 'assignment' && a.childForFieldName('left')?.type === 'identifier' && /^sys\.modules\s*\[/.test(a.childForFieldName('right')?.text ?? '')) selves.add(a.childForFieldName('left')!.text);
    }
  }
  for (const stmt of root.namedChildren) {
    if (mayBindDynamically && bindsDynamically(stmt, selves)) dynamic.push(stmt);
    const names = new Set<string>();
    collectBoundNames(stmt, names, wildcards, stmt);
    for (const n of names) {
      const list = byName.get(n);
      if (list) list.push(stmt);
      else byName.set(n, [stmt]);
    }
  }
  return { byName, wildcards, dynamic };
}

/** Whether a top-level statement assigns through `globals()[...]` or calls `setattr` on the module itself. */
function bindsDynamically(stmt: SyntaxNode, selves: Set<string>): boolean {
  for (const a of stmt.descendantsOfType('assignment')) {
    const left = a.childForFieldName('left');
    const fn = left?.type === 'subscript' ? left.childForFieldName('value') : null;
    if (fn?.type === 'call' && fn.childForFieldName('function')?.text === 'globals') return true;
  }
  for (const c of stmt.descendantsOfType('call')) {
    if (c.childForFieldName('function')?.text !== 'setattr') continue;
    const first = c.childForFieldName('arguments')?.namedChildren[0];
    if (first && (selves.has(first.text) || /^sys\.modules\s*\[/.test(first.text))) return true;
  }
  return false;
}

/** Methods whose call changes their receiver at module level (`layers.append(...)`, `cfg.update(...)`). */
const MUTATORS = new Set(['append', 'extend', 'insert', 'update', 'setdefault', 'pop', 'remove', 'add', 'add_module']);

function collectBoundNames(node: SyntaxNode, names: Set<string>, wildcards: SyntaxNode[], stmt: SyntaxNode): void {
  switch (node.type) {
    case 'function_definition':
    case 'class_definition': {
      const n = node.childForFieldName('name')?.text;
      if (n) names.add(n);
      return;
    }
    case 'decorated_definition': {
      const def = node.childForFieldName('definition');
      if (def) collectBoundNames(def, names, wildcards, stmt);
      return;
    }
    case 'import_statement':
      for (const c of node.childrenForFieldName('name')) {
        if (c.type === 'dotted_name') names.add(c.text.split('.')[0]);
        else if (c.type === 'aliased_import') names.add(c.childForFieldName('alias')?.text ?? '');
      }
      return;
    case 'import_from_statement':
      if (node.namedChildren.some((c) => c.type === 'wildcard_import')) wildcards.push(stmt);
      for (const c of node.childrenForFieldName('name')) {
        if (c.type === 'dotted_name') names.add(c.text);
        else if (c.type === 'aliased_import') names.add(c.childForFieldName('alias')?.text ?? '');
      }
      return;
    case 'assignment':
    case 'augmented_assignment': {
      const left = node.childForFieldName('left');
      if (left) targetNames(left, names);
      const right = node.childForFieldName('right');
      if (right?.type === 'assignment') collectBoundNames(right, names, wildcards, stmt);
      return;
    }
    case 'expression_statement':
      for (const c of node.namedChildren) {
        if (c.type === 'assignment' || c.type === 'augmented_assignment') collectBoundNames(c, names, wildcards, stmt);
        else if (c.type === 'call') {
          const fn = c.childForFieldName('function');
          if (fn?.type === 'attribute' && MUTATORS.has(fn.childForFieldName('attribute')?.text ?? '')) {
            const receiver = fn.childForFieldName('object');
            if (receiver) targetNames(receiver, names);
          }
        }
      }
      return;
    case 'for_statement': {
      const left = node.childForFieldName('left');
      if (left) targetNames(left, names);
      break;
    }
    case 'with_item': {
      const value = node.childForFieldName('value');
      const alias = value?.type === 'as_pattern' ? value.childForFieldName('alias') : null;
      if (alias) targetNames(alias.namedChildren[0] ?? alias, names);
      break;
    }
    case 'lambda':
    case 'list_comprehension':
    case 'dictionary_comprehension':
    case 'set_comprehension':
    case 'generator_expression':
      return;
    default:
      break;
  }
  // Compound statements (if, try, for, while, with) bind at module level too.
  for (const c of node.namedChildren) collectBoundNames(c, names, wildcards, stmt);
}

/** The names an assignment target binds or changes (`a, (b, c)`, `cfg["x"]` changes cfg, `obj.x` changes obj). */
function targetNames(target: SyntaxNode, names: Set<string>): void {
  switch (target.type) {
    case 'identifier':
      names.add(target.text);
      return;
    case 'subscript': {
      const v = target.childForFieldName('value');
      if (v) targetNames(v, names);
      return;
    }
    case 'attribute': {
      const o = target.childForFieldName('object');
      if (o) targetNames(o, names);
      return;
    }
    default:
      for (const c of target.namedChildren) targetNames(c, names);
  }
}
