// Every argument of every Keras layer the converter supports, as Keras 2 (tf.keras, tf_keras) and
// Keras 3 spell it, with what the converter does with it. An argument written in the source is
// either mapped to its PyTorch equivalent by the layer table (layers.ts), equal to its default, or
// reported: `accountArguments` returns the reasons that become the layer's TODO and warning, so
// that no argument is ever dropped in silence.
//
// The signatures were read from the Keras sources (keras/src/layers/** for Keras 3,
// tf_keras/layers/** and engine/base_layer.py for Keras 2); arguments that only one version has are
// listed all the same, since either spelling may be written.

import { Expr } from '../shapes/dim';
import { ArgValue, LayerArg, ReferenceArg, TensorArg, UnknownArg } from '../shapes/types';

/**
 * - `mapped`: layers.ts writes its PyTorch equivalent, or its own TODO for a value it cannot convert.
 * - `training`: it only changes how the layer trains (initialisers, regularisers, constraints,
 *   random seeds): the converted module computes the same function; reported when not the default.
 * - `inert`: it changes nothing the converted module computes (a name, the input declaration that
 *   the analysis reads, the choice of kernel implementation, loop unrolling).
 * - `unsupported`: it changes the function and has no conversion: reported when not the default.
 */
export type ArgUse = 'mapped' | 'training' | 'inert' | 'unsupported';

export interface ArgSpec {
  use: ArgUse;
  /** The values that mean the default (Keras 2 and Keras 3 may differ in spelling). */
  defaults: ArgValue[];
  /** Which Keras has it, when only one does. */
  only?: 2 | 3;
  /** For `unsupported` and `inert`: why. */
  why?: string;
}

type Table = Record<string, ArgSpec>;

const spec = (use: ArgUse, defaults: ArgValue[], extra: Partial<ArgSpec> = {}): ArgSpec => ({ use, defaults, ...extra });
const mapped = (...defaults: ArgValue[]): ArgSpec => spec('mapped', defaults);
const required = (): ArgSpec => spec('mapped', []);
const training = (...defaults: ArgValue[]): ArgSpec => spec('training', defaults);

/** Arguments of every Keras layer (Keras 2 `Layer.__init__` and its allowed kwargs, Keras 3 `Layer.__init__`). */
const LAYER_BASE: Table = {
  name: spec('inert', [null], { why: 'it names the attribute' }),
  trainable: mapped(true),
  dtype: spec('unsupported', [null, 'float32'], { why: 'the converted module computes in float32' }),
  autocast: spec('inert', [true], { why: 'it only matters under mixed precision, which is not converted' }),
  dynamic: spec('inert', [false], { only: 2, why: 'eager execution changes nothing computed' }),
  activity_regularizer: training(null),
  input_shape: spec('inert', [null], { why: 'it declares the input, which the converted module states in its # input comment' }),
  input_dim: spec('inert', [null], { why: 'it declares the input, which the converted module states in its # input comment' }),
  batch_input_shape: spec('inert', [null], { only: 2, why: 'it declares the input, which the converted module states in its # input comment' }),
  batch_size: spec('inert', [null], { only: 2, why: 'it declares the batch size, which the converted module does not fix' }),
  weights: spec('unsupported', [null], { only: 2, why: 'initial weights given in code are not converted: load them with load_keras_weights' }),
};

const weightArgs = (...prefixes: string[]): Table => {
  const out: Table = {};
  for (const p of prefixes) {
    const init = p === 'bias' || p === 'beta' || p === 'moving_mean' ? 'zeros' : p === 'gamma' || p === 'moving_variance' ? 'ones' : p === 'recurrent' ? 'orthogonal' : p === 'embeddings' ? 'uniform' : 'glorot_uniform';
    out[`${p}_initializer`] = training(init);
    if (p !== 'moving_mean' && p !== 'moving_variance') {
      out[`${p}_regularizer`] = training(null);
      out[`${p}_constraint`] = training(null);
    }
  }
  return out;
};

const LORA: Table = {
  lora_rank: spec('unsupported', [null], { only: 3, why: 'LoRA adds low-rank weights to the kernel, which the converted module does not have' }),
  lora_alpha: spec('unsupported', [null], { only: 3, why: 'LoRA adds low-rank weights to the kernel, which the converted module does not have' }),
};

const DATA_FORMAT = mapped(null, 'channels_last');

const conv = (rank: number): Table => ({
  filters: required(),
  kernel_size: required(),
  strides: mapped(1),
  padding: mapped('valid'),
  data_format: DATA_FORMAT,
  dilation_rate: mapped(1),
  groups: mapped(1),
  activation: mapped(null, 'linear'),
  use_bias: mapped(true),
  ...weightArgs('kernel', 'bias'),
  ...LORA,
  conv_op: spec('unsupported', [null], { only: 2, why: 'a custom convolution op is not converted' }),
  ...(rank === 1 ? {} : {}),
});

const convTranspose = (): Table => ({
  filters: required(),
  kernel_size: required(),
  strides: mapped(1),
  padding: mapped('valid'),
  output_padding: mapped(null),
  data_format: DATA_FORMAT,
  dilation_rate: mapped(1),
  activation: mapped(null, 'linear'),
  use_bias: mapped(true),
  ...weightArgs('kernel', 'bias'),
  groups: spec('unsupported', [1], { only: 2, why: 'Keras 2 accepts groups for a transposed convolution but does not apply it' }),
});

const depthwise = (): Table => ({
  kernel_size: required(),
  strides: mapped(1),
  padding: mapped('valid'),
  depth_multiplier: mapped(1),
  data_format: DATA_FORMAT,
  dilation_rate: mapped(1),
  activation: mapped(null, 'linear'),
  use_bias: mapped(true),
  ...weightArgs('depthwise', 'bias'),
});

const separable = (): Table => ({
  filters: required(),
  kernel_size: required(),
  strides: mapped(1),
  padding: mapped('valid'),
  data_format: DATA_FORMAT,
  dilation_rate: mapped(1),
  depth_multiplier: mapped(1),
  activation: mapped(null, 'linear'),
  use_bias: mapped(true),
  ...weightArgs('depthwise', 'pointwise', 'bias'),
});

const pool = (): Table => ({ pool_size: mapped(2), strides: mapped(null), padding: mapped('valid'), data_format: DATA_FORMAT });
const globalPool = (): Table => ({ data_format: DATA_FORMAT, keepdims: mapped(false) });

const RANDOM: Table = {
  seed: training(null),
  force_generator: training(false),
  rng_type: training(null),
};

/** What every random augmentation layer takes besides its own factors: they only act while training. */
const AUGMENTATION: Table = {
  seed: training(null),
  data_format: DATA_FORMAT,
  factor: training(null),
  bounding_box_format: spec('inert', [null], { only: 3, why: 'it only concerns bounding boxes, which the converted module does not take' }),
  force_generator: training(false),
  rng_type: training(null),
};

const recurrentCommon = (gated: boolean): Table => ({
  units: required(),
  activation: mapped('tanh'),
  ...(gated ? { recurrent_activation: mapped('sigmoid') } : {}),
  use_bias: mapped(true),
  ...weightArgs('kernel', 'recurrent', 'bias'),
  dropout: mapped(0),
  recurrent_dropout: mapped(0),
  seed: training(null),
  return_sequences: mapped(false),
  return_state: mapped(false),
  go_backwards: mapped(false),
  stateful: mapped(false),
  unroll: spec('inert', [false], { why: 'unrolling the loop computes the same' }),
  time_major: spec('unsupported', [false], { only: 2, why: 'time-major sequences (time, batch, features) are not converted' }),
  zero_output_for_mask: spec('inert', [false], { only: 3, why: 'it only matters with a mask, and masks are reported where they start (Embedding mask_zero)' }),
  use_cudnn: spec('inert', [true, 'auto'], { only: 3, why: 'the cuDNN kernel computes the same' }),
  implementation: spec('inert', [1, 2], { only: 2, why: 'the implementation mode computes the same' }),
  force_generator: training(false),
  rng_type: training(null),
});

const SIGNATURES: Record<string, Table> = {
  InputLayer: {
    shape: spec('inert', [null], { why: 'it declares the input' }),
    input_shape: spec('inert', [null], { why: 'it declares the input' }),
    batch_shape: spec('inert', [null], { only: 3, why: 'it declares the input' }),
    batch_size: spec('inert', [null], { why: 'it declares the batch size, which the converted module does not fix' }),
    sparse: spec('unsupported', [null, false], { why: 'sparse inputs are not converted' }),
    ragged: spec('unsupported', [null, false], { why: 'ragged inputs are not converted' }),
    input_tensor: spec('unsupported', [null], { why: 'an input tensor given in code is not converted' }),
    optional: spec('unsupported', [false], { only: 3, why: 'optional inputs are not converted' }),
    type_spec: spec('unsupported', [null], { only: 2, why: 'a type spec is not converted' }),
  },
  Dense: {
    units: required(),
    activation: mapped(null, 'linear'),
    use_bias: mapped(true),
    ...weightArgs('kernel', 'bias'),
    ...LORA,
    quantization_config: spec('unsupported', [null], { only: 3, why: 'quantised weights are not converted' }),
  },
  Flatten: { data_format: DATA_FORMAT },
  Dropout: { rate: required(), noise_shape: mapped(null), ...RANDOM },
  SpatialDropout1D: { rate: required(), ...RANDOM },
  SpatialDropout2D: { rate: required(), data_format: DATA_FORMAT, ...RANDOM },
  SpatialDropout3D: { rate: required(), data_format: DATA_FORMAT, ...RANDOM },
  GaussianNoise: { stddev: required(), ...RANDOM },
  GaussianDropout: { rate: required(), ...RANDOM },
  AlphaDropout: { rate: required(), noise_shape: mapped(null), ...RANDOM },
  ActivityRegularization: { l1: training(0), l2: training(0) },
  Identity: {},
  Activation: { activation: required() },
  ReLU: { max_value: mapped(null), negative_slope: mapped(0), threshold: mapped(0) },
  LeakyReLU: { negative_slope: mapped(0.3), alpha: { ...mapped(0.3), only: 2 } },
  ELU: { alpha: mapped(1) },
  ThresholdedReLU: { theta: mapped(1) },
  PReLU: { shared_axes: mapped(null), ...weightArgs('alpha'), alpha_initializer: training('zeros') },
  Softmax: { axis: mapped(-1), robust_masking: spec('inert', [false], { only: 3, why: 'it only matters with a mask' }) },
  BatchNormalization: {
    axis: mapped(-1),
    momentum: mapped(0.99),
    epsilon: mapped(0.001),
    center: mapped(true),
    scale: mapped(true),
    ...weightArgs('beta', 'gamma', 'moving_mean', 'moving_variance'),
    renorm: spec('unsupported', [false], { why: 'batch renormalisation (training) has no PyTorch layer' }),
    renorm_clipping: spec('unsupported', [null], { why: 'batch renormalisation (training) has no PyTorch layer' }),
    renorm_momentum: spec('unsupported', [0.99], { why: 'batch renormalisation (training) has no PyTorch layer' }),
    synchronized: spec('unsupported', [false], { only: 3, why: 'synchronised batch statistics: use nn.SyncBatchNorm under DistributedDataParallel' }),
    fused: spec('inert', [null, true, false], { only: 2, why: 'the fused kernel computes the same' }),
    virtual_batch_size: spec('unsupported', [null], { only: 2, why: 'ghost batch normalisation (training) has no PyTorch layer' }),
    adjustment: spec('unsupported', [null], { only: 2, why: 'a training-time adjustment of the statistics is not converted' }),
  },
  LayerNormalization: {
    axis: mapped(-1),
    epsilon: mapped(0.001),
    center: mapped(true),
    scale: mapped(true),
    rms_scaling: spec('unsupported', [false], { only: 3, why: 'rms_scaling (deprecated in Keras) is not converted' }),
    ...weightArgs('beta', 'gamma'),
  },
  Add: {},
  Subtract: {},
  Multiply: {},
  Average: {},
  Maximum: {},
  Minimum: {},
  Concatenate: { axis: mapped(-1) },
  Reshape: { target_shape: required() },
  Permute: { dims: required() },
  RepeatVector: { n: required() },
  Rescaling: { scale: required(), offset: mapped(0) },
  Embedding: {
    input_dim: required(),
    output_dim: required(),
    ...weightArgs('embeddings'),
    mask_zero: spec('unsupported', [false], { why: 'the mask that Keras passes on to the layers after it (recurrent layers skip masked steps) is not converted' }),
    input_length: spec('inert', [null], { only: 2, why: 'it declares the sequence length, which the converted module states in its # input comment' }),
    sparse: spec('unsupported', [false], { only: 2, why: 'sparse gradients (training) are not converted' }),
    ...LORA,
    quantization_config: spec('unsupported', [null], { only: 3, why: 'quantised weights are not converted' }),
  },
  SimpleRNN: recurrentCommon(false),
  LSTM: { ...recurrentCommon(true), unit_forget_bias: training(true) },
  GRU: { ...recurrentCommon(true), reset_after: mapped(true) },
  Bidirectional: { layer: required(), merge_mode: mapped('concat'), backward_layer: mapped(null) },
  TimeDistributed: { layer: required() },
  Resizing: {
    height: required(),
    width: required(),
    interpolation: mapped('bilinear'),
    crop_to_aspect_ratio: mapped(false),
    pad_to_aspect_ratio: mapped(false),
    fill_mode: spec('inert', ['constant'], { only: 3, why: 'it only fills the padding of pad_to_aspect_ratio, which is reported' }),
    fill_value: spec('inert', [0], { only: 3, why: 'it only fills the padding of pad_to_aspect_ratio, which is reported' }),
    antialias: mapped(false),
    data_format: DATA_FORMAT,
  },
  CenterCrop: { height: required(), width: required(), data_format: DATA_FORMAT },
  RandomFlip: { ...AUGMENTATION, mode: mapped('horizontal_and_vertical') },
  RandomRotation: { ...AUGMENTATION, factor: training(), fill_mode: training('reflect'), interpolation: training('bilinear'), fill_value: training(0) },
  RandomZoom: { ...AUGMENTATION, height_factor: training(), width_factor: training(null), fill_mode: training('reflect'), interpolation: training('bilinear'), fill_value: training(0) },
  RandomTranslation: { ...AUGMENTATION, height_factor: training(), width_factor: training(), fill_mode: training('reflect'), interpolation: training('bilinear'), fill_value: training(0) },
  RandomContrast: { ...AUGMENTATION, factor: training(), value_range: training([0, 255]) },
  RandomBrightness: { ...AUGMENTATION, factor: training(), value_range: training([0, 255]) },
  Normalization: { axis: mapped(-1), mean: mapped(null), variance: mapped(null), invert: mapped(false) },
  Dot: { axes: required(), normalize: mapped(false) },
};

for (const n of [1, 2, 3]) {
  SIGNATURES[`Conv${n}D`] = conv(n);
  SIGNATURES[`Conv${n}DTranspose`] = convTranspose();
  SIGNATURES[`MaxPooling${n}D`] = pool();
  SIGNATURES[`AveragePooling${n}D`] = pool();
  SIGNATURES[`GlobalAveragePooling${n}D`] = globalPool();
  SIGNATURES[`GlobalMaxPooling${n}D`] = globalPool();
  SIGNATURES[`ZeroPadding${n}D`] = { padding: mapped(1), ...(n > 1 ? { data_format: DATA_FORMAT } : {}) };
  SIGNATURES[`Cropping${n}D`] = { cropping: mapped(n === 1 ? [1, 1] : 0), ...(n > 1 ? { data_format: DATA_FORMAT } : {}) };
  SIGNATURES[`UpSampling${n}D`] = { size: mapped(2), ...(n > 1 ? { data_format: DATA_FORMAT } : {}), ...(n === 2 ? { interpolation: mapped('nearest') } : {}) };
}
for (const n of [1, 2]) {
  SIGNATURES[`SeparableConv${n}D`] = separable();
  SIGNATURES[`DepthwiseConv${n}D`] = depthwise();
}

/** The arguments of a Keras layer kind (its own and those every layer has); undefined for a kind the table does not know. */
export function kerasSignature(kind: string): Table | undefined {
  const own = SIGNATURES[kind];
  return own ? { ...LAYER_BASE, ...own } : undefined;
}

/** The Keras layer kinds the table lists. */
export function signatureKinds(): string[] {
  return Object.keys(SIGNATURES).sort();
}

// ---------------------------------------------------------------- comparing with the defaults

function normalised(v: ArgValue): ArgValue {
  if (typeof v === 'string') return v.toLowerCase().replace(/_/g, '');
  return v;
}

/** True when the value means the same as one of the defaults: `(1, 1)` is `1`, `'SAME'` is `'same'`, `1.0` is `1`. */
export function isDefault(value: ArgValue, defaults: ArgValue[]): boolean {
  return defaults.some((d) => sameValue(value, d));
}

function sameValue(v: ArgValue, d: ArgValue): boolean {
  if (v instanceof UnknownArg || v instanceof TensorArg || v instanceof LayerArg || v instanceof Expr || v instanceof ReferenceArg) return false;
  if (Array.isArray(v) && !Array.isArray(d)) return v.length > 0 && v.every((x) => sameValue(x, d));
  if (Array.isArray(v) && Array.isArray(d)) return v.length === d.length && v.every((x, i) => sameValue(x, d[i]));
  if (typeof v === 'boolean' && typeof d === 'number') return false;
  return normalised(v) === normalised(d);
}

/** An argument as the source wrote it, for messages: `'he_normal'`, `0.2`, `(1, 2)`, or `…` when it is not a plain value. */
export function argText(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return String(v);
  if (v instanceof ReferenceArg) return v.name;
  if (v instanceof LayerArg) return `${v.def.kind}(…)`;
  if (Array.isArray(v)) return v.length === 1 ? `(${argText(v[0])},)` : `(${v.map(argText).join(', ')})`;
  return '…';
}

// ---------------------------------------------------------------- accounting

export interface Accounting {
  /** Reasons to report, one per argument or group of arguments; empty when every argument is accounted for. */
  reasons: string[];
}

/**
 * What is not accounted for among the arguments written for a Keras layer: those that only change
 * training, those with no conversion, those the table does not know, and mapped arguments whose
 * value the analysis could not read. Defaults and inert arguments are fine.
 */
export function accountArguments(kind: string, args: Record<string, ArgValue> | null, given: Iterable<string>): Accounting {
  const table = kerasSignature(kind);
  const reasons: string[] = [];
  if (!table) return { reasons };
  const trainingOnly: string[] = [];
  const unreadable: string[] = [];
  for (const name of given) {
    const value = args?.[name];
    if (value === undefined) continue;
    const s = table[name];
    if (!s) {
      reasons.push(`the argument ${name}=${argText(value)} is not a known ${kind} argument and is not converted`);
      continue;
    }
    if (isDefault(value, s.defaults)) continue;
    if (s.use === 'training') trainingOnly.push(`${name}=${argText(value)}`);
    else if (s.use === 'unsupported') reasons.push(`${name}=${argText(value)}: ${s.why ?? 'not converted'}`);
    else if (s.use === 'mapped' && value instanceof UnknownArg) unreadable.push(name);
  }
  if (unreadable.length > 0) reasons.push(`the value of ${unreadable.join(', ')} could not be read (it is not a constant), so the conversion does not follow it`);
  if (trainingOnly.length > 0) reasons.push(`training-only ${trainingOnly.length === 1 ? 'argument' : 'arguments'} not converted: ${trainingOnly.join(', ')} (the converted module computes the same; PyTorch initialises and regularises as its own code says)`);
  return { reasons };
}
