// Entry point of the core: Python text in, models with shapes and diagnostics out.
//
// It runs the module in the abstract interpreter, finds the models (nn.Module subclasses,
// module-level Sequentials, Keras Sequential / functional / subclassed models and the functions
// that build them), decides each model's input (comment, example call, flag, or symbolic, solved
// back from a later Linear where it can), traces one forward pass per model, and turns the trace
// into the plain result types. Pure: no I/O, and it never throws on user code.

import { addCounts, Count, countOfTerms } from '../shapes/count';
import { EMPTY_COSTS, modelCosts } from './costs';
import { Dim, equalDims, evaluateDim, Expr, product, sym, uniformSolutions } from '../shapes/dim';
import { formatShape } from '../shapes/shape';
import { Framework, Output, Shape, TupleOut } from '../shapes/types';
import { parseSyntax, rangeOf, SyntaxNode, Tree } from '../syntax/parse';
import { moduleAssignments } from '../syntax/queries';
import { BudgetExceeded, Interpreter, MODEL_TRACE_BUDGET, needsNoArguments } from '../python/interpreter';
import { annotatedInputs } from '../python/jaxtyping';
import { lazyOrigin } from '../python/tensors';
import { RawDiagnostic, TraceRecord } from '../python/trace';
import { ClassValue, CONTAINER_ATTR, FunctionValue, KERAS_WEIGHTS_ATTR, LAYER_ATTR, LayerValue, ObjectValue, TensorValue, Value } from '../python/values';
import { ArgContext, BoundArgs, inferWithUnknownFlags } from '../shapes/context';
import type { ArgValue } from '../shapes/types';
import { INJECTED_KERAS_SUBMODULES } from '../model/keras-applications';
import { commentsAbove, parseShapeList, preferredSize, SPATIAL_SYMBOLS, symbolicInput } from '../model/inputs';
import { importedInstance, WorkspaceDiscovery } from '../workspace/discovery';
import { WorkspaceLoader } from '../workspace/loader';
import { workspaceFromTexts } from '../workspace/files';
import { argumentChain, blamedPoint, LiteralUses } from './blame';
import { writeFix } from './fixes';
import { PartProofUnsure, proveFixes, type PartContext } from './prove';
import type { AnalysisResult, AnalyzeOptions, BlockRecord, InputSource, LayerRecord, ModelResult, RelatedInfo, ShapeDiagnostic, TensorNote } from './result';

export function analyze(text: string, options: AnalyzeOptions = {}): AnalysisResult {
  return analyzeTree(parseSyntax(text), text, options);
}

export function analyzeTree(tree: Tree, text: string, options: AnalyzeOptions = {}): AnalysisResult {
  return analyzeTreeCounting(tree, text, options).result;
}

/**
 * A text with one edit, analysed quickly (`proveFixes: false`) as analyze() would analyse it: how a
 * proof analyses each candidate fix. The language server's goes by parts (parts.ts), re-analysing
 * only the part the fix changes.
 */
export type Reanalysis = (edited: string, isCancelled?: () => boolean) => AnalysisResult;

/** analyzeTree, its fixes proven with `reanalyse` analysing each candidate (where it gives what analyze() gives, the same result). */
export function analyzeTreeWithReanalysis(tree: Tree, text: string, options: AnalyzeOptions, reanalyse: Reanalysis): AnalysisResult {
  return analyzeTreeCounting(tree, text, options, undefined, reanalyse).result;
}

/** The steps an analysis took: in all, in running the module, and how many uncalled functions it probed (analysis/parts.ts). */
export interface AnalysisSteps {
  total: number;
  module: number;
  probes: number;
  /** Whether running the module or finding the models (building them) recorded layers or tensor notes: a Keras model's span of the trace may take in those of other statements. */
  moduleTraced: boolean;
  /** What a proof of another part's diagnostics needs to know of this one (parts.ts, prove.ts PartContext): its trace's length, its module-level integers, whether it applied a Keras Dense to a feature map. */
  records: number;
  moduleInts: Map<string, number>;
  denseOnMap: boolean;
}

/** analyzeTree, with the steps it took (undefined when it failed). */
export function analyzeTreeCounting(tree: Tree, text: string, options: AnalyzeOptions = {}, firstId?: number, reanalyse?: Reanalysis): { result: AnalysisResult; steps?: AnalysisSteps } {
  try {
    // A bracket left open while typing swallows the rest of the file; analyse it without that line.
    const repaired = tree.rootNode.hasError ? withoutUnclosedStatements(text) : null;
    const analysis = new Analysis(repaired === null ? tree : parseSyntax(repaired, undefined, { isCancelled: options.isCancelled }), text, repaired === null ? options : { ...options, proveFixes: false }, firstId, reanalyse);
    const result = analysis.run();
    // A quick result keeps the rest of its analysis, for proveLater (a repaired text is never proven).
    if (repaired === null && options.proveFixes === false && result.diagnostics.length > 0) pendingProofs.set(result, (isCancelled, part) => analysis.proven(result.models, isCancelled, part));
    return { result, steps: analysis.steps };
  } catch {
    // Analysis never throws on user code; an internal failure leaves the file unanalysed.
    return { result: { models: [], diagnostics: [] } };
  }
}

/** The rest of the analysis behind each quick result that has diagnostics (proveFixes: false): its proofs. */
const pendingProofs = new WeakMap<AnalysisResult, (isCancelled?: () => boolean, part?: PartOfFile) => AnalysisResult>();

/** A part's proof (parts.ts): what the whole file's analysis would prove with, beside the part's own state. */
export interface PartOfFile extends Omit<PartContext, 'moduleScope'> {
  /** The whole file's models (the proof weighs how a fix disturbs each), and its analysis of an edited text. */
  models: ModelResult[];
  reanalyse: Reanalysis;
}

/**
 * For a result of analyzeTree with `proveFixes: false`, the result the same analysis with its fixes
 * proven gives (analyzeTree of the same tree, text and options without `proveFixes: false`), made
 * from the state the quick analysis left instead of interpreting the file again; undefined when
 * none is kept (the result has no diagnostics, came from a repaired text, or was proven already):
 * then analyse again. Made once: the state is released with it.
 */
export function proveLater(quick: AnalysisResult, isCancelled?: () => boolean): AnalysisResult | undefined {
  const prove = pendingProofs.get(quick);
  if (!prove) return undefined;
  pendingProofs.delete(quick);
  try {
    return prove(isCancelled);
  } catch {
    return { models: [], diagnostics: [] };
  }
}

/**
 * For a part's quick result (parts.ts: analysed with `proveFixes: false`, with the whole text), its
 * diagnostics proven as the whole file's proof proves them, from the state the part's analysis
 * kept: the part's models and its proven diagnostics. Undefined where no state is kept, or where the
 * answer could hang on the rest of the file (PartProofUnsure): then prove the whole file. Made
 * once: the state is released with it.
 */
export function provePartLater(quick: AnalysisResult, part: PartOfFile, isCancelled?: () => boolean): AnalysisResult | undefined {
  const prove = pendingProofs.get(quick);
  if (!prove) return undefined;
  pendingProofs.delete(quick);
  try {
    return prove(isCancelled, part);
  } catch (error) {
    return error instanceof PartProofUnsure ? undefined : { models: [], diagnostics: [] };
  }
}

interface Candidate {
  name: string;
  framework: Framework;
  /** The node that names the model (class name, variable, function name). */
  nameNode: SyntaxNode;
  /** The line its comments sit above. */
  anchorLine: number;
  /** The whole definition (class, function, or assignment statement). */
  extentNode: SyntaxNode;
  value: Value;
  cls?: ClassValue;
}

/** The last text split into lines, and its lines: the parts of one file (parts.ts) share them. */
let lastLines: { text: string; lines: readonly string[] } | undefined;

/** The lines of a text (never changed by their readers). */
function linesOf(text: string): string[] {
  if (lastLines?.text !== text) lastLines = { text, lines: text.split(/\r?\n/) };
  return lastLines.lines as string[];
}

/** The workspace of a file analysed alone: no other file, only the libraries the engine carries (their trees cached across analyses). */
const NO_WORKSPACE = workspaceFromTexts({}, { roots: [] });

/** At most so many plain classes holding Keras models are built on unknown arguments (each costs a constructor run). */
const MAX_MODEL_HOLDER_RUNS = 16;

class Analysis {
  private readonly interp: Interpreter;
  private readonly lines: string[];
  private assignments: Map<string, SyntaxNode> | undefined;
  /** Finds the files of imports: the workspace's, or (a file analysed alone) only the torchvision table's. */
  private readonly loader: WorkspaceLoader;
  /** In a workspace: the scripts that build this file's models, and the classes other files use as blocks. */
  private readonly discovery: WorkspaceDiscovery | undefined;

  constructor(
    private readonly tree: Tree,
    private readonly text: string,
    private readonly options: AnalyzeOptions,
    firstId?: number,
    private readonly reanalysis?: Reanalysis,
  ) {
    const workspace = options.workspace;
    // A file analysed alone still reads the libraries the engine carries (the torchvision table).
    this.loader = new WorkspaceLoader(workspace ?? NO_WORKSPACE, withoutUnclosedStatements);
    const file = workspace && options.path ? this.loader.fileFor(options.path, text) : undefined;
    this.lines = linesOf(text);
    this.interp = new Interpreter(tree.rootNode, { loader: this.loader, file, firstId, isCancelled: options.isCancelled, kerasInputFor: (call, enclosing) => this.givenKerasInput(call, enclosing) });
    if (workspace) this.discovery = new WorkspaceDiscovery(this.interp, this.loader, workspace, options.path);
  }

  /** Which Input (by call) took which position of each comment's or the flag's list of shapes. */
  private readonly givenInputOrder = new Map<string, number[]>();

  /**
   * A `# input:` comment above the statement of a `keras.Input` call, above the function that
   * builds the model, or above the module-level statement that calls it; else `--input`. Several
   * shapes go to the Inputs they cover in the order those are first built.
   */
  private givenKerasInput(call: SyntaxNode, enclosing: SyntaxNode[]): { shape: Dim[]; source: 'comment' | 'flag' } | undefined {
    const pick = (key: string, shapes: Shape[]): Dim[] | undefined => {
      const order = this.givenInputOrder.get(key) ?? [];
      if (!order.includes(call.startIndex)) order.push(call.startIndex);
      this.givenInputOrder.set(key, order);
      return shapes[order.indexOf(call.startIndex)] ?? undefined;
    };
    for (const stmt of enclosing) {
      // The comments of the statement's own file: an Input built by a function of another file.
      const comment = commentsAbove(this.linesOf(stmt), this.defLine(stmt)).input;
      if (comment) {
        const shape = pick(`comment:${stmt.file ?? ''}:${comment.line}`, comment.shapes);
        return shape ? { shape, source: 'comment' } : undefined;
      }
    }
    const flag = this.options.input ? parseShapeList(this.options.input) : null;
    const shape = flag ? pick('flag', flag) : undefined;
    return shape ? { shape, source: 'flag' } : undefined;
  }

  /** The steps the run took (set when it ends). */
  steps: AnalysisSteps | undefined;

  run(): AnalysisResult {
    this.interp.runModule();
    const moduleSteps = this.interp.stepsTaken;
    const probes = this.interp.probeUncalledFunctions();
    const candidates = this.findModels();
    const moduleTraced = this.interp.trace.records.length > 0 || this.interp.trace.notes.length > 0;
    const models: ModelResult[] = [];
    // A Keras Sequential with no input of its own may be built by its first call inside another
    // model's pass (an augmentation block a subclassed model calls): it is traced after the others.
    const waits = (c: Candidate) => c.value.t === 'container' && c.value.kind === 'KerasSequential' && c.value.kerasInput === undefined && !this.interp.examples.has(c.value.id);
    for (const c of [...candidates.filter((c) => !waits(c)), ...candidates.filter(waits)]) {
      const m = this.analyseModel(c);
      if (m) models.push(m);
    }
    models.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '') || a.range.line - b.range.line);
    const records = this.interp.trace.records;
    const moduleInts = new Map<string, number>();
    for (const [name, v] of this.interp.moduleScope.vars) if (v.t === 'int' && typeof v.v === 'number') moduleInts.set(name, v.v);
    const denseOnMap = records.some((x) => x.framework === 'keras' && x.layer?.def.kind === 'Dense' && x.inputs[0]?.shape?.length === 4 && x.layer.node.file === undefined && this.reported(x.layer.node));
    this.steps = { total: this.interp.stepsTaken, module: moduleSteps, probes, moduleTraced, records: records.length, moduleInts, denseOnMap };
    return this.result(models, this.options.proveFixes !== false, this.options.isCancelled);
  }

  /** The result of a run made with `proveFixes: false`, its fixes proven now (proveLater): what a run with proofs gives. */
  proven(models: ModelResult[], isCancelled: (() => boolean) | undefined, part?: PartOfFile): AnalysisResult {
    return this.result(models, true, isCancelled, part);
  }

  /** The result from the models and the trace's diagnostics, with the fixes proven or offered as candidates. */
  private result(models: ModelResult[], prove: boolean, isCancelled: (() => boolean) | undefined, part?: PartOfFile): AnalysisResult {
    const raw = this.interp.trace.diagnostics;
    const converted = raw.map((d) => this.toDiagnostic(d));
    const diagnostics = !prove
      ? converted.filter((d): d is ShapeDiagnostic => d !== undefined)
      : proveFixes({
          text: this.text,
          raw,
          diagnostics: converted,
          models: part?.models ?? models,
          records: this.interp.trace.records,
          inText: (n) => n.file === undefined && this.reported(n),
          reanalyse: (edited) => {
            const again = part?.reanalyse ?? this.reanalysis;
            return again ? again(edited, isCancelled) : analyze(edited, { ...this.options, isCancelled, proveFixes: false });
          },
          isCancelled,
          ...(part ? { part: { ...part, moduleScope: this.interp.moduleScope } } : {}),
        });
    const proven = !prove ? { fixesProven: false as const } : {};
    if (!this.options.workspace) return { models, diagnostics, ...proven };
    return { models, diagnostics, files: [...this.loader.filesRead].filter((f) => f !== this.options.path), ...proven };
  }

  // ---------------------------------------------------------------- discovery

  private findModels(): Candidate[] {
    const interp = this.interp;
    const out: Candidate[] = [];
    const blockClassIds = new Set<number>();
    const taken = new Set<number>();

    // Module-level Sequentials and functional models, named by their variable.
    // Each model a module-level name held, also when the name is bound again later.
    const varCandidates: Candidate[] = [];
    for (const { name, node: assign, value: v } of interp.moduleModels) {
      varCandidates.push({ name, framework: v.t === 'container' && v.kind === 'Sequential' ? 'torch' : 'keras', nameNode: assign, anchorLine: statementOf(assign).startPosition.row, extentNode: statementOf(assign), value: v });
    }

    // Functions that build and return a model: Keras (`def build_model(): ... return keras.Model(...)`),
    // or a PyTorch Sequential from a function that nothing else in the file calls (else it is a helper).
    const builders: Candidate[] = [];
    const builderFunctions = this.builderFunctions();
    // Those that need arguments run last: one that a builder found as a model calls is its body.
    const needsArguments = (f: FunctionValue) => !this.allParamsHaveDefaults(f) && !commentsAbove(this.lines, this.defLine(f.node)).model;
    const ordered = [...interp.functions].filter(([name]) => builderFunctions.has(name));
    ordered.sort((a, b) => Number(needsArguments(a[1])) - Number(needsArguments(b[1])));
    for (const [name, f] of ordered) {
      // `# model: build_model((28, 28, 1), num_classes=10)` above a builder gives its arguments.
      const modelComment = commentsAbove(this.lines, this.defLine(f.node)).model;
      // A Keras builder with required arguments that nothing calls (`def mini_XCEPTION(input_shape,
      // num_classes)`) is still a model of the file: it runs on unknown arguments, its Input of
      // unknown shape taking the rank of its first layer, symbolic (a `# input:` above it sets it).
      const unknownArgs = !modelComment && !this.allParamsHaveDefaults(f) ? requiredArguments(f) : undefined;
      if (!modelComment && !this.allParamsHaveDefaults(f) && (!unknownArgs || interp.wasCalled(f))) continue;
      // The generic builder that the file's models call with their own arguments (`ResNet(stack_fn,
      // preact, ...)` behind `def ResNet50(...)`) is their body, not one more model.
      if (unknownArgs && builders.some((b) => callsByName(b.extentNode.text, name))) continue;
      // A builder the script calls itself (`NonLocalResNet18((128, 160, 3))` in its main) is built
      // there with the arguments it chose; built again on its defaults alone, a contradiction found
      // only there is none of the code's (a default input too small for the network): that run is dropped.
      const called = !modelComment && interp.wasCalled(f);
      const marks = { records: interp.trace.records.length, diagnostics: interp.trace.diagnostics.length, notes: interp.trace.notes.length };
      const settings = { format: interp.kerasImageDataFormat, epsilon: interp.kerasEpsilon };
      const run = () => {
        if (!unknownArgs) return interp.callFunction(f, [], new Map(), f.node);
        interp.symbolicKerasInputs = true;
        try {
          return interp.callFunction(f, unknownArgs.args, unknownArgs.kwargs, f.node);
        } finally {
          interp.symbolicKerasInputs = false;
        }
      };
      let v = this.safely(() => (modelComment ? this.evalSnippet(modelComment.expr) : run()));
      if (called && interp.trace.diagnostics.length > marks.diagnostics) {
        this.truncate(marks);
        continue;
      }
      // A keras_applications-style builder (`def ResNet50(include_top=True, ..., **kwargs)` that reads
      // `backend, layers, models, utils = get_submodules_from_kwargs(kwargs)`) is only ever called by a
      // wrapper that passes Keras's modules under those names: run on its own it has none, so it runs
      // again as that wrapper calls it, with an unknown caller's input (an Input of unknown shape
      // takes a symbolic one). The first run's trace is dropped when the second one builds the model.
      if (!modelComment && !called && !this.buildsKerasModel(v) && takesKeywordSplat(f)) {
        const retryMarks = { records: interp.trace.records.length, diagnostics: interp.trace.diagnostics.length, notes: interp.trace.notes.length };
        // Keras's settings as they were: the first run, on no modules, could not tell whether it changed them.
        const after = { format: interp.kerasImageDataFormat, epsilon: interp.kerasEpsilon };
        interp.kerasImageDataFormat = settings.format;
        interp.kerasEpsilon = settings.epsilon;
        const injected = new Map<string, Value>(unknownArgs?.kwargs ?? []);
        for (const [key, module] of INJECTED_KERAS_SUBMODULES) injected.set(key, { t: 'module', name: module });
        const retried = this.safely(() => {
          interp.symbolicKerasInputs = true;
          try {
            return interp.callFunction(f, unknownArgs?.args ?? [], injected, f.node);
          } finally {
            interp.symbolicKerasInputs = false;
          }
        });
        if (this.buildsKerasModel(retried)) {
          const trace = interp.trace;
          trace.records.splice(marks.records, retryMarks.records - marks.records);
          trace.diagnostics.splice(marks.diagnostics, retryMarks.diagnostics - marks.diagnostics);
          trace.notes.splice(marks.notes, retryMarks.notes - marks.notes);
          v = retried;
        } else {
          this.truncate(retryMarks);
          interp.kerasImageDataFormat = after.format;
          interp.kerasEpsilon = after.epsilon;
        }
      }
      if (!v) continue;
      // A builder that returns several models (`return [train_model, infer_model]`): each is a
      // model of the file, named as the return statement names it.
      if ((v.t === 'tuple' || v.t === 'list') && v.items.some((i) => this.isKerasModelValue(i))) {
        const names = returnedNames(f, v.items.length);
        const nameNode = f.node.childForFieldName('name') ?? f.node;
        v.items.forEach((item, i) => {
          if (this.isKerasModelValue(item)) builders.push({ name: names?.[i] ?? `${name}[${i}]`, framework: 'keras', nameNode, anchorLine: this.defLine(f.node), extentNode: f.node, value: item });
        });
        continue;
      }
      const isKerasModel = this.isKerasModelValue(v);
      const isTorchModel = !unknownArgs && v.t === 'container' && v.kind === 'Sequential' && (this.referenceCount(name) === 0 || commentsAbove(this.lines, this.defLine(f.node)).input !== undefined);
      if (!isKerasModel && !isTorchModel) continue;
      const nameNode = f.node.childForFieldName('name') ?? f.node;
      builders.push({ name, framework: isKerasModel ? 'keras' : 'torch', nameNode, anchorLine: this.defLine(f.node), extentNode: f.node, value: v });
    }

    // Classes deriving from nn.Module or keras.Model, each built as the file builds it.
    const classCandidates: Candidate[] = [];
    for (const cls of interp.classes) {
      const base = interp.libraryBase(cls);
      if (!base) continue;
      if (!base.model) {
        blockClassIds.add(cls.id);
        continue;
      }
      const obj = this.construct(cls);
      if (!obj) continue;
      // A keras.Model subclass that defines no `call` (only `train_step`...) has nothing to trace
      // by itself: its instances built as `Model(inputs, outputs)` are the functional models.
      if (base.framework === 'keras' && obj.t === 'object' && !interp.lookupClassAttr(cls, 'call')) continue;
      if (obj.t === 'object') for (const id of interp.constructedInside.get(obj.id) ?? []) if (id !== cls.id) blockClassIds.add(id);
      const nameNode = cls.node.childForFieldName('name') ?? cls.node;
      classCandidates.push({ name: cls.name, framework: base.framework, nameNode, anchorLine: this.defLine(cls.node), extentNode: cls.node, value: obj, cls });
    }
    const importedCandidates = this.importedInstanceCandidates();
    // Classes used inside module-level containers are blocks too.
    for (const v of varCandidates) this.collectClassIds(v.value, blockClassIds);
    for (const b of builders) this.collectClassIds(b.value, blockClassIds, true);

    // A base class that only serves other model classes (and is never built by itself) is no model.
    // A class another file uses as a block is shown inside the model built at the top of the workspace.
    const enclosing = new Set<number>();
    // The classes another candidate derives from (computed once: a file may hold thousands of models).
    const basesOfOthers = new Set<ClassValue>();
    for (const c of classCandidates) for (const m of interp.mro(c.cls!)) if (m !== c.cls) basesOfOthers.add(m);
    const parts = this.namedAsParts(classCandidates);
    for (const c of classCandidates) {
      // The class `--model` names is analysed as a model even where another model uses it as a block.
      if (this.options.model !== undefined && c.name === this.options.model) {
        out.push(c);
        continue;
      }
      if (blockClassIds.has(c.cls!.id)) continue;
      if (parts.has(c.cls!) && !this.interp.examples.get(c.value.t === 'object' ? c.value.id : -1) && !this.interp.examples.get(c.cls!.id)) continue;
      if (this.onlyABase(c.cls!, basesOfOthers)) continue;
      const top = this.enclosingModel(c);
      if (!top) out.push(c);
      else if (!enclosing.has(top.cls!.id)) {
        enclosing.add(top.cls!.id);
        out.push(top);
      }
    }
    for (const b of builders) {
      out.push(b);
      taken.add(b.value.t === 'functional' || b.value.t === 'container' || b.value.t === 'object' ? b.value.id : -1);
    }
    const builderNames = new Set(builders.map((b) => b.name));
    this.buildModelHolders(builderFunctions);
    // Keras models built inside the file's functions as its code runs, that no module-level name holds.
    const held = new Set<Value>([...varCandidates, ...builders].map((c) => c.value));
    for (const { name, node: assign, value: v } of interp.functionModels) {
      if (held.has(v)) continue;
      held.add(v);
      varCandidates.push({ name, framework: 'keras', nameNode: assign, anchorLine: statementOf(assign).startPosition.row, extentNode: statementOf(assign), value: v });
    }
    const nested = nestedValues([...out, ...varCandidates, ...importedCandidates].map((c) => c.value));
    for (const v of importedCandidates) if (!nested.has(v.value)) out.push(v);
    for (const v of varCandidates) {
      const id = v.value.t === 'functional' || v.value.t === 'container' ? v.value.id : -1;
      const creator = interp.creatorFunction.get(id);
      if (creator && builderNames.has(creator)) continue;
      // A Keras model the file names is reported even when another holds it (a GAN given its
      // generator and discriminator, a VAE its encoder and decoder), as Keras users summarise each.
      if (nested.has(v.value) && v.framework === 'torch') continue;
      out.push(v);
    }
    return out;
  }

  /**
   * Instances of model classes defined in other files, built at module level or inside a function
   * that feeds them an example (`def test(): v = ViT(...); v(torch.randn(...))`): `net = UNet(3, 2)`
   * is the workspace's UNet, named and placed where its class is; `backbone = resnet18()` from an
   * installed library is named by its variable (else its class) and placed where it is built here,
   * since a library's files are never shown.
   */
  private importedInstanceCandidates(): Candidate[] {
    const interp = this.interp;
    const out: Candidate[] = [];
    const loader = this.loader;
    const taken = new Set<number>();
    const add = (v: ObjectValue, name: string | undefined, nameNode: SyntaxNode, extentNode: SyntaxNode) => {
      taken.add(v.cls.id);
      const framework = interp.libraryBase(v.cls)!.framework;
      const classFile = v.cls.node.file;
      if (classFile === undefined || loader.isLibrary(classFile)) {
        out.push({ name: name ?? v.cls.name, framework, nameNode, anchorLine: nameNode.startPosition.row, extentNode, value: v });
      } else {
        const classNameNode = v.cls.node.childForFieldName('name') ?? v.cls.node;
        out.push({ name: v.cls.name, framework, nameNode: classNameNode, anchorLine: this.defLine(v.cls.node), extentNode: v.cls.node, value: v, cls: v.cls });
      }
    };
    for (const [name, v] of interp.moduleScope.vars) {
      // A name bound again to another instance of the class (a notebook's second
      // `model = models.densenet121()`) stands for the class's first instance, which its code fed first.
      const first = importedInstance(interp, v) ? interp.moduleInstances.get(v.cls.id) : undefined;
      if (first?.t !== 'object' || taken.has(first.cls.id)) continue;
      const assign = this.findModuleAssignment(name);
      if (assign) add(first, name, assign, statementOf(assign));
    }
    for (const v of interp.exampleInstances.values()) {
      // Built here (not by a script run for another model), inside a function that feeds it an example.
      if (!importedInstance(interp, v) || taken.has(v.cls.id) || !v.node || v.node.file !== undefined) continue;
      add(v, undefined, v.node, v.node);
    }
    return out;
  }

  /**
   * For a class that another file of the workspace uses as a block (and that nothing builds at the
   * top), the model it is a block of, built as the workspace builds it (its scripts' arguments and
   * input): the block's layers then take the shapes they have in that model. Undefined when there
   * is none, or when the class states its own input.
   */
  private enclosingModel(c: Candidate, depth = 0): Candidate | undefined {
    const interp = this.interp;
    const discovery = this.discovery;
    if (!discovery || !c.cls || depth > 3 || this.options.model === c.name) return undefined;
    const comments = commentsAbove(this.linesOf(c.cls.node), this.defLine(c.cls.node));
    if (comments.input || comments.model || interp.moduleInstances.get(c.cls.id) === c.value || interp.examples.has(c.cls.id)) return undefined;
    if (!discovery.usedAsBlockElsewhere(c.cls.name)) return undefined;
    for (const { path, text, enclosing } of discovery.enclosingClasses(c.cls.name)) {
      const cls = this.safely(() => interp.sourceModule(this.loader.fileFor(path, text)).get(enclosing));
      if (!cls || cls.t !== 'class' || cls === c.cls) continue;
      const top = this.builtModel(cls);
      // The block must really be built inside it (a class of the same name elsewhere is another class).
      if (!top || !interp.constructedInside.get(top.value.t === 'object' ? top.value.id : -1)?.has(c.cls.id)) continue;
      return this.enclosingModel(top, depth + 1) ?? top;
    }
    return undefined;
  }

  private readonly builtModels = new Map<ClassValue, Candidate | null>();

  /** A model class of another file, built once as the workspace builds it. */
  private builtModel(cls: ClassValue): Candidate | undefined {
    const known = this.builtModels.get(cls);
    if (known !== undefined) return known ?? undefined;
    const base = this.interp.libraryBase(cls);
    const obj = base?.model ? this.construct(cls) : undefined;
    const top: Candidate | null = base && obj && obj.t === 'object' ? { name: cls.name, framework: base.framework, nameNode: cls.node.childForFieldName('name') ?? cls.node, anchorLine: this.defLine(cls.node), extentNode: cls.node, value: obj, cls } : null;
    this.builtModels.set(cls, top);
    return top ?? undefined;
  }

  private onlyABase(cls: ClassValue, basesOfOthers: Set<ClassValue>): boolean {
    const interp = this.interp;
    if (!basesOfOthers.has(cls)) return false;
    const comments = commentsAbove(this.lines, this.defLine(cls.node));
    if (comments.model || comments.input || interp.moduleInstances.has(cls.id) || interp.examples.has(cls.id)) return false;
    return !this.factories().has(cls.name);
  }

  private collectClassIds(v: Value, ids: Set<number>, skipRoot = false, depth = 0): void {
    if (depth > 30) return;
    if (v.t === 'object') {
      if (!skipRoot) ids.add(v.cls.id);
      for (const a of v.attrs.values()) this.collectClassIds(a, ids, false, depth + 1);
    } else if (v.t === 'container') for (const i of v.items) this.collectClassIds(i, ids, false, depth + 1);
  }

  private readonly referenceCounts = new Map<string, number>();

  /** How often a name is used in the file outside its own definition (counted once per name). */
  /**
   * Model classes the file names as parts of other models, though no model built here holds one:
   * named in another model class's body (`block=Bottleneck`, `isinstance(m, Bottleneck)`), or given
   * as an argument to another model class (`def ResNet50(): return ResNet(Bottleneck, [3, 4, 6, 3])`,
   * `PNASNet(CellA, 6, 44)` in a factory nothing calls). A block alone is no model (its input
   * would be a guess); one the file itself feeds an example stays a model.
   */
  private namedAsParts(candidates: Candidate[]): Set<ClassValue> {
    const byName = new Map(candidates.map((c) => [c.name, c]));
    const parts = new Set<ClassValue>();
    for (const c of candidates) {
      const own = c.cls!.node;
      if (own.file !== undefined) continue;
      for (const n of this.identifiersNamed(c.name)) {
        if (parts.has(c.cls!)) break;
        if (n.startIndex >= own.startIndex && n.endIndex <= own.endIndex) continue;
        const p = n.parent;
        if (p && (p.type === 'function_definition' || p.type === 'class_definition') && p.childForFieldName('name') === n) continue;
        for (let a: SyntaxNode | null = p; a; a = a.parent) {
          // In the body of another model class.
          if (a.type === 'class_definition' && a !== own && byName.get(a.childForFieldName('name')?.text ?? '')?.cls?.node === a && !isInBases(a, n)) {
            parts.add(c.cls!);
            break;
          }
        }
        // An argument of a call of another model class.
        const arg = p?.type === 'keyword_argument' ? p.parent : p;
        const call = arg?.type === 'argument_list' ? arg.parent : null;
        const callee = call?.type === 'call' ? call.childForFieldName('function')?.text : undefined;
        if (callee !== undefined && callee !== c.name && byName.has(callee)) parts.add(c.cls!);
      }
    }
    return parts;
  }

  private identifierIndex: Map<string, SyntaxNode[]> | undefined;

  /**
   * The identifiers of the analysed file written `name`, in the order of the text: the nodes a search
   * of the text for the name finds as a whole identifier (the deepest node where it starts). Indexed
   * in one walk of the tree when first asked: a search of the whole text for each class's name cost
   * the text's length per class, a time that grew with the square of a file of many models.
   */
  private identifiersNamed(name: string): SyntaxNode[] {
    if (!this.identifierIndex) {
      const index = new Map<string, SyntaxNode[]>();
      const root = this.tree.rootNode;
      // Where the children of every node from the root down to a leaf lie in order inside their
      // parent, each ending before the next starts (as tree-sitter lays nodes out), the deepest node
      // at the leaf's start is the leaf itself: the search from the root (deepestAt) runs only where
      // that does not hold.
      const stack: SyntaxNode[] = [root];
      const laidOut: boolean[] = [true];
      while (stack.length) {
        const n = stack.pop()!;
        const inOrder = laidOut.pop()!;
        const children = n.children;
        if (n.type === 'identifier' && n.endIndex > n.startIndex && ((inOrder && children.length === 0) || deepestAt(root, n.startIndex) === n)) {
          const text = n.text;
          const list = index.get(text);
          if (list) list.push(n);
          else index.set(text, [n]);
        }
        // The children in order, each inside this node and ending before the next starts.
        let ordered = inOrder;
        for (let i = 0; ordered && i < children.length; i++) {
          const c = children[i];
          ordered = c.startIndex >= n.startIndex && c.endIndex >= c.startIndex && c.endIndex <= n.endIndex && (i + 1 === children.length || children[i + 1].startIndex >= c.endIndex);
        }
        for (let i = children.length - 1; i >= 0; i--) {
          stack.push(children[i]);
          laidOut.push(ordered);
        }
      }
      this.identifierIndex = index;
    }
    return this.identifierIndex.get(name) ?? [];
  }

  private referenceCount(name: string): number {
    let count = this.referenceCounts.get(name);
    if (count === undefined) {
      count = name === '' ? 0 : this.identifiersNamed(name).filter((n) => !(n.parent && (n.parent.type === 'function_definition' || n.parent.type === 'class_definition') && n.parent.childForFieldName('name') === n)).length;
      this.referenceCounts.set(name, count);
    }
    return count;
  }

  private factoryCache: Map<string, FunctionValue[]> | undefined;

  /** Module-level functions by the name of the class they return a call of (`return ResNet(...)`). */
  private factories(): Map<string, FunctionValue[]> {
    if (this.factoryCache) return this.factoryCache;
    // What each function returns a call of: `return ResNet(...)`, or `model = VGG(...); return model`.
    const returned = new Map<FunctionValue, Set<string>>();
    for (const f of this.interp.functions.values()) {
      const names = new Set<string>();
      const assigned = new Map<string, string[]>();
      for (const a of f.node.descendantsOfType('assignment')) {
        const left = a.childForFieldName('left');
        const right = a.childForFieldName('right');
        const callee = right?.type === 'call' ? right.childForFieldName('function')?.text : undefined;
        if (left?.type === 'identifier' && callee) assigned.set(left.text, [...(assigned.get(left.text) ?? []), callee]);
      }
      for (const r of f.node.descendantsOfType('return_statement')) {
        const e = r.namedChildren[0];
        if (e?.type === 'call') {
          const callee = e.childForFieldName('function')?.text;
          if (callee) names.add(callee);
        } else if (e?.type === 'identifier') for (const callee of assigned.get(e.text) ?? []) names.add(callee);
      }
      returned.set(f, names);
    }
    // A function returning another factory's call is a factory of the same class
    // (`def resnet18(**kw): return _resnet(...)`, `def _resnet(...): model = ResNet(...); return model`).
    const functionsByName = new Map([...this.interp.functions.values()].map((f) => [f.name, f]));
    for (let changed = true, rounds = 0; changed && rounds < 10; rounds++) {
      changed = false;
      for (const names of returned.values()) {
        for (const n of [...names]) {
          const g = functionsByName.get(n);
          for (const m of g ? returned.get(g) ?? [] : []) {
            if (!names.has(m)) {
              names.add(m);
              changed = true;
            }
          }
        }
      }
    }
    const out = new Map<string, FunctionValue[]>();
    for (const [f, names] of returned) for (const name of names) out.set(name, [...(out.get(name) ?? []), f]);
    this.factoryCache = out;
    return out;
  }

  /**
   * `names` (a class and its factories) with the file's module-level functions and assignments
   * through which a script may reach them: a registry of factories (`func_dict = {'A0':
   * create_A0}`) and the functions that read it (`def by_name(name): return func_dict[name]()`),
   * followed to a fixed point.
   */
  private namesReaching(names: string[]): string[] {
    const texts = new Map<string, string>();
    for (const [name, f] of this.interp.functions) texts.set(name, f.node.text);
    this.assignments ??= moduleAssignments(this.tree);
    for (const [name, left] of this.assignments) if (left.parent && !texts.has(name)) texts.set(name, left.parent.text);
    const reached = new Set(names);
    for (let grew = true; grew; ) {
      grew = false;
      const mention = new RegExp(`(^|[^\\w.])(${[...reached].join('|')})(?!\\w)`);
      for (const [name, text] of texts) {
        if (reached.has(name) || !mention.test(text)) continue;
        reached.add(name);
        grew = true;
      }
    }
    return [...reached];
  }

  private findModuleAssignment(name: string): SyntaxNode | null {
    this.assignments ??= moduleAssignments(this.tree);
    return this.assignments.get(name) ?? null;
  }

  /** The line of a definition, or of its first decorator. */
  private defLine(node: SyntaxNode): number {
    return node.parent?.type === 'decorated_definition' ? node.parent.startPosition.row : node.startPosition.row;
  }

  /** A Keras model a builder returned: a Sequential, a functional model or an instance of a keras.Model subclass. */
  private isKerasModelValue(v: Value | undefined): boolean {
    if (!v) return false;
    return (v.t === 'container' && v.kind === 'KerasSequential') || v.t === 'functional' || (v.t === 'object' && this.interp.libraryBase(v.cls)?.framework === 'keras');
  }

  /** A Keras model, or a list or tuple holding one (a builder's return value). */
  private buildsKerasModel(v: Value | undefined): boolean {
    return this.isKerasModelValue(v) || ((v?.t === 'tuple' || v?.t === 'list') && v.items.some((i) => this.isKerasModelValue(i)));
  }

  /**
   * The names of the file's functions that may build a model: those that call `Sequential(` or
   * `Model(` (also `models.Model(`), and those that call one of them by name (`def ResNet18(...):
   * return ResNet(MODELS_PARAMS['resnet18'], ...)`, `EfficientNetB0` over `EfficientNet`).
   */
  /**
   * Plain classes of the file (no framework base) that hold Keras models and that nothing
   * instantiates (a backbone wrapper whose `__init__(self, input_size)` builds
   * `self.feature_extractor = Model(inputs, x)`, a trainer built only by another file): each is
   * built on unknown arguments, and the models it assigns to its attributes are models of the
   * file, named `Class.attribute`. A class another class derives from is built through that one;
   * a run that builds no Keras model leaves nothing in the trace.
   */
  private buildModelHolders(builderFunctions: Set<string>): void {
    const interp = this.interp;
    const names = this.modelClassNames();
    const builds = new RegExp(`\\b(${[...names].join('|')})\\s*\\(`);
    let runs = 0;
    for (const cls of interp.classes) {
      if (runs >= MAX_MODEL_HOLDER_RUNS) break;
      if (cls.node.file !== undefined || interp.libraryBase(cls) || interp.instantiatedClasses.has(cls.id)) continue;
      if (interp.classes.some((other) => other !== cls && interp.mro(other).includes(cls))) continue;
      const init = interp.lookupClassAttr(cls, '__init__');
      if (init?.t !== 'function') continue;
      const text = cls.node.text;
      if (!builds.test(text) && ![...builderFunctions].some((b) => callsByName(text, b))) continue;
      const required = requiredArguments(init);
      if (!required) continue;
      runs++;
      const marks = { records: interp.trace.records.length, diagnostics: interp.trace.diagnostics.length, notes: interp.trace.notes.length };
      const before = interp.functionModels.length;
      this.safely(() => interp.buildUninstantiatedClass(cls, required.args.slice(1), required.kwargs));
      const held = interp.functionModels.slice(before);
      if (held.length === 0) this.truncate(marks);
      for (const m of held) m.name = `${cls.name}.${m.name}`;
    }
  }

  /** The names the module binds the Keras and PyTorch model classes to (`Sequential`, `Model`, `Functional` from keras.src.models, an alias). */
  private modelClassNames(): Set<string> {
    const names = new Set(['Sequential', 'Model']);
    for (const [name, v] of this.interp.moduleScope.vars) if (v.t === 'builtin' && (v.name === 'keras.Model' || v.name === 'keras.Sequential')) names.add(name);
    return names;
  }

  private builderFunctions(): Set<string> {
    const found = new Set<string>();
    const rest = new Map<string, string>();
    // The model classes under any name the module binds them to.
    const names = this.modelClassNames();
    const builds = new RegExp(`\\b(${[...names].join('|')})\\s*\\(`);
    for (const [name, f] of this.interp.functions) {
      if (builds.test(f.node.text)) found.add(name);
      else rest.set(name, f.node.text);
    }
    for (let grew = true; grew && rest.size > 0; ) {
      grew = false;
      for (const [name, body] of rest) {
        if (![...found].some((b) => callsByName(body, b))) continue;
        found.add(name);
        rest.delete(name);
        grew = true;
      }
    }
    return found;
  }

  private allParamsHaveDefaults(f: FunctionValue): boolean {
    return needsNoArguments(f);
  }

  private safely<T>(fn: () => T): T | undefined {
    try {
      this.interp.resetBudget(200_000);
      return fn();
    } catch (e) {
      if (e instanceof BudgetExceeded) return undefined;
      return undefined;
    }
  }

  /** Builds a model class: `# model:` comment, an instance in the file, a factory function, or its defaults. */
  private construct(cls: ClassValue): Value | undefined {
    const interp = this.interp;
    const comments = commentsAbove(this.linesOf(cls.node), this.defLine(cls.node));
    if (comments.model) {
      const v = this.safely(() => this.evalSnippet(comments.model!.expr));
      if (v && v.t === 'object') return v;
    }
    const instance = interp.moduleInstances.get(cls.id) ?? interp.exampleInstances.get(cls.id);
    if (instance) return instance;
    // Another file of the workspace may build it (`net = UNet(n_channels=3, n_classes=2)` in train.py).
    if (this.discovery) {
      const discovery = this.discovery;
      const factories = (this.factories().get(cls.name) ?? []).map((f) => f.name);
      this.safely(() => discovery.runScriptsBuilding([cls.name, ...factories]));
      let built = interp.moduleInstances.get(cls.id) ?? interp.exampleInstances.get(cls.id);
      if (built) return built;
      // Or through the file's registry of factories (`create_by_name('A0')` reading `func_dict`).
      const reaching = this.namesReaching([cls.name, ...factories]);
      if (reaching.length > factories.length + 1) this.safely(() => discovery.runScriptsBuilding(reaching));
      built = interp.moduleInstances.get(cls.id) ?? interp.exampleInstances.get(cls.id);
      if (built) return built;
    }
    for (const f of this.factories().get(cls.name) ?? []) {
      if (!this.allParamsHaveDefaults(f)) continue;
      const v = this.safely(() => interp.callFunction(f, [], new Map(), f.node));
      if (v && v.t === 'object' && v.cls === cls) return v;
    }
    return this.safely(() => interp.instantiate(cls, [], new Map(), null));
  }

  private evalSnippet(expr: string): Value {
    const t = parseSyntax(expr);
    const stmt = t.rootNode.namedChildren[0];
    const e = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (!e) return { t: 'unknown' };
    return this.interp.evalExpr(e, this.interp.moduleScope);
  }

  // ---------------------------------------------------------------- one model

  private analyseModel(c: Candidate): ModelResult | undefined {
    const interp = this.interp;
    const comments = this.modelComments(c);
    const trace = interp.trace;

    // Keras functional models were traced while the module (or their builder) ran.
    if (c.value.t === 'functional') {
      const given = c.value.inputs.map((t) => interp.givenInputs.get(t.id)).find((g) => g !== undefined);
      return this.functionalResult(c, c.value, given ?? (c.value.inputs.some((t) => t.symbolic) ? 'symbolic' : 'layer'));
    }

    let input: Shape[] | undefined;
    let source: InputSource = 'symbolic';
    // Whether a PyTorch model's input is its example's (its batch named N where left open).
    let fromExample = false;
    const example = interp.examples.get(c.value.t === 'object' || c.value.t === 'container' ? c.value.id : -1) ?? (c.cls ? interp.examples.get(c.cls.id) : undefined);
    const kerasDeclared = c.value.t === 'container' && c.value.kind === 'KerasSequential' ? c.value.kerasInput : undefined;
    const flag = this.options.input && this.takesFlagInput(c) ? parseShapeList(this.options.input) : null;

    if (c.framework === 'keras') {
      if (kerasDeclared) [input, source] = [[kerasDeclared], 'layer'];
      else if (example) [input, source] = [example.shapes, example.source];
      else if (comments.input) [input, source] = [comments.input.shapes, 'comment'];
      else if (flag) [input, source] = [flag, 'flag'];
    } else {
      // An example whose sizes the code leaves open (a batch read from a DataLoader in a training
      // loop) yields to a --input flag that states them all.
      const partial = example !== undefined && example.shapes.some((s) => s === null || s.some((d) => d === null));
      if (comments.input) [input, source] = [comments.input.shapes, 'comment'];
      // A leading size it leaves open is the batch, named N as in a symbolic input.
      else if (example && !(partial && flag)) [input, source, fromExample] = [example.shapes.map((s) => (s && s.length > 0 && s[0] === null ? [sym('N'), ...s.slice(1)] : s)), example.source, true];
      else if (flag) [input, source] = [flag, 'flag'];
    }

    // An annotated forward()/call() input (`x: Float[Tensor, "b 3 32 32"]`) states the input.
    if (!input) {
      const annotated = this.annotatedInput(c);
      if (annotated) [input, source] = [annotated, 'annotation'];
    }
    if (!input) {
      const symbolic = this.symbolicInput(c);
      if (!symbolic) input = [null];
      else {
        input = [symbolic];
        const solved = this.solveSpatial(c, symbolic);
        if (solved) [input, source] = [[solved], 'inferred'];
      }
    }

    const marks = { records: trace.records.length, diagnostics: trace.diagnostics.length, notes: trace.notes.length };
    // A model fed by a call in the code (`net(torch.zeros(...))`, `model.fit(x, y)`) is applied there.
    const appliedAt = example?.node;
    // A dict of named inputs given in the code is given again as one dict.
    const keys = example && input === example.shapes ? example.keys : undefined;
    const given = example !== undefined && (input === example.shapes || fromExample) && c.value.t === 'object' ? example.sequence : undefined;
    const sequence = given === true && c.framework === 'keras' ? 'tuple' : (given === 'list' || given === 'tuple') && c.framework === 'torch' ? given : undefined;
    // Inputs the call gave by keyword, and its constant keyword arguments, are given again.
    const byName = example && (input === example.shapes || fromExample) ? { keywords: example.keywords ?? [], options: example.options } : undefined;
    let run = this.traceRun(c, input, source, appliedAt, keys, sequence, byName);
    if (!run) return undefined;
    if (source === 'inferred' && trace.diagnostics.length - marks.diagnostics > this.symbolicDiagnostics) {
      // The solved size is an assumption (square, the first constraint): if it contradicts the
      // rest of the model, the contradiction is the assumption's, not the user's. Stay symbolic.
      this.truncate(marks);
      input = [this.symbolicInput(c) ?? null];
      source = 'symbolic';
      run = this.traceRun(c, input, source);
      if (!run) return undefined;
    }
    if (source === 'symbolic' && this.symbolicLeadingFree && input.length === 1 && input[0] && trace.diagnostics.length > marks.diagnostics) {
      // A first Linear or Embedding takes any number of leading axes: the rank (N, F) was a guess.
      // Where one more axis (N, L, F) contradicts the model less, its errors were the guess's.
      const guessed = trace.diagnostics.length - marks.diagnostics;
      const wider = [input[0][0], sym('L'), ...input[0].slice(1)];
      this.truncate(marks);
      const again = this.traceRun(c, [wider], source);
      if (again && trace.diagnostics.length - marks.diagnostics < guessed) [input, run] = [[wider], again];
      else {
        this.truncate(marks);
        run = this.traceRun(c, input, source);
        if (!run) return undefined;
      }
    }
    const records = trace.records.slice(marks.records);
    const notes = trace.notes.slice(marks.notes);
    return this.modelResult(c, input, source, records, run.output, notes, run.inputIds);
  }

  /**
   * Whether the `--input` shape is meant for this model: the one named by `--model` when given;
   * in a workspace, not a class that another file uses as a sub-module (fed the image shape, a
   * block would raise false errors).
   */
  private takesFlagInput(c: Candidate): boolean {
    if (this.options.model !== undefined) return c.name === this.options.model;
    return !(c.cls && this.discovery?.usedAsBlockElsewhere(c.cls.name));
  }

  private inputTensors(c: Candidate, input: Shape[], source: InputSource): TensorValue[] {
    const unknownSize = c.framework === 'keras' ? 'None' : '?';
    return input.map((s, i) => {
      // The text is written only when a message quotes it (most runs report nothing), from the
      // shape as it was given (a copy: the tensor's own may be refined meanwhile).
      const given = s === null ? null : s.slice();
      const text = source === 'comment' ? () => `the model input ${formatShape(given, unknownSize)} from the # input comment` : () => `the model input ${formatShape(given, unknownSize)}${i > 0 ? ` #${i + 1}` : ''}`;
      return this.interp.makeTensor(s, c.framework, lazyOrigin(text, null, undefined), 0);
    });
  }

  /** Runs the model's forward pass on the inputs, with the trace on. */
  private traceRun(c: Candidate, input: Shape[], source: InputSource = 'symbolic', appliedAt?: SyntaxNode, keys?: string[], sequence?: 'list' | 'tuple', byName?: { keywords: string[]; options?: ReadonlyMap<string, Value> }): { output: Output; inputIds: number[] } | undefined {
    const interp = this.interp;
    const tensors = this.inputTensors(c, input, source);
    const named = byName && byName.keywords.length <= tensors.length ? byName.keywords.length : 0;
    const positional = named > 0 ? tensors.slice(0, tensors.length - named) : tensors;
    const kwargs = new Map<string, Value>(byName?.options);
    for (let i = 0; i < named; i++) kwargs.set(byName!.keywords[i], tensors[positional.length + i]);
    const args: Value[] = keys && keys.length === positional.length ? [{ t: 'dict', entries: new Map(keys.map((k, i) => [`s:${k}`, { key: { t: 'str', v: k }, value: positional[i] }])) }] : sequence ? [{ t: sequence, items: positional }] : positional;
    const inputIds = tensors.map((t) => t.id);
    interp.inModelRun = true;
    interp.inputRankGuessed = source === 'symbolic' || source === 'inferred';
    interp.resetBudget(MODEL_TRACE_BUDGET);
    try {
      interp.unwrittenCall = appliedAt ? null : c.nameNode;
      const out = interp.applyModule(c.value, args, kwargs, appliedAt ?? c.nameNode);
      return { output: valueToOutput(out), inputIds };
    } catch {
      return { output: null, inputIds };
    } finally {
      interp.inModelRun = false;
      interp.inputRankGuessed = false;
      interp.unwrittenCall = null;
    }
  }

  /** The comments above the model, or else above the module-level assignment of its instance (`model = Net()`). */
  private modelComments(c: Candidate): ReturnType<typeof commentsAbove> {
    const comments = commentsAbove(this.linesOf(c.nameNode), c.anchorLine);
    if (comments.input || !c.cls) return comments;
    for (const name of this.moduleNamesOf(c.value)) {
      const assigned = this.findModuleAssignment(name);
      if (!assigned) continue;
      const atInstance = commentsAbove(this.lines, statementOf(assigned).startPosition.row);
      if (atInstance.input) return { ...comments, input: atInstance.input };
    }
    // Built by a script elsewhere in the workspace: the comment above its assignment there.
    const elsewhere = this.discovery?.scriptAssignment(c.value);
    if (elsewhere) {
      const atInstance = commentsAbove(elsewhere.lines, elsewhere.statement.startPosition.row);
      if (atInstance.input) return { ...comments, input: atInstance.input };
    }
    return comments;
  }

  private moduleNameIndex: { vars: Map<string, Value>; size: number; byValue: Map<Value, string[]> } | undefined;

  /** The module-level names bound to a value, in binding order (an index over the module's names, rebuilt when they change). */
  private moduleNamesOf(value: Value): string[] {
    const vars = this.interp.moduleScope.vars;
    let index = this.moduleNameIndex;
    if (!index || index.vars !== vars || index.size !== vars.size) {
      const byValue = new Map<Value, string[]>();
      for (const [name, v] of vars) {
        const names = byValue.get(v);
        if (names) names.push(name);
        else byValue.set(v, [name]);
      }
      index = this.moduleNameIndex = { vars, size: vars.size, byValue };
    }
    // A name bound again since the index was built no longer holds the value.
    return (index.byValue.get(value) ?? []).filter((name) => vars.get(name) === value);
  }

  private readonly otherLines = new Map<string, string[]>();

  /** The lines of the file a node lies in (the analysed file's, or another workspace file's). */
  private linesOf(node: SyntaxNode): string[] {
    const file = node.file;
    if (file === undefined) return this.lines;
    let lines = this.otherLines.get(file);
    if (!lines) {
      let root = node;
      while (root.parent) root = root.parent;
      lines = root.text.split(/\r?\n/);
      this.otherLines.set(file, lines);
    }
    return lines;
  }

  /** The inputs the model's forward()/call() states in jaxtyping annotations. */
  private annotatedInput(c: Candidate): Shape[] | undefined {
    if (c.value.t !== 'object') return undefined;
    const cls = c.value.cls;
    const method = this.interp.lookupClassAttr(cls, c.framework === 'keras' ? 'call' : 'forward') ?? this.interp.lookupClassAttr(cls, 'forward');
    return method?.t === 'function' ? annotatedInputs(method.node, c.framework) : undefined;
  }

  /** A symbolic input shaped by the first layer that consumes the input (probe run, trace off). */
  private symbolicInput(c: Candidate): Shape | undefined {
    const interp = this.interp;
    const probe = interp.makeTensor(null, c.framework, { text: 'the model input', node: null }, 0);
    const trace = interp.trace;
    const marks = { records: trace.records.length, diagnostics: trace.diagnostics.length, notes: trace.notes.length };
    interp.inModelRun = true;
    interp.resetBudget(200_000);
    try {
      interp.applyModule(c.value, [probe], new Map(), c.nameNode);
    } catch {
      // fall through
    } finally {
      interp.inModelRun = false;
    }
    const records = trace.records.slice(marks.records);
    // The first layer fed the input, also through the elementwise ops that normalise an image
    // first (`x = (x - self.mean) * self.img_range`, then a convolution).
    const through: TraceRecord[] = [];
    let fed = probe.id;
    let first: TraceRecord | undefined;
    for (let hop = 0; hop <= MAX_NORMALISING_OPS; hop++) {
      // (`mean.type_as(x)` reads only the input's dtype.)
      const r = records.find((rec) => rec.inputs.some((t) => t.id === fed) && !(rec.kind === 'type_as' && rec.inputs[0].id !== fed));
      if (!r || r.layer || hop === MAX_NORMALISING_OPS || !NORMALISING_OPS.has(r.kind) || r.outputs.length !== 1) {
        first = r;
        break;
      }
      through.push(r);
      fed = r.outputs[0].id;
    }
    this.truncate(marks);
    this.symbolicLeadingFree = !!first?.layer && (first.layer.def.kind === 'Linear' || first.layer.def.kind === 'Embedding');
    if (!first || !first.layer) return undefined;
    const shape = symbolicInput(first.layer.def, first.layer.bound) ?? undefined;
    // Each op on the way keeps that shape: its other tensors broadcast into it without growing it.
    if (shape && !through.every((r) => r.inputs.every((t) => t.id === probe.id || through.some((o) => o.outputs[0].id === t.id) || keepsShape(shape, t.shape)))) return undefined;
    if (first.layer.def.kind !== 'GroupNorm' || !shape) return shape;
    // A GroupNorm takes (N, C, *) of any rank: the rank is that of the first layer after it that
    // fixes one (a 3-D U-Net's Conv3d), else the input is unknown, never a guessed image.
    for (const r of records.slice(records.indexOf(first) + 1)) {
      const rank = r.layer ? layerRank(r.layer.def.kind) : undefined;
      if (rank !== undefined) return [shape[0], shape[1], ...SPATIAL_SYMBOLS_BY_RANK[rank].map((s) => sym(s))];
    }
    return undefined;
  }

  /** Where a Linear after a flatten fixes the flattened size, the square spatial size that gives it. */
  private solveSpatial(c: Candidate, symbolic: Shape): Shape | undefined {
    if (c.framework !== 'torch' || !symbolic) return undefined;
    const spatial = symbolic.filter((d): d is Expr => d instanceof Expr && d.symbols().size === 1 && SPATIAL_SYMBOLS.includes([...d.symbols()][0]));
    if (spatial.length === 0) return undefined;
    const trace = this.interp.trace;
    const marks = { records: trace.records.length, diagnostics: trace.diagnostics.length, notes: trace.notes.length };
    this.traceRun(c, [symbolic]);
    const records = trace.records.slice(marks.records);
    this.symbolicDiagnostics = trace.diagnostics.length - marks.diagnostics;
    this.truncate(marks);
    for (const r of records) {
      const [last, inFeatures] = r.kind === 'Linear' ? linearConstraint(r) : r.kind === 'view' || r.kind === 'reshape' ? batchViewConstraint(r, symbolic[0]) : [null, null];
      if (inFeatures === null || !(last instanceof Expr)) continue;
      const symbols = [...last.symbols()];
      if (!symbols.every((s) => SPATIAL_SYMBOLS.includes(s))) return undefined;
      const h = preferredSize(uniformSolutions(last, inFeatures, 2048));
      if (h === undefined) return undefined;
      return symbolic.map((d) => (d instanceof Expr && d.symbols().size === 1 && SPATIAL_SYMBOLS.includes([...d.symbols()][0]) && d.key === sym([...d.symbols()][0]).key ? h : d));
    }
    return undefined;
  }

  private truncate(marks: { records: number; diagnostics: number; notes: number }): void {
    const trace = this.interp.trace;
    trace.records.length = marks.records;
    trace.diagnostics.length = marks.diagnostics;
    trace.notes.length = marks.notes;
  }

  private functionalResult(c: Candidate, f: Value & { t: 'functional' }, source: InputSource): ModelResult {
    const trace = this.interp.trace;
    const bySeq = this.recordsBySeq();
    const wanted = new Set<number>();
    const stack: TensorValue[] = [];
    const pushOutputs = (v: Value) => {
      if (v.t === 'tensor') stack.push(v);
      else if (v.t === 'tuple' || v.t === 'list') v.items.forEach(pushOutputs);
      else if (v.t === 'dict') for (const e of v.entries.values()) pushOutputs(e.value);
    };
    pushOutputs(f.outputs);
    const inputIds = new Set(f.inputs.map((t) => t.id));
    // The latest layer fed by a tensor of unknown origin (an op the engine does not know, a Lambda).
    let deadEnd = 0;
    // A custom Keras layer's record returns the tensors its call's records made: reached with them.
    const kerasLayers = new Map<number, TraceRecord[]>();
    for (const r of trace.records) if (r.kerasLayer) for (const t of r.outputs) if (t.producer !== r.seq) kerasLayers.set(t.id, [...(kerasLayers.get(t.id) ?? []), r]);
    const reached = new Set<number>();
    while (stack.length) {
      const t = stack.pop()!;
      if (kerasLayers.size && !reached.has(t.id)) {
        reached.add(t.id);
        for (const r of kerasLayers.get(t.id) ?? []) if (!wanted.has(r.seq)) {
          wanted.add(r.seq);
          stack.push(...r.inputs);
        }
      }
      if (inputIds.has(t.id) || wanted.has(t.producer)) continue;
      const r = t.producer === 0 ? undefined : bySeq.get(t.producer);
      if (!r) continue;
      wanted.add(r.seq);
      for (const i of r.inputs) if (i.producer === 0 && !inputIds.has(i.id)) deadEnd = Math.max(deadEnd, r.seq);
      stack.push(...r.inputs);
    }
    // The graph breaks there: the layers applied since the inputs were first used belong to it too.
    if (deadEnd > 0) {
      const first = trace.records.find((r) => r.inputs.some((i) => inputIds.has(i.id)));
      for (const r of trace.records) if (first && r.seq >= first.seq && r.seq < deadEnd && r.framework === 'keras') wanted.add(r.seq);
    }
    const records = [...wanted].sort((a, b) => a - b).map((s) => bySeq.get(s)!);
    const minSeq = records.length ? records[0].seq : 0;
    const maxSeq = records.length ? records[records.length - 1].seq : 0;
    // The assignments of the graph's span, and those that named its inputs (`inputs = keras.Input(...)`).
    const inputCalls = new Set(f.inputs.map((t) => t.origin.node?.startIndex).filter((i) => i !== undefined));
    const namesInput = (n: { node: SyntaxNode }) => n.node.parent?.type === 'assignment' && inputCalls.has(n.node.parent.childForFieldName('right')?.startIndex ?? -1);
    const notes = trace.notes.filter((n) => (n.seq >= minSeq && n.seq <= maxSeq + 1) || namesInput(n));
    const result = this.modelResult(c, f.inputs.map((t) => t.shape), source, records, valueToOutput(f.outputs), notes, f.inputs.map((t) => t.id));
    const outputs: TensorValue[] = [];
    const collect = (v: Value) => (v.t === 'tensor' ? outputs.push(v) : v.t === 'tuple' || v.t === 'list' ? v.items.forEach(collect) : v.t === 'dict' ? [...v.entries.values()].forEach((e) => collect(e.value)) : undefined);
    collect(f.outputs);
    result.outputsFrom = outputs.map((t) => records.findIndex((r) => r.seq === t.producer));
    return result;
  }

  /** Diagnostics of the last symbolic run made to solve a spatial size. */
  private symbolicDiagnostics = 0;

  /** Whether the last symbolic input was read from a layer that takes any leading axes (`Linear`: `(*, in_features)`). */
  private symbolicLeadingFree = false;

  private seqIndex: { key: string; map: Map<number, TraceRecord> } | undefined;

  /** The trace's records by sequence number, rebuilt only when the trace changed (sequence numbers only grow). */
  private recordsBySeq(): Map<number, TraceRecord> {
    const records = this.interp.trace.records;
    const key = `${records.length}:${records[records.length - 1]?.seq ?? 0}`;
    if (this.seqIndex?.key !== key) {
      const map = new Map<number, TraceRecord>();
      for (const r of records) map.set(r.seq, r);
      this.seqIndex = { key, map };
    }
    return this.seqIndex.map;
  }

  private modelResult(c: Candidate, input: Shape[], source: InputSource, records: TraceRecord[], output: Output, notes: { name: string; node: SyntaxNode; shape: Output; inferred?: Output }[], inputIds: number[]): ModelResult {
    // The model's own call is no leaf of itself (a model that registers no child module).
    records = records.filter((r) => r.leaf !== c.value);
    const names = moduleNames(c.value);
    const indexBySeq = new Map<number, number>();
    records.forEach((r, i) => indexBySeq.set(r.seq, i));
    // Each record is one object literal with every key in the order the JSON output writes them (a
    // key that does not apply holds undefined, which JSON leaves out, as it leaves out a missing
    // key): built key by key, the object's property store was grown and copied several times per
    // layer, and an object literal with spreads inside is assembled by the runtime one key at a time.
    const layers: LayerRecord[] = records.map((r) => {
      const application = r.layer?.def.application;
      const layer: LayerRecord = {
        kind: r.kind,
        module: r.module,
        leaf: r.leaf ? true : undefined,
        name: r.layer ? names.get(r.layer.id) ?? null : r.leaf ? names.get(r.leaf.id) ?? null : null,
        range: rangeOf(r.defNode),
        path: r.defNode.file,
        callRange: rangeOf(r.callNode),
        callPath: r.callNode.file,
        input: r.inputs.map((t) => t.shape),
        output: r.output,
        params: r.kerasLayer ? kerasLayerParams(r, records) : r.leaf ? leafParams(r.leaf) : r.module ? r.params ?? null : undefined,
        frozenParams: r.frozenParams,
        application,
        notes: r.notes,
        layerId: r.layer ? r.layer.id : null,
        args: r.layer ? argsOf(r.layer.bound.values, r.settledArgs) : r.kerasLayer?.name !== undefined ? { name: r.kerasLayer.name } : null,
        given: r.layer ? [...r.layer.bound.given] : [],
        inputsFrom: r.inputs.map((t) => indexBySeq.get(t.producer) ?? -1),
        modelInputs: r.inputs.map((t) => inputIds.indexOf(t.id)),
        within: undefined,
      };
      return layer;
    });
    // The records a custom Keras layer's call made (innermost layer first): one row with it in Keras's summary.
    records.forEach((r, i) => {
      if (!r.kerasLayer) return;
      for (let j = i - 1; j >= 0 && records[j].seq >= r.kerasLayer.firstSeq; j--) layers[j].within ??= i;
    });
    // A custom layer's own weights (`add_weight` in its build, a backend variable) are not all
    // followed: where its count is unknown, so is the model's.
    let total = layers.some((l, i) => records[i].kerasLayer && l.params === null) ? null : paramsOf(records, c.value);
    const counted = new Set<Value>();
    for (const r of records) {
      if (!r.kerasLayer || !r.leaf || counted.has(r.leaf)) continue;
      counted.add(r.leaf);
      const own = r.leaf.t === 'object' ? r.leaf.attrs.get(KERAS_WEIGHTS_ATTR) : undefined;
      if (own?.t === 'int' && typeof own.v === 'number') total = addCounts(total, own.v);
    }
    const assignments: TensorNote[] = notes.map((n) => {
      const note = { name: n.name, range: rangeOf(n.node) } as TensorNote;
      if (n.node.file !== undefined) note.path = n.node.file;
      note.shape = n.shape;
      if (n.inferred !== undefined) note.inferred = n.inferred;
      return note;
    });
    const blocks = this.blockRecords(c, records, names, indexBySeq);
    const model: ModelResult = { name: c.name, framework: c.framework, range: rangeOf(c.nameNode), extent: rangeOf(c.extentNode), ...pathOf(c.nameNode), input, inputSource: source, layers, output, totalParams: total, costs: EMPTY_COSTS, assignments, ...(blocks.length ? { blocks } : {}) };
    model.costs = modelCosts(model);
    return model;
  }

  /** The calls of user modules inside this model's pass (not the model itself), from the trace. */
  private blockRecords(c: Candidate, records: TraceRecord[], names: Map<number, string>, indexBySeq: Map<number, number>): BlockRecord[] {
    if (records.length === 0) return [];
    const [low, high] = [records[0].seq, records[records.length - 1].seq];
    const out: BlockRecord[] = [];
    // The trace's blocks are kept in the order their calls ended (by endSeq): this model's are a
    // run at the end of those that ended before its last record, found from the end (the trace
    // holds the blocks of every model analysed so far).
    const blocks = this.interp.trace.blocks;
    let first = blocks.length;
    while (first > 0 && blocks[first - 1].endSeq > low) first--;
    for (let i = first; i < blocks.length; i++) {
      const b = blocks[i];
      if (b.object === c.value || b.firstSeq < low || b.endSeq - 1 > high || b.endSeq <= b.firstSeq) continue;
      const inside = records.filter((r) => r.seq >= b.firstSeq && r.seq < b.endSeq);
      const params = paramsOf(inside, b.object);
      out.push({
        kind: b.object.t === 'object' ? b.object.cls.name : 'Sequential',
        name: names.get(b.object.id) ?? null,
        range: b.object.node ? rangeOf(b.object.node) : null,
        ...(b.object.node ? pathOf(b.object.node) : {}),
        callRange: rangeOf(b.callNode),
        ...(b.callNode.file !== undefined ? { callPath: b.callNode.file } : {}),
        input: b.inputs.map((t) => t.shape),
        output: b.output,
        params,
        layers: inside.map((r) => indexBySeq.get(r.seq) ?? -1).filter((i) => i >= 0),
        ...(b.object.t === 'container' ? { sequential: b.object.name === undefined ? {} : { name: b.object.name } } : {}),
      });
    }
    return out;
  }

  // ---------------------------------------------------------------- diagnostics

  /** The diagnostic for consumers; undefined inside an installed library's files, which are never reported on. */
  private toDiagnostic(d: RawDiagnostic): ShapeDiagnostic | undefined {
    const inLibrary = (node: SyntaxNode) => node.file !== undefined && this.loader.isLibrary(node.file) === true;
    if (inLibrary(d.node)) return undefined;
    // Messages name the analysed file's lines `line N`; shown in another file, they name the file.
    const own = this.options.path?.slice(this.options.path.lastIndexOf('/') + 1) ?? 'the analysed file';
    const text = (message: string) => (d.node.file === undefined ? message : message.replace(/\bat line (\d+)/g, `at ${own}:$1`));
    // A layer's argument is underlined where the wrong value enters the layer (blame.ts).
    const chain = d.layer && d.arg ? argumentChain(d.layer, d.arg, (n) => this.reported(n)) : [];
    const node = blamedPoint(chain, this.literalUses())?.node ?? d.node;
    const fixes = d.fix ? [{ ...writeFix(node.text, d.fix.value, d.fix.flattenedFrom ?? null, rangeOf(node)), ...pathOf(node) }] : [];
    if (d.edit) fixes.push({ title: d.edit.title, range: rangeOf(d.edit.node), newText: d.edit.newText, ...pathOf(d.edit.node) });
    const related: RelatedInfo[] = d.related.filter((r) => !inLibrary(r.node)).map((r) => ({ range: rangeOf(r.node), ...pathOf(r.node), message: text(r.message) }));
    if (d.layer && d.arg && !isWithin(node, d.layer.node)) related.unshift({ range: rangeOf(d.layer.node), ...pathOf(d.layer.node), message: `the ${d.layer.def.kind} built with this value` });
    // The way the number came, from the blamed expression out to where it was written.
    const at = chain.findIndex((p) => p.node === node);
    for (const p of chain.slice(at + 1)) related.push({ range: rangeOf(p.node), ...pathOf(p.node), message: p.source ? `${p.node.text} is written here` : `passed on as ${p.node.text} here` });
    return {
      code: d.code,
      severity: 'error',
      message: text(d.message),
      range: rangeOf(node),
      ...pathOf(node),
      related,
      fixes,
    };
  }

  private uses: LiteralUses | undefined;

  private literalUses(): LiteralUses {
    this.uses ??= new LiteralUses(this.interp.trace.records, this.interp.trace.diagnostics);
    return this.uses;
  }

  /** True for a node of the analysed text or of a workspace file outside the environment's libraries (not a `# model:` comment's text). */
  private reported(node: SyntaxNode): boolean {
    if (node.file !== undefined) return this.loader.isLibrary(node.file) !== true;
    let n = node;
    while (n.parent) n = n.parent;
    return n === this.tree.rootNode || n === this.tree.whole;
  }
}

/**
 * The text with each statement whose brackets never close (`self.pool = nn.MaxPool2d(2` followed
 * by a line no deeper than the statement) replaced by `pass`; null when there is none. Lines keep
 * their numbers, so ranges in the repaired text are ranges in the original.
 */
export function withoutUnclosedStatements(text: string): string | null {
  const lines = text.split('\n');
  const indent = (l: string) => l.length - l.trimStart().length;
  let depth = 0;
  let start = -1;
  let changed = false;
  let quote: string | null = null;
  const blank = (from: number, to: number) => {
    for (let k = from; k <= to; k++) lines[k] = k === from ? `${' '.repeat(indent(lines[from]))}pass` : '';
    changed = true;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (depth === 0 && quote === null) start = i;
    for (let j = 0; j < line.length; j++) {
      const ch = line[j];
      if (quote !== null) {
        if (ch === '\\') j++;
        else if (line.startsWith(quote, j)) {
          j += quote.length - 1;
          quote = null;
        }
      } else if (ch === '#') break;
      else if (ch === '"' || ch === "'") quote = line.startsWith(ch.repeat(3), j) ? ch.repeat(3) : ch;
      else if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
    }
    if (quote !== null && quote.length === 1) quote = null; // a one-quote string ends with its line
    if (depth === 0 || quote !== null) continue;
    let next = i + 1;
    while (next < lines.length && lines[next].trim() === '') next++;
    const nextLine = next < lines.length ? lines[next] : '';
    // A continuation may sit at the statement's own indentation; a new statement there ends it.
    const startsStatement = /^(?:(?:def|class|return|if|elif|else|for|while|with|try|except|finally|import|from|pass|raise)\b|@|[\w.]+(?:\[[^\]]*\])?\s*(?:[-+*/]?=[^=]|,))/.test(nextLine.trim());
    const ends = next >= lines.length || (!/^[)\]}]/.test(nextLine.trim()) && (indent(nextLine) < indent(lines[start]) || (indent(nextLine) === indent(lines[start]) && startsStatement)));
    if (ends) {
      blank(start, i);
      depth = 0;
    }
  }
  return changed ? lines.join('\n') : null;
}

/** A Linear fixes the size of its input's last axis: [that size, in_features]. */
function linearConstraint(r: TraceRecord): [Dim, number | null] {
  const inFeatures = r.layer?.bound.values.get('in_features');
  const shape = r.inputs[0]?.shape;
  return [shape ? shape[shape.length - 1] : null, typeof inFeatures === 'number' ? inFeatures : null];
}

/**
 * `x.view(-1, 320)` on a (N, C, h, w) input whose batch it cannot place (an unknown first axis)
 * says that one sample holds 320 elements: [the per-sample size, 320].
 */
function batchViewConstraint(r: TraceRecord, batch: Dim): [Dim, number | null] {
  const input = r.inputs[0]?.shape;
  const output = r.output instanceof TupleOut ? null : r.output;
  if (!input || !output || input.length < 2 || output.length < 2 || output[0] !== null) return [null, null];
  if (!(batch instanceof Expr) || !(input[0] instanceof Expr) || input[0].key !== batch.key) return [null, null];
  const rest = output.slice(1);
  if (!rest.every((d): d is number => typeof d === 'number')) return [null, null];
  return [product(input.slice(1)), rest.reduce((a, b) => a * b, 1)];
}

/** The element counts of the nn.Parameters held by the user modules under a model (null when a size is unknown). */
function directParameters(root: Value, appliedLayers: ReadonlySet<number>): (Count | null)[] {
  const out: (Count | null)[] = [];
  const seen = new Set<Value>();
  const visit = (v: Value, depth: number) => {
    if (depth > 30 || seen.has(v)) return;
    seen.add(v);
    if (v.t === 'object') {
      const held = v.attrs.get(LAYER_ATTR);
      if (held?.t === 'layer' && !appliedLayers.has(held.id) && !seen.has(held)) {
        seen.add(held);
        out.push(constructedParams(held));
      }
      for (const a of v.attrs.values()) {
        if (a.t === 'tensor' && a.parameter && !seen.has(a)) {
          seen.add(a);
          out.push(a.shape ? countOfTerms([a.shape]) : null);
        } else visit(a, depth + 1);
      }
    } else if (v.t === 'container') for (const i of v.items) visit(i, depth + 1);
  };
  visit(root, 0);
  return out;
}

/** A leaf module's own parameters (its `nn.Parameter`s); null when one's size is unknown. */
function leafParams(leaf: Value): Count | null {
  let total: Count | null = 0;
  for (const p of directParameters(leaf, new Set())) total = addCounts(total, p);
  return total;
}

/**
 * A custom Keras layer's parameters: those of the layers its call applied, where its class creates
 * no weights of its own (no `build`, no `add_weight`, no variable); null otherwise, since not every
 * way of making a weight is followed.
 */
function kerasLayerParams(r: TraceRecord, records: TraceRecord[]): Count | null {
  const m = r.leaf;
  if (!m || m.t !== 'object' || !r.kerasLayer) return null;
  // Weights made otherwise than by add_weight (a backend variable, `self.trainable_weights = [...]`) are not followed.
  const makesWeights = (c: ClassValue, depth: number): boolean => depth < 8 && (/\b([Vv]ariable|\w*weights)\b/.test(c.node.text) || c.bases.some((b) => b.t === 'class' && makesWeights(b, depth + 1)));
  if (makesWeights(m.cls, 0)) return null;
  const own = m.attrs.get(KERAS_WEIGHTS_ATTR);
  const weights = own === undefined ? 0 : own.t === 'int' && typeof own.v === 'number' ? own.v : null;
  if (weights === null) return null;
  const inner = records.filter((x) => x.seq >= r.kerasLayer!.firstSeq && x.seq < r.seq);
  return addCounts(paramsOf(inner, m), weights);
}

/** Whether a function's text calls a name (`ResNet(`, not `self.ResNet(` nor `build_ResNet(`). */
/** Elementwise ops an input may go through before its first layer, where their other operands are no larger than it. */
const NORMALISING_OPS = new Set(['sub', 'add', 'mul', 'truediv', 'rsub', 'radd', 'rmul', 'rtruediv', 'float', 'type_as', 'neg']);
const MAX_NORMALISING_OPS = 4;

/** Whether a tensor of shape `other` broadcasts into `shape` without changing it (a per-channel mean (1, 3, 1, 1) into (N, C, H, W)). */
function keepsShape(shape: Shape, other: Shape): boolean {
  if (shape === null || other === null || other.length > shape.length) return false;
  const offset = shape.length - other.length;
  return other.every((d, i) => d === 1 || equalDims(d, shape[offset + i]) !== false);
}

function callsByName(text: string, name: string): boolean {
  return new RegExp(`(^|[^\\w.])${name}\\s*\\(`).test(text);
}

/**
 * The names a function's one return statement gives the items it returns (`return [train_model,
 * infer_model]`, `return encoder, decoder`); undefined where it returns otherwise.
 */
function returnedNames(f: FunctionValue, count: number): string[] | undefined {
  const returns: SyntaxNode[] = [];
  const visit = (n: SyntaxNode) => {
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return;
    if (n.type === 'return_statement') returns.push(n);
    else for (const c of n.namedChildren) visit(c);
  };
  const body = f.node.childForFieldName('body');
  if (body) visit(body);
  if (returns.length !== 1) return undefined;
  let e = returns[0].namedChildren[0];
  if (e && (e.type === 'list' || e.type === 'tuple' || e.type === 'parenthesized_expression')) e = e.type === 'parenthesized_expression' ? e.namedChildren[0] : e;
  const items = e ? (e.type === 'list' || e.type === 'tuple' || e.type === 'expression_list' ? e.namedChildren : []) : [];
  if (items.length !== count || !items.every((i) => i.type === 'identifier')) return undefined;
  return items.map((i) => i.text);
}

/** Whether a function takes `**kwargs`. */
function takesKeywordSplat(f: FunctionValue): boolean {
  const params = f.node.childForFieldName('parameters');
  return !!params && params.namedChildren.some((p) => p.type === 'dictionary_splat_pattern' || (p.type === 'typed_parameter' && p.namedChildren[0]?.type === 'dictionary_splat_pattern'));
}

/**
 * Unknown values for a function's required parameters (positional, and keyword-only after `*`);
 * undefined where its parameters cannot be read.
 */
function requiredArguments(f: FunctionValue): { args: Value[]; kwargs: Map<string, Value> } | undefined {
  const params = f.node.childForFieldName('parameters');
  if (!params) return undefined;
  const args: Value[] = [];
  const kwargs = new Map<string, Value>();
  let keywordOnly = false;
  for (const p of params.namedChildren) {
    if (p.type === 'list_splat_pattern' || p.type === 'keyword_separator' || (p.type === 'typed_parameter' && p.namedChildren[0]?.type === 'list_splat_pattern')) keywordOnly = true;
    if (p.type !== 'identifier' && p.type !== 'typed_parameter') continue;
    const nameNode = p.type === 'identifier' ? p : p.namedChildren[0];
    if (!nameNode || nameNode.type !== 'identifier') continue;
    if (keywordOnly) kwargs.set(nameNode.text, { t: 'unknown' });
    else args.push({ t: 'unknown' });
  }
  return { args, kwargs };
}

/** A layer's parameter count from its constructor arguments alone (no input); null where that needs the input. */
function constructedParams(layer: LayerValue): Count | null {
  if (layer.opaque || layer.bound.problems.length) return null;
  const def = layer.def;
  const makeContext = (b: BoundArgs) => new ArgContext({ framework: def.framework, kind: def.kind, bound: b, inputs: [], inputOrigins: [] });
  return inferWithUnknownFlags(def.params, layer.bound, makeContext, (ctx) => def.infer(ctx)).result.params ?? null;
}

/**
 * The parameters of the layers applied in `records` (each layer once), plus the nn.Parameters that
 * `holder`'s modules hold directly (a class token, a position embedding) and the weights of a layer
 * subclass whose own forward never applies the layer it was built as
 * (`F.batch_norm(input, self.running_mean, ..., self.weight, self.bias)`).
 */
function paramsOf(records: TraceRecord[], holder: Value): Count | null {
  const seen = new Set<number>();
  let total: Count | null = 0;
  for (const r of records) {
    if (!r.layer || seen.has(r.layer.id)) continue;
    seen.add(r.layer.id);
    total = addCounts(total, r.params ?? null);
  }
  if (total !== null) for (const p of directParameters(holder, seen)) total = addCounts(total, p);
  return total;
}

/** Every module-like value held inside one of `roots` (not the roots themselves, unless nested in another). */
function nestedValues(roots: Value[]): Set<Value> {
  const out = new Set<Value>();
  const visit = (v: Value, depth: number) => {
    if (depth > 30) return;
    if (depth > 0) {
      if (out.has(v)) return;
      out.add(v);
    }
    if (v.t === 'object') for (const a of v.attrs.values()) visit(a, depth + 1);
    else if (v.t === 'container') for (const i of v.items) visit(i, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  return out;
}

function isWithin(inner: SyntaxNode, outer: SyntaxNode): boolean {
  return inner.file === outer.file && inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** `{ path }` for a node of another file of the workspace; nothing for the analysed file's own. */
/** The spatial symbols of an input of each rank. */
const SPATIAL_SYMBOLS_BY_RANK: Record<number, string[]> = { 1: ['L'], 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

/** The number of spatial axes a PyTorch layer kind fixes (`Conv3d`: 3); undefined for a layer of any rank. */
function layerRank(kind: string): number | undefined {
  const m = /^(?:Lazy)?(?:Conv|ConvTranspose|MaxPool|AvgPool|AdaptiveAvgPool|AdaptiveMaxPool|BatchNorm|InstanceNorm|LPPool|ReflectionPad|ReplicationPad|ZeroPad|ConstantPad)([123])d$/.exec(kind);
  return m ? Number(m[1]) : undefined;
}

/** Whether `n` lies in the base-class list of the class definition `cls` (`class B(A):`). */
function isInBases(cls: SyntaxNode, n: SyntaxNode): boolean {
  const bases = cls.childForFieldName('superclasses');
  return !!bases && n.startIndex >= bases.startIndex && n.endIndex <= bases.endIndex;
}

/** The deepest node whose range holds the character at `index` (children found by bisection). */
function deepestAt(root: SyntaxNode, index: number): SyntaxNode {
  let n = root;
  for (;;) {
    const children = n.children;
    let lo = 0;
    let hi = children.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (children[mid].startIndex <= index) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 || children[found].endIndex <= index) return n;
    n = children[found];
  }
}

/** A layer's bound arguments as a plain object, with those its call settled in their place (an object spread of a map's entries costs far more). */
function argsOf(values: Map<string, ArgValue>, settled: Record<string, ArgValue> | undefined): Record<string, ArgValue> {
  const args: Record<string, ArgValue> = {};
  const put = (k: string, v: ArgValue) => {
    if (k === '__proto__') Object.defineProperty(args, k, { value: v, enumerable: true, writable: true, configurable: true });
    else args[k] = v;
  };
  for (const [k, v] of values) put(k, v);
  if (settled) for (const k of Object.keys(settled)) put(k, settled[k]);
  return args;
}

function pathOf(node: SyntaxNode): { path?: string } {
  return node.file === undefined ? {} : { path: node.file };
}

/** The statement a name is assigned in (`model = keras.Sequential([...])`). */
function statementOf(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent && n.type !== 'expression_statement') n = n.parent;
  return n.type === 'expression_statement' ? n : node;
}

function valueToOutput(v: Value): Output {
  if (v.t === 'tensor') return v.shape;
  if (v.t === 'tuple' || v.t === 'list') return new TupleOut(v.items.map(valueToOutput));
  return null;
}

/** Attribute paths of every layer object under a model, as PyTorch's named_modules() spells them. */
function moduleNames(root: Value): Map<number, string> {
  const out = new Map<number, string>();
  const seen = new Set<Value>();
  const visit = (v: Value, path: string, depth: number) => {
    if (depth > 30 || seen.has(v)) return;
    seen.add(v);
    if (v.t === 'layer') {
      if (!out.has(v.id)) out.set(v.id, path);
    } else if (v.t === 'container') {
      if (path && !out.has(v.id)) out.set(v.id, path);
      v.items.forEach((item, i) => visit(item, join(path, v.keys ? v.keys[i] : String(i)), depth + 1));
    } else if (v.t === 'object') {
      if (path && !out.has(v.id)) out.set(v.id, path);
      // A container subclass's layers are its own children: `features.0.1`, not `features.0.__container__.1`.
      for (const [k, a] of v.attrs) visit(a, k === CONTAINER_ATTR || k === LAYER_ATTR ? path : join(path, k), depth + 1);
    } else if (v.t === 'list' || v.t === 'tuple') {
      // Plain lists of layers are not registered by PyTorch; they keep no name.
    }
  };
  visit(root, '', 0);
  return out;
}

function join(a: string, b: string): string {
  return a ? `${a}.${b}` : b;
}

export type { Dim };
export { evaluateDim };
