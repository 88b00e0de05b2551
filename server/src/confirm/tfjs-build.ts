// Builds an analysed model again in tfjs-layers, so that a real framework can confirm the
// engine's shapes and parameter counts layer by layer.
//
// Each LayerRecord becomes `tf.layers.<factory>(config)`, its config mapped from the record's bound
// arguments (snake_case Keras names to camelCase tfjs names), applied to the tfjs tensors of the
// records that produced its inputs (`inputsFrom`) or to `tf.input` placeholders for the model's
// inputs (`modelInputs`). Where a producer could not be built, the layer gets a placeholder of the
// engine's own input shape, so every layer is still checked on its own. The mapping tables are
// keyed by framework and kind; only Keras is filled today (PyTorch would add `torch.Conv2d` rows
// with a layout change). Pure: the tf module is a parameter (tfjs, tfjs-node, another backend), no
// I/O, and nothing here throws: every failure becomes a verdict. Comparing with the engine is
// `compareWithEngine`; running it over files and reporting is left to the confirm feature.

import type { LayerRecord, ModelResult } from '../analysis/result';
import type { BoundArgs } from '../shapes/context';
import { Expr, evaluateDim, type Dim } from '../shapes/dim';
import { formatOutput } from '../shapes/shape';
import { LayerArg, TensorArg, TupleOut, UnknownArg, type ArgValue, type Framework, type Output, type Shape } from '../shapes/types';

export type TfModule = typeof import('@tensorflow/tfjs');
type TfLayer = ReturnType<TfModule['layers']['dense']>;
type TfTensor = ReturnType<TfModule['input']>;

/** A tfjs layer as data: `tf.layers[factory](config)`; a config value that is itself a spec (a wrapped layer) is built first. */
export interface TfjsLayerSpec {
  factory: string;
  config: Record<string, unknown>;
}

/** A concrete shape as tfjs writes it: numbers, and null for an unknown batch. */
export type ConcreteShape = (number | null)[];

export type LayerVerdict =
  | {
      status: 'built';
      spec: TfjsLayerSpec;
      /** tfjs's output shape(s), batch included. */
      output: Output;
      /** tfjs's `layer.countParams()`. */
      params: number;
      /** True when some input was a placeholder of the engine's shape instead of a tfjs tensor. */
      detached: boolean;
      /** Arguments that were left out because they change no shape (e.g. an activation tfjs lacks). */
      notes: string[];
    }
  | { status: 'unconfirmable'; reason: string }
  | { status: 'refused'; spec: TfjsLayerSpec; message: string };

export interface TfjsBuildOptions {
  /** Values for the symbols of a symbolic input (`H`, `W`, `C`, ...). */
  symbols?: Record<string, number>;
  /** Concrete input shapes (batch included, null for an unknown batch) in place of the model's. */
  inputs?: ConcreteShape[];
}

export interface TfjsBuildResult {
  /** The concrete input shapes the graph was built on; null when they could not be made concrete. */
  inputs: ConcreteShape[] | null;
  /** One verdict per LayerRecord, in the same order. */
  layers: LayerVerdict[];
}

/** A layer or an argument that tfjs-layers cannot express. */
class Unconfirmable {
  constructor(readonly reason: string) {}
}

type Mapping = (args: ArgReader) => TfjsLayerSpec;

/** Reads a record's bound arguments as the concrete plain values a tfjs config wants. */
class ArgReader {
  readonly notes: string[] = [];

  constructor(
    readonly framework: Framework,
    readonly kind: string,
    private readonly values: ReadonlyMap<string, ArgValue>,
    private readonly symbols: Record<string, number>,
  ) {}

  /** The argument as plain data (numbers, strings, booleans, null, arrays). */
  plain(name: string): unknown {
    if (!this.values.has(name)) return undefined;
    return this.toPlain(name, this.values.get(name)!);
  }

  private toPlain(name: string, v: ArgValue): unknown {
    if (v instanceof UnknownArg) throw new Unconfirmable(`${this.kind}: the value of ${name} is not known`);
    if (v instanceof TensorArg || v instanceof LayerArg) throw new Unconfirmable(`${this.kind}: ${name} is not a plain value`);
    if (v instanceof Expr) {
      const n = evaluateDim(v, this.symbols);
      if (n === null) throw new Unconfirmable(`${this.kind}: ${name} = ${v.toString()} has no concrete value`);
      return n;
    }
    if (Array.isArray(v)) return v.map((i) => this.toPlain(name, i));
    return v;
  }

  /** True when the argument is bound (written, or a default of the signature). */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The argument, or undefined where it is None (tfjs then takes its own default). */
  optional(name: string): unknown {
    const v = this.plain(name);
    return v === null ? undefined : v;
  }

  number(name: string): number {
    const v = this.plain(name);
    if (typeof v !== 'number') throw new Unconfirmable(`${this.kind}: ${name} is not a number`);
    return v;
  }

  /** An int-or-tuple argument as n numbers (`3` → `[3, 3]`); undefined where it is None. */
  numbers(name: string, n: number): number[] | undefined {
    const v = this.plain(name);
    if (v === null || v === undefined) return undefined;
    const list = Array.isArray(v) ? v : Array<unknown>(n).fill(v);
    if (list.length !== n || !list.every((i) => typeof i === 'number')) throw new Unconfirmable(`${this.kind}: ${name} is not ${n} numbers`);
    return list as number[];
  }

  /** Refuses an argument value that tfjs-layers has no equivalent for. */
  only(name: string, allowed: unknown[]): void {
    const v = this.plain(name);
    if (v === undefined || allowed.some((a) => JSON.stringify(a) === JSON.stringify(v))) return;
    throw new Unconfirmable(`tfjs-layers has no ${this.kind}(${name}=${pythonText(v)})`);
  }

  dataFormat(): 'channelsFirst' | 'channelsLast' | undefined {
    const v = this.plain('data_format');
    if (v === undefined || v === null) return undefined;
    if (v === 'channels_first') return 'channelsFirst';
    if (v === 'channels_last') return 'channelsLast';
    throw new Unconfirmable(`${this.kind}: unknown data_format ${JSON.stringify(v)}`);
  }

  /** Refuses channels_first where the tfjs layer only knows channels-last. */
  channelsLastOnly(): void {
    if (this.dataFormat() === 'channelsFirst') throw new Unconfirmable(`tfjs-layers has no ${this.kind}(data_format="channels_first")`);
  }

  /** 'valid' or 'same'; tfjs 4.22 computes 'causal' as 'valid' and cannot run it, so it confirms nothing. */
  padding(): string | undefined {
    const v = this.optional('padding');
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !['valid', 'same'].includes(v.toLowerCase())) throw new Unconfirmable(`tfjs-layers has no ${this.kind}(padding=${pythonText(v)})`);
    return v.toLowerCase();
  }

  /** An activation by name; one tfjs lacks (or a callable) becomes 'linear', since activations change no shape. */
  activation(name = 'activation'): string | undefined {
    const raw = this.values.get(name);
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === 'string') {
      const known = TFJS_ACTIVATIONS[raw.toLowerCase()];
      if (known) return known;
    }
    this.notes.push(`${name} replaced by 'linear': tfjs-layers has no ${typeof raw === 'string' ? `'${raw}'` : 'such'} activation (activations change no shape)`);
    return 'linear';
  }

  /** A wrapped layer (`Bidirectional(LSTM(8))`) as a nested spec. */
  layer(name: string): TfjsLayerSpec {
    const v = this.values.get(name);
    if (!(v instanceof LayerArg)) throw new Unconfirmable(`${this.kind}: ${name} is not a known layer`);
    const inner = new ArgReader(v.def.framework, v.def.kind, (v.bound as BoundArgs).values, this.symbols);
    const spec = specFor(inner);
    this.notes.push(...inner.notes);
    return spec;
  }
}

/** A plain value as Python writes it, for reasons: `True`, `None`, `"causal"`, `(1, 2)`. */
function pythonText(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  if (Array.isArray(v)) return `(${v.map(pythonText).join(', ')}${v.length === 1 ? ',' : ''})`;
  return JSON.stringify(v);
}

/** Keras activation names → tfjs names. */
const TFJS_ACTIVATIONS: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hardSigmoid',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  tanh: 'tanh',
  swish: 'swish',
  silu: 'swish',
  mish: 'mish',
  gelu: 'gelu',
};

/** Drops undefined entries, so tfjs applies its own defaults. */
function config(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

function convolution(factory: string, rank: number, options: { transpose?: boolean; separable?: boolean } = {}): Mapping {
  return (a) => {
    a.only('groups', [1]);
    if (options.transpose) a.only('output_padding', [null]);
    return {
      factory,
      config: config({
        filters: a.number('filters'),
        kernelSize: a.numbers('kernel_size', rank),
        strides: a.numbers('strides', rank),
        padding: a.padding(),
        dataFormat: a.dataFormat(),
        dilationRate: a.numbers('dilation_rate', rank),
        depthMultiplier: options.separable ? a.number('depth_multiplier') : undefined,
        activation: a.activation(),
        useBias: a.optional('use_bias'),
      }),
    };
  };
}

function pooling(factory: string, rank: number): Mapping {
  return (a) => {
    if (rank === 1) a.channelsLastOnly();
    return {
      factory,
      config: config({
        poolSize: a.numbers('pool_size', rank),
        strides: a.numbers('strides', rank),
        padding: a.padding(),
        dataFormat: rank === 1 ? undefined : a.dataFormat(),
      }),
    };
  };
}

function globalPooling(factory: string, rank: number): Mapping {
  return (a) => {
    a.only('keepdims', [false]);
    if (rank === 1) a.channelsLastOnly();
    return { factory, config: config({ dataFormat: rank === 1 ? undefined : a.dataFormat() }) };
  };
}

function recurrent(factory: string, extra: (a: ArgReader) => Record<string, unknown> = () => ({})): Mapping {
  return (a) => ({
    factory,
    config: config({
      units: a.number('units'),
      activation: a.activation(),
      useBias: a.optional('use_bias'),
      dropout: a.optional('dropout'),
      recurrentDropout: a.optional('recurrent_dropout'),
      returnSequences: a.optional('return_sequences'),
      returnState: a.optional('return_state'),
      goBackwards: a.optional('go_backwards'),
      stateful: a.optional('stateful'),
      unroll: a.optional('unroll'),
      // tfjs 4.22's orthogonal initializer (the recurrent default) fails on the CPU backend for
      // kernels over 2000 elements ("rMat.flatten is not a function"); the weights are random
      // anyway, and the shapes do not depend on them.
      recurrentInitializer: 'glorotUniform',
      ...extra(a),
    }),
  });
}

function plainLayer(factory: string, fields: Record<string, string> = {}): Mapping {
  return (a) => ({ factory, config: config(Object.fromEntries(Object.entries(fields).map(([tfjs, keras]) => [tfjs, a.optional(keras)]))) });
}

/** Merge layers take a list of tensors even when the record has one input. */
const MERGE_KINDS = new Set(['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot']);

/** tfjs-layers equivalents by `framework.kind`. A kind absent here is unconfirmable. */
export const TFJS_MAPPINGS: Readonly<Record<string, Mapping>> = {
  'keras.Conv1D': convolution('conv1d', 1),
  'keras.Conv2D': convolution('conv2d', 2),
  'keras.Conv3D': convolution('conv3d', 3),
  'keras.Conv2DTranspose': convolution('conv2dTranspose', 2, { transpose: true }),
  'keras.Conv3DTranspose': convolution('conv3dTranspose', 3, { transpose: true }),
  'keras.SeparableConv2D': convolution('separableConv2d', 2, { separable: true }),
  'keras.DepthwiseConv2D': (a) => ({
    factory: 'depthwiseConv2d',
    config: config({
      kernelSize: a.numbers('kernel_size', 2),
      depthMultiplier: a.number('depth_multiplier'),
      strides: a.numbers('strides', 2),
      padding: a.padding(),
      dataFormat: a.dataFormat(),
      dilationRate: a.numbers('dilation_rate', 2),
      activation: a.activation(),
      useBias: a.optional('use_bias'),
    }),
  }),
  'keras.MaxPooling1D': pooling('maxPooling1d', 1),
  'keras.MaxPooling2D': pooling('maxPooling2d', 2),
  'keras.MaxPooling3D': pooling('maxPooling3d', 3),
  'keras.AveragePooling1D': pooling('averagePooling1d', 1),
  'keras.AveragePooling2D': pooling('averagePooling2d', 2),
  'keras.AveragePooling3D': pooling('averagePooling3d', 3),
  'keras.GlobalMaxPooling1D': globalPooling('globalMaxPooling1d', 1),
  'keras.GlobalMaxPooling2D': globalPooling('globalMaxPooling2d', 2),
  'keras.GlobalAveragePooling1D': globalPooling('globalAveragePooling1d', 1),
  'keras.GlobalAveragePooling2D': globalPooling('globalAveragePooling2d', 2),
  'keras.BatchNormalization': plainLayer('batchNormalization', { axis: 'axis', momentum: 'momentum', epsilon: 'epsilon', center: 'center', scale: 'scale' }),
  'keras.LayerNormalization': (a) => {
    a.only('rms_scaling', [false]);
    return plainLayer('layerNormalization', { axis: 'axis', epsilon: 'epsilon', center: 'center', scale: 'scale' })(a);
  },
  'keras.Dense': (a) => {
    a.only('lora_rank', [null]);
    return { factory: 'dense', config: config({ units: a.number('units'), activation: a.activation(), useBias: a.optional('use_bias') }) };
  },
  'keras.Embedding': (a) => {
    a.only('lora_rank', [null]);
    return plainLayer('embedding', { inputDim: 'input_dim', outputDim: 'output_dim', maskZero: 'mask_zero' })(a);
  },
  'keras.Activation': (a) => ({ factory: 'activation', config: { activation: a.activation() ?? 'linear' } }),
  'keras.ReLU': (a) => {
    a.only('negative_slope', [0]);
    a.only('threshold', [0]);
    return plainLayer('reLU', { maxValue: 'max_value' })(a);
  },
  // Keras 3 writes negative_slope; Keras 2 wrote alpha (kept in **kwargs).
  'keras.LeakyReLU': (a) => ({ factory: 'leakyReLU', config: config({ alpha: a.has('alpha') ? a.optional('alpha') : a.optional('negative_slope') }) }),
  'keras.PReLU': plainLayer('prelu', { sharedAxes: 'shared_axes' }),
  'keras.ELU': (a) => {
    a.only('alpha', [1]);
    return { factory: 'elu', config: {} };
  },
  'keras.Softmax': plainLayer('softmax', { axis: 'axis' }),
  'keras.ThresholdedReLU': plainLayer('thresholdedReLU', { theta: 'theta' }),
  'keras.Dropout': plainLayer('dropout', { rate: 'rate', noiseShape: 'noise_shape' }),
  'keras.SpatialDropout1D': plainLayer('spatialDropout1d', { rate: 'rate' }),
  'keras.GaussianNoise': plainLayer('gaussianNoise', { stddev: 'stddev' }),
  'keras.GaussianDropout': plainLayer('gaussianDropout', { rate: 'rate' }),
  'keras.AlphaDropout': plainLayer('alphaDropout', { rate: 'rate', noiseShape: 'noise_shape' }),
  'keras.SimpleRNN': recurrent('simpleRNN'),
  'keras.LSTM': recurrent('lstm', (a) => ({ recurrentActivation: a.activation('recurrent_activation'), unitForgetBias: a.optional('unit_forget_bias') })),
  'keras.ConvLSTM2D': (a) => ({
    factory: 'convLstm2d',
    config: config({
      filters: a.number('filters'),
      kernelSize: a.numbers('kernel_size', 2),
      strides: a.numbers('strides', 2),
      padding: a.padding(),
      dataFormat: a.dataFormat(),
      dilationRate: a.numbers('dilation_rate', 2),
      activation: a.activation(),
      recurrentActivation: a.activation('recurrent_activation'),
      useBias: a.optional('use_bias'),
      unitForgetBias: a.optional('unit_forget_bias'),
      returnSequences: a.optional('return_sequences'),
      returnState: a.optional('return_state'),
      goBackwards: a.optional('go_backwards'),
      stateful: a.optional('stateful'),
      recurrentInitializer: 'glorotUniform',
    }),
  }),
  'keras.GRU': (a) => {
    // tfjs's GRUCell refuses reset_after=True, Keras 3's default.
    a.only('reset_after', [false]);
    return recurrent('gru', () => ({ recurrentActivation: a.activation('recurrent_activation'), resetAfter: false }))(a);
  },
  'keras.Bidirectional': (a) => {
    a.only('backward_layer', [null]);
    const mergeMode = a.plain('merge_mode');
    return { factory: 'bidirectional', config: config({ layer: a.layer('layer'), mergeMode: mergeMode === undefined ? undefined : mergeMode }) };
  },
  'keras.TimeDistributed': (a) => ({ factory: 'timeDistributed', config: { layer: a.layer('layer') } }),
  'keras.Flatten': (a) => ({ factory: 'flatten', config: config({ dataFormat: a.dataFormat() }) }),
  'keras.Reshape': plainLayer('reshape', { targetShape: 'target_shape' }),
  'keras.Permute': plainLayer('permute', { dims: 'dims' }),
  'keras.RepeatVector': plainLayer('repeatVector', { n: 'n' }),
  'keras.UpSampling2D': (a) => {
    a.only('interpolation', ['nearest', 'bilinear']);
    return { factory: 'upSampling2d', config: config({ size: a.numbers('size', 2), dataFormat: a.dataFormat(), interpolation: a.optional('interpolation') }) };
  },
  'keras.ZeroPadding2D': (a) => ({ factory: 'zeroPadding2d', config: config({ padding: a.optional('padding'), dataFormat: a.dataFormat() }) }),
  'keras.Cropping2D': (a) => ({ factory: 'cropping2D', config: config({ cropping: a.optional('cropping'), dataFormat: a.dataFormat() }) }),
  'keras.CenterCrop': (a) => {
    a.channelsLastOnly();
    return plainLayer('centerCrop', { height: 'height', width: 'width' })(a);
  },
  'keras.Rescaling': plainLayer('rescaling', { scale: 'scale', offset: 'offset' }),
  'keras.Concatenate': plainLayer('concatenate', { axis: 'axis' }),
  'keras.Add': plainLayer('add'),
  'keras.Multiply': plainLayer('multiply'),
  'keras.Average': plainLayer('average'),
  'keras.Maximum': plainLayer('maximum'),
  'keras.Minimum': plainLayer('minimum'),
  'keras.Dot': plainLayer('dot', { axes: 'axes', normalize: 'normalize' }),
};

/**
 * Layers tfjs-layers has but builds wrongly, so that they cannot confirm anything: by mapping key,
 * the reason. (tfjs 4.22's Resizing.computeOutputShape returns [height, width, inputShape[2]],
 * dropping the batch axis of a batched input.)
 */
export const TFJS_FAULTS: Readonly<Record<string, string>> = {
  'keras.Resizing': "tfjs-layers' Resizing drops the batch axis of its output shape",
  'keras.CategoryEncoding': "tfjs-layers' CategoryEncoding refuses the one-hot encoding of a (batch, 1) input, which Keras gives as (batch, num_tokens)",
};

/** The mapping key of a layer kind. */
export function mappingKey(framework: Framework, kind: string): string {
  return `${framework}.${kind}`;
}

/** True when tfjs-layers has an equivalent of this layer kind. */
export function hasTfjsEquivalent(framework: Framework, kind: string): boolean {
  return mappingKey(framework, kind) in TFJS_MAPPINGS;
}

function specFor(a: ArgReader): TfjsLayerSpec {
  const key = mappingKey(a.framework, a.kind);
  if (TFJS_FAULTS[key]) throw new Unconfirmable(TFJS_FAULTS[key]);
  const mapping = TFJS_MAPPINGS[key];
  if (!mapping) throw new Unconfirmable(`tfjs-layers has no ${a.kind} layer`);
  return mapping(a);
}

/** The tfjs spec of one record: its layer and config, or why there is none. */
export function layerSpec(record: LayerRecord, framework: Framework, symbols: Record<string, number> = {}): { spec: TfjsLayerSpec; notes: string[] } | { reason: string } {
  if (!record.module || !record.args) return { reason: `${record.kind} is an operation, not a layer` };
  if (record.application !== undefined) return { reason: `${record.args.name ?? record.kind} is ${record.kind === 'Functional' ? 'the' : 'a layer of the'} keras.applications model ${record.application}, known from a table and not run in tfjs` };
  const reader = new ArgReader(framework, record.kind, new Map(Object.entries(record.args)), symbols);
  try {
    return { spec: specFor(reader), notes: reader.notes };
  } catch (e) {
    if (e instanceof Unconfirmable) return { reason: e.reason };
    return { reason: `${record.kind}: ${String(e)}` };
  }
}

/** Makes an engine shape concrete: symbols evaluated, an unknown batch kept as null; null when some size is unknown. */
export function concreteShape(shape: Shape, symbols: Record<string, number> = {}): ConcreteShape | null {
  if (shape === null) return null;
  const out: ConcreteShape = [];
  for (let i = 0; i < shape.length; i++) {
    const d: Dim = shape[i];
    if (d === null) {
      if (i !== 0) return null;
      out.push(null);
      continue;
    }
    const n = evaluateDim(d, symbols);
    if (n === null) return null;
    out.push(n);
  }
  return out;
}

export function instantiate(tf: TfModule, spec: TfjsLayerSpec): TfLayer {
  const cfg: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.config)) cfg[k] = isSpec(v) ? instantiate(tf, v) : v;
  const factory = (tf.layers as unknown as Record<string, (c: unknown) => TfLayer>)[spec.factory];
  if (typeof factory !== 'function') throw new Error(`tf.layers.${spec.factory} does not exist`);
  return factory(cfg);
}

function isSpec(v: unknown): v is TfjsLayerSpec {
  return typeof v === 'object' && v !== null && typeof (v as TfjsLayerSpec).factory === 'string' && typeof (v as TfjsLayerSpec).config === 'object';
}

function tfOutput(out: TfTensor | TfTensor[]): Output {
  if (Array.isArray(out)) return new TupleOut(out.map((t) => [...t.shape]));
  return [...out.shape];
}

/** Builds the model in tfjs-layers, one verdict per layer record. */
export function buildTfjs(tf: TfModule, model: ModelResult, options: TfjsBuildOptions = {}): TfjsBuildResult {
  const symbols = options.symbols ?? {};
  const inputs = options.inputs ?? model.input.map((s) => concreteShape(s, symbols));
  const layers: LayerVerdict[] = [];
  if (inputs.some((s) => s === null)) {
    const reason = `the model input ${model.input.map((s) => formatOutput(s)).join(', ')} has sizes without a concrete value`;
    return { inputs: null, layers: model.layers.map(() => ({ status: 'unconfirmable', reason })) };
  }
  const concreteInputs = inputs as ConcreteShape[];
  const placeholders = concreteInputs.map((s) => tf.input({ batchShape: s }));
  const outputs: (TfTensor | TfTensor[] | undefined)[] = [];

  model.layers.forEach((record, index) => {
    outputs.push(undefined);
    const made = layerSpec(record, model.framework, symbols);
    if ('reason' in made) {
      layers.push({ status: 'unconfirmable', reason: made.reason });
      return;
    }
    let detached = false;
    const ins: TfTensor[] = [];
    for (let j = 0; j < record.input.length; j++) {
      const engineShape = concreteShape(record.input[j], symbols);
      const from = record.inputsFrom[j] ?? -1;
      const producer = from >= 0 && from < index ? outputs[from] : undefined;
      const modelInput = record.modelInputs[j] ?? -1;
      // A producer's tensor is used where tfjs agrees with the engine on its shape; elsewhere the
      // layer gets the engine's shape, so a difference is reported once, at the layer that makes it.
      const fromProducer = producer ? pickOutput(producer, engineShape) : undefined;
      if (fromProducer && (!engineShape || JSON.stringify(fromProducer.shape) === JSON.stringify(engineShape))) ins.push(fromProducer);
      else if (!producer && from < 0 && modelInput >= 0 && placeholders[modelInput]) ins.push(placeholders[modelInput]);
      else if (engineShape) {
        ins.push(tf.input({ batchShape: engineShape }));
        detached = true;
      } else {
        layers.push({ status: 'unconfirmable', reason: `input ${j + 1} of ${record.kind} has no concrete shape` });
        return;
      }
    }
    if (ins.length === 0) {
      layers.push({ status: 'unconfirmable', reason: `${record.kind} has no input` });
      return;
    }
    try {
      const layer = instantiate(tf, made.spec);
      const out = layer.apply(ins.length === 1 && !MERGE_KINDS.has(record.kind) ? ins[0] : ins) as TfTensor | TfTensor[];
      outputs[index] = out;
      layers.push({ status: 'built', spec: made.spec, output: tfOutput(out), params: layer.countParams(), detached, notes: made.notes });
    } catch (e) {
      layers.push({ status: 'refused', spec: made.spec, message: e instanceof Error ? e.message : String(e) });
    }
  });
  return { inputs: concreteInputs, layers };
}

/** Of a producer's several outputs (`return_state`), the one whose shape the engine consumed. */
function pickOutput(out: TfTensor | TfTensor[], engineShape: ConcreteShape | null): TfTensor {
  if (!Array.isArray(out)) return out;
  const key = JSON.stringify(engineShape);
  return out.find((t) => JSON.stringify(t.shape) === key) ?? out[0];
}

/**
 * Where the engine and tfjs disagree on one record: a sentence, or null when they agree (or the
 * verdict confirms nothing). A size unknown to either side (null) agrees with anything: tfjs leaves
 * some sizes unknown that the engine computes (Reshape's -1 beside an unknown batch).
 */
export function compareWithEngine(record: LayerRecord, verdict: LayerVerdict, symbols: Record<string, number> = {}): string | null {
  if (verdict.status !== 'built') return null;
  const problems: string[] = [];
  if (!sameOutput(record.output, verdict.output, symbols)) problems.push(`output ${formatOutput(record.output)} in the engine, ${formatOutput(verdict.output)} in tfjs`);
  if (typeof record.params === 'number' && record.params !== verdict.params) problems.push(`${record.params} parameters in the engine, ${verdict.params} in tfjs`);
  return problems.length ? `${record.kind}: ${problems.join('; ')}` : null;
}

function sameOutput(engine: Output, tfjs: Output, symbols: Record<string, number>): boolean {
  if (engine instanceof TupleOut || tfjs instanceof TupleOut) {
    if (!(engine instanceof TupleOut) || !(tfjs instanceof TupleOut) || engine.items.length !== tfjs.items.length) return false;
    return engine.items.every((e, i) => sameOutput(e, tfjs.items[i], symbols));
  }
  if (engine === null) return true;
  if (tfjs === null || engine.length !== tfjs.length) return false;
  return engine.every((d, i) => {
    const n = evaluateDim(d, symbols);
    return n === null || tfjs[i] === null || n === tfjs[i];
  });
}
