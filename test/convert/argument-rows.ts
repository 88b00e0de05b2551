// The argument table of the Keras → PyTorch converter, as data: for every Keras layer the converter
// supports, a small functional model around it and, for every argument of its Keras 2 and Keras 3
// signatures (server/src/convert/keras-arguments.ts), a value that is not the default. One row is one
// layer with one argument changed. test/convert/arguments.test.ts checks without PyTorch that each
// argument is mapped (the code changes), reported (a warning names it) or inert;
// scripts/verify-convert.ts --arguments runs the rows in TensorFlow.js and real PyTorch.

export interface KindRows {
  kind: string;
  /** The input shape without the batch axis; two for the merge layers. */
  inputs: number[][];
  /** The required arguments, as keywords (a row that changes one writes its own value instead). */
  required: Record<string, string>;
  /** Non-default values of this kind's arguments (Python text); the common ones otherwise. */
  examples?: Record<string, string>;
  /** Arguments that cannot change this layer's function (trainable on a layer without weights). */
  noEffect?: string[];
  /** Inputs of token ids below this vocabulary (Embedding). */
  ids?: number;
  /** The layer converts with a TODO of its own (a random augmentation, whose training-time behaviour is not converted). */
  todo?: boolean;
}

/** Non-default values shared by many layers. */
export const COMMON_EXAMPLES: Record<string, string> = {
  name: "'my_layer'",
  trainable: 'False',
  dtype: "'float64'",
  autocast: 'False',
  dynamic: 'True',
  activity_regularizer: "'l2'",
  batch_size: '2',
  weights: '[]',
  activation: "'tanh'",
  l1: '0.01',
  l2: '0.01',
  seed: '1',
  force_generator: 'True',
  rng_type: "'stateless'",
  strides: '2',
  padding: "'same'",
  data_format: "'channels_first'",
  dilation_rate: '2',
  use_bias: 'False',
  lora_rank: '2',
  lora_alpha: '2.0',
  conv_op: 'tf.nn.convolution',
  quantization_config: "'int8'",
  depth_multiplier: '2',
  momentum: '0.9',
  epsilon: '1e-05',
  center: 'False',
  scale: 'False',
  renorm: 'True',
  renorm_clipping: "{'rmax': 2.0}",
  renorm_momentum: '0.9',
  synchronized: 'True',
  fused: 'False',
  virtual_batch_size: '2',
  adjustment: 'my_adjustment',
  rms_scaling: 'True',
  recurrent_activation: "'hard_sigmoid'",
  dropout: '0.2',
  recurrent_dropout: '0.2',
  return_sequences: 'True',
  return_state: 'True',
  go_backwards: 'True',
  stateful: 'True',
  unroll: 'True',
  time_major: 'True',
  zero_output_for_mask: 'True',
  use_cudnn: 'False',
  implementation: '0',
  reset_after: 'False',
  unit_forget_bias: 'False',
  keepdims: 'True',
  mask_zero: 'True',
  input_length: '7',
  sparse: 'True',
  robust_masking: 'True',
  bounding_box_format: "'xyxy'",
  noise_shape: '(None, 1)',
};

// Initialisers, regularisers and constraints of every weight.
for (const w of ['kernel', 'bias', 'recurrent', 'depthwise', 'pointwise', 'beta', 'gamma', 'moving_mean', 'moving_variance', 'embeddings', 'alpha']) {
  COMMON_EXAMPLES[`${w}_initializer`] = "'random_normal'";
  COMMON_EXAMPLES[`${w}_regularizer`] = "'l1'";
  COMMON_EXAMPLES[`${w}_constraint`] = "'non_neg'";
}

const conv = (n: number, transposed: boolean): KindRows => {
  const input = [[10, 4], [8, 8, 4], [6, 6, 6, 4]][n - 1];
  const examples: Record<string, string> = { filters: '5', kernel_size: ['2', '(2, 3)', '(2, 3, 1)'][n - 1], groups: '2' };
  if (transposed) examples.output_padding = '1';
  return { kind: `Conv${n}D${transposed ? 'Transpose' : ''}`, inputs: [input], required: { filters: '6', kernel_size: '3' }, examples };
};

// Odd sizes, so that 'same' pooling pads.
const pool = (kind: string, n: number): KindRows => ({ kind: `${kind}${n}D`, inputs: [[[9, 4], [7, 7, 4], [5, 5, 5, 4]][n - 1]], required: {}, examples: { pool_size: '3', strides: '1' }, noEffect: ['trainable'] });

const spatialInput = (n: number) => [[10, 4], [8, 8, 4], [6, 6, 6, 4]][n - 1];

export const KIND_ROWS: KindRows[] = [
  ...[1, 2, 3].flatMap((n) => [conv(n, false), conv(n, true)]),
  ...[1, 2].flatMap((n): KindRows[] => [
    { kind: `SeparableConv${n}D`, inputs: [spatialInput(n)], required: { filters: '6', kernel_size: '3' }, examples: { filters: '5', kernel_size: '2' } },
    { kind: `DepthwiseConv${n}D`, inputs: [spatialInput(n)], required: { kernel_size: '3' }, examples: { kernel_size: '2' } },
  ]),
  ...[1, 2, 3].flatMap((n): KindRows[] => [
    pool('MaxPooling', n),
    pool('AveragePooling', n),
    { kind: `GlobalAveragePooling${n}D`, inputs: [spatialInput(n)], required: {}, noEffect: ['trainable'] },
    { kind: `GlobalMaxPooling${n}D`, inputs: [spatialInput(n)], required: {}, noEffect: ['trainable'] },
    { kind: `ZeroPadding${n}D`, inputs: [spatialInput(n)], required: {}, examples: { padding: ['(1, 2)', '((1, 2), (0, 1))', '2'][n - 1] }, noEffect: ['trainable'] },
    { kind: `Cropping${n}D`, inputs: [spatialInput(n)], required: {}, examples: { cropping: ['(2, 1)', '((1, 2), (0, 1))', '2'][n - 1] }, noEffect: ['trainable'] },
    { kind: `UpSampling${n}D`, inputs: [spatialInput(n)], required: {}, examples: { size: ['3', '(2, 3)', '(1, 2, 3)'][n - 1], interpolation: "'bilinear'" }, noEffect: ['trainable'] },
    { kind: `SpatialDropout${n}D`, inputs: [spatialInput(n)], required: { rate: '0.3' }, examples: { rate: '0.5' }, noEffect: ['trainable'] },
  ]),
  { kind: 'Dense', inputs: [[8]], required: { units: '5' }, examples: { units: '3', input_shape: '(8,)', input_dim: '8', batch_input_shape: '(None, 8)' } },
  { kind: 'BatchNormalization', inputs: [[6, 6, 4]], required: {}, examples: { axis: '1' } },
  { kind: 'LayerNormalization', inputs: [[5, 6, 4]], required: {}, examples: { axis: '[1, 2]' } },
  { kind: 'Flatten', inputs: [[4, 4, 3]], required: {}, noEffect: ['trainable'] },
  { kind: 'Dropout', inputs: [[8]], required: { rate: '0.3' }, examples: { rate: '0.5' }, noEffect: ['trainable'] },
  { kind: 'GaussianNoise', inputs: [[8]], required: { stddev: '0.1' }, examples: { stddev: '0.5' }, noEffect: ['trainable'] },
  { kind: 'GaussianDropout', inputs: [[8]], required: { rate: '0.1' }, examples: { rate: '0.5' }, noEffect: ['trainable'] },
  { kind: 'AlphaDropout', inputs: [[8]], required: { rate: '0.1' }, examples: { rate: '0.5' }, noEffect: ['trainable'] },
  { kind: 'ActivityRegularization', inputs: [[8]], required: {}, noEffect: ['trainable'] },
  { kind: 'Identity', inputs: [[8]], required: {}, noEffect: ['trainable'] },
  { kind: 'Activation', inputs: [[8]], required: { activation: "'relu'" }, noEffect: ['trainable'] },
  { kind: 'ReLU', inputs: [[8]], required: {}, examples: { max_value: '1.5', negative_slope: '0.1', threshold: '0.5' }, noEffect: ['trainable'] },
  { kind: 'LeakyReLU', inputs: [[8]], required: {}, examples: { negative_slope: '0.1', alpha: '0.2' }, noEffect: ['trainable'] },
  { kind: 'ELU', inputs: [[8]], required: {}, examples: { alpha: '0.5' }, noEffect: ['trainable'] },
  { kind: 'ThresholdedReLU', inputs: [[8]], required: {}, examples: { theta: '0.5' }, noEffect: ['trainable'] },
  { kind: 'PReLU', inputs: [[6, 6, 4]], required: {}, examples: { shared_axes: '[1, 2]' } },
  { kind: 'Softmax', inputs: [[4, 6]], required: {}, examples: { axis: '1' }, noEffect: ['trainable'] },
  ...['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'].map((kind): KindRows => ({ kind, inputs: [[8], [8]], required: {}, noEffect: ['trainable'] })),
  { kind: 'Concatenate', inputs: [[4, 6], [4, 6]], required: {}, examples: { axis: '1' }, noEffect: ['trainable'] },
  { kind: 'Reshape', inputs: [[12]], required: { target_shape: '(3, 4)' }, examples: { target_shape: '(4, 3)' }, noEffect: ['trainable'] },
  { kind: 'Permute', inputs: [[4, 6, 3]], required: { dims: '(2, 1, 3)' }, examples: { dims: '(3, 1, 2)' }, noEffect: ['trainable'] },
  { kind: 'RepeatVector', inputs: [[8]], required: { n: '3' }, examples: { n: '4' }, noEffect: ['trainable'] },
  { kind: 'Rescaling', inputs: [[6, 6, 3]], required: { scale: '0.5' }, examples: { scale: '2.0', offset: '1.0' }, noEffect: ['trainable'] },
  { kind: 'Resizing', inputs: [[8, 8, 3]], required: { height: '4', width: '6' }, examples: { height: '6', width: '5', interpolation: "'nearest'", crop_to_aspect_ratio: 'True', pad_to_aspect_ratio: 'True', fill_mode: "'reflect'", fill_value: '1.0', antialias: 'True', data_format: "'channels_first'" }, noEffect: ['trainable'] },
  { kind: 'CenterCrop', inputs: [[8, 8, 8]], required: { height: '4', width: '6' }, examples: { height: '6', width: '5', data_format: "'channels_first'" }, noEffect: ['trainable'] },
  { kind: 'Embedding', inputs: [[7]], required: { input_dim: '20', output_dim: '6' }, examples: { input_dim: '30', output_dim: '4' }, ids: 20 },
  ...['SimpleRNN', 'LSTM', 'GRU'].map((kind): KindRows => ({ kind, inputs: [[7, 5]], required: { units: '4' }, examples: { units: '3', activation: "'relu'" } })),
  { kind: 'Bidirectional', inputs: [[7, 5]], required: { layer: 'layers.LSTM(4)' }, examples: { layer: 'layers.GRU(3)', merge_mode: "'sum'", backward_layer: 'layers.LSTM(4, go_backwards=True, activation="relu")' } },
  { kind: 'RandomFlip', inputs: [[8, 8, 3]], required: {}, examples: { mode: "'horizontal'", data_format: "'channels_first'", factor: '0.5' }, noEffect: ['trainable'] },
  ...['RandomRotation', 'RandomContrast', 'RandomBrightness'].map((kind): KindRows => ({ kind, inputs: [[8, 8, 3]], required: { factor: '0.1' }, examples: { factor: '0.2', value_range: '(0, 1)', fill_mode: "'constant'", interpolation: "'nearest'", fill_value: '1.0', data_format: "'channels_first'" }, noEffect: ['trainable'], todo: true })),
  { kind: 'RandomZoom', inputs: [[8, 8, 3]], required: { height_factor: '0.1' }, examples: { height_factor: '0.2', width_factor: '0.2', fill_mode: "'constant'", interpolation: "'nearest'", fill_value: '1.0', factor: '0.1', data_format: "'channels_first'" }, noEffect: ['trainable'], todo: true },
  { kind: 'RandomTranslation', inputs: [[8, 8, 3]], required: { height_factor: '0.1', width_factor: '0.1' }, examples: { height_factor: '0.2', width_factor: '0.2', fill_mode: "'constant'", interpolation: "'nearest'", fill_value: '1.0', factor: '0.1', data_format: "'channels_first'" }, noEffect: ['trainable'], todo: true },
  { kind: 'Normalization', inputs: [[6, 6, 3]], required: {}, examples: { axis: '1', mean: '[0.5, 0.2, 0.1], variance=[2.0, 1.0, 0.5]', variance: '[2.0, 1.0, 0.5], mean=[0.5, 0.2, 0.1]', invert: 'True' } },
  { kind: 'Dot', inputs: [[8], [8]], required: { axes: '1' }, examples: { axes: '-1', normalize: 'True' }, noEffect: ['trainable', 'axes'] },
  { kind: 'TimeDistributed', inputs: [[5, 8]], required: { layer: 'layers.Dense(3)' }, examples: { layer: 'layers.Dense(4)' } },
];

/** The Keras model of one row: the layer with its required arguments and `change` (an argument and its value), on fresh inputs. */
export function rowModel(row: KindRows, change: [string, string] | null): string {
  const keywords: Record<string, string> = { ...row.required, ...(change ? { [change[0]]: change[1] } : {}) };
  // A transposed convolution's output_padding must stay below its stride.
  if (change?.[0] === 'output_padding') keywords.strides = '2';
  const args = Object.entries(keywords).map(([k, v]) => `${k}=${v}`).join(', ');
  const extra = change ? change[1] : null;
  const lines = ['import tensorflow as tf', 'from tensorflow import keras', 'from tensorflow.keras import layers', ''];
  if (extra?.includes('my_adjustment')) lines.push('', 'def my_adjustment(shape):', '    return 1.0, 0.0', '');
  row.inputs.forEach((shape, i) => lines.push(`input${i + 1} = keras.Input(shape=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})${row.ids ? ', dtype="int32"' : ''})`));
  const call = row.inputs.length > 1 ? `[${row.inputs.map((_, i) => `input${i + 1}`).join(', ')}]` : 'input1';
  lines.push(`output = layers.${row.kind}(${args})(${call})`);
  lines.push(`model = keras.Model(${row.inputs.length > 1 ? `[${row.inputs.map((_, i) => `input${i + 1}`).join(', ')}]` : 'input1'}, output)`);
  return lines.join('\n') + '\n';
}

/** The non-default value a row gives an argument: the kind's own example, else the common one. */
export function exampleValue(row: KindRows, arg: string): string | undefined {
  if (row.examples?.[arg] !== undefined) return row.examples[arg];
  if (arg === 'input_shape') return `(${row.inputs[0].join(', ')}${row.inputs[0].length === 1 ? ',' : ''})`;
  if (arg === 'batch_input_shape') return `(None, ${row.inputs[0].join(', ')})`;
  if (arg === 'input_dim') return String(row.inputs[0][row.inputs[0].length - 1]);
  if (arg === 'noise_shape') return `(None, ${row.inputs[0].map(() => '1').join(', ')})`;
  return COMMON_EXAMPLES[arg];
}
