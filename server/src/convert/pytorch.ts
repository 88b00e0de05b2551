// Writes a PyTorch nn.Module for a Keras model found by the analysis: the same layers in the same
// order, with every channel count filled in from the shape engine.
//
// The layer table (layers.ts) says what each Keras layer becomes; this file decides the shape of
// the class (an nn.Sequential for a Keras Sequential, named attributes and a forward() with named
// tensors otherwise), names attributes and tensors, and writes the text. It also returns what the
// tests and the numeric check need: which generated lines belong to which Keras layer and how each
// Keras weight maps onto a PyTorch parameter. Pure: text in, text out; it never throws on user code.

import { analyze } from '../analysis/analyze';
import type { AnalysisResult, LayerRecord, ModelResult } from '../analysis/result';
import { dimToString } from '../shapes/dim';
import type { Shape } from '../shapes/types';
import { TupleOut } from '../shapes/types';
import { convertLayer, ConvertedLayer, Layout, ModulePart, PortKind, torchShape } from './layers';

export interface WeightPort {
  /** Index of the Keras layer record. */
  layer: number;
  kind: PortKind;
  /** Attribute paths of the PyTorch modules that receive the weights, as state_dict spells them. */
  paths: string[];
  info?: Record<string, unknown>;
}

export interface ConvertedModel {
  /** The whole Python file: imports, helpers, the class. */
  code: string;
  /** One line per layer converted with a TODO (no faithful equivalent or an assumption). */
  warnings: string[];
  className: string;
  layout: Layout;
  /** For each Keras layer record, the 0-based lines of `code` whose PyTorch records compute it. */
  layerLines: number[][];
  ports: WeightPort[];
  /** The Keras layers with no converted equivalent (shapes may differ there). */
  unsupported: number[];
}

/** What the language server's code action calls: the model's PyTorch version, or a reason in warnings. */
export function convertModel(text: string, result: AnalysisResult, modelName: string): { code: string; warnings: string[] } {
  const model = result.models.find((m) => m.name === modelName && m.framework === 'keras');
  if (!model) return { code: '', warnings: [`no Keras model named '${modelName}' was found`] };
  const converted = convertKerasModel(model, text);
  return { code: converted.code, warnings: converted.warnings };
}

/** Converts every Keras model of a file (or the one named), for the command line. */
export function convertFile(text: string, modelName?: string): { code: string; warnings: string[]; models: ConvertedModel[] } {
  const result = analyze(text);
  const models = result.models.filter((m) => m.framework === 'keras' && (!modelName || m.name === modelName));
  if (models.length === 0) return { code: '', warnings: [modelName ? `no Keras model named '${modelName}' was found` : 'no Keras model was found'], models: [] };
  const converted = models.map((m) => convertKerasModel(m, text));
  if (converted.length === 1) return { code: converted[0].code, warnings: converted[0].warnings, models: converted };
  const bodies = converted.map((c) => splitHeader(c.code));
  const imports = [...new Set(bodies.flatMap((b) => b.imports))].sort(importOrder);
  const helpers = [...new Set(bodies.flatMap((b) => b.helpers))];
  const code = [imports.join('\n'), ...helpers, ...bodies.map((b) => b.body)].join('\n\n\n') + '\n';
  return { code, warnings: converted.flatMap((c) => c.warnings), models: converted };
}

// ---------------------------------------------------------------- the plan

interface LayerPlan {
  index: number;
  record: LayerRecord;
  converted: ConvertedLayer;
  /** Attribute name per module part (forward mode), or Sequential index (sequential mode). */
  attrs: (string | null)[];
}

const HELPERS: Record<string, string> = {
  ChannelsLastFlatten: `class ChannelsLastFlatten(nn.Module):
    """Flattens like Keras: channels last, so that weights ported from Keras give the same outputs."""

    def forward(self, x):
        return torch.flatten(x.movedim(1, -1), 1)`,
};

export function convertKerasModel(model: ModelResult, text: string): ConvertedModel {
  const layout: Layout = model.layers.some((r) => r.args?.data_format === 'channels_first') ? 'first' : 'last';
  const className = torchClassName(model.name);
  const container = sequentialContainer(model);
  let plans = planLayers(model, layout, container !== null);
  if (container !== null && !plans.every((p) => p.converted.parts.every((part) => part.type === 'module' && !part.apply))) plans = planLayers(model, layout, false);
  const sequential = container !== null && plans.every((p) => p.converted.parts.every((part) => part.type === 'module' && !part.apply));
  const writer = new Writer();
  const warnings: string[] = [];
  const unsupported: number[] = [];
  for (const p of plans) {
    if (p.converted.todo) warnings.push(`${p.record.kind} at line ${p.record.range.line + 1}: ${p.converted.todo}`);
    if (p.converted.todo && p.converted.parts.length === 1 && (p.converted.parts[0] as ModulePart).code === 'nn.Identity()' && /not converted|could not be read|not known|needs the input|could not be converted/.test(p.converted.todo)) unsupported.push(p.index);
  }

  // A layer fed by something the analysis did not trace (a nested model's layers) cannot be wired.
  for (const p of plans) {
    if (p.record.inputsFrom.some((k, i) => k < 0 && p.record.modelInputs[i] < 0)) {
      warnings.push(`${p.record.kind} at line ${p.record.range.line + 1}: its input comes from layers that were not traced (a nested model?); it is wired to the model input`);
      unsupported.push(p.index);
    }
  }

  const helpers = [...new Set(plans.flatMap((p) => p.converted.helpers ?? []))];
  const inputComment = modelInputs(model).map((s) => formatTorchShape(torchShape(s, layout))).join(', ');
  writer.line(`# input: ${inputComment}`);
  writer.line(`class ${className}(nn.Module):`);
  writer.line(`    """${docLine(model, layout)}"""`);
  writer.line('');
  writer.line('    def __init__(self):');
  writer.line('        super().__init__()');
  const ports: WeightPort[] = [];
  if (sequential) writeSequential(writer, model, plans, container!, ports);
  else writeForward(writer, model, plans, ports, text);

  const imports = ['import torch', 'from torch import nn'];
  const body = writer.lines.join('\n');
  if (/\bF\./.test(body)) imports.splice(1, 0, 'import torch.nn.functional as F');
  const header = [imports.join('\n'), ...helpers.map((h) => HELPERS[h])].join('\n\n\n') + '\n\n\n';
  const offset = header.split('\n').length - 1;
  const layerLines = model.layers.map((_, i) => writer.linesOf(i).map((l) => l + offset));
  return { code: header + body + '\n', warnings, className, layout, layerLines, ports, unsupported };
}

function planLayers(model: ModelResult, layout: Layout, sequential: boolean): LayerPlan[] {
  return model.layers.map((record, index) => ({ index, record, converted: convertRecord(record, layout, sequential), attrs: [] }));
}

function convertRecord(record: LayerRecord, layout: Layout, sequential: boolean): ConvertedLayer {
  try {
    if (!record.module) return convertOp(record);
    return convertLayer({ record, layout, sequential });
  } catch {
    return { parts: [{ type: 'module', hint: 'todo', code: 'nn.Identity()' }], todo: `${record.kind} could not be converted` };
  }
}

/** Operators written on Keras tensors in a functional model (`a + b`). */
function convertOp(record: LayerRecord): ConvertedLayer {
  const binary: Record<string, string> = { add: '+', sub: '-', mul: '*', truediv: '/' };
  const fromTensors = record.inputsFrom.every((k, i) => k >= 0 || record.modelInputs[i] >= 0);
  if (binary[record.kind] && record.input.length === 2 && fromTensors) return { parts: [{ type: 'expr', code: `$0 ${binary[record.kind]} $1` }] };
  return { parts: [{ type: 'module', hint: 'todo', code: 'nn.Identity()' }], todo: `the operation ${record.kind} is not converted yet` };
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

  linesOf(owner: number): number[] {
    return this.owners.get(owner) ?? [];
  }
}

function writeSequential(w: Writer, model: ModelResult, plans: LayerPlan[], attr: string, ports: WeightPort[]): void {
  w.line(`        self.${attr} = nn.Sequential(`);
  let index = 0;
  for (const p of plans) {
    if (p.converted.comment) w.line(`            # ${p.converted.comment}`);
    const paths: string[] = [];
    p.converted.parts.forEach((part, j) => {
      const m = part as ModulePart;
      const todo = j === 0 && p.converted.todo ? `  # TODO: ${p.converted.todo}` : '';
      w.line(`            ${m.code},${todo}`, p.index);
      if (m.port) paths.push(`${attr}.${index}`);
      index++;
    });
    addPort(ports, p, paths);
  }
  w.line('        )');
  w.line('');
  w.line('    def forward(self, x):');
  w.line(`        return self.${attr}(x)`);
}

function addPort(ports: WeightPort[], p: LayerPlan, paths: string[]): void {
  const kinds = p.converted.parts.filter((part): part is ModulePart => part.type === 'module' && !!part.port).map((part) => part.port!);
  if (kinds.length === 0 || paths.length === 0) return;
  const kind = kinds[0] === 'separable_depthwise' ? 'separable_depthwise' : kinds[0];
  ports.push({ layer: p.index, kind, paths, info: p.converted.portInfo });
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

function writeForward(w: Writer, model: ModelResult, plans: LayerPlan[], ports: WeightPort[], text: string): void {
  // Attribute names: the Keras attribute path or name=, else a stem numbered when it repeats.
  const stems: { plan: LayerPlan; part: number; stem: string; exact: boolean }[] = [];
  const forms: (string | null)[][] = plans.map((p) => p.converted.parts.map((part) => (part.type === 'module' && !part.port ? functionalForm(part.code) : null)));
  const reuse = new Map<string, string>();
  for (const p of plans) {
    const moduleParts = p.converted.parts.map((part, j) => ({ part, j })).filter(({ part, j }) => part.type === 'module' && forms[p.index][j] === null);
    const main = moduleParts.find(({ part }) => (part as ModulePart).port) ?? moduleParts[0];
    const keyName = (p.record.name && !/^[\d.]+$/.test(p.record.name) ? p.record.name : null) ?? (typeof p.record.args?.name === 'string' && /^[A-Za-z_]\w*$/.test(p.record.args.name) ? p.record.args.name : null);
    for (const { part, j } of moduleParts) {
      const hint = (part as ModulePart).hint;
      if (keyName) stems.push({ plan: p, part: j, stem: part === main?.part ? safeName(keyName) : `${safeName(keyName)}_${hint}`, exact: true });
      else stems.push({ plan: p, part: j, stem: hint, exact: false });
    }
  }
  const counts = new Map<string, number>();
  for (const s of stems) if (!s.exact) counts.set(s.stem, (counts.get(s.stem) ?? 0) + 1);
  const numbers = new Map<string, number>();
  const taken = new Set<string>();
  for (const s of stems) {
    let name = s.stem;
    if (s.exact && reuse.has(name) && s.plan.record.name) {
      s.plan.attrs[s.part] = reuse.get(name)!;
      continue;
    }
    if (!s.exact && (counts.get(s.stem) ?? 0) > 1) {
      const k = (numbers.get(s.stem) ?? 0) + 1;
      numbers.set(s.stem, k);
      name = `${s.stem}${k}`;
    }
    while (taken.has(name)) name += '_';
    taken.add(name);
    s.plan.attrs[s.part] = name;
    if (s.exact && s.plan.record.name) reuse.set(s.stem, name);
  }

  // __init__: one attribute per module part, in execution order.
  const constructed = new Set<string>();
  for (const p of plans) {
    const paths: string[] = [];
    if (p.converted.comment && p.converted.parts.some((_, j) => p.attrs[j])) w.line(`        # ${p.converted.comment}`);
    p.converted.parts.forEach((part, j) => {
      const attr = p.attrs[j];
      if (!attr || part.type !== 'module') return;
      if (part.port) paths.push(attr);
      if (constructed.has(attr)) return;
      constructed.add(attr);
      const todo = p.converted.todo && !p.converted.parts.slice(0, j).some((_, k) => p.attrs[k]) ? `  # TODO: ${p.converted.todo}` : '';
      w.line(`        self.${attr} = ${part.code}${todo}`, p.index);
    });
    addPort(ports, p, paths);
  }
  w.line('');

  // forward: named tensors, with a liveness check so that a reused name never loses a value still needed.
  const inputs = inputNames(model, text);
  w.line(`    def forward(self, ${inputs.join(', ')}):`);
  const lastUse = new Map<number, number>();
  const outputs = outputRecords(model);
  plans.forEach((p) => p.record.inputsFrom.forEach((k) => k >= 0 && lastUse.set(k, p.index)));
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
  const itemOf = tupleItemPicker(model, text);
  for (const p of plans) {
    const ins = p.record.inputsFrom.map((k, i) => {
      const item = itemOf(p.index, i);
      return nameOf(k, p.record.modelInputs[i]) + (item === null ? '' : `[${item}]`);
    });
    const tuple = p.record.output instanceof TupleOut;
    let name = tuple ? `${p.record.kind.toLowerCase()}_outputs` : assigned.get(p.index) ?? (p.record.inputsFrom.length === 1 && p.record.inputsFrom[0] >= 0 ? valueName.get(p.record.inputsFrom[0]) ?? 'x' : 'x');
    const free = (n: string) => !holder.has(n) || !isLive(holder.get(n)!, p.index + 1) || holder.get(n) === p.index;
    if (!free(name)) name = ['x', 'y', 'z', 'h'].find(free) ?? `h${p.index}`;
    const statements = forwardStatements(p, forms[p.index], ins, name);
    if (p.converted.comment && !p.attrs.some((a) => a)) w.line(`        # ${p.converted.comment}`);
    statements.forEach((expr, j) => {
      const todo = j === 0 && p.converted.todo && !p.attrs.some((a) => a) ? `  # TODO: ${p.converted.todo}` : '';
      w.line(`        ${name} = ${expr}${todo}`, p.index);
    });
    holder.set(name, p.index);
    valueName.set(p.index, name);
  }
  const returned = outputs.map((o) => valueName.get(o) ?? 'x');
  w.line(`        return ${returned.length ? returned.join(', ') : inputs[0]}`);
}

/** The forward statements of one layer: its parts composed while each uses its input once and the line stays short. */
function forwardStatements(p: LayerPlan, forms: (string | null)[], inputs: string[], target: string): string[] {
  const statements: string[] = [];
  let current: string | null = null;
  const substitute = (code: string, x: string) => code.replace(/\$x/g, x).replace(/\$(\d+)/g, (_, i) => inputs[Number(i)] ?? x);
  p.converted.parts.forEach((part, j) => {
    let template: string;
    if (part.type === 'expr') template = part.code;
    else if (forms[j]) template = forms[j]!;
    else template = (part.apply ?? '$m($x)').replace('$m', `self.${p.attrs[j]}`);
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
export function tupleItemPicker(model: ModelResult, text: string): (consumer: number, input: number) => number | null {
  const lines = text.split('\n');
  const identifiers = (s: string) => s.match(/[A-Za-z_]\w*/g) ?? [];
  const targetsOf = (k: number): string[] | null => {
    const m = /^\s*([A-Za-z_][\w\s,()[\]]*?)\s*=(?!=)/.exec(lines[model.layers[k].callRange.line] ?? '');
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
      const line = lines[r.callRange.line] ?? '';
      const right = /^\s*[\w\s,()[\]]*=(?!=)/.test(line) ? line.slice(line.indexOf('=') + 1) : line;
      const named = identifiers(right).filter((t) => targets.includes(t));
      if (named[nth] !== undefined) return targets.indexOf(named[nth]);
    }
    const matching = produced.items.map((item, j) => ({ item, j })).filter(({ item }) => key(item) === key(r.input[input]));
    return (matching[nth] ?? matching[0])?.j ?? 0;
  };
}

/** The records whose outputs the model returns, in the order of the model's outputs. */
export function outputRecords(model: ModelResult): number[] {
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

const PY_RESERVED = new Set(['self', 'torch', 'nn', 'F', 'input', 'None', 'True', 'False']);

/** The model's input shapes; where the analysis lists none (inputs given as a dict), those its layers read. */
export function modelInputs(model: ModelResult): Shape[] {
  if (model.input.length > 0) return model.input;
  const shapes: Shape[] = [];
  for (const r of model.layers) r.modelInputs.forEach((i, j) => i >= 0 && shapes[i] === undefined && (shapes[i] = r.input[j]));
  return Array.from({ length: shapes.length }, (_, i) => shapes[i] ?? null);
}

/** Input names: the variables assigned from keras.Input in the source, when they match the count. */
function inputNames(model: ModelResult, text: string): string[] {
  const count = Math.max(modelInputs(model).length, 1);
  if (count === 1) return ['x'];
  const names = [...text.matchAll(/^\s*([A-Za-z_]\w*)\s*=\s*(?:[\w.]+\.)?Input\(/gm)].map((m) => m[1]);
  if (names.length === count && new Set(names).size === names.length && !names.some((n) => PY_RESERVED.has(n))) return names;
  return Array.from({ length: count }, (_, i) => `x${i + 1}`);
}

function safeName(name: string): string {
  const s = name.replace(/\./g, '_').replace(/\W/g, '_');
  return /^\d/.test(s) ? `layer_${s}` : s;
}

function torchClassName(name: string): string {
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

function splitHeader(code: string): { imports: string[]; helpers: string[]; body: string } {
  const blocks = code.trimEnd().split('\n\n\n');
  const imports = blocks[0].split('\n');
  const body = blocks[blocks.length - 1];
  return { imports, helpers: blocks.slice(1, -1), body };
}

function importOrder(a: string, b: string): number {
  const rank = (s: string) => (s === 'import torch' ? 0 : s.startsWith('import') ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}
