// Table tests of the normalization family (server/src/shapes/layers/norm.ts). PyTorch rows were
// computed with real PyTorch by scripts/truth/norm_linear_rnn.py; Keras rows are checked against
// tfjs-layers in the test itself, and the Keras layers tfjs lacks (GroupNormalization,
// UnitNormalization, rms_scaling) against the formulas of Keras 3's own build().

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { add, sym } from '../../server/src/shapes/dim';
import { formatOutput } from '../../server/src/shapes/shape';
import { ArgValue, Shape, UnknownArg } from '../../server/src/shapes/types';
import { kerasRowTests, type KerasRow } from '../helpers/keras-table';
import { torchTableTests, type RefusedRow, type TorchRow } from '../helpers/torch-table';
import { layer } from '../helpers/rules';

// Computed with PyTorch 1.13.0a0 by scripts/truth/norm_linear_rnn.py: kind, args, kwargs, inputs, output, params.
const TORCH_ROWS: TorchRow[] = [
  ['BatchNorm1d', [16], {}, [[4, 16]], '(4, 16)', 32],
  ['BatchNorm1d', [16], {}, [[4, 16, 10]], '(4, 16, 10)', 32],
  ['BatchNorm2d', [16], {}, [[2, 16, 8, 8]], '(2, 16, 8, 8)', 32],
  ['BatchNorm2d', [16], { affine: false }, [[2, 16, 8, 8]], '(2, 16, 8, 8)', 0],
  ['BatchNorm3d', [8], {}, [[2, 8, 4, 4, 4]], '(2, 8, 4, 4, 4)', 16],
  ['LazyBatchNorm1d', [], {}, [[4, 12, 10]], '(4, 12, 10)', 24],
  ['LazyBatchNorm2d', [], {}, [[2, 32, 8, 8]], '(2, 32, 8, 8)', 64],
  ['LazyBatchNorm3d', [], { affine: false }, [[2, 6, 4, 4, 4]], '(2, 6, 4, 4, 4)', 0],
  ['InstanceNorm1d', [4], {}, [[2, 4, 7]], '(2, 4, 7)', 0],
  ['InstanceNorm1d', [4], { affine: true }, [[4, 7]], '(4, 7)', 8],
  ['InstanceNorm1d', [4], {}, [[2, 5, 7]], '(2, 5, 7)', 0],
  ['InstanceNorm2d', [3], { affine: true }, [[2, 3, 8, 8]], '(2, 3, 8, 8)', 6],
  ['InstanceNorm2d', [3], { affine: true }, [[3, 8, 8]], '(3, 8, 8)', 6],
  ['InstanceNorm3d', [2], { affine: true }, [[2, 2, 4, 4, 4]], '(2, 2, 4, 4, 4)', 4],
  ['LazyInstanceNorm2d', [], {}, [[2, 3, 8, 8]], '(2, 3, 8, 8)', 6],
  ['GroupNorm', [2, 4], {}, [[2, 4, 7]], '(2, 4, 7)', 8],
  ['GroupNorm', [4, 32], { affine: false }, [[2, 32, 8, 8]], '(2, 32, 8, 8)', 0],
  ['GroupNorm', [2, 6], {}, [[3, 6]], '(3, 6)', 12],
  ['LayerNorm', [64], {}, [[2, 10, 64]], '(2, 10, 64)', 128],
  ['LayerNorm', [[3, 4]], {}, [[2, 3, 4]], '(2, 3, 4)', 24],
  ['LayerNorm', [64], { elementwise_affine: false }, [[2, 64]], '(2, 64)', 0],
  ['LocalResponseNorm', [2], {}, [[2, 3, 4, 4]], '(2, 3, 4, 4)', 0],
  ['LocalResponseNorm', [2], {}, [[2, 3, 4]], '(2, 3, 4)', 0],
];

// Inputs PyTorch refuses (its error follows each row); the rule code, underlined argument and fix are ours.
const TORCH_REFUSED: RefusedRow[] = [
  ['BatchNorm2d', [16], {}, [[2, 32, 8, 8]], 'norm-num-features', 'num_features', 32], // RuntimeError: running_mean should contain 32 elements not 16
  ['BatchNorm1d', [4], {}, [[2, 5]], 'norm-num-features', 'num_features', 5], // RuntimeError: running_mean should contain 5 elements not 4
  ['BatchNorm2d', [16], {}, [[16, 8, 8]], 'rank-mismatch', null, null], // ValueError: expected 4D input (got 3D input)
  ['BatchNorm1d', [4], {}, [[2, 4, 7, 7]], 'rank-mismatch', null, null], // ValueError: expected 2D or 3D input (got 4D input)
  ['InstanceNorm1d', [4], { affine: true }, [[2, 5, 7]], 'norm-num-features', 'num_features', 5], // RuntimeError: weight should contain 10 elements not 8
  ['InstanceNorm1d', [4], { track_running_stats: true }, [[2, 5, 7]], 'norm-num-features', 'num_features', 5], // RuntimeError: running_mean should contain 10 elements not 8
  ['InstanceNorm2d', [4], { affine: true }, [[5, 7, 7]], 'norm-num-features', 'num_features', 5], // RuntimeError: weight should contain 5 elements not 4
  ['InstanceNorm1d', [4], {}, [[2, 4, 7, 7]], 'rank-mismatch', null, null], // ValueError: expected 2D or 3D input (got 4D input)
  ['GroupNorm', [3, 4], {}, [[2, 4, 7]], 'groups-divisible', 'num_groups', 2], // ValueError: num_channels must be divisible by num_groups
  ['GroupNorm', [2, 4], {}, [[2, 6, 7]], 'norm-num-features', 'num_channels', 6], // RuntimeError: Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [4] and input o
  ['GroupNorm', [2, 4], {}, [[4]], 'rank-mismatch', null, null], // IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)
  ['LayerNorm', [64], {}, [[2, 32]], 'norm-num-features', 'normalized_shape', 32], // RuntimeError: Given normalized_shape=[64], expected input with shape [*, 64], but got input of size[2, 32]
  ['LayerNorm', [[2, 3, 4]], {}, [[3, 4]], 'norm-num-features', 'normalized_shape', null], // RuntimeError: Given normalized_shape=[2, 3, 4], expected input with shape [*, 2, 3, 4], but got input of size[3, 4]
  ['LocalResponseNorm', [2], {}, [[3, 4]], 'rank-mismatch', null, null], // ValueError: Expected 3D or higher dimensionality                          input (got 2 dimensions)
];

describe('PyTorch normalization layers against PyTorch', () => {
  torchTableTests(TORCH_ROWS, TORCH_REFUSED);
});

describe('PyTorch normalization details', () => {
  it('states both channel counts in the message', () => {
    const r = layer('torch.nn.BatchNorm2d', [16], {}, [[2, 32, 8, 8]]);
    expect(r.errors[0].message).toBe('BatchNorm2d expects num_features=16, but its input has 32 channels: its input');
    expect(r.errors[0].fix).toEqual({ arg: 'num_features', value: 32 });
  });

  it('lets a symbolic batch and spatial size flow through', () => {
    const r = layer('torch.nn.BatchNorm2d', [16], {}, [[sym('N'), 16, sym('H'), sym('W')]]);
    expect(r.errors).toEqual([]);
    expect(formatOutput(r.output)).toBe('(N, 16, H, W)');
    expect(r.params).toBe(32);
  });

  it('accepts a symbolic channel count equal to the input, with unknown parameters', () => {
    const r = layer('torch.nn.GroupNorm', [4, sym('C')], {}, [[sym('N'), sym('C'), 7]]);
    expect(r.errors).toEqual([]);
    expect(r.params).toBeNull();
  });

  it('reports a definite symbolic difference without a numeric fix', () => {
    const r = layer('torch.nn.InstanceNorm2d', [sym('C')], { affine: true }, [[sym('N'), add(sym('C'), 1), 8, 8]]);
    expect(r.errors.map((e) => e.code)).toEqual(['norm-num-features']);
    expect(r.errors[0].fix).toBeUndefined();
    expect(r.errors[0].message).toContain('C + 1 channels');
  });

  it('never reports unknown dims or unknown ranks', () => {
    for (const input of [[null, null, null, null], null] as Shape[]) {
      for (const [kind, args] of [['BatchNorm2d', [16]], ['InstanceNorm2d', [3]], ['GroupNorm', [2, 4]], ['LayerNorm', [[3, 4]]], ['LocalResponseNorm', [2]]] as [string, ArgValue[]][]) {
        const r = layer(`torch.nn.${kind}`, args, {}, [input]);
        expect(r.errors).toEqual([]);
        expect(r.output).toEqual(input);
      }
    }
  });

  it('never reports unknown arguments', () => {
    const r = layer('torch.nn.GroupNorm', [UnknownArg.instance, UnknownArg.instance], {}, [[2, 6, 7]]);
    expect(r.errors).toEqual([]);
    expect(r.params).toBeNull();
    expect(layer('torch.nn.LayerNorm', [UnknownArg.instance], {}, [[2, 64]]).errors).toEqual([]);
  });

  it('counts LayerNorm without bias and RMSNorm (PyTorch >= 2.1 and 2.4, by their weight shapes)', () => {
    expect(layer('torch.nn.LayerNorm', [64], { bias: false }, [[2, 10, 64]]).params).toBe(64);
    const rms = layer('torch.nn.RMSNorm', [[10, 64]], {}, [[2, 10, 64]]);
    expect(rms.errors).toEqual([]);
    expect(rms.params).toBe(640);
    expect(layer('torch.nn.RMSNorm', [64], {}, [[2, 32]]).errors.map((e) => e.code)).toEqual(['norm-num-features']);
  });

  it('offers the nearest divisor as the GroupNorm fix', () => {
    const r = layer('torch.nn.GroupNorm', [32, 48], {}, [[2, 48, 8, 8]]);
    expect(r.errors[0].message).toBe('GroupNorm needs num_channels=48 to be divisible by num_groups=32');
    expect(r.errors[0].fix).toEqual({ arg: 'num_groups', value: 24 });
  });

  it('refuses negative feature counts and zero groups', () => {
    expect(layer('torch.nn.BatchNorm2d', [-1], {}, [[2, 3, 4, 4]]).errors.map((e) => [e.code, e.arg])).toContainEqual(['nonpositive-size', 'num_features']);
    expect(layer('torch.nn.GroupNorm', [0, 4], {}, [[2, 4, 4]]).errors.map((e) => [e.code, e.arg])).toEqual([['nonpositive-size', 'num_groups']]);
  });
});

/** tfjs's output shapes (printed as formatOutput prints them) and parameter count on a per-sample input. */
const KERAS_ROWS: KerasRow[] = [
  ['BatchNormalization', [], {}, [10, 8], () => tf.layers.batchNormalization()],
  ['BatchNormalization', [], { axis: 1 }, [16, 8, 8], () => tf.layers.batchNormalization({ axis: 1 })],
  ['BatchNormalization', [], { center: false }, [32], () => tf.layers.batchNormalization({ center: false })],
  ['BatchNormalization', [], { scale: false }, [4, 4, 3], () => tf.layers.batchNormalization({ scale: false })],
  ['BatchNormalization', [-1, 0.9, 0.01], {}, [null, 64], () => tf.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01 })],
  ['LayerNormalization', [], {}, [10, 8], () => tf.layers.layerNormalization()],
  ['LayerNormalization', [], { axis: [1, 2] }, [10, 8], () => tf.layers.layerNormalization({ axis: [1, 2] })],
  ['LayerNormalization', [], { axis: 1 }, [10, 8], () => tf.layers.layerNormalization({ axis: 1 })],
  ['LayerNormalization', [], { center: false }, [5], () => tf.layers.layerNormalization({ center: false })],
];

describe('Keras normalization layers against tfjs-layers', () => {
  kerasRowTests(KERAS_ROWS);
});

describe('Keras normalization details', () => {
  it('counts GroupNormalization gamma and beta per channel', () => {
    const r = layer('keras.layers.GroupNormalization', [], { groups: 4 }, [[null, 8, 8, 16]]);
    expect(r.errors).toEqual([]);
    expect(formatOutput(r.output)).toBe('(?, 8, 8, 16)');
    expect(r.params).toBe(32);
    expect(layer('keras.layers.GroupNormalization', [4], { axis: 1, scale: false }, [[null, 16, 8, 8]]).params).toBe(16);
  });

  it('reports groups that do not divide the channels, with the nearest divisor', () => {
    const r = layer('keras.layers.GroupNormalization', [5], {}, [[null, 16]]);
    expect(r.errors.map((e) => [e.code, e.arg, e.fix?.value])).toEqual([['groups-divisible', 'groups', 4]]);
    const tooMany = layer('keras.layers.GroupNormalization', [], {}, [[null, 4, 4, 16]]);
    expect(tooMany.errors[0].message).toBe('GroupNormalization groups=32 (default) cannot be more than the 16 channels of its input (None, 4, 4, 16): its input');
    expect(tooMany.errors[0].fix).toEqual({ arg: 'groups', value: 16 });
  });

  it('keeps the shape for UnitNormalization and counts only gamma with rms_scaling', () => {
    const unit = layer('keras.layers.UnitNormalization', [], {}, [[null, 10, 8]]);
    expect([formatOutput(unit.output), unit.params]).toEqual(['(?, 10, 8)', 0]);
    expect(layer('keras.layers.LayerNormalization', [], { rms_scaling: true }, [[null, 10, 8]]).params).toBe(8);
  });

  it('reports an axis outside the input, and the batch axis', () => {
    const r = layer('keras.layers.BatchNormalization', [], { axis: 3 }, [[null, 10, 8]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['rank-mismatch', 'axis']]);
    expect(r.params).toBeNull();
    expect(layer('keras.layers.LayerNormalization', [0], {}, [[null, 8]]).errors.map((e) => e.code)).toEqual(['rank-mismatch']);
  });

  it('lets symbolic and unknown dims through', () => {
    const r = layer('keras.layers.BatchNormalization', [], {}, [[sym('N'), sym('T'), 8]]);
    expect([formatOutput(r.output), r.params, r.errors]).toEqual(['(N, T, 8)', 32, []]);
    const unknown = layer('keras.layers.GroupNormalization', [], {}, [[null, null]]);
    expect([unknown.errors, unknown.params]).toEqual([[], null]);
    expect(layer('keras.layers.LayerNormalization', [], {}, [null]).errors).toEqual([]);
  });
});
