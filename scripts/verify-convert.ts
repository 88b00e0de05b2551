// Numeric check of the Keras → PyTorch converter: each Keras fixture model is built in
// TensorFlow.js from the engine's layer records, given fixed random weights and one fixed input;
// the weights, the input, the output and the converted code go to a temp dir as JSON, and
// scripts/verify_convert.py runs the converted module in real PyTorch and compares the outputs.
//
// Run: npx esbuild scripts/verify-convert.ts --bundle --platform=node --outfile=dist/verify-convert.js \
//        --external:tree-sitter --external:tree-sitter-python --external:@tensorflow/* --loader:.scm=text
//      node dist/verify-convert.js [--python /usr/bin/python3] [fixture files or folders; default: all]
// It needs PyTorch (apt-get install -y python3-torch), so it is not part of the default tests.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../server/src/analysis/analyze';
import type { LayerRecord, ModelResult } from '../server/src/analysis/result';
import { convertKerasModel, modelInputs, outputRecords, tupleItemPicker } from '../server/src/convert/pytorch';
import type { BoundArgs } from '../server/src/shapes/context';
import { LayerArg, type ArgValue } from '../server/src/shapes/types';
import { mulberry32 as generator } from '../test/helpers/prng';
import { loadParser } from '../server/src/platform/node-parser';

const ROOT = process.cwd();
const SEED_MODEL = '/work/shared/seed/keras_cnn.py';


/** The fixture files: those named on the command line (files or folders), else every default fixture and the seed model. */
function cases(named: string[]): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  if (named.length > 0) {
    for (const path of named) {
      if (statSync(path).isDirectory()) {
        for (const f of readdirSync(path).filter((f) => f.endsWith('.py')).sort()) out.push({ name: `${basename(path)}/${f}`, text: readFileSync(join(path, f), 'utf8') });
      } else out.push({ name: basename(path), text: readFileSync(path, 'utf8') });
    }
    return out;
  }
  // test/convert/fixtures/numeric: converted code the shape engine cannot follow yet (Tensor.flip), so numeric checks only.
  for (const dir of ['test/fixtures/keras', 'test/convert/fixtures', 'test/convert/fixtures/numeric']) {
    let files: string[] = [];
    try {
      files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.py')).sort();
    } catch {
      continue;
    }
    for (const f of files) out.push({ name: `${basename(dir)}/${f}`, text: readFileSync(join(ROOT, dir, f), 'utf8') });
  }
  try {
    const seed = readFileSync(SEED_MODEL, 'utf8').replace(/^class CNN_model/m, '# input: (None, 28, 28, 1)\nclass CNN_model');
    out.push({ name: 'seed/keras_cnn.py', text: seed });
  } catch {
    // The seed model is optional.
  }
  return out;
}

// ---------------------------------------------------------------- records → tfjs layers

function n(v: ArgValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function ints(v: ArgValue | undefined): number | number[] | undefined {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  return undefined;
}

function s(v: ArgValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function dataFormat(a: Record<string, ArgValue>): 'channelsFirst' | 'channelsLast' {
  return a.data_format === 'channels_first' ? 'channelsFirst' : 'channelsLast';
}

function activation(a: Record<string, ArgValue>): string | undefined {
  const v = s(a.activation);
  return v === 'swish' ? 'swish' : v ?? undefined;
}

/** The tfjs layer for a record, or a reason it has none. */
function tfjsLayer(r: LayerRecord): tf.layers.Layer | string {
  const a = r.args ?? {};
  const conv = {
    filters: n(a.filters)!,
    kernelSize: ints(a.kernel_size)!,
    strides: ints(a.strides),
    padding: s(a.padding) as 'valid' | 'same' | 'causal',
    dilationRate: ints(a.dilation_rate),
    useBias: a.use_bias !== false,
    activation: activation(a) as never,
    dataFormat: dataFormat(a),
  };
  const pool = { poolSize: ints(a.pool_size) as never, strides: (ints(a.strides) ?? undefined) as never, padding: s(a.padding) as 'valid' | 'same', dataFormat: dataFormat(a) };
  switch (r.kind) {
    case 'Conv1D':
      return tf.layers.conv1d(conv as never);
    case 'Conv2D':
      return tf.layers.conv2d(conv as never);
    case 'Conv3D':
      return tf.layers.conv3d(conv as never);
    case 'Conv2DTranspose':
      return tf.layers.conv2dTranspose(conv as never);
    case 'SeparableConv2D':
      return tf.layers.separableConv2d({ ...conv, depthMultiplier: n(a.depth_multiplier) ?? 1 } as never);
    case 'DepthwiseConv2D':
      return tf.layers.depthwiseConv2d({ ...conv, depthMultiplier: n(a.depth_multiplier) ?? 1 } as never);
    case 'Dense':
      return tf.layers.dense({ units: n(a.units)!, useBias: a.use_bias !== false, activation: activation(a) as never });
    case 'BatchNormalization':
      // The axis is applied by applyLayer, which moves it last (see there).
      return tf.layers.batchNormalization({ axis: -1, epsilon: n(a.epsilon), momentum: n(a.momentum), center: a.center !== false, scale: a.scale !== false });
    case 'LayerNormalization':
      return tf.layers.layerNormalization({ axis: n(a.axis) ?? -1, epsilon: n(a.epsilon) });
    case 'MaxPooling1D':
      return tf.layers.maxPooling1d(pool);
    case 'MaxPooling2D':
      return tf.layers.maxPooling2d(pool);
    case 'MaxPooling3D':
      return tf.layers.maxPooling3d(pool);
    case 'AveragePooling1D':
      return tf.layers.averagePooling1d(pool);
    case 'AveragePooling2D':
      return tf.layers.averagePooling2d(pool);
    case 'AveragePooling3D':
      return tf.layers.averagePooling3d(pool);
    case 'GlobalAveragePooling1D':
      return a.keepdims === true ? 'keepdims is not in tfjs' : tf.layers.globalAveragePooling1d({});
    case 'GlobalAveragePooling2D':
      return a.keepdims === true ? 'keepdims is not in tfjs' : tf.layers.globalAveragePooling2d({ dataFormat: dataFormat(a) });
    case 'GlobalMaxPooling1D':
      return a.keepdims === true ? 'keepdims is not in tfjs' : tf.layers.globalMaxPooling1d({});
    case 'GlobalMaxPooling2D':
      return a.keepdims === true ? 'keepdims is not in tfjs' : tf.layers.globalMaxPooling2d({ dataFormat: dataFormat(a) });
    case 'Flatten':
      return tf.layers.flatten({ dataFormat: dataFormat(a) } as never);
    case 'Dropout':
    case 'SpatialDropout1D':
      return tf.layers.dropout({ rate: n(a.rate) ?? 0.5 });
    case 'Activation':
      return tf.layers.activation({ activation: s(a.activation) as never });
    case 'ReLU':
      return n(a.negative_slope) || n(a.threshold) ? 'ReLU with a slope or threshold is not in tfjs' : tf.layers.reLU({ maxValue: n(a.max_value) });
    case 'LeakyReLU':
      return tf.layers.leakyReLU({ alpha: n(a.negative_slope) ?? n(a.alpha) ?? 0.3 });
    case 'ELU':
      return tf.layers.elu({ alpha: n(a.alpha) ?? 1 });
    case 'ThresholdedReLU':
      return tf.layers.thresholdedReLU({ theta: n(a.theta) ?? 1 });
    case 'PReLU':
      return tf.layers.prelu({ sharedAxes: ints(a.shared_axes) as never });
    case 'Softmax':
      return tf.layers.softmax({ axis: n(a.axis) ?? -1 });
    case 'Add':
      return tf.layers.add({});
    case 'Subtract':
      return r.input.length === 2 ? (tf.layers as unknown as { subtract?: () => tf.layers.Layer }).subtract?.() ?? 'Subtract is not in tfjs' : 'Subtract needs two inputs';
    case 'Multiply':
      return tf.layers.multiply({});
    case 'Average':
      return tf.layers.average({});
    case 'Maximum':
      return tf.layers.maximum({});
    case 'Minimum':
      return tf.layers.minimum({});
    case 'Concatenate':
      return tf.layers.concatenate({ axis: n(a.axis) ?? -1 });
    case 'ZeroPadding2D':
      return tf.layers.zeroPadding2d({ padding: a.padding as never, dataFormat: dataFormat(a) });
    case 'Cropping2D':
      return tf.layers.cropping2D({ cropping: a.cropping as never, dataFormat: dataFormat(a) });
    case 'UpSampling2D':
      return tf.layers.upSampling2d({ size: ints(a.size) as never, dataFormat: dataFormat(a), interpolation: s(a.interpolation) as never });
    case 'Reshape':
      return tf.layers.reshape({ targetShape: (a.target_shape as number[]) ?? [] });
    case 'Permute':
      return tf.layers.permute({ dims: a.dims as number[] });
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return recurrentLayer(r.kind, a);
    case 'Bidirectional': {
      const inner = innerRecord(r);
      if (!inner) return 'the wrapped layer could not be read';
      if (inner.kind === 'GRU' && inner.args?.reset_after !== false) return "tfjs has no GRU(reset_after=True) to wrap in Bidirectional";
      const layer = tfjsLayer(inner);
      if (typeof layer === 'string') return layer;
      const merge = a.merge_mode === null ? null : s(a.merge_mode) ?? 'concat';
      return merge === null ? 'merge_mode=None is not built here' : tf.layers.bidirectional({ layer: layer as never, mergeMode: merge as never });
    }
    case 'TimeDistributed': {
      const inner = innerRecord(r);
      if (!inner) return 'the wrapped layer could not be read';
      const layer = tfjsLayer(inner);
      return typeof layer === 'string' ? layer : tf.layers.timeDistributed({ layer });
    }
    case 'Embedding':
      return tf.layers.embedding({ inputDim: n(a.input_dim)!, outputDim: n(a.output_dim)! });
    case 'RepeatVector':
      return tf.layers.repeatVector({ n: n(a.n)! });
  }
  return `${r.kind} is not built here`;
}

/**
 * Applies a tfjs layer to its inputs, working around tfjs bugs with an equivalent arrangement of
 * tfjs's own layers (never our converter's code), and saying so in `notes` for the report.
 *
 * BatchNormalization on an axis other than the last: the CPU backend's FusedBatchNorm kernel
 * (tfjs-backend-cpu 4.22, kernels/BatchNorm.js) walks the flat input and cycles through mean,
 * variance, scale and offset as if they lay along the last axis, ignoring their broadcast shape
 * [1, C, 1, 1]; test/convert/tfjs-bugs.test.ts reproduces it with tf.batchNorm4d alone. The layer is
 * therefore built as Permute (axis last) → BatchNormalization(axis=-1) → Permute back, with the same
 * weights, which tfjs computes correctly.
 */
function applyLayer(r: LayerRecord, layer: tf.layers.Layer, ins: tf.SymbolicTensor[], notes: string[]): tf.SymbolicTensor | tf.SymbolicTensor[] {
  const rank = ins[0].shape.length;
  const axisArg = n(r.args?.axis) ?? -1;
  const axis = axisArg < 0 ? axisArg + rank : axisArg;
  if (r.kind === 'BatchNormalization' && rank >= 3 && axis !== rank - 1 && axis > 0) {
    notes.push(`tfjs CPU batch norm on axis ${axis} is wrong, see test/convert/tfjs-bugs.test.ts; built as permute, BN(axis=-1), permute`);
    const others = Array.from({ length: rank - 1 }, (_, i) => i + 1).filter((a) => a !== axis);
    const forward = [...others, axis];
    const back = Array.from({ length: rank - 1 }, (_, i) => forward.indexOf(i + 1) + 1);
    const moved = tf.layers.permute({ dims: forward }).apply(ins[0]) as tf.SymbolicTensor;
    const normalised = layer.apply(moved) as tf.SymbolicTensor;
    return tf.layers.permute({ dims: back }).apply(normalised) as tf.SymbolicTensor;
  }
  return layer.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor | tf.SymbolicTensor[];
}

/** The record of the layer a wrapper holds (`Bidirectional(LSTM(8))`): its kind and bound arguments. */
function innerRecord(r: LayerRecord): LayerRecord | null {
  const v = r.args?.layer;
  if (!(v instanceof LayerArg)) return null;
  return { ...r, kind: v.def.kind, args: Object.fromEntries((v.bound as BoundArgs).values) };
}

/** tfjs's names of the Keras activations a recurrent layer takes. */
function tfjsActivation(name: string | undefined, fallback: string): string {
  const v = name ?? fallback;
  return v === 'hard_sigmoid' ? 'hardSigmoid' : v;
}

/** A Keras SimpleRNN, LSTM or GRU in tfjs; GRU(reset_after=True), which tfjs lacks, is the script's own layer. */
function recurrentLayer(kind: string, a: Record<string, ArgValue>): tf.layers.Layer | string {
  const config = {
    units: n(a.units)!,
    returnSequences: a.return_sequences === true,
    returnState: a.return_state === true,
    goBackwards: a.go_backwards === true,
    useBias: a.use_bias !== false,
    // tfjs defaults recurrent_activation to hard sigmoid; Keras to sigmoid.
    activation: tfjsActivation(s(a.activation), 'tanh') as never,
    recurrentActivation: tfjsActivation(s(a.recurrent_activation), 'sigmoid') as never,
  };
  if (kind === 'SimpleRNN') {
    const { recurrentActivation: _unused, ...simple } = config;
    return tf.layers.simpleRNN(simple);
  }
  if (kind === 'LSTM') return tf.layers.lstm(config);
  if (a.reset_after === false) return tf.layers.gru(config);
  if (config.activation !== 'tanh' || config.recurrentActivation !== 'sigmoid') return 'GRU(reset_after=True) with other activations is not built here';
  return new GRUResetAfter(config);
}

/**
 * Keras GRU with reset_after=True (the Keras 3 default), which tfjs does not have, written from
 * Keras's equations with tf ops on Keras's weight layout: kernel (features, 3·units) and
 * recurrent_kernel (units, 3·units) with the gates in the order z, r, h, and bias (2, 3·units)
 * holding the input bias then the recurrent bias:
 *   z = σ(x·Wz + bz + h·Uz + b'z), r = σ(x·Wr + br + h·Ur + b'r),
 *   ĥ = tanh(x·Wh + bh + r ⊙ (h·Uh + b'h)), h ← z ⊙ h + (1 − z) ⊙ ĥ.
 * It is the oracle for the converter's nn.GRU, so it shares nothing with the converter.
 */
class GRUResetAfter extends tf.layers.Layer {
  static className = 'GRUResetAfter';
  private readonly config: { units: number; returnSequences: boolean; returnState: boolean; goBackwards: boolean; useBias: boolean };
  private kernel!: tf.LayerVariable;
  private recurrentKernel!: tf.LayerVariable;
  private bias: tf.LayerVariable | null = null;

  constructor(config: { units: number; returnSequences: boolean; returnState: boolean; goBackwards: boolean; useBias: boolean }) {
    super({});
    this.config = config;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const u = this.config.units;
    this.kernel = this.addWeight('kernel', [shape[shape.length - 1]!, 3 * u], 'float32', tf.initializers.zeros());
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', tf.initializers.zeros());
    if (this.config.useBias) this.bias = this.addWeight('bias', [2, 3 * u], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const last = [shape[0], this.config.units];
    const out = this.config.returnSequences ? [shape[0], shape[1], this.config.units] : last;
    return this.config.returnState ? [out, last] : out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [batch, steps] = x.shape;
      const u = this.config.units;
      const kernel = this.kernel.read() as tf.Tensor2D;
      const recurrent = this.recurrentKernel.read() as tf.Tensor2D;
      const bias = this.bias ? this.bias.read() : null;
      let h: tf.Tensor2D = tf.zeros([batch, u]);
      const outputs: tf.Tensor2D[] = [];
      for (let i = 0; i < steps; i++) {
        const t = this.config.goBackwards ? steps - 1 - i : i;
        const xt = x.slice([0, t, 0], [batch, 1, -1]).reshape([batch, -1]) as tf.Tensor2D;
        let fromInput = tf.matMul(xt, kernel);
        let fromState = tf.matMul(h, recurrent);
        if (bias) {
          fromInput = fromInput.add(bias.slice([0, 0], [1, -1]));
          fromState = fromState.add(bias.slice([1, 0], [1, -1]));
        }
        const [xz, xr, xh] = tf.split(fromInput, 3, 1);
        const [hz, hr, hh] = tf.split(fromState, 3, 1);
        const z = tf.sigmoid(xz.add(hz));
        const r = tf.sigmoid(xr.add(hr));
        const candidate = tf.tanh(xh.add(r.mul(hh)));
        h = z.mul(h).add(tf.onesLike(z).sub(z).mul(candidate)) as tf.Tensor2D;
        outputs.push(h);
      }
      const out = this.config.returnSequences ? tf.stack(outputs, 1) : h;
      return this.config.returnState ? [out, h] : out;
    });
  }
}

interface Exported {
  shape: number[];
  data: number[];
  /** Set on an input of token ids (PyTorch's Embedding wants integers). */
  ids?: boolean;
}

function exportTensor(t: tf.Tensor): Exported {
  return { shape: t.shape, data: Array.from(t.dataSync()) };
}

/** Builds the model in tfjs, sets fixed weights, runs one fixed input; or says why it cannot. */
function runKeras(model: ModelResult, text: string, seed: number): { inputs: Exported[]; outputs: Exported[]; weights: Exported[][]; notes: string[] } | string {
  const notes: string[] = [];
  // Which tensor of a layer with several outputs (return_state) each consumer reads: the converter's
  // own reading of the source, shared here because the layer records do not carry it.
  const itemOf = tupleItemPicker(model, text);
  const inputShapes = modelInputs(model);
  if (!inputShapes.every((sh) => sh && sh.slice(1).every((d) => typeof d === 'number'))) return 'the input shape is not fully known';
  const inputs = inputShapes.map((sh) => tf.input({ shape: sh!.slice(1) as number[] }));
  const layers: tf.layers.Layer[] = [];
  const tensors: (tf.SymbolicTensor | tf.SymbolicTensor[])[] = [];
  for (const r of model.layers) {
    if (!r.module) return `the operation ${r.kind} is not built here`;
    const layer = tfjsLayer(r);
    if (typeof layer === 'string') return layer;
    const index = tensors.length;
    const ins = r.inputsFrom.map((k, j) => {
      const t = k >= 0 ? tensors[k] : inputs[r.modelInputs[j]];
      return Array.isArray(t) ? t[itemOf(index, j) ?? 0] : t;
    });
    if (ins.some((t) => !t)) return 'an input comes from an untraced layer';
    layers.push(layer);
    tensors.push(applyLayer(r, layer, ins, notes));
  }
  const used = new Set(model.layers.flatMap((r) => r.inputsFrom));
  const sinks = model.layers.map((_, i) => i).filter((i) => !used.has(i));
  // The outputs in the order the Keras model returns them, as the converted module does.
  const order = outputRecords(model);
  const tfModel = tf.model({ inputs, outputs: (order.length === sinks.length ? order : sinks).flatMap((i) => tensors[i]) });
  const random = generator(seed);
  const weights: Exported[][] = [];
  model.layers.forEach((r, i) => {
    const values = layers[i].getWeights().map((w, j) => {
      const size = w.size;
      const isVariance = r.kind === 'BatchNormalization' && j === layers[i].getWeights().length - 1;
      // Kernels scaled by 1/sqrt(fan-in) keep activations near 1, so that float32 rounding stays far below the tolerance.
      const fanIn = w.shape.length >= 2 ? size / w.shape[w.shape.length - 1] : 1;
      const scale = w.shape.length >= 2 ? 1 / Math.sqrt(fanIn) : 0.5;
      const data = Float32Array.from({ length: size }, () => (isVariance ? 0.5 + random() : (random() - 0.5) * 2 * scale));
      return tf.tensor(data, w.shape);
    });
    layers[i].setWeights(values);
    weights.push(values.map(exportTensor));
  });
  // An input read by an Embedding holds token ids below its input_dim; the others, values in [-1, 1).
  const vocabulary = inputShapes.map((_, k) => Math.min(...model.layers.filter((r) => r.kind === 'Embedding' && r.modelInputs.includes(k)).map((r) => n(r.args?.input_dim) ?? 1)));
  const xs = inputShapes.map((sh, k) => {
    const size = (sh!.slice(1) as number[]).reduce((p, d) => p * d, 1) * 2;
    const ids = Number.isFinite(vocabulary[k]);
    const data = Float32Array.from({ length: size }, () => (ids ? Math.floor(random() * vocabulary[k]) : random() * 2 - 1));
    return tf.tensor(data, [2, ...(sh!.slice(1) as number[])]);
  });
  const ys = tfModel.predict(xs.length === 1 ? xs[0] : xs);
  const outputs = (Array.isArray(ys) ? ys : [ys]).map(exportTensor);
  const ids = xs.map((_, k) => Number.isFinite(vocabulary[k]));
  return { inputs: xs.map((x, k) => ({ ...exportTensor(x), ids: ids[k] || undefined })), outputs, weights, notes: [...new Set(notes)] };
}

function main(): number {
  const pythonFlag = process.argv.indexOf('--python');
  const python = pythonFlag > 0 ? process.argv[pythonFlag + 1] : '/usr/bin/python3';
  const named = process.argv.slice(2).filter((a, i, all) => a !== '--python' && all[i - 1] !== '--python');
  const dir = mkdtempSync(join(tmpdir(), 'cnnshape-verify-'));
  const manifest: { name: string; file?: string; skipped?: string; note?: string; todo?: string }[] = [];
  let seed = 1;
  for (const c of cases(named)) {
    const result = analyze(c.text);
    if (result.diagnostics.length > 0) continue;
    for (const model of result.models.filter((m) => m.framework === 'keras')) {
      const name = `${c.name}:${model.name}`;
      const converted = convertKerasModel(model, c.text);
      if (converted.unsupported.length > 0) {
        manifest.push({ name, skipped: `not converted: ${converted.warnings[0] ?? ''}` });
        continue;
      }
      let run: ReturnType<typeof runKeras>;
      try {
        run = runKeras(model, c.text, seed++);
      } catch (e) {
        run = `tfjs could not build it: ${(e as Error).message.split('\n')[0].slice(0, 80)}`;
      }
      if (typeof run === 'string') {
        manifest.push({ name, skipped: run });
        continue;
      }
      const ports = converted.ports.map((p) => ({ ...p, weights: run.weights[p.layer] }));
      const file = join(dir, `case${manifest.length}.json`);
      const used = new Set(model.layers.flatMap((r) => r.inputsFrom));
      writeFileSync(file, JSON.stringify({ name, code: converted.code, className: converted.className, layout: converted.layout, inputs: run.inputs, outputs: run.outputs, ports, outputCount: model.layers.filter((_, i) => !used.has(i)).length }));
      // A conversion marked TODO may differ: the table says so, with the TODO, instead of failing.
      manifest.push({ name, file, note: run.notes.join('; ') || undefined, todo: converted.warnings.join('; ') || undefined });
    }
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const py = spawnSync(python, [join(ROOT, 'scripts', 'verify_convert.py'), join(dir, 'manifest.json')], { stdio: 'inherit' });
  return py.status ?? 2;
}

void loadParser().then(() => {
  process.exitCode = main();
});
