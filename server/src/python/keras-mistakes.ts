// Mistakes reported where they are made. Keras: a recurrent layer whose `return_sequences` does not
// fit the layer it feeds. An `LSTM(64)` before a `GRU` gives one vector per sample where the GRU
// needs the sequence; an `LSTM(64, return_sequences=True)` before `RepeatVector` gives the sequence
// where RepeatVector needs one vector. The layer that fails (the GRU, the RepeatVector) is not
// where the fix goes: the rank error moves to the recurrent layer's `return_sequences`, with the
// edit that flips it, but only when running the failing layer's rule again on the flipped output
// makes its error go away. Keras merges and PyTorch's elementwise ops of branches that differ
// are reported on the one layer that made them differ (a stride on one branch of a residual).
//
// Functions of the interpreter, like tensors.ts; the trace's records say who produced a tensor.

import type { ReportedError } from '../shapes/context';
import { formatShape } from '../shapes/shape';
import { LayerArg, type Shape } from '../shapes/types';
import type { SyntaxNode } from '../syntax/parse';
import { lineLabel } from '../syntax/tree';
import type { Interpreter } from './interpreter';
import type { TraceRecord } from './trace';
import type { LayerValue, TensorValue } from './values';

const RECURRENT_KINDS = new Set(['LSTM', 'GRU', 'SimpleRNN']);
/** How many shape-keeping layers (Dropout, BatchNormalization…) may stand between the two. */
const MAX_WALK = 6;

interface Producer {
  record: TraceRecord;
  /** The recurrent layer's kind and its constructor call (the inner layer of a Bidirectional). */
  kind: string;
  call: SyntaxNode;
  sequences: boolean;
  /** The output the producer would give with `return_sequences` flipped. */
  flipped: Shape;
}

/**
 * Moves each rank error of `layer` whose cause is a recurrent producer's `return_sequences` to that
 * producer (recorded in the trace), and returns the errors it did not move. `passes(shapes)` runs the
 * layer's rule again on other inputs and says whether it reports nothing.
 */
export function blameSequenceProducer(interp: Interpreter, layer: LayerValue, inputs: TensorValue[], errors: ReportedError[], passes: (shapes: Shape[]) => boolean, callNode: SyntaxNode): ReportedError[] {
  if (layer.def.framework !== 'keras' || !interp.trace.enabled || inputs.length === 0) return errors;
  const ranked = errors.filter((e) => e.code === 'rank-mismatch' && !e.arg);
  if (ranked.length === 0 || ranked.length !== errors.length) return errors;
  const producer = recurrentProducer(interp, inputs[0]);
  if (!producer || !passes([producer.flipped, ...inputs.slice(1).map((t) => t.shape)])) return errors;
  const given = keywordValue(producer.call, 'return_sequences');
  const shown = formatShape(firstShape(producer.record.output), 'None');
  const consumer = `the ${layer.def.kind} at ${lineLabel(layer.node)}`;
  const message = producer.sequences
    ? `${producer.kind} returns the whole sequence ${shown} (return_sequences=True), but ${consumer} needs one vector per sample (batch, features): drop return_sequences=True`
    : `${producer.kind} returns only its last output ${shown} (return_sequences is False), but ${consumer} needs the whole sequence (batch, timesteps, features): set return_sequences=True`;
  const edit = given
    ? { node: given, newText: producer.sequences ? 'False' : 'True', title: `Set return_sequences=${producer.sequences ? 'False' : 'True'}` }
    : insertKeyword(producer.call, 'return_sequences=True');
  const related = [{ node: layer.node, message: `${layer.def.kind}: ${ranked[0].message}` }];
  if (callNode !== layer.node) related.push({ node: callNode, message: 'applied here' });
  interp.trace.addDiagnostic({ code: 'rank-mismatch', message, node: given ?? producer.call, related, layer: producer.record.layer ?? undefined, ...(edit ? { edit } : {}) });
  return [];
}

/** The Keras recurrent layer that produced the tensor, through layers that keep its shape. */
function recurrentProducer(interp: Interpreter, t: TensorValue): Producer | undefined {
  let current = t;
  for (let step = 0; step < MAX_WALK; step++) {
    const record = findRecord(interp, current.producer);
    if (!record?.layer || record.inputs.length !== 1) return undefined;
    const found = asRecurrent(record);
    if (found) return found;
    // Only a layer that hands on its input's shape unchanged may stand in between.
    const input = record.inputs[0];
    if (!sameShape(input.shape, firstShape(record.output))) return undefined;
    current = input;
  }
  return undefined;
}

function asRecurrent(record: TraceRecord): Producer | undefined {
  const layer = record.layer!;
  if (layer.def.framework !== 'keras') return undefined;
  let kind = layer.def.kind;
  let call: SyntaxNode | undefined = layer.node;
  let sequences = layer.bound.values.get('return_sequences');
  if (kind === 'Bidirectional') {
    const inner = layer.bound.values.get('layer');
    if (!(inner instanceof LayerArg)) return undefined;
    kind = inner.def.kind;
    call = layer.argNodes.get('layer');
    sequences = (inner.bound as { values: Map<string, unknown> }).values.get('return_sequences') as typeof sequences;
  }
  if (!RECURRENT_KINDS.has(kind) || typeof sequences !== 'boolean' || call?.type !== 'call') return undefined;
  if (layer.bound.values.get('return_state') === true) return undefined;
  const out = record.output;
  const input = record.inputs[0].shape;
  if (!Array.isArray(out) || input === null || input.length !== 3) return undefined;
  const flipped: Shape = sequences ? (out.length === 3 ? [out[0], out[2]] : null) : out.length === 2 ? [out[0], input[1], out[1]] : null;
  if (flipped === null) return undefined;
  return { record, kind, call, sequences, flipped };
}

function findRecord(interp: Interpreter, seq: number): TraceRecord | undefined {
  const records = interp.trace.records;
  for (let i = records.length - 1; i >= 0; i--) if (records[i].seq === seq) return records[i];
  return undefined;
}

function firstShape(o: TraceRecord['output']): Shape {
  return Array.isArray(o) ? o : null;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a !== null && b !== null && a.length === b.length && a.every((d, i) => d === b[i] || (d !== null && b[i] !== null && String(d) === String(b[i])));
}

/** The value written for a keyword argument of a call (`return_sequences=True` → `True`). */
function keywordValue(call: SyntaxNode, name: string): SyntaxNode | undefined {
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) {
    if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** An edit that adds a keyword argument at the end of a call's arguments: it rewrites the closing bracket. */
function insertKeyword(call: SyntaxNode, text: string): { node: SyntaxNode; newText: string; title: string } | undefined {
  const args = call.childForFieldName('arguments');
  if (args?.type !== 'argument_list') return undefined;
  const close = args.children[args.children.length - 1];
  if (close?.type !== ')') return undefined;
  const before = args.children[args.children.length - 2];
  const separator = !before || before.type === '(' || before.type === ',' ? '' : ', ';
  return { node: close, newText: `${separator}${text})`, title: `Add ${text}` };
}

const MERGE_KINDS = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']);
/** How far back a branch is followed to where it forks from the other. */
const MAX_BRANCH = 60;

/**
 * A Keras merge (Add, Concatenate…) of branches that disagree on an axis: where exactly one layer
 * between the fork and the merge changes that axis on one branch only (a stride or a 'valid'
 * padding in a residual branch), that layer is the line to change, and the error is reported
 * there, with the merge as related information. Otherwise it stays on the merge, at the call that
 * joins the branches (in a subclassed model, `self.add([x, y])` in `call`, not `layers.Add()` in
 * `__init__`). Returns the node to report on, and what to add to the message and related information.
 */
export function mergeBlame(interp: Interpreter, layer: LayerValue, inputs: TensorValue[], callNode: SyntaxNode): { node: SyntaxNode; prefix?: string; related: { node: SyntaxNode; message: string }[] } | undefined {
  if (layer.def.framework !== 'keras' || !MERGE_KINDS.has(layer.def.kind) || !interp.trace.enabled) return undefined;
  const atCall = interp.callSiteOverride === null && callNode !== layer.node ? callNode : undefined;
  const fallback = atCall ? { node: atCall, related: [{ node: layer.node, message: `the ${layer.def.kind} built here` }] } : undefined;
  const concatAxis = layer.def.kind === 'Concatenate' ? layer.bound.values.get('axis') : undefined;
  const merge = `the ${layer.def.kind} at ${lineLabel(atCall ?? layer.node)}`;
  return branchChanger(interp, inputs, typeof concatAxis === 'number' ? concatAxis : undefined, layer.def.kind !== 'Concatenate', merge, atCall ?? layer.node) ?? fallback;
}

/** PyTorch's elementwise operators and functions that broadcast two tensors (`y += self.shortcut(x)`, `a + b`, `torch.add`). */
const TORCH_BROADCASTING = new Set(['add', 'sub', 'subtract', 'mul', 'multiply', 'add_', 'sub_', 'mul_', 'maximum', 'minimum']);

/**
 * A PyTorch elementwise op (`y += self.shortcut(x)`) of branches that disagree on a spatial axis:
 * as for a Keras merge, where exactly one layer between the fork and the op changes that axis on
 * one branch only (a residual branch's stride), the error is reported on that layer. A clash of
 * channels stays on the op: a layer that widens one branch is usually what the branch is for, and
 * the missing piece is the shortcut's projection.
 */
export function torchMergeBlame(interp: Interpreter, kind: string, inputs: TensorValue[], node: SyntaxNode): { node: SyntaxNode; prefix: string; related: { node: SyntaxNode; message: string }[] } | undefined {
  if (!TORCH_BROADCASTING.has(kind) || inputs.length !== 2 || inputs.some((t) => t.framework !== 'torch') || !interp.trace.enabled) return undefined;
  const clash = firstClash(inputs, undefined, true);
  if (!clash || clash.axis < 2) return undefined;
  return branchChanger(interp, inputs, undefined, true, `the ${OPERATOR_WORDS[kind] ?? kind} at ${lineLabel(node)}`, node);
}

const OPERATOR_WORDS: Record<string, string> = { add: 'addition', add_: 'addition', sub: 'subtraction', sub_: 'subtraction', subtract: 'subtraction', mul: 'product', mul_: 'product', multiply: 'product' };

/** The one layer that made two merged branches differ, or undefined where there is not exactly one. */
function branchChanger(interp: Interpreter, inputs: TensorValue[], concatAxis: number | undefined, broadcasting: boolean, merge: string, mergeNode: SyntaxNode): { node: SyntaxNode; prefix: string; related: { node: SyntaxNode; message: string }[] } | undefined {
  const clash = firstClash(inputs, concatAxis, broadcasting);
  if (!clash) return undefined;
  const a = branch(interp, inputs[clash.i]);
  const b = branch(interp, inputs[clash.j]);
  const fork = a.tensors.findIndex((t) => b.tensors.some((u) => u.id === t.id));
  if (fork < 0) return undefined;
  const forkId = a.tensors[fork].id;
  const forkInB = b.tensors.findIndex((u) => u.id === forkId);
  const changers = [...changersOf(a.records.slice(0, fork), clash.axis), ...changersOf(b.records.slice(0, forkInB), clash.axis)];
  if (changers.length !== 1 || changers[0] === undefined) return undefined;
  const changer = changers[0];
  const before = changer.inputs[0].shape![clash.axis];
  const after = (changer.output as Shape)![clash.axis];
  const node = changer.layer?.node ?? changer.defNode;
  return {
    node,
    prefix: `${changer.kind} changes axis ${clash.axis} from ${before} to ${after} on one branch only, so ${merge} gets branches that differ there`,
    related: [{ node: mergeNode, message: `${merge}, where the branches meet` }],
  };
}

/** The first pair of inputs and the axis (not the batch, not the joined axis) where both sizes are known and differ. */
function firstClash(inputs: TensorValue[], concatAxis: number | undefined, broadcasting: boolean): { i: number; j: number; axis: number } | undefined {
  for (let i = 0; i < inputs.length; i++) {
    for (let j = i + 1; j < inputs.length; j++) {
      const x = inputs[i].shape;
      const y = inputs[j].shape;
      if (x === null || y === null || x.length !== y.length) continue;
      const joined = concatAxis === undefined ? -1 : concatAxis < 0 ? concatAxis + x.length : concatAxis;
      for (let axis = 1; axis < x.length; axis++) {
        if (axis === joined) continue;
        const p = x[axis];
        const q = y[axis];
        if (typeof p !== 'number' || typeof q !== 'number' || p === q) continue;
        if (broadcasting && (p === 1 || q === 1)) continue;
        return { i, j, axis };
      }
    }
  }
  return undefined;
}

/** A branch followed back from a merge's input: its tensors (the input first) and the records between them. */
function branch(interp: Interpreter, t: TensorValue): { tensors: TensorValue[]; records: TraceRecord[] } {
  const tensors = [t];
  const records: TraceRecord[] = [];
  let current = t;
  for (let step = 0; step < MAX_BRANCH; step++) {
    const record = findRecord(interp, current.producer);
    if (!record || record.inputs.length === 0) break;
    records.push(record);
    current = record.inputs[0];
    tensors.push(current);
  }
  return { tensors, records };
}

/** The records that change an axis's size (undefined where one cannot tell: a rank change, an unknown size). */
function changersOf(records: TraceRecord[], axis: number): (TraceRecord | undefined)[] {
  const out: (TraceRecord | undefined)[] = [];
  for (const r of records) {
    const input = r.inputs[0].shape;
    const output = Array.isArray(r.output) ? r.output : null;
    if (input === null || output === null || input.length !== output.length || r.inputs.length !== 1) {
      out.push(undefined);
      continue;
    }
    if (input[axis] !== output[axis]) out.push(typeof input[axis] === 'number' && typeof output[axis] === 'number' ? r : undefined);
  }
  return out;
}
