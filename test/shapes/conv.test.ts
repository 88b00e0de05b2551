// Table tests of the convolution family (server/src/shapes/layers/conv.ts). PyTorch expectations
// were computed once with real PyTorch by scripts/truth/conv_pool.py and pasted below; Keras
// expectations are computed in the test itself by building the same layer in @tensorflow/tfjs.
// Keras layers that tfjs lacks (Conv1DTranspose, SeparableConv1D, DepthwiseConv1D, transposed
// output_padding and dilation, 'causal' padding, whose symbolic shape tfjs gets wrong) are checked
// against Keras's formulas worked out by hand.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { add, Dim, dimToString, equalDims, evaluateDim, floordiv, sub, sym } from '../../server/src/shapes/dim';
import { tfSamePadding } from '../../server/src/shapes/layers/conv';
import { ArgValue, Shape, UnknownArg } from '../../server/src/shapes/types';
import { kerasAgainstTfjs, outputJson, type Json, type KerasCase } from '../helpers/keras-table';
import { layer } from '../helpers/rules';

type TorchRow = [string, Json[], Record<string, Json>, number[], Json, number];

// Conv truth from PyTorch 1.13.0a0 (scripts/truth/conv_pool.py).
const TORCH_CONV_TRUTH: TorchRow[] = [
  ['Conv1d', [16, 33, 3], { stride: 2 }, [20, 16, 50], [20, 33, 24], 1617],
  ['Conv1d', [4, 8, 5], { padding: 'same' }, [4, 31], [8, 31], 168],
  ['Conv1d', [4, 8, 4], { padding: 'same', dilation: 2 }, [2, 4, 31], [2, 8, 31], 136],
  ['Conv1d', [4, 8, 3], { padding: 'valid', bias: false }, [1, 4, 10], [1, 8, 8], 96],
  ['Conv2d', [1, 6, 5], {}, [1, 1, 32, 32], [1, 6, 28, 28], 156],
  ['Conv2d', [3, 6, 5], {}, [3, 32, 32], [6, 28, 28], 456],
  ['Conv2d', [16, 33, [3, 5]], { stride: 2, padding: [4, 2], dilation: [3, 1] }, [20, 16, 50, 100], [20, 33, 26, 50], 7953],
  ['Conv2d', [3, 64, 7], { stride: 2, padding: 3, bias: false }, [2, 3, 224, 224], [2, 64, 112, 112], 9408],
  ['Conv2d', [8, 16, 3], { groups: 4, padding: 1 }, [1, 8, 15, 15], [1, 16, 15, 15], 304],
  ['Conv2d', [8, 8, 3], { groups: 8, stride: 2 }, [1, 8, 15, 15], [1, 8, 7, 7], 80],
  ['Conv2d', [3, 8, 4], { padding: 'same' }, [1, 3, 9, 10], [1, 8, 9, 10], 392],
  ['Conv2d', [3, 8, 3], { padding: 1, padding_mode: 'reflect' }, [1, 3, 9, 10], [1, 8, 9, 10], 224],
  ['Conv2d', [3, 8, [1, 1]], {}, [1, 3, 9, 10], [1, 8, 9, 10], 32],
  ['Conv3d', [16, 33, 3], { stride: 2 }, [20, 16, 10, 50, 100], [20, 33, 4, 24, 49], 14289],
  ['Conv3d', [4, 8, [3, 5, 2]], { stride: [2, 1, 1], padding: [4, 2, 0] }, [4, 10, 12, 14], [8, 8, 12, 13], 968],
  ['Conv3d', [2, 4, 3], { padding: 'same', dilation: 2 }, [1, 2, 7, 8, 9], [1, 4, 7, 8, 9], 220],
  ['ConvTranspose1d', [16, 33, 3], { stride: 2 }, [20, 16, 50], [20, 33, 101], 1617],
  ['ConvTranspose1d', [4, 8, 4], { stride: 2, padding: 1, output_padding: 1 }, [4, 7], [8, 15], 136],
  ['ConvTranspose2d', [16, 33, [3, 5]], { stride: 2, padding: [4, 2] }, [20, 16, 50, 100], [20, 33, 93, 199], 7953],
  ['ConvTranspose2d', [8, 4, 4], { stride: 2, padding: 1 }, [1, 8, 7, 7], [1, 4, 14, 14], 516],
  ['ConvTranspose2d', [8, 4, 3], { stride: 2, padding: 1, output_padding: 1, groups: 2, dilation: 2 }, [8, 7, 7], [4, 16, 16], 148],
  ['ConvTranspose3d', [16, 33, [3, 5, 2]], { stride: [2, 1, 1], padding: [0, 4, 2] }, [20, 16, 10, 50, 100], [20, 33, 21, 46, 97], 15873],
  ['ConvTranspose3d', [4, 2, 2], { stride: 2, bias: false }, [4, 3, 4, 5], [2, 6, 8, 10], 64],
  ['LazyConv1d', [8, 3], {}, [2, 5, 20], [2, 8, 18], 128],
  ['LazyConv2d', [6, 5], { padding: 2 }, [1, 3, 28, 28], [1, 6, 28, 28], 456],
  ['LazyConv2d', [6, 3], { groups: 3, bias: false }, [3, 10, 12], [6, 8, 10], 54],
  ['LazyConv3d', [4, 3], { stride: 2 }, [1, 2, 9, 9, 9], [1, 4, 4, 4, 4], 220],
  ['LazyConvTranspose1d', [8, 3], { stride: 2 }, [2, 5, 20], [2, 8, 41], 128],
  ['LazyConvTranspose2d', [6, 4], { stride: 2, padding: 1 }, [1, 3, 14, 14], [1, 6, 28, 28], 294],
  ['LazyConvTranspose3d', [4, 2], { stride: 2 }, [2, 3, 4, 5], [4, 6, 8, 10], 68],
];

describe('PyTorch convolutions agree with PyTorch', () => {
  it.each(TORCH_CONV_TRUTH)('%s(%j, %j) on %j', (name, args, kwargs, input, output, params) => {
    const r = layer(`torch.nn.${name}`, args as ArgValue[], kwargs as Record<string, ArgValue>, [input]);
    expect(r.errors).toEqual([]);
    expect(outputJson(r.output)).toEqual(output);
    expect(r.params).toBe(params);
  });
});

// ---------------------------------------------------------------------------------------------
// Keras, against tfjs-layers.

const KERAS_CONV_CASES: KerasCase[] = [
  { name: 'Conv1D', tfjs: 'conv1d', kwargs: { filters: 8, kernel_size: 3 }, input: [null, 20, 4] },
  { name: 'Conv1D', tfjs: 'conv1d', kwargs: { filters: 8, kernel_size: 4, strides: 2, padding: 'same' }, input: [null, 21, 4] },
  { name: 'Conv1D', tfjs: 'conv1d', kwargs: { filters: 8, kernel_size: 3, dilation_rate: 3, use_bias: false }, input: [null, 21, 4] },
  { name: 'Convolution1D', tfjs: 'conv1d', kwargs: { filters: 2, kernel_size: 5, strides: 3 }, input: [null, 17, 3] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 32, kernel_size: 3 }, input: [null, 28, 28, 1] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 16, kernel_size: 3, strides: 2, padding: 'same' }, input: [null, 7, 9, 3] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 16, kernel_size: [3, 4], strides: [2, 3], padding: 'same' }, input: [null, 15, 13, 3] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 16, kernel_size: [5, 3], strides: [2, 1] }, input: [null, 15, 13, 3] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 6, kernel_size: 3, dilation_rate: 2 }, input: [null, 11, 12, 5] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 6, kernel_size: 3, dilation_rate: [2, 3], padding: 'same' }, input: [null, 11, 12, 5] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 4, kernel_size: 3, strides: 2, padding: 'same', data_format: 'channels_first' }, input: [null, 3, 7, 9] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 4, kernel_size: 2, data_format: 'channels_first', use_bias: false }, input: [null, 3, 7, 9] },
  { name: 'Conv2D', tfjs: 'conv2d', kwargs: { filters: 4, kernel_size: 3 }, input: [null, null, null, 3] },
  { name: 'Convolution2D', tfjs: 'conv2d', kwargs: { filters: 4, kernel_size: 1, padding: 'SAME' }, input: [null, 5, 5, 2] },
  { name: 'Conv3D', tfjs: 'conv3d', kwargs: { filters: 4, kernel_size: 3 }, input: [null, 8, 9, 10, 2] },
  { name: 'Conv3D', tfjs: 'conv3d', kwargs: { filters: 4, kernel_size: [3, 2, 1], strides: 2, padding: 'same' }, input: [null, 7, 8, 9, 2] },
  { name: 'Conv3D', tfjs: 'conv3d', kwargs: { filters: 4, kernel_size: 2, data_format: 'channels_first' }, input: [null, 2, 5, 6, 7] },
  { name: 'Convolution3D', tfjs: 'conv3d', kwargs: { filters: 3, kernel_size: 3, dilation_rate: 2 }, input: [null, 9, 9, 9, 1] },
  { name: 'Conv2DTranspose', tfjs: 'conv2dTranspose', kwargs: { filters: 8, kernel_size: 3 }, input: [null, 7, 7, 4] },
  { name: 'Conv2DTranspose', tfjs: 'conv2dTranspose', kwargs: { filters: 8, kernel_size: 3, strides: 2, padding: 'same' }, input: [null, 7, 9, 4] },
  { name: 'Conv2DTranspose', tfjs: 'conv2dTranspose', kwargs: { filters: 8, kernel_size: 2, strides: 3 }, input: [null, 7, 9, 4] },
  { name: 'Conv2DTranspose', tfjs: 'conv2dTranspose', kwargs: { filters: 8, kernel_size: [4, 3], strides: 2, data_format: 'channels_first' }, input: [null, 4, 7, 9] },
  { name: 'Convolution2DTranspose', tfjs: 'conv2dTranspose', kwargs: { filters: 2, kernel_size: 5, strides: 2, padding: 'same', use_bias: false }, input: [null, 5, 5, 3] },
  { name: 'Conv3DTranspose', tfjs: 'conv3dTranspose', kwargs: { filters: 4, kernel_size: 3, strides: 2 }, input: [null, 4, 5, 6, 2] },
  { name: 'Conv3DTranspose', tfjs: 'conv3dTranspose', kwargs: { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }, input: [null, 4, 5, 6, 2] },
  { name: 'SeparableConv2D', tfjs: 'separableConv2d', kwargs: { filters: 16, kernel_size: 3 }, input: [null, 28, 28, 8] },
  { name: 'SeparableConv2D', tfjs: 'separableConv2d', kwargs: { filters: 16, kernel_size: 3, strides: 2, padding: 'same', depth_multiplier: 2 }, input: [null, 9, 11, 8] },
  { name: 'SeparableConvolution2D', tfjs: 'separableConv2d', kwargs: { filters: 5, kernel_size: [3, 5], dilation_rate: 2, use_bias: false }, input: [null, 19, 21, 3] },
  { name: 'DepthwiseConv2D', tfjs: 'depthwiseConv2d', kwargs: { kernel_size: 3 }, input: [null, 28, 28, 8] },
  { name: 'DepthwiseConv2D', tfjs: 'depthwiseConv2d', kwargs: { kernel_size: 3, strides: 2, padding: 'same', depth_multiplier: 3 }, input: [null, 9, 10, 4] },
  { name: 'DepthwiseConv2D', tfjs: 'depthwiseConv2d', kwargs: { kernel_size: 5, data_format: 'channels_first', use_bias: false }, input: [null, 4, 9, 10] },
];

describe('Keras convolutions agree with tfjs-layers', () => {
  kerasAgainstTfjs(KERAS_CONV_CASES);
});

describe('Keras convolutions that tfjs lacks, by Keras formulas', () => {
  // [name, kwargs, input, output, params]
  const rows: [string, Record<string, Json>, (number | null)[], (number | null)[], number][] = [
    // deconv_output_length 'valid': (10 − 1)·2 + max(3, 2) = 21; params 3·4·8 + 8.
    ['Conv1DTranspose', { filters: 8, kernel_size: 3, strides: 2 }, [null, 10, 4], [null, 21, 8], 104],
    // 'same': 10·3 = 30.
    ['Convolution1DTranspose', { filters: 8, kernel_size: 3, strides: 3, padding: 'same' }, [null, 10, 4], [null, 30, 8], 104],
    // output_padding with 'valid': (10 − 1)·2 + 3 + 1 = 22.
    ['Conv1DTranspose', { filters: 2, kernel_size: 3, strides: 2, output_padding: 1, use_bias: false }, [null, 10, 4], [null, 22, 2], 24],
    // output_padding with 'same': (7 − 1)·2 + 3 % 2 + 1 = 14; (9 − 1)·2 + 1 + 0 = 17.
    ['Conv2DTranspose', { filters: 8, kernel_size: 3, strides: 2, padding: 'same', output_padding: [1, 0] }, [null, 7, 9, 4], [null, 14, 17, 8], 296],
    // dilation 2 spans 5: (7 − 1)·1 + max(5, 1) = 11.
    ['Conv2DTranspose', { filters: 8, kernel_size: 3, dilation_rate: 2 }, [null, 7, 7, 4], [null, 11, 11, 8], 296],
    ['Conv3DTranspose', { filters: 1, kernel_size: 2, strides: 2, output_padding: 1, data_format: 'channels_first' }, [null, 3, 4, 4, 4], [null, 1, 9, 9, 9], 25],
    // SeparableConv1D: depthwise 3·4·2 + pointwise 4·2·6 + bias 6.
    ['SeparableConv1D', { filters: 6, kernel_size: 3, depth_multiplier: 2 }, [null, 20, 4], [null, 18, 6], 78],
    ['SeparableConvolution1D', { filters: 6, kernel_size: 3, strides: 2, padding: 'same' }, [null, 21, 4], [null, 11, 6], 42],
    // 'causal' pads dilation·(kernel − 1) on the left: the length stays, ceil(21 / 2) = 11 with stride 2.
    ['Conv1D', { filters: 8, kernel_size: 3, padding: 'causal', dilation_rate: 2 }, [null, 21, 4], [null, 21, 8], 104],
    ['Conv1D', { filters: 8, kernel_size: 3, padding: 'causal', strides: 2 }, [null, 21, 4], [null, 11, 8], 104],
    // DepthwiseConv1D: 3·4·2 + 4·2.
    ['DepthwiseConv1D', { kernel_size: 3, depth_multiplier: 2 }, [null, 20, 4], [null, 18, 8], 32],
    ['DepthwiseConv1D', { kernel_size: 4, strides: 2, padding: 'same', data_format: 'channels_first', use_bias: false }, [null, 4, 21], [null, 4, 11], 16],
  ];
  it.each(rows)('%s(%j) on %j', (name, kwargs, input, output, params) => {
    const r = layer(`keras.layers.${name}`, [], kwargs as Record<string, ArgValue>, [input]);
    expect(r.errors).toEqual([]);
    expect(outputJson(r.output)).toEqual(output);
    expect(r.params).toBe(params);
  });

  it('takes positional arguments in Keras order', () => {
    const r = layer('keras.layers.Conv2D', [16, 3, 2, 'same'], { activation: 'relu', name: 'c1' }, [[null, 9, 9, 3]]);
    expect(outputJson(r.output)).toEqual([null, 5, 5, 16]);
    const d = layer('keras.layers.DepthwiseConv2D', [3, 1, 'valid', 2], {}, [[null, 9, 9, 3]]);
    expect(outputJson(d.output)).toEqual([null, 7, 7, 6]);
  });
});

// ---------------------------------------------------------------------------------------------
// Symbolic and unknown sizes.

describe('symbolic and unknown sizes', () => {
  const N = sym('N');
  const H = sym('H');
  const W = sym('W');

  it('Conv2d(3, 3, padding=1) keeps H and W', () => {
    const r = layer('torch.nn.Conv2d', [3, 3, 3], { padding: 1 }, [[N, 3, H, W]]);
    expect(r.errors).toEqual([]);
    expect((r.output as Shape)!.map((d) => dimToString(d))).toEqual(['N', '3', 'H', 'W']);
  });

  // dim.ts keeps (H - 1) // 2 + 1 in its normal form, which prints as (H + 1) // 2.
  const halved = (d: Dim): Dim => add(floordiv(sub(d, 1), 2), 1);

  it('stride 2 gives (H - 1) // 2 + 1', () => {
    const r = layer('torch.nn.Conv2d', [3, 8, 3], { padding: 1, stride: 2 }, [[N, 3, H, W]]);
    const [n, c, h, w] = r.output as Dim[];
    expect([dimToString(n), c]).toEqual(['N', 8]);
    expect(equalDims(h, halved(H))).toBe(true);
    expect(equalDims(w, halved(W))).toBe(true);
    expect(evaluateDim(h, { H: 14 })).toBe(7);
    expect(r.params).toBe(224);
  });

  it("Keras 'same' with stride 2 gives (H - 1) // 2 + 1", () => {
    const r = layer('keras.layers.Conv2D', [8, 3], { strides: 2, padding: 'same' }, [[null, H, W, 3]]);
    const [batch, h, w, c] = r.output as Dim[];
    expect([batch, c]).toEqual([null, 8]);
    expect(equalDims(h, halved(H))).toBe(true);
    expect(equalDims(w, halved(W))).toBe(true);
    expect(evaluateDim(h, { H: 7 })).toBe(4);
  });

  it('ConvTranspose2d doubles H', () => {
    const r = layer('torch.nn.ConvTranspose2d', [3, 8, 4], { stride: 2, padding: 1 }, [[N, 3, H, W]]);
    expect((r.output as Shape)!.map((d) => dimToString(d))).toEqual(['N', '8', '2 * H', '2 * W']);
  });

  it('a symbolic channel count is not an error', () => {
    const r = layer('torch.nn.Conv2d', [3, 8, 3], {}, [[N, sym('C'), 9, 9]]);
    expect(r.errors).toEqual([]);
    expect(outputJson(r.output)).toEqual(['N', 8, 7, 7]);
  });

  it('unknown dims flow through without errors', () => {
    const r = layer('torch.nn.Conv2d', [3, 8, 5], {}, [[null, null, null, 9]]);
    expect(r.errors).toEqual([]);
    expect(outputJson(r.output)).toEqual([null, 8, null, 5]);
    expect(r.params).toBe(608);
  });

  it('an unknown input shape gives an unknown output and PyTorch params', () => {
    const r = layer('torch.nn.Conv2d', [3, 8, 5], {}, [null]);
    expect(r.errors).toEqual([]);
    expect(r.output).toBeNull();
    expect(r.params).toBe(608);
    const lazy = layer('torch.nn.LazyConv2d', [8, 5], {}, [null]);
    expect(lazy.params).toBeNull();
    const keras = layer('keras.layers.Conv2D', [8, 5], {}, [null]);
    expect(keras.errors).toEqual([]);
    expect(keras.params).toBeNull();
  });

  it('unknown arguments never error', () => {
    const unknown = UnknownArg.instance;
    for (const [name, args, input] of [
      ['torch.nn.Conv2d', [unknown, unknown, unknown], [1, 3, 2, 2]],
      ['torch.nn.ConvTranspose2d', [unknown, 4, 3], [1, 3, 2, 2]],
      ['keras.layers.Conv2D', [unknown, unknown], [null, 2, 2, 3]],
      ['keras.layers.Conv2DTranspose', [4, unknown], [null, 2, 2, 3]],
      ['keras.layers.DepthwiseConv2D', [unknown], [null, 2, 2, 3]],
    ] as [string, ArgValue[], (number | null)[]][]) {
      const r = layer(name, args, { padding: unknown }, [input]);
      expect(r.errors, name).toEqual([]);
    }
  });

  it('Keras params need the input channel count', () => {
    const r = layer('keras.layers.Conv2D', [8, 3], {}, [[null, 9, 9, null]]);
    expect(outputJson(r.output)).toEqual([null, 7, 7, 8]);
    expect(r.params).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Errors, each with its argument and fix.

describe('errors', () => {
  it('conv-in-channels: underlines in_channels and fixes it to the real count', () => {
    const r = layer('torch.nn.Conv2d', [3, 6, 5], {}, [[1, 1, 32, 32]]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'conv-in-channels', arg: 'in_channels', fix: { arg: 'in_channels', value: 1 } });
    expect(r.errors[0].message).toContain('in_channels=3');
    expect(r.errors[0].message).toContain('has 1 channels');
    expect(outputJson(r.output)).toEqual([1, 6, 28, 28]);
  });

  it('conv-in-channels on an unbatched input and on ConvTranspose', () => {
    // PyTorch reads (1, 28, 28) as an unbatched input with 1 channel.
    expect(layer('torch.nn.Conv2d', [3, 6, 5], {}, [[1, 28, 28]]).errors[0]).toMatchObject({ code: 'conv-in-channels', fix: { value: 1 } });
    expect(layer('torch.nn.ConvTranspose1d', [8, 4, 3], {}, [[2, 6, 10]]).errors[0]).toMatchObject({ code: 'conv-in-channels', fix: { value: 6 } });
  });

  it('groups-divisible for in_channels and out_channels', () => {
    const a = layer('torch.nn.Conv2d', [3, 6, 3], { groups: 2 }, [[1, 3, 8, 8]]);
    expect(a.errors).toEqual([expect.objectContaining({ code: 'groups-divisible', arg: 'groups' })]);
    expect(a.errors[0].message).toContain('in_channels');
    const b = layer('torch.nn.Conv2d', [4, 6, 3], { groups: 4 }, [[1, 4, 8, 8]]);
    expect(b.errors).toEqual([expect.objectContaining({ code: 'groups-divisible', arg: 'groups' })]);
    expect(b.errors[0].message).toContain('out_channels is 6');
    expect(b.params).toBeNull();
    const keras = layer('keras.layers.Conv2D', [6, 3], { groups: 4 }, [[null, 8, 8, 8]]);
    expect(keras.errors).toEqual([expect.objectContaining({ code: 'groups-divisible', arg: 'groups' })]);
    const kerasInput = layer('keras.layers.Conv2D', [6, 3], { groups: 2 }, [[null, 8, 8, 5]]);
    expect(kerasInput.errors).toEqual([expect.objectContaining({ code: 'groups-divisible', arg: 'groups' })]);
  });

  it('nonpositive-size: a kernel larger than the padded input', () => {
    const r = layer('torch.nn.Conv2d', [1, 6, 5], {}, [[1, 1, 3, 3]]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'nonpositive-size', arg: 'kernel_size', fix: { arg: 'kernel_size', value: 3 } });
    expect(r.errors[0].message).toContain('kernel_size=5');
    expect(r.errors[0].message).toContain('only 3');
    expect(outputJson(r.output)).toEqual([1, 6, null, null]);
  });

  it('nonpositive-size counts padding and dilation, and offers no fix for a tuple kernel', () => {
    const padded = layer('torch.nn.Conv1d', [1, 1, 6], { padding: 1 }, [[1, 1, 3]]);
    expect(padded.errors[0]).toMatchObject({ code: 'nonpositive-size', fix: { value: 5 } });
    const dilated = layer('torch.nn.Conv1d', [1, 1, 3], { dilation: 4 }, [[1, 1, 8]]);
    expect(dilated.errors[0]).toMatchObject({ code: 'nonpositive-size', fix: { value: 2 } });
    const tuple = layer('torch.nn.Conv2d', [1, 1, [5, 1]], {}, [[1, 1, 3, 3]]);
    expect(tuple.errors[0]).toMatchObject({ code: 'nonpositive-size', arg: 'kernel_size', fix: undefined });
  });

  it("nonpositive-size for a Keras 'valid' kernel larger than its input, not for 'same'", () => {
    const r = layer('keras.layers.Conv2D', [8, 5], {}, [[null, 3, 9, 1]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'nonpositive-size', arg: 'kernel_size', fix: { arg: 'kernel_size', value: 3 } })]);
    expect(outputJson(r.output)).toEqual([null, null, 5, 8]);
    expect(layer('keras.layers.Conv2D', [8, 5], { padding: 'same' }, [[null, 3, 9, 1]]).errors).toEqual([]);
  });

  it('nonpositive-size for a ConvTranspose padding that eats the output', () => {
    const r = layer('torch.nn.ConvTranspose2d', [4, 6, 3], { padding: 3 }, [[1, 4, 2, 2]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'nonpositive-size', arg: 'padding' })]);
    expect(r.errors[0].message).toContain('-2');
  });

  it('rank-mismatch for PyTorch', () => {
    const r = layer('torch.nn.Conv2d', [3, 6, 3], {}, [[28, 28]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'rank-mismatch', arg: undefined })]);
    expect(r.errors[0].message).toContain('3-D (unbatched) or 4-D (batched)');
    expect(r.errors[0].message).toContain('(28, 28)');
    expect(layer('torch.nn.Conv1d', [3, 6, 3], {}, [[1, 3, 28, 28]]).errors[0].code).toBe('rank-mismatch');
  });

  it('rank-mismatch for Keras: a Conv2D fed (None, 28, 28)', () => {
    const r = layer('keras.layers.Conv2D', [8, 3], {}, [[null, 28, 28]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'rank-mismatch' })]);
    expect(r.errors[0].message).toContain('expected ndim=4, found ndim=3');
    expect(r.errors[0].message).toContain('(None, 28, 28)');
    expect(r.output).toBeNull();
  });

  it('Keras never reports conv-in-channels', () => {
    const r = layer('keras.layers.Conv2D', [8, 3], {}, [[null, 9, 9, 7]]);
    expect(r.errors).toEqual([]);
  });
});

describe('notes', () => {
  it('shows the window formula', () => {
    const r = layer('torch.nn.Conv2d', [3, 8, 3], { stride: 2, padding: 1 }, [[1, 3, 14, 14]]);
    expect(r.notes).toEqual(['Conv2d spatial sizes: (14 + 2 − 3) // 2 + 1 = 7']);
    const keras = layer('keras.layers.Conv1D', [8, 3], { strides: 2, padding: 'same' }, [[null, 9, 2]]);
    expect(keras.notes).toEqual(['Conv1D spatial size: ceil(9 / 2) = 5']);
    const transposed = layer('torch.nn.ConvTranspose1d', [3, 8, 4], { stride: 2, padding: 1 }, [[1, 3, 7]]);
    expect(transposed.notes[0]).toContain('= 14');
  });
});

// ---------------------------------------------------------------------------------------------
// tfSamePadding, checked against TensorFlow's own 'same' (tfjs): padding explicitly by
// (before, after) and convolving 'valid' must give exactly the 'same' result.

describe('tfSamePadding', () => {
  it.each([
    [5, 3, 2, 1, 1, 1],
    [6, 3, 2, 1, 0, 1],
    [224, 7, 2, 1, 2, 3],
    [5, 1, 2, 1, 0, 0],
    [6, 1, 3, 1, 0, 0],
    [9, 4, 1, 1, 1, 2],
    [10, 3, 1, 2, 2, 2],
    [7, 2, 3, 1, 0, 1],
  ])('in=%i kernel=%i stride=%i dilation=%i gives (%i, %i)', (input, kernel, stride, dilation, before, after) => {
    expect(tfSamePadding(input, kernel, stride, dilation)).toEqual({ before, after });
  });

  it('matches tfjs: pad (before, after) then valid equals same', () => {
    for (const [input, kernel, stride] of [
      [5, 3, 2],
      [6, 3, 2],
      [7, 4, 3],
      [8, 5, 2],
      [9, 2, 2],
    ]) {
      const { before, after } = tfSamePadding(input, kernel, stride, 1) as { before: number; after: number };
      const x = tf.range(0, input * input).reshape([1, input, input, 1]) as tf.Tensor4D;
      const w = tf.range(1, kernel * kernel + 1).reshape([kernel, kernel, 1, 1]) as tf.Tensor4D;
      const same = tf.conv2d(x, w, stride, 'same');
      const manual = tf.conv2d(tf.pad(x, [[0, 0], [before, after], [before, after], [0, 0]]), w, stride, 'valid');
      expect(manual.shape).toEqual(same.shape);
      expect(Array.from(manual.dataSync())).toEqual(Array.from(same.dataSync()));
    }
  });

  it('stays symbolic when the stride is 1 or the window covers the stride', () => {
    const H = sym('H');
    expect(tfSamePadding(H, 3, 1, 1)).toEqual({ before: 1, after: 1 });
    const strided = tfSamePadding(H, 3, 2, 1);
    expect(strided.before).not.toBeNull();
    expect(tfSamePadding(H, 1, 2, 1)).toEqual({ before: null, after: null });
  });
});
