// An abstract interpreter for the subset of Python that model code uses. It runs module code,
// constructors and forward()/call() methods with tensors that carry only shapes, so that
// helper functions, loops with constant bounds, cfg lists, blocks with arguments and residual
// shortcuts all come out as the framework would build them.
//
// It never executes user code for real, never throws on user code (every failure becomes an
// UNKNOWN value), and stops after a fixed budget of steps so that no input can make it hang.
// Framework knowledge comes from model/library.ts (names) and shapes/ (layer and op rules).
//
// This file is the core: the step budget, statements, assignment, expressions, comparisons and
// arithmetic, attribute access and subscripts, the dispatch of calls, and user functions and
// classes. What a call does once dispatched lives beside it: Python's builtins in builtins.ts, the
// framework's calls (layers, containers, Keras models, factories) in library.ts, tensors and the
// application of layers, ops and modules in tensors.ts.

import { isLightningObject, lightningAttr, lightningMethod } from './lightning';
import { add, Dim, equalDims, floordiv, isKnown, mul, sub, sym } from '../shapes/dim';
import { findLayer, findOp } from '../shapes/registry';
import { Framework, LayerDef, Output, Shape, TupleOut } from '../shapes/types';
import type { SyntaxNode } from '../syntax/parse';
import { isArrayReader, isDatasetLoader } from '../model/datasets';
import { findApplication, INJECTED_KERAS_SUBMODULES, isApplicationPreprocess, isCorrectPad, isObtainInputShape, isSubmodulesFromKwargs } from '../model/keras-applications';
import { lineLabel } from '../syntax/tree';
import { ArgContext } from '../shapes/context';
import { BASE_CLASSES, CONTAINERS, isModelledModule, MODELLED_PACKAGES, normaliseName, SUMMARY_CALLS, TENSOR_FACTORIES } from '../model/library';
import { STDLIB_MODULES } from '../model/stdlib-modules';
import { collectionMethod, copyValue, MAX_LOOP_ITERATIONS, moduleHas, NN_INIT, numeric, orderedDict, percentFormat, pythonBuiltin, pythonCall, setOf, sliceRange, toText } from './builtins';
import {
  constructContainer,
  constructLayer,
  containerMethod,
  containerSet,
  forgetChildren,
  fromArg,
  kerasFunctionalMerge,
  kerasModelLayers,
  sequentialInputOutput,
  kerasInput,
  kerasInputLayer,
  MODULE_METHODS_RETURNING_SELF,
  kerasMerge,
  kerasModel,
  kerasApplication,
  kerasFunctionalInit,
  isKerasTensor,
  kerasCorrectPad,
  kerasObtainInputShape,
  kerasLambda,
  toArg,
  applicationGetLayer,
  modelGetLayer,
  loadDataset,
  makeFactoryTensor,
  nnParameter,
  registeredModulesDict,
  summaryCall,
  userModuleMethod,
  applyToModules,
} from './library';
import { type ModuleFile, type ModuleHost, type ModuleLoader, SourceModule } from './modules';
import { kerasLegacyArguments } from './keras-legacy';
import { checkAssert, checkCondition, checkShapeComment, isTorchAssertCall } from './asserts';
import { checkParameterAnnotations, checkReturnAnnotation } from './jaxtyping';
import { constantCall, constantItems, constantOperator, constantStore } from './constant-arrays';
import { Scope } from './scope';
import { stdlibAttr, stdlibMethod } from './stdlib';
import { isSklearnObject, sklearnAttr, sklearnMethod } from './sklearn';
import { DATASET, datasetAttr, datasetElement, datasetMethod } from './tfdata';
import { isTorchDataObject, loaderElement, torchDataAttr, torchDataItem, torchDataMethod, torchDataObjectCall } from './torchdata';
import { applyModule, applyOp, einopsPacking, indexTensor, lambdaComputeOutputShape, layerComputeOutputShape, sizesOf, tensorAttr, tensorLike, tensorMethod, tensorOperator } from './tensors';
import { Trace } from './trace';
import { ATTRS_ARE_ITEMS_ATTR, bool, ClassValue, CONTAINER_ATTR, containerOf, type ContainerValue, DICT_ITEMS_ATTR, dictItemsOf, IGNORED_LAYER_ATTRS, poisonLayers, dictKey, FUNCTIONAL_ATTR, KERAS_LAMBDA, LAYER_ATTR, layerOf, DictValue, FunctionValue, int, isModuleLike, joinDicts, isTableBlock, LayerValue, list, ModuleValue, NONE, ObjectValue, SeqValue, str, TensorValue, truthy, tuple, UNKNOWN, Value } from './values';

export { kerasDeclaredInput } from './library';

class ReturnSignal {
  constructor(readonly value: Value) {}
}
class BreakSignal {}
class ContinueSignal {}
/** `raise` in user code: the path stops; the caller sees an unknown value. */
class RaiseSignal {}
export class BudgetExceeded {}
/** A branch run on speculation (joinBranches) reached a call that may change what others see. */
class SpeculationAbort {}

/** The functions that make a tensor of the numbers they are given (kept as the tensor's `literal`). */
const CONSTANT_TENSORS = new Set(['tensorflow.constant', 'tensorflow.convert_to_tensor', 'keras.ops.convert_to_tensor', 'keras.ops.array', 'numpy.array', 'numpy.asarray']);

/** Numbers, or lists and tuples of them, nested (`[[0, 0], [3, 3]]`). */
function isNumberLiteral(v: Value): boolean {
  if (v.t === 'int' || v.t === 'float') return true;
  return (v.t === 'list' || v.t === 'tuple') && v.items.length <= 64 && v.items.every(isNumberLiteral);
}

/** The steps a script's loop or branch may take when run once as a probe for example calls. */
const PROBE_BUDGET = 40_000;
/**
 * The steps one loop of a script may take (outside a model's forward pass) before it is given up
 * as data preparation: generating 50,000 samples one by one must not spend the budget the model
 * code after it needs.
 */
export const SCRIPT_LOOP_BUDGET = 100_000;

/** Steps one file may take in all, whatever its number of models: the bound on its analysis time. */
export const FILE_BUDGET = 1_500_000;
/** The steps the module's own run may take (the budget an interpreter starts with). */
export const MODULE_BUDGET = 400_000;
/** The steps one model's traced pass may take (analysis/analyze.ts). */
export const MODEL_TRACE_BUDGET = 400_000;
/** At most so many uncalled functions of a file are run for the example data they build. */
export const PROBED_FUNCTIONS = 8;
const MAX_DEPTH = 60;

/** An example call found in the file: `net(torch.randn(1, 1, 28, 28))`, `model.build((None, 28, 28, 1))`. */
export interface ExampleInput {
  shapes: Shape[];
  /** The example was one dict of named inputs (`model({"title": t, "body": b})`): its keys, in the order of `shapes`. */
  keys?: string[];
  /**
   * The example was one tuple or list of arrays (`model.fit((x_wide, x_deep), y)`, `decoder([f1, f2])`),
   * given to `call` or `forward` as one argument: `true` (a Keras model's, given as a tuple), or the
   * kind of sequence a PyTorch module was called on.
   */
  sequence?: boolean | 'list' | 'tuple';
  source: 'call' | 'build';
  /**
   * The names the call gave its last inputs by (`model(x, labels=y)`): the last `keywords.length`
   * shapes are those keyword arguments', in this order, given again by name.
   */
  keywords?: string[];
  /** The keyword arguments of a constant value the call gave (`return_features=True`), given again. */
  options?: ReadonlyMap<string, Value>;
  /** The call that gave it (`net(torch.zeros(...))`, `model.fit(x, y)`): where the model is applied. */
  node?: SyntaxNode;
}

export interface InterpreterOptions {
  /** Steps (statements, expressions and calls) allowed before the run stops with unknowns. */
  budget?: number;
  /** The first id of the values it makes (1): the parts of one file analysed apart take ids that do not meet (analysis/parts.ts). */
  firstId?: number;
  /**
   * The shape the user gives (a `# input:` comment, `--input`) for a `keras.Input` whose code does
   * not fix every size (`Input(shape=x_train.shape[1:])` on data we cannot see). `enclosing` lists,
   * innermost first, the statements the call sits in: its own statement, the module-level
   * function being run, the module-level statement being run.
   */
  kerasInputFor?: (call: SyntaxNode, enclosing: SyntaxNode[]) => { shape: Dim[]; source: 'comment' | 'flag' } | undefined;
  /** Finds the files of imported modules (the workspace's, an environment's); without it imports are library names. */
  loader?: ModuleLoader;
  /** The analysed file as a module (its path and folder), for its relative imports and for files that import it. */
  file?: ModuleFile;
  /** Asked every few thousand steps; once it says yes, every phase stops as if out of budget. */
  isCancelled?: () => boolean;
}

/** The library class a user class derives from, as libraryBase() finds it (shared: never changed by its readers). */
export type LibraryBase = Readonly<{ name: string; framework: Framework; model: boolean; layer?: LayerDef }>;

export class Interpreter implements ModuleHost {
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
  /** The first instance of each class that an example call fed, wherever it was built (class id → object). */
  readonly exampleInstances = new Map<number, Value>();
  /** Module-level functions that ran while the module ran. */
  private readonly calledFunctions = new Set<SyntaxNode>();

  /** The classes instantiated while the trace was on (by the module's run, a builder's, a model's pass). */
  readonly instantiatedClasses = new Set<number>();

  /** Whether the module's code called the function (with the arguments it chose). */
  wasCalled(f: FunctionValue): boolean {
    return this.calledFunctions.has(f.node);
  }
  /**
   * Every container or functional model assigned to a module-level name, in order, with the name
   * it was assigned to: a name bound again later (`model = keras.Model(...)` twice in a notebook,
   * `model = keras.models.load_model(path)`) keeps each model it held.
   */
  readonly moduleModels: { name: string; node: SyntaxNode; value: Value }[] = [];
  /** The module-level names bound to a list, tuple or dict, each with its first assignment. */
  private readonly moduleCollections = new Map<string, SyntaxNode>();
  /**
   * Keras models that a function of the analysed file binds to a local name while the file's own
   * code runs (`def run_task(): model = compiled_tcn(...)` called under `__main__`): defined
   * models that no module-level name holds; and those it assigns to an attribute of a plain
   * object (`self.generator = self.build_generator()`).
   */
  readonly functionModels: { name: string; node: SyntaxNode; value: Value }[] = [];
  private runningModule = false;
  /**
   * Keras's image layout, which the layers built from now on take when their `data_format` is left
   * to it: channels_last (keras.json's default; the file is not read) until the code calls
   * `K.set_image_data_format(...)`; null where that call's argument, or whether it ran, is unknown.
   */
  kerasImageDataFormat: 'channels_last' | 'channels_first' | null = 'channels_last';
  /** Keras's fuzz factor (`K.epsilon()`): its default, or what `K.set_epsilon(...)` set; null where unknown. */
  kerasEpsilon: number | null = 1e-7;
  /** Set while a model's forward pass is being traced. */
  inModelRun = false;
  /**
   * Set while that pass runs on a made-up symbolic input: its rank is the first layer's batched
   * form, a guess (an LSTM or a convolution also takes unbatched input), so a stated shape of
   * another rank contradicts the guess, not the code.
   */
  inputRankGuessed = false;
  /**
   * Set while a Keras builder that nothing calls runs on unknown arguments: a `keras.Input` of
   * unknown shape (`Input(shape=input_shape)`) takes the rank of the first layer that needs one
   * (a Conv2D: `(None, H, W, C)`), its sizes symbols (PendingKerasInput in library.ts).
   */
  symbolicKerasInputs = false;
  /** The star of a starred tuple item being evaluated through (`*x.shape, h`): evalItems sets it. */
  private splatObject: SyntaxNode | null = null;
  /** `keras.Input` tensors whose shape came from the user (comment or flag) rather than the code. */
  readonly givenInputs = new Map<number, 'comment' | 'flag'>();
  /** The module-level statement being run. */
  currentModuleStatement: SyntaxNode | null = null;
  readonly kerasInputFor: InterpreterOptions['kerasInputFor'];
  /** Finds the source files of imported modules; undefined when the file is analysed alone. */
  readonly loader: ModuleLoader | undefined;
  /** The modules read as source in this run, by path (the analysed file's own among them). */
  private readonly modulesByPath = new Map<string, SourceModule>();
  private readonly moduleByScope = new Map<Scope, SourceModule>();
  /** The module scopes of scripts run as `__main__` (the analysed file's, and scripts that build its models). */
  private readonly scriptScopes = new Set<Scope>();

  private steps = 0;
  /** Steps spent in earlier phases of this file. */
  private spent = 0;
  private budget: number;
  private depth = 0;
  private nextId = 1;
  private uncertainReturn = false;
  /** Modules imported with `from M import *`, in order. */
  private readonly wildcardModules: string[] = [];
  /** Set when a `break`/`continue` sits in a branch whose condition is unknown. */
  private uncertainExit = false;
  /** The loops and branches of a script already run once as a probe (see probeBlock). */
  private readonly probed = new Set<SyntaxNode>();
  /** Above 0 while joinBranches runs a branch aside: only calls that change nothing may run. */
  private speculating = 0;
  /** Dicts made for a branch run aside (joinBranches): the only values its mutating methods may change. */
  private readonly speculationOwned = new Set<Value>();

  // The state below is also read and written by builtins.ts, library.ts and tensors.ts.
  /** The call in the user's code that records are attributed to while a container runs its items. */
  callSiteOverride: SyntaxNode | null = null;
  /** The model's name, where the analysis applies a model that no call in the code applies: never "applied here". */
  unwrittenCall: SyntaxNode | null = null;
  /** One set per object under construction: the classes (and -1 for layers) instantiated inside it. */
  readonly constructionStack: Set<number>[] = [];
  /** The module-level functions being run, outermost first. */
  readonly functionStack: string[] = [];
  /** The methods being run, innermost last (for `super()`). */
  readonly methodStack: { self: Value; owner: ClassValue }[] = [];

  constructor(
    readonly root: SyntaxNode,
    private readonly options: InterpreterOptions = {},
  ) {
    this.budget = options.budget ?? MODULE_BUDGET;
    this.nextId = options.firstId ?? 1;
    this.kerasInputFor = options.kerasInputFor;
    this.moduleScope.set('__name__', str('__main__'));
    this.loader = options.loader;
    this.scriptScopes.add(this.moduleScope);
    if (options.file) {
      this.register(new SourceModule(options.file, true, this, this.moduleScope));
      if (options.file.path?.endsWith('.py')) this.moduleScope.set('__file__', str(options.file.path));
    }
  }

  /** The working directory assumed for relative paths (syspath.ts): the analysed file's folder. */
  workingFolder(): string | undefined {
    return this.options.file?.folder;
  }

  /** `sys.path.insert(0, folder)`: absolute imports are searched there too from now on. */
  addImportRoot(folder: string): void {
    this.loader?.addRoot?.(folder);
  }

  newId(): number {
    return this.nextId++;
  }

  /** The steps taken so far in all phases of this file (analysis/parts.ts bounds a file's parts by them). */
  get stepsTaken(): number {
    return this.spent + this.steps;
  }

  /** Starts a phase with its own step budget, never beyond what is left of the whole file's. */
  resetBudget(budget = this.budget): void {
    this.spent += this.steps;
    this.steps = 0;
    this.budget = Math.max(0, Math.min(budget, FILE_BUDGET - this.spent));
  }

  private tick(): void {
    if (++this.steps > this.budget) throw new BudgetExceeded();
    if ((this.steps & 4095) === 0 && this.options.isCancelled?.()) {
      this.budget = 0;
      throw new BudgetExceeded();
    }
  }

  // ---------------------------------------------------------------- module and statements

  /** Records an example input for a model object (and its class, and the instance the class is built as). */
  recordExample(model: Value, example: ExampleInput): void {
    if (model.t !== 'object' && model.t !== 'container' && model.t !== 'functional') return;
    if (!this.examples.has(model.id)) this.examples.set(model.id, example);
    if (model.t === 'object' && !this.examples.has(model.cls.id)) {
      this.examples.set(model.cls.id, example);
      this.exampleInstances.set(model.cls.id, model);
    }
  }

  /**
   * Runs, with the trace off, the module-level functions that the module never called and that
   * need no argument, where they build example data (`def test(): net = VGG('VGG11');
   * y = net(torch.randn(2, 3, 32, 32))`): their example calls and the instances they feed count
   * as the file's. Each run has its own small budget. Returns how many functions it ran.
   */
  probeUncalledFunctions(budget = 60_000, limit = PROBED_FUNCTIONS, functions: Iterable<FunctionValue> = this.functions.values()): number {
    const wasEnabled = this.trace.enabled;
    this.trace.enabled = false;
    let runs = 0;
    try {
      for (const f of functions) {
        if (runs >= limit) break;
        if (this.calledFunctions.has(f.node) || !needsNoArguments(f) || !EXAMPLE_DATA.test(f.node.text)) continue;
        runs++;
        this.resetBudget(budget);
        try {
          this.callFunction(f, [], new Map(), f.node);
        } catch (e) {
          if (e instanceof BudgetExceeded) continue;
        }
      }
    } finally {
      this.trace.enabled = wasEnabled;
    }
    return runs;
  }

  /**
   * A plain class of the file that nothing instantiates and whose constructor builds Keras models
   * (`self.feature_extractor = Model(inputs, x)` in a backbone wrapper taking `input_size`): built
   * on the arguments given (unknown ones, from the caller), its Keras inputs symbolic where their
   * shape is unknown, as the module's own code would build it, so that the models it holds are
   * recorded as the file's (functionModels).
   */
  buildUninstantiatedClass(cls: ClassValue, args: Value[], kwargs: Map<string, Value>): void {
    const saved = { running: this.runningModule, symbolic: this.symbolicKerasInputs };
    this.runningModule = true;
    this.symbolicKerasInputs = true;
    try {
      this.instantiate(cls, args, kwargs, cls.node);
    } finally {
      this.runningModule = saved.running;
      this.symbolicKerasInputs = saved.symbolic;
    }
  }

  /** Runs the module's top-level statements; each failing statement is skipped. */
  runModule(): void {
    this.runningModule = true;
    try {
      for (const stmt of this.root.namedChildren) {
        this.currentModuleStatement = stmt;
        try {
          this.execStatement(stmt, this.moduleScope);
        } catch (e) {
          if (e instanceof BudgetExceeded) return;
          if (e instanceof ReturnSignal || e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof RaiseSignal) continue;
          // Defensive: an internal error on one statement must not lose the rest of the file.
          continue;
        }
      }
    } finally {
      this.runningModule = false;
      this.noteListedModels();
    }
  }

  /**
   * `models = [create_model(shape) for _ in range(n)]`, `models.append(build())`: Keras models a
   * module-level list, tuple or dict holds when the module has run are models of the file too,
   * named by their item (`models[0]`); an ensemble of models built alike shows its first.
   */
  private noteListedModels(): void {
    const isKerasModel = (v: Value) => v.t === 'functional' || (v.t === 'container' && v.kind === 'KerasSequential');
    for (const [name, node] of this.moduleCollections) {
      const held = this.moduleScope.lookup(name);
      if (!held) continue;
      const items: [string, Value][] = held.t === 'list' || held.t === 'tuple'
        ? held.items.map((v, i) => [`${name}[${i}]`, v])
        : held.t === 'dict' ? [...held.entries.values()].map(({ key, value }) => [`${name}[${key.t === 'str' ? JSON.stringify(key.v) : '?'}]`, value]) : [];
      const first = items.find(([, v]) => isKerasModel(v));
      if (!first || this.moduleModels.some((m) => m.value === first[1])) continue;
      this.moduleModels.push({ name: first[0], node, value: first[1] });
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
          else {
            const asserted = isTorchAssertCall(this, e, scope);
            if (asserted) checkCondition(this, asserted, scope);
            else this.evalExpr(e, scope);
          }
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
        return this.execTry(node, scope);
      case 'global_statement':
      case 'nonlocal_statement':
        for (const c of node.namedChildren) {
          if (c.type !== 'identifier') continue;
          if (node.type === 'global_statement') scope.declareGlobal(c.text);
          else scope.declareNonlocal(c.text);
        }
        return;
      case 'pass_statement':
        return;
      case 'assert_statement':
        return checkAssert(this, node, scope);
      case 'comment':
      case 'delete_statement':
        for (const target of node.namedChildren.flatMap((c) => (c.type === 'expression_list' ? c.namedChildren : [c]))) this.deleteTarget(target, scope);
        return;
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

  /**
   * `del target`: a name becomes unknown; `del self.fc`, `del seq.pool` drop an attribute or a named
   * child (a module deleted from its parent is no longer applied); `del layers[-1]`, `del d[k]`
   * drop an item. What cannot be followed leaves the container's children unknown, never as they were.
   */
  private deleteTarget(target: SyntaxNode, scope: Scope): void {
    switch (target.type) {
      case 'identifier':
        scope.set(target.text, UNKNOWN);
        return;
      case 'parenthesized_expression':
      case 'tuple':
      case 'list':
        for (const c of target.namedChildren) this.deleteTarget(c, scope);
        return;
      case 'attribute': {
        const name = target.childForFieldName('attribute')?.text;
        if (name) this.deleteAttribute(this.evalExpr(target.childForFieldName('object')!, scope), name);
        return;
      }
      case 'subscript': {
        const value = this.evalExpr(target.childForFieldName('value')!, scope);
        const indices = target.childrenForFieldName('subscript');
        const idx = indices.length === 1 ? this.evalExpr(indices[0], scope) : UNKNOWN;
        this.deleteItem(value, idx);
        return;
      }
    }
  }

  /** `del obj.name` (and `delattr(obj, name)`). */
  deleteAttribute(obj: Value, name: string): void {
    const held = obj.t === 'object' ? containerOf(obj) : obj.t === 'container' ? obj : undefined;
    if (held && !held.unknownItems && held.keys?.includes(name)) {
      const i = held.keys.indexOf(name);
      held.items.splice(i, 1);
      held.keys.splice(i, 1);
      return;
    }
    if (obj.t === 'object') obj.attrs.delete(name);
  }

  private deleteItem(value: Value, idx: Value): void {
    const held = value.t === 'object' ? containerOf(value) : value.t === 'container' ? value : undefined;
    if (value.t === 'dict') {
      const k = dictKey(idx);
      if (k) value.entries.delete(k);
      else value.partial = true;
      return;
    }
    const items = held ? held.items : value.t === 'list' ? value.items : undefined;
    if (!items || held?.unknownItems) return;
    const positions = this.deletedPositions(items.length, idx, held?.kind === 'ModuleDict' ? held.keys : null);
    if (positions === null) {
      if (held) forgetChildren(held);
      return;
    }
    // Numbered children are numbered again from 0, as Sequential and ModuleList do.
    const numbered = held?.keys?.every((k, i) => k === String(i)) ?? false;
    for (const i of positions.sort((a, b) => b - a)) {
      items.splice(i, 1);
      if (held?.keys) held.keys.splice(i, 1);
    }
    if (held?.keys && numbered) held.keys = held.keys.map((_, i) => String(i));
  }

  /** The positions `del seq[idx]` removes; null when they cannot be known. */
  private deletedPositions(n: number, idx: Value, dictKeys: string[] | null): number[] | null {
    if (dictKeys) return idx.t === 'str' && dictKeys.includes(idx.v) ? [dictKeys.indexOf(idx.v)] : null;
    if (idx.t === 'int' && isKnown(idx.v)) {
      const i = idx.v < 0 ? idx.v + n : idx.v;
      return i >= 0 && i < n ? [i] : null;
    }
    if (idx.t !== 'slice') return null;
    const r = sliceRange(idx, n);
    if (!r) return null;
    const out: number[] = [];
    for (let i = r.start; r.step > 0 ? i < r.stop : i > r.stop; i += r.step) out.push(i);
    return out;
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
      const rest = clauses.slice(i);
      if (this.joinBranches(rest.map((r) => r.body), !rest[rest.length - 1].cond, scope)) return;
      // Unknown condition: what any remaining branch assigns becomes unknown (after a script's
      // branches have been probed for the example calls they make).
      for (const rest of clauses.slice(i)) this.probeBlock(rest.body, scope);
      for (const rest of clauses.slice(i)) this.forgetAssignments(rest.body, scope);
      return;
    }
  }

  /**
   * `try: from sync_batchnorm import SyncBN as BN` / `except ImportError: BN = nn.BatchNorm2d`. The
   * body runs unless one of its imports names a module nobody has (not the workspace's files, not
   * the environment's, not a library modelled by name, not the standard library) and a handler
   * catches the ImportError. Then, where the environment is known, Python running it raises there:
   * the statements before that import run, then the handler. Where no environment is known the
   * module may be installed: either path may run, so what either binds is unknown.
   */
  private execTry(node: SyntaxNode, scope: Scope): void {
    const body = node.childForFieldName('body');
    const handlers = node.namedChildren.filter((c) => c.type === 'except_clause');
    const elseBody = node.namedChildren.find((c) => c.type === 'else_clause')?.childForFieldName('body') ?? null;
    const handler = handlers.find(catchesImportError);
    const statements = body?.namedChildren ?? [];
    const failing = handler ? statements.findIndex((stmt) => this.importMayFail(stmt, scope)) : -1;
    const runFinally = () => {
      for (const c of node.namedChildren) if (c.type === 'finally_clause') this.execBlock(c.namedChildren[c.namedChildren.length - 1], scope);
    };
    if (failing < 0) {
      this.execBlock(body, scope);
      this.execBlock(elseBody, scope);
      return runFinally();
    }
    const handlerBody = handler!.namedChildren[handler!.namedChildren.length - 1];
    if (this.loader?.environmentKnown?.()) {
      for (const stmt of statements.slice(0, failing)) this.execStatement(stmt, scope);
      this.execBlock(handlerBody, scope);
      return runFinally();
    }
    for (const stmt of statements.slice(0, failing)) this.execStatement(stmt, scope);
    for (const block of [body, handlerBody, elseBody]) {
      this.forgetAssignments(block, scope);
      this.forgetImports(block, scope);
    }
    runFinally();
  }

  /** Whether an import statement may fail: no file of the workspace or environment, no library known by name, and no standard module has its module. */
  private importMayFail(stmt: SyntaxNode, scope: Scope): boolean {
    const resolvable = (name: string): boolean => {
      const root = name.split('.')[0];
      if (MODELLED_PACKAGES.has(root) || STDLIB_MODULES.has(root) || isModelledModule(name)) return true;
      return this.loader?.absolute(name, this.moduleOf(scope)?.file ?? null) !== undefined;
    };
    if (stmt.type === 'import_statement') {
      return stmt.namedChildren.some((c) => {
        const name = c.type === 'aliased_import' ? c.childForFieldName('name')?.text ?? '' : c.type === 'dotted_name' ? c.text : '';
        return name !== '' && !resolvable(name);
      });
    }
    if (stmt.type !== 'import_from_statement') return false;
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode) return false;
    if (moduleNode.type === 'relative_import') {
      const level = moduleNode.namedChildren.find((c) => c.type === 'import_prefix')?.text.length ?? 1;
      const rest = moduleNode.namedChildren.find((c) => c.type === 'dotted_name')?.text ?? '';
      return this.loader?.relative(level, rest, this.moduleOf(scope)?.file ?? null) === undefined;
    }
    if (resolvable(moduleNode.text)) return false;
    // `from einops import rearrange`: a function the rule registry knows by its full name.
    const names = stmt.childrenForFieldName('name').map((c) => (c.type === 'aliased_import' ? c.childForFieldName('name')?.text ?? '' : c.text));
    return names.length === 0 || !names.every((n) => this.libraryRef(`${moduleNode.text}.${n}`).t === 'builtin');
  }

  /** Marks every name an import statement of a block binds as unknown (the block may not have run). */
  private forgetImports(block: SyntaxNode | null, scope: Scope): void {
    if (!block) return;
    const visit = (n: SyntaxNode) => {
      if (n.type === 'function_definition' || n.type === 'class_definition') return;
      if (n.type === 'import_statement') {
        for (const c of n.namedChildren) {
          if (c.type === 'dotted_name') scope.set(c.text.split('.')[0], UNKNOWN);
          else if (c.type === 'aliased_import') scope.set(c.childForFieldName('alias')?.text ?? '', UNKNOWN);
        }
      } else if (n.type === 'import_from_statement') {
        for (const c of n.childrenForFieldName('name')) scope.set(c.type === 'aliased_import' ? c.childForFieldName('alias')?.text ?? '' : c.text, UNKNOWN);
      }
      for (const c of n.namedChildren) visit(c);
    };
    visit(block);
  }

  /**
   * `for n, m in self.layer3.named_modules(): m.stride = (1, 1)` over modules we cannot list: the
   * body may change any layer under the receiver (`self.layer3`), so each of them becomes opaque;
   * over another call's result, any layer its receiver and arguments reach (all the frame's when it
   * is given none).
   */
  private forgetMutatedModules(right: SyntaxNode, left: SyntaxNode, body: SyntaxNode, scope: Scope): void {
    const loopNames = new Set<string>();
    const collect = (n: SyntaxNode) => {
      if (n.type === 'identifier') loopNames.add(n.text);
      else for (const c of n.namedChildren) collect(c);
    };
    collect(left);
    let mutates = false;
    const targets = (n: SyntaxNode) => {
      if (n.type === 'attribute') {
        const o = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute')?.text ?? '';
        if (o?.type === 'identifier' && loopNames.has(o.text) && !IGNORED_LAYER_ATTRS.has(attr)) mutates = true;
      } else if (n.type === 'pattern_list' || n.type === 'tuple_pattern' || n.type === 'list_pattern' || n.type === 'tuple') for (const c of n.namedChildren) targets(c);
    };
    const visit = (n: SyntaxNode) => {
      if (n.type === 'function_definition' || n.type === 'class_definition') return;
      if (n.type === 'assignment' || n.type === 'augmented_assignment') {
        const l = n.childForFieldName('left');
        if (l && !(n.type === 'assignment' && this.reinitialises(l, n.childForFieldName('right'), scope))) targets(l);
      }
      for (const c of n.namedChildren) visit(c);
    };
    visit(body);
    if (!mutates) return;
    const sources: SyntaxNode[] = [right];
    if (right.type === 'call') {
      const fn = right.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text ?? '' : '';
      sources.length = 0;
      if (fn?.type === 'attribute') sources.push(fn.childForFieldName('object')!);
      // `filter(pred, self.deep.modules())`, `helper(self.body)`: the layers its arguments reach.
      if (!['modules', 'named_modules', 'children', 'named_children'].includes(method)) {
        for (const a of right.childForFieldName('arguments')?.namedChildren ?? []) {
          const v = a.type === 'keyword_argument' ? a.childForFieldName('value') : a.type === 'list_splat' || a.type === 'dictionary_splat' ? a.namedChildren[0] : a;
          if (v) sources.push(v);
        }
      }
    }
    const values = sources.map((source) => this.safeEval(source, scope));
    for (const v of values) poisonLayers(v);
    // A call given nothing (`for m in convs_to_dilate():`) or something unknown may reach any layer this frame holds.
    if (values.length === 0 || values.some((v) => v.t === 'unknown')) for (const v of scope.vars.values()) poisonLayers(v);
  }

  /** `m.weight = nn.init.kaiming_normal(m.weight, ...)`: the initialiser returns the tensor it filled, unchanged in shape. */
  private reinitialises(left: SyntaxNode, right: SyntaxNode | null, scope: Scope): boolean {
    if (right?.type !== 'call') return false;
    const fn = this.safeEval(right.childForFieldName('function'), scope);
    const first = right.childForFieldName('arguments')?.namedChildren[0];
    return (fn.t === 'module' || fn.t === 'builtin') && NN_INIT.test(fn.name) && first?.text === left.text;
  }

  /**
   * A script's loop that cannot be run (a training loop over a DataLoader, `range(opt.n_epochs)`
   * past the iteration cap) or its branch under an unknown condition (`if i % 100 == 0:`) still
   * shows how the script feeds its models (`netG(fixed_noise)`, `generator(z, labels)`): the block
   * runs once, with the trace off and a budget of its own, for the example calls it makes; what it
   * assigns is forgotten afterwards as for any block that may or may not run. Only the code of
   * scripts (the analysed file, scripts that build its models) outside a model's forward pass is
   * probed, each block once (a loop inside a probed loop is probed too).
   */
  private probeBlock(block: SyntaxNode | null, scope: Scope): void {
    if (!block || this.inModelRun || this.probed.has(block) || !this.isScriptScope(scope)) return;
    this.probed.add(block);
    this.aside(PROBE_BUDGET, () => this.execBlock(block, scope), undefined);
  }

  /**
   * Runs `run` aside: with the trace off, on a budget of its own (never beyond what is left), and
   * the state of uncertain exits and returns restored afterwards; `failed` where it raises or runs
   * out of steps. A cancellation still stops the whole run.
   */
  private aside<T>(budget: number, run: () => T, failed: T): T {
    const saved = { budget: this.budget, trace: this.trace.enabled, exit: this.uncertainExit, ret: this.uncertainReturn };
    this.trace.enabled = false;
    this.budget = Math.min(this.budget, this.steps + budget);
    try {
      return run();
    } catch (e) {
      if (e instanceof BudgetExceeded && this.budget === 0) throw e;
      return failed;
    } finally {
      this.trace.enabled = saved.trace;
      if (this.budget !== 0) this.budget = saved.budget;
      this.uncertainExit = saved.exit;
      this.uncertainReturn = saved.ret;
    }
  }

  /** Whether a scope is a script's module scope, or a function frame inside one. */
  private isScriptScope(scope: Scope): boolean {
    let s: Scope | null = scope;
    while (s && s.kind !== 'module') s = s.parent;
    return s !== null && this.scriptScopes.has(s);
  }

  /**
   * Branches of an `if` whose condition is unknown, where each only binds names (`s = torch.split(x,
   * int(c // r), dim=1)` under `if torch.__version__ < '1.5':`, the same with `c // r` under `else:`):
   * each runs aside, on a copy of the frame's names, recording nothing and reporting nothing, and a
   * name keeps a value only where every path (the branches, and no branch at all when there is no
   * `else`) leaves it equal (a number, a string, a tensor of the same shape); else it is unknown.
   * A dict a branch changes in place through a name (`kwargs.update(...)`, `cfg['k'] = v`) runs on
   * a copy, and the paths' dicts are joined into it: entries every path leaves equal stay, other keys
   * may be there with unknown values (`joinDicts`).
   * A branch that could change anything else another path sees (an attribute assignment, a call
   * of a user function, a layer, another mutating method, an in-place op) is not run: false, and the
   * caller forgets what the branches assign, as before.
   */
  private joinBranches(allBodies: (SyntaxNode | null)[], hasElse: boolean, scope: Scope): boolean {
    const names = new Set<string>();
    const mutated = new Set<string>();
    // A branch that only raises (`else: raise ValueError(...)`) leaves no path that goes on.
    const bodies = allBodies.filter((b) => !(b && onlyRaises(b)));
    if (bodies.length === 0 || !bodies.every((b) => b && onlyBindsNames(b, names, mutated)) || names.size + mutated.size === 0) return false;
    // A dict a branch changes in place (`kwargs.update(cuda_kwargs)`, `cfg['k'] = v`) is changed on a
    // copy; the paths' copies are joined into the dict itself, which every alias of it sees.
    const originals = new Map<string, DictValue>();
    for (const m of mutated) {
      const v = scope.lookup(m);
      if (names.has(m) || v?.t !== 'dict' || v.partial) return false;
      originals.set(m, v);
    }
    const outcomes: Map<string, Value | undefined>[] = [];
    if (!hasElse) outcomes.push(new Map([...names, ...mutated].map((n) => [n, scope.lookup(n)])));
    const tracing = this.trace.enabled;
    const owned: DictValue[] = [];
    this.trace.enabled = false;
    this.speculating++;
    try {
      for (const body of bodies) {
        const aside = new Scope(scope.parent, scope.kind);
        for (const n of names) {
          const v = scope.lookup(n);
          if (v !== undefined) aside.set(n, v);
        }
        for (const [m, d] of originals) {
          const copy: DictValue = { t: 'dict', entries: new Map(d.entries) };
          owned.push(copy);
          this.speculationOwned.add(copy);
          aside.set(m, copy);
        }
        // Every other name reads through to the frame (a copy only of what the branch may bind).
        aside.fallback = (n) => (names.has(n) || mutated.has(n) ? undefined : scope.lookup(n));
        this.execBlock(body, aside);
        outcomes.push(new Map([...names, ...mutated].map((n) => [n, aside.vars.get(n)])));
      }
    } catch (e) {
      if (e instanceof SpeculationAbort || e instanceof RaiseSignal || e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof ReturnSignal) return false;
      throw e;
    } finally {
      this.speculating--;
      for (const c of owned) this.speculationOwned.delete(c);
      this.trace.enabled = tracing;
    }
    const joinedDicts = new Map<string, DictValue>();
    for (const m of mutated) {
      const all = outcomes.map((o) => o.get(m));
      const joined = all.every((v) => v?.t === 'dict') ? joinDicts(all as DictValue[], sameValue) : undefined;
      if (!joined) return false;
      joinedDicts.set(m, joined);
    }
    for (const [m, joined] of joinedDicts) {
      const d = originals.get(m)!;
      d.entries = joined.entries;
      d.partial = joined.partial;
      d.possibleKeys = joined.possibleKeys;
    }
    for (const n of names) {
      const [first, ...others] = outcomes.map((o) => o.get(n));
      const same = first !== undefined && others.every((v) => v !== undefined && sameValue(first, v));
      const all = [first, ...others];
      // A dict set on one path and another (or none) on the other: the keys either may hold.
      const dicts = !same && all.every((v) => v?.t === 'dict') ? joinDicts(all as DictValue[], sameValue) : undefined;
      scope.set(n, same ? first! : dicts ?? UNKNOWN);
    }
    return true;
  }

  /** Marks every name and `self.x` a block assigns as unknown (used when a branch may or may not run). */
  private forgetAssignments(block: SyntaxNode | null, scope: Scope): void {
    if (!block) return;
    const visit = (n: SyntaxNode) => {
      if (n.type === 'function_definition' || n.type === 'class_definition') return;
      if (n.type === 'return_statement') this.uncertainReturn = true;
      if (n.type === 'break_statement' || n.type === 'continue_statement') this.uncertainExit = true;
      if (n.type === 'assignment' || n.type === 'augmented_assignment') {
        const left = n.childForFieldName('left');
        // `x = ...` rebinds the name; `x += ...` may mutate the object it holds (a list, a ModuleList).
        if (left) this.forgetTarget(left, scope, n.type === 'assignment');
      }
      // `layers.append(...)`, `self.features.add_module(...)`: what the call may have changed is unknown.
      if (n.type === 'call') {
        const fn = n.childForFieldName('function');
        // `K.set_image_data_format('channels_first')` that may not run: the layout is unknown.
        if (/\bset_image_(data_format|dim_ordering)$/.test(fn?.text ?? '')) this.kerasImageDataFormat = null;
        if (/\bset_epsilon$/.test(fn?.text ?? '')) this.kerasEpsilon = null;
        const receiver = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
        if (receiver && MUTATING_METHODS.has(fn!.childForFieldName('attribute')?.text ?? '')) this.forgetTarget(receiver, scope);
      }
      if (n.type === 'for_statement') {
        const left = n.childForFieldName('left');
        if (left) this.forgetTarget(left, scope, true);
      }
      for (const c of n.namedChildren) visit(c);
    };
    visit(block);
  }

  /**
   * Makes what a statement may have written unknown. `rebind`: the target is assigned (`x = ...`,
   * `for k, v in ...`), which binds its names anew and leaves the objects they held untouched (a
   * loop variable that last held a model's child must not take that child's contents with it);
   * otherwise the target is an object the statement may mutate (`x += ...`, `x.append(...)`).
   */
  private forgetTarget(target: SyntaxNode, scope: Scope, rebind = false): void {
    const held = target.type === 'identifier' && !rebind ? containerOf(scope.lookup(target.text) ?? UNKNOWN) : undefined;
    if (held) {
      // A module that holds its children (an nn.Sequential or nn.ModuleDict subclass's `self`)
      // stays bound, so later attribute assignments still reach it; its children become one
      // unknown child, which makes what it is applied to unknown.
      forgetChildren(held);
    } else if (target.type === 'identifier') scope.set(target.text, UNKNOWN);
    else if (target.type === 'subscript') {
      // `d[k] = v`, `layers[i] = m`: the container itself is no longer known.
      // A tensor's or array's item assignment (`mask[i, 0, j] = 1`) writes elements and never
      // changes its shape, the only thing known of it: it stays as it is.
      const container = target.childForFieldName('value');
      const held = container && (container.type === 'identifier' || container.type === 'attribute')
        ? this.safeEval(container, scope) : UNKNOWN;
      if (container && held.t !== 'tensor') this.forgetTarget(container, scope);
    }
    else if (target.type === 'attribute') {
      const obj = this.safeEval(target.childForFieldName('object'), scope);
      const name = target.childForFieldName('attribute')?.text;
      if (obj.t === 'object' && name) obj.attrs.set(name, UNKNOWN);
      // `f.ceil_mode = True` in a branch that may not run: the layer's output is no longer known.
      if (obj.t === 'layer' && name && !IGNORED_LAYER_ATTRS.has(name)) obj.opaque = true;
    } else for (const c of target.namedChildren) this.forgetTarget(c, scope, rebind);
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
    // `for images, labels in train_ds:` runs many times on batches of one shape: its body runs once
    // on that element (a model it calls has its example), then what it assigned is forgotten.
    const element = datasetElement(iterable) ?? loaderElement(iterable);
    if (element !== undefined && element.t !== 'unknown' && left && body) {
      const outerExit = this.uncertainExit;
      try {
        this.assignTarget(left, element, scope);
        this.execBlock(body, scope);
      } catch (e) {
        if (!(e instanceof BreakSignal || e instanceof ContinueSignal)) throw e;
      } finally {
        this.uncertainExit = outerExit;
      }
      this.forgetTarget(left, scope);
      this.forgetAssignments(body, scope);
      return;
    }
    const items = this.iterate(iterable);
    if (items === null || !left) {
      if (left) this.forgetTarget(left, scope, true);
      this.probeBlock(body, scope);
      this.forgetAssignments(body, scope);
      if (left && right && body) this.forgetMutatedModules(right, left, body, scope);
      return;
    }
    if (items.length > MAX_LOOP_ITERATIONS) {
      // Running only the first iterations would give definite but wrong values.
      this.forgetTarget(left, scope, true);
      this.probeBlock(body, scope);
      this.forgetAssignments(body, scope);
      return;
    }
    if (this.loopGivenUp(node, scope, () => this.runForItems(node, left, body, items, scope))) {
      this.forgetTarget(left, scope, true);
      this.forgetAssignments(body, scope);
    }
  }

  /**
   * Runs a script's loop (`run`) under a budget of its own (`SCRIPT_LOOP_BUDGET`); true when it
   * ran past it, and was given up (the caller forgets what it assigned). A loop inside a model's
   * forward pass, or outside a script, runs under the phase's budget alone.
   */
  private loopGivenUp(node: SyntaxNode, scope: Scope, run: () => void): boolean {
    if (this.inModelRun || !this.isScriptScope(scope)) {
      run();
      return false;
    }
    const outer = this.budget;
    const limit = Math.min(outer, this.steps + SCRIPT_LOOP_BUDGET);
    this.budget = limit;
    try {
      run();
      return false;
    } catch (e) {
      // The phase's own budget (or a cancellation) ran out, not this loop's: the run stops.
      if (!(e instanceof BudgetExceeded) || this.budget === 0 || limit >= outer) throw e;
      return true;
    } finally {
      if (this.budget !== 0) this.budget = outer;
    }
  }

  private runForItems(node: SyntaxNode, left: SyntaxNode, body: SyntaxNode | null, items: Value[], scope: Scope): void {
    let broke = false;
    const outerExit = this.uncertainExit;
    this.uncertainExit = false;
    try {
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
      // A `break` or `continue` under an unknown condition: any iteration may have ended early.
      if (this.uncertainExit) {
        this.forgetTarget(left, scope, true);
        this.forgetAssignments(body, scope);
        return;
      }
    } finally {
      this.uncertainExit = outerExit;
    }
    const elseClause = node.childForFieldName('alternative');
    if (!broke && elseClause) this.execBlock(elseClause.childForFieldName('body'), scope);
  }

  private execWhile(node: SyntaxNode, scope: Scope): void {
    const body = node.childForFieldName('body');
    if (this.loopGivenUp(node, scope, () => this.runWhile(node, scope))) this.forgetAssignments(body, scope);
  }

  private runWhile(node: SyntaxNode, scope: Scope): void {
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
    const importer = this.loader ? this.moduleOf(scope) : undefined;
    if (node.type === 'import_statement') {
      for (const c of node.namedChildren) {
        if (c.type === 'dotted_name') {
          const first = c.text.split('.')[0];
          scope.set(first, this.importedModule(first, importer) ?? { t: 'module', name: normaliseName(first) });
        } else if (c.type === 'aliased_import') {
          const full = c.childForFieldName('name')?.text ?? '';
          const alias = c.childForFieldName('alias')?.text ?? full;
          scope.set(alias, this.importedModule(full, importer) ?? { t: 'module', name: normaliseName(full) });
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (this.loader && (moduleNode?.type === 'relative_import' || this.loader.absolute(moduleNode?.text ?? '', importer?.file ?? null))) {
      this.importFromSource(node, moduleNode!, scope, importer);
      return;
    }
    const from = moduleNode?.text ?? '';
    // `from keras.layers import *`: names not otherwise bound are looked up in that module.
    if (node.namedChildren.some((c) => c.type === 'wildcard_import')) this.wildcardModules.push(from);
    for (const c of node.childrenForFieldName('name')) {
      if (c.type === 'dotted_name') scope.set(c.text, this.libraryRef(`${from}.${c.text}`));
      else if (c.type === 'aliased_import') {
        const n = c.childForFieldName('name')?.text ?? '';
        const alias = c.childForFieldName('alias')?.text ?? n;
        scope.set(alias, this.libraryRef(`${from}.${n}`));
      }
    }
  }

  /**
   * `sys.modules[name]`: the module running the code when `name` is its `__name__` (`'__main__'` for
   * the analysed file or a script), else a module of the workspace already read under that dotted
   * name; unknown for any other (a library's, one not imported yet).
   */
  private moduleNamed(name: string, scope: Scope): Value {
    const own = this.moduleOf(scope);
    const ownName = own?.scope.vars.get('__name__');
    if (own && ownName?.t === 'str' && ownName.v === name) return { t: 'module', name: own.file.name, source: own };
    for (const m of this.modulesByPath.values()) {
      const n = m.scope.vars.get('__name__');
      if (n?.t === 'str' && n.v === name && name !== '__main__') return { t: 'module', name: m.file.name, source: m };
    }
    return UNKNOWN;
  }

  /** The module scope a scope belongs to, as a source module (undefined for a scope of no module read as source). */
  private moduleOf(scope: Scope): SourceModule | undefined {
    let s = scope;
    while (s.parent) s = s.parent;
    return this.moduleByScope.get(s);
  }

  private register(m: SourceModule): SourceModule {
    if (m.file.path !== null) this.modulesByPath.set(m.file.path, m);
    this.moduleByScope.set(m.scope, m);
    return m;
  }

  /** The runtime of a module file, made once per run (so its classes keep one identity). */
  sourceModule(file: ModuleFile): SourceModule {
    const known = file.path !== null ? this.modulesByPath.get(file.path) : undefined;
    return known ?? this.register(new SourceModule(file, false, this));
  }

  /** `import a.b` (binding `a`) or `import a.b as x`: the module read as source, or undefined for a library known by name. */
  private importedModule(name: string, importer: SourceModule | undefined): Value | undefined {
    const file = this.loader?.absolute(name, importer?.file ?? null);
    return file ? { t: 'module', name: file.name, source: this.sourceModule(file) } : undefined;
  }

  /** `from .blocks import ConvBNReLU`, `from . import blocks`, `from models import *` over a module read as source. */
  private importFromSource(node: SyntaxNode, moduleNode: SyntaxNode, scope: Scope, importer: SourceModule | undefined): void {
    const loader = this.loader!;
    let file: ModuleFile | undefined;
    if (moduleNode.type === 'relative_import') {
      const level = moduleNode.namedChildren.find((c) => c.type === 'import_prefix')?.text.length ?? 1;
      const rest = moduleNode.namedChildren.find((c) => c.type === 'dotted_name')?.text ?? '';
      file = loader.relative(level, rest, importer?.file ?? null);
    } else file = loader.absolute(moduleNode.text, importer?.file ?? null);
    const source = file ? this.sourceModule(file) : undefined;
    if (source && importer && node.namedChildren.some((c) => c.type === 'wildcard_import')) importer.addWildcardSource(source);
    for (const c of node.childrenForFieldName('name')) {
      const name = c.type === 'aliased_import' ? c.childForFieldName('name')?.text ?? '' : c.text;
      const alias = c.type === 'aliased_import' ? c.childForFieldName('alias')?.text ?? name : name;
      // A module that does not exist (a missing file, a broken relative import) leaves its names unknown.
      scope.set(alias, source ? this.moduleAttr(source, name) : UNKNOWN);
    }
  }

  /** A name of a module read as source: a name it binds, else its submodule; unknown when neither exists. */
  private moduleAttr(m: SourceModule, name: string): Value {
    const v = m.get(name);
    if (v !== undefined) return v;
    const sub = this.loader?.submodule(m.file, name);
    if (sub) return { t: 'module', name: sub.name, source: this.sourceModule(sub) };
    // `torchvision.datasets` reached from the package read as source: the module modelled by name.
    const full = m.file.name ? `${m.file.name}.${name}` : name;
    return m.file.library && isModelledModule(full) ? this.libraryRef(full) : UNKNOWN;
  }

  /**
   * Runs one top-level statement of another module: outside the model run, construction and call
   * stack of whatever needed the name, and leaving nothing in the trace (its records, notes and
   * diagnostics belong to that module's own analysis).
   */
  execAtModuleLevel(stmt: SyntaxNode, scope: Scope): void {
    const saved = {
      inModelRun: this.inModelRun,
      callSiteOverride: this.callSiteOverride,
      construction: this.constructionStack.splice(0),
      functions: this.functionStack.splice(0),
      methods: this.methodStack.splice(0),
      uncertainReturn: this.uncertainReturn,
      uncertainExit: this.uncertainExit,
    };
    const trace = this.trace;
    const marks = { records: trace.records.length, diagnostics: trace.diagnostics.length, notes: trace.notes.length };
    this.inModelRun = false;
    this.callSiteOverride = null;
    this.uncertainReturn = false;
    this.uncertainExit = false;
    try {
      this.execStatement(stmt, scope);
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
      // A statement that fails (a raise, a construct we do not model) leaves its names unbound.
    } finally {
      this.inModelRun = saved.inModelRun;
      this.callSiteOverride = saved.callSiteOverride;
      this.constructionStack.splice(0, this.constructionStack.length, ...saved.construction);
      this.functionStack.splice(0, this.functionStack.length, ...saved.functions);
      this.methodStack.splice(0, this.methodStack.length, ...saved.methods);
      this.uncertainReturn = saved.uncertainReturn;
      this.uncertainExit = saved.uncertainExit;
      trace.records.length = marks.records;
      trace.diagnostics.length = marks.diagnostics;
      trace.notes.length = marks.notes;
    }
  }

  /**
   * Runs another file of the workspace as a script (`__name__ == '__main__'`), top to bottom: a
   * script that builds this file's models (`net = UNet(3, 2)`, `net(torch.randn(...))`) lends them
   * its arguments and example input. Undefined when the file was already read as a module.
   */
  runScript(file: ModuleFile): SourceModule | undefined {
    if (file.path === null || this.modulesByPath.has(file.path)) return undefined;
    const m = this.register(new SourceModule(file, true, this));
    this.scriptScopes.add(m.scope);
    for (const stmt of file.root()?.namedChildren ?? []) this.execAtModuleLevel(stmt, m.scope);
    // Its test functions (`def test_forward(): net = TinyNet(1, 3); net(torch.randn(...))`) too.
    const functions = [...m.scope.vars.values()].filter((v): v is FunctionValue => v.t === 'function' && v.closure === m.scope);
    this.probeUncalledFunctions(60_000, 4, functions);
    return m;
  }

  /** A library name as a value: a known class or function, or a module to look further into. */
  private libraryRef(name: string): Value {
    const n = normaliseName(name);
    // six's Python 2/3 names of Python 3's builtins (`from six.moves import xrange`, `six.moves.zip`).
    const moved = /^six\.moves\.(x?range|zip|map|filter|reduce)$/.exec(n);
    if (moved) return moved[1] === 'reduce' ? this.libraryRef('functools.reduce') : pythonBuiltin(moved[1] === 'xrange' ? 'range' : moved[1]);
    // imagenet_utils.correct_pad, computed as Keras does (library.ts).
    if (isCorrectPad(n)) return { t: 'builtin', name: n };
    if (kerasFunctionalMerge(n) || n === 'keras.layers.merge' || findLayer(n) || findOp(n) || n in CONTAINERS || n in BASE_CLASSES || n in TENSOR_FACTORIES || SUMMARY_CALLS.has(n) || n === 'keras.Input' || n === 'keras.Model' || n === 'keras.layers.InputLayer' || n === 'keras.layers.Lambda' || n === 'collections.OrderedDict' || n === 'collections.namedtuple' || n === 'einops.pack' || n === 'einops.unpack' || n === 'torch.is_tensor' || n === 'functools.partial' || n === 'copy.copy' || n === 'copy.deepcopy' || n === 'torch.nn.Parameter' || n === 'torch.nn.parameter.Parameter' || n === 'torch.autograd.Variable' || n === 'tensorflow.Variable' || n === 'keras.backend.variable' || n === 'keras.activations.get' || isDatasetLoader(n) || isArrayReader(n) || SIZE_FUNCTIONS.has(n) || findApplication(n) || isApplicationPreprocess(n) || isObtainInputShape(n) || isSubmodulesFromKwargs(n)) {
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
    if (value.t === 'tensor') checkShapeComment(this, node, value);
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
    // `self.blocks += [Block(...)]`: ModuleList's `+=` extends it in place.
    const held = containerOf(current);
    if (held?.kind === 'ModuleList' && op === '+') {
      containerMethod(this, 'extend', held, [value], new Map(), node);
      return;
    }
    // `arr *= 4`, `arr[1:] *= 4` on a known array: its elements change in place (or are no longer known).
    if (current.t === 'tensor' && current.elements && !this.inModelRun) {
      const changed = constantOperator(this, op, current, value, node);
      const kept = changed?.t === 'tensor' && changed.elements && changed.elements.values.length === current.elements.values.length && (changed.elements.integer || !current.elements.integer) ? changed : undefined;
      if (left.type === 'identifier') {
        current.elements = kept?.elements;
        if (kept) return;
      } else if (kept && left.type === 'subscript') {
        this.assignTarget(left, kept, scope);
        return;
      }
    }
    this.assignTarget(left, this.binary(op, current, value, node, current.t === 'tensor'), scope);
  }

  private assignTarget(target: SyntaxNode, value: Value, scope: Scope): void {
    switch (target.type) {
      case 'identifier':
        scope.set(target.text, value);
        if (value.t === 'tensor' || (value.t === 'tuple' && value.items.some((i) => i.t === 'tensor'))) this.noteAssignment(target, value);
        if (this.scriptScopes.has(scope) && value.t === 'object' && !this.moduleInstances.has(value.cls.id)) this.moduleInstances.set(value.cls.id, value);
        if (scope === this.moduleScope && (value.t === 'list' || value.t === 'tuple' || value.t === 'dict') && !this.moduleCollections.has(target.text)) this.moduleCollections.set(target.text, target);
        if (scope === this.moduleScope && (value.t === 'functional' || (value.t === 'container' && (value.kind === 'Sequential' || value.kind === 'KerasSequential')))) {
          if (!this.moduleModels.some((m) => m.value === value || m.node.startIndex === target.startIndex)) this.moduleModels.push({ name: target.text, node: target, value });
        } else if (this.runningModule && !this.inModelRun && this.trace.enabled && scope.kind === 'function' && target.file === undefined && (value.t === 'functional' || (value.t === 'container' && value.kind === 'KerasSequential'))) {
          if (!this.functionModels.some((m) => m.value === value || m.node.startIndex === target.startIndex)) this.functionModels.push({ name: target.text, node: target, value });
        }
        return;
      case 'attribute': {
        const obj = this.evalExpr(target.childForFieldName('object')!, scope);
        const name = target.childForFieldName('attribute')?.text;
        if (!name) return;
        if (obj.t === 'object' && this.runningModule && !this.inModelRun && this.trace.enabled && target.file === undefined && !this.libraryBase(obj.cls) && (value.t === 'functional' || (value.t === 'container' && value.kind === 'KerasSequential'))) {
          // `self.g_AB = self.build_generator()` in a plain class (a GAN's models held by its trainer):
          // a defined model, named by the attribute; one per place that builds it (d_A and d_B alike).
          if (!this.functionModels.some((m) => m.value === value || m.node.startIndex === target.startIndex || (m.value.t === value.t && 'node' in m.value && m.value.node === value.node))) this.functionModels.push({ name, node: target, value });
        }
        if (obj.t === 'object') this.setObjectAttr(obj, name, value);
        else if (obj.t === 'container') this.setContainerAttr(obj, name, value);
        else if (obj.t === 'class') obj.attrs.set(name, value);
        // `base.trainable = False` freezes a keras.applications model: its later rows count every parameter as non-trainable.
        else if (obj.t === 'functional' && obj.application && name === 'trainable') obj.application.layer.bound.values.set('trainable', toArg(value));
        else if (obj.t === 'layer') setLayerAttr(obj, name, value);
        else if (obj.t === 'builtin' && obj.name === 'namedtuple.__new__' && obj.self?.t === 'class' && obj.self.namedTuple && name === '__defaults__') {
          obj.self.namedTuple.defaults = value.t === 'tuple' || value.t === 'list' ? value.items : value.t === 'none' ? [] : null;
        }
        return;
      }
      case 'subscript': {
        const obj = this.evalExpr(target.childForFieldName('value')!, scope);
        const idxNode = target.childForFieldName('subscript');
        const idx = idxNode ? this.evalExpr(idxNode, scope) : UNKNOWN;
        const items = obj.t === 'object' && !this.lookupClassAttr(obj.cls, '__setitem__') ? dictItemsOf(obj) : undefined;
        if (items) {
          const k = dictKey(idx);
          if (k) items.entries.set(k, { key: idx, value });
          else items.partial = true;
        } else if (obj.t === 'dict') {
          const k = dictKey(idx);
          if (k) obj.entries.set(k, { key: idx, value });
          else obj.partial = true;
        } else if (obj.t === 'list' && idx.t === 'int' && isKnown(idx.v)) {
          const i = idx.v < 0 ? idx.v + obj.items.length : idx.v;
          if (i >= 0 && i < obj.items.length) obj.items[i] = value;
        } else if (obj.t === 'builtin' && obj.name === 'module.__dict__' && obj.self?.t === 'module' && obj.self.source) {
          // `globals()[f"{dataset}_{arch}"] = partial(...)`: binds the module's name (a key we cannot read binds one we cannot tell).
          if (idx.t === 'str') obj.self.source.scope.set(idx.v, value);
        } else if (obj.t === 'container' && obj.kind === 'ModuleDict' && idx.t === 'str') {
          containerSet(obj, idx.v, value);
        } else if (obj.t === 'tensor') {
          constantStore(this, obj, idx, value);
        } else if (containerOf(obj) && containerOf(obj)!.kind !== 'ModuleDict') {
          // `model.classifier[1] = nn.Linear(...)`: a Sequential's or ModuleList's item replaced.
          const held = containerOf(obj)!;
          const i = idx.t === 'int' && isKnown(idx.v) ? (idx.v < 0 ? idx.v + held.items.length : idx.v) : -1;
          if (i >= 0 && i < held.items.length) held.items[i] = value;
          else held.items.splice(0, held.items.length, ...held.items.map(() => UNKNOWN));
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

  /**
   * `self.name = value`. In a subclass of nn.Sequential, ModuleList or ModuleDict, a module
   * assigned as an attribute is also one of the container's children, in assignment order (as
   * nn.Module.__setattr__ registers it): `Sequential.forward` then applies it.
   */
  /**
   * `seq.name = value` on an nn.Sequential, ModuleList or ModuleDict (`vit.heads.head = nn.Linear(...)`,
   * `densenet.features.conv0 = ...`): a module replaces the child of that name in place, or follows
   * the others, as nn.Module.__setattr__ registers it. A value we cannot know may be a module: it
   * replaces a named child as unknown, and after the others makes the children unknown.
   */
  setContainerAttr(c: ContainerValue, name: string, value: Value): void {
    if (c.kind === 'KerasSequential' || c.unknownItems) return;
    const module = value.t === 'layer' || value.t === 'container' || (value.t === 'object' && this.libraryBase(value.cls)?.framework === 'torch');
    if (!module && value.t !== 'unknown') return;
    if (c.keys === null) c.keys = c.items.map((_, i) => String(i));
    if (c.keys.length !== c.items.length || (value.t === 'unknown' && !c.keys.includes(name))) forgetChildren(c);
    else containerSet(c, name, value);
  }

  /** `self.name = value` on a module; `registered`: add_module's value, a child whatever we know of it. */
  setObjectAttr(obj: ObjectValue, name: string, value: Value, registered = false): void {
    const items = dictItemsOf(obj);
    if (items) {
      // `self.__dict__ = self`: from here on the instance's attributes are its items.
      if (name === '__dict__' && value === obj) {
        for (const [k, v] of obj.attrs) if (!k.startsWith('__')) items.entries.set(`s:${k}`, { key: str(k), value: v });
        obj.attrs.set(ATTRS_ARE_ITEMS_ATTR, bool(true));
        return;
      }
      const setter = this.lookupClassAttr(obj.cls, '__setattr__');
      if (obj.attrs.has(ATTRS_ARE_ITEMS_ATTR) || (setter?.t === 'builtin' && setter.name === 'builtins.dict.__setitem__')) {
        items.entries.set(`s:${name}`, { key: str(name), value });
        return;
      }
    }
    obj.attrs.set(name, value);
    // `self.stride = ...` in a Conv2d subclass changes the layer it was built as, which reads it at every call.
    const asLayer = layerOf(obj);
    if (asLayer && asLayer.bound.values.has(name)) setLayerAttr(asLayer, name, value);
    const held = containerOf(obj);
    // A value we cannot know may be a module, which PyTorch would register: it takes its place, unknown.
    if (held && (isModuleLike(value) || value.t === 'unknown' || registered) && held.kind !== 'KerasSequential') containerSet(held, name, value);
  }

  private noteAssignment(target: SyntaxNode, value: Value): void {
    const shape: Output = value.t === 'tensor' ? value.shape : new TupleOut((value as SeqValue).items.map((i) => (i.t === 'tensor' ? i.shape : null)));
    const inferred = value.t === 'tensor' && value.inferred !== undefined ? { inferred: value.inferred } : {};
    this.trace.addNote({ name: target.text, node: target, shape, ...inferred, seq: this.trace.nextSeq() });
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
        let literal = true;
        for (const c of node.namedChildren) {
          const v = this.evalString(c, scope);
          if (v.t !== 'str') return UNKNOWN;
          s += v.v;
          literal &&= v.literal === true;
        }
        return literal ? { t: 'str', v: s, literal } : str(s);
      }
      case 'identifier': {
        const v = scope.lookup(node.text);
        if (v !== undefined) return v;
        const builtin = pythonBuiltin(node.text);
        if (builtin.t !== 'unknown') return builtin;
        for (const from of this.wildcardModules) {
          const ref = this.libraryRef(`${from}.${node.text}`);
          if (ref.t === 'builtin') return ref;
        }
        return builtin;
      }
      case 'attribute': {
        const obj = this.evalExpr(node.childForFieldName('object')!, scope);
        return this.getAttr(obj, node.childForFieldName('attribute')?.text ?? '', node);
      }
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.evalExpr(node.namedChildren[0], scope) : UNKNOWN;
      case 'tuple':
      case 'expression_list':
        return this.evalDisplay('tuple', node.namedChildren, scope);
      case 'list':
        return this.evalDisplay('list', node.namedChildren, scope);
      case 'set': {
        const display = this.evalDisplay('list', node.namedChildren, scope);
        return display.t === 'list' ? setOf(display.items) : display;
      }
      case 'dictionary':
        return this.evalDict(node, scope);
      case 'list_comprehension':
      case 'generator_expression':
        return this.evalComprehension(node, scope, node.type === 'list_comprehension' ? 'list' : 'tuple');
      case 'set_comprehension': {
        const members = this.evalComprehension(node, scope, 'list');
        return members.t === 'list' ? setOf(members.items) : members;
      }
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
          if (v.t === 'tensor') return tensorLike(this, v, node, 'neg');
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
        if (t === undefined) return this.evalEitherBranch(a, b, scope, node);
        return this.evalExpr(t ? a : b, scope);
      }
      case 'subscript': {
        const value = this.evalExpr(node.childForFieldName('value')!, scope);
        const subs = node.childrenForFieldName('subscript');
        const idx = subs.length === 1 ? this.evalExpr(subs[0], scope) : tuple(subs.map((s) => this.evalExpr(s, scope)));
        // `sys.modules[__name__]`: the module running this code, as an object (`getattr(it, name)`).
        if (value.t === 'module' && value.name === 'sys.modules' && !value.source) return idx.t === 'str' ? this.moduleNamed(idx.v, scope) : UNKNOWN;
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
      case 'list_splat':
        // The leftmost object of a starred item that tree-sitter parsed inside out (see evalItems).
        return this.splatObject === node ? this.evalExpr(node.namedChildren[0], scope) : UNKNOWN;
      case 'keyword_argument':
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
    // A constant written in the source (no f-string placeholder): the one CPython may intern.
    const prefix = node.namedChildren.find((c) => c.type === 'string_start')?.text ?? '';
    const constant = !/f/i.test(prefix) && !node.namedChildren.some((c) => c.type === 'interpolation');
    return constant ? { t: 'str', v: s, literal: true } : str(s);
  }

  /** The items of a tuple, list or set display; null when a starred item's length is unknown. */
  private evalItems(nodes: SyntaxNode[], scope: Scope): Value[] | null {
    const out: Value[] = [];
    let unknownLength = false;
    for (const n of nodes) {
      if (n.type === 'comment') continue;
      // Text that does not parse (a stray character) hides how many items the display has.
      if (n.type === 'ERROR') unknownLength = true;
      else if (n.type === 'list_splat') {
        const items = this.iterate(this.evalExpr(n.namedChildren[0], scope));
        if (items === null) unknownLength = true;
        else out.push(...items);
      } else if (leftmostSplat(n)) {
        // `b, n, h = *x.shape, heads` without brackets: tree-sitter reads `(*x).shape`; the star is the whole item's.
        const saved = this.splatObject;
        this.splatObject = leftmostSplat(n);
        let v: Value;
        try {
          v = this.evalExpr(n, scope);
        } finally {
          this.splatObject = saved;
        }
        const items = this.iterate(v);
        if (items === null) unknownLength = true;
        else out.push(...items);
      } else out.push(this.evalExpr(n, scope));
    }
    return unknownLength ? null : out;
  }

  /**
   * `a if cond else b` when `cond` is unknown: both branches are run; where they give the same
   * value (`layer(x, training=t) if flag else layer(x)`) it is the result, with the first branch's
   * records; where they differ the result is unknown and neither branch's records stay. Neither
   * branch's diagnostics are kept: either may not run. Never picks one branch.
   */
  private evalEitherBranch(a: SyntaxNode, b: SyntaxNode, scope: Scope, node: SyntaxNode): Value {
    const trace = this.trace;
    const start = { records: trace.records.length, blocks: trace.blocks.length, diagnostics: trace.diagnostics.length, notes: trace.notes.length };
    const va = this.safeEval(a, scope);
    const afterA = { records: trace.records.length, blocks: trace.blocks.length, notes: trace.notes.length };
    const vb = this.safeEval(b, scope);
    const same = sameBranchValue(va, vb);
    const keep = same ? afterA : start;
    trace.records.length = Math.min(trace.records.length, keep.records);
    trace.blocks.length = Math.min(trace.blocks.length, keep.blocks);
    trace.notes.length = Math.min(trace.notes.length, keep.notes);
    trace.diagnostics.length = Math.min(trace.diagnostics.length, start.diagnostics);
    if (same) return va;
    // `{'num_workers': 1, 'pin_memory': True} if use_cuda else {}`: a dict of the keys either may hold.
    const dicts = va.t === 'dict' && vb.t === 'dict' ? joinDicts([va, vb], sameBranchValue) : undefined;
    if (dicts) return dicts;
    const t = va.t === 'tensor' ? va : vb.t === 'tensor' ? vb : undefined;
    return t ? this.unknownTensor(t, node) : UNKNOWN;
  }

  private evalDisplay(kind: 'tuple' | 'list', nodes: SyntaxNode[], scope: Scope): Value {
    const items = this.evalItems(nodes, scope);
    return items === null ? UNKNOWN : { t: kind, items };
  }

  private evalDict(node: SyntaxNode, scope: Scope): Value {
    const d: DictValue = { t: 'dict', entries: new Map() };
    for (const c of node.namedChildren) {
      if (c.type === 'pair') {
        const k = this.evalExpr(c.childForFieldName('key')!, scope);
        const v = this.evalExpr(c.childForFieldName('value')!, scope);
        const key = dictKey(k);
        if (key) d.entries.set(key, { key: k, value: v });
        else d.partial = true;
      } else if (c.type === 'dictionary_splat') {
        const splat = this.evalExpr(c.namedChildren[0], scope);
        const v = dictItemsOf(splat) ?? splat;
        if (v.t === 'dict') {
          for (const [k, e] of v.entries) d.entries.set(k, e);
          if (v.partial) d.partial = true;
        } else d.partial = true;
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
      if (items === null || items.length > MAX_LOOP_ITERATIONS) {
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
      else d.partial = true;
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
      if (b.t === 'object' && dictItemsOf(b) && !this.lookupClassAttr(b.cls, '__contains__')) b = dictItemsOf(b)!;
      if (b.t === 'builtin' && b.name === 'builtins.dir.listing' && b.self?.t === 'module') {
        const has = a.t === 'str' ? moduleHas(this, b.self, a.v) : UNKNOWN;
        return has.t === 'bool' ? (op === 'in') === has.v : undefined;
      }
      const items = b.t === 'dict' ? [...b.entries.values()].map((e) => e.key) : this.members(b);
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
      if (found === false && b.t === 'dict' && b.partial) found = undefined;
      return found === undefined ? undefined : op === 'in' ? found : !found;
    }
    if (op === 'is' || op === 'is not') {
      let eq: boolean | undefined;
      if (a.t === 'none' || b.t === 'none') eq = a.t === 'unknown' || b.t === 'unknown' ? undefined : a.t === b.t;
      else if (a === b) eq = true;
      else if (a.t === 'unknown' || b.t === 'unknown') eq = undefined;
      else if (a.t !== b.t) eq = false;
      // Classes, instances and layers are never copied: another value is another object.
      else if (a.t === 'class' || a.t === 'object' || a.t === 'layer') eq = false;
      else if (a.t === 'bool' && b.t === 'bool') eq = a.v === b.v;
      // Two different numbers or strings are never one object. Equal ones are where CPython keeps
      // one object per value: ints from -5 to 256 (`i is 0`, written in real code with a
      // SyntaxWarning) and strings that look like identifiers, which it interns (`block_type is
      // 'proj'`); elsewhere that is the implementation's choice.
      else if (a.t === 'int' && b.t === 'int' && typeof a.v === 'number' && typeof b.v === 'number') eq = a.v !== b.v ? false : isCachedInt(a.v) ? true : undefined;
      // Only constants written in the source are interned that way; a string built at run time
      // (concatenated, formatted, joined) is a new object, equal or not.
      else if (a.t === 'str' && b.t === 'str') eq = a.v !== b.v ? false : a.literal && b.literal && /^[A-Za-z0-9_]*$/.test(a.v) ? true : undefined;
      // Builtin types and functions (`type(x) is list`): one object per name.
      else if (a.t === 'builtin' && b.t === 'builtin' && a.self === undefined && b.self === undefined) eq = a.name === b.name;
      else eq = undefined;
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
    // Values of different kinds are never equal (`stage == 2` where stage is a list), unless a
    // user class may define its own __eq__.
    const decided = (v: Value) => PLAIN_KINDS.has(v.t) || IDENTITY_KINDS.has(v.t) || (v.t === 'object' && !this.lookupClassAttr(v.cls, '__eq__'));
    if (a.t !== b.t) return decided(a) && decided(b) ? false : undefined;
    if (a === b) return true;
    // Classes and layers compare by identity (`block == BasicBlock`), as do instances without __eq__.
    if (a.t === 'class' || a.t === 'layer' || (a.t === 'object' && decided(a))) return false;
    if (a.t === 'builtin' && b.t === 'builtin' && !a.self && !b.self) return a.name === b.name;
    if (a.t === 'module' && b.t === 'module') return a.name === b.name;
    return undefined;
  }

  private evalBinary(node: SyntaxNode, scope: Scope): Value {
    const a = this.evalExpr(node.childForFieldName('left')!, scope);
    const b = this.evalExpr(node.childForFieldName('right')!, scope);
    const op = node.childForFieldName('operator')?.text ?? '';
    const r = this.binary(op, a, b, node);
    if (r.t !== 'int') return r;
    const roots: SyntaxNode[] = [];
    for (const x of [a, b]) {
      if (x.t !== 'int') continue;
      if (x.src) roots.push(x.src);
      if (x.roots) for (const root of x.roots) roots.push(root);
    }
    // A spread followed by keys, not spreads: the runtime would assemble the latter key by key.
    const out = { ...r, src: node };
    if (roots.length) out.roots = roots;
    return out;
  }

  binary(op: string, a: Value, b: Value, node: SyntaxNode, inPlace = false): Value {
    if (a.t === 'tensor' || b.t === 'tensor') return (!inPlace && constantOperator(this, op, a, b, node)) || tensorOperator(this, op, a, b, node, inPlace);
    if (a.t === 'int' && b.t === 'int') {
      switch (op) {
        case '+': return int(add(a.v, b.v));
        case '-': return int(sub(a.v, b.v));
        case '*': return int(mul(a.v, b.v));
        case '//': return int(floordiv(a.v, b.v));
        case '/': return isKnown(a.v) && isKnown(b.v) && b.v !== 0 ? { t: 'float', v: a.v / b.v } : UNKNOWN;
        case '%': return isKnown(a.v) && isKnown(b.v) && b.v !== 0 ? int(((a.v % b.v) + b.v) % b.v) : UNKNOWN;
        case '**': return isKnown(a.v) && isKnown(b.v) && b.v >= 0 ? int(a.v ** b.v) : UNKNOWN;
        case '<<': return isKnown(a.v) && isKnown(b.v) ? int(a.v << b.v) : UNKNOWN;
        case '>>': return isKnown(a.v) && isKnown(b.v) ? int(a.v >> b.v) : UNKNOWN;
        case '&': return isKnown(a.v) && isKnown(b.v) ? int(a.v & b.v) : UNKNOWN;
        case '|': return isKnown(a.v) && isKnown(b.v) ? int(a.v | b.v) : UNKNOWN;
        case '^': return isKnown(a.v) && isKnown(b.v) ? int(a.v ^ b.v) : UNKNOWN;
      }
      return UNKNOWN;
    }
    // `(1 in ar) & two_boxes_for_ar1`: bitwise operators on two bools give a bool.
    if (a.t === 'bool' && b.t === 'bool' && (op === '&' || op === '|' || op === '^')) return bool(op === '&' ? a.v && b.v : op === '|' ? a.v || b.v : a.v !== b.v);
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
        case '&': return isInt ? int(x & y) : UNKNOWN;
        case '|': return isInt ? int(x | y) : UNKNOWN;
        case '^': return isInt ? int(x ^ y) : UNKNOWN;
      }
      return UNKNOWN;
    }
    if ((a.t === 'list' || a.t === 'tuple') && b.t === a.t && op === '+') return { t: a.t, items: [...a.items, ...b.items] };
    if ((a.t === 'list' || a.t === 'tuple') && b.t === 'int' && op === '*' && isKnown(b.v)) {
      if (b.v * a.items.length > MAX_LOOP_ITERATIONS) return UNKNOWN;
      const items: Value[] = [];
      for (let i = 0; i < Math.min(b.v, MAX_LOOP_ITERATIONS); i++) items.push(...a.items);
      return { t: a.t, items };
    }
    if (a.t === 'str' && b.t === 'str' && op === '+') return str(a.v + b.v);
    if (a.t === 'str' && op === '%') return percentFormat(a.v, b);
    return UNKNOWN;
  }

  // ---------------------------------------------------------------- iteration, attributes, subscripts

  /** The members of a collection where their order does not matter (`len`, `sorted`, `in`, `sum`): a set's too. */
  members(v: Value): Value[] | null {
    return v.t === 'list' && v.unordered ? v.items : this.iterate(v);
  }

  /** The items of an iterable value, or null when they cannot be known. */
  iterate(v: Value): Value[] | null {
    const held = v.t === 'object' ? containerOf(v) : undefined;
    if (held) return this.iterate(held);
    // An instance of a dict subclass iterates as its keys.
    const items = dictItemsOf(v);
    if (items && v.t === 'object' && !this.lookupClassAttr(v.cls, '__iter__')) return this.iterate(items);
    // A namedtuple instance iterates (and unpacks) as its fields.
    const fields = v.t === 'object' ? namedTupleFields(v.cls) : undefined;
    if (fields && v.t === 'object') return fields.map((f) => v.attrs.get(f) ?? UNKNOWN);
    switch (v.t) {
      case 'tuple':
      case 'list':
        return v.unordered ? null : v.items;
      case 'str':
        return [...v.v].map(str);
      case 'dict':
        return v.partial ? null : [...v.entries.values()].map((e) => e.key);
      case 'container':
        if (v.unknownItems) return null;
        return v.kind === 'ModuleDict' ? (v.keys ?? []).map(str) : v.items;
      case 'tensor': {
        const known = constantItems(this, v);
        if (known) return known;
        // `for rate in np.linspace(0, 0.1, depth)`: its rows, each of the shape after the first axis.
        const n = v.shape?.[0];
        if (v.shape === null || typeof n !== 'number' || n > MAX_LOOP_ITERATIONS) return null;
        const row = v.shape.slice(1);
        return Array.from({ length: n }, () => ({ ...v, shape: row, id: this.newId(), fromFactory: undefined }));
      }
      default:
        return null;
    }
  }

  /** A name of a module: a binding of a module read as source, or a library name. */
  moduleMember(obj: ModuleValue, name: string): Value {
    // `x[..., np.newaxis]`: NumPy's and TensorFlow's spelling of None in an index.
    if (name === 'newaxis' && (obj.name === 'numpy' || obj.name === 'tensorflow')) return NONE;
    return obj.source ? this.moduleAttr(obj.source, name) : this.libraryRef(`${obj.name}.${name}`);
  }

  getAttr(obj: Value, name: string, node: SyntaxNode): Value {
    // `__getattr__ = dict.__getitem__` in a dict subclass: dict's function, kept by name.
    if (obj.t === 'builtin' && obj.name === 'builtins.dict' && !obj.self && ['__getitem__', '__setitem__', 'get'].includes(name)) return { t: 'builtin', name: `builtins.dict.${name}` };
    if (obj.t === 'builtin' && obj.name === 'Layer.__class__' && obj.self?.t === 'layer' && name === '__name__') return str(obj.self.def.kind);
    switch (obj.t) {
      case 'module':
        // `torchvision.models.__dict__`: the module's names, as a mapping (a module read as source, or a library's).
        if (name === '__dict__') return { t: 'builtin', name: 'module.__dict__', self: obj };
        return this.moduleMember(obj, name);
      case 'object': {
        if (obj.cls.library) return libraryObjectAttr(obj, name);
        const items = dictItemsOf(obj);
        // `self.__dict__ = self` in a dict subclass: its attributes are its items.
        if (items && obj.attrs.has(ATTRS_ARE_ITEMS_ATTR) && items.entries.has(`s:${name}`)) return items.entries.get(`s:${name}`)!.value;
        if (obj.attrs.has(name)) return obj.attrs.get(name)!;
        if (name === '__class__') return obj.cls;
        if (name === 'module' && this.parallelWrapped.has(obj) && !this.lookupClassAttr(obj.cls, name)) return obj;
        const m = this.lookupClassAttr(obj.cls, name);
        if (m?.t === 'function' && decoratorsOf(m).includes('@property')) return this.callFunction({ ...m, self: obj }, [], new Map(), node);
        if (m) return m.t === 'function' ? this.bindMethod(m, obj) : m;
        if (items) {
          // dict's own methods (`cfg.get('width', 8)`, `cfg.items()`) act on the items.
          if (DICT_METHODS.has(name)) return { t: 'builtin', name: `dict.${name}`, self: items };
          if (obj.attrs.has(ATTRS_ARE_ITEMS_ATTR)) return UNKNOWN;
        }
        // A class's __getattr__ answers what the instance and its class do not hold: a user
        // function (`return self[name]`), or dict's item lookup (`__getattr__ = dict.__getitem__`).
        const fallback = this.libraryBase(obj.cls) === undefined ? this.lookupClassAttr(obj.cls, '__getattr__') : undefined;
        if (fallback?.t === 'function') return this.callFunction({ ...fallback, self: obj }, [str(name)], new Map(), node);
        if (fallback?.t === 'builtin' && items && (fallback.name === 'builtins.dict.__getitem__' || fallback.name === 'builtins.dict.get')) {
          return items.entries.get(`s:${name}`)?.value ?? (items.partial || fallback.name === 'builtins.dict.__getitem__' ? UNKNOWN : NONE);
        }
        if (name === 'training') return bool(false);
        if (name === '_replace' && namedTupleFields(obj.cls)) return { t: 'builtin', name: 'namedtuple._replace', self: obj };
        const base = this.libraryBase(obj.cls);
        if (name === '_modules' && base?.framework === 'torch') return registeredModulesDict(this, obj, node);
        // An nn.Sequential subclass built from an OrderedDict (`super().__init__(layers)`): nn.Module's
        // __getattr__ finds a child by its key once the instance and its class have not.
        const children = containerOf(obj);
        if (children && children.kind !== 'KerasSequential' && !children.unknownItems && children.keys && children.keys.length === children.items.length && !CONTAINER_ATTRIBUTES.has(name)) {
          const at = children.keys.indexOf(name);
          if (at >= 0) return children.items[at];
        }
        // A layer subclass reads the sizes its layer was given (`self.out_channels`); other
        // attributes (`self.weight`, `self.stride` as PyTorch normalises it) stay unknown.
        const asLayer = layerOf(obj);
        if (asLayer && LAYER_SIZE_ATTRIBUTES.has(name)) {
          const given = asLayer.bound.values.get(name);
          const v = given ? fromArg(given) : undefined;
          return v?.t === 'int' ? v : UNKNOWN;
        }
        const held = asLayer ? this.layerAttribute(asLayer, name, true) : undefined;
        if (held) return held;
        if (base) return { t: 'builtin', name: `${base.framework === 'torch' ? 'Module' : 'KerasModel'}.${name}`, self: obj };
        return UNKNOWN;
      }
      case 'class': {
        // `BlockArgs.__new__.__defaults__ = (None,) * len(BlockArgs._fields)` sets a namedtuple's defaults.
        if (name === '__new__' && obj.namedTuple) return { t: 'builtin', name: 'namedtuple.__new__', self: obj };
        // `Swish.apply(x)` of a torch.autograd.Function: its static forward, given a context object first.
        if (name === 'apply' && !obj.attrs.has('apply') && this.isAutogradFunction(obj)) {
          const forward = this.lookupClassAttr(obj, 'forward');
          if (forward?.t !== 'function') return UNKNOWN;
          const ctxClass: ClassValue = { t: 'class', name: 'FunctionCtx', node: obj.node, bases: [], attrs: new Map(), id: this.newId() };
          const ctx: ObjectValue = { t: 'object', cls: ctxClass, attrs: new Map(), node: null, id: this.newId() };
          return { t: 'partial', fn: forward, args: [ctx], kwargs: new Map(), argNodes: [], kwNodes: new Map() };
        }
        // `block.__name__` of a class passed as an argument (`add_module(f'{block.__name__}_{i}', …)`).
        if (name === '__name__' || name === '__qualname__') return obj.library ? UNKNOWN : str(obj.name);
        const m = this.lookupClassAttr(obj, name);
        // `Weights.verify(w)`: a @classmethod read from its class is bound to the class.
        if (m?.t === 'function' && !m.self && decoratorsOf(m).includes('@classmethod')) return { ...m, self: obj };
        return m ?? UNKNOWN;
      }
      case 'super': {
        const mro = this.mro(obj.owner).slice(1);
        for (const c of mro) {
          const m = c.attrs.get(name);
          if (m) return m.t === 'function' && obj.self.t === 'object' ? this.bindMethod(m, obj.self) : m.t === 'function' ? { ...m, self: obj.self } : m;
          if (name === '__init__' && isRecordClass(c)) return { t: 'builtin', name: 'super.__init__', self: obj.self, record: c };
        }
        return { t: 'builtin', name: `super.${name}`, self: obj.self };
      }
      case 'tensor':
        return tensorAttr(this, obj, name, node);
      case 'layer': {
        if (name === 'output' && obj.output) return obj.output;
        // Keras 2's `layer.output_shape` / `layer.input_shape` once the layer was applied.
        if ((name === 'output_shape' || name === 'input_shape') && obj.def.framework === 'keras') return this.appliedLayerShape(obj, name);
        // `'MaxPool' in f.__class__.__name__`: the layer's class.
        if (name === '__class__') return { t: 'builtin', name: 'Layer.__class__', self: obj };
        // A torchvision table block's insides (`layer4[0].conv2`) are not modelled: reaching them may change it.
        if (isTableBlock(obj) && !obj.bound.values.has(name)) {
          obj.opaque = true;
          return UNKNOWN;
        }
        const held = this.layerAttribute(obj, name);
        if (held) return held;
        if (obj.bound.values.has(name)) return fromArg(obj.bound.values.get(name)!);
        return { t: 'builtin', name: `Layer.${name}`, self: obj };
      }
      case 'container': {
        // `self.path.pad` after `self.path.add_module('pad', …)`: nn.Module's __getattr__ finds a
        // named child, once the class's own attributes (its methods) have not.
        // A Keras Sequential's `layers`, and its `input` / `output` once built on a declared input.
        if (obj.kind === 'KerasSequential' && name === 'layers') return kerasModelLayers(this, obj);
        if (obj.kind === 'KerasSequential' && (name === 'input' || name === 'output')) return sequentialInputOutput(this, obj, name);
        if (obj.kind === 'KerasSequential' && (name === 'input_shape' || name === 'output_shape')) return kerasShapes(sequentialInputOutput(this, obj, name === 'input_shape' ? 'input' : 'output'));
        // `seq._modules.items()`: its children by name ('0', '1', ... where none was given).
        if (name === '_modules' && obj.kind !== 'KerasSequential') {
          if (obj.unknownItems) return UNKNOWN;
          const keys = obj.keys && obj.keys.length === obj.items.length ? [...obj.keys] : obj.items.map((_, i) => String(i));
          return { t: 'container', kind: 'ModuleDict', keys, items: [...obj.items], node: obj.node, id: this.newId() };
        }
        const at = obj.unknownItems || obj.kind === 'KerasSequential' || CONTAINER_ATTRIBUTES.has(name) ? -1 : (obj.keys?.indexOf(name) ?? -1);
        if (at >= 0 && obj.keys!.length === obj.items.length) return obj.items[at];
        return { t: 'builtin', name: `Container.${name}`, self: obj };
      }
      case 'list':
      case 'tuple':
      case 'dict':
      case 'str':
        return { t: 'builtin', name: `${obj.t}.${name}`, self: obj };
      case 'function':
        return name === '__name__' && obj.node.type === 'function_definition' ? str(obj.name) : UNKNOWN;
      case 'partial': {
        // `p.func`, `p.args`, `p.keywords`: what functools.partial keeps (a factory unbound and bound again).
        if (name === 'func') return obj.fn;
        if (name === 'args') return tuple([...obj.args]);
        if (name !== 'keywords') return UNKNOWN;
        const keywords: DictValue = { t: 'dict', entries: new Map() };
        for (const [k, v] of obj.kwargs) keywords.entries.set(`s:${k}`, { key: str(k), value: v });
        return keywords;
      }
      case 'functional':
        // `model.output` / `.input`: the tensors the model was built on (`keras.Model(base.input, base.output)`).
        if (name === 'output') return obj.outputs;
        if (name === 'outputs') return obj.outputs.t === 'list' || obj.outputs.t === 'tuple' ? obj.outputs : list([obj.outputs]);
        if (name === 'input') return obj.inputs.length === 1 ? obj.inputs[0] : list([...obj.inputs]);
        if (name === 'inputs') return list([...obj.inputs]);
        if (name === 'layers') return kerasModelLayers(this, obj);
        // `Model(i, o).output_shape`: the sizes as Keras gives them (the batch None), a list for several.
        if (name === 'output_shape') return kerasShapes(obj.outputs);
        if (name === 'input_shape') return kerasShapes(obj.inputs.length === 1 ? obj.inputs[0] : list([...obj.inputs]));
        return { t: 'builtin', name: `KerasModel.${name}`, self: obj };
      default:
        return UNKNOWN;
    }
  }

  /**
   * What a built PyTorch layer holds (`self.weight` in a Conv2d subclass's forward, `conv.stride`):
   * a parameter as a tensor of its shape, or None; a window argument as the module keeps it.
   * Undefined where the rule does not say, or the layer was changed past knowing (opaque).
   */
  private layerAttribute(layer: LayerValue, name: string, ofSubclass = false): Value | undefined {
    if (layer.def.framework === 'keras') return this.kerasLayerAttribute(layer, name, ofSubclass);
    if (layer.opaque || layer.def.framework !== 'torch' || !layer.def.attributes || layer.bound.problems.length > 0) return undefined;
    const attributes = layer.def.attributes(new ArgContext({ framework: 'torch', kind: layer.def.kind, bound: layer.bound }));
    const parameter = Object.hasOwn(attributes.parameters, name) ? attributes.parameters[name] : undefined;
    if (parameter === 'none') return NONE;
    if (parameter) return this.makeTensor(parameter, 'torch', { text: `the ${name} of the ${layer.def.kind} built at ${lineLabel(layer.node)}`, node: layer.node }, 0);
    return Object.hasOwn(attributes.kept, name) ? fromArg(attributes.kept[name]) : undefined;
  }

  /**
   * Keras 2's `layer.output_shape` and `layer.input_shape`: the shape of the tensor the layer gave
   * (or was given) where it was applied, a size the engine does not know unknown; unknown where it
   * was not applied yet, or applied to tensors of different shapes (Keras then raises).
   */
  private appliedLayerShape(layer: LayerValue, name: 'output_shape' | 'input_shape'): Value {
    let found: Dim[] | undefined;
    for (const r of this.trace.records) {
      if (r.layer !== layer) continue;
      const shape = name === 'output_shape' ? (r.output instanceof TupleOut ? null : r.output) : r.inputs.length === 1 ? r.inputs[0].shape : null;
      if (shape === null || (found !== undefined && !(found.length === shape.length && found.every((d, i) => equalDims(d, shape[i]) === true)))) return UNKNOWN;
      found = shape;
    }
    return found === undefined ? UNKNOWN : tuple(found.map((d) => (d === null ? UNKNOWN : int(d))));
  }

  /**
   * What a Keras layer subclass reads of the layer it was built as (`self.kernel_size`,
   * `self.strides`, `self.padding` in its compute_output_shape): the arguments as Keras keeps them,
   * window sizes as one entry per spatial axis, `padding` in lower case; others as written.
   */
  private kerasLayerAttribute(layer: LayerValue, name: string, ofSubclass: boolean): Value | undefined {
    // A subclass's own attributes (`self.depth_multiplier = ...`) make its layer opaque to
    // applying, not to reading what its constructor was given: an attribute it set again is read
    // from the instance before this. A layer's arguments whose checks failed (`filters=None` for a
    // depthwise subclass) are still what was written.
    if ((layer.opaque && !ofSubclass) || !layer.bound.values.has(name)) return undefined;
    const given = fromArg(layer.bound.values.get(name)!);
    if (KERAS_WINDOW_ATTRIBUTES.has(name)) {
      const rank = Number(/(\d)D$/.exec(layer.def.kind)?.[1] ?? NaN);
      if (given.t === 'int' && Number.isInteger(rank)) return tuple(Array.from({ length: rank }, () => given));
      return given.t === 'tuple' || given.t === 'list' ? tuple(given.items) : UNKNOWN;
    }
    if (name === 'padding') return given.t === 'str' ? str(given.v.toLowerCase()) : UNKNOWN;
    if (name === 'data_format') return given.t === 'str' ? given : this.kerasImageDataFormat === null ? UNKNOWN : str(this.kerasImageDataFormat ?? 'channels_last');
    return given.t === 'int' || given.t === 'float' || given.t === 'str' || given.t === 'bool' || given.t === 'none' ? given : undefined;
  }

  /**
   * Whether a built PyTorch layer has an attribute, where we know it does (`hasattr(conv, 'out_channels')`):
   * a parameter or kept argument its rule states, or a size it was given. False is never known.
   */
  layerHasAttribute(layer: LayerValue, name: string): boolean {
    if (this.layerAttribute(layer, name) !== undefined) return true;
    return !layer.opaque && layer.def.framework === 'torch' && LAYER_SIZE_ATTRIBUTES.has(name) && layer.bound.values.has(name);
  }

  /** A subclass of torch.autograd.Function. */
  private isAutogradFunction(cls: ClassValue): boolean {
    return this.mro(cls).some((c) => c.bases.some((b) => (b.t === 'module' || b.t === 'builtin') && /^torch\.autograd\.(function\.)?Function$/.test(normaliseName(b.name))));
  }

  /**
   * One item of a user's dataset (`MyDataset(...)[i]`, as a DataLoader reads it): its `__getitem__`
   * run aside (recording nothing, on a budget of its own) on an integer whose value is not known (a
   * symbol: `self.x[index]` drops the axis it indexes); undefined where the class has none, UNKNOWN
   * where the run fails.
   */
  datasetItem(obj: ObjectValue, node: SyntaxNode): Value | undefined {
    return this.runMethodAside(obj, '__getitem__', [int(sym('index'))], node);
  }

  /** A user dataset's `__len__`, run aside: a number where it is known, else null. */
  datasetLength(obj: ObjectValue, node: SyntaxNode): number | null {
    const n = this.runMethodAside(obj, '__len__', [], node);
    return n?.t === 'int' && isKnown(n.v) ? n.v : null;
  }

  /**
   * A method of a user object run aside: recording nothing, on a budget of its own; undefined where
   * the class has no such method, UNKNOWN where the run fails. What it changes stays changed.
   */
  runMethodAside(obj: ObjectValue, name: string, args: Value[], node: SyntaxNode, budget = PROBE_BUDGET): Value | undefined {
    const m = this.lookupClassAttr(obj.cls, name);
    if (m?.t !== 'function') return undefined;
    return this.aside(budget, () => this.callFunction(this.bindMethod(m, obj), args, new Map(), node), UNKNOWN);
  }

  /** A method looked up on an instance: bound to it, to its class (@classmethod), or to nothing (@staticmethod). */
  private bindMethod(m: FunctionValue, obj: ObjectValue): FunctionValue {
    const decorators = decoratorsOf(m);
    if (decorators.includes('@staticmethod')) return m;
    if (decorators.includes('@classmethod')) return { ...m, self: obj.cls };
    return { ...m, self: obj };
  }

  /** The classes each class's attributes are looked up in, by class: a class's bases never change once it is made. */
  private readonly mros = new WeakMap<ClassValue, readonly ClassValue[]>();

  mro(cls: ClassValue): readonly ClassValue[] {
    const known = this.mros.get(cls);
    if (known) return known;
    const out: ClassValue[] = [];
    const visit = (c: ClassValue, depth: number) => {
      if (depth > 20 || out.includes(c)) return;
      out.push(c);
      for (const b of c.bases) if (b.t === 'class') visit(b, depth + 1);
    };
    visit(cls, 0);
    this.mros.set(cls, out);
    return out;
  }

  lookupClassAttr(cls: ClassValue, name: string): Value | undefined {
    for (const c of this.mro(cls)) {
      const v = c.attrs.get(name);
      if (v) return v;
    }
    return undefined;
  }

  /** `locals()` in a function: a dict of the names it has bound, in binding order; unknown elsewhere (a module's names are read lazily). */
  private localsOf(scope: Scope): Value {
    if (scope.kind !== 'function') return UNKNOWN;
    // A nested function's free variables are in Python's locals() too: with an enclosing function, keys may be missing here.
    const d: DictValue = { t: 'dict', entries: new Map(), ...(scope.parent?.kind === 'function' ? { partial: true } : {}) };
    for (const [k, v] of scope.vars) d.entries.set(`s:${k}`, { key: str(k), value: v });
    return d;
  }

  /** The library base class a user class derives from (nn.Module, keras.Model, keras.layers.Layer). */
  libraryBase(cls: ClassValue): LibraryBase | undefined {
    let known = this.libraryBases.get(cls);
    if (known === undefined) {
      known = this.findLibraryBase(cls) ?? null;
      this.libraryBases.set(cls, known);
    }
    return known ?? undefined;
  }

  /** Each class's library base (or null), found once: it depends on the bases alone. */
  private readonly libraryBases = new WeakMap<ClassValue, LibraryBase | null>();

  private findLibraryBase(cls: ClassValue): LibraryBase | undefined {
    for (const c of this.mro(cls)) {
      for (const b of c.bases) {
        if (b.t === 'builtin' && b.name in BASE_CLASSES) return { name: b.name, ...BASE_CLASSES[b.name] };
        // A subclass of a PyTorch layer (`class MaskedConv2d(nn.Conv2d)`) is a module built as that layer.
        const layer = b.t === 'builtin' ? findLayer(b.name) : undefined;
        if (layer?.framework === 'torch') return { name: 'torch.nn.Module', framework: 'torch', model: false, layer };
        // A subclass of a Keras layer (`class DepthwiseConv2D(Conv2D)` in Keras 2 code) likewise.
        if (layer?.framework === 'keras') return { name: 'keras.layers.Layer', framework: 'keras', model: false, layer };
      }
    }
    return undefined;
  }

  /** An instance of a class with a base we cannot read: it may be a module, so a list of children that skips it is not known. */
  mayBeModule(v: Value): boolean {
    // A base from a library we do not model or read (`encoding.nn.SyncBatchNorm`) is opaque too;
    // Python's own (object, dict, `collections.OrderedDict`, `enum.Enum`) are not modules.
    const opaque = (b: Value) => b.t === 'unknown' || b.t === 'module' || (b.t === 'builtin' && b.name.includes('.') && !STDLIB_MODULES.has(b.name.slice(0, b.name.indexOf('.'))));
    return v.t === 'object' && !v.cls.library && this.libraryBase(v.cls) === undefined && this.mro(v.cls).some((c) => c.bases.some(opaque));
  }

  subscript(value: Value, idx: Value, node: SyntaxNode): Value {
    // `models.__dict__[args.arch]`, `globals()[name]`: a module's name, read as an attribute is.
    if (value.t === 'builtin' && value.name === 'module.__dict__' && value.self?.t === 'module') return idx.t === 'str' ? this.moduleMember(value.self, idx.v) : UNKNOWN;
    const held = value.t === 'object' ? containerOf(value) : undefined;
    if (held) return this.subscript(held, idx, node);
    const sample = value.t === 'object' && value.cls.library ? torchDataItem(this, value, node) : undefined;
    if (sample) return sample;
    // `cfg['width']` on an instance of a dict subclass that does not define __getitem__.
    const items = dictItemsOf(value);
    if (items && value.t === 'object' && !this.lookupClassAttr(value.cls, '__getitem__')) return this.subscript(items, idx, node);
    // `params[2]`, `block_args[1:]` on a namedtuple: its fields as a tuple.
    if (value.t === 'object' && namedTupleFields(value.cls) && !this.lookupClassAttr(value.cls, '__getitem__')) return this.subscript(tuple(this.iterate(value) ?? []), idx, node);
    switch (value.t) {
      case 'tuple':
      case 'list': {
        const picked = indexItems(value.items, idx);
        return Array.isArray(picked) ? { t: value.t, items: picked } : picked;
      }
      case 'str': {
        // `norm_type[len('spectral'):]`: a slice picks characters as a list's slice picks items.
        if (idx.t === 'slice') {
          const picked = indexItems([...value.v].map(str), idx);
          return Array.isArray(picked) ? str(picked.map((c) => (c.t === 'str' ? c.v : '')).join('')) : UNKNOWN;
        }
        const ch = idx.t === 'int' && isKnown(idx.v) ? value.v[idx.v < 0 ? idx.v + value.v.length : idx.v] : undefined;
        return ch === undefined ? UNKNOWN : str(ch);
      }
      case 'dict': {
        const k = dictKey(idx);
        return (k && value.entries.get(k)?.value) || UNKNOWN;
      }
      case 'container': {
        if (value.unknownItems) return UNKNOWN;
        if (value.kind === 'ModuleDict') {
          if (idx.t !== 'str' || !value.keys) return UNKNOWN;
          const i = value.keys.indexOf(idx.v);
          return i >= 0 ? value.items[i] : UNKNOWN;
        }
        // A ModuleList looks an index up by its name (`str(i)`): after `add_module('pad', …)` the
        // positions are not its keys, and PyTorch raises a KeyError.
        if (value.kind === 'ModuleList' && value.keys?.some((k, i) => k !== String(i))) return UNKNOWN;
        const picked = indexItems(value.items, idx);
        return Array.isArray(picked) ? { ...value, items: picked, id: this.newId() } : picked;
      }
      case 'tensor':
        return indexTensor(this, value, idx, node);
      default:
        return UNKNOWN;
    }
  }

  // ---------------------------------------------------------------- calls

  private evalCall(node: SyntaxNode, scope: Scope): Value {
    const fnNode = node.childForFieldName('function')!;
    const fn = this.evalExpr(fnNode, scope);
    // `kwargs = dict(locals())` at the top of a constructor: the function's names bound so far.
    if (fn.t === 'builtin' && fn.name === 'builtins.locals' && !fn.self && (node.childForFieldName('arguments')?.namedChildren.length ?? 0) === 0) return this.localsOf(scope);
    // `globals()[args.model](...)`, `globals()[f"net_{w}"] = ...`: the running module's names.
    if (fn.t === 'builtin' && fn.name === 'builtins.globals' && !fn.self && (node.childForFieldName('arguments')?.namedChildren.length ?? 0) === 0) {
      const m = this.moduleOf(scope);
      return m ? { t: 'builtin', name: 'module.__dict__', self: { t: 'module', name: m.file.name, source: m } } : UNKNOWN;
    }
    const argsNode = node.childForFieldName('arguments');
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    const argNodes: SyntaxNode[] = [];
    const kwNodes = new Map<string, SyntaxNode>();
    // A `*args` of unknown length hides the positions after it; a `**kwargs` we cannot list
    // (unknown, or a dict with keys we could not know) may set any keyword.
    let unknownArgs = false;
    let unknownKwargs = false;
    if (argsNode?.type === 'generator_expression') {
      args.push(this.evalExpr(argsNode, scope));
      argNodes.push(argsNode);
    } else if (argsNode) {
      for (const a of argsNode.namedChildren) {
        if (a.type === 'comment') continue;
        if (a.type === 'ERROR') {
          // Text that does not parse hides which arguments the call has.
          unknownArgs = true;
          unknownKwargs = true;
        } else if (a.type === 'keyword_argument') {
          const name = a.childForFieldName('name')?.text ?? '';
          const valueNode = a.childForFieldName('value')!;
          kwargs.set(name, this.evalExpr(valueNode, scope));
          kwNodes.set(name, valueNode);
        } else if (a.type === 'list_splat') {
          const items = this.iterate(this.evalExpr(a.namedChildren[0], scope));
          if (items === null) unknownArgs = true;
          else if (!unknownArgs) {
            args.push(...items);
            for (let i = 0; i < items.length; i++) argNodes.push(a);
          }
        } else if (a.type === 'dictionary_splat') {
          const splat = this.evalExpr(a.namedChildren[0], scope);
          const d = dictItemsOf(splat) ?? splat;
          if (d.t === 'dict') {
            for (const e of d.entries.values()) if (e.key.t === 'str') {
              kwargs.set(e.key.v, e.value);
              kwNodes.set(e.key.v, a);
            }
            // Keys a dict may or may not hold are passed as unknown values (the default, or another).
            if (d.partial && d.possibleKeys && [...d.possibleKeys.values()].every((k) => k.t === 'str')) {
              for (const k of d.possibleKeys.values()) if (k.t === 'str' && !kwargs.has(k.v)) {
                kwargs.set(k.v, UNKNOWN);
                kwNodes.set(k.v, a);
              }
            } else if (d.partial) unknownKwargs = true;
          } else unknownKwargs = true;
        } else {
          const v = this.evalExpr(a, scope);
          // After a `*args` of unknown length, a positional argument's position is unknown.
          if (!unknownArgs) {
            args.push(v);
            argNodes.push(a);
          }
        }
      }
    }
    const result = unknownArgs || unknownKwargs ? this.callWithUnknownSplat(fn, args, kwargs, node, { argNodes, kwNodes, unknownArgs, unknownKwargs, scope }) : this.call(fn, args, kwargs, node, { argNodes, kwNodes, scope });
    if (fn.t === 'builtin' && fn.self?.t === 'tensor' && fnNode.type === 'attribute' && IN_PLACE_RESHAPES.has(fn.name.slice(fn.name.lastIndexOf('.') + 1))) this.reshapedInPlace(fnNode.childForFieldName('object')!, fn.self, result, scope);
    return result;
  }

  /**
   * A tensor whose shape a method changed in place (`images.resize_(64, 784)`, `x.unsqueeze_(0)`):
   * the name or attribute it was read from holds the new shape from now on (a tensor of unknown
   * shape where the method's result is not known), and so does an item of a list or dict it was read
   * from (`feats[-1].unsqueeze_(0)`). Another name bound to the same tensor (`y = x`) is not found
   * and keeps the old shape.
   */
  private reshapedInPlace(receiver: SyntaxNode, before: TensorValue, result: Value, scope: Scope): void {
    const after = result.t === 'tensor' ? result : this.unknownTensor(before, receiver);
    if (receiver.type === 'identifier') scope.rebind(receiver.text, before, after);
    else if (receiver.type === 'attribute') {
      const obj = this.evalExpr(receiver.childForFieldName('object')!, scope);
      const name = receiver.childForFieldName('attribute')?.text;
      if (obj.t === 'object' && name && obj.attrs.get(name) === before) obj.attrs.set(name, after);
    } else if (receiver.type === 'subscript') {
      const held = this.evalExpr(receiver.childForFieldName('value')!, scope);
      if (held.t === 'list' || held.t === 'dict') this.assignTarget(receiver, after, scope);
    }
  }

  /**
   * A call with a `*args` or `**kwargs` we cannot list. A user function or class, and a layer,
   * still run or get built: the parameters the hidden arguments may set are unknown, never their
   * defaults. Anything else answers unknown (a tensor passed in flows on with an unknown shape).
   */
  private callWithUnknownSplat(fn: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
    if (fn.t === 'function' || fn.t === 'class' || (fn.t === 'builtin' && !fn.self && findLayer(fn.name))) return this.call(fn, args, kwargs, node, nodes);
    const t = [...args, ...kwargs.values()].find((a) => a.t === 'tensor') as TensorValue | undefined;
    return t ? this.unknownTensor(t, node) : UNKNOWN;
  }

  call(fn: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes = { argNodes: [], kwNodes: new Map() }): Value {
    this.tick();
    if (this.speculating > 0 && !changesNothing(fn) && !(fn.t === 'builtin' && fn.self && this.speculationOwned.has(fn.self))) throw new SpeculationAbort();
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
        // `net.forward(torch.rand(...))` outside a forward pass is an example call, as `net(...)` is.
        if (fn.name === 'forward' && fn.self?.t === 'object' && !this.inModelRun && args.some((a) => a.t === 'tensor' && a.fromFactory)) return this.applyModule(fn.self, args, kwargs, node);
        // `block.build(shape)` called by the code (a custom layer building its sub-layers): Keras marks
        // the layer built, so its first call does not build it again.
        if (fn.name === 'build' && fn.self?.t === 'object' && this.libraryBase(fn.self.cls)?.framework === 'keras') fn.self.attrs.set('__built__', bool(true));
        return this.callFunction(fn, args, kwargs, node, nodes);
      case 'class':
        return this.instantiate(fn, args, kwargs, node, nodes);
      case 'builtin':
        if (fn.record && fn.self?.t === 'object') {
          this.bindRecordFields(fn.record, fn.self, args, kwargs);
          return NONE;
        }
        return this.callBuiltin(fn.name, fn.self, args, kwargs, node, nodes);
      case 'object':
        // A standard-library object (an argparse parser, a namespace) is not callable; a Lambda layer is.
        if (fn.cls.library && fn.cls.library !== KERAS_LAMBDA) return isTorchDataObject(fn) ? torchDataObjectCall(this, fn, args, node) : UNKNOWN;
        return this.applyModule(fn, args, kwargs, node);
      case 'layer':
      case 'container':
      case 'functional':
        return this.applyModule(fn, args, kwargs, node);
      case 'partial':
        // Keyword arguments given at the call override those bound by the partial, as in Python.
        return this.call(fn.fn, [...fn.args, ...args], new Map([...fn.kwargs, ...kwargs]), node, {
          argNodes: [...fn.argNodes, ...nodes.argNodes],
          kwNodes: new Map([...fn.kwNodes, ...nodes.kwNodes]),
        });
      case 'module':
        // Keras's configured image layout (`if K.image_data_format() == 'channels_first':`): its
        // default (keras.json is not read), or what `K.set_image_data_format(...)` set.
        if (fn.name === 'keras.backend.image_data_format' || fn.name === 'keras.config.image_data_format') return this.kerasImageDataFormat === null ? UNKNOWN : str(this.kerasImageDataFormat);
        // Keras 1's name for the same setting: 'tf' is channels last (`if K.image_dim_ordering() == 'tf':`).
        if (fn.name === 'keras.backend.image_dim_ordering') return this.kerasImageDataFormat === null ? UNKNOWN : str(this.kerasImageDataFormat === 'channels_first' ? 'th' : 'tf');
        // The backend Keras runs on (`if K.backend() == 'theano':`): keras.json's default, TensorFlow,
        // as for the image layout (the file is not read).
        if (fn.name === 'keras.backend.backend' || fn.name === 'keras.config.backend') return str('tensorflow');
        if (fn.name === 'keras.backend.is_keras_tensor' || fn.name === 'keras.utils.is_keras_tensor') return isKerasTensor(this, args[0] ?? kwargs.get('x'));
        // Keras's fuzz factor (`x / (K.sum(x) + K.epsilon())`): a float, 1e-7 unless set_epsilon set another.
        if (fn.name === 'keras.backend.epsilon' || fn.name === 'keras.config.epsilon') return this.kerasEpsilon === null ? UNKNOWN : { t: 'float', v: this.kerasEpsilon };
        if (fn.name === 'keras.backend.set_epsilon' || fn.name === 'keras.config.set_epsilon') {
          const e = args[0] ?? kwargs.get('value');
          this.kerasEpsilon = e?.t === 'float' ? e.v : e?.t === 'int' && typeof e.v === 'number' ? e.v : null;
          return NONE;
        }
        if (IMAGE_FORMAT_SETTERS.has(fn.name)) {
          this.kerasImageDataFormat = imageDataFormat(fn.name, args[0] ?? kwargs.get('data_format') ?? kwargs.get('dim_ordering'));
          return NONE;
        }
        // `nn.DataParallel(model)`, `DistributedDataParallel(model, device_ids=[rank])`: calling the
        // wrapper calls the model on each device's share of the batch and gathers the outputs again,
        // so the shapes are the model's; the wrapper is the model itself, its `.module` the model again.
        if (PARALLEL_WRAPPERS.test(fn.name)) {
          const wrapped = args[0] ?? kwargs.get('module');
          if (wrapped?.t !== 'object' && wrapped?.t !== 'container') return UNKNOWN;
          this.parallelWrapped.add(wrapped);
          return wrapped;
        }
        // A function reached through a module (`math.floor`, `np.prod`, `typing.cast`): Python's
        // own functions are known by name; any other answers unknown.
        return constantCall(this, fn.name, args, kwargs, node) ?? pythonCall(this, fn.name, args, kwargs, node);
      default: {
        const t = args.find((a) => a.t === 'tensor') as TensorValue | undefined;
        return t ? this.unknownTensor(t, node) : UNKNOWN;
      }
    }
  }

  callFunction(f: FunctionValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, hidden: HiddenArgs | CallNodes = {}): Value {
    const scope = new Scope(f.closure, 'function');
    const allArgs = f.self ? [f.self, ...args] : args;
    const paramsNode = f.node.childForFieldName('parameters');
    this.bindParams(paramsNode, allArgs, kwargs, scope, f.closure, hidden, f.self ? 1 : 0);
    if (f.node.type === 'lambda') {
      const body = f.node.childForFieldName('body');
      return body ? this.evalExpr(body, scope) : UNKNOWN;
    }
    const savedUncertain = this.uncertainReturn;
    this.uncertainReturn = false;
    const isModuleLevel = f.closure === this.moduleScope && !f.self;
    if (isModuleLevel) {
      this.functionStack.push(f.name);
      this.calledFunctions.add(f.node);
    }
    if (f.self && f.owner) this.methodStack.push({ self: f.self, owner: f.owner });
    try {
      const named = checkParameterAnnotations(this, f.node, scope);
      try {
        this.execBlock(f.node.childForFieldName('body'), scope);
      } catch (e) {
        if (e instanceof ReturnSignal && !this.uncertainReturn) checkReturnAnnotation(this, f.node, e.value, named);
        throw e;
      }
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
    // A library layer returned where another return may have run instead: a layer, but not known which.
    if (v.t === 'layer') return { ...v, opaque: true, id: this.newId() };
    if (isModelValue(v)) return v;
    return UNKNOWN;
  }

  private bindParams(paramsNode: SyntaxNode | null, args: Value[], kwargs: Map<string, Value>, scope: Scope, defScope: Scope, hidden: HiddenArgs | CallNodes = {}, selfOffset = 0): void {
    if (!paramsNode) return;
    const nodes = 'argNodes' in hidden ? hidden : undefined;
    // A number passed in keeps the argument it was passed as (its chain, for blame and fixes).
    const passed = (v: Value, argNode: SyntaxNode | undefined, argScope: Scope | null): Value =>
      v.t === 'int' && argNode && argNode.type !== 'list_splat' && argNode.type !== 'dictionary_splat' ? { ...v, via: [{ node: argNode, scope: argScope }, ...(v.via ?? [])] } : v;
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
            if (n) scope.set(n, hidden.unknownArgs ? UNKNOWN : tuple(args.slice(pos)));
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
          if (n) scope.set(n, hidden.unknownArgs ? UNKNOWN : tuple(args.slice(pos)));
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
      if (!kwOnly && pos < args.length) {
        scope.set(name, passed(args[pos], nodes?.argNodes[pos - selfOffset], nodes?.scope ?? null));
        pos++;
      } else if (kwargs.has(name)) {
        scope.set(name, passed(kwargs.get(name)!, nodes?.kwNodes.get(name), nodes?.scope ?? null));
        used.add(name);
      } else if (hidden.unknownKwargs || (hidden.unknownArgs && !kwOnly)) scope.set(name, UNKNOWN);
      else if (defaultNode) scope.set(name, this.safeEval(defaultNode, defScope));
      else scope.set(name, UNKNOWN);
    }
    if (varkwName) {
      const d: DictValue = { t: 'dict', entries: new Map() };
      for (const [k, v] of kwargs) if (!used.has(k)) d.entries.set(`s:${k}`, { key: str(k), value: v });
      if (hidden.unknownKwargs) d.partial = true;
      scope.set(varkwName, d);
    }
  }

  instantiate(cls: ClassValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode | null, hidden: HiddenArgs = {}): Value {
    const obj: ObjectValue = { t: 'object', cls, attrs: new Map(), node, id: this.newId() };
    if (this.trace.enabled) this.instantiatedClasses.add(cls.id);
    const dictBase = this.mro(cls).some((c) => c.bases.some((b) => b.t === 'builtin' && DICT_BASES.has(b.name)));
    if (dictBase) obj.attrs.set(DICT_ITEMS_ATTR, { t: 'dict', entries: new Map() });
    for (const s of this.constructionStack) s.add(cls.id);
    const inside = new Set<number>();
    this.constructionStack.push(inside);
    const fn = this.functionStack[0];
    try {
      const init = this.lookupClassAttr(cls, '__init__');
      if (init && init.t === 'function') this.callFunction({ ...init, self: obj }, args, kwargs, node ?? cls.node, hidden);
      else if (dictBase) this.fillDictItems(obj, args, kwargs, node ?? cls.node, hidden);
      else if (isRecordClass(cls)) this.bindRecordFields(cls, obj, args, kwargs);
      else {
        // A subclass of nn.Sequential (ModuleList, ModuleDict) without an __init__ of its own is
        // built by the container's: `class Branches(nn.Sequential)` given its children.
        const base = this.libraryBase(cls);
        if (base && base.name in CONTAINERS) obj.attrs.set(CONTAINER_ATTR, constructContainer(this, CONTAINERS[base.name], args, kwargs, node ?? cls.node));
        else if (base?.layer) obj.attrs.set(LAYER_ATTR, constructLayer(this, base.layer, args, kwargs, node ?? cls.node, { argNodes: [], kwNodes: new Map() }));
        else if (base?.name === 'keras.Model') kerasFunctionalInit(this, obj, args, kwargs, node ?? cls.node);
      }
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
    } finally {
      this.constructionStack.pop();
    }
    this.constructedInside.set(obj.id, inside);
    if (fn) this.creatorFunction.set(obj.id, fn);
    // A keras.Model subclass built as `Model(inputs, outputs)` that does not override `call` runs
    // as that functional model (its own methods are training steps: `train_step`, `predict_step`).
    const functional = obj.attrs.get(FUNCTIONAL_ATTR);
    if (functional?.t === 'functional' && !this.lookupClassAttr(cls, 'call')) return functional;
    return obj;
  }

  /** dict's constructor on an instance of a dict subclass: `dict(mapping_or_pairs, **kwargs)` added to its items. */
  private fillDictItems(obj: ObjectValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, hidden: HiddenArgs): void {
    const items = dictItemsOf(obj)!;
    const made = args.length <= 1 ? pythonCall(this, 'builtins.dict', args, kwargs, node) : UNKNOWN;
    if (made.t !== 'dict' || hidden.unknownArgs || hidden.unknownKwargs) {
      items.partial = true;
      return;
    }
    for (const [k, e] of made.entries) items.entries.set(k, e);
    if (made.partial) items.partial = true;
  }

  /**
   * The generated `__init__` of a `@dataclass` or `NamedTuple` class: its annotated fields, in order
   * (base classes first), take the arguments; the others keep their class-level defaults.
   */
  private bindRecordFields(cls: ClassValue, obj: ObjectValue, args: Value[], kwargs: Map<string, Value>): void {
    const tupleClass = this.mro(cls).find((c) => c.namedTuple);
    if (tupleClass?.namedTuple) {
      const { fields, defaults } = tupleClass.namedTuple;
      fields.forEach((name, i) => {
        const fromEnd = fields.length - i;
        const given = i < args.length ? args[i] : kwargs.get(name);
        const fallback = defaults === null ? UNKNOWN : fromEnd <= defaults.length ? defaults[defaults.length - fromEnd] : UNKNOWN;
        obj.attrs.set(name, given ?? fallback);
      });
      return;
    }
    const fields: string[] = [];
    for (const c of [...this.mro(cls)].reverse()) {
      for (const stmt of c.node.childForFieldName('body')?.namedChildren ?? []) {
        const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : null;
        const name = a?.type === 'assignment' && a.childForFieldName('type') && a.childForFieldName('left')?.type === 'identifier' ? a.childForFieldName('left')!.text : null;
        if (name && !fields.includes(name)) fields.push(name);
      }
    }
    fields.forEach((name, i) => {
      const v = i < args.length ? args[i] : kwargs.get(name);
      if (v) obj.attrs.set(name, v);
      else if (!this.lookupClassAttr(cls, name)) obj.attrs.set(name, UNKNOWN);
    });
  }

  /**
   * `collections.namedtuple('BlockArgs', ['kernel_size', 'stride'], defaults=...)`: a class whose
   * instances hold the fields as attributes (a field neither given nor defaulted is unknown).
   */
  private namedTupleClass(args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    const name = args[0] ?? kwargs.get('typename');
    const spec = args[1] ?? kwargs.get('field_names');
    let fields: string[] | null = null;
    if (spec?.t === 'str') fields = spec.v.replace(/,/g, ' ').split(/\s+/).filter((f) => f !== '');
    else if (spec && (spec.t === 'list' || spec.t === 'tuple') && spec.items.every((i) => i.t === 'str')) fields = spec.items.map((i) => (i as { v: string }).v);
    if (name?.t !== 'str' || fields === null || args.length > 2 || kwargs.has('rename')) return UNKNOWN;
    const given = kwargs.get('defaults');
    const defaults = given === undefined || given.t === 'none' ? [] : given.t === 'tuple' || given.t === 'list' ? given.items : null;
    const cls: ClassValue = { t: 'class', name: name.v, node, bases: [], attrs: new Map(), id: this.newId(), namedTuple: { fields, defaults } };
    cls.attrs.set('_fields', tuple(fields.map(str)));
    return cls;
  }

  // ---------------------------------------------------------------- library calls

  /** A call of a name (`torch.nn.Conv2d`, `len`) or of a method bound to a receiver: dispatched to the file that knows it. */
  private callBuiltin(name: string, self: Value | undefined, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
    // Receivers first: tensor methods, list methods, module methods.
    if (self) return this.callMethod(name, self, args, kwargs, node, nodes);
    const constant = constantCall(this, name, args, kwargs, node);
    if (constant) return constant;
    // tf.shape(x) / keras.ops.shape(x): the sizes as numbers (the batch unknown), so that
    // `tf.random.normal(shape=(tf.shape(x)[0], dim))` keeps its shape.
    if (SIZE_FUNCTIONS.has(name) && args[0]?.t === 'tensor') return sizesOf(this, name, args[0], node);
    // `tf.math.equal(x.shape[-1], filters)` on plain numbers is a Python comparison (a branch condition).
    if (/^(tensorflow|keras\.ops)\./.test(name)) {
      const comparison = TF_COMPARISONS[name.replace(/^(tensorflow\.math\.|tensorflow\.|keras\.ops\.)/, '')];
      if (comparison && args.length === 2 && args.every((a) => a.t === 'int' || a.t === 'float' || a.t === 'bool')) {
        const r = this.compare(comparison, args[0], args[1]);
        return r === undefined ? UNKNOWN : bool(r);
      }
    }
    const layer = findLayer(name);
    if (layer) {
      if (layer.framework === 'keras') {
        const legacy = kerasLegacyArguments(name, args, kwargs, nodes);
        return constructLayer(this, layer, legacy.args, legacy.kwargs, node, legacy.nodes);
      }
      return constructLayer(this, layer, args, kwargs, node, nodes);
    }
    const merged = kerasMerge(this, name, args, kwargs, node, nodes);
    if (merged) return merged;
    // `tf.constant([[0, 0], [3, 3], [3, 3], [0, 0]])`: the numbers stay with the tensor, for rules
    // that read them (a pad's paddings).
    if (CONSTANT_TENSORS.has(name) && args[0] && isNumberLiteral(args[0])) {
      const converter = findOp(name);
      const t = name in TENSOR_FACTORIES ? makeFactoryTensor(this, name, args, kwargs, node) : converter ? applyOp(this, converter, args, kwargs, node, nodes) : UNKNOWN;
      if (t.t === 'tensor') t.literal = args[0];
      return t;
    }
    if (name === 'einops.pack' || name === 'einops.unpack') return einopsPacking(this, name, args, kwargs, node);
    // `torch.is_tensor(x)`: whether a value is a tensor, where its kind is known.
    if (name === 'torch.is_tensor' && args.length === 1) {
      const kind = args[0].t;
      if (args[0].t === 'tensor') return bool(!args[0].array && args[0].framework === 'torch');
      return kind === 'list' || kind === 'tuple' || kind === 'dict' || kind === 'int' || kind === 'float' || kind === 'bool' || kind === 'none' || kind === 'str' ? bool(false) : UNKNOWN;
    }
    // Factories come before op rules: their tensors mark example calls (`net(torch.randn(...))`).
    if (name in TENSOR_FACTORIES) return makeFactoryTensor(this, name, args, kwargs, node);
    const op = findOp(name);
    // NumPy's functions also take plain numbers and lists (`np.sqrt(2)`, `np.max([a, b])`): only an array makes them an op.
    if (op && (!name.startsWith('numpy.') || args.some((a) => a.t === 'tensor' || ((a.t === 'list' || a.t === 'tuple') && a.items.some((i) => i.t === 'tensor'))))) return applyOp(this, op, args, kwargs, node, nodes);
    if (name in CONTAINERS) return constructContainer(this, CONTAINERS[name], args, kwargs, node);
    if (name === 'keras.Input') return kerasInput(this, args, kwargs, node);
    if (name === 'keras.layers.InputLayer') return kerasInputLayer(this, args, kwargs, node);
    // `Lambda(fn)`: a layer whose call is `fn(tensor)` (library.ts).
    if (name === 'keras.layers.Lambda') return kerasLambda(this, args, kwargs, node);
    if (name === 'keras.Model') return kerasModel(this, args, kwargs, node);
    if (name === 'collections.OrderedDict') return orderedDict(this, args);
    if (name === 'collections.namedtuple') return this.namedTupleClass(args, kwargs, node);
    if ((name === 'copy.copy' || name === 'copy.deepcopy') && args[0]) return copyValue(this, args[0], name === 'copy.deepcopy');
    if (name === 'functools.partial') {
      if (!args[0]) return UNKNOWN;
      return { t: 'partial', fn: args[0], args: args.slice(1), kwargs: new Map(kwargs), argNodes: nodes.argNodes.slice(1), kwNodes: new Map(nodes.kwNodes) };
    }
    if (SUMMARY_CALLS.has(name)) return summaryCall(this, name, args, kwargs);
    // A bare `nn.Module()` holds children (`self.stages.add_module('c0', ...)`, then `.children()`).
    if (name === 'torch.nn.Module' && args.length === 0 && kwargs.size === 0) {
      const cls: ClassValue = { t: 'class', name: 'Module', node, bases: [{ t: 'builtin', name }], attrs: new Map(), id: this.newId() };
      return { t: 'object', cls, attrs: new Map(), node, id: this.newId() };
    }
    if (name in BASE_CLASSES) return UNKNOWN;
    if (name === 'torch.nn.Parameter' || name === 'torch.nn.parameter.Parameter') return nnParameter(this, args, kwargs);
    // The old autograd wrapper is the tensor itself.
    if (name === 'torch.autograd.Variable') return args[0] ?? UNKNOWN;
    // `tf.Variable(tf.zeros((1, 1, 192)))`, `K.variable(np.ones((c,)))`: a weight with its initial value's shape.
    if (name === 'tensorflow.Variable' || name === 'keras.backend.variable') {
      const initial = args[0] ?? kwargs.get('initial_value');
      return initial?.t === 'tensor' ? { ...initial, fromFactory: undefined, array: undefined, elements: undefined, framework: 'keras', id: this.newId() } : UNKNOWN;
    }
    // `keras.activations.get("tanh")`: the activation function that name stands for (None: linear; a function: itself).
    if (name === 'keras.activations.get') {
      const id = args[0] ?? kwargs.get('identifier');
      if (!id || id.t === 'none') return { t: 'builtin', name: 'keras.activations.linear' };
      if (id.t === 'str') return findOp(`keras.activations.${id.v}`) ? { t: 'builtin', name: `keras.activations.${id.v}` } : UNKNOWN;
      return id.t === 'function' || id.t === 'builtin' || id.t === 'partial' ? id : UNKNOWN;
    }
    if (isDatasetLoader(name)) return loadDataset(this, name, kwargs, node);
    const application = findApplication(name);
    if (application) return kerasApplication(this, application, args, kwargs, node, nodes);
    // `keras.applications.resnet50.preprocess_input(x)` scales the values: the same shape.
    if (isApplicationPreprocess(name)) return args[0] ?? kwargs.get('x') ?? UNKNOWN;
    if (isObtainInputShape(name)) return kerasObtainInputShape(args, kwargs);
    if (isCorrectPad(name)) return kerasCorrectPad(this, args, kwargs);
    // `backend, layers, models, utils = get_submodules_from_kwargs(kwargs)`: the modules the caller
    // passed; one it did not pass is the package's global, which we do not know.
    if (isSubmodulesFromKwargs(name)) {
      const given = args[0] ?? kwargs.get('kwargs');
      return tuple(INJECTED_KERAS_SUBMODULES.map(([key]) => (given?.t === 'dict' ? given.entries.get(`s:${key}`)?.value : undefined) ?? UNKNOWN));
    }
    if (isArrayReader(name)) {
      const t = this.makeTensor(null, 'keras', { text: `the array read at ${lineLabel(node)}`, node }, 0);
      t.array = true;
      return t;
    }
    return pythonCall(this, name, args, kwargs, node);
  }

  /** A method of an object of a library modelled by name (tfdata, sklearn, torchdata, stdlib). */
  private libraryObjectMethod(self: ObjectValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    // `Lambda(...).compute_output_shape(input_shape)`: its function run aside on that shape.
    if (self.cls.library === KERAS_LAMBDA) return method === 'compute_output_shape' ? lambdaComputeOutputShape(this, self, args[0] ?? kwargs.get('input_shape') ?? UNKNOWN, node) : UNKNOWN;
    if (self.cls.library === DATASET) return datasetMethod(this, self, method, args, kwargs, node);
    if (isSklearnObject(self)) return sklearnMethod(this, self, method, args, kwargs, node);
    if (isTorchDataObject(self)) return torchDataMethod(this, self, method, args, kwargs, node);
    if (isLightningObject(self)) return lightningMethod(this, self, method, args, kwargs, node);
    return stdlibMethod(this, self, method, args, kwargs, node);
  }

  private callMethod(name: string, self: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
    const method = name.slice(name.lastIndexOf('.') + 1);
    if (self.t === 'tensor') return tensorMethod(this, self, method, args, kwargs, node, nodes);
    if (self.t === 'list' || self.t === 'dict' || self.t === 'str' || self.t === 'tuple') return collectionMethod(this, self, method, args, kwargs);
    if (self.t === 'container') return containerMethod(this, method, self, args, kwargs, node);
    if (self.t === 'object' && self.cls.library) return this.libraryObjectMethod(self, method, args, kwargs, node);
    if (self.t === 'object') {
      // `super().__init__(*args, **kwargs)` of a dict subclass: dict's constructor fills the items.
      if (name === 'super.__init__' && dictItemsOf(self) && !this.libraryBase(self.cls)) {
        this.fillDictItems(self, args, kwargs, node, {});
        return NONE;
      }
      // `super().__init__(...)` reaching a @dataclass or NamedTuple base: its generated __init__ binds the fields.
      const record = name === 'super.__init__' ? this.mro(self.cls).find((c) => isRecordClass(c)) : undefined;
      if (record) {
        this.bindRecordFields(record, self, args, kwargs);
        return NONE;
      }
      // `super().__init__(...)` of a layer subclass builds the layer, placed where the instance is built.
      const layerBase = name === 'super.__init__' ? this.libraryBase(self.cls)?.layer : undefined;
      if (layerBase) {
        self.attrs.set(LAYER_ATTR, constructLayer(this, layerBase, args, kwargs, self.node ?? node, nodes));
        return NONE;
      }
      // `super().forward(x)` of a layer subclass applies the layer it was built as.
      const held = layerOf(self);
      if (held && (name === 'super.forward' || name === 'super.__call__' || (name === 'super.call' && held.def.framework === 'keras'))) return this.applyModule(held, args, kwargs, node);
      // `super().forward(x)` of an nn.Sequential subclass is Sequential.forward: its children in order
      // (never this class's own forward again).
      const children = containerOf(self);
      if (children && name === 'super.forward') return this.applyModule(children, args, kwargs, node);
      // `params._replace(image_size=260)`: a copy with those fields changed.
      const fields = namedTupleFields(self.cls);
      if (fields && method === '_replace' && args.length === 0 && !this.lookupClassAttr(self.cls, '_replace')) {
        if ([...kwargs.keys()].some((k) => !fields.includes(k))) return UNKNOWN;
        const copy: ObjectValue = { ...self, attrs: new Map(self.attrs), id: this.newId() };
        for (const [k, v] of kwargs) copy.attrs.set(k, v);
        return copy;
      }
      return userModuleMethod(this, name, method, self, args, kwargs, node);
    }
    if (self.t === 'functional') {
      if (method === '__call__' || method === 'call') return this.applyModule(self, args, kwargs, node);
      if (method === 'get_layer') return self.application ? applicationGetLayer(this, self, args, kwargs, node) : modelGetLayer(this, self, args, kwargs);
      return UNKNOWN;
    }
    // `self.conv.forward(x)` applies the layer like `self.conv(x)`.
    if (self.t === 'layer' && (method === 'forward' || method === '__call__' || method === 'call')) return this.applyModule(self, args, kwargs, node);
    // `conv.compute_output_shape(input_shape)`: the Keras layer's rule on that shape.
    if (self.t === 'layer' && method === 'compute_output_shape' && self.def.framework === 'keras') return layerComputeOutputShape(self, args[0] ?? kwargs.get('input_shape') ?? UNKNOWN);
    // `conv.apply(init_fn)`: the function called on the layer, which it returns.
    if (self.t === 'layer' && method === 'apply' && self.def.framework === 'torch') return applyToModules(this, self, args[0] ?? UNKNOWN, node);
    // `nn.Conv2d(...).requires_grad_(False)`, `.to(device)`: the layer itself.
    if (self.t === 'layer' && MODULE_METHODS_RETURNING_SELF.has(method)) return self;
    if (name.startsWith('super.')) return NONE; // super().__init__(...) of a library base
    return UNKNOWN;
  }

  // ---------------------------------------------------------------- tensor values

  makeTensor(shape: Shape, framework: Framework, origin: TensorValue['origin'], producer: number): TensorValue {
    return { t: 'tensor', shape, origin, producer, framework, id: this.newId() };
  }

  /** A tensor whose shape is unknown, standing for an expression the interpreter cannot follow. */
  unknownTensor(like: TensorValue, node: SyntaxNode): TensorValue {
    const t = this.makeTensor(null, like.framework, { text: `an expression at ${lineLabel(node)}`, node }, 0);
    if (like.array) t.array = true;
    return t;
  }

  /**
   * Set while a script's example call runs its model (runModelAside): a model the script built on
   * its own and handed to it (`LightningModel(backbone)`) is fed there, which is its example.
   */
  inScriptCall = false;
  /** Models the code wrapped in nn.DataParallel or DistributedDataParallel (the wrapper is the model; its `.module` too). */
  readonly parallelWrapped = new WeakSet<Value>();
  /** Forward passes run for a script's example calls so far (runModelAside): at most MAX_ASIDE_RUNS per file. */
  private asideRuns = 0;

  /**
   * What a script's example call of a PyTorch model returns (`fake = netG(noise)`, then
   * `netD(fake)`): the model's forward run there, recording and reporting nothing (the traced pass
   * of the model does that), on a budget of its own; its tensors are example data in turn. UNKNOWN
   * where the run fails, runs out of steps, or the file has run too many such passes already.
   */
  runModelAside(m: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    if (this.inModelRun || this.asideRuns >= MAX_ASIDE_RUNS) return UNKNOWN;
    this.asideRuns++;
    return this.aside(
      PROBE_BUDGET,
      () => {
        this.inModelRun = true;
        this.inScriptCall = true;
        try {
          return asExampleData(applyModule(this, m, args, kwargs, node), () => this.newId(), 0);
        } finally {
          this.inModelRun = false;
          this.inScriptCall = false;
        }
      },
      UNKNOWN,
    );
  }

  /** Applies a model-like value (layer, container, user module, functional model) to arguments (tensors.ts). */
  applyModule(m: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
    return applyModule(this, m, args, kwargs, node);
  }
}

/** The data-parallel wrappers, whose call is their module's. */
const PARALLEL_WRAPPERS = /^torch\.nn\.(parallel\.)?((data_parallel|distributed)\.)?(DataParallel|DistributedDataParallel)$/;

/** The tensor methods that change their receiver's shape in place. */
const IN_PLACE_RESHAPES = new Set(['resize_', 'resize_as_', 'squeeze_', 'unsqueeze_', 't_', 'transpose_', 'swapdims_', 'swapaxes_', 'as_strided_', 'set_']);

/** Forward passes a file may run for its scripts' example calls (Interpreter.runModelAside). */
const MAX_ASIDE_RUNS = 24;

/**
 * A model's output, as the script that called it sees it: its tensors (in a tuple, list or dict of
 * them, as a VAE returns `[recons, input, mu, log_var]`) copied as example data; anything else as it is.
 */
function asExampleData(v: Value, newId: () => number, depth: number): Value {
  if (v.t === 'tensor') return { ...v, fromFactory: true, id: newId() };
  if (depth > 2) return v;
  if (v.t === 'tuple' || v.t === 'list') return { ...v, items: v.items.map((i) => asExampleData(i, newId, depth + 1)) };
  return v;
}

/** A call's `*args` / `**kwargs` whose contents could not be known. */
export interface HiddenArgs {
  unknownArgs?: boolean;
  unknownKwargs?: boolean;
}

export interface CallNodes extends HiddenArgs {
  argNodes: SyntaxNode[];
  kwNodes: Map<string, SyntaxNode>;
  /** The scope the arguments were evaluated in (for the argument chains of blame and fixes). */
  scope?: Scope;
}

/** Whether two branches' values are certainly the same: equal numbers, strings and flags, tensors of one shape (each size equal or unknown in both), the same object. */
function sameBranchValue(a: Value, b: Value): boolean {
  if (a.t === 'unknown' || b.t === 'unknown') return false;
  if (a.t === 'tensor' && b.t === 'tensor') {
    if (a.shape === null || b.shape === null || a.shape.length !== b.shape.length || a.framework !== b.framework) return false;
    const bs = b.shape;
    return a.shape.every((d, i) => (d === null && bs[i] === null) || (d !== null && bs[i] !== null && equalDims(d, bs[i]!) === true));
  }
  if (a.t === 'int' && b.t === 'int') return equalDims(a.v, b.v) === true;
  if ((a.t === 'str' || a.t === 'bool' || a.t === 'float') && a.t === b.t) return a.v === (b as typeof a).v;
  if (a.t === 'none' && b.t === 'none') return true;
  // `torch.cuda.FloatTensor if cuda else torch.FloatTensor`: one library name once normalised.
  if (a.t === 'builtin' && b.t === 'builtin' && !a.self && !b.self && !a.record && !b.record) return normaliseName(a.name) === normaliseName(b.name);
  if ((a.t === 'tuple' || a.t === 'list') && a.t === b.t) return a.items.length === (b as typeof a).items.length && a.items.every((x, i) => sameBranchValue(x, (b as typeof a).items[i]));
  return a === b;
}

function isModelValue(v: Value): boolean {
  return v.t === 'object' || v.t === 'container' || v.t === 'functional' || v.t === 'layer';
}

/** A Keras model's `output_shape` / `input_shape`: a tuple of sizes (None where unknown), a list of them for several tensors; UNKNOWN where a shape is. */
function kerasShapes(v: Value): Value {
  if (v.t === 'tensor') return v.shape === null ? UNKNOWN : tuple(v.shape.map((d) => (d === null ? NONE : int(d))));
  if (v.t === 'list' || v.t === 'tuple') {
    const items = v.items.map(kerasShapes);
    return items.some((i) => i.t === 'unknown') ? UNKNOWN : list(items);
  }
  return UNKNOWN;
}

/** The calls that set Keras's image layout (Keras 1's spelling takes 'th' or 'tf'). */
const IMAGE_FORMAT_SETTERS = new Set(['keras.backend.set_image_data_format', 'keras.config.set_image_data_format', 'keras.backend.set_image_dim_ordering']);

/** The layout a setter's argument names; null for one we cannot read. */
function imageDataFormat(setter: string, v: Value | undefined): 'channels_last' | 'channels_first' | null {
  if (v?.t !== 'str') return null;
  const legacy: Record<string, 'channels_last' | 'channels_first'> = { tf: 'channels_last', th: 'channels_first' };
  if (setter.endsWith('dim_ordering')) return legacy[v.v] ?? null;
  return v.v === 'channels_last' || v.v === 'channels_first' ? v.v : null;
}

/** Functions that answer a tensor's sizes as numbers (`K.int_shape(x)`), answered by the interpreter. */
const SIZE_FUNCTIONS = new Set(['tensorflow.shape', 'keras.ops.shape', 'keras.backend.shape', 'keras.backend.int_shape']);

/** TensorFlow's and keras.ops' comparison functions, as Python operators. */
const TF_COMPARISONS: Record<string, string> = { equal: '==', not_equal: '!=', less: '<', less_equal: '<=', greater: '>', greater_equal: '>=' };

/** Values compared by identity; two of them of different kinds are never equal. */
const IDENTITY_KINDS = new Set<Value['t']>(['class', 'layer', 'builtin', 'module', 'function']);

/** A function whose body makes example data (a tensor factory or a summary call). */
const EXAMPLE_DATA = /\b(?:randn|rand|randint|zeros|ones|empty|summary|Tensor|FloatTensor)\s*\(/;

/** A function every parameter of which has a default or is `*args` / `**kwargs` (typed or not). */
export function needsNoArguments(f: FunctionValue): boolean {
  const params = f.node.childForFieldName('parameters');
  const splat = (p: SyntaxNode) => p.namedChildren[0]?.type === 'list_splat_pattern' || p.namedChildren[0]?.type === 'dictionary_splat_pattern';
  return !params || params.namedChildren.every((p) => (p.type !== 'identifier' && p.type !== 'typed_parameter') || (p.type === 'typed_parameter' && splat(p)));
}

/** Values whose equality Python decides by kind and content alone (no user `__eq__`). */
const PLAIN_KINDS = new Set<Value['t']>(['int', 'float', 'bool', 'str', 'none', 'tuple', 'list', 'dict', 'slice', 'ellipsis']);

/** Methods that change their receiver; a call under an unknown condition makes the receiver unknown. */
const MUTATING_METHODS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'clear', 'update', 'setdefault', 'add_module', 'register_module', 'register_buffer', 'register_parameter', 'add', 'reverse', 'sort']);

/**
 * Whether a block only binds plain names (`a = ...`, `a, b = ...`), in statements that are such
 * assignments, `pass` or `if`s of them, and adds those names to `names`: what joinBranches can run aside.
 */
function onlyBindsNames(block: SyntaxNode, names: Set<string>, mutated: Set<string>): boolean {
  for (const stmt of block.namedChildren) {
    if (stmt.type === 'comment' || stmt.type === 'pass_statement') continue;
    if (stmt.type === 'if_statement') {
      const bodies = [stmt.childForFieldName('consequence'), ...stmt.childrenForFieldName('alternative').map((a) => a.childForFieldName(a.type === 'elif_clause' ? 'consequence' : 'body'))];
      if (!bodies.every((b) => b && onlyBindsNames(b, names, mutated))) return false;
      continue;
    }
    // `import keras`, `from tensorflow import keras`: names bound to modules.
    if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement') {
      if (stmt.namedChildren.some((c) => c.type === 'wildcard_import')) return false;
      const imported = stmt.type === 'import_statement' ? stmt.namedChildren : stmt.childrenForFieldName('name');
      for (const c of imported) {
        if (c.type === 'aliased_import') names.add(c.childForFieldName('alias')?.text ?? '');
        else if (c.type === 'dotted_name') names.add(stmt.type === 'import_statement' ? c.text.split('.')[0] : c.text);
      }
      continue;
    }
    if (stmt.type !== 'expression_statement' || stmt.namedChildren.length !== 1) return false;
    const a = stmt.namedChildren[0];
    if (['named_expression', 'lambda', 'yield', 'await'].some((k) => a.descendantsOfType(k).length)) return false;
    // `kwargs.update(...)` on a name (a dict, checked when the branches run).
    if (a.type === 'call') {
      const f = a.childForFieldName('function');
      const object = f?.type === 'attribute' ? f.childForFieldName('object') : null;
      if (object?.type !== 'identifier' || f?.childForFieldName('attribute')?.text !== 'update') return false;
      mutated.add(object.text);
      continue;
    }
    if (a.type !== 'assignment') return false;
    const right = a.childForFieldName('right');
    if (!right || right.type === 'assignment') return false;
    const left = a.childForFieldName('left');
    // `cfg['lr'] = 0.1` on a name (a dict, checked when the branches run).
    if (left?.type === 'subscript' && left.childForFieldName('value')?.type === 'identifier') {
      mutated.add(left.childForFieldName('value')!.text);
      continue;
    }
    const targets = left?.type === 'identifier' ? [left] : left && ['pattern_list', 'tuple_pattern', 'list_pattern'].includes(left.type) ? left.namedChildren : null;
    if (!targets?.length || !targets.every((t) => t.type === 'identifier')) return false;
    for (const t of targets) names.add(t.text);
  }
  return true;
}

/** A block that only raises (`raise ValueError(...)`, after comments). */
function onlyRaises(block: SyntaxNode): boolean {
  const stmts = block.namedChildren.filter((c) => c.type !== 'comment');
  return stmts.length === 1 && stmts[0].type === 'raise_statement';
}

/** A library function or method that changes no value another path could see (not `append`, not `add_`, not a layer's constructor). */
function changesNothing(fn: Value): boolean {
  // A data-parallel wrapper is its model (`if torch.cuda.device_count() > 1: model = nn.DataParallel(model)`).
  if (fn.t === 'module' && PARALLEL_WRAPPERS.test(fn.name)) return true;
  if (fn.t !== 'builtin' || fn.record) return false;
  const method = fn.name.slice(fn.name.lastIndexOf('.') + 1);
  if (MUTATING_METHODS.has(method) || (method.endsWith('_') && !method.endsWith('__')) || findLayer(fn.name)) return false;
  return !['builtins.setattr', 'builtins.delattr', 'builtins.exec', 'builtins.eval', 'builtins.globals', 'builtins.vars', 'builtins.print', 'builtins.next'].includes(fn.name);
}

/** An attribute of an object of a library modelled by name (tfdata, sklearn, torchdata, stdlib). */
function libraryObjectAttr(obj: ObjectValue, name: string): Value {
  if (obj.cls.library === KERAS_LAMBDA && name === 'compute_output_shape') return { t: 'builtin', name: `Lambda.${name}`, self: obj };
  if (obj.cls.library === DATASET) return datasetAttr(obj, name);
  if (isLightningObject(obj)) return lightningAttr(obj, name);
  if (isSklearnObject(obj)) return sklearnAttr(obj, name);
  if (isTorchDataObject(obj)) return torchDataAttr(obj, name);
  return stdlibAttr(obj, name);
}

/** Two values a name may hold after different paths, equal for what the engine reads: numbers, strings, the same object, tensors of one shape. */
function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'int':
      return isKnown(a.v) && isKnown((b as typeof a).v) ? a.v === (b as typeof a).v : equalDims(a.v, (b as typeof a).v) === true;
    case 'float':
    case 'bool':
    case 'str':
      return a.v === (b as typeof a).v;
    case 'none':
      return true;
    case 'tuple': {
      const items = (b as typeof a).items;
      return a.items.length === items.length && a.items.every((x, i) => sameValue(x, items[i]));
    }
    case 'module':
      // `import keras` on one path, `from tensorflow import keras` on another: one module by name.
      return a.name === (b as ModuleValue).name && a.source === (b as ModuleValue).source;
    case 'tensor': {
      const t = b as TensorValue;
      // A Keras tensor's graph is walked through the records of its producers, which a branch run aside does not keep.
      if (a.framework === 'keras' || a.framework !== t.framework || !!a.array !== !!t.array || a.parameter !== t.parameter || !!a.kerasInput !== !!t.kerasInput) return false;
      if (a.literal || t.literal || a.elements || t.elements || !a.shape || !t.shape || a.shape.length !== t.shape.length) return false;
      return a.shape.every((d, i) => equalDims(d, t.shape![i]) === true);
    }
    default:
      return false;
  }
}

/** A class whose `__init__` Python writes from its annotated fields: `@dataclass`, `NamedTuple`. */
function isRecordClass(cls: ClassValue): boolean {
  if (namedTupleFields(cls)) return true;
  const decorated = cls.node.parent?.type === 'decorated_definition' ? cls.node.parent : null;
  if (decorated?.namedChildren.some((d) => d.type === 'decorator' && /\bdataclass\b/.test(d.text))) return true;
  return cls.bases.some((b) => (b.t === 'module' || b.t === 'builtin') && /(^|\.)NamedTuple$/.test(b.name));
}

/** A function's decorators as written, without spaces (`@staticmethod`, `@property`). */
function decoratorsOf(m: FunctionValue): string[] {
  return m.node.parent?.type === 'decorated_definition' ? m.node.parent.namedChildren.filter((c) => c.type === 'decorator').map((d) => d.text.replace(/\s/g, '')) : [];
}

/** `items[i]` (negative from the end) or `items[a:b:c]` (the picked items); unknown otherwise. */
/** The `*x` at the far left of an attribute, subscript or call chain (`*x.shape`, `*x.size()`), where the star belongs to the whole chain. */
function leftmostSplat(n: SyntaxNode): SyntaxNode | null {
  let at: SyntaxNode | null = n;
  while (at && (at.type === 'attribute' || at.type === 'subscript' || at.type === 'call')) {
    at = at.childForFieldName(at.type === 'attribute' ? 'object' : at.type === 'subscript' ? 'value' : 'function');
  }
  return at !== n && at?.type === 'list_splat' ? at : null;
}

function indexItems(items: Value[], idx: Value): Value | Value[] {
  if (idx.t === 'int' && isKnown(idx.v)) return items[idx.v < 0 ? idx.v + items.length : idx.v] ?? UNKNOWN;
  if (idx.t !== 'slice') return UNKNOWN;
  const r = sliceRange(idx, items.length);
  if (!r) return UNKNOWN;
  const picked: Value[] = [];
  for (let i = r.start; r.step > 0 ? i < r.stop : i > r.stop; i += r.step) picked.push(items[i]);
  return picked;
}

/** Layer attributes whose assignment changes nothing about shapes (`relu.inplace = True` aside, which is an argument). */

/**
 * Attributes that PyTorch's layers read at every call (`features[0].padding = (100, 100)`,
 * `pool.ceil_mode = True`): assigning one changes the layer's later applications, as an argument
 * would. A convolution's `kernel_size` and channel counts are fixed in its weights, so changing one
 * (or the weights) makes the layer opaque: its output is unknown, never the old one.
 */
const CALL_TIME_ARGS: ReadonlySet<string> = new Set(['stride', 'padding', 'dilation', 'ceil_mode', 'output_size', 'scale_factor', 'size', 'mode', 'align_corners', 'p', 'inplace', 'start_dim', 'end_dim', 'negative_slope', 'dim', 'return_indices', 'count_include_pad', 'divisor_override', 'padding_mode', 'output_padding']);

function setLayerAttr(layer: LayerValue, name: string, value: Value): void {
  if (IGNORED_LAYER_ATTRS.has(name)) return;
  // A parameter given a tensor of its own shape (`dec.weight = enc.weight`, tied weights;
  // `m.weight = nn.init.kaiming_normal(m.weight)`) computes as before.
  if (value.t === 'tensor' && sameParameterShape(layer, name, value.shape)) return;
  const readAtCall = CALL_TIME_ARGS.has(name) || (name === 'kernel_size' && /Pool/.test(layer.def.kind));
  if (layer.def.framework === 'torch' && readAtCall && layer.bound.values.has(name)) {
    layer.bound.values.set(name, toArg(value));
    layer.argNodes.delete(name);
    layer.argChains?.delete(name);
    return;
  }
  layer.opaque = true;
}

/** Whether a layer's parameter `name` has a known shape that is exactly `shape`. */
function sameParameterShape(layer: LayerValue, name: string, shape: Shape): boolean {
  if (layer.opaque || layer.def.framework !== 'torch' || !layer.def.attributes || layer.bound.problems.length > 0 || shape === null) return false;
  const attributes = layer.def.attributes(new ArgContext({ framework: 'torch', kind: layer.def.kind, bound: layer.bound }));
  const parameter = Object.hasOwn(attributes.parameters, name) ? attributes.parameters[name] : undefined;
  if (!Array.isArray(parameter) || parameter.length !== shape.length) return false;
  return parameter.every((d, i) => d !== null && shape[i] !== null && equalDims(d, shape[i]!) === true);
}


/** The sizes a layer keeps as it was given them (plain ints), readable on a subclass instance. */
/** A Keras layer's window arguments, kept as one entry per spatial axis. */
const KERAS_WINDOW_ATTRIBUTES = new Set(['kernel_size', 'strides', 'pool_size', 'dilation_rate', 'size']);
const LAYER_SIZE_ATTRIBUTES = new Set(['in_channels', 'out_channels', 'in_features', 'out_features', 'num_features', 'groups', 'embedding_dim', 'num_embeddings', 'hidden_size', 'input_size']);

/** Attributes of nn.Module and its containers, found before a child of the same name (nn.Module.__getattr__ is the fallback). */
const CONTAINER_ATTRIBUTES = new Set([
  ...MODULE_METHODS_RETURNING_SELF, 'forward', 'append', 'extend', 'insert', 'pop', 'add_module', 'register_module', 'register_buffer', 'register_parameter',
  'children', 'named_children', 'modules', 'named_modules', 'parameters', 'named_parameters', 'buffers', 'named_buffers', 'state_dict', 'load_state_dict',
  'zero_grad', 'training', 'keys', 'values', 'items', 'update', 'get_submodule', 'extra_repr', 'build', 'add', 'summary', 'layers', 'get_layer',
]);

/** An int that CPython keeps a single object for (-5 to 256), so that `is` compares its value. */
function isCachedInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= -5 && v <= 256;
}

/** Exceptions whose handler catches a failed import: ImportError, its subclass, and their bases. */
const IMPORT_ERROR_CATCHERS = new Set(['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException']);

/** Whether an `except` clause catches an ImportError (a bare `except:` does). */
function catchesImportError(clause: SyntaxNode): boolean {
  const caught = clause.namedChildren.slice(0, -1);
  if (caught.length === 0) return true;
  const names: string[] = [];
  const visit = (n: SyntaxNode) => {
    if (n.type === 'as_pattern_target') return;
    if (n.type === 'identifier' || n.type === 'attribute') names.push(n.text.slice(n.text.lastIndexOf('.') + 1));
    else for (const c of n.namedChildren) visit(c);
  };
  caught.forEach(visit);
  return names.some((n) => IMPORT_ERROR_CATCHERS.has(n));
}

/** The fields of a namedtuple class, or of the namedtuple a class derives from. */
function namedTupleFields(cls: ClassValue, depth = 0): string[] | undefined {
  if (cls.namedTuple) return cls.namedTuple.fields;
  if (depth > 20) return undefined;
  for (const b of cls.bases) {
    const f = b.t === 'class' ? namedTupleFields(b, depth + 1) : undefined;
    if (f) return f;
  }
  return undefined;
}

/** Bases that make a class a dict: its instances keep items (`class AttrDict(dict)`). */
const DICT_BASES: ReadonlySet<string> = new Set(['builtins.dict', 'collections.OrderedDict']);

/** dict's methods, read on an instance of a dict subclass that does not define them. */
const DICT_METHODS: ReadonlySet<string> = new Set(['get', 'items', 'keys', 'values', 'update', 'setdefault', 'pop', 'copy', 'clear']);
