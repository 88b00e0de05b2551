// Writes a Keras model for a PyTorch model found by the analysis: the same layers in the same
// order, channels-last, with every size filled in from the shape engine.
//
// The layer table (keras-layers.ts) says what each PyTorch layer or operation becomes; this file
// follows the layout of every tensor (channels last for convolutions, PyTorch's order for Dense,
// LSTM and Flatten) and inserts a Permute where a layer needs the other one, merges a record into
// its consumer where Keras has one layer for both (an LSTM whose last step is taken, a global
// pooling that is flattened), and writes a `keras.Sequential` for a plain chain or a functional
// `keras.Model(inputs, outputs)` otherwise. It also returns what the tests and the numeric check
// need: the generated lines of every PyTorch record, the layout of its value, and which Keras
// layer receives which PyTorch module's parameters. Pure: text in, text out; it never throws.

import { analyze } from '../analysis/analyze';
import type { AnalysisResult, LayerRecord, ModelResult } from '../analysis/result';
import { withoutLeafModules } from '../analysis/view';
import { dimToString } from '../shapes/dim';
import { TupleOut, type Shape } from '../shapes/types';
import { convertTorchRecord, isLastStep, isPassThrough, kerasShape, NON_NEGATIVE_KINDS, permuteCode, type KerasConversion, type KerasLayout, type KerasPortKind } from './keras-layers';
import { torchLoader } from './keras-weights';
import { modelInputs, outputRecords, sourceLines, tupleItemPicker, type SourceReader } from './pytorch';

export interface KerasWeightPort {
  /** 0-based line of `code` holding the Keras layer's constructor. */
  line: number;
  kind: KerasPortKind;
  /** The PyTorch module's path in the state_dict (`conv1`, `features.0`). */
  path: string;
  info?: Record<string, unknown>;
  /** The Keras layer's name= (load_torch_state_dict finds the layer by it). */
  name?: string;
}

export interface ConvertedKerasModel {
  /** The whole Python file: imports and the model. */
  code: string;
  /** One line per record converted with a TODO. */
  warnings: string[];
  /** The variable that holds the Keras model. */
  variable: string;
  /** For each PyTorch record, the 0-based lines of `code` whose Keras layers compute it. */
  layerLines: number[][];
  /** For each PyTorch record, the layout of its Keras value; null where it has none of its own (merged into its consumer). */
  layouts: (KerasLayout | null)[];
  inputLayouts: KerasLayout[];
  /** The layouts of the model's outputs, in the order the PyTorch forward() returns them. */
  outputLayouts: KerasLayout[];
  ports: KerasWeightPort[];
  /** Records with no faithful equivalent (shapes may differ past them). */
  unsupported: number[];
  sequential: boolean;
}

/** What the language server's code action calls: the model's Keras version, or a reason in warnings. */
export function convertTorchModel(text: string, result: AnalysisResult, modelName: string, readFile?: SourceReader): { code: string; warnings: string[] } {
  const model = result.models.find((m) => m.name === modelName && m.framework === 'torch');
  if (!model) return { code: '', warnings: [`no PyTorch model named '${modelName}' was found`] };
  const converted = convertPyTorchModel(model, text, 'load_torch_state_dict', readFile);
  return { code: converted.code, warnings: converted.warnings };
}

/** Converts every PyTorch model of a file (or the one named), for the command line. */
export function convertTorchFile(text: string, modelName?: string): { code: string; warnings: string[]; models: ConvertedKerasModel[] } {
  const result = analyze(text);
  const models = result.models.filter((m) => m.framework === 'torch' && (!modelName || m.name === modelName));
  if (models.length === 0) return { code: '', warnings: [modelName ? `no PyTorch model named '${modelName}' was found` : 'no PyTorch model was found'], models: [] };
  const converted = models.map((m) => convertPyTorchModel(m, text, models.length > 1 ? `load_${snakeName(m.name)}_state_dict` : undefined));
  const code = [IMPORTS.join('\n'), ...converted.map((c) => c.code.slice(c.code.indexOf('\n\n\n') + 3).trimEnd())].join('\n\n\n') + '\n';
  return { code: converted.length === 1 ? converted[0].code : code, warnings: converted.flatMap((c) => c.warnings), models: converted };
}

const IMPORTS = ['from tensorflow import keras', 'from tensorflow.keras import layers'];

// ---------------------------------------------------------------- the plan

interface RecordPlan {
  index: number;
  /** The record whose arguments make the Keras layers (a merged producer's, or its own). */
  source: LayerRecord;
  /** The values it reads: producer record indices (after pass-throughs and merges), or -1 - model input. */
  inputs: number[];
  conversion: KerasConversion | null;
  /** Set on a record merged into its consumer or passed through: the value it stands for. */
  aliasOf?: number;
}

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);

/** `loader`: the name of the state_dict loader (a file with several models names one per model). */
export function convertPyTorchModel(model: ModelResult, text: string, loader = 'load_torch_state_dict', readFile?: SourceReader): ConvertedKerasModel {
  // A leaf module that is no layer (an empty nn.Sequential, a module running only ops) computes
  // nothing of its own: converted without it, indexed as the model's records (none of its own lines).
  const kept = model.layers.flatMap((l, i) => (l.leaf ? [] : [i]));
  if (kept.length === model.layers.length) return convertRecords(model, text, loader, readFile);
  const c = convertRecords(withoutLeafModules(model), text, loader, readFile);
  const layerLines: number[][] = model.layers.map(() => []);
  const layouts: (KerasLayout | null)[] = model.layers.map(() => null);
  kept.forEach((i, k) => {
    layerLines[i] = c.layerLines[k];
    layouts[i] = c.layouts[k];
  });
  return { ...c, layerLines, layouts, unsupported: c.unsupported.map((k) => kept[k]) };
}

function convertRecords(model: ModelResult, text: string, loader: string, readFile?: SourceReader): ConvertedKerasModel {
  const own = text.split('\n');
  // An operation applied in another file of the workspace reads its arguments from that file.
  const linesFor = (r: LayerRecord): string[] => [...sourceLines(own, r, readFile)];
  const records = model.layers;
  const consumers = records.map((_, k) => records.map((r, i) => (r.inputsFrom.includes(k) ? i : -1)).filter((i) => i >= 0));
  const itemOf = tupleItemPicker(model, text, readFile);
  const outputs = modelOutputs(model);

  // Merges: a recurrent layer into the `[:, -1]` that takes its last step; a global pooling into the flatten after it.
  const mergedInto = new Map<number, number>();
  const mergedFrom = new Map<number, number>();
  records.forEach((r, k) => {
    const only = consumers[k].length === 1 && !outputs.includes(k) ? consumers[k][0] : -1;
    if (only < 0) return;
    const c = records[only];
    const lastStep = RECURRENT.has(r.kind) && r.args?.bidirectional !== true && isLastStep(c, linesFor(c)) && (itemOf(only, 0) ?? 0) === 0;
    const pooledThenFlattened = isGlobalPool(r, linesFor(r)) && ['Flatten', 'flatten', 'view', 'reshape'].includes(c.kind) && Array.isArray(c.output) && c.output.length === 2;
    if (lastStep || pooledThenFlattened) {
      mergedInto.set(k, only);
      mergedFrom.set(only, k);
    }
  });

  const inputShapes = modelInputs(model);
  const resolve = (k: number, i: number, r: LayerRecord): number => (k >= 0 ? k : r.modelInputs[i] >= 0 ? -1 - r.modelInputs[i] : -Infinity);
  const plans: RecordPlan[] = records.map((record, index) => {
    const from = mergedFrom.get(index);
    const source = from !== undefined ? records[from] : record;
    return { index, source, inputs: source.inputsFrom.map((k, i) => resolve(k, i, source)), conversion: null };
  });
  // Pass-through records (contiguous, Identity) and merged producers stand for another value.
  const valueOf = (v: number): number => {
    let k = v;
    for (let guard = 0; k >= 0 && plans[k].aliasOf !== undefined && guard < records.length; guard++) k = plans[k].aliasOf!;
    return k;
  };
  plans.forEach((p) => {
    if (mergedInto.has(p.index)) p.aliasOf = -Infinity;
    else if (isPassThrough(p.source) && p.inputs.length === 1) p.aliasOf = p.inputs[0];
  });

  // Layouts: a model input is channels-last when its first reader wants it so.
  const inputLayouts: KerasLayout[] = inputShapes.map((s, m) => {
    if (!s || s.length < 3) return 'id';
    const reader = plans.find((p) => p.inputs.includes(-1 - m) && p.aliasOf === undefined);
    if (!reader) return s.length >= 4 ? 'cl' : 'id';
    const wants = convertTorchRecord({ record: reader.source, lines: linesFor(reader.source), inputLayout: 'cl', nonNegativeInput: false }).wants;
    return wants === 'any' ? (s.length >= 4 ? 'cl' : 'id') : wants;
  });
  const layoutOfValue = new Map<number, KerasLayout>();
  inputShapes.forEach((_, m) => layoutOfValue.set(-1 - m, inputLayouts[m]));
  const rankOfValue = (v: number): number | null => {
    if (v < 0) return inputShapes[-1 - v]?.length ?? null;
    const o = records[v].output;
    return Array.isArray(o) ? o.length : o instanceof TupleOut && Array.isArray(o.items[0]) ? (o.items[0] as unknown[]).length : null;
  };

  const warnings: string[] = [];
  const unsupported: number[] = [];
  for (const p of plans) {
    if (p.aliasOf !== undefined) continue;
    p.inputs = p.inputs.map(valueOf);
    const first = p.inputs[0] ?? -1;
    const producer = first >= 0 ? records[first] : null;
    p.conversion = convertRecord({
      record: p.source,
      lines: linesFor(p.source),
      inputLayout: layoutOfValue.get(first) ?? 'id',
      nonNegativeInput: producer !== null && NON_NEGATIVE_KINDS.has(producer.kind),
      lastStepOnly: mergedFrom.has(p.index) && RECURRENT.has(p.source.kind),
    });
    if (mergedFrom.has(p.index) && !RECURRENT.has(p.source.kind)) {
      // The flatten after a global pooling: the pooling without keepdims is already (N, C).
      p.conversion = { ...p.conversion, parts: p.conversion.parts.map((part) => ({ ...part, code: part.code.replace('keepdims=True', '') })), produces: 'id' };
    }
    // A value read as several tensors (return_state) other than the first has no Keras counterpart here.
    if (p.source.inputsFrom.some((k, i) => k >= 0 && records[k].output instanceof TupleOut && (itemOf(p.source === records[p.index] ? p.index : mergedFrom.get(p.index)!, i) ?? 0) !== 0)) {
      p.conversion = { ...p.conversion, todo: joinTodo(p.conversion.todo, 'it reads the hidden state of a recurrent layer, which is not converted yet') };
    }
    const rank = rankOfValue(first);
    const inLayout = layoutOfValue.get(first) ?? 'id';
    const target = p.conversion.wants === 'any' ? inLayout : p.conversion.wants;
    const produced = p.conversion.produces ?? target;
    const outRank = rankOfValue(p.index);
    layoutOfValue.set(p.index, outRank !== null && outRank <= 2 ? 'id' : produced);
    if (rank !== null && rank <= 2) layoutOfValue.set(first, 'id');
    if (p.conversion.todo) {
      warnings.push(`${p.source.kind} at line ${p.source.range.line + 1}: ${p.conversion.todo}`);
      if (p.conversion.parts.length === 1 && p.conversion.parts[0].code === 'layers.Identity()') unsupported.push(p.index);
    }
    if (p.inputs.some((v) => v === -Infinity)) {
      warnings.push(`${p.source.kind} at line ${p.source.range.line + 1}: its input comes from something the analysis did not trace; it is wired to the model input`);
      unsupported.push(p.index);
    }
  }
  // Merged producers take their consumer's value; pass-throughs their input's.
  plans.forEach((p) => {
    if (mergedInto.has(p.index)) p.aliasOf = mergedInto.get(p.index)!;
  });

  const variable = `${snakeName(model.name)}_keras`;
  const writer = new Writer();
  const materialised = plans.filter((p) => p.conversion !== null);
  const sequential = isChain(materialised, inputShapes.length, outputs.map(valueOf)) && !sharesLayers(materialised);
  const ports: KerasWeightPort[] = [];
  const header = [`# Keras version of the PyTorch model \`${model.name}\`: ${layoutSentence(inputLayouts)}`, ...IMPORTS, '', ''];
  header.forEach((l) => writer.line(l));
  const inputCode = inputShapes.map((s, m) => inputConstructor(s, inputLayouts[m], plans.some((p) => p.conversion && p.inputs.includes(-1 - m) && p.source.kind === 'Embedding')));
  if (sequential) writeSequential(writer, materialised, inputCode[0] ?? 'keras.Input(shape=(None,))', layoutOfValue, rankOfValue, variable, model.name, ports);
  else writeFunctional(writer, model, materialised, inputCode, layoutOfValue, rankOfValue, outputs.map(valueOf), variable, ports);

  // The state_dict loader, last: it needs only NumPy.
  const named = ports.filter((p): p is KerasWeightPort & { name: string } => p.name !== undefined);
  if (named.length > 0) ['', '', ...torchLoader(model.name, named, loader)].forEach((l) => writer.line(l));
  const layerLines = records.map((_, i) => writer.linesOf(i));
  const layouts = records.map((_, i) => (plans[i].conversion ? layoutOfValue.get(i) ?? 'id' : null));
  const outputLayouts = outputs.map((o) => layoutOfValue.get(valueOf(o)) ?? 'id');
  return { code: writer.lines.join('\n') + '\n', warnings, variable, layerLines, layouts, inputLayouts, outputLayouts, ports, unsupported, sequential };
}

/** The records the forward() returns, in its order: the shared reading, and for a tuple that returns a tensor also read further on, the last record of that shape. */
function modelOutputs(model: ModelResult): number[] {
  const base = outputRecords(model);
  const out = model.output;
  if (!(out instanceof TupleOut) || base.length === out.items.length) return base;
  const key = (s: unknown) => JSON.stringify(Array.isArray(s) ? s.map((d) => dimToString(d as never)) : s);
  const picked: number[] = [];
  for (const item of out.items) {
    const matching = model.layers.map((r, i) => i).filter((i) => key(model.layers[i].output) === key(item) && !picked.includes(i));
    const choice = matching.find((i) => base.includes(i)) ?? matching[matching.length - 1];
    if (choice === undefined) return base;
    picked.push(choice);
  }
  return picked;
}

function convertRecord(ctx: Parameters<typeof convertTorchRecord>[0]): KerasConversion {
  try {
    return convertTorchRecord(ctx);
  } catch {
    return { parts: [{ code: 'layers.Identity()' }], wants: 'any', todo: `${ctx.record.kind} could not be converted` };
  }
}

function joinTodo(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}

/** A pooling to 1×1 (adaptive or a mean over the spatial axes with keepdim). */
function isGlobalPool(r: LayerRecord, lines: string[]): boolean {
  if (!/^(Adaptive(Avg|Max)Pool[123]d|adaptive_(avg|max)_pool[123]d)$/.test(r.kind)) return false;
  const out = Array.isArray(r.output) ? (r.output as Shape)! : null;
  const converted = convertRecord({ record: r, lines, inputLayout: 'cl', nonNegativeInput: false });
  return out !== null && out.length >= 3 && out.slice(2).every((d) => d === 1) && converted.parts.some((p) => p.code.includes('keepdims=True'));
}

/** A plain chain: one input, every layer reading the one before, the last one returned. */
function isChain(plans: RecordPlan[], inputCount: number, outputs: number[]): boolean {
  if (inputCount !== 1 || plans.length === 0) return false;
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i];
    if (p.inputs.length !== 1 || p.conversion!.merge) return false;
    if (p.inputs[0] !== (i === 0 ? -1 : plans[i - 1].index)) return false;
  }
  return outputs.length === 1 && outputs[0] === plans[plans.length - 1].index;
}

function sharesLayers(plans: RecordPlan[]): boolean {
  const seen = new Set<number>();
  for (const p of plans) {
    const id = p.source.layerId;
    if (id === null || !p.source.module) continue;
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

function inputConstructor(s: Shape, layout: KerasLayout, ids: boolean): string {
  const dims = (kerasShape(s, layout) ?? [null, null]).slice(1).map((d) => (typeof d === 'number' ? String(d) : 'None'));
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  return `keras.Input(shape=${shape}${ids ? ', dtype="int32"' : ''})`;
}

function layoutSentence(inputs: KerasLayout[]): string {
  return inputs.includes('cl') ? 'images are channels-last (N, H, W, C) where PyTorch has (N, C, H, W).' : 'tensors keep the PyTorch order of axes.';
}

// ---------------------------------------------------------------- text

class Writer {
  readonly lines: string[] = [];
  private readonly owners = new Map<number, number[]>();

  line(text: string, owner?: number): number {
    if (owner !== undefined) {
      const list = this.owners.get(owner) ?? [];
      list.push(this.lines.length);
      this.owners.set(owner, list);
    }
    this.lines.push(text);
    return this.lines.length - 1;
  }

  linesOf(owner: number): number[] {
    return this.owners.get(owner) ?? [];
  }
}

type RankOf = (v: number) => number | null;

/** The Permute layers that bring each input into the layout the record wants, and the layout they end in. */
function permutesFor(p: RecordPlan, layouts: Map<number, KerasLayout>, rankOf: RankOf): { index: number; code: string }[] {
  const c = p.conversion!;
  const firstLayout = layouts.get(p.inputs[0] ?? -1) ?? 'id';
  const target = c.wants === 'any' ? firstLayout : c.wants;
  const out: { index: number; code: string }[] = [];
  p.inputs.forEach((v, i) => {
    const rank = rankOf(v);
    const from = layouts.get(v) ?? 'id';
    if (rank !== null && rank >= 3 && from !== target) out.push({ index: i, code: permuteCode(rank, from) });
  });
  return out;
}

function portOf(p: RecordPlan, line: number, part: KerasConversion['parts'][number]): KerasWeightPort | null {
  if (!part.port || !p.source.name) return null;
  return { line, kind: part.port, path: p.source.name, info: part.portInfo, name: layerName(p, part) ?? undefined };
}

/**
 * The Keras name of a layer that receives a PyTorch module's parameters: the module's path
 * (`features.0` → `features_0`; a stacked LSTM's second layer `lstm_l1`), so that
 * load_torch_state_dict finds it.
 */
function layerName(p: RecordPlan, part: KerasConversion['parts'][number]): string | null {
  if (!part.port || !p.source.name) return null;
  const layer = part.portInfo?.layer;
  const base = p.source.name.replace(/\W/g, '_');
  return `${/^\d/.test(base) ? `layer_${base}` : base}${typeof layer === 'number' && layer > 0 ? `_l${layer}` : ''}`;
}

/** A layer constructor with `name="..."` added when it receives weights. */
function named(p: RecordPlan, part: KerasConversion['parts'][number]): string {
  const name = layerName(p, part);
  if (!name || !part.code.endsWith(')')) return part.code;
  const inside = part.code.slice(part.code.indexOf('(') + 1, -1).trim();
  return `${part.code.slice(0, -1)}${inside ? ', ' : ''}name="${name}")`;
}

function writeSequential(w: Writer, plans: RecordPlan[], input: string, layouts: Map<number, KerasLayout>, rankOf: RankOf, variable: string, name: string, ports: KerasWeightPort[]): void {
  w.line(`${variable} = keras.Sequential(`);
  w.line('    [');
  w.line(`        ${input},`);
  for (const p of plans) {
    const c = p.conversion!;
    const owner = p.index;
    if (c.comment) w.line(`        # ${c.comment}`);
    let first = true;
    const todo = () => {
      const t = first && c.todo ? `  # TODO: ${c.todo}` : '';
      first = false;
      return t;
    };
    for (const perm of permutesFor(p, layouts, rankOf)) w.line(`        ${perm.code},${todo()}`, owner);
    for (const part of c.parts) {
      const line = w.line(`        ${named(p, part)},${todo()}`, owner);
      const port = portOf(p, line, part);
      if (port) ports.push(port);
    }
  }
  w.line('    ],');
  w.line(`    name="${name}",`);
  w.line(')');
}

function writeFunctional(w: Writer, model: ModelResult, plans: RecordPlan[], inputs: string[], layouts: Map<number, KerasLayout>, rankOf: RankOf, outputs: number[], variable: string, ports: KerasWeightPort[]): void {
  const inputNames = inputs.length === 1 ? ['inputs'] : inputs.map((_, i) => `inputs_${i + 1}`);
  inputs.forEach((code, i) => w.line(`${inputNames[i]} = ${code}`));
  const lastUse = new Map<number, number>();
  plans.forEach((p, order) => p.inputs.forEach((v) => lastUse.set(v, order)));
  for (const o of outputs) lastUse.set(o, Infinity);
  const holder = new Map<string, number>();
  inputNames.forEach((n, i) => holder.set(n, -1 - i));
  const nameOfValue = new Map<number, string>();
  inputNames.forEach((n, i) => nameOfValue.set(-1 - i, n));
  const assigned = assignmentNames(model);
  const shared = new Map<number, string>();
  const layerIdCount = new Map<number, number>();
  for (const p of plans) if (p.source.module && p.source.layerId !== null) layerIdCount.set(p.source.layerId, (layerIdCount.get(p.source.layerId) ?? 0) + 1);
  const taken = new Set<string>([...inputNames, variable, 'keras', 'layers']);

  plans.forEach((p, order) => {
    const c = p.conversion!;
    const owner = p.index;
    const isFree = (n: string) => !holder.has(n) || (lastUse.get(holder.get(n)!) ?? -1) <= order;
    const firstInput = nameOfValue.get(p.inputs[0] ?? -1) ?? inputNames[0];
    const wanted = assigned.get(p.source.callRange.line);
    let target = wanted && isFree(wanted) && !taken.has(wanted) ? wanted : /^inputs/.test(firstInput) ? 'x' : firstInput;
    if (!isFree(target)) target = ['x', 'y', 'z', 'h'].find((n) => isFree(n) && !taken.has(n)) ?? `x${p.index}`;
    if (c.comment) w.line(`# ${c.comment}`);
    let first = true;
    const todo = () => {
      const t = first && c.todo ? `  # TODO: ${c.todo}` : '';
      first = false;
      return t;
    };
    const args = p.inputs.map((v) => nameOfValue.get(v) ?? inputNames[0]);
    for (const perm of permutesFor(p, layouts, rankOf)) {
      const name = perm.index === 0 ? target : `${args[perm.index]}_permuted`;
      w.line(`${name} = ${perm.code}(${args[perm.index]})${todo()}`, owner);
      args[perm.index] = name;
    }
    let current: string | null = null;
    for (const part of c.parts) {
      const applied = current ?? (c.merge ? `[${args.join(', ')}]` : args[0]);
      const code = named(p, part);
      let callee = code;
      const id = p.source.layerId;
      if (part.port && p.source.module && id !== null && (layerIdCount.get(id) ?? 0) > 1) {
        if (!shared.has(id)) {
          let name = snakeName(p.source.name ?? p.source.kind);
          while (taken.has(name)) name += '_';
          taken.add(name);
          shared.set(id, name);
          const line = w.line(`${name} = ${code}${todo()}`, owner);
          const port = portOf(p, line, part);
          if (port) ports.push(port);
        }
        callee = shared.get(id)!;
      }
      const line = w.line(`${target} = ${callee}(${applied})${todo()}`, owner);
      if (callee === code) {
        const port = portOf(p, line, part);
        if (port) ports.push(port);
      }
      current = target;
    }
    if (current === null) {
      // No layer of its own (a flatten of an already flat tensor): the value keeps its input's name.
      nameOfValue.set(p.index, args[0]);
      return;
    }
    holder.set(target, p.index);
    nameOfValue.set(p.index, target);
  });
  const returned = outputs.map((o) => nameOfValue.get(o) ?? inputNames[0]);
  const ins = inputNames.length === 1 ? inputNames[0] : `[${inputNames.join(', ')}]`;
  const outs = returned.length === 1 ? returned[0] : `[${returned.join(', ')}]`;
  w.line(`${variable} = keras.Model(${ins}, ${outs}, name="${model.name}")`);
}

/** Tensor names from the PyTorch source: the variable each line assigns, where it is a plain name. */
function assignmentNames(model: ModelResult): Map<number, string> {
  const out = new Map<number, string>();
  for (const a of model.assignments) if (/^[A-Za-z_]\w*$/.test(a.name) && !RESERVED.has(a.name)) out.set(a.range.line, a.name);
  return out;
}

const RESERVED = new Set(['self', 'keras', 'layers', 'input', 'inputs', 'None', 'True', 'False', 'torch', 'nn', 'F']);

function snakeName(name: string): string {
  const s = name.replace(/\./g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/\W/g, '_').toLowerCase();
  return /^\d/.test(s) ? `layer_${s}` : s || 'model';
}

/** A PyTorch shape as the Keras model sees it, for messages and tests: `(None, 28, 28, 1)`. */
export function formatKerasShape(s: Shape, layout: KerasLayout): string {
  const k = kerasShape(s, layout);
  if (!k) return '(None, ...)';
  return `(${k.map((d, i) => (i === 0 ? 'None' : dimToString(d))).join(', ')})`;
}
