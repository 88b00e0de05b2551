// PyTorch layers and operations as TensorFlow.js computations, for the confirmation's forward pass.
//
// Tensors keep PyTorch's layout (NCHW) between layers, so that flatten, view, cat and indexing
// mean what they mean in PyTorch; a convolution, pooling or normalisation moves the channels last,
// runs the tfjs op there (tfjs's channels-first support is uneven across ops and backends) and
// moves them back. Weights are random and shaped by the constructor's arguments as PyTorch shapes
// them (a Conv2d(32, 64, 3) has a (3, 3, 32, 64) filter whatever its input), so a wrong
// in_channels or in_features makes tfjs itself fail at that layer. Shapes PyTorch computes with
// a formula tfjs lacks (ceil_mode, output_padding, padding wider than tfjs's 'same') are reached
// by padding or cropping explicitly. A layer or operation that has no tfjs form throws
// `Unconfirmable`; any other error is tfjs (or PyTorch's own construction check) refusing the layer.
// Which record runs where, and the comparison, are left to confirm.ts.

import type { Tensor } from '@tensorflow/tfjs';
import { NOT_CONSTANT } from './call-args';
import type { TfModule } from './tfjs-build';

export type TorchValue = Tensor | TorchValue[];

/** A layer or argument tfjs cannot express: the record is reported as not confirmable. */
export class Unconfirmable extends Error {}

/** A layer's or operation's arguments as plain values (NOT_CONSTANT where unknown). */
export class TorchArgs {
  constructor(
    readonly kind: string,
    private readonly entries: Record<string, unknown>,
  ) {}

  has(name: string): boolean {
    return name in this.entries && this.entries[name] !== undefined;
  }

  /** The value as given, NOT_CONSTANT included. */
  peek(name: string): unknown {
    return this.entries[name];
  }

  raw(name: string): unknown {
    const v = this.entries[name];
    if (v === NOT_CONSTANT) throw new Unconfirmable(`${this.kind}: the value of ${name} is not known`);
    return v;
  }

  /** The argument, undefined where it is absent or None. */
  optional(name: string): unknown {
    const v = this.raw(name);
    return v === null ? undefined : v;
  }

  int(name: string, fallback?: number): number {
    const v = this.optional(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number') throw new Unconfirmable(`${this.kind}: ${name} is not a number`);
    return v;
  }

  /** An int-or-tuple argument as n numbers (`3` → `[3, 3]`). */
  ints(name: string, n: number, fallback?: number[]): number[] {
    const v = this.optional(name);
    if (v === undefined && fallback) return fallback;
    const list = Array.isArray(v) ? v : Array<unknown>(n).fill(v);
    if (list.length === 1 && n > 1) return Array<number>(n).fill(list[0] as number);
    if (list.length !== n || !list.every((i) => typeof i === 'number')) throw new Unconfirmable(`${this.kind}: ${name} is not ${n} numbers`);
    return list as number[];
  }

  bool(name: string, fallback = false): boolean {
    const v = this.optional(name);
    return typeof v === 'boolean' ? v : fallback;
  }
}

type LayerRun = (tf: TfModule, a: TorchArgs, inputs: Tensor[]) => TorchValue;

function only(inputs: Tensor[], kind: string): Tensor {
  if (inputs.length === 0) throw new Unconfirmable(`${kind}: its input is not known as a tensor`);
  return inputs[0];
}

/** The first of a list of tensors; none when the engine could not read the list. */
function listed(inputs: Tensor[], kind: string): Tensor {
  if (inputs.length === 0) throw new Unconfirmable(`${kind}: its list of tensors is not known`);
  return inputs[0];
}

/** Runs `f` on a batched input, adding and removing a batch axis for an unbatched one (rank n + 1). */
function batched(tf: TfModule, x: Tensor, spatialRank: number, f: (x: Tensor) => Tensor): Tensor {
  if (x.rank === spatialRank + 1) return tf.squeeze(f(tf.expandDims(x, 0)), [0]);
  return f(x);
}

/** (N, C, *spatial) → (N, *spatial, C) and back. */
function channelsLast(tf: TfModule, x: Tensor): Tensor {
  const perm = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
  return tf.transpose(x, perm);
}

function channelsFirst(tf: TfModule, x: Tensor): Tensor {
  const perm = [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)];
  return tf.transpose(x, perm);
}

/** Runs `f` channels-last on a PyTorch (N, C, *spatial) tensor of the given spatial rank, unbatched input accepted. */
function inChannelsLast(tf: TfModule, x: Tensor, spatialRank: number, f: (x: Tensor) => Tensor): Tensor {
  return batched(tf, x, spatialRank, (b) => channelsFirst(tf, f(channelsLast(tf, b))));
}

/** A 1-D channels-last op made from the 2-D one: (N, L, C) → (N, 1, L, C). */
function via2d(tf: TfModule, x: Tensor, f: (x: Tensor) => Tensor): Tensor {
  return tf.squeeze(f(tf.expandDims(x, 1)), [1]);
}

function effectiveKernel(kernel: number[], dilation: number[]): number[] {
  return kernel.map((k, i) => dilation[i] * (k - 1) + 1);
}

/**
 * PyTorch's check before a window op: the padded input must hold one window. (tfjs computes a
 * negative size instead of refusing, and the wasm backend then writes out of bounds.)
 */
function checkWindow(kind: string, x: Tensor, spatialRank: number, kernel: number[], before: number[], after: number[]): void {
  const sizes = x.shape.slice(1, 1 + spatialRank);
  const outputs = sizes.map((size, i) => size + before[i] + after[i] - kernel[i] + 1);
  if (outputs.some((o) => o <= 0)) {
    throw new Error(`${kind}: Given input size: (${sizes.join('x')}). Calculated output size: (${outputs.join('x')}). Output size is too small`);
  }
}

/** Pads the spatial axes of a channels-last tensor: before[i] and after[i] zeros on axis i + 1. */
function padSpatial(tf: TfModule, x: Tensor, before: number[], after: number[]): Tensor {
  if (before.every((p) => p === 0) && after.every((p) => p === 0)) return x;
  const pads: [number, number][] = [[0, 0], ...before.map((b, i): [number, number] => [b, after[i]]), [0, 0]];
  return tf.pad(x, pads);
}

/** What a convolution or transposed convolution reads alike: its input, channels, stride and dilated kernel. */
function convolutionArgs(a: TorchArgs, inputs: Tensor[], spatialRank: number) {
  const x = only(inputs, a.kind);
  const inChannels = a.kind.startsWith('Lazy') ? x.shape[x.rank - spatialRank - 1] : a.int('in_channels');
  const kernel = a.ints('kernel_size', spatialRank);
  const dilation = a.ints('dilation', spatialRank, Array(spatialRank).fill(1));
  return { x, inChannels, outChannels: a.int('out_channels'), stride: a.ints('stride', spatialRank, Array(spatialRank).fill(1)), keff: effectiveKernel(kernel, dilation) };
}

function convolution(spatialRank: number): LayerRun {
  return (tf, a, inputs) => {
    const { x, inChannels, outChannels, stride, keff } = convolutionArgs(a, inputs, spatialRank);
    const groups = a.int('groups', 1);
    // PyTorch's own constructor checks, which run before any input is seen.
    if (inChannels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    const padding = a.optional('padding') ?? 0;
    let before: number[];
    let after: number[];
    if (padding === 'valid') before = after = Array(spatialRank).fill(0);
    else if (padding === 'same') {
      before = keff.map((k) => Math.floor((k - 1) / 2));
      after = keff.map((k, i) => k - 1 - before[i]);
    } else before = after = a.ints('padding', spatialRank);
    return inChannelsLast(tf, x, spatialRank, (xl) => {
      checkWindow(a.kind, xl, spatialRank, keff, before, after);
      const padded = padSpatial(tf, xl, before, after);
      const parts = groups === 1 ? [padded] : tf.split(padded, groups, spatialRank + 1);
      const outs = parts.map((part) => {
        const filter = tf.randomNormal([...keff, inChannels / groups, outChannels / groups]);
        if (spatialRank === 1) return tf.conv1d(part as never, filter as never, stride[0], 'valid');
        if (spatialRank === 2) return tf.conv2d(part as never, filter as never, stride as [number, number], 'valid');
        return tf.conv3d(part as never, filter as never, stride as [number, number, number], 'valid');
      });
      return outs.length === 1 ? outs[0] : tf.concat(outs, spatialRank + 1);
    });
  };
}

function transposedConvolution(spatialRank: number): LayerRun {
  return (tf, a, inputs) => {
    const { x, inChannels, outChannels, stride, keff } = convolutionArgs(a, inputs, spatialRank);
    const padding = a.ints('padding', spatialRank, Array(spatialRank).fill(0));
    const outputPadding = a.ints('output_padding', spatialRank, Array(spatialRank).fill(0));
    if (a.int('groups', 1) !== 1) throw new Unconfirmable(`tfjs has no grouped ${a.kind}`);
    return inChannelsLast(tf, x, spatialRank, (xl) => {
      // The full transposed convolution, then PyTorch's padding cropped and output_padding added.
      const full = xl.shape.slice(1, 1 + spatialRank).map((size, i) => (size - 1) * stride[i] + keff[i]);
      const batch = xl.shape[0];
      let y: Tensor;
      if (spatialRank === 3) {
        const filter = tf.randomNormal([...keff, outChannels, inChannels]);
        y = tf.conv3dTranspose(xl as never, filter as never, [batch, ...full, outChannels] as never, stride as never, 'valid');
      } else {
        const as2d = spatialRank === 1 ? tf.expandDims(xl, 1) : xl;
        const k2 = spatialRank === 1 ? [1, keff[0]] : keff;
        const s2 = spatialRank === 1 ? [1, stride[0]] : stride;
        const f2 = spatialRank === 1 ? [1, full[0]] : full;
        const filter = tf.randomNormal([...k2, outChannels, inChannels]);
        y = tf.conv2dTranspose(as2d as never, filter as never, [batch, ...f2, outChannels] as never, s2 as never, 'valid');
        if (spatialRank === 1) y = tf.squeeze(y, [1]);
      }
      const begin = [0, ...padding, 0];
      const size = [-1, ...full.map((f, i) => f - 2 * padding[i]), -1];
      if (size.some((s) => s === 0 || s < -1)) throw new Error(`${a.kind}: the output size ${full.map((f, i) => f - 2 * padding[i] + outputPadding[i]).join('x')} is too small`);
      y = tf.slice(y, begin, size);
      return padSpatial(tf, y, Array(spatialRank).fill(0), outputPadding);
    });
  };
}

/** The padding that makes a 'valid' window give PyTorch's ceil_mode count. */
function ceilModeExtra(size: number, kernel: number, stride: number, padding: number): number {
  const padded = size + 2 * padding;
  let out = Math.ceil((padded - kernel) / stride) + 1;
  if ((out - 1) * stride >= size + padding) out--;
  return Math.max(0, (out - 1) * stride + kernel - padded);
}

function pooling(spatialRank: number, type: 'max' | 'avg'): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const kernel = a.ints('kernel_size', spatialRank);
    const stride = a.ints('stride', spatialRank, kernel);
    const padding = a.ints('padding', spatialRank, Array(spatialRank).fill(0));
    const dilation = type === 'max' ? a.ints('dilation', spatialRank, Array(spatialRank).fill(1)) : Array<number>(spatialRank).fill(1);
    const keff = effectiveKernel(kernel, dilation);
    const ceilMode = a.bool('ceil_mode');
    // PyTorch's check before it pools.
    padding.forEach((p, i) => {
      if (p > kernel[i] / 2) throw new Error(`pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${kernel[i]}`);
    });
    const pooled = inChannelsLast(tf, x, spatialRank, (xl) => {
      const sizes = xl.shape.slice(1, 1 + spatialRank);
      const extra = sizes.map((s, i) => (ceilMode ? ceilModeExtra(s, keff[i], stride[i], padding[i]) : 0));
      checkWindow(a.kind, xl, spatialRank, keff, padding, padding.map((p, i) => p + extra[i]));
      const padded = padSpatial(tf, xl, padding, padding.map((p, i) => p + extra[i]));
      const pool2d = (t: Tensor, k: number[], s: number[]) => (type === 'max' ? tf.maxPool(t as never, k as never, s as never, 'valid') : tf.avgPool(t as never, k as never, s as never, 'valid'));
      if (spatialRank === 1) return via2d(tf, padded, (t) => pool2d(t, [1, keff[0]], [1, stride[0]]));
      if (spatialRank === 2) return pool2d(padded, keff, stride);
      return type === 'max' ? tf.maxPool3d(padded as never, keff as never, stride as never, 'valid') : tf.avgPool3d(padded as never, keff as never, stride as never, 'valid');
    });
    // return_indices=True: (output, indices), the indices of the output's shape.
    return type === 'max' && a.bool('return_indices') ? [pooled, tf.zerosLike(pooled)] : pooled;
  };
}

/** PyTorch's adaptive pooling: window i covers [floor(i·L/out), ceil((i+1)·L/out)). */
function adaptivePooling(spatialRank: number, type: 'max' | 'avg'): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const raw = a.raw('output_size');
    const wanted = (Array.isArray(raw) ? raw : Array(spatialRank).fill(raw)) as (number | null)[];
    if (wanted.length !== spatialRank) throw new Unconfirmable(`${a.kind}: output_size is not ${spatialRank} numbers`);
    return batched(tf, x, spatialRank, (b) => {
      let y = b;
      for (let i = 0; i < spatialRank; i++) {
        const axis = 2 + i;
        const size = y.shape[axis];
        const out = wanted[i] ?? size;
        if (typeof out !== 'number' || out <= 0) throw new Error(`${a.kind}: output_size must be positive`);
        const windows: Tensor[] = [];
        for (let j = 0; j < out; j++) {
          const start = Math.floor((j * size) / out);
          const end = Math.ceil(((j + 1) * size) / out);
          const begin = y.shape.map((_, k) => (k === axis ? start : 0));
          const length = y.shape.map((s, k) => (k === axis ? end - start : s));
          const window = tf.slice(y, begin, length);
          windows.push(type === 'max' ? tf.max(window, axis, true) : tf.mean(window, axis, true));
        }
        y = tf.concat(windows, axis);
      }
      return y;
    });
  };
}

function batchNorm(ranks: number[]): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    // PyTorch checks the rank before anything else.
    if (!ranks.includes(x.rank)) throw new Error(`expected ${ranks.map((r) => `${r}D`).join(' or ')} input (got ${x.rank}D input)`);
    const features = a.kind.startsWith('Lazy') ? (x.shape[1] as number) : a.int('num_features');
    const moved = x.rank === 2 ? x : channelsLast(tf, x);
    // Plain arithmetic rather than tf.batchNorm, whose kernels index the statistics modulo their
    // length instead of refusing a wrong num_features.
    const mean = tf.randomNormal([features]);
    const deviation = tf.ones([features]);
    const y = tf.div(tf.sub(moved, mean), deviation);
    return x.rank === 2 ? y : channelsFirst(tf, y);
  };
}

function instanceNorm(spatialRank: number): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    return inChannelsLast(tf, x, spatialRank, (xl) => {
      const axes = Array.from({ length: spatialRank }, (_, i) => i + 1);
      const { mean, variance } = tf.moments(xl, axes, true);
      let y = tf.div(tf.sub(xl, mean), tf.sqrt(tf.add(variance, 1e-5)));
      if (a.bool('affine')) y = tf.mul(y, tf.ones([a.kind.startsWith('Lazy') ? xl.shape[xl.rank - 1] : a.int('num_features')]));
      return y;
    });
  };
}

const groupNorm: LayerRun = (tf, a, inputs) => {
  const x = only(inputs, a.kind);
  const groups = a.int('num_groups');
  const channels = a.int('num_channels');
  if (channels % groups !== 0) throw new Error('num_channels must be divisible by num_groups');
  const xl = x.rank > 2 ? channelsLast(tf, x) : x;
  const c = xl.shape[xl.rank - 1];
  const grouped = tf.reshape(xl, [xl.shape[0], -1, groups, c / groups]);
  const { mean, variance } = tf.moments(grouped, [1, 3], true);
  const normalised = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, 1e-5))), xl.shape);
  const y = tf.mul(normalised, tf.ones([channels]));
  return x.rank > 2 ? channelsFirst(tf, y) : y;
};

const layerNorm: LayerRun = (tf, a, inputs) => {
  const x = only(inputs, a.kind);
  const raw = a.raw('normalized_shape');
  const shape = (Array.isArray(raw) ? raw : [raw]) as number[];
  if (!shape.every((d) => typeof d === 'number')) throw new Unconfirmable(`${a.kind}: normalized_shape is not known`);
  const axes = shape.map((_, i) => x.rank - shape.length + i);
  if (axes.some((axis) => axis < 0)) throw new Error(`${a.kind}: the input has fewer axes than normalized_shape`);
  const { mean, variance } = tf.moments(x, axes, true);
  const y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
  // The weight of shape normalized_shape broadcasts only where the input ends with that shape.
  const weight = tf.ones(shape);
  if (x.shape.slice(x.rank - shape.length).join(',') !== shape.join(',')) {
    throw new Error(`Given normalized_shape=[${shape.join(', ')}], expected input with shape [*, ${shape.join(', ')}], but got input of size[${x.shape.join(', ')}]`);
  }
  return tf.mul(y, weight);
};

function linearOf(tf: TfModule, x: Tensor, inFeatures: number, outFeatures: number): Tensor {
  const weight = tf.randomNormal([inFeatures, outFeatures]);
  const last = x.shape[x.rank - 1];
  const flat = x.rank === 1 ? tf.expandDims(x, 0) : tf.reshape(x, [-1, last]);
  const y = tf.matMul(flat as never, weight as never);
  return x.rank === 1 ? tf.squeeze(y, [0]) : tf.reshape(y, [...x.shape.slice(0, -1), outFeatures]);
}

const linear: LayerRun = (tf, a, inputs) => {
  const x = only(inputs, a.kind);
  const inFeatures = a.kind === 'LazyLinear' ? x.shape[x.rank - 1] : a.int('in_features');
  return linearOf(tf, x, inFeatures, a.int('out_features'));
};

const bilinear: LayerRun = (tf, a, inputs) => {
  if (inputs.length !== 2) throw new Unconfirmable('Bilinear needs two tensor inputs');
  const out = a.int('out_features');
  return tf.add(linearOf(tf, inputs[0], a.int('in1_features'), out), linearOf(tf, inputs[1], a.int('in2_features'), out));
};

const embedding: LayerRun = (tf, a, inputs) => {
  const x = only(inputs, a.kind);
  const table = tf.randomNormal([a.int('num_embeddings'), a.int('embedding_dim')]);
  return tf.gather(table, tf.zeros(x.shape, 'int32'));
};

/** Elementwise layers and operations: the tfjs function where there is one, else the identity (shape is all that is confirmed). */
const ELEMENTWISE: Record<string, (tf: TfModule, x: Tensor) => Tensor> = {
  relu: (tf, x) => tf.relu(x),
  relu6: (tf, x) => tf.relu6(x),
  sigmoid: (tf, x) => tf.sigmoid(x),
  tanh: (tf, x) => tf.tanh(x),
  elu: (tf, x) => tf.elu(x),
  selu: (tf, x) => tf.selu(x),
  leakyrelu: (tf, x) => tf.leakyRelu(x),
  leaky_relu: (tf, x) => tf.leakyRelu(x),
  softplus: (tf, x) => tf.softplus(x),
  exp: (tf, x) => tf.exp(x),
  abs: (tf, x) => tf.abs(x),
  neg: (tf, x) => tf.neg(x),
};

const ELEMENTWISE_LAYERS = [
  'ReLU', 'ReLU6', 'LeakyReLU', 'RReLU', 'ELU', 'SELU', 'CELU', 'GELU', 'SiLU', 'Mish', 'Sigmoid', 'Tanh', 'Hardswish', 'Hardsigmoid',
  'Hardtanh', 'Softplus', 'Softsign', 'Softshrink', 'Hardshrink', 'Tanhshrink', 'Threshold', 'LogSigmoid', 'Dropout', 'Dropout1d',
  'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout', 'Identity', 'LocalResponseNorm',
];

function elementwise(name: string): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const f = ELEMENTWISE[name.toLowerCase().replace(/_$/, '')];
    return f ? f(tf, x) : tf.clone(x);
  };
}

function normaliseAxis(axis: number, rank: number, kind: string): number {
  const r = Math.max(rank, 1);
  if (axis < -r || axis >= r) throw new Error(`${kind}: Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${axis})`);
  return axis < 0 ? axis + r : axis;
}

function softmaxAlong(tf: TfModule, x: Tensor, axis: number): Tensor {
  const e = tf.exp(tf.sub(x, tf.max(x, axis, true)));
  return tf.div(e, tf.sum(e, axis, true));
}

function softmax(defaultAxis: (rank: number) => number): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const dim = a.optional('dim');
    const axis = typeof dim === 'number' ? normaliseAxis(dim, x.rank, a.kind) : defaultAxis(x.rank);
    return softmaxAlong(tf, x, axis);
  };
}

const glu: LayerRun = (tf, a, inputs) => {
  const x = only(inputs, a.kind);
  const axis = normaliseAxis(a.int('dim', -1), x.rank, a.kind);
  const [first, second] = tf.split(x, 2, axis);
  return tf.mul(first, tf.sigmoid(second));
};

function flattenOf(tf: TfModule, x: Tensor, start: number, end: number, kind: string): Tensor {
  if (x.rank === 0) return tf.reshape(x, [1]);
  const s = normaliseAxis(start, x.rank, kind);
  const e = normaliseAxis(end, x.rank, kind);
  if (s > e) throw new Error('flatten() has invalid args: start_dim cannot come after end_dim');
  const merged = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return tf.reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

const flatten: LayerRun = (tf, a, inputs) => flattenOf(tf, only(inputs, a.kind), a.int('start_dim', 1), a.int('end_dim', -1), a.kind);

function unflattenOf(tf: TfModule, x: Tensor, dim: number, sizes: unknown, kind: string): Tensor {
  const axis = normaliseAxis(dim, x.rank, kind);
  if (!Array.isArray(sizes) || !sizes.every((s) => typeof s === 'number')) throw new Unconfirmable(`${kind}: the sizes are not known`);
  return tf.reshape(x, [...x.shape.slice(0, axis), ...(sizes as number[]), ...x.shape.slice(axis + 1)]);
}

const unflatten: LayerRun = (tf, a, inputs) => unflattenOf(tf, only(inputs, a.kind), a.int('dim'), a.raw('unflattened_size'), a.kind);

function upsampleOf(tf: TfModule, x: Tensor, size: unknown, scale: unknown, mode: string, kind: string): Tensor {
  const spatialRank = x.rank - 2;
  if (spatialRank !== 1 && spatialRank !== 2) throw new Unconfirmable(`tfjs resizes only 1-D and 2-D images, not the ${spatialRank}-D input of ${kind}`);
  const sizes = x.shape.slice(2);
  let target: number[];
  if (size !== undefined && size !== null) target = Array.isArray(size) ? (size as number[]) : Array(spatialRank).fill(size);
  else if (scale !== undefined && scale !== null) {
    const scales = Array.isArray(scale) ? (scale as number[]) : Array(spatialRank).fill(scale);
    target = sizes.map((s, i) => Math.floor(s * scales[i]));
  } else throw new Error(`${kind}: either size or scale_factor should be defined`);
  if (target.length !== spatialRank || !target.every((t) => typeof t === 'number')) throw new Unconfirmable(`${kind}: the size is not known`);
  const resize = (t: Tensor, hw: [number, number]) => (mode === 'nearest' ? tf.image.resizeNearestNeighbor(t as never, hw) : tf.image.resizeBilinear(t as never, hw));
  return inChannelsLast(tf, x, spatialRank, (xl) => (spatialRank === 1 ? via2d(tf, xl, (t) => resize(t, [1, target[0]])) : resize(xl, target as [number, number])));
}

const upsample: LayerRun = (tf, a, inputs) => {
  const mode = a.kind === 'UpsamplingBilinear2d' ? 'bilinear' : String(a.optional('mode') ?? 'nearest');
  return upsampleOf(tf, only(inputs, a.kind), a.optional('size'), a.optional('scale_factor'), mode, a.kind);
};

/** PyTorch's pad list names the last axis first: (left, right, top, bottom, ...). */
function padOf(tf: TfModule, x: Tensor, pad: number[], mode: string, kind: string): Tensor {
  if (pad.length % 2 !== 0 || pad.length / 2 > x.rank) throw new Error(`${kind}: Padding length must be divisible by 2 and at most twice the rank`);
  const pairs: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < pad.length / 2; i++) pairs[x.rank - 1 - i] = [pad[2 * i], pad[2 * i + 1]];
  if (pairs.some(([b, e]) => b < 0 || e < 0)) throw new Unconfirmable(`${kind}: tfjs has no negative padding`);
  if (mode === 'reflect') return tf.mirrorPad(x, pairs, 'reflect');
  return tf.pad(x, pairs);
}

function padding(spatialRank: number, mode: string): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const raw = a.raw('padding');
    const pad = typeof raw === 'number' ? Array<number>(2 * spatialRank).fill(raw) : (raw as number[]);
    if (!Array.isArray(pad) || !pad.every((p) => typeof p === 'number')) throw new Unconfirmable(`${a.kind}: padding is not known`);
    return padOf(tf, x, pad, mode, a.kind);
  };
}

const pixelShuffle: LayerRun = (tf, a, inputs) => {
  const x = only(inputs, a.kind);
  const r = a.int('upscale_factor');
  return inChannelsLast(tf, x, 2, (xl) => tf.depthToSpace(xl as never, r));
};

const pixelUnshuffle: LayerRun = (tf, a, inputs) => {
  const x = only(inputs, a.kind);
  const r = a.int('downscale_factor');
  return batched(tf, x, 2, (b) => {
    const [n, c, h, w] = b.shape;
    const split = tf.reshape(b, [n, c, h / r, r, w / r, r]);
    return tf.reshape(tf.transpose(split, [0, 1, 3, 5, 2, 4]), [n, c * r * r, h / r, w / r]);
  });
};

/**
 * Recurrent layers: one projection of the whole sequence per layer and direction (the recurrence
 * itself changes no shape), with the weights PyTorch gives them, so a wrong input_size fails.
 */
function recurrent(gates: number, hasCell: boolean): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const inputSize = a.int('input_size');
    const hidden = a.int('hidden_size');
    const layers = a.int('num_layers', 1);
    const batchFirst = a.bool('batch_first');
    const directions = a.bool('bidirectional') ? 2 : 1;
    const projection = hasCell ? a.int('proj_size', 0) : 0;
    const outSize = projection > 0 ? projection : hidden;
    if (x.rank !== 2 && x.rank !== 3) throw new Error(`${a.kind}: Expected input to be 2D or 3D, got ${x.rank}D instead`);
    const unbatched = x.rank === 2;
    // (N, L, H) inside.
    let seq = unbatched ? tf.expandDims(x, 0) : batchFirst ? x : tf.transpose(x, [1, 0, 2]);
    const [n, length] = seq.shape;
    for (let layer = 0; layer < layers; layer++) {
      const size = layer === 0 ? inputSize : directions * outSize;
      const outs: Tensor[] = [];
      for (let d = 0; d < directions; d++) {
        const projected = linearOf(tf, seq, size, gates * hidden);
        const hiddenSeq = tf.slice(projected, [0, 0, 0], [n, length, hidden]);
        outs.push(projection > 0 ? linearOf(tf, hiddenSeq, hidden, projection) : hiddenSeq);
      }
      seq = outs.length === 1 ? outs[0] : tf.concat(outs, 2);
    }
    const output = unbatched ? tf.squeeze(seq, [0]) : batchFirst ? seq : tf.transpose(seq, [1, 0, 2]);
    const state = (size: number) => tf.zeros(unbatched ? [directions * layers, size] : [directions * layers, n, size]);
    return hasCell ? [output, [state(outSize), state(hidden)]] : [output, state(outSize)];
  };
}

function recurrentCell(gates: number, hasCell: boolean): LayerRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const hidden = a.int('hidden_size');
    const projected = linearOf(tf, x, a.int('input_size'), gates * hidden);
    const h = x.rank === 1 ? tf.slice(projected, [0], [hidden]) : tf.slice(projected, [0, 0], [x.shape[0], hidden]);
    return hasCell ? [h, tf.clone(h)] : h;
  };
}

/** PyTorch layer kinds (`torch.X`) and how tfjs runs them. */
export const TORCH_LAYERS: Readonly<Record<string, LayerRun>> = {
  Conv1d: convolution(1),
  Conv2d: convolution(2),
  Conv3d: convolution(3),
  LazyConv1d: convolution(1),
  LazyConv2d: convolution(2),
  LazyConv3d: convolution(3),
  ConvTranspose1d: transposedConvolution(1),
  ConvTranspose2d: transposedConvolution(2),
  ConvTranspose3d: transposedConvolution(3),
  LazyConvTranspose1d: transposedConvolution(1),
  LazyConvTranspose2d: transposedConvolution(2),
  LazyConvTranspose3d: transposedConvolution(3),
  MaxPool1d: pooling(1, 'max'),
  MaxPool2d: pooling(2, 'max'),
  MaxPool3d: pooling(3, 'max'),
  AvgPool1d: pooling(1, 'avg'),
  AvgPool2d: pooling(2, 'avg'),
  AvgPool3d: pooling(3, 'avg'),
  LPPool1d: pooling(1, 'avg'),
  LPPool2d: pooling(2, 'avg'),
  AdaptiveAvgPool1d: adaptivePooling(1, 'avg'),
  AdaptiveAvgPool2d: adaptivePooling(2, 'avg'),
  AdaptiveAvgPool3d: adaptivePooling(3, 'avg'),
  AdaptiveMaxPool1d: adaptivePooling(1, 'max'),
  AdaptiveMaxPool2d: adaptivePooling(2, 'max'),
  AdaptiveMaxPool3d: adaptivePooling(3, 'max'),
  BatchNorm1d: batchNorm([2, 3]),
  BatchNorm2d: batchNorm([4]),
  BatchNorm3d: batchNorm([5]),
  LazyBatchNorm1d: batchNorm([2, 3]),
  LazyBatchNorm2d: batchNorm([4]),
  LazyBatchNorm3d: batchNorm([5]),
  InstanceNorm1d: instanceNorm(1),
  InstanceNorm2d: instanceNorm(2),
  InstanceNorm3d: instanceNorm(3),
  GroupNorm: groupNorm,
  LayerNorm: layerNorm,
  RMSNorm: layerNorm,
  Linear: linear,
  LazyLinear: linear,
  Bilinear: bilinear,
  Embedding: embedding,
  ...Object.fromEntries(ELEMENTWISE_LAYERS.map((k) => [k, elementwise(k)])),
  Softmax: softmax((rank) => (rank === 0 || rank === 1 || rank === 3 ? 0 : 1)),
  LogSoftmax: softmax((rank) => (rank === 0 || rank === 1 || rank === 3 ? 0 : 1)),
  Softmin: softmax((rank) => (rank === 0 || rank === 1 || rank === 3 ? 0 : 1)),
  Softmax2d: (tf, a, inputs) => softmaxAlong(tf, only(inputs, a.kind), only(inputs, a.kind).rank - 3),
  GLU: glu,
  PReLU: elementwise('PReLU'),
  Flatten: flatten,
  Unflatten: unflatten,
  Upsample: upsample,
  UpsamplingNearest2d: upsample,
  UpsamplingBilinear2d: upsample,
  PixelShuffle: pixelShuffle,
  PixelUnshuffle: pixelUnshuffle,
  ZeroPad1d: padding(1, 'constant'),
  ZeroPad2d: padding(2, 'constant'),
  ZeroPad3d: padding(3, 'constant'),
  ConstantPad1d: padding(1, 'constant'),
  ConstantPad2d: padding(2, 'constant'),
  ConstantPad3d: padding(3, 'constant'),
  ReflectionPad1d: padding(1, 'reflect'),
  ReflectionPad2d: padding(2, 'reflect'),
  ReflectionPad3d: padding(3, 'reflect'),
  ReplicationPad1d: padding(1, 'constant'),
  ReplicationPad2d: padding(2, 'constant'),
  ReplicationPad3d: padding(3, 'constant'),
  CircularPad1d: padding(1, 'constant'),
  CircularPad2d: padding(2, 'constant'),
  CircularPad3d: padding(3, 'constant'),
  RNN: recurrent(1, false),
  GRU: recurrent(3, false),
  LSTM: recurrent(4, true),
  RNNCell: recurrentCell(1, false),
  GRUCell: recurrentCell(3, false),
  LSTMCell: recurrentCell(4, true),
};

// ---------------------------------------------------------------- operations

/** An operation's arguments by PyTorch's parameter names, from its call text (the tensor inputs aside). */
export type OpRun = (tf: TfModule, a: TorchArgs, inputs: Tensor[], predicted: number[] | null) => TorchValue;

/** Positional parameter names after the input tensor, for the calls whose arguments are read. */
export const OP_SIGNATURES: Readonly<Record<string, string[]>> = {
  flatten: ['start_dim', 'end_dim'],
  unflatten: ['dim', 'sizes'],
  transpose: ['dim0', 'dim1'],
  swapaxes: ['dim0', 'dim1'],
  squeeze: ['dim'],
  unsqueeze: ['dim'],
  cat: ['dim'],
  concatenate: ['dim'],
  stack: ['dim'],
  mean: ['dim', 'keepdim'],
  sum: ['dim', 'keepdim'],
  amax: ['dim', 'keepdim'],
  amin: ['dim', 'keepdim'],
  prod: ['dim', 'keepdim'],
  softmax: ['dim'],
  log_softmax: ['dim'],
  softmin: ['dim'],
  max_pool1d: ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'],
  max_pool2d: ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'],
  max_pool3d: ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'],
  avg_pool1d: ['kernel_size', 'stride', 'padding', 'ceil_mode'],
  avg_pool2d: ['kernel_size', 'stride', 'padding', 'ceil_mode'],
  avg_pool3d: ['kernel_size', 'stride', 'padding', 'ceil_mode'],
  adaptive_avg_pool1d: ['output_size'],
  adaptive_avg_pool2d: ['output_size'],
  adaptive_avg_pool3d: ['output_size'],
  adaptive_max_pool1d: ['output_size'],
  adaptive_max_pool2d: ['output_size'],
  adaptive_max_pool3d: ['output_size'],
  interpolate: ['size', 'scale_factor', 'mode'],
  upsample: ['size', 'scale_factor', 'mode'],
  pad: ['pad', 'mode'],
  pixel_shuffle: ['upscale_factor'],
  dropout: ['p', 'training'],
  glu: ['dim'],
};

/** Operations whose dims come as varargs: `x.view(4, -1)`, `x.permute(0, 2, 3, 1)`. */
export const VARARG_OPS = new Set(['view', 'reshape', 'permute', 'expand', 'repeat', 'tile']);

const UNARY_OPS = new Set([
  'relu', 'relu_', 'relu6', 'leaky_relu', 'leaky_relu_', 'elu', 'elu_', 'selu', 'selu_', 'celu', 'gelu', 'silu', 'mish', 'hardswish',
  'hardsigmoid', 'hardtanh', 'hardtanh_', 'softplus', 'softsign', 'logsigmoid', 'tanhshrink', 'softshrink', 'hardshrink', 'threshold',
  'rrelu', 'sigmoid', 'sigmoid_', 'tanh', 'tanh_', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout', 'feature_alpha_dropout',
  'abs', 'abs_', 'neg', 'neg_', 'negative', 'negative_', 'exp', 'exp_', 'exp2', 'expm1', 'log', 'log_', 'log2', 'log10', 'log1p',
  'sqrt', 'sqrt_', 'rsqrt', 'square', 'sin', 'cos', 'tan', 'floor', 'ceil', 'trunc', 'sign', 'reciprocal', 'erf', 'round',
  'clamp', 'clamp_', 'clamp_min', 'clamp_max', 'contiguous', 'clone', 'detach', 'float', 'double', 'half', 'long', 'int', 'bool',
  'cpu', 'to', 'type', 'cuda', 'requires_grad_', 'zero_', 'fill_', 'normal_', 'uniform_', 'zeros_like', 'ones_like', 'empty_like',
  'rand_like', 'randn_like', 'full_like', 'nan_to_num', 'logical_not', 'isnan', 'isinf', 'isfinite', 'pos',
]);

const BINARY_OPS = new Set([
  'add', 'add_', 'sub', 'sub_', 'subtract', 'subtract_', 'mul', 'mul_', 'multiply', 'multiply_', 'div', 'div_', 'divide', 'divide_',
  'true_divide', 'truediv', 'floor_divide', 'floordiv', 'remainder', 'fmod', 'mod', 'pow', 'pow_', 'maximum', 'minimum', 'fmax',
  'fmin', 'atan2', 'hypot', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logical_and', 'logical_or', 'logical_xor', 'and', 'or', 'xor',
  'masked_fill', 'masked_fill_', 'where',
]);

function reduce(name: 'mean' | 'sum' | 'max' | 'min' | 'prod'): OpRun {
  return (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const dim = a.optional('dim');
    const keep = a.bool('keepdim');
    const axes = dim === undefined ? undefined : (Array.isArray(dim) ? dim : [dim]).map((d) => normaliseAxis(d as number, x.rank, a.kind));
    return tf[name](x, axes, keep);
  };
}

function layerAsOp(kind: string): OpRun {
  return (tf, a, inputs) => TORCH_LAYERS[kind](tf, a, inputs);
}

/** Operation kinds and how tfjs runs them; arguments come from the call text (OP_SIGNATURES). */
export const TORCH_OPS: Readonly<Record<string, OpRun>> = {
  ...Object.fromEntries([...UNARY_OPS].map((k) => [k, (tf: TfModule, a: TorchArgs, inputs: Tensor[]) => elementwise(k)(tf, a, inputs)])),
  ...Object.fromEntries(
    [...BINARY_OPS].map((k) => [
      k,
      (tf: TfModule, a: TorchArgs, inputs: Tensor[]) => {
        // A scalar operand changes no shape; two tensors broadcast as tfjs (and PyTorch) do.
        if (inputs.length < 2) return tf.clone(only(inputs, a.kind));
        const out = inputs.slice(1).reduce((acc, t) => tf.add(acc, t), inputs[0]);
        // In place (`add_`, `+=`), the result is written into the first operand, which cannot grow.
        if (k.endsWith('_') && out.shape.join(',') !== inputs[0].shape.join(',')) {
          throw new Error(`output with shape [${inputs[0].shape.join(', ')}] doesn't match the broadcast shape [${out.shape.join(', ')}]`);
        }
        return out;
      },
    ]),
  ),
  view: (tf, a, inputs, predicted) => reshapeOp(tf, a, inputs, predicted),
  reshape: (tf, a, inputs, predicted) => reshapeOp(tf, a, inputs, predicted),
  flatten: (tf, a, inputs) => flattenOf(tf, only(inputs, a.kind), a.int('start_dim', 0), a.int('end_dim', -1), a.kind),
  unflatten: (tf, a, inputs) => unflattenOf(tf, only(inputs, a.kind), a.int('dim'), a.raw('sizes'), a.kind),
  permute: (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const dims = (a.raw('dims') as number[]).map((d) => normaliseAxis(d, x.rank, a.kind));
    if (dims.length !== x.rank) throw new Error(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.rank} is not equal to len(dims) = ${dims.length}`);
    return tf.transpose(x, dims);
  },
  transpose: (tf, a, inputs) => swap(tf, a, only(inputs, a.kind)),
  swapaxes: (tf, a, inputs) => swap(tf, a, only(inputs, a.kind)),
  t: (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    return x.rank < 2 ? tf.clone(x) : tf.transpose(x, [1, 0]);
  },
  squeeze: (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    const dim = a.optional('dim');
    if (dim === undefined) return tf.squeeze(x);
    const axis = normaliseAxis(dim as number, x.rank, a.kind);
    return x.shape[axis] === 1 ? tf.squeeze(x, [axis]) : tf.clone(x);
  },
  unsqueeze: (tf, a, inputs) => {
    const x = only(inputs, a.kind);
    return tf.expandDims(x, normaliseAxis(a.int('dim'), x.rank + 1, a.kind));
  },
  cat: (tf, a, inputs) => tf.concat(inputs, normaliseAxis(a.int('dim', 0), listed(inputs, a.kind).rank, a.kind)),
  concatenate: (tf, a, inputs) => tf.concat(inputs, normaliseAxis(a.int('dim', 0), listed(inputs, a.kind).rank, a.kind)),
  stack: (tf, a, inputs) => tf.stack(inputs, normaliseAxis(a.int('dim', 0), (inputs[0]?.rank ?? 0) + 1, a.kind)),
  mean: reduce('mean'),
  sum: reduce('sum'),
  amax: reduce('max'),
  amin: reduce('min'),
  prod: reduce('prod'),
  softmax: (tf, a, inputs) => softmaxAlong(tf, only(inputs, a.kind), normaliseAxis(a.int('dim'), only(inputs, a.kind).rank, a.kind)),
  log_softmax: (tf, a, inputs) => softmaxAlong(tf, only(inputs, a.kind), normaliseAxis(a.int('dim'), only(inputs, a.kind).rank, a.kind)),
  softmin: (tf, a, inputs) => softmaxAlong(tf, only(inputs, a.kind), normaliseAxis(a.int('dim'), only(inputs, a.kind).rank, a.kind)),
  max_pool1d: layerAsOp('MaxPool1d'),
  max_pool2d: layerAsOp('MaxPool2d'),
  max_pool3d: layerAsOp('MaxPool3d'),
  avg_pool1d: layerAsOp('AvgPool1d'),
  avg_pool2d: layerAsOp('AvgPool2d'),
  avg_pool3d: layerAsOp('AvgPool3d'),
  adaptive_avg_pool1d: layerAsOp('AdaptiveAvgPool1d'),
  adaptive_avg_pool2d: layerAsOp('AdaptiveAvgPool2d'),
  adaptive_avg_pool3d: layerAsOp('AdaptiveAvgPool3d'),
  adaptive_max_pool1d: layerAsOp('AdaptiveMaxPool1d'),
  adaptive_max_pool2d: layerAsOp('AdaptiveMaxPool2d'),
  adaptive_max_pool3d: layerAsOp('AdaptiveMaxPool3d'),
  interpolate: (tf, a, inputs, predicted) => {
    // `size=skip.shape[2:]` is not a constant: the predicted spatial size stands in for it.
    const size = a.peek('size') === NOT_CONSTANT && predicted ? predicted.slice(2) : a.optional('size');
    return upsampleOf(tf, only(inputs, a.kind), size, a.optional('scale_factor'), String(a.optional('mode') ?? 'nearest'), a.kind);
  },
  upsample: (tf, a, inputs) => upsampleOf(tf, only(inputs, a.kind), a.optional('size'), a.optional('scale_factor'), String(a.optional('mode') ?? 'nearest'), a.kind),
  pad: (tf, a, inputs) => padOf(tf, only(inputs, a.kind), a.raw('pad') as number[], String(a.optional('mode') ?? 'constant'), a.kind),
  pixel_shuffle: (tf, a, inputs) => pixelShuffle(tf, new TorchArgs(a.kind, { upscale_factor: a.int('upscale_factor') }), inputs),
  dropout: (tf, a, inputs) => tf.clone(only(inputs, a.kind)),
  glu: (tf, a, inputs) => glu(tf, a, inputs),
  matmul: (tf, a, inputs) => matmul(tf, a, inputs),
  mm: (tf, a, inputs) => matmul(tf, a, inputs),
  bmm: (tf, a, inputs) => matmul(tf, a, inputs),
};

function swap(tf: TfModule, a: TorchArgs, x: Tensor): Tensor {
  const d0 = normaliseAxis(a.int('dim0'), x.rank, a.kind);
  const d1 = normaliseAxis(a.int('dim1'), x.rank, a.kind);
  const perm = x.shape.map((_, i) => (i === d0 ? d1 : i === d1 ? d0 : i));
  return tf.transpose(x, perm);
}

function matmul(tf: TfModule, a: TorchArgs, inputs: Tensor[]): Tensor {
  if (inputs.length !== 2) throw new Unconfirmable(`${a.kind} needs two tensor inputs`);
  return tf.matMul(inputs[0] as never, inputs[1] as never);
}

/** view/reshape: the target from the call's literals, or from the prediction where the call uses names (`x.size(0)`). */
function reshapeOp(tf: TfModule, a: TorchArgs, inputs: Tensor[], predicted: number[] | null): Tensor {
  const x = only(inputs, a.kind);
  let target: number[] | null = null;
  const raw = a.peek('dims');
  if (Array.isArray(raw) && raw.every((d) => typeof d === 'number')) target = raw as number[];
  else if (predicted) target = predicted;
  if (!target) throw new Unconfirmable(`${a.kind}: the target shape is not known`);
  return tf.reshape(x, target);
}
