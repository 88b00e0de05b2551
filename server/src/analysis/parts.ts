// A file analysed in independent parts, each part's result kept by its text, so that an edit
// re-analyses only the part it touches (the language server's diagnostics of a big file).
//
// A module's top-level statements are grouped into units (statements that share a line form one
// unit; a unit owns its lines from just after the previous unit to its own last line, comments and
// blank lines above it included). A unit reads every identifier written in it, and binds the names
// its statements bind at module level (definitions, assignment targets, imports, `global`
// declarations inside its functions). Units that read a name another binds, or bind the same name,
// belong to one part. Imports, and assignments of immutable constants (`NUM_CLASSES = 10`) that
// read only such constants, are shared instead: each part holds those it needs (every import, and
// the constants it reads), in the file's order; an import whose object some unit may change in
// place (`np.x = ...`, `setattr(module, ...)`, `registry.append(...)`) is not shared. Each part is
// analysed as a module of its own statements (the same syntax nodes, in the same text: ranges need
// no mapping), and its result is kept under the text of its units. The results of the parts
// together are the file's result. Parts whose module code or model building records layers or
// tensor notes are analysed once more together (a Keras model built there takes the notes made
// between its first and last layer, whoever made them).
//
// That holds only where nothing joins the parts but names, and the checks below are conservative:
// the file is analysed whole when its tree has errors, a setting or an option reaches across models
// (`--input`, `--model`, Keras's global image format or epsilon), code reaches names other than by
// writing them (`globals()`, `sys.modules`, `importlib`, `exec`) or changes where imports are found
// (`sys.path`), another file of the workspace
// calls a name this file defines (it runs as a script that builds this file's models), or the parts
// together take steps that would bring the whole file near a budget the interpreter shares across
// the file (the module run's, the file's, the number of uncalled functions probed).
// `test/analysis/parts.test.ts` checks that the parts give what the whole file gives.
//
// A kept result is reused when its part's text is the same, wherever its units moved: its ranges
// and the `line N` its messages quote move with the unit they lie in. Pure: no I/O; the other
// files a part read are compared through the workspace's callback, as the analysis reads them.

import { FILE_BUDGET, MODEL_TRACE_BUDGET, MODULE_BUDGET, PROBED_FUNCTIONS, SCRIPT_LOOP_BUDGET } from '../python/interpreter';
import { parseSyntax, type SyntaxNode, type Tree } from '../syntax/parse';
import { analyzeTree, analyzeTreeCounting, provePartLater, type AnalysisSteps, type Reanalysis } from './analyze';
import type { AnalysisResult, AnalyzeOptions, BlockRecord, Fix, LayerRecord, ModelResult, Range, RelatedInfo, ShapeDiagnostic, TensorNote } from './result';

/** What one unit's text says: what it reads and binds, and whether it may be shared by the parts. */
interface UnitFacts {
  kind: 'import' | 'constant' | 'inert' | 'code';
  reads: Set<string>;
  binds: Set<string>;
  /** The names whose objects the unit may change in place (`x.a = 1`, `x[0] = 1`, `x.append(1)`, `setattr(x, ...)`). */
  changes: Set<string>;
  /** The unit holds a construct the partition does not follow (a `match` statement). */
  opaque: boolean;
}

interface Unit {
  statements: SyntaxNode[];
  firstRow: number;
  lastRow: number;
  text: string;
  facts: UnitFacts;
}

/** A part's result as kept: its units' texts (the key), the first row each had, and what its analysis gave. */
interface KeptPart {
  firstRows: number[];
  lastRows: number[];
  result: AnalysisResult;
  steps: AnalysisSteps;
  /** The other files the analysis read, with the text each had then. */
  files: Map<string, string | undefined>;
}

/** The kept results of one document's parts, and the facts of its units, by text; the caller keeps one per document. */
export class PartsMemo {
  /** Options that change every part's result: a different value starts the memo afresh. */
  private optionsKey = '';
  /** The parts of the last analysis, by key (their units' texts): only those are kept. */
  parts = new Map<string, KeptPart>();
  facts = new Map<string, UnitFacts>();
  /** How many parts the last analysis analysed, and how many it reused (for tests and the benchmark). */
  lastAnalysed = 0;
  lastReused = 0;
  /** The first value id of the next part analysed: the parts' layer ids never meet (a converter compares them across models). */
  nextFirstId = 1;

  /** Starts afresh when the options differ from the last analysis's. */
  sameOptions(options: AnalyzeOptions): void {
    // A workspace is made anew for each analysis: where its imports are searched is what counts.
    const workspace = options.workspace ? [options.workspace.roots, options.workspace.libraries] : null;
    const key = JSON.stringify([options.path ?? null, options.input ?? null, options.model ?? null, workspace]);
    if (key === this.optionsKey) return;
    this.optionsKey = key;
    this.parts.clear();
  }
}

/** Code that reaches names other than by writing them, or changes what every later model reads. */
const REACHES_ACROSS = /\b(?:globals|locals)\s*\(|(?<![.\w])vars\s*\(\s*\)|(?<![.\w])(?:exec|eval)\s*\(|__import__|\bimportlib\b|\bsys\.(?:modules|path)\b|\bfrom\s+sys\s+import\b|\bimport\s+sys\s+as\b|\bos\.chdir\b|\baddsitedir\b|\b__builtins__\b|\bset_image_data_format\b|\bset_image_dim_ordering\b|\bset_epsilon\b|\bimport\s+__main__|\bfrom\s+__main__\b/;

/** The methods that change a list, dict or set in place. */
const CHANGING_METHODS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'clear', 'update', 'setdefault', 'add', 'discard', 'popitem', 'sort', 'reverse', '__setitem__', '__delitem__']);

/** The node types an immutable constant's value may be made of (with identifiers naming other such constants). */
const CONSTANT_NODES = new Set(['integer', 'float', 'string', 'string_start', 'string_content', 'string_end', 'escape_sequence', 'concatenated_string', 'true', 'false', 'none', 'tuple', 'parenthesized_expression', 'unary_operator', 'binary_operator', 'identifier', 'ellipsis', '-', '+', '*', '/', '//', '%', '**', '(', ')', ',', '~', '<<', '>>', '&', '|', '^']);

/**
 * The file's result analysed part by part, reusing the memo's results of parts whose text is
 * unchanged; the whole file's analysis (analyzeTree) where the parts could differ from it. Only for
 * quick analyses (`proveFixes: false`): a proof re-analyses the whole file.
 */
export function analyzeByParts(tree: Tree, text: string, options: AnalyzeOptions, memo: PartsMemo): AnalysisResult {
  memo.sameOptions(options);
  memo.lastAnalysed = 0;
  memo.lastReused = 0;
  const split = options.proveFixes === false ? partition(tree, text, options, memo) : undefined;
  const parts = split?.parts;
  // The kept parts stay: a text that cannot be split now (a bracket left open while typing) is
  // mostly the parts again once it can.
  if (!split || !parts) {
    memo.lastAnalysed = 1;
    return analyzeTree(tree, text, options);
  }
  const kept = new Map<string, KeptPart>();
  const files = options.workspace?.files;
  /** The part's kept result, moved to where its units are now, or a new analysis of it; 'cancelled', or undefined when it failed. */
  const run = (units: Unit[]): KeptPart | 'cancelled' | undefined => {
    const key = units.map((u) => u.text).join('\u0000');
    const firstRows = units.map((u) => u.firstRow);
    const lastRows = units.map((u) => u.lastRow);
    const old = kept.get(key) ?? memo.parts.get(key);
    if (old && [...old.files].every(([path, read]) => files?.read(path) === read)) {
      const result = moved(old, firstRows);
      if (result) {
        memo.lastReused++;
        const part = { ...old, firstRows, lastRows, result };
        kept.set(key, part);
        return part;
      }
    }
    const statements = units.flatMap((u) => u.statements);
    const counted = analyzeTreeCounting({ rootNode: tree.rootNode.withSomeChildren(statements), whole: tree.rootNode }, text, options, memo.nextFirstId);
    memo.nextFirstId += IDS_PER_PART;
    if (options.isCancelled?.()) return 'cancelled';
    if (!counted.steps) return undefined;
    memo.lastAnalysed++;
    const read = new Map<string, string | undefined>();
    for (const path of counted.result.files ?? []) read.set(path, files?.read(path));
    const part = { firstRows, lastRows, result: counted.result, steps: counted.steps, files: read };
    kept.set(key, part);
    return part;
  };
  const whole = (): AnalysisResult => {
    memo.lastAnalysed++;
    return analyzeTree(tree, text, options);
  };
  // A cancelled analysis keeps the parts it made for the next one (its result is thrown away).
  const cancelled = (): AnalysisResult => {
    for (const [key, part] of kept) memo.parts.set(key, part);
    return { models: [], diagnostics: [] };
  };
  let results: KeptPart[] = [];
  for (const units of parts) {
    const part = run(units);
    if (part === 'cancelled') return cancelled();
    if (!part) return whole();
    results.push(part);
  }
  let partUnits = parts;
  // Parts whose module code or model building recorded layers or tensor notes run as one: a Keras
  // model built there takes the notes and records made between its first and last layer (and the
  // note after it), by other statements or builders too.
  const traced = parts.filter((_, i) => results[i].steps.moduleTraced);
  if (traced.length > 1) {
    const units = [...new Set(traced.flat())].sort((a, b) => a.firstRow - b.firstRow);
    const joined = run(units);
    if (joined === 'cancelled') return cancelled();
    if (!joined) return whole();
    partUnits = [...parts.filter((_, i) => !results[i].steps.moduleTraced), units];
    results = [...results.filter((r) => !r.steps.moduleTraced), joined];
  }
  memo.parts = kept;
  // Where the whole file would come near a budget the parts do not share, the parts may differ from it.
  if (!withinSharedBudgets(results.map((r) => r.steps))) return whole();
  const out = merged(results.map((r) => r.result), options);
  if (out.diagnostics.length > 0) proofPlans.set(out, { results, units: partUnits, all: split.units });
  return out;
}

/** The parts behind each quick result by parts that has diagnostics: provePartsLater proves them. */
const proofPlans = new WeakMap<AnalysisResult, { results: KeptPart[]; units: Unit[][]; all: Unit[] }>();

/**
 * For a result of analyzeByParts (`proveFixes: false`) whose diagnostics all come from one part, the
 * result the whole file's proof gives (analyzeTreeWithReanalysis with reanalysisByParts: the
 * diagnostics, their proven fixes, in the same order), made from the state that part's analysis
 * kept: the whole file is not analysed again, only each candidate fix, by parts. Undefined where
 * that cannot be told from the part alone (diagnostics in several parts, a part's result reused
 * from an earlier analysis, a candidate that hangs on the rest of the file): prove the whole file.
 * Layer ids are the parts' (as in the quick result).
 */
export function provePartsLater(quick: AnalysisResult, memo: PartsMemo, options: AnalyzeOptions, isCancelled?: () => boolean): AnalysisResult | undefined {
  const plan = proofPlans.get(quick);
  if (!plan) return undefined;
  proofPlans.delete(quick);
  const { results, units, all } = plan;
  const erring = results.flatMap((r, i) => (r.result.diagnostics.length > 0 ? [i] : []));
  if (erring.length !== 1) return undefined;
  const p = erring[0];
  const others = results.filter((_, i) => i !== p);
  const otherInts = new Map<string, number | undefined>();
  for (const r of others) for (const [name, v] of r.steps.moduleInts) otherInts.set(name, v);
  // The shared constants no part reads are in the whole file's module scope only: their integers,
  // where a literal says them (undefined where it does not say: any proof that looks there is unsure).
  const inParts = new Set(units.flat());
  for (const u of all) {
    if (inParts.has(u) || u.facts.kind !== 'constant') continue;
    for (const s of u.statements) {
      const assignment = s.namedChildren.find((c) => c.type === 'assignment');
      const name = assignment?.childForFieldName('left')?.text;
      const value = assignment?.childForFieldName('right');
      if (name === undefined || !value) continue;
      const int = constantInt(value, otherInts);
      if (int !== NOT_INT) otherInts.set(name, int);
    }
  }
  // The rows of the units only this part holds (a shared import or constant is held by others too).
  const held = new Set(units.filter((_, i) => i !== p).flat());
  const own = units[p].filter((u) => !held.has(u));
  const ownNode = (node: SyntaxNode) => node.file === undefined && own.some((u) => node.startPosition.row >= u.firstRow && node.endPosition.row <= u.lastRow);
  const proven = provePartLater(
    results[p].result,
    {
      records: results.reduce((n, r) => n + r.steps.records, 0),
      otherInts,
      ownNode,
      denseOnMapElsewhere: others.some((r) => r.steps.denseOnMap),
      models: quick.models,
      reanalyse: reanalysisByParts(memo, options),
    },
    isCancelled,
  );
  if (!proven) return undefined;
  const { proveFixes: _quick, ...proving } = options;
  return merged(
    results.map((r, i) => (i === p ? proven : r.result)),
    proving,
  );
}

/**
 * How a proof of the whole file (analyzeTreeWithReanalysis) analyses each candidate fix by parts:
 * the edited text split as the memo's was, only the parts the fix changed analysed again (on a copy
 * of the memo, which the proof leaves as it was).
 */
export function reanalysisByParts(memo: PartsMemo, options: AnalyzeOptions): Reanalysis {
  return (edited, isCancelled) => {
    const copy = new PartsMemo();
    copy.sameOptions(options);
    copy.parts = new Map(memo.parts);
    copy.facts = memo.facts;
    copy.nextFirstId = memo.nextFirstId + IDS_PER_PART * 1e4;
    return analyzeByParts(parseSyntax(edited, undefined, { isCancelled }), edited, { ...options, isCancelled, proveFixes: false }, copy);
  };
}

const NOT_INT = 'not an int';

/**
 * The integer a constant's expression makes (`64`, `-1`, `2 ** 5`, `WIDTH * 4` of an integer
 * constant written before), NOT_INT for a value of another type (a string, a float, a tuple,
 * None, a bool), undefined where this cannot tell.
 */
function constantInt(node: SyntaxNode, known: ReadonlyMap<string, number | undefined>): number | undefined | typeof NOT_INT {
  switch (node.type) {
    case 'integer':
      return /^\d+$/.test(node.text) ? Number(node.text) : undefined;
    case 'string':
    case 'concatenated_string':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
    case 'tuple':
      return NOT_INT;
    case 'parenthesized_expression':
      return node.namedChildren.length === 1 ? constantInt(node.namedChildren[0], known) : undefined;
    case 'identifier':
      return known.has(node.text) ? known.get(node.text) : undefined;
    case 'unary_operator': {
      const v = node.namedChildren.length === 1 ? constantInt(node.namedChildren[0], known) : undefined;
      const op = node.childForFieldName('operator')?.text;
      return typeof v === 'number' && op === '-' ? -v : typeof v === 'number' && op === '+' ? v : undefined;
    }
    case 'binary_operator': {
      const a = constantInt(node.childForFieldName('left')!, known);
      const b = constantInt(node.childForFieldName('right')!, known);
      if (typeof a !== 'number' || typeof b !== 'number') return undefined;
      const op = node.childForFieldName('operator')?.text;
      const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '//' && b !== 0 ? Math.floor(a / b) : undefined;
      return v !== undefined && Number.isSafeInteger(v) ? v : undefined;
    }
    default:
      return undefined;
  }
}

/** Ids one analysis may take at most (it stops after FILE_BUDGET steps). */
const IDS_PER_PART = 1e9;

// Budgets the interpreter shares across a file (python/interpreter.ts): the module run's, of which a
// script's loop may take SCRIPT_LOOP_BUDGET on its own; the file's, of which one phase (the module
// run, a model's trace) may take the larger of theirs; the number of uncalled functions probed.
const LARGEST_PHASE_BUDGET = Math.max(MODULE_BUDGET, MODEL_TRACE_BUDGET);

/** True when the whole file, taking at most the parts' steps together, stays clear of every shared budget. */
function withinSharedBudgets(steps: AnalysisSteps[]): boolean {
  let total = 0;
  let module = 0;
  let probes = 0;
  for (const s of steps) {
    total += s.total;
    module += s.module;
    probes += s.probes;
  }
  return module + SCRIPT_LOOP_BUDGET < MODULE_BUDGET && total + LARGEST_PHASE_BUDGET < FILE_BUDGET && probes < PROBED_FUNCTIONS;
}

/** The parts of the file (each its units in order) and all its units, or undefined when the file must be analysed whole. */
function partition(tree: Tree, text: string, options: AnalyzeOptions, memo: PartsMemo): { parts: Unit[][]; units: Unit[] } | undefined {
  const root = tree.rootNode;
  if (root.type !== 'module' || root.hasError || tree.whole) return undefined;
  if (options.input !== undefined || options.model !== undefined) return undefined;
  if (REACHES_ACROSS.test(text)) return undefined;
  const units = unitsOf(root, text, memo);
  if (!units) return undefined;
  const facts = new Map<string, UnitFacts>();
  for (const u of units) facts.set(u.text, u.facts);
  memo.facts = facts;

  // Which units bind each name.
  const binders = new Map<string, number[]>();
  units.forEach((u, i) => {
    for (const name of u.facts.binds) {
      const list = binders.get(name);
      if (list) list.push(i);
      else binders.set(name, [i]);
    }
  });
  // The names whose objects some unit changes in place: their readers would see each other's changes.
  const changedNames = new Set<string>();
  for (const u of units) for (const name of u.facts.changes) changedNames.add(name);
  // The shared units: imports and constants whose names no other kind of unit binds and no unit
  // changes in place, constants reading only shared constants (demoted to code until nothing changes).
  const shared = units.map((u) => u.facts.kind === 'import' || u.facts.kind === 'constant');
  for (let changed = true; changed; ) {
    changed = false;
    units.forEach((u, i) => {
      if (!shared[i]) return;
      const demote =
        [...u.facts.binds].some((n) => changedNames.has(n) || binders.get(n)!.some((b) => !shared[b])) ||
        (u.facts.kind === 'constant' && [...u.facts.reads].some((n) => !binders.has(n) || binders.get(n)!.some((b) => !shared[b] || units[b].facts.kind !== 'constant')));
      if (demote) {
        shared[i] = false;
        changed = true;
      }
    });
  }
  // Workspace: another file that calls a name this file binds runs as a script building its models.
  if (options.workspace && calledElsewhere(options, [...binders].filter(([, list]) => list.some((b) => !shared[b])).map(([name]) => name))) return undefined;

  // Union-find over the code units.
  const parent = units.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const join = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const code = (i: number) => !shared[i] && units[i].facts.kind !== 'inert';
  for (const list of binders.values()) {
    const codeBinders = list.filter(code);
    for (let k = 1; k < codeBinders.length; k++) join(codeBinders[0], codeBinders[k]);
  }
  units.forEach((u, i) => {
    if (!code(i)) return;
    for (const name of u.facts.reads) for (const b of binders.get(name) ?? []) if (code(b)) join(i, b);
  });
  const groups = new Map<number, number[]>();
  units.forEach((_, i) => {
    if (!code(i)) return;
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  if (groups.size < 2) return undefined;
  const imports = units.map((_, i) => i).filter((i) => shared[i] && units[i].facts.kind === 'import');
  const parts: Unit[][] = [];
  for (const members of groups.values()) {
    const included = new Set<number>([...members, ...imports]);
    // The shared constants the part reads, and those they read.
    const pending = [...members];
    while (pending.length) {
      const i = pending.pop()!;
      for (const name of units[i].facts.reads) {
        for (const b of binders.get(name) ?? []) {
          if (shared[b] && units[b].facts.kind === 'constant' && !included.has(b)) {
            included.add(b);
            pending.push(b);
          }
        }
      }
    }
    parts.push([...included].sort((a, b) => a - b).map((i) => units[i]));
  }
  return { parts, units };
}

/** True when another file of the workspace (its own, not a library's) calls one of `names`. */
function calledElsewhere(options: AnalyzeOptions, names: string[]): boolean {
  const workspace = options.workspace!;
  for (const path of workspace.files.list()) {
    if (path === options.path) continue;
    const other = workspace.files.read(path);
    if (other === undefined) continue;
    const called = workspace.cache.calledNames(path, other);
    if (names.some((n) => called.has(n))) return true;
  }
  return false;
}

/** The file's units, each with its facts (kept in the memo by text); undefined where one is opaque. */
function unitsOf(root: SyntaxNode, text: string, memo: PartsMemo): Unit[] | undefined {
  const statements = root.namedChildren.filter((c) => c.type !== 'comment');
  const units: Unit[] = [];
  let startOffset = 0;
  let startRow = 0;
  for (let i = 0; i < statements.length; ) {
    const group = [statements[i]];
    let lastRow = statements[i].endPosition.row;
    let end = statements[i].endIndex;
    i++;
    while (i < statements.length && statements[i].startPosition.row <= lastRow) {
      group.push(statements[i]);
      lastRow = Math.max(lastRow, statements[i].endPosition.row);
      end = Math.max(end, statements[i].endIndex);
      i++;
    }
    // The unit's text runs to the end of its last line.
    const newline = text.indexOf('\n', end);
    const endOffset = newline < 0 ? text.length : newline + 1;
    const unitText = text.slice(startOffset, endOffset);
    let facts = memo.facts.get(unitText);
    if (!facts) facts = factsOf(group, unitText);
    if (facts.opaque) return undefined;
    units.push({ statements: group, firstRow: startRow, lastRow, text: unitText, facts });
    startOffset = endOffset;
    startRow = lastRow + 1;
  }
  return units;
}

/** What a unit's statements read and bind, and whether they may be shared. */
function factsOf(statements: SyntaxNode[], text: string): UnitFacts {
  const facts: UnitFacts = { kind: 'code', reads: new Set(), binds: new Set(), changes: new Set(), opaque: false };
  // A `# model: ResNet(BasicBlock, [2, 2, 2, 2])` comment is code the analysis runs.
  for (const m of text.matchAll(/^[ \t]*#\s*model\s*:(.*)$/gm)) for (const id of m[1].matchAll(/[A-Za-z_]\w*/g)) facts.reads.add(id[0]);
  const kinds = statements.map(kindOf);
  facts.kind = kinds.every((k) => k === kinds[0]) ? kinds[0] : 'code';
  for (const s of statements) {
    if (s.type === 'import_statement' || s.type === 'import_from_statement' || s.type === 'future_import_statement') {
      importBinds(s, facts.binds);
      continue;
    }
    walk(s, facts);
  }
  return facts;
}

function kindOf(s: SyntaxNode): UnitFacts['kind'] {
  if (s.type === 'import_statement' || s.type === 'import_from_statement' || s.type === 'future_import_statement') return 'import';
  if (s.type === 'pass_statement') return 'inert';
  if (s.type === 'expression_statement') {
    const only = s.namedChildren.filter((c) => c.type !== 'comment');
    if (only.length === 1 && (only[0].type === 'string' || only[0].type === 'concatenated_string') && !only[0].descendantsOfType('interpolation').length) return 'inert';
    if (only.length === 1 && only[0].type === 'assignment') {
      const a = only[0];
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (left?.type === 'identifier' && right && !a.childForFieldName('type') && constantExpression(right)) return 'constant';
    }
  }
  return 'code';
}

/** An expression of numbers, strings, tuples and names only (no call, no list, no f-string): an immutable value. */
function constantExpression(node: SyntaxNode): boolean {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (!CONSTANT_NODES.has(n.type)) return false;
    for (const c of n.children) stack.push(c);
  }
  return true;
}

/** The names an import binds: `import a.b` binds `a`, `import a.b as c` and `from m import b as c` bind `c`. */
function importBinds(s: SyntaxNode, binds: Set<string>): void {
  for (const name of s.childrenForFieldName('name')) {
    if (name.type === 'aliased_import') {
      const alias = name.childForFieldName('alias');
      if (alias) binds.add(alias.text);
    } else if (name.type === 'dotted_name') {
      const first = name.namedChildren[0];
      if (first) binds.add(first.text);
    } else binds.add(name.text);
  }
}

/** Collects a statement's reads (every identifier), module-level binds and in-place changes. */
function walk(statement: SyntaxNode, facts: UnitFacts): void {
  const stack: { node: SyntaxNode; inScope: boolean }[] = [{ node: statement, inScope: true }];
  while (stack.length) {
    const { node: n, inScope } = stack.pop()!;
    const type = n.type;
    if (type === 'identifier') {
      facts.reads.add(n.text);
      continue;
    }
    if (type === 'match_statement' || type === 'type_alias_statement' || type === 'nonlocal_statement') facts.opaque ||= type === 'match_statement' || type === 'type_alias_statement';
    if (type === 'global_statement') for (const id of n.descendantsOfType('identifier')) facts.binds.add(id.text);
    if (type === 'import_statement' || type === 'import_from_statement') {
      if (inScope) importBinds(n, facts.binds);
    }
    if (type === 'named_expression') {
      const name = n.childForFieldName('name');
      if (name) facts.binds.add(name.text);
    }
    if (inScope) {
      if (type === 'function_definition' || type === 'class_definition') {
        const name = n.childForFieldName('name');
        if (name) facts.binds.add(name.text);
      } else if (type === 'assignment' || type === 'augmented_assignment' || type === 'for_statement' || type === 'delete_statement') {
        const target = type === 'delete_statement' ? n : n.childForFieldName('left');
        if (target) for (const id of identifiersOf(target)) facts.binds.add(id);
      } else if (type === 'as_pattern') {
        const alias = n.childForFieldName('alias');
        if (alias) for (const id of identifiersOf(alias)) facts.binds.add(id);
      } else if (type === 'except_clause') {
        for (const id of identifiersOf(n, true)) facts.binds.add(id);
      }
    }
    // In-place changes anywhere: `x.a = ...`, `x[i] = ...`, `x.append(...)`, `setattr(x, ...)`.
    if (type === 'assignment' || type === 'augmented_assignment' || type === 'delete_statement') {
      const target = type === 'delete_statement' ? n : n.childForFieldName('left');
      if (target) for (const t of target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern' || target.type === 'delete_statement' ? target.namedChildren : [target]) noteChange(t, facts);
    } else if (type === 'call') {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute' && CHANGING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) noteChange(fn.childForFieldName('object'), facts, true);
      if (fn?.type === 'identifier' && (fn.text === 'setattr' || fn.text === 'delattr')) noteChange(n.childForFieldName('arguments')?.namedChildren[0] ?? null, facts, true);
    }
    // Bodies of functions, classes and lambdas bind their own names, not the module's.
    const bodyScope = inScope && type !== 'function_definition' && type !== 'class_definition' && type !== 'lambda';
    for (let i = n.children.length - 1; i >= 0; i--) {
      const c = n.children[i];
      // A definition's name is bound where the definition is (handled above).
      stack.push({ node: c, inScope: bodyScope || ((type === 'function_definition' || type === 'class_definition') && c.field !== 'body' && inScope) });
    }
  }
}

/** The root name of an attribute or subscript target (`x` of `x.a.b[0]`), when the target changes an object in place. */
function noteChange(target: SyntaxNode | null, facts: UnitFacts, itself = false): void {
  let n = target;
  let through = itself;
  while (n && (n.type === 'attribute' || n.type === 'subscript' || n.type === 'parenthesized_expression')) {
    through = true;
    n = n.childForFieldName('object') ?? n.childForFieldName('value') ?? n.namedChildren[0] ?? null;
  }
  if (n?.type === 'identifier' && through) facts.changes.add(n.text);
}

/** The identifiers under a node (all of them: a target's, or an except clause's `as` name with its types). */
function identifiersOf(node: SyntaxNode, all = false): string[] {
  if (node.type === 'identifier') return [node.text];
  const out: string[] = [];
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier') out.push(n.text);
    else if (all || n.type !== 'block') for (const c of n.children) if (c.type !== 'block') stack.push(c);
  }
  return out;
}

/**
 * A kept part's result with its ranges moved to where its units now start (the same rows: the
 * result itself); undefined when something lies outside its units, where no move is known.
 */
function moved(part: KeptPart, firstRows: number[]): AnalysisResult | undefined {
  if (part.firstRows.every((r, i) => r === firstRows[i])) return part.result;
  const oldFirst = part.firstRows;
  const oldLast = part.lastRows;
  let outside = false;
  const row = (r: number): number => {
    for (let i = 0; i < oldFirst.length; i++) if (r >= oldFirst[i] && r <= oldLast[i]) return r + firstRows[i] - oldFirst[i];
    outside = true;
    return r;
  };
  const range = (r: Range): Range => ({ line: row(r.line), column: r.column, endLine: row(r.endLine), endColumn: r.endColumn });
  const at = <T extends { range: Range; path?: string }>(x: T): T => (x.path === undefined ? { ...x, range: range(x.range) } : x);
  // `line 12` in a message names a line of the analysed file (tree.ts lineLabel; library.ts writes the same words).
  const words = (s: string): string => s.replace(/\bline (\d+)\b/g, (_, n: string) => `line ${row(Number(n) - 1) + 1}`);
  const related = (r: RelatedInfo): RelatedInfo => ({ ...at(r), message: words(r.message) });
  const fix = (f: Fix): Fix => ({ ...at(f), title: words(f.title) });
  const diagnostic = (d: ShapeDiagnostic): ShapeDiagnostic => ({ ...at(d), message: words(d.message), related: d.related.map(related), fixes: d.fixes.map(fix) });
  const layer = (l: LayerRecord): LayerRecord => ({ ...at(l), callRange: l.callPath === undefined ? range(l.callRange) : l.callRange, notes: l.notes.map(words) });
  const block = (b: BlockRecord): BlockRecord => ({ ...b, range: b.range && b.path === undefined ? range(b.range) : b.range, callRange: b.callPath === undefined ? range(b.callRange) : b.callRange });
  const note = (n: TensorNote): TensorNote => at(n);
  const model = (m: ModelResult): ModelResult => {
    const out: ModelResult = { ...m, layers: m.layers.map(layer), assignments: m.assignments.map(note) };
    if (m.path === undefined) {
      out.range = range(m.range);
      out.extent = range(m.extent);
    }
    if (m.blocks) out.blocks = m.blocks.map(block);
    return out;
  };
  const result: AnalysisResult = { ...part.result, models: part.result.models.map(model), diagnostics: part.result.diagnostics.map(diagnostic) };
  return outside ? undefined : result;
}

/** The parts' results as one: models in the order the whole file's analysis sorts them, diagnostics of shared units once. */
function merged(results: AnalysisResult[], options: AnalyzeOptions): AnalysisResult {
  const models: ModelResult[] = [];
  const diagnostics: ShapeDiagnostic[] = [];
  /** The part that first gave each diagnostic. */
  const seen = new Map<string, number>();
  const files = new Set<string>();
  results.forEach((r, part) => {
    models.push(...r.models);
    for (const d of r.diagnostics) {
      // A diagnostic found in a shared unit (an import, a constant) is found by each part that holds it.
      const key = d.path === undefined ? JSON.stringify([d.code, d.message, d.range]) : undefined;
      const first = key === undefined ? undefined : seen.get(key);
      if (first !== undefined && first !== part) continue;
      if (key !== undefined && first === undefined) seen.set(key, part);
      diagnostics.push(d);
    }
    for (const f of r.files ?? []) files.add(f);
  });
  models.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '') || a.range.line - b.range.line);
  const out: AnalysisResult = { models, diagnostics };
  if (options.workspace) out.files = [...files];
  if (options.proveFixes === false) out.fixesProven = false;
  return out;
}
