// Table tests of the activation and dropout family (server/src/shapes/layers/activation.ts). PyTorch
// rows were computed with real PyTorch by scripts/truth/norm_linear_rnn.py; Keras rows are checked
// against tfjs-layers in the test itself, and the Keras layers tfjs lacks by Keras 3's input specs.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mul, sym } from '../../server/src/shapes/dim';
import { formatOutput } from '../../server/src/shapes/shape';
import { UnknownArg } from '../../server/src/shapes/types';
import { kerasRowTests, tfjsLayerTruth, type KerasRow } from '../helpers/keras-table';
import { torchTableTests, type RefusedRow, type TorchRow } from '../helpers/torch-table';
import { layer } from '../helpers/rules';

// Computed with PyTorch 1.13.0a0 by scripts/truth/norm_linear_rnn.py: kind, args, kwargs, inputs, output, params.
const TORCH_ROWS: TorchRow[] = [
  ['ReLU', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['ReLU', [], { inplace: true }, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['ReLU6', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['LeakyReLU', [0.2], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['RReLU', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['ELU', [], { alpha: 0.5 }, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['SELU', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['CELU', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['GELU', [], { approximate: 'tanh' }, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['SiLU', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Mish', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Sigmoid', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Tanh', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Hardswish', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Hardsigmoid', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Hardtanh', [-2, 2], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Softplus', [], { beta: 2 }, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Softsign', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Softshrink', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Hardshrink', [0.3], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Tanhshrink', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Threshold', [0.1, 0.0], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['LogSigmoid', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Softmax', [], { dim: 1 }, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Softmax', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['LogSoftmax', [-1], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Softmin', [], { dim: 0 }, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Softmax2d', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Dropout', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Dropout', [0.2], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Dropout1d', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Dropout2d', [0.1], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Dropout3d', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['AlphaDropout', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['FeatureAlphaDropout', [], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
  ['Softmax2d', [], {}, [[2, 3, 4, 5]], '(2, 3, 4, 5)', 0],
  ['Dropout1d', [], {}, [[3, 5]], '(3, 5)', 0],
  ['Dropout2d', [], {}, [[4, 5]], '(4, 5)', 0],
  ['PReLU', [], {}, [[2, 3]], '(2, 3)', 1],
  ['PReLU', [3], {}, [[2, 3, 4]], '(2, 3, 4)', 3],
  ['PReLU', [16], {}, [[2, 16, 8, 8]], '(2, 16, 8, 8)', 16],
  ['GLU', [], {}, [[4, 6]], '(4, 3)', 0],
  ['GLU', [0], {}, [[4, 6]], '(2, 6)', 0],
  ['GLU', [1], {}, [[2, 8, 5]], '(2, 4, 5)', 0],
];

// Inputs PyTorch refuses (its error follows each row); the rule code, underlined argument and fix are ours.
const TORCH_REFUSED: RefusedRow[] = [
  ['PReLU', [3], {}, [[2, 5]], 'norm-num-features', 'num_parameters', 5], // RuntimeError: Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 5.
  ['PReLU', [3], {}, [[5]], 'norm-num-features', 'num_parameters', 1], // RuntimeError: Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 1.
  ['Softmax', [2], {}, [[4, 5]], 'rank-mismatch', 'dim', null], // IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)
  ['Softmax2d', [], {}, [[4, 5]], 'rank-mismatch', null, null], // AssertionError: Softmax2d requires a 3D or 4D tensor as input
  ['GLU', [1], {}, [[4, 5]], 'groups-divisible', 'dim', null], // RuntimeError: Halving dimension must be even, but dimension 1 is size 5
  ['Dropout1d', [], {}, [[2, 4, 5, 5]], 'rank-mismatch', null, null], // RuntimeError: dropout1d: Expected 2D or 3D input, but received a 4D input. Note that dropout1d exists to provide channel-wise dropout 
  ['FeatureAlphaDropout', [], {}, [[5]], 'rank-mismatch', null, null], // RuntimeError: Feature dropout requires at least 2 dimensions in the input
];

describe('PyTorch activation and dropout layers against PyTorch', () => {
  torchTableTests(TORCH_ROWS, TORCH_REFUSED);
});

describe('PyTorch activation details', () => {
  it('keeps symbolic shapes through element-wise layers', () => {
    const input = [sym('N'), 3, sym('H'), sym('W')];
    for (const kind of ['ReLU', 'GELU', 'Dropout', 'Dropout2d', 'Softmax2d', 'Hardtanh', 'FeatureAlphaDropout']) {
      const r = layer(`torch.nn.${kind}`, [], {}, [input]);
      expect([formatOutput(r.output), r.errors]).toEqual(['(N, 3, H, W)', []]);
    }
  });

  it('halves a symbolic even size in GLU', () => {
    const r = layer('torch.nn.GLU', [1], {}, [[sym('N'), mul(2, sym('C'))]]);
    expect([formatOutput(r.output), r.errors]).toEqual(['(N, C)', []]);
  });

  it('names both channel counts for PReLU', () => {
    const r = layer('torch.nn.PReLU', [3], {}, [[2, 5]]);
    expect(r.errors[0].message).toBe('PReLU expects num_parameters=3 channels, but its input (2, 5) has 5 channels: its input');
  });

  it('never reports unknown dims, ranks or arguments', () => {
    expect(layer('torch.nn.PReLU', [3], {}, [[sym('N'), null]]).errors).toEqual([]);
    expect(layer('torch.nn.Softmax', [UnknownArg.instance], {}, [[2, 3]]).errors).toEqual([]);
    for (const kind of ['ReLU', 'Softmax2d', 'Dropout1d', 'GLU', 'PReLU']) {
      const r = layer(`torch.nn.${kind}`, [], {}, [null]);
      expect([r.output, r.errors]).toEqual([null, []]);
    }
    expect(formatOutput(layer('torch.nn.GLU', [], {}, [[2, null]]).output)).toBe('(2, ?)');
  });
});

/** tfjs's output shapes (printed as formatOutput prints them) and parameter count on a per-sample input. */
const KERAS_ROWS: KerasRow[] = [
  ['Activation', ['relu'], {}, [10], () => tf.layers.activation({ activation: 'relu' })],
  ['Activation', [], { activation: 'softmax' }, [4, 5], () => tf.layers.activation({ activation: 'softmax' })],
  ['ReLU', [], {}, [4, 4, 3], () => tf.layers.reLU()],
  ['ReLU', [6.0], {}, [8], () => tf.layers.reLU({ maxValue: 6 })],
  ['LeakyReLU', [], {}, [8], () => tf.layers.leakyReLU()],
  ['LeakyReLU', [], { alpha: 0.1 }, [8, 2], () => tf.layers.leakyReLU({ alpha: 0.1 })],
  ['LeakyReLU', [0.2], {}, [8], () => tf.layers.leakyReLU({ alpha: 0.2 })],
  ['PReLU', [], {}, [10, 8], () => tf.layers.prelu()],
  ['PReLU', [], { shared_axes: [1] }, [10, 8], () => tf.layers.prelu({ sharedAxes: [1] })],
  ['PReLU', [], { shared_axes: [1, 2] }, [4, 4, 3], () => tf.layers.prelu({ sharedAxes: [1, 2] })],
  ['PReLU', [], { shared_axes: 2 }, [5, 6], () => tf.layers.prelu({ sharedAxes: 2 })],
  ['ELU', [], {}, [6], () => tf.layers.elu()],
  // tfjs refuses a non-default ELU alpha; the alpha does not change shapes.
  ['ELU', [0.5], {}, [6, 2], () => tf.layers.elu()],
  ['Softmax', [], {}, [10], () => tf.layers.softmax()],
  ['Softmax', [], { axis: 1 }, [3, 5], () => tf.layers.softmax({ axis: 1 })],
  ['ThresholdedReLU', [], { theta: 0.5 }, [7], () => tf.layers.thresholdedReLU({ theta: 0.5 })],
  ['Dropout', [0.5], {}, [10], () => tf.layers.dropout({ rate: 0.5 })],
  ['Dropout', [], { rate: 0.25, noise_shape: [null, 1, 8] }, [4, 8], () => tf.layers.dropout({ rate: 0.25 })],
  ['SpatialDropout1D', [0.2], {}, [10, 8], () => tf.layers.spatialDropout1d({ rate: 0.2 })],
  ['GaussianNoise', [0.1], {}, [5], () => tf.layers.gaussianNoise({ stddev: 0.1 })],
  ['GaussianDropout', [0.3], {}, [5, 5], () => tf.layers.gaussianDropout({ rate: 0.3 })],
  ['AlphaDropout', [0.1], {}, [5], () => tf.layers.alphaDropout({ rate: 0.1 })],
];

describe('Keras activation and dropout layers against tfjs-layers', () => {
  kerasRowTests(KERAS_ROWS);

  it('refuses SpatialDropout1D on a rank-2 input, as tfjs does', () => {
    expect(() => tfjsLayerTruth(() => tf.layers.spatialDropout1d({ rate: 0.5 }), [50])).toThrow(/expected ndim=3/);
    expect(layer('keras.layers.SpatialDropout1D', [0.5], {}, [[null, 50]]).errors.map((e) => e.code)).toEqual(['rank-mismatch']);
  });
});

describe('Keras activation details', () => {
  it('checks the ranks of SpatialDropout2D and 3D (Keras 3 input specs)', () => {
    expect(layer('keras.layers.SpatialDropout2D', [0.2], { data_format: 'channels_first' }, [[null, 3, 8, 8]]).errors).toEqual([]);
    expect(layer('keras.layers.SpatialDropout2D', [0.2], {}, [[null, 8, 8]]).errors.map((e) => e.code)).toEqual(['rank-mismatch']);
    expect(layer('keras.layers.SpatialDropout3D', [0.2], {}, [[null, 4, 4, 4, 2]]).errors).toEqual([]);
    expect(layer('keras.layers.SpatialDropout3D', [0.2], {}, [[null, 4, 4, 2]]).errors.map((e) => e.code)).toEqual(['rank-mismatch']);
  });

  it('passes ActivityRegularization through', () => {
    const r = layer('keras.layers.ActivityRegularization', [], { l1: 0.01 }, [[null, 16]]);
    expect([formatOutput(r.output), r.params]).toEqual(['(?, 16)', 0]);
  });

  it('reports a softmax axis outside the input', () => {
    const r = layer('keras.layers.Softmax', [], { axis: 3 }, [[null, 5]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['rank-mismatch', 'axis']]);
  });

  it('counts PReLU parameters only when the non-shared sizes are known', () => {
    expect(layer('keras.layers.PReLU', [], {}, [[sym('N'), null, 8]]).params).toBeNull();
    expect(layer('keras.layers.PReLU', [], { shared_axes: [1] }, [[sym('N'), null, 8]]).params).toBe(8);
    expect(layer('keras.layers.PReLU', [], {}, [null]).errors).toEqual([]);
  });
});
