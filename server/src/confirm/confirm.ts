// Confirms the engine's shapes with one TensorFlow.js forward pass: every layer record of a model
// runs on real tensors (random weights, random input of the model's input shape with batch 1 and
// symbols given concrete values), its actual output shape is compared with the prediction, and
// each record is reported as confirmed, different, unconfirmable (named, with the reason) or
// failed (tfjs raised there; its message kept).
//
// Keras layers run as tfjs-layers (tfjs-build.ts's mapping) applied eagerly; PyTorch layers and
// operations run as tfjs ops in torch-ops.ts, channels-last inside and NCHW between layers, so
// shapes are reported in the source framework's layout. A layer whose producer failed, could not
// run or differs from the engine gets a random input of the engine's own input shape, so each
// difference is reported once, where it arises. The tf module and backend are chosen by the
// caller (backends.ts); reading files, threads and printing are left to worker.ts, report.ts and
// the CLI. Nothing here throws on user code.

import type { Tensor } from '@tensorflow/tfjs';
import { analyze } from '../analysis/analyze';
import type { LayerRecord, ModelResult } from '../analysis/result';
import { withoutLeafModules } from '../analysis/view';
import { Expr, evaluateDim } from '../shapes/dim';
import { LayerArg, TensorArg, TupleOut, UnknownArg, type ArgValue, type Output, type Shape } from '../shapes/types';
import { NOT_CONSTANT } from './call-args';
import { operationArgs } from './op-args';
import { estimateMemory, lastReaders } from './memory';
import { instantiate, layerSpec, type TfModule } from './tfjs-build';
import { TORCH_LAYERS, TORCH_OPS, TorchArgs, Unconfirmable, type TorchValue } from './torch-ops';

export type ConfirmStatus = 'confirmed' | 'different' | 'unconfirmable' | 'failed';

/** A shape as JSON: numbers (null where unknown), or a list of them for a layer with several outputs. */
export type JsonOutput = (number | null)[] | JsonOutput[] | null;

export interface LayerConfirmation {
  kind: string;
  /** 1-based line of the layer's constructor call (of the call, for an operation). */
  line: number;
  /** The module's attribute path, where the layer is a named module. */
  name?: string;
  predicted: JsonOutput;
  actual: JsonOutput;
  status: ConfirmStatus;
  /** Why tfjs cannot express this layer (status unconfirmable). */
  reason?: string;
  /** What tfjs raised (status failed). */
  message?: string;
  /** True when the layer ran on a random input of the engine's shape instead of its producer's output. */
  detached?: boolean;
}

export interface ConfirmSummary {
  confirmed: number;
  different: number;
  unconfirmable: number;
  failed: number;
}

export interface ModelConfirmation {
  name: string;
  framework: 'torch' | 'keras';
  backend: string;
  device: string;
  ms: number;
  /** The concrete input shapes the forward pass ran on. */
  input: (number | null)[][] | null;
  /** Values given to the input's symbols (`H`, `W`, ...). */
  symbols?: Record<string, number>;
  /**
   * Set when the model states no input and the pass ran on sizes picked here: which input, and how
   * to give one (`input (1, 3, 64, 64) assumed: no input given; set # input: ...`).
   */
  assumedInput?: string;
  layers: LayerConfirmation[];
  summary: ConfirmSummary;
  /** Why the model was not run at all (over the memory limit, no concrete input). */
  refused?: string;
}

export interface ConfirmOptions {
  /** Only the model of this name. */
  model?: string;
  /** The `--input` shape text, as for `check`. */
  input?: string;
  /** Values for symbolic sizes, over the defaults (batch 1, C 3, other sizes 64). */
  symbols?: Record<string, number>;
  /** Models whose weights (4 bytes a parameter) exceed this many MiB are refused. */
  memoryLimitMb?: number;
}

export interface BackendInfo {
  tf: TfModule;
  backend: string;
  device: string;
}

export const DEFAULT_MEMORY_LIMIT_MB = 1024;

/** Symbols of a symbolic input get these values unless given: batch names 1, channel names 3, the rest 64. */
const BATCH_SYMBOLS = new Set(['N', 'B', 'batch', 'batch_size', 'bs']);
const CHANNEL_SYMBOLS = new Set(['C', 'channels', 'in_channels']);
const DEFAULT_SIZE = 64;

function symbolValues(model: ModelResult, given: Record<string, number>): Record<string, number> {
  const values: Record<string, number> = {};
  for (const shape of model.input) {
    for (const d of shape ?? []) {
      if (!(d instanceof Expr)) continue;
      for (const s of d.symbols()) values[s] = given[s] ?? (BATCH_SYMBOLS.has(s) ? 1 : CHANNEL_SYMBOLS.has(s) ? 3 : DEFAULT_SIZE);
    }
  }
  return values;
}

/** A shape with symbols evaluated; an unknown leading batch becomes 1 when `batchOne`; null when a size stays unknown. */
function concrete(shape: Shape, symbols: Record<string, number>, batchOne: boolean): number[] | null {
  if (shape === null) return null;
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    const n = d === null ? (i === 0 && batchOne ? 1 : null) : evaluateDim(d, symbols);
    if (n === null) return null;
    out.push(n);
  }
  return out;
}

/** The prediction as JSON: symbols evaluated, unknown sizes null. */
function predictedJson(o: Output, symbols: Record<string, number>): JsonOutput {
  if (o instanceof TupleOut) return o.items.map((i) => predictedJson(i, symbols));
  if (o === null) return null;
  return o.map((d) => (d === null ? null : evaluateDim(d, symbols)));
}

function actualJson(v: TorchValue): JsonOutput {
  if (Array.isArray(v)) return v.map(actualJson);
  return [...v.shape];
}

/** An unknown predicted size agrees with any actual one; tuples compare item by item. */
function sameShape(predicted: JsonOutput, actual: JsonOutput): boolean {
  if (predicted === null || actual === null) return predicted === actual;
  const nested = (x: JsonOutput[]) => x.some((i) => Array.isArray(i));
  const p = predicted as JsonOutput[];
  const a = actual as JsonOutput[];
  if (nested(p) || nested(a)) return nested(p) && nested(a) && p.length === a.length && p.every((item, i) => sameShape(item, a[i]));
  return p.length === a.length && p.every((d, i) => d === null || d === a[i]);
}

function hasEmptyAxis(v: JsonOutput): boolean {
  if (v === null) return false;
  return v.some((d) => (Array.isArray(d) ? hasEmptyAxis(d) : typeof d === 'number' && d <= 0));
}

/** The tensors of a value, depth first. */
function tensorsOf(v: TorchValue): Tensor[] {
  return Array.isArray(v) ? v.flatMap(tensorsOf) : [v];
}

/** Of a producer's outputs, the one the engine says this input is (by shape), else the first. */
function pickTensor(v: TorchValue, shape: number[] | null): Tensor {
  const all = tensorsOf(v);
  const key = JSON.stringify(shape);
  return all.find((t) => JSON.stringify(t.shape) === key) ?? all[0];
}

/** A constructor's bound arguments as plain values; what is not a constant becomes NOT_CONSTANT. */
function plainArgs(args: Record<string, ArgValue>, symbols: Record<string, number>): Record<string, unknown> {
  const toPlain = (v: ArgValue): unknown => {
    if (v instanceof UnknownArg || v instanceof TensorArg || v instanceof LayerArg) return NOT_CONSTANT;
    if (v instanceof Expr) return evaluateDim(v, symbols) ?? NOT_CONSTANT;
    if (Array.isArray(v)) return v.map(toPlain);
    return v;
  };
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, toPlain(v)]));
}

/** Runs one record on its input tensors; throws Unconfirmable or tfjs's error. */
function runRecord(tf: TfModule, model: ModelResult, record: LayerRecord, inputs: Tensor[], symbols: Record<string, number>, lines: string[], kerasLayers: Map<number, ReturnType<typeof instantiate>>, predicted: JsonOutput): TorchValue {
  if (model.framework === 'keras') {
    const made = layerSpec(record, 'keras', symbols);
    if ('reason' in made) throw new Unconfirmable(made.reason);
    const id = record.layerId ?? -1;
    const layer = kerasLayers.get(id) ?? instantiate(tf, made.spec);
    if (id >= 0) kerasLayers.set(id, layer);
    const merge = ['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot'].includes(record.kind);
    // Token ids for an Embedding, whatever the random input was.
    if (record.kind === 'Embedding') inputs = inputs.map((t) => tf.zeros(t.shape, 'int32'));
    const applied = inputs.length === 1 && !merge ? inputs[0] : inputs;
    // A window larger than its input: tfjs-layers computes a size of 0 or less, which the wasm
    // backend cannot run (it writes out of bounds), and Keras refuses. Said without running it.
    let planned: unknown;
    try {
      planned = layer.computeOutputShape(Array.isArray(applied) ? applied.map((t) => t.shape) : applied.shape);
    } catch {
      planned = undefined;
    }
    const flat = (JSON.stringify(planned ?? []).match(/-?\d+/g) ?? []).map(Number);
    if (flat.some((d) => d <= 0)) throw new Error(`tfjs-layers computes the output shape ${JSON.stringify(planned)}, with a size of 0 or less (Keras refuses it)`);
    return layer.apply(applied) as unknown as TorchValue;
  }
  if (record.module) {
    const run = TORCH_LAYERS[record.kind];
    if (!run) throw new Unconfirmable(`tfjs has no ${record.kind} layer here`);
    return run(tf, new TorchArgs(record.kind, plainArgs(record.args ?? {}, symbols)), inputs);
  }
  const run = TORCH_OPS[record.kind];
  if (!run) throw new Unconfirmable(`the operation ${record.kind} is not run in tfjs`);
  // An operation's arguments are read from its call text, which lies in another file (a library's, the torchvision table's).
  if (record.path !== undefined) throw new Unconfirmable(`the operation ${record.kind} is not run here: it is called in another file (${record.path}), whose text is not read`);
  const flatPredicted = Array.isArray(predicted) && predicted.every((d) => typeof d === 'number') ? (predicted as number[]) : null;
  return run(tf, new TorchArgs(record.kind, operationArgs(record, lines)), inputs, flatPredicted);
}

function summarise(layers: LayerConfirmation[]): ConfirmSummary {
  const summary: ConfirmSummary = { confirmed: 0, different: 0, unconfirmable: 0, failed: 0 };
  for (const l of layers) summary[l.status]++;
  return summary;
}

/** Weight memory of a model in MiB (4 bytes a parameter; unknown counts left out). */
export function weightMegabytes(model: ModelResult): number {
  return estimateMemory(model, {}).weights / 1048576;
}

function mib(bytes: number): string {
  if (bytes >= 1024 * 1048576) return `${(bytes / 1024 / 1048576).toFixed(1)} GiB`;
  if (bytes >= 1048576) return `${(bytes / 1048576).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Confirms one analysed model on the given backend. `lines` is the source, for operations' arguments. */
export async function confirmModel(backend: BackendInfo, whole: ModelResult, lines: string[], options: ConfirmOptions = {}): Promise<ModelConfirmation> {
  const model = withoutLeafModules(whole);
  const { tf } = backend;
  const symbols = symbolValues(model, options.symbols ?? {});
  const base = { name: model.name, framework: model.framework, backend: backend.backend, device: backend.device, symbols: Object.keys(symbols).length ? symbols : undefined };
  const limit = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  const refuse = (refused: string): ModelConfirmation => ({ ...base, ms: 0, input: null, layers: [], summary: summarise([]), refused });
  const limitName = `the memory limit of ${limit} MiB (setting cnnshape.confirm.memoryLimitMb, flag --memory-limit)`;
  // Refused before anything is allocated: the weights, then the weights with the activations alive at the peak.
  const memory = estimateMemory(model, symbols);
  if (memory.weights > limit * 1048576) return refuse(`its weights need ${mib(memory.weights)}, over ${limitName}`);
  if (memory.weights + memory.activations > limit * 1048576) {
    const at = model.layers[memory.peakAt];
    const where = at ? `${at.kind}${at.name ? ` (${at.name})` : ''} on line ${at.range.line + 1}` : 'the model input';
    return refuse(`its forward pass needs about ${mib(memory.weights + memory.activations)} (${mib(memory.activations)} of activations alive at once at ${where}, ${mib(memory.weights)} of weights), over ${limitName}`);
  }
  const inputShapes = model.input.map((s) => concrete(s, symbols, true));
  if (inputShapes.length === 0 || inputShapes.some((s) => s === null)) return refuse('its input shape is not known (give one with # input: or --input)');
  // Each output is freed once the last layer that reads it has run (memory.ts counts the same way).
  const lastReader = lastReaders(model);

  const start = performance.now();
  const layers: LayerConfirmation[] = [];
  tf.engine().startScope();
  try {
    const modelInputs = (inputShapes as number[][]).map((s) => tf.randomNormal(s));
    const values: (TorchValue | undefined)[] = [];
    const kerasLayers = new Map<number, ReturnType<typeof instantiate>>();
    // How many kept outputs hold each tensor (an op may hand back the tensor it was given).
    const holders = new Map<Tensor, number>();
    const releaseAfter: number[][] = model.layers.map(() => []);
    lastReader.forEach((step, i) => releaseAfter[step].push(i));
    const release = (step: number) => {
      for (const i of releaseAfter[step]) {
        const value = values[i];
        values[i] = undefined;
        for (const t of value ? tensorsOf(value) : []) {
          const n = (holders.get(t) ?? 1) - 1;
          if (n > 0) holders.set(t, n);
          else {
            holders.delete(t);
            if (!modelInputs.includes(t) && !t.isDisposed) t.dispose();
          }
        }
      }
    };
    for (let k = 0; k < model.layers.length; k++) {
      if (k > 0) release(k - 1);
      const record = model.layers[k];
      const predicted = predictedJson(record.output, symbols);
      const entry: LayerConfirmation = { kind: record.kind, line: record.range.line + 1, ...(record.name ? { name: record.name } : {}), predicted, actual: null, status: 'unconfirmable' };
      layers.push(entry);
      values.push(undefined);
      const inputs: Tensor[] = [];
      let missing: string | null = null;
      for (let j = 0; j < record.input.length; j++) {
        const engineShape = concrete(record.input[j], symbols, true);
        const from = record.inputsFrom[j] ?? -1;
        const produced = from >= 0 ? values[from] : undefined;
        const fromProducer = produced ? pickTensor(produced, engineShape) : undefined;
        const modelInput = record.modelInputs[j] ?? -1;
        if (fromProducer && (!engineShape || JSON.stringify(fromProducer.shape) === JSON.stringify(engineShape))) inputs.push(fromProducer);
        else if (from < 0 && modelInput >= 0 && modelInputs[modelInput]) inputs.push(modelInputs[modelInput]);
        else if (engineShape) {
          inputs.push(tf.randomNormal(engineShape));
          entry.detached = true;
        } else {
          missing = `input ${j + 1} of ${record.kind} has no concrete shape`;
          break;
        }
      }
      if (missing) {
        entry.reason = missing;
        continue;
      }
      try {
        const out = runRecord(tf, model, record, inputs, symbols, lines, kerasLayers, predicted);
        entry.actual = actualJson(out);
        // An empty output is not passed on: the layers after it run on the engine's shapes, if known.
        // Nor is the output of a record the engine does not predict: built from its constructor's
        // arguments, it may not be the layer the code runs (a stride set after it was built).
        if (!hasEmptyAxis(entry.actual) && predicted !== null) {
          values[k] = out;
          for (const t of tensorsOf(out)) holders.set(t, (holders.get(t) ?? 0) + 1);
        }
        if (hasEmptyAxis(entry.actual)) {
          entry.status = 'failed';
          entry.message = `tfjs produced the shape ${JSON.stringify(entry.actual)}, with a size of 0 or less`;
        } else if (predicted === null) entry.reason = 'the engine predicts no shape here (its output is unknown)';
        else entry.status = sameShape(predicted, entry.actual) ? 'confirmed' : 'different';
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (e instanceof Unconfirmable) entry.reason = e.message;
        else if (tfjsLacksKernel(message)) {
          // tfjs has no kernel for this case (batch norm of rank 5, say): a gap in tfjs, which says
          // nothing about the shape the engine predicted.
          entry.reason = `tfjs cannot run this layer here: ${message}`;
        } else if (record.input.some((shape) => shape?.some((d) => d instanceof Expr))) {
          // The engine kept these sizes symbolic; the values given to the symbols for the run are
          // an assumption, so tfjs failing under them contradicts nothing the engine said.
          entry.reason = `tfjs failed with the values given to the symbolic sizes (${Object.entries(symbols).map(([k, v]) => `${k}=${v}`).join(', ')}): ${message}`;
        } else {
          entry.status = 'failed';
          entry.message = message;
        }
      }
    }
    // Waits for the device to finish every layer, so that the time is the forward pass's: the outputs
    // still kept are the last layers', which come after all the others.
    const finals = values.flatMap((v) => (v ? tensorsOf(v) : [])).filter((t) => t.size > 0);
    if (finals.length) await tf.addN(finals.map((t) => tf.sum(tf.cast(t, 'float32')))).data();
  } catch (e) {
    layers.push({ kind: '(forward pass)', line: model.range.line + 1, predicted: null, actual: null, status: 'failed', message: e instanceof Error ? e.message : String(e) });
  } finally {
    tf.engine().endScope();
  }
  const ms = Math.round((performance.now() - start) * 10) / 10;
  const assumedInput = assumedInputNote(model, inputShapes as number[][], symbols, options.symbols ?? {});
  return { ...base, ms, input: inputShapes as number[][], ...(assumedInput ? { assumedInput } : {}), layers, summary: summarise(layers) };
}

/** The note for a pass whose input sizes were picked here (symbols without a given value); undefined when the input was stated. */
function assumedInputNote(model: ModelResult, shapes: number[][], symbols: Record<string, number>, given: Record<string, number>): string | undefined {
  // Stated by a comment, a call, a layer, a build, the flag or the setting: nothing was assumed.
  if (model.inputSource !== 'symbolic' && model.inputSource !== 'inferred') return undefined;
  const picked = Object.keys(symbols).filter((s) => given[s] === undefined);
  const how = model.inputSource === 'inferred' ? 'sizes solved back from the layers' : '';
  const values = picked.map((s) => `${s}=${symbols[s]}`).join(', ');
  const detail = [how, values].filter((x) => x).join('; ');
  const keras = model.framework === 'keras';
  const written = shapes.map((s) => `(${s.map((d, i) => (keras && i === 0 ? 'None' : String(d))).join(', ')})`).join(', ');
  const shown = shapes.map((s) => `(${s.join(', ')})`).join(', ');
  return `input ${shown} assumed: no input given${detail ? ` (${detail})` : ''}; set # input: ${written} above the model, or --input / cnnshape.defaultInputShape`;
}

/** Analyses a file's text and confirms its models (or the one named). */
export async function confirmText(backend: BackendInfo, text: string, options: ConfirmOptions = {}): Promise<ModelConfirmation[]> {
  // Shapes only: the fixes need not be proven.
  const result = analyze(text, { input: options.input, proveFixes: false });
  const lines = text.split(/\r?\n/);
  const models = result.models.filter((m) => !options.model || m.name === options.model);
  const out: ModelConfirmation[] = [];
  for (const model of models) out.push(await confirmModel(backend, model, lines, options));
  return out;
}

/** True for tfjs's own "not implemented" messages: a missing kernel, not a shape contradiction. */
function tfjsLacksKernel(message: string): boolean {
  return /\bnot (yet )?implemented\b|\bis not supported\b/i.test(message);
}
