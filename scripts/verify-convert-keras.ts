// Numeric check of the PyTorch → Keras converter: each PyTorch fixture model that converts
// without a TODO runs in real PyTorch (scripts/verify_convert_keras.py: fixed random weights and
// batch-norm statistics, one fixed input, eval mode); the generated Keras code is analysed by the
// engine and built in TensorFlow.js from its layer records (confirm/tfjs-build.ts's layerSpec), the
// PyTorch parameters are moved in (OIHW → HWIO, Linear (out, in) → (in, out), batch-norm
// statistics, LSTM/GRU gates), the same input runs through it, and a table prints the largest
// |difference| of the outputs per model (goal: below 1e-4).
//
// Run: npx esbuild scripts/verify-convert-keras.ts --bundle --platform=node --outfile=dist/verify-convert-keras.js \
//        --external:tree-sitter --external:tree-sitter-python --external:@tensorflow/* --loader:.scm=text
//      node dist/verify-convert-keras.js [--python /usr/bin/python3] [fixture files; default: test/fixtures/torch
//      except the bad_*.py robustness fixtures (a 4,096-layer loop, recursion), which are no models to port]
// It needs PyTorch (apt-get install -y python3-torch), so it is not part of the default tests.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../server/src/analysis/analyze';
import type { LayerRecord, ModelResult } from '../server/src/analysis/result';
import { instantiate, layerSpec, type TfjsLayerSpec } from '../server/src/confirm/tfjs-build';
import { convertPyTorchModel, type ConvertedKerasModel, type KerasWeightPort } from '../server/src/convert/keras';
import { modelInputs } from '../server/src/convert/pytorch';
import { loadParser } from '../server/src/platform/node-parser';

const ROOT = resolve(__dirname, '..');
const MERGE_KINDS = new Set(['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);

interface Json {
  shape: number[];
  data: number[];
}

interface TorchRun {
  state: Record<string, Json>;
  inputs: Json[];
  outputs: Json[];
  error?: string;
}

interface Case {
  name: string;
  file: string;
  model: ModelResult;
  converted: ConvertedKerasModel;
  out: string;
}

function tensor(j: Json): tf.Tensor {
  return tf.tensor(j.data, j.shape);
}

/** PyTorch's (N, C, *spatial) → channels-last, for a tensor in the `cl` layout. */
function toLayout(t: tf.Tensor, layout: string): tf.Tensor {
  if (layout !== 'cl' || t.rank <= 2) return t;
  return tf.transpose(t, [0, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 2), 1]);
}

// ---------------------------------------------------------------- records → tfjs layers

/** A tfjs layer for a Keras record; keepdims pooling, which tfjs lacks, as pooling + reshape. */
function tfjsLayer(r: LayerRecord): { apply: (x: tf.SymbolicTensor | tf.SymbolicTensor[]) => tf.SymbolicTensor; layer: tf.layers.Layer } | string {
  if (/^Global(Average|Max)Pooling2D$/.test(r.kind) && r.args?.keepdims === true) {
    const layer = r.kind.startsWith('GlobalAverage') ? tf.layers.globalAveragePooling2d({}) : tf.layers.globalMaxPooling2d({});
    return { layer, apply: (x) => tf.layers.reshape({ targetShape: [1, 1, -1] }).apply(layer.apply(x)) as tf.SymbolicTensor };
  }
  if (r.kind === 'Activation' && r.args?.activation === 'log_softmax') {
    const layer = new LogSoftmax();
    return { layer, apply: (x) => layer.apply(x) as tf.SymbolicTensor };
  }
  if (/^SpatialDropout[123]D$/.test(r.kind)) {
    // The identity at inference, as predict() runs it; tfjs-layers has only SpatialDropout1D.
    const layer = tf.layers.dropout({ rate: 0.5 });
    return { layer, apply: (x) => layer.apply(x) as tf.SymbolicTensor };
  }
  if (r.kind === 'Resizing') {
    // tfjs-layers' Resizing drops the batch axis of its shape; tf.image.resize (TensorFlow 2) uses half-pixel centres.
    const layer = new Resizing([Number(r.args?.height), Number(r.args?.width)], r.args?.interpolation === 'nearest' ? 'nearest' : 'bilinear');
    return { layer, apply: (x) => layer.apply(x) as tf.SymbolicTensor };
  }
  if (r.kind === 'Cropping1D' && Array.isArray(r.args?.cropping)) {
    const layer = new Cropping1D(r.args.cropping as [number, number]);
    return { layer, apply: (x) => layer.apply(x) as tf.SymbolicTensor };
  }
  const made = layerSpec(r, 'keras');
  if ('reason' in made) return made.reason;
  if (made.notes.length > 0) return made.notes.join('; ');
  let layer: tf.layers.Layer;
  try {
    layer = instantiate(tf, made.spec as TfjsLayerSpec);
  } catch (e) {
    return (e as Error).message;
  }
  return { layer, apply: (x) => layer.apply(x) as tf.SymbolicTensor };
}

/** Keras's log_softmax activation, which tfjs-layers lacks: log(softmax(x)) over the last axis. */
class LogSoftmax extends tf.layers.Layer {
  static className = 'LogSoftmax';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.logSoftmax(Array.isArray(inputs) ? inputs[0] : inputs);
  }
}

/** Keras Resizing as tf.image.resize computes it in TensorFlow 2 (half-pixel centres, no antialiasing). */
class Resizing extends tf.layers.Layer {
  static className = 'ResizingHalfPixel';

  constructor(
    private readonly size: [number, number],
    private readonly method: 'bilinear' | 'nearest',
  ) {
    super({});
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    return [s[0], this.size[0], this.size[1], s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return this.method === 'bilinear' ? tf.image.resizeBilinear(x, this.size, false, true) : tf.image.resizeNearestNeighbor(x, this.size, false, true);
  }
}

/** Keras Cropping1D, which tfjs-layers lacks: (N, T, F) → (N, T − before − after, F). */
class Cropping1D extends tf.layers.Layer {
  static className = 'Cropping1D';

  constructor(private readonly cropping: [number, number]) {
    super({});
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    return [s[0], s[1] === null ? null : s[1] - this.cropping[0] - this.cropping[1], s[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.slice(x, [0, this.cropping[0], 0], [-1, x.shape[1]! - this.cropping[0] - this.cropping[1], -1]);
  }
}

// ---------------------------------------------------------------- weights

function param(state: Record<string, Json>, key: string): tf.Tensor {
  const j = state[key];
  if (!j) throw new Error(`the state_dict has no ${key}`);
  return tensor(j);
}

/** Gate blocks of a PyTorch recurrent weight (rows) reordered: GRU r, z, n → Keras z, r, h. */
function gruOrder(t: tf.Tensor): tf.Tensor {
  const [r, z, n] = tf.split(t, 3, 0);
  return tf.concat([z, r, n], 0);
}

/** The Keras weights of one port, in the order the tfjs layer lists them. */
function kerasWeights(port: KerasWeightPort, state: Record<string, Json>, layer: tf.layers.Layer): tf.Tensor[] {
  const p = (name: string) => param(state, `${port.path}.${name}`);
  const has = (name: string) => `${port.path}.${name}` in state;
  const kernelPerm = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1, 0];
  switch (port.kind) {
    case 'conv':
    case 'conv_transpose': {
      const w = p('weight');
      const out = [tf.transpose(w, kernelPerm(w.rank))];
      if (has('bias')) out.push(p('bias'));
      return out;
    }
    case 'depthwise': {
      // PyTorch (C·m, 1, kh, kw), output c·m + j → Keras (kh, kw, C, m).
      const w = p('weight');
      const [cm, , kh, kw] = w.shape;
      const channels = layer.getWeights()[0].shape[2]!;
      const out = [tf.transpose(tf.reshape(w, [channels, cm / channels, kh, kw]), [2, 3, 0, 1])];
      if (has('bias')) out.push(p('bias'));
      return out;
    }
    case 'dense': {
      const out = [tf.transpose(p('weight'))];
      if (has('bias')) out.push(p('bias'));
      return out;
    }
    case 'batchnorm':
      return [...(port.info?.affine === false ? [] : [p('weight'), p('bias')]), p('running_mean'), p('running_var')];
    case 'layernorm':
      return [...(port.info?.affine === false ? [] : [p('weight')]), ...(port.info?.bias === false || port.info?.affine === false ? [] : [p('bias')])];
    case 'embedding':
      return [p('weight')];
    case 'lstm':
    case 'gru':
    case 'rnn': {
      const l = Number(port.info?.layer ?? 0);
      const directions = port.info?.bidirectional ? ['', '_reverse'] : [''];
      return directions.flatMap((suffix) => {
        const order = port.kind === 'gru' ? gruOrder : (t: tf.Tensor) => t;
        const wi = order(p(`weight_ih_l${l}${suffix}`));
        const wh = order(p(`weight_hh_l${l}${suffix}`));
        const out = [tf.transpose(wi), tf.transpose(wh)];
        if (has(`bias_ih_l${l}${suffix}`)) {
          const bi = order(p(`bias_ih_l${l}${suffix}`));
          const bh = order(p(`bias_hh_l${l}${suffix}`));
          out.push(port.kind === 'gru' ? tf.stack([bi, bh]) : tf.add(bi, bh));
        }
        return out;
      });
    }
  }
}

// ---------------------------------------------------------------- one model

/** The Keras weights of one layer: moved by this script from the state_dict, or as load_torch_state_dict set them (by layer name). */
type WeightSource = (port: KerasWeightPort, layer: tf.layers.Layer) => tf.Tensor[];

function runKeras(c: Case, torch: TorchRun, weightsOf: WeightSource): number | string {
  const keras = analyze(c.converted.code);
  if (keras.diagnostics.length > 0) return `the engine reports ${keras.diagnostics[0].message}`;
  const model = keras.models.find((m) => m.name === c.converted.variable);
  if (!model) return 'the generated model was not found';
  const inputShapes = modelInputs(model);
  const inputs = inputShapes.map((s) => tf.input({ shape: (s ?? []).slice(1) as number[] }));
  const values: tf.SymbolicTensor[] = [];
  const byLine = new Map<number, tf.layers.Layer>();
  // A layer applied twice (a shared Keras layer object) is one tfjs layer, with one set of weights.
  const byId = new Map<number, ReturnType<typeof tfjsLayer>>();
  for (const r of model.layers) {
    const made = (r.layerId !== null && byId.get(r.layerId)) || tfjsLayer(r);
    if (r.layerId !== null) byId.set(r.layerId, made);
    if (typeof made === 'string') return `tfjs: ${made}`;
    const ins = r.inputsFrom.map((k, j) => (k >= 0 ? values[k] : inputs[r.modelInputs[j]]));
    if (ins.some((t) => !t)) return 'an input of a layer was not traced';
    values.push(made.apply(ins.length === 1 && !MERGE_KINDS.has(r.kind) ? ins[0] : ins));
    byLine.set(r.range.line, made.layer);
  }
  for (const port of c.converted.ports) {
    const layer = byLine.get(port.line);
    if (!layer) return `no Keras layer on line ${port.line + 1}`;
    layer.setWeights(weightsOf(port, layer));
  }
  const tfModel = tf.model({ inputs, outputs: outputRecords(model, c.converted.code, c.converted.variable).map((i) => values[i]) });
  const xs = torch.inputs.map((j, i) => toLayout(tensor(j), c.converted.inputLayouts[i]));
  const ys = tfModel.predict(xs.length === 1 ? xs[0] : xs);
  const got = Array.isArray(ys) ? ys : [ys];
  const expected = torch.outputs.map((j, i) => toLayout(tensor(j), c.converted.outputLayouts[i] ?? 'id'));
  if (got.length !== expected.length) return `${got.length} Keras outputs for ${expected.length} PyTorch outputs`;
  let worst = 0;
  for (const e of expected) {
    // Outputs are matched by shape (a functional model lists its sinks in execution order).
    const g = got.find((t) => JSON.stringify(t.shape.slice(1)) === JSON.stringify(e.shape.slice(1)));
    if (!g) return `no Keras output of shape ${JSON.stringify(e.shape)}`;
    worst = Math.max(worst, tf.max(tf.abs(tf.sub(g, e))).dataSync()[0]);
  }
  return worst;
}

/** The Keras records the model returns: the last layer of a Sequential, or the tensors keras.Model names, by the lines assigning them. */
function outputRecords(model: ModelResult, code: string, variable: string): number[] {
  const lines = code.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${variable} = keras.Model(`));
  if (at < 0) return [model.layers.length - 1];
  const m = /keras\.Model\((\[[^\]]*\]|\w+), (\[[^\]]*\]|\w+)/.exec(lines[at]);
  const names = (m?.[2] ?? '').replace(/[[\]]/g, '').split(',').map((n) => n.trim()).filter(Boolean);
  return names.map((name) => {
    let line = at - 1;
    while (line >= 0 && !lines[line].startsWith(`${name} = `)) line--;
    let last = -1;
    model.layers.forEach((r, i) => r.callRange.line === line && (last = i));
    return last;
  });
}

// ---------------------------------------------------------------- main

function main(): number {
  const pythonFlag = process.argv.indexOf('--python');
  const python = pythonFlag > 0 ? process.argv[pythonFlag + 1] : '/usr/bin/python3';
  const named = process.argv.slice(2).filter((a, i, all) => a !== '--python' && all[i - 1] !== '--python');
  const dir = join(ROOT, 'test', 'fixtures', 'torch');
  const files = named.length > 0 ? named.map((f) => resolve(f)) : readdirSync(dir).filter((f) => f.endsWith('.py') && !f.startsWith('bad_')).sort().map((f) => join(dir, f));
  const temp = mkdtempSync(join(tmpdir(), 'cnnshape-verify-keras-'));
  const cases: Case[] = [];
  const rows: [string, string][] = [];
  const manifest: unknown[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const result = analyze(text);
    if (result.diagnostics.length > 0) continue;
    for (const model of result.models.filter((m) => m.framework === 'torch')) {
      const name = `${basename(file)}:${model.name}`;
      const shapes = modelInputs(model);
      if (!shapes.every((s) => s && s.slice(1).every((d) => typeof d === 'number'))) {
        rows.push([name, 'skipped: the input is symbolic']);
        continue;
      }
      const converted = convertPyTorchModel(model, text);
      if (converted.warnings.length > 0) {
        rows.push([name, `skipped: TODO (${converted.warnings[0]})`]);
        continue;
      }
      const vocabulary = shapes.map((_, k) => model.layers.find((r) => r.kind === 'Embedding' && r.modelInputs.includes(k))?.args?.num_embeddings);
      const out = join(temp, `case${cases.length}.json`);
      manifest.push({ file, model: model.name, seed: cases.length + 1, out, inputs: shapes.map((s, k) => ({ shape: [typeof s![0] === 'number' ? s![0] : 2, ...s!.slice(1)], ids: vocabulary[k] })) });
      cases.push({ name, file, model, converted, out });
    }
  }
  writeFileSync(join(temp, 'manifest.json'), JSON.stringify(manifest));
  const py = spawnSync(python, [join(ROOT, 'scripts', 'verify_convert_keras.py'), join(temp, 'manifest.json')], { stdio: 'inherit' });
  if (py.status !== 0) return 2;
  // Each converted file's load_torch_state_dict, run on the state_dicts PyTorch wrote.
  const loadManifest: unknown[] = [];
  cases.forEach((c, k) => {
    const codeFile = join(temp, `converted${k}.py`);
    writeFileSync(codeFile, c.converted.code);
    loadManifest.push({ code: codeFile, loader: 'load_torch_state_dict', torch: c.out, out: join(temp, `loaded${k}.json`) });
  });
  writeFileSync(join(temp, 'load.json'), JSON.stringify(loadManifest));
  spawnSync(python, [join(ROOT, 'scripts', 'verify_convert_keras.py'), '--load', join(temp, 'load.json')], { stdio: 'inherit' });
  const loads = new Map<Case, Record<string, Json[]> | string>();
  cases.forEach((c, k) => {
    try {
      const r = JSON.parse(readFileSync(join(temp, `loaded${k}.json`), 'utf8')) as { weights?: Record<string, Json[]>; error?: string };
      loads.set(c, r.weights ?? `load_torch_state_dict failed: ${r.error}`);
    } catch {
      loads.set(c, 'load_torch_state_dict was not run');
    }
  });
  let failures = 0;
  for (const c of cases) {
    const torch = JSON.parse(readFileSync(c.out, 'utf8')) as TorchRun;
    if (torch.error) {
      rows.push([c.name, `skipped: PyTorch could not run it (${torch.error})`]);
      continue;
    }
    const run = (weightsOf: WeightSource): number | string => {
      try {
        return tf.tidy(() => runKeras(c, torch, weightsOf) as never) as number | string;
      } catch (e) {
        return `tfjs failed: ${(e as Error).message.split('\n')[0].slice(0, 100)}`;
      }
    };
    const verdict = run((port, layer) => kerasWeights(port, torch.state, layer));
    // The converted file's own load_torch_state_dict, run by Python on a stand-in model.
    const loaded = loads.get(c) ?? 'no load_torch_state_dict was run';
    const viaLoader = typeof loaded === 'string' ? loaded : run((port) => (loaded[port.name ?? ''] ?? []).map(tensor));
    const show = (v: number | string) => (typeof v === 'number' ? `${v.toExponential(2)}${v < 1e-4 ? '' : ' FAIL'}` : `not built: ${v}`);
    if (typeof verdict === 'number' && !(verdict < 1e-4)) failures++;
    if (typeof verdict === 'number' && typeof viaLoader === 'number' && !(viaLoader < 1e-4)) failures++;
    if (typeof verdict === 'number' && typeof viaLoader === 'string') failures++;
    rows.push([c.name, `${show(verdict)}  (load_torch_state_dict: ${show(viaLoader)})`]);
  }
  const width = Math.max(...rows.map(([n]) => n.length));
  process.stdout.write(`${'model'.padEnd(width)}  max |Keras − PyTorch| (weights moved by this script, then by the converted file's load_torch_state_dict)\n`);
  for (const [n, v] of rows.sort((a, b) => a[0].localeCompare(b[0]))) process.stdout.write(`${n.padEnd(width)}  ${v}\n`);
  return failures > 0 ? 1 : 0;
}

void loadParser().then(() => {
  process.exitCode = main();
});
