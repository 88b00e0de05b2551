// Numeric check of the Keras → PyTorch converter. Each Keras model (the fixtures, or with
// --arguments the argument table of test/convert/argument-rows.ts, or the files named) is built in
// TensorFlow.js from the engine's layer records, sub-models as nested tfjs models and a layer object
// called twice as one tfjs layer, given fixed random weights and one fixed input. The weights (per
// converted module, and as the tree of the Keras model's layers), the input, the output and the
// converted code go to a temp dir as JSON, and scripts/verify_convert.py runs the converted module
// in real PyTorch three times: with the weights moved by the script's own port, and through the
// module's load_keras_weights from a Keras 3 .weights.h5 and a Keras 2 .h5 file written in Keras's
// layouts from the tfjs model; it compares each output with TensorFlow.js's.
//
// tfjs-layers follows Keras 2; where it lacks a layer or an argument (grouped or causal
// convolutions, 1D/3D padding and upsampling, ReLU's slope and threshold, GRU reset_after=True,
// Keras 3 activations) the layer is written here from Keras's equations with tf ops, sharing nothing
// with the converter.
//
// Run: npm run verify:convert [-- --arguments] [-- --python /usr/bin/python3] [-- files or folders]
// It needs PyTorch and h5py (apt-get install -y python3-torch python3-h5py), so it is not part of npm test.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../server/src/analysis/analyze';
import type { LayerRecord, ModelResult } from '../server/src/analysis/result';
import { evaluateConstant, NOT_CONSTANT, parseCall } from '../server/src/confirm/call-args';
import { recordText } from '../server/src/confirm/op-args';
import { kerasSignature } from '../server/src/convert/keras-arguments';
import { convertKerasModel, modelInputs, modelOutputs, tupleItemPicker, type ConvertedModel } from '../server/src/convert/pytorch';
import type { BoundArgs } from '../server/src/shapes/context';
import { LayerArg, ReferenceArg, type ArgValue } from '../server/src/shapes/types';
import { exampleValue, KIND_ROWS, rowModel } from '../test/convert/argument-rows';
import { mulberry32 as generator } from '../test/helpers/prng';
import { loadParser } from '../server/src/platform/node-parser';

const ROOT = process.cwd();
const SEED_MODEL = '/work/shared/seed/keras_cnn.py';

interface Case {
  name: string;
  text: string;
}

/** The fixture files: those named on the command line (files or folders), else every default fixture and the seed model. */
function fixtureCases(named: string[]): Case[] {
  const out: Case[] = [];
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

/** The argument table: per layer, the model with its required arguments, then one row per mapped argument. */
function argumentCases(): Case[] {
  const out: Case[] = [];
  for (const row of KIND_ROWS) {
    out.push({ name: `${row.kind}()`, text: rowModel(row, null) });
    for (const [arg, spec] of Object.entries(kerasSignature(row.kind) ?? {})) {
      const value = exampleValue(row, arg);
      if (spec.use !== 'mapped' || value === undefined || arg === 'trainable') continue;
      out.push({ name: `${row.kind}(${arg}=${value})`, text: rowModel(row, [arg, value]) });
    }
  }
  return out;
}

// ---------------------------------------------------------------- reading arguments

function n(v: ArgValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function ints(v: ArgValue | undefined, count: number): number[] | undefined {
  if (typeof v === 'number') return Array(count).fill(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v.length === 1 ? Array(count).fill(v[0]) : (v as number[]);
  return undefined;
}

function s(v: ArgValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function channelsFirst(a: Record<string, ArgValue>): boolean {
  return a.data_format === 'channels_first';
}

/** The Keras activation a layer's `activation=` names: a string or a library function. */
function activationName(v: ArgValue | undefined): string | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (v instanceof ReferenceArg) {
    const m = /\.([a-z_0-9]+)$/.exec(v.name);
    const name = m?.[1];
    return name === 'exp' ? 'exponential' : name === 'swish' ? 'silu' : name;
  }
  return undefined;
}

// ---------------------------------------------------------------- Keras's equations with tf ops

/** Keras activations by name, from their Keras 3 definitions (hard_sigmoid: Keras 2's, as tfjs-layers has it). */
const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x, -1),
  log_softmax: (x) => tf.logSoftmax(x, -1),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  celu: (x) => tf.where(tf.greater(x, 0), x, tf.exp(x).sub(1)),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => x.div(tf.abs(x).add(1)),
  silu: (x) => x.mul(tf.sigmoid(x)),
  swish: (x) => x.mul(tf.sigmoid(x)),
  gelu: (x) => x.mul(0.5).mul(tf.erf(x.div(Math.SQRT2)).add(1)),
  mish: (x) => x.mul(tf.tanh(tf.softplus(x))),
  leaky_relu: (x) => tf.leakyRelu(x, 0.2),
  log_sigmoid: (x) => tf.logSigmoid(x),
  exponential: (x) => tf.exp(x),
  hard_sigmoid: (x) => tf.clipByValue(x.mul(0.2).add(0.5), 0, 1),
  hard_silu: (x) => x.mul(tf.relu6(x.add(3)).div(6)),
  hard_swish: (x) => x.mul(tf.relu6(x.add(3)).div(6)),
  tanh_shrink: (x) => x.sub(tf.tanh(x)),
  hard_tanh: (x) => tf.clipByValue(x, -1, 1),
  hard_shrink: (x) => tf.where(tf.greater(tf.abs(x), 0.5), x, tf.zerosLike(x)),
  soft_shrink: (x) => tf.where(tf.greater(x, 0.5), x.sub(0.5), tf.where(tf.less(x, -0.5), x.add(0.5), tf.zerosLike(x))),
  sparse_plus: (x) => tf.where(tf.lessEqual(x, -1), tf.zerosLike(x), tf.where(tf.greaterEqual(x, 1), x, x.add(1).square().div(4))),
  squareplus: (x) => x.add(tf.sqrt(x.square().add(4))).div(2),
  sparse_sigmoid: (x) => tf.clipByValue(x.add(1).div(2), 0, 1),
};

interface WeightSpec {
  name: string;
  shape: number[];
  trainable?: boolean;
}

/**
 * A Keras layer written with tf ops where tfjs-layers has none: its weights (in Keras's layout and
 * order) and its function. `kerasClass` is the Keras class it stands for, for the weight files.
 */
class OpLayer extends tf.layers.Layer {
  static className = 'OpLayer';
  private vars: tf.LayerVariable[] = [];

  constructor(
    readonly kerasClass: string,
    private readonly weightSpecs: (input: number[]) => WeightSpec[],
    private readonly fn: (xs: tf.Tensor[], w: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  ) {
    super({});
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as number[];
    this.vars = this.weightSpecs(first).map((w) => this.addWeight(w.name, w.shape, 'float32', tf.initializers.zeros(), undefined, w.trainable !== false));
    this.built = true;
  }

  /** The output shape, found by running the layer on zeros; a size unknown at the input is probed twice, and unknown where the results differ. */
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as (number | null)[][];
    const probe = (size: number) =>
      tf.tidy(() => {
        const y = this.fn(shapes.map((sh) => tf.zeros([1, ...sh.slice(1).map((d) => d ?? size)])), this.vars.map((v) => v.read()));
        return (Array.isArray(y) ? y : [y]).map((t) => t.shape);
      });
    const [a, b] = [probe(6), probe(9)];
    const out = a.map((sh, i) => [null, ...sh.slice(1).map((d, j) => (d === b[i][j + 1] ? d : null))]);
    return out.length === 1 ? out[0] : out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => this.fn(Array.isArray(inputs) ? inputs : [inputs], this.vars.map((v) => v.read())));
  }
}

/** TensorFlow's output length of a transposed convolution, as Keras computes it (deconv_output_length). */
function deconvLength(input: number, kernel: number, stride: number, dilation: number, padding: string, outputPadding: number | null): number {
  const k = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === null) return padding === 'valid' ? input * stride + Math.max(k - stride, 0) : input * stride;
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (input - 1) * stride + k - 2 * pad + outputPadding;
}

/** Moves the channels last (and back) around a channels-last op when the layer is channels_first. */
function channelsLastOp(first: boolean, f: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  if (!first) return f;
  return (x) => {
    const r = x.rank;
    const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
    const toFirst = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
    return tf.transpose(f(tf.transpose(x, toLast)), toFirst);
  };
}

function withActivation(f: (x: tf.Tensor) => tf.Tensor, a: Record<string, ArgValue>): (x: tf.Tensor) => tf.Tensor | string {
  const name = activationName(a.activation);
  if (name === undefined || (name !== null && !ACTIVATIONS[name])) return () => 'the activation is not known here';
  return name === null ? f : (x) => ACTIVATIONS[name](f(x));
}

/** Keras's convolutions (any rank, groups, causal padding, transposed with output_padding) with tf ops. */
function convolutionOp(r: LayerRecord, rank: number, transposed: boolean): tf.layers.Layer | string {
  const a = r.args ?? {};
  const filters = n(a.filters)!;
  const kernel = ints(a.kernel_size, rank)!;
  const strides = ints(a.strides, rank) ?? Array(rank).fill(1);
  const dilation = ints(a.dilation_rate, rank) ?? Array(rank).fill(1);
  const groups = n(a.groups) ?? 1;
  const padding = (s(a.padding) ?? 'valid').toLowerCase();
  const bias = a.use_bias !== false;
  const outputPadding = a.output_padding === null || a.output_padding === undefined ? null : ints(a.output_padding, rank)!;
  const first = channelsFirst(a);
  // A dilated kernel is the kernel with dilation − 1 zeros between its taps (tf's transposed convolutions take no dilation).
  const dilate = (k: tf.Tensor): tf.Tensor => {
    let out = k;
    dilation.forEach((d, axis) => {
      if (d === 1) return;
      const size = out.shape[axis]!;
      const zeros = tf.zerosLike(out);
      const interleaved = tf.stack([out, ...Array(d - 1).fill(zeros)], axis + 1);
      const shape = [...out.shape];
      shape[axis] = size * d;
      out = tf.slice(interleaved.reshape(shape), Array(out.rank).fill(0), shape.map((x, i) => (i === axis ? (size - 1) * d + 1 : x)));
    });
    return out;
  };
  const weights = (input: number[]): WeightSpec[] => {
    const c = first ? input[1] : input[input.length - 1];
    const kernelShape = transposed ? [...kernel, filters, c] : [...kernel, c / groups, filters];
    return [{ name: 'kernel', shape: kernelShape }, ...(bias ? [{ name: 'bias', shape: [filters] }] : [])];
  };
  const core = (x: tf.Tensor, weights: tf.Tensor[]): tf.Tensor => {
    let w = weights;
    let y: tf.Tensor;
    if (transposed) {
      const sizes = x.shape.slice(1, 1 + rank).map((len, i) => deconvLength(len, kernel[i], strides[i], dilation[i], padding, outputPadding ? outputPadding[i] : null));
      w = [dilate(w[0]), ...w.slice(1)];
      const pad = padding as 'same' | 'valid';
      if (rank === 1) {
        const x4 = x.expandDims(1) as tf.Tensor4D;
        y = tf.conv2dTranspose(x4, w[0].expandDims(0) as tf.Tensor4D, [x.shape[0], 1, sizes[0], filters], [1, strides[0]], pad).squeeze([1]);
      } else if (rank === 2) y = tf.conv2dTranspose(x as tf.Tensor4D, w[0] as tf.Tensor4D, [x.shape[0], sizes[0], sizes[1], filters], strides as [number, number], pad);
      else y = tf.conv3dTranspose(x as tf.Tensor5D, w[0] as tf.Tensor5D, [x.shape[0], sizes[0], sizes[1], sizes[2], filters], strides as [number, number, number], pad);
    } else {
      let input = x;
      let pad: 'same' | 'valid' = padding === 'same' ? 'same' : 'valid';
      if (padding === 'causal') {
        input = tf.pad(x, [[0, 0], [dilation[0] * (kernel[0] - 1), 0], [0, 0]]);
        pad = 'valid';
      }
      const c = input.shape[input.rank - 1]!;
      const xs = groups === 1 ? [input] : tf.split(input, groups, -1);
      const ks = groups === 1 ? [w[0]] : tf.split(w[0], groups, -1);
      const outs = xs.map((xg, g) => {
        if (rank === 1) return tf.conv1d(xg as tf.Tensor3D, ks[g] as tf.Tensor3D, strides[0], pad, 'NWC', dilation[0]);
        if (rank === 2) return tf.conv2d(xg as tf.Tensor4D, ks[g] as tf.Tensor4D, strides as [number, number], pad, 'NHWC', dilation as [number, number]);
        return tf.conv3d(xg as tf.Tensor5D, ks[g] as tf.Tensor5D, strides as [number, number, number], pad, 'NDHWC', dilation as [number, number, number]);
      });
      y = groups === 1 ? outs[0] : tf.concat(outs, -1);
      void c;
    }
    return bias ? y.add(w[1]) : y;
  };
  const act = withActivation((x) => x, a);
  if (typeof act(tf.zeros([1])) === 'string') return 'the activation is not known here';
  return new OpLayer(r.kind, weights, (xs, w) => channelsLastOp(first, (x) => act(core(x, w)) as tf.Tensor)(xs[0]));
}

/** Keras's depthwise and separable convolutions (1D on a dummy height axis), with tf ops, which take the dilation tfjs-layers' DepthwiseConv2D drops. */
function depthwiseOp(r: LayerRecord, rank: number, separable: boolean): tf.layers.Layer | string {
  const a = r.args ?? {};
  const k = ints(a.kernel_size, rank)!;
  const stride = ints(a.strides, rank) ?? Array(rank).fill(1);
  const dilation = ints(a.dilation_rate, rank) ?? Array(rank).fill(1);
  const m = n(a.depth_multiplier) ?? 1;
  const filters = n(a.filters) ?? 0;
  const padding = (s(a.padding) ?? 'valid').toLowerCase() as 'same' | 'valid';
  const bias = a.use_bias !== false;
  const first = channelsFirst(a);
  const act = withActivation((x) => x, a);
  if (typeof act(tf.zeros([1])) === 'string') return 'the activation is not known here';
  if (stride.some((x) => x !== 1) && dilation.some((d) => d !== 1)) return 'TensorFlow refuses strides and dilation together';
  const weights = (input: number[]): WeightSpec[] => {
    const c = first ? input[1] : input[input.length - 1];
    if (separable) return [{ name: 'depthwise_kernel', shape: [...k, c, m] }, { name: 'pointwise_kernel', shape: [...Array(rank).fill(1), c * m, filters] }, ...(bias ? [{ name: 'bias', shape: [filters] }] : [])];
    return [{ name: 'kernel', shape: [...k, c, m] }, ...(bias ? [{ name: 'bias', shape: [c * m] }] : [])];
  };
  const two = (v: number[]): [number, number] => (rank === 1 ? [1, v[0]] : [v[0], v[1]]);
  return new OpLayer(r.kind, weights, (xs, w) =>
    channelsLastOp(first, (x) => {
      const x4 = (rank === 1 ? x.expandDims(1) : x) as tf.Tensor4D;
      const depth = (rank === 1 ? w[0].expandDims(0) : w[0]) as tf.Tensor4D;
      let y: tf.Tensor;
      if (separable) y = tf.separableConv2d(x4, depth, (rank === 1 ? w[1].expandDims(0) : w[1]) as tf.Tensor4D, two(stride), padding, two(dilation));
      else y = tf.depthwiseConv2d(x4, depth, two(stride), padding, 'NHWC', two(dilation));
      if (rank === 1) y = y.squeeze([1]);
      if (bias) y = y.add(w[w.length - 1]);
      return act(y) as tf.Tensor;
    })(xs[0]),
  );
}

/** Keras's 1D pooling with tf ops (tfjs-layers pools 1D channels-last only). */
function pool1dOp(r: LayerRecord): tf.layers.Layer {
  const a = r.args ?? {};
  const size = ints(a.pool_size, 1)?.[0] ?? 2;
  const stride = ints(a.strides, 1)?.[0] ?? size;
  const padding = (s(a.padding) ?? 'valid').toLowerCase() as 'same' | 'valid';
  const pool = r.kind.startsWith('Max') ? tf.maxPool : tf.avgPool;
  return new OpLayer(r.kind, () => [], ([x]) => channelsLastOp(channelsFirst(a), (t) => pool(t.expandDims(1) as tf.Tensor4D, [1, size], [1, stride], padding).squeeze([1]))(x));
}

/** Weightless Keras layers written with tf ops: padding, cropping, upsampling and global pooling of any rank, ReLU, Subtract, activations. */
function functionOp(r: LayerRecord): tf.layers.Layer | string | null {
  const a = r.args ?? {};
  const op = (f: (xs: tf.Tensor[]) => tf.Tensor) => new OpLayer(r.kind, () => [], (xs) => f(xs));
  const first = channelsFirst(a);
  const spatial = (x: tf.Tensor) => Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
  const m = /^(ZeroPadding|Cropping|UpSampling|GlobalAveragePooling|GlobalMaxPooling)([123])D$/.exec(r.kind);
  if (m) {
    const rank = Number(m[2]);
    const pairs = (v: ArgValue | undefined, fallback: number): [number, number][] => {
      if (typeof v === 'number') return Array.from({ length: rank }, () => [v, v]);
      if (Array.isArray(v) && rank === 1 && v.every((x) => typeof x === 'number') && v.length === 2) return [[v[0] as number, v[1] as number]];
      if (Array.isArray(v)) return (v as ArgValue[]).map((e) => (typeof e === 'number' ? [e, e] : [(e as number[])[0], (e as number[])[1]]));
      return Array.from({ length: rank }, () => [fallback, fallback]);
    };
    switch (m[1]) {
      case 'ZeroPadding': {
        const p = pairs(a.padding, 1);
        return op(([x]) => channelsLastOp(first, (t) => tf.pad(t, [[0, 0], ...p, [0, 0]]))(x));
      }
      case 'Cropping': {
        const p = pairs(a.cropping, 0);
        return op(([x]) => channelsLastOp(first, (t) => tf.slice(t, [0, ...p.map(([b]) => b), 0], [-1, ...p.map(([b, e], i) => t.shape[i + 1]! - b - e), -1]))(x));
      }
      case 'UpSampling': {
        const size = ints(a.size, rank) ?? Array(rank).fill(2);
        // Keras's bilinear upsampling is tf.image.resize (half-pixel centres); tfjs-layers' UpSampling2D uses corner-aligned pixels.
        if ((s(a.interpolation) ?? 'nearest') === 'bilinear' && rank === 2) return op(([x]) => channelsLastOp(first, (t) => tf.image.resizeBilinear(t as tf.Tensor4D, [t.shape[1]! * size[0], t.shape[2]! * size[1]], false, true))(x));
        if ((s(a.interpolation) ?? 'nearest') !== 'nearest') return `interpolation '${s(a.interpolation)}' is not written here`;
        return op(([x]) =>
          channelsLastOp(first, (t) => {
            let y = t;
            size.forEach((f, i) => {
              y = tf.stack(Array(f).fill(y), i + 2);
              const shape = [...y.shape];
              shape.splice(i + 1, 2, shape[i + 1]! * f);
              y = y.reshape(shape);
            });
            return y;
          })(x),
        );
      }
      default: {
        const reduce = m[1] === 'GlobalAveragePooling' ? tf.mean : tf.max;
        const keep = a.keepdims === true;
        return op(([x]) => (first ? reduce(x, Array.from({ length: x.rank - 2 }, (_, i) => i + 2), keep) : reduce(x, spatial(x), keep)));
      }
    }
  }
  switch (r.kind) {
    case 'ReLU': {
      const slope = n(a.negative_slope) ?? 0;
      const threshold = n(a.threshold) ?? 0;
      const max = n(a.max_value);
      // keras/src/activations/activations.py, ReLU.static_call.
      return op(([x]) => {
        if (slope !== 0 && max === undefined && threshold === 0) return tf.leakyRelu(x, slope);
        const negative = slope !== 0 ? tf.relu(x.neg().add(threshold)) : null;
        let y = threshold !== 0 ? tf.where(tf.greater(x, threshold), x, tf.zerosLike(x)) : tf.relu(x);
        if (max !== undefined) y = tf.clipByValue(y, 0, max);
        return negative ? y.sub(negative.mul(slope)) : y;
      });
    }
    case 'Subtract':
      return op(([x, y]) => x.sub(y));
    case 'ELU': {
      const alpha = n(a.alpha) ?? 1;
      return op(([x]) => tf.where(tf.greater(x, 0), x, tf.exp(x).sub(1).mul(alpha)));
    }
    case 'Softmax': {
      const axis = n(a.axis) ?? -1;
      return op(([x]) => {
        const at = axis < 0 ? axis + x.rank : axis;
        const perm = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== at).concat([at]);
        const back = perm.map((_, i) => perm.indexOf(i));
        return tf.transpose(tf.softmax(tf.transpose(x, perm)), back);
      });
    }
    case 'Activation': {
      const name = activationName(a.activation);
      if (!name || !ACTIVATIONS[name]) return 'the activation is not known here';
      return op(([x]) => ACTIVATIONS[name](x));
    }
    case 'Identity':
    case 'ActivityRegularization':
    case 'RandomFlip':
    case 'RandomRotation':
    case 'RandomZoom':
    case 'RandomTranslation':
    case 'RandomContrast':
    case 'RandomBrightness':
      // Random augmentations are the identity at inference (predict).
      return op(([x]) => x);
    case 'Normalization': {
      // keras/src/layers/preprocessing/normalization.py: (x - mean) / max(sqrt(variance), epsilon), over the last axis.
      const given = (v: ArgValue | undefined) => (v === undefined || v === null ? null : Array.isArray(v) ? (v as number[]) : [v as number]);
      const mean = given(a.mean);
      const variance = given(a.variance);
      const invert = a.invert === true;
      const weights = (input: number[]): WeightSpec[] =>
        mean ? [] : [{ name: 'mean', shape: [input[input.length - 1]], trainable: false }, { name: 'variance', shape: [input[input.length - 1]], trainable: false }, { name: 'count', shape: [], trainable: false }];
      return new OpLayer('Normalization', weights, ([x], w) => {
        const m = mean ? tf.tensor(mean) : w[0];
        const std = tf.maximum(tf.sqrt(variance ? tf.tensor(variance) : w[1]), 1e-7);
        return invert ? m.add(x.mul(std)) : x.sub(m).div(std);
      });
    }
    case 'Dot':
      return op(([x, y]) => {
        const [p, q] = a.normalize === true ? [tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)), tf.div(y, tf.maximum(tf.norm(y, 'euclidean', 1, true), 1e-12))] : [x, y];
        return tf.sum(p.mul(q), 1, true);
      });
    case 'Resizing': {
      // tf.image.resize, TensorFlow 2: half-pixel centres for bilinear and nearest.
      const size: [number, number] = [n(a.height)!, n(a.width)!];
      const method = s(a.interpolation) ?? 'bilinear';
      if (!['bilinear', 'nearest'].includes(method)) return `interpolation '${method}' is not written here`;
      if (a.antialias === true) return 'antialias is not written here';
      // keras/src/backend/tensorflow/image.py, resize: crop or pad to the target aspect ratio first (sizes in float32).
      const f32 = (x: number, y: number) => Math.trunc(Math.fround(Math.fround(x) / y));
      const aspect = (t: tf.Tensor): tf.Tensor => {
        const [H, W] = [t.shape[1]!, t.shape[2]!];
        if (a.crop_to_aspect_ratio === true) {
          const ch = Math.max(Math.min(H, f32(W * size[0], size[1])), 1);
          const cw = Math.max(Math.min(W, f32(H * size[1], size[0])), 1);
          return tf.slice(t, [0, Math.trunc((H - ch) / 2), Math.trunc((W - cw) / 2), 0], [-1, ch, cw, -1]);
        }
        if (a.pad_to_aspect_ratio === true) {
          const top = Math.trunc((Math.max(H, f32(W * size[0], size[1])) - H) / 2);
          const left = Math.trunc((Math.max(W, f32(H * size[1], size[0])) - W) / 2);
          return tf.pad(t, [[0, 0], [top, top], [left, left], [0, 0]], n(a.fill_value) ?? 0);
        }
        return t;
      };
      return op(([x]) => channelsLastOp(first, (t) => (method === 'bilinear' ? tf.image.resizeBilinear(aspect(t) as tf.Tensor4D, size, false, true) : tf.image.resizeNearestNeighbor(aspect(t) as tf.Tensor4D, size, false, true)))(x));
    }
    case 'CenterCrop': {
      const h = n(a.height)!;
      const w = n(a.width)!;
      return op(([x]) =>
        channelsLastOp(first, (t) => {
          const top = Math.floor((t.shape[1]! - h) / 2);
          const left = Math.floor((t.shape[2]! - w) / 2);
          return tf.slice(t, [0, top, left, 0], [-1, h, w, -1]);
        })(x),
      );
    }
    case 'Rescaling': {
      const scale = a.scale;
      const offset = a.offset ?? 0;
      const value = (v: ArgValue) => (typeof v === 'number' ? tf.scalar(v) : tf.tensor(v as number[]));
      return op(([x]) => channelsLastOp(first, (t) => t.mul(value(scale)).add(value(offset)))(x));
    }
  }
  return null;
}

/**
 * A TensorFlow or keras.ops function applied to Keras tensors (an operation record), with tf ops:
 * its arguments read from the call's text (tf.concat's axis, reduce_mean's axis and keepdims, ...).
 */
function tfOperation(r: LayerRecord, lines: readonly string[]): tf.layers.Layer | string {
  const text = recordText(r, lines);
  const call = parseCall(text);
  const arg = (i: number, ...names: string[]) => {
    for (const k of names) if (call && k in call.keywords) return call.keywords[k];
    return call?.positional[i];
  };
  const op = (f: (xs: tf.Tensor[]) => tf.Tensor) => new OpLayer(r.kind, () => [], f);
  const unary: Record<string, (x: tf.Tensor) => tf.Tensor> = {
    relu: tf.relu, relu6: tf.relu6, sigmoid: tf.sigmoid, tanh: tf.tanh, exp: tf.exp, log: tf.log, sqrt: tf.sqrt, rsqrt: tf.rsqrt, square: tf.square, abs: tf.abs,
    negative: tf.neg, neg: tf.neg, softplus: tf.softplus, elu: tf.elu, selu: tf.selu, identity: (x) => x, stop_gradient: (x) => x,
    softsign: (x) => x.div(tf.abs(x).add(1)), silu: (x) => x.mul(tf.sigmoid(x)), swish: (x) => x.mul(tf.sigmoid(x)),
  };
  if (unary[r.kind] && r.input.length === 1) return op(([x]) => unary[r.kind](x));
  if (r.kind === 'gelu') {
    const approximate = arg(1, 'approximate') ?? /^(keras\.)?ops\./.test(call?.callee ?? '');
    return op(([x]) => (approximate === true ? x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1)) : x.mul(0.5).mul(tf.erf(x.div(Math.SQRT2)).add(1))));
  }
  if (r.kind === 'leaky_relu') {
    const slope = arg(1, 'alpha', 'negative_slope');
    return op(([x]) => tf.leakyRelu(x, typeof slope === 'number' ? slope : 0.2));
  }
  const binary: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = { add: tf.add, subtract: tf.sub, sub: tf.sub, multiply: tf.mul, mul: tf.mul, divide: tf.div, truediv: tf.div, realdiv: tf.div, maximum: tf.maximum, minimum: tf.minimum, pow: tf.pow };
  if (binary[r.kind]) {
    if (r.input.length === 2) return op(([a, b]) => binary[r.kind](a, b));
    // One tensor and a constant, in the order written.
    const m = call ? null : /^(.*?)\s*(\*\*|[-+*/])\s*(.+)$/s.exec(text.trim());
    const [left, right] = call ? [call.positional[0], call.positional[1]] : m ? [evaluateConstant(m[1]), evaluateConstant(m[3])] : [NOT_CONSTANT, NOT_CONSTANT];
    if (typeof left === 'number') return op(([x]) => binary[r.kind](tf.scalar(left), x));
    if (typeof right === 'number') return op(([x]) => binary[r.kind](x, tf.scalar(right)));
    return 'the other operand is not a constant';
  }
  if (!call) return `the operation ${r.kind} is not built here`;
  switch (r.kind) {
    case 'softmax':
    case 'log_softmax': {
      const axis = arg(1, 'axis') ?? -1;
      return op(([x]) => {
        const at = (axis as number) < 0 ? (axis as number) + x.rank : (axis as number);
        const perm = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== at).concat([at]);
        const back = perm.map((_, i) => perm.indexOf(i));
        const moved = tf.transpose(x, perm);
        return tf.transpose(r.kind === 'softmax' ? tf.softmax(moved) : tf.logSoftmax(moved), back);
      });
    }
    case 'concat':
    case 'concatenate':
      return op((xs) => tf.concat(xs, (arg(1, 'axis') ?? (r.kind === 'concatenate' ? 0 : -1)) as number));
    case 'mean':
    case 'reduce_mean':
    case 'sum':
    case 'reduce_sum':
    case 'max':
    case 'reduce_max':
    case 'min':
    case 'reduce_min':
    case 'prod':
    case 'reduce_prod': {
      const f = { mean: tf.mean, sum: tf.sum, max: tf.max, min: tf.min, prod: tf.prod }[r.kind.replace('reduce_', '') as 'mean'];
      const axis = arg(1, 'axis');
      const keep = arg(2, 'keepdims', 'keep_dims') === true;
      return op(([x]) => f(x, axis === undefined || axis === null ? undefined : (axis as number | number[]), keep));
    }
    case 'reshape':
    case 'expand_dims':
    case 'squeeze': {
      const out = Array.isArray(r.output) ? (r.output as number[]) : null;
      if (!out) return 'the shape of its result is not known';
      return op(([x]) => x.reshape([x.shape[0], ...out.slice(1)]));
    }
    case 'transpose': {
      const perm = arg(1, 'perm', 'axes');
      return op(([x]) => tf.transpose(x, perm as number[]));
    }
    case 'depth_to_space':
    case 'space_to_depth': {
      const b = arg(1, 'block_size') as number;
      if (r.kind === 'depth_to_space') return op(([x]) => tf.depthToSpace(x as tf.Tensor4D, b, 'NHWC'));
      // tf.nn.space_to_depth: out[n, h, w, (i·b + j)·C + c] = in[n, h·b + i, w·b + j, c].
      return op(([x]) => {
        const [n, h, w, c] = x.shape as number[];
        return x.reshape([n, h / b, b, w / b, b, c]).transpose([0, 1, 3, 2, 4, 5]).reshape([n, h / b, w / b, b * b * c]);
      });
    }
    case 'resize': {
      const size = arg(1, 'size') as [number, number];
      const method = (arg(2, 'method') ?? 'bilinear') as string;
      return op(([x]) => (method === 'nearest' ? tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, false, true) : tf.image.resizeBilinear(x as tf.Tensor4D, size, false, true)));
    }
  }
  return `the operation ${r.kind} is not built here`;
}

// ---------------------------------------------------------------- records → tfjs layers

/** tfjs's names of the Keras activations a recurrent layer takes; others are not built. */
function recurrentActivation(v: ArgValue | undefined, fallback: string): string | undefined {
  const name = v === undefined ? fallback : activationName(v);
  const table: Record<string, string> = { tanh: 'tanh', sigmoid: 'sigmoid', relu: 'relu', hard_sigmoid: 'hardSigmoid', linear: 'linear', elu: 'elu', selu: 'selu', softsign: 'softsign', softplus: 'softplus', relu6: 'relu6' };
  return name === null ? 'linear' : name ? table[name] : undefined;
}

/** The tfjs layer for a record, or a reason it has none. */
function tfjsLayer(r: LayerRecord): tf.layers.Layer | string {
  const a = r.args ?? {};
  const dataFormat = channelsFirst(a) ? 'channelsFirst' : 'channelsLast';
  const activation = activationName(a.activation);
  const plainActivation = activation === null || activation === undefined ? (activation === null ? 'linear' : undefined) : ACTIVATIONS[activation] ? activation : undefined;
  const tfjsActivation = plainActivation === 'hard_sigmoid' ? 'hardSigmoid' : plainActivation === 'silu' ? 'swish' : plainActivation;
  const convM = /^(Conv|SeparableConv|DepthwiseConv)([123])D(Transpose)?$/.exec(r.kind);
  if (convM) {
    const rank = Number(convM[2]);
    if (convM[1] === 'Conv') {
      // tfjs-layers' Conv1D ignores channels_first, its transposed convolutions the dilation.
      const simple = (n(a.groups) ?? 1) === 1 && a.padding !== 'causal' && !(rank === 1 && channelsFirst(a)) && !(convM[3] && (ints(a.dilation_rate, rank) ?? []).some((d) => d !== 1)) && (a.output_padding === null || a.output_padding === undefined) && !(convM[3] && rank === 1) && tfjsActivation && ['linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'relu6', 'swish', 'mish', 'gelu', 'hardSigmoid'].includes(tfjsActivation);
      if (!simple) return convolutionOp(r, rank, !!convM[3]);
      const conv = { filters: n(a.filters)!, kernelSize: ints(a.kernel_size, rank)!, strides: ints(a.strides, rank), padding: (s(a.padding) ?? 'valid').toLowerCase(), dilationRate: ints(a.dilation_rate, rank), useBias: a.use_bias !== false, activation: tfjsActivation, dataFormat };
      if (convM[3]) return rank === 2 ? tf.layers.conv2dTranspose(conv as never) : tf.layers.conv3dTranspose(conv as never);
      return [tf.layers.conv1d, tf.layers.conv2d, tf.layers.conv3d][rank - 1](conv as never);
    }
    return depthwiseOp(r, rank, convM[1] === 'SeparableConv');
  }
  const own = functionOp(r);
  if (own !== null) return own;
  const poolRank = Number(/(\d)D$/.exec(r.kind)?.[1] ?? 2);
  const pool = { poolSize: ints(a.pool_size, poolRank) as never, strides: (ints(a.strides, poolRank) ?? undefined) as never, padding: (s(a.padding) ?? 'valid').toLowerCase() as 'valid' | 'same', dataFormat: dataFormat as 'channelsFirst' | 'channelsLast' };
  switch (r.kind) {
    case 'MaxPooling1D':
    case 'AveragePooling1D':
      return pool1dOp(r);
    case 'MaxPooling2D':
      return tf.layers.maxPooling2d(pool);
    case 'MaxPooling3D':
      return tf.layers.maxPooling3d(pool);
    case 'AveragePooling2D':
      return tf.layers.averagePooling2d(pool);
    case 'AveragePooling3D':
      return tf.layers.averagePooling3d(pool);
    case 'Dense':
      if (!tfjsActivation) return 'the activation is not known here';
      return tf.layers.dense({ units: n(a.units)!, useBias: a.use_bias !== false, activation: tfjsActivation as never });
    case 'BatchNormalization':
      // The axis is applied by applyLayer, which moves it last (see there).
      return tf.layers.batchNormalization({ axis: -1, epsilon: n(a.epsilon), momentum: n(a.momentum), center: a.center !== false, scale: a.scale !== false });
    case 'LayerNormalization':
      return tf.layers.layerNormalization({ axis: (Array.isArray(a.axis) ? a.axis : n(a.axis) ?? -1) as never, epsilon: n(a.epsilon), center: a.center !== false, scale: a.scale !== false });
    case 'Flatten':
      return tf.layers.flatten({ dataFormat } as never);
    case 'Dropout':
    case 'SpatialDropout1D':
    case 'SpatialDropout2D':
    case 'SpatialDropout3D':
    case 'GaussianDropout':
    case 'AlphaDropout':
      // The identity at inference, as predict() runs it.
      return tf.layers.dropout({ rate: n(a.rate) ?? 0.5 });
    case 'GaussianNoise':
      return tf.layers.gaussianNoise({ stddev: n(a.stddev) ?? 0 });
    case 'LeakyReLU':
      return tf.layers.leakyReLU({ alpha: r.given.includes('alpha') && !r.given.includes('negative_slope') ? n(a.alpha) : n(a.negative_slope) ?? 0.3 });
    case 'ThresholdedReLU':
      return tf.layers.thresholdedReLU({ theta: n(a.theta) ?? 1 });
    case 'PReLU':
      return tf.layers.prelu({ sharedAxes: ints(a.shared_axes, 1) as never });
    case 'Add':
      return tf.layers.add({});
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
    case 'UpSampling2D':
      return tf.layers.upSampling2d({ size: ints(a.size, 2) as never, dataFormat, interpolation: s(a.interpolation) as never });
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
      const merge = a.merge_mode === null ? null : s(a.merge_mode) ?? 'concat';
      if (inner.kind === 'GRU' && inner.args?.reset_after !== false) return bidirectionalOf(inner, merge);
      const layer = tfjsLayer(inner);
      if (typeof layer === 'string') return layer;
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
    const others = Array.from({ length: rank - 1 }, (_, i) => i + 1).filter((x) => x !== axis);
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
  const bound = v.bound as BoundArgs;
  return { ...r, kind: v.def.kind, args: Object.fromEntries(bound.values), given: [...bound.given] };
}

/** A Keras SimpleRNN, LSTM or GRU in tfjs; GRU(reset_after=True), which tfjs lacks, is the script's own layer. */
function recurrentLayer(kind: string, a: Record<string, ArgValue>): tf.layers.Layer | string {
  const activation = recurrentActivation(a.activation, 'tanh');
  const recurrent = recurrentActivation(a.recurrent_activation, 'sigmoid');
  if (!activation || !recurrent) return 'the activation is not known here';
  const config = {
    units: n(a.units)!,
    returnSequences: a.return_sequences === true,
    returnState: a.return_state === true,
    goBackwards: a.go_backwards === true,
    useBias: a.use_bias !== false,
    dropout: n(a.dropout),
    recurrentDropout: n(a.recurrent_dropout),
    activation: activation as never,
    // tfjs defaults recurrent_activation to hard sigmoid; Keras to sigmoid.
    recurrentActivation: recurrent as never,
    stateful: a.stateful === true,
    recurrentInitializer: 'glorotUniform' as never,
  };
  if (kind === 'SimpleRNN') {
    const { recurrentActivation: _unused, ...simple } = config;
    return tf.layers.simpleRNN(simple);
  }
  if (kind === 'LSTM') return tf.layers.lstm(config);
  if (a.reset_after === false) return tf.layers.gru(config);
  return new GRUResetAfter({ ...config, activation: ACTIVATIONS[activationName(a.activation ?? 'tanh') ?? 'linear'], recurrentActivation: ACTIVATIONS[activationName(a.recurrent_activation ?? 'sigmoid') ?? 'linear'] });
}

interface GRUConfig {
  units: number;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  useBias: boolean;
  activation: (x: tf.Tensor) => tf.Tensor;
  recurrentActivation: (x: tf.Tensor) => tf.Tensor;
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
  readonly kerasClass = 'GRU';
  private kernel!: tf.LayerVariable;
  private recurrentKernel!: tf.LayerVariable;
  private bias: tf.LayerVariable | null = null;

  constructor(private readonly config: GRUConfig) {
    super({});
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
        const z = this.config.recurrentActivation(xz.add(hz));
        const r = this.config.recurrentActivation(xr.add(hr));
        const candidate = this.config.activation(xh.add(r.mul(hh)));
        h = z.mul(h).add(tf.onesLike(z).sub(z).mul(candidate)) as tf.Tensor2D;
        outputs.push(h);
      }
      const out = this.config.returnSequences ? tf.stack(outputs, 1) : h;
      return this.config.returnState ? [out, h] : out;
    });
  }
}

/** Keras Bidirectional of a GRU(reset_after=True): a forward and a go_backwards copy, the backward sequence reversed back, merged. */
function bidirectionalOf(inner: LayerRecord, merge: string | null): tf.layers.Layer | string {
  const forward = recurrentLayer('GRU', inner.args ?? {});
  const backward = recurrentLayer('GRU', { ...(inner.args ?? {}), go_backwards: true });
  if (typeof forward === 'string' || typeof backward === 'string') return typeof forward === 'string' ? forward : (backward as string);
  if (inner.args?.return_state === true || merge === null) return 'return_state or merge_mode=None is not built here';
  const sequences = inner.args?.return_sequences === true;
  const combine = (f: tf.Tensor, b: tf.Tensor) => (merge === 'concat' ? tf.concat([f, b], -1) : merge === 'sum' ? f.add(b) : merge === 'ave' ? f.add(b).div(2) : f.mul(b));
  const units = n(inner.args?.units)!;
  const features = (input: number[]) => input[input.length - 1];
  const useBias = inner.args?.use_bias !== false;
  const weights = (input: number[]): WeightSpec[] =>
    ['forward', 'backward'].flatMap((d) => [{ name: `${d}_kernel`, shape: [features(input), 3 * units] }, { name: `${d}_recurrent_kernel`, shape: [units, 3 * units] }, ...(useBias ? [{ name: `${d}_bias`, shape: [2, 3 * units] }] : [])]);
  const per = useBias ? 3 : 2;
  const run = (layer: tf.layers.Layer, x: tf.Tensor, w: tf.Tensor[]) => {
    const g = layer as GRUResetAfter;
    if (!g.built) g.build(x.shape);
    g.setWeights(w);
    return g.call(x) as tf.Tensor;
  };
  return new OpLayer('Bidirectional', weights, ([x], w) => {
    const f = run(forward, x, w.slice(0, per));
    let b = run(backward, x, w.slice(per, 2 * per));
    if (sequences) b = tf.reverse(b, 1);
    return combine(f, b);
  });
}

// ---------------------------------------------------------------- models

interface Exported {
  shape: number[];
  data: number[];
  /** Set on an input of token ids (PyTorch's Embedding wants integers). */
  ids?: boolean;
}

function exportTensor(t: tf.Tensor): Exported {
  return { shape: t.shape, data: Array.from(t.dataSync()) };
}

/** A Keras (sub-)model in tfjs: the tfjs model, the tfjs layer of each record, the built sub-models by calling record. */
interface Built {
  model: tf.LayersModel;
  layerOf: Map<number, tf.layers.Layer>;
  subs: Map<number, Built>;
}

/** Builds a Keras model in tfjs from its records; a Sequential called inline is built as a tfjs Sequential. */
function build(model: ModelResult, converted: ConvertedModel, text: string, notes: string[], sequential: boolean, cache: Map<ConvertedModel, Built>, root = false): Built | string {
  const done = cache.get(converted);
  if (done) return done;
  const itemOf = tupleItemPicker(model, text);
  const inputShapes = modelInputs(model);
  // A sub-model called with several sizes is built for any size where they differ (the root's input is concrete).
  if (!inputShapes.every((sh) => sh && sh.slice(1).every((d) => typeof d === 'number' || (d === null && !root)))) return 'the input shape is not fully known';
  // A stateful recurrent layer needs the batch size (the check runs a batch of 2).
  const stateful = model.layers.some((r) => r.args?.stateful === true || innerRecord(r)?.args?.stateful === true);
  const inputs = inputShapes.map((sh) => (stateful ? tf.input({ batchShape: [2, ...(sh!.slice(1) as number[])] }) : tf.input({ shape: sh!.slice(1) as number[] })));
  const layerOf = new Map<number, tf.layers.Layer>();
  const subs = new Map<number, Built>();
  const shared = new Map<number, tf.layers.Layer>();
  const tensors: (tf.SymbolicTensor | tf.SymbolicTensor[] | undefined)[] = [];
  const groupOf = new Map<number, number>();
  for (const [start, sub] of converted.subModels) for (const k of sub.records) groupOf.set(k, start);
  for (let i = 0; i < model.layers.length; i++) {
    const r = model.layers[i];
    const start = groupOf.get(i);
    if (start !== undefined && start !== i) continue;
    const ins = r.inputsFrom.map((k, j) => {
      const t = k >= 0 ? tensors[k] : inputs[r.modelInputs[j]];
      return Array.isArray(t) ? t[itemOf(i, j) ?? 0] : t;
    });
    if (ins.some((t) => !t)) return 'an input comes from an untraced layer';
    if (start !== undefined) {
      const sub = converted.subModels.get(start)!;
      const built = build(sub.model, sub.converted, text, notes, sub.inlined, cache);
      if (typeof built === 'string') return `sub-model ${sub.model.name}: ${built}`;
      subs.set(i, built);
      if (sub.inlined) sub.records.forEach((k, j) => built.layerOf.has(j) && layerOf.set(k, built.layerOf.get(j)!));
      tensors[sub.records[sub.records.length - 1]] = built.model.apply(ins.length === 1 ? ins[0]! : (ins as tf.SymbolicTensor[])) as tf.SymbolicTensor;
      continue;
    }
    let layer = r.layerId !== null ? shared.get(r.layerId) : undefined;
    if (!layer) {
      const made = r.module ? tfjsLayer(r) : tfOperation(r, text.split('\n'));
      if (typeof made === 'string') return `${r.kind}: ${made}`;
      layer = made;
      if (r.layerId !== null) shared.set(r.layerId, layer);
    }
    layerOf.set(i, layer);
    tensors[i] = applyLayer(r, layer, ins as tf.SymbolicTensor[], notes);
  }
  const outputs = modelOutputs(model).map(({ record, item }) => {
    const t = tensors[record];
    return Array.isArray(t) ? (item === null ? t : t[item]) : t;
  });
  const flat = outputs.flat() as tf.SymbolicTensor[];
  if (flat.some((t) => !t)) return 'an output was not built';
  const tfModel = tf.model({ inputs, outputs: flat });
  // A Sequential called as a layer stays a Sequential in Keras (its weight files say so).
  if (sequential) (tfModel as unknown as { kerasClass: string }).kerasClass = 'Sequential';
  const built: Built = { model: tfModel, layerOf, subs };
  cache.set(converted, built);
  return built;
}

/** Every distinct tfjs layer with weights under a model, nested models walked. */
function weightedLayers(model: tf.LayersModel, out: tf.layers.Layer[] = []): tf.layers.Layer[] {
  for (const l of model.layers) {
    if (l instanceof tf.LayersModel) weightedLayers(l, out);
    else if (l.weights.length > 0 && !out.includes(l)) out.push(l);
  }
  return out;
}

/** Fixed random weights: kernels scaled by 1/sqrt(fan-in) keep activations near 1; variances in [0.5, 1.5). */
function setRandomWeights(model: tf.LayersModel, seed: number): void {
  const random = generator(seed);
  for (const layer of weightedLayers(model)) {
    const values = layer.getWeights().map((w, j) => {
      const name = layer.weights[j].originalName;
      const isVariance = /variance|count/.test(name);
      const fanIn = w.shape.length >= 2 ? w.size / w.shape[w.shape.length - 1] : 1;
      const scale = w.shape.length >= 2 ? 1 / Math.sqrt(fanIn) : 0.5;
      return tf.tensor(Float32Array.from({ length: w.size }, () => (isVariance ? 0.5 + random() : (random() - 0.5) * 2 * scale)), w.shape);
    });
    layer.setWeights(values);
  }
}

/** The converter's weight ports, with the weights of the tfjs layer behind each; sub-models' under their attribute. */
function flatPorts(converted: ConvertedModel, built: Built, prefix: string): object[] {
  const out: object[] = [];
  const seen = new Set<string>();
  for (const p of converted.ports) {
    const layer = built.layerOf.get(p.layer);
    const key = p.paths.join(',');
    if (!layer || seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: p.kind, paths: p.paths.map((x) => prefix + x), info: p.info, weights: layer.getWeights().map(exportTensor) });
  }
  for (const [start, sub] of converted.subModels) {
    const b = built.subs.get(start);
    if (b && !sub.inlined) out.push(...flatPorts(sub.converted, b, `${prefix}${sub.attr}.`));
  }
  return out;
}

/** The Keras class a tfjs layer stands for (tfjs's `Model` is Keras's Functional). */
function kerasClass(layer: tf.layers.Layer): string {
  const own = (layer as unknown as { kerasClass?: string }).kerasClass;
  if (own) return own;
  const name = layer.getClassName();
  return name === 'Model' ? 'Functional' : name;
}

/** The model's layers in tfjs's (Keras's) order, with their weights: what the Keras weight files hold. */
function kerasTree(model: tf.LayersModel): object[] {
  return model.layers.map((l) => ({
    className: kerasClass(l),
    name: l.name,
    weights: l.weights.map((w) => exportTensor(w.read())),
    layers: l instanceof tf.LayersModel ? kerasTree(l) : undefined,
  }));
}

/** Builds the model, sets fixed weights, runs one fixed input; or says why it cannot. */
function runKeras(model: ModelResult, converted: ConvertedModel, text: string, seed: number): { inputs: Exported[]; outputs: Exported[]; ports: object[]; keras: object[]; notes: string[] } | string {
  const notes: string[] = [];
  const built = build(model, converted, text, notes, false, new Map(), true);
  if (typeof built === 'string') return built;
  setRandomWeights(built.model, seed);
  const random = generator(seed + 1000);
  const inputShapes = modelInputs(model);
  // An input read by an Embedding holds token ids below its input_dim; the others, values in [-1, 1).
  const vocabulary = inputShapes.map((_, k) => Math.min(...model.layers.filter((r) => r.kind === 'Embedding' && r.modelInputs.includes(k)).map((r) => n(r.args?.input_dim) ?? 1)));
  const xs = inputShapes.map((sh, k) => {
    const size = (sh!.slice(1) as number[]).reduce((p, d) => p * d, 1) * 2;
    const ids = Number.isFinite(vocabulary[k]);
    const data = Float32Array.from({ length: size }, () => (ids ? Math.floor(random() * vocabulary[k]) : random() * 2 - 1));
    return tf.tensor(data, [2, ...(sh!.slice(1) as number[])]);
  });
  const ys = built.model.predict(xs.length === 1 ? xs[0] : xs);
  const outputs = (Array.isArray(ys) ? ys : [ys]).map(exportTensor);
  const ids = xs.map((_, k) => Number.isFinite(vocabulary[k]));
  return { inputs: xs.map((x, k) => ({ ...exportTensor(x), ids: ids[k] || undefined })), outputs, ports: flatPorts(converted, built, ''), keras: kerasTree(built.model), notes: [...new Set(notes)] };
}

function main(): number {
  const args = process.argv.slice(2);
  const pythonFlag = args.indexOf('--python');
  const python = pythonFlag >= 0 ? args[pythonFlag + 1] : '/usr/bin/python3';
  const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--python');
  const all = args.includes('--arguments') ? argumentCases() : fixtureCases(named);
  const dir = mkdtempSync(join(tmpdir(), 'cnnshape-verify-'));
  const manifest: { name: string; file?: string; skipped?: string; note?: string; todo?: string }[] = [];
  let seed = 1;
  for (const c of all) {
    const result = analyze(c.text);
    if (result.diagnostics.length > 0) {
      if (args.includes('--arguments')) manifest.push({ name: c.name, skipped: `the engine reports: ${result.diagnostics[0].message.slice(0, 80)}` });
      continue;
    }
    for (const model of result.models.filter((m) => m.framework === 'keras')) {
      const name = args.includes('--arguments') ? c.name : `${c.name}:${model.name}`;
      const converted = convertKerasModel(model, c.text, result);
      if (converted.unsupported.length > 0) {
        const r = model.layers[converted.unsupported[0]];
        const why = converted.warnings.find((w) => w.startsWith(`${r.kind} at line ${r.range.line + 1}:`)) ?? converted.warnings[0] ?? '';
        manifest.push({ name, skipped: `not converted: ${why}` });
        continue;
      }
      let run: ReturnType<typeof runKeras>;
      try {
        run = runKeras(model, converted, c.text, seed++);
      } catch (e) {
        run = `tfjs could not build it: ${(e as Error).message.split('\n')[0].slice(0, 80)}`;
      }
      if (typeof run === 'string') {
        manifest.push({ name, skipped: run });
        continue;
      }
      const file = join(dir, `case${manifest.length}.json`);
      writeFileSync(file, JSON.stringify({ name, code: converted.code, className: converted.className, layout: converted.layout, inputs: run.inputs, outputs: run.outputs, ports: run.ports, keras: run.keras, hasLoader: converted.kerasLayers.length > 0 }));
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
