// Completion of the numbers people type: in an argument slot whose value the analysis can infer
// from the tensor that reaches the layer, the first item is that value in the file's style (a
// product `6*7*7` where the file writes its flattened sizes as products, `294` where it writes
// results, a name in scope that holds it), with the shape it comes from in the detail.
//
// Slots: nn.Linear / Bilinear in_features, nn.Conv*d in_channels, BatchNorm / InstanceNorm
// num_features, GroupNorm num_channels, LayerNorm normalized_shape, LSTM / GRU / RNN input_size,
// MultiheadAttention embed_dim, Embedding embedding_dim where the next layer fixes it, the sizes of
// `x.view(...)` / `x.reshape(...)`; Keras Reshape targets and Dense after Flatten.
//
// The code around the cursor is usually half typed, so the file is analysed once more with the
// argument replaced by a placeholder (`1`, `-1` for a view) and the call closed; the layer's record
// in that run gives the shape of its input. Only that record is read, so the placeholder's own
// errors do not matter. Nothing here throws on user code: no record, no item.

import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { AnalysisResult, LayerRecord } from '../analysis/result';
import { dimToString, isKnown, product, type Dim } from '../shapes/dim';
import { formatShape } from '../shapes/shape';
import type { LayerDef, Shape } from '../shapes/types';
import { activeParam, callAt, layerFor, splitTopLevel, type CallContext } from './calls';

/** Analyses a variant of the document's text with the same options as the document. */
export type ProbeAnalysis = (text: string) => AnalysisResult;

/** Which axis of the layer's input each slot reads. */
type Axis = 'last' | 'channels';

const SLOTS: Record<string, Record<string, Axis>> = {
  Linear: { in_features: 'last' },
  Bilinear: { in1_features: 'last', in2_features: 'last' },
  LayerNorm: { normalized_shape: 'last' },
  LSTM: { input_size: 'last' },
  GRU: { input_size: 'last' },
  RNN: { input_size: 'last' },
  LSTMCell: { input_size: 'last' },
  GRUCell: { input_size: 'last' },
  RNNCell: { input_size: 'last' },
  MultiheadAttention: { embed_dim: 'last' },
  GroupNorm: { num_channels: 'channels' },
};

/** The slot of a layer parameter, or undefined when its value cannot be read from the input. */
function slotOf(def: LayerDef, param: string): Axis | undefined {
  if (def.framework !== 'torch') return undefined;
  const fixed = SLOTS[def.kind]?.[param];
  if (fixed) return fixed;
  if (/^Conv(Transpose)?[123]d$/.test(def.kind) && param === 'in_channels') return 'channels';
  if (/^(BatchNorm|InstanceNorm)[123]d$/.test(def.kind) && param === 'num_features') return 'channels';
  return undefined;
}

interface Inferred {
  value: number;
  /** Where it comes from, for the item's detail. */
  detail: string;
  /** The sizes it is the product of (the input of the Flatten or view that produced it). */
  factors?: number[];
}

function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + position.character);
}

function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** The file text with the argument at the cursor replaced by `placeholder`, the call closed where it is not. */
function probeText(text: string, call: CallContext, offset: number, placeholder: string, required: number): string {
  if (call.close >= 0) {
    // The call is whole: replace the argument under the cursor up to the next top-level comma or the close.
    const rest = splitTopLevel(text.slice(offset, call.close))[0];
    return text.slice(0, call.partialStart) + placeholder + text.slice(offset + rest.length);
  }
  // Half typed: the rest of the line is dropped, the required arguments are filled and the call closed;
  // inside another bracket (a Sequential's list) a comma keeps the items apart.
  const lineEnd = text.indexOf('\n', offset);
  const after = lineEnd < 0 ? '' : text.slice(lineEnd);
  const fill = ', 1'.repeat(Math.max(0, required));
  return text.slice(0, call.partialStart) + placeholder + fill + ')' + (isNested(text, call) ? ',' : '') + after;
}

/** True when the call is an item of an enclosing bracket (a Sequential's arguments, a list). */
function isNested(text: string, call: CallContext): boolean {
  const before = text.slice(0, call.calleeStart).replace(/#[^\n]*/g, '').trimEnd();
  return /[([{,]$/.test(before);
}

/** The record the probe's run made for the call starting at `start`. */
function recordAt(result: AnalysisResult, start: { line: number; column: number }, module: boolean): { layer: LayerRecord; layers: LayerRecord[] } | undefined {
  for (const model of result.models) {
    for (const layer of model.layers) {
      if (layer.path === undefined && layer.module === module && layer.range.line === start.line && layer.range.column === start.column) return { layer, layers: model.layers };
    }
  }
  return undefined;
}

/** The sizes a flattened axis is the product of: the input (less its batch) of the Flatten or view that made it. */
function flattenedFrom(layer: LayerRecord, layers: LayerRecord[], inputIndex: number, value: number): number[] | undefined {
  const producer = layers[layer.inputsFrom[inputIndex] ?? -1];
  if (!producer || !/^(Flatten|flatten|view|reshape)$/.test(producer.kind)) return undefined;
  const source = producer.input[0];
  if (!source || source.length < 3) return undefined;
  const dims = source.slice(1);
  if (!dims.every(isKnown) || product(dims) !== value) return undefined;
  return dims as number[];
}

function describe(layer: LayerRecord, layers: LayerRecord[], inputIndex: number): string {
  const shape = layer.input[inputIndex] ?? null;
  const producer = layers[layer.inputsFrom[inputIndex] ?? -1];
  const from = producer ? ` from ${producer.kind} at line ${producer.range.line + 1}` : layer.modelInputs[inputIndex] >= 0 ? ' (the model input)' : '';
  return `input ${formatShape(shape)}${from}`;
}

/** The value of a layer slot, from the input the probe's record saw. */
function layerValue(def: LayerDef, param: string, layer: LayerRecord, layers: LayerRecord[]): Inferred | undefined {
  const axis = slotOf(def, param);
  if (!axis) return undefined;
  const inputIndex = param === 'in2_features' ? 1 : 0;
  const shape: Shape = layer.input[inputIndex] ?? null;
  if (shape === null || shape.length === 0) return undefined;
  let dim: Dim;
  if (axis === 'last') dim = shape[shape.length - 1];
  else {
    // Channels: axis 1, or axis 0 of an unbatched input (one fewer axis than the layer's rank + 2).
    const rank = Number(/([123])d$/.exec(def.kind)?.[1] ?? 0);
    dim = rank > 0 && shape.length === rank + 1 ? shape[0] : shape[1];
  }
  if (!isKnown(dim)) return undefined;
  return { value: dim, detail: describe(layer, layers, inputIndex), factors: axis === 'last' ? flattenedFrom(layer, layers, inputIndex, dim) : undefined };
}

/** Embedding's embedding_dim where the layer reading its output declares its input size. */
function embeddingValue(layer: LayerRecord, layers: LayerRecord[]): Inferred | undefined {
  const index = layers.indexOf(layer);
  const reader = layers.find((l) => l.module && l.inputsFrom.includes(index) && l.args !== null && l.kind !== 'Embedding');
  if (!reader || !reader.args) return undefined;
  const argument = ['input_size', 'in_features', 'embed_dim', 'd_model', 'normalized_shape'].find((a) => reader.given.includes(a) || a in reader.args!);
  const value = argument === undefined ? undefined : reader.args[argument];
  if (typeof value !== 'number') return undefined;
  return { value, detail: `${reader.kind} at line ${reader.range.line + 1} takes ${argument}=${value}` };
}

/** How the file writes the sizes it flattens: products of literals, or their results. */
function writesProducts(text: string): boolean {
  // The call's own argument counts too: a slot that holds `294` is written as a result. Comments do not.
  const others = text.replace(/#[^\n]*/g, '');
  const sizes = [...others.matchAll(/\b(?:Linear|LazyLinear|view|reshape|Dense)\(\s*([^,()]*(?:\([^()]*\))?[^,()]*)/g)].map((m) => m[1]);
  const args = [...others.matchAll(/\b(?:view|reshape)\(([^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)/g)].flatMap((m) => splitTopLevel(m[1]));
  const all = [...sizes, ...args].map((s) => s.trim());
  if (all.some((s) => /^\d+(\s*\*\s*\d+)+$/.test(s))) return true;
  // A file that writes its flattened sizes as results has a large literal there (`nn.Linear(400, 120)`).
  if (all.some((s) => /^\d+$/.test(s) && Number(s) > 9)) return false;
  return true;
}

/** `*` or ` * `, as the file spaces its products. */
function productSeparator(text: string): string {
  return /\d \* \d/.test(text) && !/\d\*\d/.test(text) ? ' * ' : '*';
}

/** Names in scope before the cursor (a local, a parameter default, `self.x`) that hold `value`. */
function namesHolding(text: string, offset: number, value: number): string[] {
  const before = text.slice(0, offset);
  const start = Math.max(before.lastIndexOf('\nclass '), 0);
  const scope = before.slice(start);
  const names = new Set<string>();
  for (const m of scope.matchAll(/^\s*((?:self\.)?[A-Za-z_]\w*)\s*=\s*(\d+)\s*(?:#.*)?$/gm)) if (Number(m[2]) === value) names.add(m[1]);
  // A parameter's default (`def __init__(self, channels=6)`): it holds the value while the caller passes no other.
  for (const signature of scope.matchAll(/\bdef\s+\w+\s*\(([^)]*)\)/g)) {
    for (const m of signature[1].matchAll(/([A-Za-z_]\w*)\s*(?::\s*int\s*)?=\s*(\d+)\s*(?=,|$)/g)) if (Number(m[2]) === value) names.add(m[1]);
  }
  // Module-level constants (`HIDDEN = 294`).
  for (const m of before.slice(0, start).matchAll(/^([A-Za-z_]\w*)\s*=\s*(\d+)\s*(?:#.*)?$/gm)) if (Number(m[2]) === value) names.add(m[1]);
  return [...names].filter((n) => n !== 'self');
}

function items(inferred: Inferred, text: string, call: CallContext): CompletionItem[] {
  const literal = String(inferred.value);
  const productText = inferred.factors ? inferred.factors.join(productSeparator(text)) : undefined;
  const names = namesHolding(text, call.calleeStart, inferred.value);
  const ordered: string[] = [];
  const selfNames = names.filter((n) => n.startsWith('self.'));
  if (selfNames.length === 1) ordered.push(selfNames[0]);
  if (productText && writesProducts(text)) ordered.push(productText);
  ordered.push(literal);
  if (productText) ordered.push(productText);
  for (const n of names) ordered.push(n);
  const typed = call.partial.trim();
  const unique = [...new Set(ordered)];
  return unique.map((label, i) => ({
    label,
    kind: CompletionItemKind.Value,
    detail: `${inferred.value} = ${inferred.detail}`,
    sortText: String(i).padStart(3, '0'),
    preselect: i === 0,
    filterText: typed === '' ? label : typed,
  }));
}

/** Completion items at a position of the analysed text; [] where no slot's value can be inferred. */
export function completionsAt(text: string, position: Position, probe: ProbeAnalysis, current?: AnalysisResult): CompletionItem[] {
  try {
    return completionsOrThrow(text, position, probe, current);
  } catch {
    // Half-typed code: no item rather than a failed request.
    return [];
  }
}

function completionsOrThrow(text: string, position: Position, probe: ProbeAnalysis, current?: AnalysisResult): CompletionItem[] {
  const offset = offsetAt(text, position);
  const call = callAt(text, offset);
  if (!call) return [];
  const start = positionAt(text, call.calleeStart);
  // x.view(x.size(0), |) and x.reshape(...): the size this slot must have, from a run with -1 there.
  if (/\.(view|reshape)$/.test(call.callee) && !/^(torch|np|numpy|tf)\./.test(call.callee) && !call.inTuple && call.keyword === undefined) {
    const result = probe(probeText(text, call, offset, '-1', 0));
    const found = recordAt(result, start, false);
    const output = found?.layer.output;
    if (!found || !Array.isArray(output)) return [];
    const dim = output[call.before.length];
    if (!isKnown(dim)) return [];
    const input = found.layer.input[0];
    const factors = input && input.length >= 3 && call.before.length === 1 && input.slice(1).every(isKnown) && product(input.slice(1)) === dim ? (input.slice(1) as number[]) : undefined;
    return items({ value: dim, detail: `${formatShape(input ?? null)} viewed as ${formatShape(output)}`, factors }, text, call);
  }
  const def = layerFor(call.callee, text);
  if (!def) return [];
  if (def.framework === 'keras') return kerasItems(def, text, call, offset, start, probe);
  const param = activeParam(def, call);
  if (!param) return [];
  const isEmbedding = def.kind === 'Embedding' && param.name === 'embedding_dim';
  if (!slotOf(def, param.name) && !isEmbedding) return [];
  const index = def.params.indexOf(param);
  const required = def.params.slice(index + 1).filter((p) => p.default === undefined && !p.varargs && !p.varkw && !p.kwOnly).length;
  const valueIn = (result: AnalysisResult): Inferred | undefined => {
    const found = recordAt(result, start, true);
    if (!found) return undefined;
    return isEmbedding ? embeddingValue(found.layer, found.layers) : layerValue(def, param.name, found.layer, found.layers);
  };
  // A whole call with a value in the slot: the document's own analysis (where that value may be what
  // fixed the input's size, as a Linear after a Flatten does); else a run with a placeholder there.
  const own = call.close >= 0 ? valueIn(current ?? probe(text)) : undefined;
  const inferred = own ?? valueIn(probe(probeText(text, call, offset, call.keyword !== undefined ? `${call.keyword}=1` : '1', call.keyword !== undefined ? 0 : required)));
  return inferred ? items(inferred, text, call) : [];
}

/** A Keras shape as Keras prints it: the unknown batch is None. */
function kerasShape(shape: Shape): string {
  return formatShape(shape).replace(/\?/g, 'None');
}

/** Keras: a Reshape target (the elements per sample) and Dense after Flatten (the flattened width). */
function kerasItems(def: LayerDef, text: string, call: CallContext, offset: number, start: { line: number; column: number }, probe: ProbeAnalysis): CompletionItem[] {
  if (def.kind === 'Reshape' && call.before.length === 0) {
    // The whole argument list becomes `(-1,)`, always a valid target.
    const lineEnd = text.indexOf('\n', offset);
    const probed = call.close >= 0 ? text.slice(0, call.open + 1) + '(-1,)' + text.slice(call.close) : text.slice(0, call.open + 1) + '(-1,))' + (isNested(text, call) ? ',' : '') + (lineEnd < 0 ? '' : text.slice(lineEnd));
    const found = recordAt(probe(probed), start, true);
    const input = found?.layer.input[0];
    if (!found || !input || input.length < 2 || !input.slice(1).every(isKnown)) return [];
    const dims = input.slice(1) as number[];
    const total = product(dims) as number;
    const detail = `${describe(found.layer, found.layers, 0).replace(/\?/g, 'None')}: ${total} elements per sample`;
    const shapes = [dims.length > 1 ? `(${total},)` : undefined, `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`, '(-1,)'].filter((s): s is string => s !== undefined);
    const labels = call.inTuple ? shapes.map((s) => s.slice(1, -1)) : shapes;
    return [...new Set(labels)].map((label, i) => ({ label, kind: CompletionItemKind.Value, detail, sortText: String(i).padStart(3, '0'), preselect: i === 0 }));
  }
  if (def.kind === 'Dense' && call.before.length === 0 && call.keyword === undefined) {
    const found = recordAt(probe(probeText(text, call, offset, '1', 0)), start, true);
    if (!found) return [];
    const shape = found.layer.input[0];
    const producer = found.layers[found.layer.inputsFrom[0] ?? -1];
    if (!shape || !producer || producer.kind !== 'Flatten') return [];
    const last = shape[shape.length - 1];
    if (!isKnown(last)) return [];
    const detail = `units: the input is ${kerasShape(shape)} from Flatten at line ${producer.callRange.line + 1} (${dimToString(last)} features)`;
    return [{ label: String(last), kind: CompletionItemKind.Value, detail, sortText: '000', preselect: true }];
  }
  return [];
}

