// Writes PyTorch nn.Modules for a Keras model found by the analysis: the same layers in the same
// order, with every channel count filled in from the shape engine.
//
// The layer table (layers.ts) says what each Keras layer becomes; this file decides the shape of
// each class (an nn.Sequential for a Keras Sequential, named attributes and a forward() with named
// tensors otherwise), composes sub-models (a Sequential or functional model called as a layer gets
// its own class, which the parent builds as an attribute), shares one module between the calls of
// one Keras layer object, names attributes and tensors, and writes the text with the table that
// load_keras_weights reads (weights.ts). It also returns what the tests and the numeric check need:
// which generated lines belong to which Keras layer and how each Keras weight maps onto a PyTorch
// parameter. Pure: text in, text out; it never throws on user code.

import { analyze } from '../analysis/analyze';
import type { AnalysisResult, LayerRecord, ModelResult, Range } from '../analysis/result';
import { dimToString } from '../shapes/dim';
import type { ArgValue, Shape } from '../shapes/types';
import { LayerArg, TupleOut } from '../shapes/types';
import { helperCode } from './helpers';
import { accountArguments } from './keras-arguments';
import { convertKerasOp } from './keras-ops';
import { convertLayer } from './layers';
import { joinTodo, torchShape, type ConvertedLayer, type Layout, type ModulePart, type PortKind } from './parts';
import { innerLayer } from './recurrent';
import { LOADER_HELPER, weightTable, type KerasWeightEntry } from './weights';

export interface WeightPort {
  /** Index of the Keras layer record. */
  layer: number;
  kind: PortKind;
  /** Attribute paths of the PyTorch modules that receive the weights, as state_dict spells them. */
  paths: string[];
  info?: Record<string, unknown>;
}

export interface ConvertedModel {
  /** The whole Python file: imports, helpers, the classes. */
  code: string;
  /** One line per layer converted with a TODO (no faithful equivalent, an argument not converted). */
  warnings: string[];
  className: string;
  layout: Layout;
  /** For each Keras layer record, the 0-based lines of `code` whose PyTorch records compute it. */
  layerLines: number[][];
  /** How each Keras layer's weights reach the module (layers inside sub-models: through the sub-model's attribute). */
  ports: WeightPort[];
  /** The Keras layers with no converted equivalent (shapes may differ there). */
  unsupported: number[];
  /** The sub-models of the class, by the index of the record that calls them. */
  subModels: Map<number, ConvertedSubModel>;
  /** The table load_keras_weights reads, for the class. */
  kerasLayers: KerasWeightEntry[];
}

export interface ConvertedSubModel {
  /** The attribute holding the sub-model in its parent. */
  attr: string;
  /** The Keras model (for a Sequential called inline: its layers as the parent's records). */
  model: ModelResult;
  /** The records of the parent that the call covers (one for a functional model, the layers of an inlined Sequential). */
  records: number[];
  /** A Sequential whose layers are the parent's records (not a functional model's one record). */
  inlined: boolean;
  converted: ConvertedModel;
}

/** What the language server's code action calls: the model's PyTorch version, or a reason in warnings. */
/**
 * The text of another file of the workspace, by the path its records carry (an operation applied in
 * an imported block reads its arguments there); undefined where it cannot be read.
 */
export type SourceReader = (path: string) => string | undefined;

export function convertModel(text: string, result: AnalysisResult, modelName: string, readFile?: SourceReader): { code: string; warnings: string[] } {
  const model = result.models.find((m) => m.name === modelName && m.framework === 'keras');
  if (!model) return { code: '', warnings: [`no Keras model named '${modelName}' was found`] };
  const converted = convertKerasModel(model, text, result, readFile);
  return { code: converted.code, warnings: converted.warnings };
}

/** Converts every Keras model of a file (or the one named), for the command line: one file, each class once. */
export function convertFile(text: string, modelName?: string): { code: string; warnings: string[]; models: ConvertedModel[] } {
  const result = analyze(text);
  const models = result.models.filter((m) => m.framework === 'keras' && (!modelName || m.name === modelName));
  if (models.length === 0) return { code: '', warnings: [modelName ? `no Keras model named '${modelName}' was found` : 'no Keras model was found'], models: [] };
  const session = new Session(text, fileLayout(result.models.filter((m) => m.framework === 'keras')), result);
  const converted = models.map((m) => session.root(m));
  const { code } = session.assemble();
  return { code, warnings: [...new Set(converted.flatMap((c) => c.warnings))], models: converted };
}

// ---------------------------------------------------------------- the session

/** What the classes of one converted file share: the source, the sub-models found, class names, helpers. */
class Session {
  private analysed: AnalysisResult | undefined;
  /** Every class written, in the order of the file: sub-models before the models that call them. */
  readonly classes: { key: string; converted: ConvertedModel }[] = [];
  readonly helpers = new Set<string>();
  private readonly classNames = new Set<string>();
  private readonly inProgress = new Set<string>();

  readonly lines: string[];

  constructor(
    readonly text: string,
    readonly layout: Layout,
    private readonly result: AnalysisResult | undefined,
    readonly readFile?: SourceReader,
  ) {
    this.lines = text.split('\n');
  }

  /** The lines of the file a record was applied in: this one's, another's read through readFile, or none where it cannot be read. */
  linesFor(record: { path?: string }): readonly string[] {
    return sourceLines(this.lines, record, this.readFile);
  }

  /** Every Keras model of the file (the analysis lists those used inside others too). */
  kerasModels(): ModelResult[] {
    this.analysed ??= this.result ?? analyze(this.text);
    return this.analysed.models.filter((m) => m.framework === 'keras');
  }

  uniqueClassName(base: string): string {
    let name = base;
    for (let i = 2; this.classNames.has(name); i++) name = `${base}${i}`;
    this.classNames.add(name);
    return name;
  }

  /** A model the user asked for, converted once. */
  root(model: ModelResult): ConvertedModel {
    return this.subModel(`model:${model.name}`, model)!;
  }

  /** The class of a (sub-)model, converted once per key; null for a model that contains itself. */
  subModel(key: string, model: ModelResult): ConvertedModel | null {
    const done = this.classes.find((c) => c.key === key);
    if (done) return done.converted;
    if (this.inProgress.has(key)) return null;
    this.inProgress.add(key);
    const converted = convertClass(model, this);
    this.inProgress.delete(key);
    this.classes.push({ key, converted });
    return converted;
  }

  /** The file: imports, helpers, the classes, and the weight loader last; with the line where each class starts. */
  assemble(): { code: string; starts: Map<ConvertedModel, number> } {
    const names = [...this.helpers];
    const helpers = helperCode(names.filter((h) => h !== LOADER_HELPER));
    const loader = names.includes(LOADER_HELPER) ? helperCode([LOADER_HELPER]) : [];
    const bodies = this.classes.map((c) => c.converted.code);
    const all = [...helpers, ...bodies, ...loader].join('\n');
    const imports = ['import torch', 'from torch import nn'];
    if (/\bF\./.test(all)) imports.splice(1, 0, 'import torch.nn.functional as F');
    const blocks = [imports.join('\n'), ...helpers];
    const starts = new Map<ConvertedModel, number>();
    let line = blocks.join('\n\n\n').split('\n').length + 2;
    for (const c of this.classes) {
      starts.set(c.converted, line);
      blocks.push(c.converted.code);
      line += c.converted.code.split('\n').length + 2;
    }
    blocks.push(...loader);
    return { code: blocks.join('\n\n\n') + '\n', starts };
  }
}


/** The layout of every tensor of a converted file: channels first when any Keras layer says data_format='channels_first'. */
function fileLayout(models: ModelResult[]): Layout {
  return models.some((m) => m.layers.some((r) => r.args?.data_format === 'channels_first')) ? 'first' : 'last';
}

export function convertKerasModel(model: ModelResult, text: string, result?: AnalysisResult, readFile?: SourceReader): ConvertedModel {
  const layout = fileLayout([model, ...(result?.models.filter((m) => m.framework === 'keras') ?? [])]);
  const session = new Session(text, layout, result, readFile);
  const root = session.root(model);
  const { code, starts } = session.assemble();
  const offset = starts.get(root) ?? 0;
  return { ...root, code, layerLines: root.layerLines.map((lines) => lines.map((l) => l + offset)) };
}

// ---------------------------------------------------------------- steps: layers and sub-model calls

/** One step of a class: a Keras layer (or operation) record, or the call of a sub-model. */
interface Step {
  /** The record the writer reads: the layer's own, or one standing for the sub-model call. */
  record: LayerRecord;
  /** The parent's records it covers. */
  records: number[];
  sub?: { key: string; name: string; model: ModelResult };
  converted: ConvertedLayer;
  /** Attribute name per module part (forward mode). */
  attrs: (string | null)[];
}

interface Group {
  records: number[];
  key: string;
  name: string;
  model: ModelResult;
}

function within(inner: Range, outer: Range): boolean {
  const starts = inner.line > outer.line || (inner.line === outer.line && inner.column >= outer.column);
  const ends = inner.endLine < outer.endLine || (inner.endLine === outer.endLine && inner.endColumn <= outer.endColumn);
  return starts && ends;
}

/**
 * The records of `model` that are calls of sub-models: a functional model's call is one record
 * (kind Functional); a Sequential called as a layer leaves its layers' records in the parent,
 * recognised by their attribute path (`0.1` inside a Sequential's item 0) or by being built in the
 * Sequential's definition while called elsewhere. A run is cut where a layer of the sub-model
 * repeats (the same Sequential applied twice in a row).
 */
function subModelGroups(model: ModelResult, session: Session): Group[] {
  const groups: Group[] = [];
  const models = () => session.kerasModels().filter((m) => m.name !== model.name);
  const records = model.layers;
  let i = 0;
  while (i < records.length) {
    const r = records[i];
    if (r.kind === 'Functional') {
      const sub = models().find((m) => within(r.range, m.extent) && m.layers.length > 0 && !m.layers.some((l) => l.kind === 'Functional' && l.layerId === r.layerId));
      if (sub) groups.push({ records: [i], key: `model:${sub.name}`, name: sub.name, model: sub });
      i++;
      continue;
    }
    const owner = sequentialOwner(r, model, models);
    if (!owner) {
      i++;
      continue;
    }
    const run = [i];
    const ids = new Set([r.layerId]);
    let j = i + 1;
    while (j < records.length) {
      const next = records[j];
      const o = sequentialOwner(next, model, models);
      if (!o || o.key !== owner.key || next.callRange.line !== r.callRange.line || ids.has(next.layerId) || next.inputsFrom.length !== 1 || next.inputsFrom[0] !== j - 1) break;
      ids.add(next.layerId);
      run.push(j);
      j++;
    }
    const groupRecords = run.map((k) => records[k]);
    const sub: ModelResult = {
      ...model,
      name: owner.name,
      input: [groupRecords[0].input[0] ?? null],
      output: groupRecords[groupRecords.length - 1].output,
      layers: groupRecords.map((g, k) => ({ ...g, name: owner.strip(g.name), inputsFrom: [k - 1], modelInputs: [k === 0 ? 0 : -1] })),
      assignments: [],
    };
    groups.push({ records: run, key: owner.key, name: owner.name, model: sub });
    i = j;
  }
  // The calls of one inlined Sequential share its class: sizes that differ between them are unknown to it.
  for (const g of groups) {
    const same = groups.filter((h) => h.key === g.key && h.records.length === g.records.length);
    if (same.length < 2 || same[0] !== g) continue;
    const merged: ModelResult = { ...g.model, layers: g.model.layers.map((l, k) => ({ ...l, input: [mergeShapes(same.map((h) => h.model.layers[k].input[0]))], output: mergeShapes(same.map((h) => h.model.layers[k].output as Shape)) })) };
    merged.input = [merged.layers[0].input[0]];
    merged.output = merged.layers[merged.layers.length - 1].output;
    for (const h of same) h.model = merged;
  }
  return groups;
}

/** Shapes of one tensor in several calls: the sizes they agree on, unknown where they differ. */
function mergeShapes(shapes: Shape[]): Shape {
  const first = shapes[0];
  if (!first || shapes.some((s) => !s || s.length !== first.length)) return null;
  return first.map((d, j) => (shapes.every((s) => dimToString(s![j]) === dimToString(d)) ? d : null));
}

/** The Keras Sequential that built a record's layer when it is not the model itself, with how to strip its attribute path. */
function sequentialOwner(r: LayerRecord, model: ModelResult, models: () => ModelResult[]): { key: string; name: string; strip: (n: string | null) => string | null } | null {
  if (!r.module) return null;
  // Inside a Sequential parent: `2.0` is item 0 of the parent's item 2.
  const nested = r.name ? /^(?:([A-Za-z_]\w*)\.)?(\d+)\.(\d+(?:\.\d+)*)$/.exec(r.name) : null;
  if (nested) {
    const prefix = `${nested[1] ? `${nested[1]}.` : ''}${nested[2]}`;
    const sub = models().find((m) => within(r.range, m.extent) && !within(r.callRange, m.extent));
    return { key: sub ? `seq:${sub.name}` : `seq:${model.name}:${prefix}`, name: sub?.name ?? `block${nested[2]}`, strip: (n) => (n && n.startsWith(`${prefix}.`) ? n.slice(prefix.length + 1) : n) };
  }
  if (r.name !== null) return null;
  const sub = models().find((m) => within(r.range, m.extent) && !within(r.callRange, m.extent) && !within(m.extent, model.extent) && m.layers.some((l) => l.layerId === r.layerId));
  if (!sub || !sub.layers.every((l) => l.name !== null)) return null;
  return { key: `seq:${sub.name}`, name: sub.name, strip: () => null };
}

// ---------------------------------------------------------------- one class

function convertClass(model: ModelResult, session: Session): ConvertedModel {
  const layout = session.layout;
  const className = session.uniqueClassName(torchClassName(model.name));
  const groups = subModelGroups(model, session);
  const warnings: string[] = [];
  const unsupported: number[] = [];
  const subModels = new Map<number, ConvertedSubModel>();

  // Steps: the records, each sub-model call folded into one.
  const stepOf = new Map<number, number>();
  const stepRecords: { records: number[]; group?: Group }[] = [];
  // A custom Keras layer or a Lambda whose call was followed: the records of its call compute its
  // output (their tensors are the graph's), so its own record, which nothing reads, is passed over.
  const read = new Set<number>(model.outputsFrom ?? []);
  model.layers.forEach((r) => r.inputsFrom.forEach((k) => read.add(k)));
  const passedOver = (i: number) => model.layers[i].leaf === true && !read.has(i) && model.layers.some((l) => l.within === i);
  for (let i = 0; i < model.layers.length; i++) {
    if (passedOver(i)) continue;
    const g = groups.find((x) => x.records[0] === i);
    if (g) {
      g.records.forEach((k) => stepOf.set(k, stepRecords.length));
      stepRecords.push({ records: g.records, group: g });
      i = g.records[g.records.length - 1];
    } else {
      stepOf.set(i, stepRecords.length);
      stepRecords.push({ records: [i] });
    }
  }
  const mapFrom = (k: number) => (k < 0 ? k : stepOf.get(k) ?? -1);

  // A layer called more than once is converted for what its calls share (sizes that differ become unknown).
  const sharedInputs = mergedInputs(model.layers);

  const sequentialCandidate = sequentialContainer(model) !== null;
  const groupIds = new Map<string, number>();
  const plan = (sequential: boolean): Step[] =>
    stepRecords.map(({ records, group }) => {
      const first = model.layers[records[0]];
      const last = model.layers[records[records.length - 1]];
      const inputsFrom = first.inputsFrom.map(mapFrom);
      if (!group) {
        const record: LayerRecord = { ...first, inputsFrom };
        return { record, records, converted: convertRecord({ ...record, input: sharedInputs.get(first.layerId ?? -1) ?? record.input }, layout, sequential, session.linesFor(first)), attrs: [] };
      }
      // A sub-model call: one record standing for it, with an identity per sub-model so that its calls share one module.
      const functional = records.length === 1 && first.kind === 'Functional';
      if (!groupIds.has(group.key)) groupIds.set(group.key, -1000 - groupIds.size);
      const record: LayerRecord = { ...last, kind: functional ? 'Functional' : 'Sequential', name: null, args: null, given: [], input: first.input, range: first.range, layerId: functional ? first.layerId : groupIds.get(group.key)!, inputsFrom, modelInputs: first.modelInputs };
      const converted = session.subModel(group.key, group.model);
      if (!converted) return { record, records, converted: { parts: [{ type: 'module', hint: 'sub', code: 'nn.Identity()' }], todo: 'a model that contains itself is not converted', unconverted: true }, attrs: [] };
      const args = inputsFrom.length > 1 ? inputsFrom.map((_, k) => `$${k}`).join(', ') : null;
      const part: ModulePart = { type: 'module', hint: safeName(group.name), code: `${converted.className}()`, apply: args ? `$m(${args})` : undefined };
      return { record, records, sub: { key: group.key, name: group.name, model: group.model }, converted: { parts: [part] }, attrs: [] };
    });
  let steps = plan(sequentialCandidate);
  const moduleOnly = (s: Step) => s.converted.parts.every((p) => p.type === 'module' && !p.apply && !p.init);
  const sequential = sequentialCandidate && steps.every(moduleOnly);
  if (sequentialCandidate && !sequential) steps = plan(false);

  for (const s of steps) {
    for (const h of s.converted.helpers ?? []) session.helpers.add(h);
    const r = s.record;
    if (s.converted.todo) warnings.push(`${r.kind} at line ${r.range.line + 1}: ${s.converted.todo}`);
    if (s.converted.unconverted) unsupported.push(...s.records);
    if (s.sub) {
      const sub = session.subModel(s.sub.key, s.sub.model)!;
      warnings.push(...sub.warnings);
      unsupported.push(...(sub.unsupported.length > 0 ? s.records : []));
    }
  }
  // A layer fed by something the analysis did not trace cannot be wired.
  for (const s of steps) {
    if (s.record.inputsFrom.some((k, i) => k < 0 && s.record.modelInputs[i] < 0)) {
      warnings.push(`${s.record.kind} at line ${s.record.range.line + 1}: its input comes from layers that were not traced; it is wired to the model input`);
      unsupported.push(...s.records);
    }
  }

  const stepModel: ModelResult = { ...model, layers: steps.map((s) => s.record), outputsFrom: model.outputsFrom?.map(mapFrom) };
  const writer = new Writer();
  const inputComment = modelInputs(model).map((s) => formatTorchShape(torchShape(s, layout))).join(', ');
  writer.line(`# input: ${inputComment}`);
  writer.line(`class ${className}(nn.Module):`);
  writer.line(`    """${docLine(model, layout)}"""`);
  writer.line('');
  const tableAt = writer.lines.length;
  writer.line('    def __init__(self):');
  writer.line('        super().__init__()');
  const stepPorts: { step: number; kind: PortKind; paths: string[]; info?: Record<string, unknown> }[] = [];
  if (sequential) writeSequential(writer, steps, sequentialContainer(model)!, stepPorts);
  else writeForward(writer, stepModel, steps, stepPorts, session.text, session.readFile);

  // The weight table load_keras_weights reads, placed above __init__.
  const table = weightTable(stepModel, outputRecords(stepModel), steps.map((s) => ({ converted: s.converted, attrs: s.attrs, sub: s.sub ? session.subModel(s.sub.key, s.sub.model) : null, subAttr: s.sub ? s.attrs[0] ?? null : null })), stepPorts, sequential ? sequentialContainer(model)! : null);
  const tableLines = table.entries.length > 0 ? [...table.lines, ''] : [];
  writer.insert(tableAt, tableLines);
  if (table.entries.length > 0) {
    session.helpers.add(LOADER_HELPER);
    writer.line('');
    writer.line('    def load_keras_weights(self, path):');
    writer.line('        """Loads the Keras model\'s trained weights: a .weights.h5 file from Keras 3 (model.save_weights),');
    writer.line('        a .keras file, or an .h5 file from Keras 2 (model.save_weights or model.save)."""');
    writer.line('        load_keras_weights_into(self, path)');
  }

  // Per original record: its lines and its weight ports (layers of sub-models: under the sub-model's attribute).
  const layerLines = model.layers.map((_, i) => writer.linesOf(stepOf.get(i) ?? -1));
  const ports: WeightPort[] = [];
  for (const p of stepPorts) for (const layer of steps[p.step].records) ports.push({ layer, kind: p.kind, paths: p.paths, info: p.info });
  steps.forEach((s, k) => {
    if (!s.sub) return;
    const sub = session.subModel(s.sub.key, s.sub.model)!;
    const attr = sequential ? `${sequentialContainer(model)}.${steps.slice(0, k).reduce((n, x) => n + x.converted.parts.length, 0)}` : s.attrs[0]!;
    const inlined = s.records.length > 1 || model.layers[s.records[0]].kind !== 'Functional';
    subModels.set(s.records[0], { attr, model: s.sub.model, records: s.records, converted: sub, inlined });
    if (inlined) {
      // An inlined Sequential: its layers are this model's records, in order.
      for (const sp of sub.ports) ports.push({ layer: s.records[sp.layer], kind: sp.kind, paths: sp.paths.map((p) => `${attr}.${p}`), info: sp.info });
    }
  });
  return { code: writer.lines.join('\n'), warnings: [...new Set(warnings)], className, layout, layerLines, ports, unsupported: [...new Set(unsupported)], subModels, kerasLayers: table.entries };
}

/** For each layer object called more than once, the input shape its calls share (a size that differs between calls is unknown). */
function mergedInputs(records: LayerRecord[]): Map<number, Shape[]> {
  const out = new Map<number, Shape[]>();
  const byLayer = new Map<number, LayerRecord[]>();
  for (const r of records) if (r.module && r.layerId !== null) byLayer.set(r.layerId, [...(byLayer.get(r.layerId) ?? []), r]);
  for (const [id, rs] of byLayer) if (rs.length > 1) out.set(id, rs[0].input.map((_, i) => mergeShapes(rs.map((r) => r.input[i] ?? null))));
  return out;
}

function convertRecord(record: LayerRecord, layout: Layout, sequential: boolean, lines: readonly string[]): ConvertedLayer {
  let converted: ConvertedLayer;
  if (record.application !== undefined) return { parts: [{ type: 'module', hint: 'todo', code: 'nn.Identity()' }], todo: `the keras.applications model ${record.application} is not converted (torchvision or timm has most of these models)`, unconverted: true };
  try {
    converted = record.module ? convertLayer({ record, layout, sequential }) : convertOp(record, lines, layout);
  } catch {
    return { parts: [{ type: 'module', hint: 'todo', code: 'nn.Identity()' }], todo: `${record.kind} could not be converted`, unconverted: true };
  }
  if (!record.module) return converted;
  // Arguments that are not mapped, nor the default, are reported; so are those of the layers it holds.
  let todo = converted.todo;
  for (const reason of accountArguments(record.kind, record.args, record.given).reasons) todo = joinTodo(todo, reason);
  for (const v of Object.values(record.args ?? {})) {
    const inner = v instanceof LayerArg ? innerLayer(v) : null;
    if (inner) for (const reason of accountArguments(inner.kind, inner.args, inner.given).reasons) todo = joinTodo(todo, `${inner.kind}: ${reason}`);
  }
  // trainable=False: the weights stay as they are, as in Keras.
  if (frozen(record.args)) {
    for (const part of converted.parts) if (part.type === 'module' && part.port) part.code += '.requires_grad_(False)';
  }
  return { ...converted, todo };
}

function frozen(args: Record<string, ArgValue> | null): boolean {
  return args?.trainable === false;
}

/** Operators and TensorFlow functions written on Keras tensors in a functional model (`a + b`, `tf.concat`). */
function convertOp(record: LayerRecord, lines: readonly string[], layout: Layout): ConvertedLayer {
  return convertKerasOp(record, lines, layout) ?? { parts: [{ type: 'module', hint: 'todo', code: 'nn.Identity()' }], todo: `the operation ${record.kind} is not converted yet`, unconverted: true };
}

/** The nn.Sequential attribute when the Keras model is a plain chain of one container's layers. */
function sequentialContainer(model: ModelResult): string | null {
  if (model.input.length !== 1 || model.layers.length === 0) return null;
  let prefix: string | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < model.layers.length; i++) {
    const r = model.layers[i];
    if (r.input.length !== 1) return null;
    if (i === 0 ? r.inputsFrom[0] !== -1 || r.modelInputs[0] !== 0 : r.inputsFrom[0] !== i - 1) return null;
    const m = r.name === null ? null : /^(?:([A-Za-z_]\w*)\.)?\d+(?:\.\d+)*$/.exec(r.name);
    if (!m || seen.has(r.name!)) return null;
    seen.add(r.name!);
    const p = m[1] ?? '';
    if (prefix === undefined) prefix = p;
    else if (prefix !== p) return null;
  }
  if (prefix === undefined || prefix.includes('.')) return null;
  return prefix || 'layers';
}

// ---------------------------------------------------------------- text

class Writer {
  readonly lines: string[] = [];
  private readonly owners = new Map<number, number[]>();

  line(text: string, owner?: number): void {
    if (owner !== undefined) {
      const list = this.owners.get(owner) ?? [];
      list.push(this.lines.length);
      this.owners.set(owner, list);
    }
    this.lines.push(text);
  }

  /** Inserts lines at `at`, moving the owned lines after it. */
  insert(at: number, lines: string[]): void {
    if (lines.length === 0) return;
    this.lines.splice(at, 0, ...lines);
    for (const list of this.owners.values()) list.forEach((l, i) => l >= at && (list[i] = l + lines.length));
  }

  linesOf(owner: number): number[] {
    return this.owners.get(owner) ?? [];
  }
}

type StepPort = { step: number; kind: PortKind; paths: string[]; info?: Record<string, unknown> };

function writeSequential(w: Writer, steps: Step[], attr: string, ports: StepPort[]): void {
  w.line(`        self.${attr} = nn.Sequential(`);
  let index = 0;
  steps.forEach((s, k) => {
    if (s.converted.comment) w.line(`            # ${s.converted.comment}`);
    const paths: string[] = [];
    s.converted.parts.forEach((part, j) => {
      const m = part as ModulePart;
      const todo = j === 0 && s.converted.todo ? `  # TODO: ${s.converted.todo}` : '';
      w.line(`            ${m.code},${todo}`, k);
      if (m.port) paths.push(`${attr}.${index}`);
      s.attrs[j] = `${attr}.${index}`;
      index++;
    });
    addPort(ports, k, s, paths);
  });
  w.line('        )');
  w.line('');
  w.line('    def forward(self, x):');
  w.line(`        return self.${attr}(x)`);
}

function addPort(ports: StepPort[], step: number, s: Step, paths: string[]): void {
  const kinds = s.converted.parts.filter((part): part is ModulePart => part.type === 'module' && !!part.port).map((part) => part.port!);
  if (kinds.length === 0 || paths.length === 0) return;
  ports.push({ step, kind: kinds[0], paths, info: s.converted.portInfo });
}

/** Stateless modules written as functions in forward(): `nn.ReLU()` → `F.relu($x)`. */
function functionalForm(code: string): string | null {
  const table: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^nn\.ReLU\(\)$/, () => 'F.relu($x)'],
    [/^nn\.ReLU6\(\)$/, () => 'F.relu6($x)'],
    [/^nn\.Sigmoid\(\)$/, () => 'torch.sigmoid($x)'],
    [/^nn\.Tanh\(\)$/, () => 'torch.tanh($x)'],
    [/^nn\.Softmax\(dim=(-?\d+)\)$/, (m) => `F.softmax($x, dim=${m[1]})`],
    [/^nn\.LeakyReLU\(([^)]*)\)$/, (m) => `F.leaky_relu($x, ${m[1]})`],
    [/^nn\.ELU\(\)$/, () => 'F.elu($x)'],
    [/^nn\.SiLU\(\)$/, () => 'F.silu($x)'],
    [/^nn\.GELU\(\)$/, () => 'F.gelu($x)'],
    [/^nn\.Flatten\(\)$/, () => 'torch.flatten($x, 1)'],
    [/^nn\.ZeroPad2d\((\(.*\))\)$/, (m) => `F.pad($x, ${m[1]})`],
    [/^nn\.ConstantPad\dd\((\(.*\)), float\('-inf'\)\)$/, (m) => `F.pad($x, ${m[1]}, value=float('-inf'))`],
    [/^nn\.ConstantPad\dd\((\(.*\)), 0\.0\)$/, (m) => `F.pad($x, ${m[1]})`],
  ];
  for (const [re, f] of table) {
    const m = re.exec(code);
    if (m) return f(m);
  }
  return null;
}

function writeForward(w: Writer, model: ModelResult, steps: Step[], ports: StepPort[], text: string, readFile?: SourceReader): void {
  // Attribute names: the Keras attribute path, name= or the sub-model's name, else a stem numbered when it repeats.
  // A layer object called again reuses the attributes of its first call.
  const stems: { step: Step; part: number; stem: string; exact: boolean }[] = [];
  const forms: (string | null)[][] = steps.map((s) => s.converted.parts.map((part) => (part.type === 'module' && !part.port && !part.init && !s.sub ? functionalForm(part.code) : null)));
  const firstCall = new Map<number, Step>();
  steps.forEach((s, k) => {
    const id = s.record.layerId;
    if (id !== null && s.record.module && !firstCall.has(id)) firstCall.set(id, s);
    const moduleParts = s.converted.parts.map((part, j) => ({ part, j })).filter(({ part, j }) => part.type === 'module' && forms[k][j] === null);
    const main = moduleParts.find(({ part }) => (part as ModulePart).port) ?? moduleParts[0];
    const keyName = s.sub ? s.sub.name : (s.record.name && !/^[\d.]+$/.test(s.record.name) ? s.record.name : null) ?? (typeof s.record.args?.name === 'string' && /^[A-Za-z_]\w*$/.test(s.record.args.name) ? s.record.args.name : null);
    if (id !== null && s.record.module && firstCall.get(id) !== s) return;
    for (const { part, j } of moduleParts) {
      const hint = (part as ModulePart).hint;
      if (keyName) stems.push({ step: s, part: j, stem: part === main?.part ? safeName(keyName) : `${safeName(keyName)}_${hint}`, exact: true });
      else stems.push({ step: s, part: j, stem: hint, exact: false });
    }
  });
  const counts = new Map<string, number>();
  for (const st of stems) if (!st.exact) counts.set(st.stem, (counts.get(st.stem) ?? 0) + 1);
  const numbers = new Map<string, number>();
  const taken = new Set<string>();
  for (const st of stems) {
    let name = st.stem;
    if (!st.exact && (counts.get(st.stem) ?? 0) > 1) {
      const k = (numbers.get(st.stem) ?? 0) + 1;
      numbers.set(st.stem, k);
      name = `${st.stem}${k}`;
    }
    while (taken.has(name) || PY_RESERVED.has(name)) name += '_';
    taken.add(name);
    st.step.attrs[st.part] = name;
  }
  // Later calls of a layer object share the first call's modules.
  for (const s of steps) {
    const first = s.record.layerId !== null && s.record.module ? firstCall.get(s.record.layerId) : undefined;
    if (first && first !== s) s.converted.parts.forEach((part, j) => part.type === 'module' && (s.attrs[j] = first.attrs[j] ?? null));
  }

  // __init__: one attribute per module part, in execution order.
  const constructed = new Set<string>();
  steps.forEach((s, k) => {
    const paths: string[] = [];
    const fresh = s.converted.parts.some((part, j) => part.type === 'module' && s.attrs[j] && !constructed.has(s.attrs[j]!));
    if (s.converted.comment && fresh) w.line(`        # ${s.converted.comment}`);
    let todoWritten = false;
    s.converted.parts.forEach((part, j) => {
      const attr = s.attrs[j];
      if (!attr || part.type !== 'module') return;
      if (part.port) paths.push(attr);
      if (constructed.has(attr)) return;
      constructed.add(attr);
      const todo = s.converted.todo && !todoWritten ? `  # TODO: ${s.converted.todo}` : '';
      todoWritten = true;
      w.line(`        self.${attr} = ${part.code}${todo}`, k);
      for (const statement of part.init ?? []) w.line(`        ${statement.replace(/\$m/g, `self.${attr}`)}`, k);
    });
    if (!firstCallOf(s, steps)) return;
    addPort(ports, k, s, paths);
  });
  w.line('');

  // forward: named tensors, with a liveness check so that a reused name never loses a value still needed.
  const inputs = inputNames(model, text);
  w.line(`    def forward(self, ${inputs.join(', ')}):`);
  const lastUse = new Map<number, number>();
  const outputs = outputRecords(model);
  model.layers.forEach((r, i) => r.inputsFrom.forEach((k) => k >= 0 && lastUse.set(k, i)));
  for (const o of outputs) lastUse.set(o, Infinity);
  const holder = new Map<string, number>();
  inputs.forEach((n, i) => holder.set(n, -1 - i));
  const valueName = new Map<number, string>();
  const assigned = assignmentNames(model);
  const nameOf = (k: number, modelInput: number) => (k >= 0 ? valueName.get(k) ?? 'x' : inputs[Math.max(modelInput, 0)] ?? inputs[0]);
  const isLive = (holderValue: number, at: number) => {
    if (holderValue < 0) return model.layers.some((r, j) => j >= at && r.modelInputs.includes(-1 - holderValue));
    return (lastUse.get(holderValue) ?? -1) >= at;
  };
  const itemOf = tupleItemPicker(model, text, readFile);
  steps.forEach((s, index) => {
    const ins = s.record.inputsFrom.map((k, i) => {
      const item = itemOf(index, i);
      return nameOf(k, s.record.modelInputs[i]) + (item === null ? '' : `[${item}]`);
    });
    const tuple = s.record.output instanceof TupleOut;
    let name = tuple ? `${s.sub ? safeName(s.sub.name) : s.record.kind.toLowerCase()}_outputs` : assigned.get(index) ?? (s.record.inputsFrom.length === 1 && s.record.inputsFrom[0] >= 0 ? valueName.get(s.record.inputsFrom[0]) ?? 'x' : 'x');
    const free = (n: string) => !holder.has(n) || !isLive(holder.get(n)!, index + 1) || holder.get(n) === index;
    if (!free(name)) name = ['x', 'y', 'z', 'h'].find(free) ?? `h${index}`;
    const statements = forwardStatements(s, forms[index], ins, name);
    const hasAttr = s.attrs.some((a) => a);
    if (s.converted.comment && !hasAttr) w.line(`        # ${s.converted.comment}`);
    statements.forEach((expr, j) => {
      const todo = j === 0 && s.converted.todo && !hasAttr ? `  # TODO: ${s.converted.todo}` : '';
      w.line(`        ${name} = ${expr}${todo}`, index);
    });
    holder.set(name, index);
    valueName.set(index, name);
  });
  const returned = modelOutputs(model).map(({ record, item }) => (valueName.get(record) ?? 'x') + (item === null ? '' : `[${item}]`));
  w.line(`        return ${returned.length ? returned.join(', ') : inputs[0]}`);
}

/**
 * The model's outputs: the record producing each and, for a functional model's output that is one
 * tensor of a layer returning several (return_state), which item: the one whose shape is that
 * output's, the n-th such for the n-th output read from that layer.
 */
export function modelOutputs(model: ModelResult): { record: number; item: number | null }[] {
  const outputs = outputRecords(model);
  const key = (s: unknown) => JSON.stringify(Array.isArray(s) ? s.slice(1).map((d) => dimToString(d as never)) : null);
  return outputs.map((record, j) => {
    const produced = model.layers[record]?.output;
    if (!model.outputsFrom || !(produced instanceof TupleOut) || !(model.output instanceof TupleOut) || model.output.items.length !== outputs.length) return { record, item: null };
    const items = model.output.items;
    const wanted = key(items[j]);
    const nth = outputs.slice(0, j).filter((o, k) => o === record && key(items[k]) === wanted).length;
    const matching = produced.items.map((item, i) => ({ item, i })).filter(({ item }) => key(item) === wanted);
    return { record, item: matching[nth]?.i ?? null };
  });
}

function firstCallOf(s: Step, steps: Step[]): boolean {
  if (s.record.layerId === null || !s.record.module) return true;
  return steps.find((x) => x.record.module && x.record.layerId === s.record.layerId) === s;
}

/** The forward statements of one layer: its parts composed while each uses its input once and the line stays short. */
function forwardStatements(s: Step, forms: (string | null)[], inputs: string[], target: string): string[] {
  const statements: string[] = [];
  let current: string | null = null;
  const substitute = (code: string, x: string) => code.replace(/\$x/g, x).replace(/\$(\d+)/g, (_, i) => inputs[Number(i)] ?? x);
  s.converted.parts.forEach((part, j) => {
    let template: string;
    if (part.type === 'expr') template = part.code;
    else if (forms[j]) template = forms[j]!;
    else template = (part.apply ?? '$m($x)').replace(/\$m/g, `self.${s.attrs[j]}`);
    const uses = (template.match(/\$x/g) ?? []).length;
    const x = current ?? inputs[0] ?? 'x';
    const composed = substitute(template, x);
    if (current !== null && (uses > 1 || composed.length > 80)) {
      statements.push(current);
      current = substitute(template, target);
    } else current = composed;
  });
  if (current !== null) statements.push(current);
  return statements;
}

/**
 * For an input that comes from a layer returning several tensors (return_state), which of them it
 * reads: the source's own names (`seq, h, c = lstm(x)` and then `concatenate([h, c])`), else the
 * first not yet taken whose shape matches. Null for inputs that are single tensors.
 */
export function tupleItemPicker(model: ModelResult, text: string, readFile?: SourceReader): (consumer: number, input: number) => number | null {
  const own = text.split('\n');
  const identifiers = (s: string) => s.match(/[A-Za-z_]\w*/g) ?? [];
  const lineOf = (r: LayerRecord): string => sourceLines(own, r, readFile)[r.callRange.line] ?? '';
  const targetsOf = (k: number): string[] | null => {
    const m = /^\s*([A-Za-z_][\w\s,()[\]]*?)\s*=(?!=)/.exec(lineOf(model.layers[k]));
    return m && m[1].includes(',') ? identifiers(m[1]) : null;
  };
  const key = (s: unknown) => JSON.stringify(Array.isArray(s) ? s.slice(1).map((d) => dimToString(d as never)) : null);
  return (consumer, input) => {
    const r = model.layers[consumer];
    const k = r.inputsFrom[input];
    const produced = k >= 0 ? model.layers[k].output : null;
    if (!(produced instanceof TupleOut)) return null;
    const nth = r.inputsFrom.slice(0, input).filter((j) => j === k).length;
    const targets = targetsOf(k);
    if (targets && targets.length === produced.items.length) {
      const line = lineOf(r);
      const right = /^\s*[\w\s,()[\]]*=(?!=)/.test(line) ? line.slice(line.indexOf('=') + 1) : line;
      const named = identifiers(right).filter((t) => targets.includes(t));
      if (named[nth] !== undefined) return targets.indexOf(named[nth]);
    }
    const matching = produced.items.map((item, j) => ({ item, j })).filter(({ item }) => key(item) === key(r.input[input]));
    return (matching[nth] ?? matching[0])?.j ?? 0;
  };
}

/** A record's file's lines: the converted file's own, or another's through readFile (none where it cannot be read). */
export function sourceLines(own: readonly string[], record: { path?: string }, readFile?: SourceReader): readonly string[] {
  if (record.path === undefined) return own;
  return readFile?.(record.path)?.split('\n') ?? [];
}

/** The records whose outputs the model returns, in the order of the model's outputs. */
export function outputRecords(model: ModelResult): number[] {
  if (model.outputsFrom && model.outputsFrom.length > 0 && model.outputsFrom.every((k) => k >= 0 && k < model.layers.length)) return model.outputsFrom;
  const used = new Set(model.layers.flatMap((r) => r.inputsFrom));
  const sinks = model.layers.map((_, i) => i).filter((i) => !used.has(i));
  const outs = model.output instanceof TupleOut ? model.output.items : [model.output];
  if (model.output === null) return sinks;
  if (outs.length === 1 && sinks.length >= 1) return [sinks[sinks.length - 1]];
  if (outs.length !== sinks.length) return sinks;
  // Match each output shape to a sink, keeping the sinks' order among equals.
  const key = (s: unknown) => JSON.stringify(Array.isArray(s) ? s.map((d) => dimToString(d as never)) : s);
  const left = [...sinks];
  const ordered: number[] = [];
  for (const o of outs) {
    const at = left.findIndex((i) => key(model.layers[i].output) === key(o));
    if (at < 0) return sinks;
    ordered.push(left.splice(at, 1)[0]);
  }
  return ordered;
}

/** Tensor names from the Keras source: the variable each layer call was assigned to. */
function assignmentNames(model: ModelResult): Map<number, string> {
  const out = new Map<number, string>();
  const byLine = new Map<number, string>();
  for (const a of model.assignments) byLine.set(a.range.line, a.name);
  const lastOnLine = new Map<number, number>();
  model.layers.forEach((r, i) => lastOnLine.set(r.callRange.line, i));
  for (const [line, i] of lastOnLine) {
    const name = byLine.get(line);
    if (name && /^[A-Za-z_]\w*$/.test(name) && !PY_RESERVED.has(name)) out.set(i, name);
  }
  return out;
}

const PY_RESERVED = new Set([
  'self', 'torch', 'nn', 'F', 'input', 'keras_layers', 'load_keras_weights', 'forward', 'training',
  // Python's keywords (a Keras layer named `lambda`, as Keras names a Lambda).
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** The model's input shapes; where the analysis lists none (inputs given as a dict), those its layers read. */
export function modelInputs(model: ModelResult): Shape[] {
  if (model.input.length > 0) return model.input;
  const shapes: Shape[] = [];
  for (const r of model.layers) r.modelInputs.forEach((i, j) => i >= 0 && shapes[i] === undefined && (shapes[i] = r.input[j]));
  return Array.from({ length: shapes.length }, (_, i) => shapes[i] ?? null);
}

/** Input names: the variables assigned from keras.Input in the model's source, when they match the count. */
function inputNames(model: ModelResult, text: string): string[] {
  const count = Math.max(modelInputs(model).length, 1);
  if (count === 1) return ['x'];
  const lines = text.split('\n').slice(model.extent.line, model.extent.endLine + 1).join('\n');
  for (const source of [lines, text]) {
    const names = [...source.matchAll(/^\s*([A-Za-z_]\w*)\s*=\s*(?:[\w.]+\.)?Input\(/gm)].map((m) => m[1]);
    if (names.length === count && new Set(names).size === names.length && !names.some((n) => PY_RESERVED.has(n))) return names;
  }
  return Array.from({ length: count }, (_, i) => `x${i + 1}`);
}

function safeName(name: string): string {
  const s = name.replace(/\./g, '_').replace(/\W/g, '_');
  return /^\d/.test(s) ? `layer_${s}` : s;
}

function torchClassName(raw: string): string {
  // A model kept in a list is named by its item (`members[0]`): only a name's word characters make a class name.
  const name = raw.replace(/\W+/g, '_').replace(/^_+|_+$/g, '');
  const base = /^[A-Z]/.test(name) ? name : name.split('_').filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return `${base || 'Model'}Torch`;
}

function formatTorchShape(s: Shape): string {
  if (!s) return '(N, ...)';
  return `(${s.map((d, i) => (i === 0 && d === null ? 'N' : dimToString(d))).join(', ')})`;
}

function docLine(model: ModelResult, layout: Layout): string {
  const order = layout === 'last' ? 'channels first (the Keras model is channels-last)' : 'channels first, like the Keras model';
  return `PyTorch version of the Keras model \`${model.name}\`; tensors are ${order}.`;
}


