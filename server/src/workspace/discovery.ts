// What the rest of the workspace says about the analysed file's models: the scripts that build
// them (`net = UNet(n_channels=3, n_classes=2)` in train.py, then `net(torch.randn(...))`), which
// lend them their constructor arguments, example input and `# input:` comment; and the classes
// that other files use as sub-modules (called inside another class), which are never fed the
// `--input` shape meant for the model at the top.
//
// Scripts are found by a textual test (the file calls the class by name) and run by the same
// interpreter as `__main__`, so their instances are instances of the analysed file's classes.

import type { Interpreter } from '../python/interpreter';
import type { SourceModule } from '../python/modules';
import type { ObjectValue, Value } from '../python/values';
import type { SyntaxNode } from '../syntax/parse';
import type { Workspace } from './files';
import type { WorkspaceLoader } from './loader';

/** How many other files are run as scripts for one analysis at most (the step budget bounds each). */
const MAX_SCRIPTS = 6;

export class WorkspaceDiscovery {
  private readonly scripts: SourceModule[] = [];
  private readonly scriptsRun = new Set<string>();
  private readonly blockNames = new Map<string, boolean>();

  constructor(
    private readonly interp: Interpreter,
    private readonly loader: WorkspaceLoader,
    private readonly workspace: Workspace,
    /** The analysed file's path (undefined for a text that is no file yet). */
    private readonly mainPath: string | undefined,
  ) {}

  /** Runs the workspace's scripts that call one of `names` (a class, its factories), so that their instances and example calls are known. */
  runScriptsBuilding(names: string[]): void {
    for (const { path, text } of this.filesCalling(names)) {
      if (this.scriptsRun.size >= MAX_SCRIPTS) return;
      if (this.scriptsRun.has(path)) continue;
      this.scriptsRun.add(path);
      this.loader.noteRead(path);
      const script = this.interp.runScript(this.loader.fileFor(path, text));
      if (script) this.scripts.push(script);
    }
  }

  /** The statement of a script that assigns `value` at module level, and its file's lines (for `# input:` above it). */
  scriptAssignment(value: Value): { statement: SyntaxNode; lines: string[] } | undefined {
    for (const script of this.scripts) {
      for (const [name, v] of script.scope.vars) {
        if (v !== value) continue;
        const root = script.file.root();
        const statement = root ? moduleLevelAssignment(root, name) : null;
        if (statement) return { statement, lines: (script.file.text ?? '').split(/\r?\n/) };
      }
    }
    return undefined;
  }

  /** The classes of other files that call `className` inside their body (the models it is a block of): file and class name. */
  enclosingClasses(className: string): { path: string; text: string; enclosing: string }[] {
    const out: { path: string; text: string; enclosing: string }[] = [];
    for (const { path, text } of this.filesCalling([className])) {
      this.loader.noteRead(path);
      const root = this.workspace.cache.tree(path, text).rootNode;
      for (const enclosing of classesCalling(root, className)) out.push({ path, text, enclosing });
    }
    return out;
  }

  /** True when another file of the workspace calls the class inside a class body: it is a sub-module there. */
  usedAsBlockElsewhere(className: string): boolean {
    const known = this.blockNames.get(className);
    if (known !== undefined) return known;
    let found = false;
    for (const { path, text } of this.filesCalling([className])) {
      this.loader.noteRead(path);
      const root = this.workspace.cache.tree(path, text).rootNode;
      if (calledInsideClass(root, className)) {
        found = true;
        break;
      }
    }
    this.blockNames.set(className, found);
    return found;
  }

  /** The workspace's other files (not the libraries') with their texts, the names they call and those they define, read once per analysis. */
  private others: { path: string; text: string; called: ReadonlySet<string>; defined: ReadonlySet<string> }[] | undefined;

  /**
   * The workspace's other files (not the libraries') whose text calls one of `names`, where the
   * file does not define that name itself (a model zoo's files each with a `FeedForward` of their
   * own call theirs, not the analysed file's).
   */
  private filesCalling(names: string[]): { path: string; text: string }[] {
    if (!this.others) {
      this.others = [];
      for (const path of this.workspace.files.list()) {
        if (path === this.mainPath || this.loader.isLibrary(path)) continue;
        const text = this.workspace.files.read(path);
        if (text !== undefined) this.others.push({ path, text, called: this.workspace.cache.calledNames(path, text), defined: this.workspace.cache.definedNames(path, text) });
      }
    }
    return this.others.filter(({ called, defined }) => names.some((n) => called.has(n) && !defined.has(n)));
  }
}

/** A module-level instance of a class defined in another file (its class's first instance in the analysed file). */
export function importedInstance(interp: Interpreter, v: Value): v is ObjectValue {
  return v.t === 'object' && !interp.classes.includes(v.cls) && interp.libraryBase(v.cls)?.model === true;
}

/** The module-level statement (also under `if __name__ == '__main__':`, `with`, `try`) assigning `name`. */
export function moduleLevelAssignment(root: SyntaxNode, name: string): SyntaxNode | null {
  const visit = (block: SyntaxNode): SyntaxNode | null => {
    for (const stmt of block.namedChildren) {
      if (stmt.type === 'expression_statement') {
        const a = stmt.namedChildren[0];
        if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) return stmt;
      } else if (stmt.type === 'if_statement' || stmt.type === 'with_statement' || stmt.type === 'try_statement') {
        for (const c of stmt.namedChildren) {
          const inner = c.type === 'block' ? visit(c) : c.type === 'else_clause' || c.type === 'elif_clause' ? visit(c.childForFieldName('body') ?? c.childForFieldName('consequence') ?? c) : null;
          if (inner) return inner;
        }
      }
    }
    return null;
  };
  return visit(root);
}

/** Per parsed file (trees are cached by content): each called name, with the classes whose body calls it. */
const callIndexes = new WeakMap<SyntaxNode, Map<string, string[]>>();

/** True when a call of `name` (or `module.name`) sits inside a class definition of the tree. */
function calledInsideClass(root: SyntaxNode, name: string): boolean {
  return classesCalling(root, name).length > 0;
}

/** The names of the classes whose body calls `name` (or `module.name`), innermost class of each call. */
function classesCalling(root: SyntaxNode, name: string): readonly string[] {
  let index = callIndexes.get(root);
  if (!index) callIndexes.set(root, (index = indexCallsInClasses(root)));
  return index.get(name) ?? [];
}

/** Every name called inside a class body, with the classes (innermost of each call) in order of first call. */
function indexCallsInClasses(root: SyntaxNode): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const call of root.descendantsOfType('call')) {
    const fn = call.childForFieldName('function');
    const called = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    if (called === undefined) continue;
    for (let p = call.parent; p; p = p.parent) {
      if (p.type !== 'class_definition') continue;
      const cls = p.childForFieldName('name')?.text;
      if (cls) {
        const list = out.get(called);
        if (!list) out.set(called, [cls]);
        else if (!list.includes(cls)) list.push(cls);
      }
      break;
    }
  }
  return out;
}
