// Table tests of the pooling family (server/src/shapes/layers/pool.ts). PyTorch expectations were
// computed once with real PyTorch by scripts/truth/conv_pool.py and pasted below; Keras
// expectations are computed in the test itself by building the same layer in @tensorflow/tfjs.
// What tfjs lacks (1-D data_format, GlobalPooling3D, keepdims) is checked by hand.

import { describe, expect, it } from 'vitest';
import { Dim, dimToString, equalDims, evaluateDim, floordiv, sym } from '../../server/src/shapes/dim';
import { ArgValue, Output, TupleOut, UnknownArg } from '../../server/src/shapes/types';
import { kerasAgainstTfjs, outputJson, type Json, type KerasCase } from '../helpers/keras-table';
import { layer } from '../helpers/rules';

type TorchRow = [string, Json[], Record<string, Json>, number[], Json, number];

// Pool truth from PyTorch 1.13.0a0 (scripts/truth/conv_pool.py).
const TORCH_POOL_TRUTH: TorchRow[] = [
  ['MaxPool1d', [3], { stride: 2 }, [20, 16, 50], [20, 16, 24], 0],
  ['MaxPool1d', [2], {}, [16, 51], [16, 25], 0],
  ['MaxPool1d', [3], { stride: 2, padding: 1, dilation: 2, ceil_mode: true }, [1, 4, 50], [1, 4, 25], 0],
  ['MaxPool2d', [2], {}, [1, 6, 28, 28], [1, 6, 14, 14], 0],
  ['MaxPool2d', [3], { stride: 2 }, [20, 16, 50, 32], [20, 16, 24, 15], 0],
  ['MaxPool2d', [[3, 2]], { stride: [2, 1] }, [20, 16, 50, 32], [20, 16, 24, 31], 0],
  ['MaxPool2d', [3], { stride: 2, padding: 1 }, [1, 64, 112, 112], [1, 64, 56, 56], 0],
  ['MaxPool2d', [3], { stride: 2, ceil_mode: true }, [1, 8, 14, 15], [1, 8, 7, 7], 0],
  ['MaxPool2d', [2], { stride: 2, ceil_mode: true, padding: 1 }, [1, 8, 5, 6], [1, 8, 3, 4], 0],
  ['MaxPool2d', [3], { stride: 1, padding: 1, dilation: 2 }, [6, 9, 9], [6, 7, 7], 0],
  ['MaxPool2d', [2], { return_indices: true }, [1, 3, 9, 8], { tuple: [[1, 3, 4, 4], [1, 3, 4, 4]] }, 0],
  ['MaxPool3d', [3], { stride: 2 }, [20, 16, 50, 44, 31], [20, 16, 24, 21, 15], 0],
  ['MaxPool3d', [[3, 2, 2]], { stride: [2, 1, 2] }, [16, 50, 44, 31], [16, 24, 43, 15], 0],
  ['MaxPool3d', [2], { return_indices: true, ceil_mode: true }, [1, 2, 5, 6, 7], { tuple: [[1, 2, 3, 3, 4], [1, 2, 3, 3, 4]] }, 0],
  ['AvgPool1d', [3], { stride: 2 }, [1, 1, 7], [1, 1, 3], 0],
  ['AvgPool1d', [4], { stride: 3, padding: 2, ceil_mode: true }, [3, 11], [3, 5], 0],
  ['AvgPool2d', [3], { stride: 2 }, [20, 16, 50, 32], [20, 16, 24, 15], 0],
  ['AvgPool2d', [[3, 2]], { stride: [2, 1], padding: 1 }, [20, 16, 50, 32], [20, 16, 25, 33], 0],
  ['AvgPool2d', [2], { ceil_mode: true, count_include_pad: false, divisor_override: 3 }, [4, 7, 9], [4, 4, 5], 0],
  ['AvgPool3d', [3], { stride: 2 }, [20, 16, 50, 44, 31], [20, 16, 24, 21, 15], 0],
  ['AvgPool3d', [[3, 2, 2]], { stride: [2, 1, 2], padding: [1, 0, 1] }, [16, 50, 44, 31], [16, 25, 43, 16], 0],
  ['AdaptiveAvgPool1d', [5], {}, [1, 64, 8], [1, 64, 5], 0],
  ['AdaptiveAvgPool1d', [3], {}, [64, 8], [64, 3], 0],
  ['AdaptiveAvgPool2d', [[5, 7]], {}, [1, 64, 8, 9], [1, 64, 5, 7], 0],
  ['AdaptiveAvgPool2d', [7], {}, [1, 64, 10, 9], [1, 64, 7, 7], 0],
  ['AdaptiveAvgPool2d', [[null, 7]], {}, [1, 64, 10, 9], [1, 64, 10, 7], 0],
  ['AdaptiveAvgPool2d', [1], {}, [512, 7, 7], [512, 1, 1], 0],
  ['AdaptiveAvgPool3d', [[5, 7, 9]], {}, [1, 64, 8, 9, 10], [1, 64, 5, 7, 9], 0],
  ['AdaptiveAvgPool3d', [[7, null, null]], {}, [1, 64, 10, 9, 8], [1, 64, 7, 9, 8], 0],
  ['AdaptiveMaxPool1d', [5], {}, [1, 64, 8], [1, 64, 5], 0],
  ['AdaptiveMaxPool1d', [3], { return_indices: true }, [64, 8], { tuple: [[64, 3], [64, 3]] }, 0],
  ['AdaptiveMaxPool2d', [[5, 7]], {}, [1, 64, 8, 9], [1, 64, 5, 7], 0],
  ['AdaptiveMaxPool2d', [[null, 7]], { return_indices: true }, [1, 64, 10, 9], { tuple: [[1, 64, 10, 7], [1, 64, 10, 7]] }, 0],
  ['AdaptiveMaxPool3d', [[5, 7, 9]], {}, [1, 64, 8, 9, 10], [1, 64, 5, 7, 9], 0],
  ['AdaptiveMaxPool3d', [2], {}, [64, 8, 9, 10], [64, 2, 2, 2], 0],
  ['LPPool1d', [2, 3], { stride: 2 }, [20, 16, 50], [20, 16, 24], 0],
  ['LPPool1d', [1.5, 4], { ceil_mode: true }, [16, 50], [16, 13], 0],
  ['LPPool2d', [2, 3], { stride: 2 }, [20, 16, 50, 32], [20, 16, 24, 15], 0],
  ['LPPool2d', [1.2, [3, 2]], { stride: [2, 1] }, [20, 16, 50, 32], [20, 16, 24, 31], 0],
  ['LPPool2d', [2, 2], { ceil_mode: true }, [16, 7, 9], [16, 4, 5], 0],
  ['LPPool3d', [2, 3], { stride: 2 }, [20, 16, 50, 44, 31], [20, 16, 24, 21, 15], 0],
  ['LPPool3d', [2, [3, 2, 2]], { ceil_mode: true }, [16, 9, 8, 7], [16, 3, 4, 4], 0],
  // FractionalMaxPool: output_size, or the input times output_ratio rounded down (PyTorch 1.13).
  ['FractionalMaxPool2d', [3], { output_size: [10, 10] }, [2, 3, 16, 16], [2, 3, 10, 10], 0],
  ['FractionalMaxPool2d', [3], { output_size: 7 }, [3, 15, 17], [3, 7, 7], 0],
  ['FractionalMaxPool2d', [3], { output_ratio: 0.5 }, [3, 15, 17], [3, 7, 8], 0],
  ['FractionalMaxPool2d', [3], { output_ratio: [0.5, 0.7] }, [2, 3, 16, 16], [2, 3, 8, 11], 0],
  ['FractionalMaxPool2d', [2], { output_ratio: 0.5, return_indices: true }, [2, 3, 16, 16], { tuple: [[2, 3, 8, 8], [2, 3, 8, 8]] }, 0],
  ['FractionalMaxPool3d', [2], { output_ratio: 0.5 }, [1, 2, 8, 9, 10], [1, 2, 4, 4, 5], 0],
  // MaxUnpool without output_size: (in − 1)·stride + kernel − 2·padding (PyTorch 1.13).
  ['MaxUnpool1d', [2], {}, [1, 3, 5], [1, 3, 10], 0],
  ['MaxUnpool2d', [3], { stride: 2, padding: 1 }, [1, 2, 4, 5], [1, 2, 7, 9], 0],
  ['MaxUnpool2d', [[2, 3]], {}, [3, 4, 5], [3, 8, 15], 0],
  ['MaxUnpool3d', [2], {}, [2, 3, 4, 5], [2, 6, 8, 10], 0],  // Unfold / Fold (PyTorch 1.13, scripts/truth/conv_pool.py).
  ["Unfold", [3], {}, [2, 4, 9, 10], [2, 36, 56], 0],
  ["Unfold", [[2, 3]], {"dilation": 2, "padding": 1, "stride": 2}, [2, 4, 9, 10], [2, 24, 20], 0],
  ["Unfold", [4], {"stride": 4}, [3, 8, 8], [48, 4], 0],
  ["Fold", [[4, 5], [2, 2]], {}, [1, 12, 12], [1, 3, 4, 5], 0],
  ["Fold", [4, 2], {"stride": 2}, [8, 4], [2, 4, 4], 0],
];

describe('PyTorch pooling agrees with PyTorch', () => {
  it.each(TORCH_POOL_TRUTH)('%s(%j, %j) on %j', (name, args, kwargs, input, output, params) => {
    const r = layer(`torch.nn.${name}`, args as ArgValue[], kwargs as Record<string, ArgValue>, [input]);
    expect(r.errors).toEqual([]);
    expect(outputJson(r.output)).toEqual(output);
    expect(r.params).toBe(params);
  });
});

// ---------------------------------------------------------------------------------------------
// Keras, against tfjs-layers.

const KERAS_POOL_CASES: KerasCase[] = [
  { name: 'MaxPooling1D', tfjs: 'maxPooling1d', kwargs: {}, input: [null, 21, 4] },
  { name: 'MaxPooling1D', tfjs: 'maxPooling1d', kwargs: { pool_size: 3, strides: 2, padding: 'same' }, input: [null, 21, 4] },
  { name: 'MaxPool1D', tfjs: 'maxPooling1d', kwargs: { pool_size: 4, strides: 1 }, input: [null, 9, 2] },
  { name: 'MaxPooling2D', tfjs: 'maxPooling2d', kwargs: {}, input: [null, 28, 28, 32] },
  { name: 'MaxPooling2D', tfjs: 'maxPooling2d', kwargs: {}, input: [null, 7, 9, 3] },
  { name: 'MaxPooling2D', tfjs: 'maxPooling2d', kwargs: { pool_size: 3, strides: 2, padding: 'same' }, input: [null, 7, 9, 3] },
  { name: 'MaxPooling2D', tfjs: 'maxPooling2d', kwargs: { pool_size: [3, 2], strides: [1, 2] }, input: [null, 7, 9, 3] },
  { name: 'MaxPooling2D', tfjs: 'maxPooling2d', kwargs: { pool_size: 2, data_format: 'channels_first' }, input: [null, 3, 7, 9] },
  { name: 'MaxPool2D', tfjs: 'maxPooling2d', kwargs: { padding: 'same' }, input: [null, 5, 5, 1] },
  { name: 'MaxPooling2D', tfjs: 'maxPooling2d', kwargs: {}, input: [null, null, null, 3] },
  { name: 'MaxPooling3D', tfjs: 'maxPooling3d', kwargs: {}, input: [null, 8, 9, 10, 2] },
  { name: 'MaxPooling3D', tfjs: 'maxPooling3d', kwargs: { pool_size: [3, 2, 1], strides: 2, padding: 'same' }, input: [null, 7, 8, 9, 2] },
  { name: 'MaxPool3D', tfjs: 'maxPooling3d', kwargs: { data_format: 'channels_first' }, input: [null, 2, 5, 6, 7] },
  { name: 'AveragePooling1D', tfjs: 'averagePooling1d', kwargs: {}, input: [null, 21, 4] },
  { name: 'AveragePooling1D', tfjs: 'averagePooling1d', kwargs: { pool_size: 5, strides: 3, padding: 'same' }, input: [null, 22, 4] },
  { name: 'AvgPool1D', tfjs: 'averagePooling1d', kwargs: { pool_size: 3 }, input: [null, 10, 1] },
  { name: 'AveragePooling2D', tfjs: 'averagePooling2d', kwargs: {}, input: [null, 7, 9, 3] },
  { name: 'AveragePooling2D', tfjs: 'averagePooling2d', kwargs: { pool_size: 3, strides: 2, padding: 'same' }, input: [null, 7, 9, 3] },
  { name: 'AvgPool2D', tfjs: 'averagePooling2d', kwargs: { pool_size: [2, 3], data_format: 'channels_first' }, input: [null, 3, 7, 9] },
  { name: 'AveragePooling3D', tfjs: 'averagePooling3d', kwargs: {}, input: [null, 8, 9, 10, 2] },
  { name: 'AvgPool3D', tfjs: 'averagePooling3d', kwargs: { pool_size: 3, strides: [1, 2, 3], padding: 'same' }, input: [null, 8, 9, 10, 2] },
  { name: 'GlobalAveragePooling1D', tfjs: 'globalAveragePooling1d', kwargs: {}, input: [null, 21, 4] },
  { name: 'GlobalAvgPool1D', tfjs: 'globalAveragePooling1d', kwargs: {}, input: [null, null, 16] },
  { name: 'GlobalAveragePooling2D', tfjs: 'globalAveragePooling2d', kwargs: {}, input: [null, 7, 7, 512] },
  { name: 'GlobalAvgPool2D', tfjs: 'globalAveragePooling2d', kwargs: { data_format: 'channels_first' }, input: [null, 512, 7, 7] },
  { name: 'GlobalMaxPooling1D', tfjs: 'globalMaxPooling1d', kwargs: {}, input: [null, 21, 4] },
  { name: 'GlobalMaxPool1D', tfjs: 'globalMaxPooling1d', kwargs: {}, input: [null, 3, 8] },
  { name: 'GlobalMaxPooling2D', tfjs: 'globalMaxPooling2d', kwargs: {}, input: [null, 5, 6, 3] },
  { name: 'GlobalMaxPool2D', tfjs: 'globalMaxPooling2d', kwargs: { data_format: 'channels_first' }, input: [null, 3, 5, 6] },
];

describe('Keras pooling agrees with tfjs-layers', () => {
  kerasAgainstTfjs(KERAS_POOL_CASES);
});

describe('Keras pooling that tfjs lacks, by Keras formulas', () => {
  // [name, kwargs, input, output]
  const rows: [string, Record<string, Json>, (number | null)[], (number | null)[]][] = [
    ['MaxPooling1D', { pool_size: 2, data_format: 'channels_first' }, [null, 4, 21], [null, 4, 10]],
    ['AveragePooling1D', { pool_size: 3, strides: 2, padding: 'same', data_format: 'channels_first' }, [null, 4, 21], [null, 4, 11]],
    ['GlobalMaxPooling1D', { data_format: 'channels_first' }, [null, 4, 21], [null, 4]],
    ['GlobalAveragePooling1D', { keepdims: true }, [null, 21, 4], [null, 1, 4]],
    ['GlobalAveragePooling2D', { keepdims: true }, [null, 7, 7, 512], [null, 1, 1, 512]],
    ['GlobalMaxPooling2D', { keepdims: true, data_format: 'channels_first' }, [null, 512, 7, 7], [null, 512, 1, 1]],
    ['GlobalAveragePooling3D', {}, [null, 4, 5, 6, 8], [null, 8]],
    ['GlobalAvgPool3D', { data_format: 'channels_first', keepdims: true }, [null, 8, 4, 5, 6], [null, 8, 1, 1, 1]],
    ['GlobalMaxPooling3D', {}, [null, 4, 5, 6, 8], [null, 8]],
    ['GlobalMaxPool3D', { keepdims: true }, [null, 4, 5, 6, 8], [null, 1, 1, 1, 8]],
  ];
  it.each(rows)('%s(%j) on %j', (name, kwargs, input, output) => {
    const r = layer(`keras.layers.${name}`, [], kwargs as Record<string, ArgValue>, [input]);
    expect(r.errors).toEqual([]);
    expect(outputJson(r.output)).toEqual(output);
    expect(r.params).toBe(0);
  });

  it('takes positional arguments in Keras order', () => {
    expect(outputJson(layer('keras.layers.MaxPooling2D', [3, 2, 'same'], { name: 'pool1' }, [[null, 7, 9, 3]]).output)).toEqual([null, 4, 5, 3]);
    expect(outputJson(layer('keras.layers.GlobalAveragePooling2D', [null, true], {}, [[null, 7, 9, 3]]).output)).toEqual([null, 1, 1, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// Symbolic and unknown sizes.

describe('symbolic and unknown sizes', () => {
  const N = sym('N');
  const H = sym('H');
  const W = sym('W');
  const text = (o: Output): string[] => (o as Dim[]).map((d) => dimToString(d));

  it('MaxPool2d(2) halves H and W', () => {
    const r = layer('torch.nn.MaxPool2d', [2], {}, [[N, 16, H, W]]);
    expect(r.errors).toEqual([]);
    const [n, c, h, w] = r.output as Dim[];
    expect([dimToString(n), c]).toEqual(['N', 16]);
    expect(equalDims(h, floordiv(H, 2))).toBe(true);
    expect(equalDims(w, floordiv(W, 2))).toBe(true);
  });

  it('MaxPool2d(3, 1, 1) keeps H', () => {
    expect(text(layer('torch.nn.MaxPool2d', [3, 1, 1], {}, [[N, 16, H, W]]).output)).toEqual(['N', '16', 'H', 'W']);
  });

  it('adaptive pools ignore the input size, and None keeps it', () => {
    expect(text(layer('torch.nn.AdaptiveAvgPool2d', [[null, 1]], {}, [[N, 16, H, W]]).output)).toEqual(['N', '16', 'H', '1']);
  });

  it('Keras pooling and global pooling with symbolic sizes', () => {
    const [batch, h, w, c] = layer('keras.layers.MaxPooling2D', [], {}, [[null, H, W, 3]]).output as Dim[];
    expect([batch, c]).toEqual([null, 3]);
    expect(equalDims(h, floordiv(H, 2))).toBe(true);
    expect(evaluateDim(w, { W: 9 })).toBe(4);
    expect(text(layer('keras.layers.GlobalAveragePooling2D', [], {}, [[N, H, W, sym('C')]]).output)).toEqual(['N', 'C']);
  });

  it('unknown dims, shapes and arguments never error', () => {
    const unknown = UnknownArg.instance;
    const runs = [
      layer('torch.nn.MaxPool2d', [2], {}, [[null, null, null, null]]),
      layer('torch.nn.MaxPool2d', [unknown], { padding: unknown }, [[1, 3, 2, 2]]),
      layer('torch.nn.AvgPool1d', [3], { stride: unknown }, [[1, 3, 2]]),
      layer('torch.nn.AdaptiveAvgPool2d', [unknown], {}, [[1, 3, 2, 2]]),
      layer('torch.nn.MaxPool2d', [2], {}, [null]),
      layer('keras.layers.MaxPooling2D', [unknown], {}, [[null, 1, 1, 3]]),
      layer('keras.layers.AveragePooling2D', [], { padding: unknown }, [[null, 1, 1, 3]]),
      layer('keras.layers.GlobalMaxPooling2D', [], {}, [null]),
    ];
    for (const r of runs) expect(r.errors).toEqual([]);
    expect(outputJson(runs[0].output)).toEqual([null, null, null, null]);
    expect(outputJson(runs[3].output)).toEqual([1, 3, null, null]);
    expect(runs[4].output).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Errors, each with its argument and fix.

describe('errors', () => {
  it('nonpositive-size: a PyTorch window larger than its input', () => {
    const r = layer('torch.nn.MaxPool2d', [3], {}, [[1, 1, 2, 2]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'nonpositive-size', arg: 'kernel_size', fix: { arg: 'kernel_size', value: 2 } })]);
    expect(r.errors[0].message).toContain('kernel_size=3');
    expect(r.errors[0].message).toContain('only 2');
    expect(outputJson(r.output)).toEqual([1, 1, null, null]);
  });

  it('nonpositive-size: PyTorch refuses padding above half the kernel', () => {
    const r = layer('torch.nn.MaxPool2d', [3], { padding: 2 }, [[1, 1, 8, 8]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'nonpositive-size', arg: 'padding', fix: { arg: 'padding', value: 1 } })]);
    expect(r.errors[0].message).toContain('half of kernel_size');
    expect(r.errors[0].message).toContain('closest rule');
    expect(layer('torch.nn.AvgPool1d', [3], { padding: 2 }, [[1, 1, 8]]).errors[0]).toMatchObject({ code: 'nonpositive-size', arg: 'padding' });
    // kernel 2 allows padding 1.
    expect(layer('torch.nn.MaxPool2d', [2], { padding: 1 }, [[1, 1, 8, 8]]).errors).toEqual([]);
  });

  it('nonpositive-size: PyTorch refuses a fractional output_size whose windows overrun the input', () => {
    // fractional_max_pool2d(): pool height 3 too large relative to input height 16 (output 20).
    const r = layer('torch.nn.FractionalMaxPool2d', [3], { output_size: [20, 20] }, [[2, 3, 16, 16]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'nonpositive-size', arg: 'output_size' })]);
    // 14 + 3 − 1 = 16 fits exactly.
    expect(layer('torch.nn.FractionalMaxPool2d', [3], { output_size: 14 }, [[2, 3, 16, 16]]).errors).toEqual([]);
  });

  it("nonpositive-size: a Keras 'valid' pool larger than its input, not 'same'", () => {
    const r = layer('keras.layers.MaxPooling2D', [3], {}, [[null, 2, 2, 1]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'nonpositive-size', arg: 'pool_size', fix: { arg: 'pool_size', value: 2 } })]);
    expect(layer('keras.layers.MaxPooling2D', [3], { padding: 'same' }, [[null, 2, 2, 1]]).errors).toEqual([]);
    const defaulted = layer('keras.layers.AveragePooling1D', [], {}, [[null, 1, 4]]);
    expect(defaulted.errors[0]).toMatchObject({ code: 'nonpositive-size', arg: 'pool_size', fix: { arg: 'pool_size', value: 1 } });
    expect(defaulted.errors[0].message).toContain('(default)');
  });

  it('Unfold and Fold refuse what PyTorch refuses, with its message', () => {
    // PyTorch 1.13 (scripts/truth/conv_pool.py): "... calculated shape of the array of sliding blocks as (0, 0), but its components must be at least one."
    const small = layer('torch.nn.Unfold', [3], {}, [[1, 4, 2, 2]]);
    expect(small.errors).toEqual([expect.objectContaining({ code: 'nonpositive-size', arg: 'kernel_size' })]);
    expect(small.errors[0].message).toContain('calculated shape of the array of sliding blocks as (0, 0)');
    const indivisible = layer('torch.nn.Fold', [[4, 5], [2, 2]], {}, [[1, 13, 12]]);
    expect(indivisible.errors[0]).toMatchObject({ code: 'reshape-size', arg: 'kernel_size' });
    expect(indivisible.errors[0].message).toContain("got input.size(1)=13");
    const blocks = layer('torch.nn.Fold', [[4, 5], [2, 2]], {}, [[1, 12, 11]]);
    expect(blocks.errors[0]).toMatchObject({ code: 'reshape-size', arg: 'output_size' });
    expect(blocks.errors[0].message).toContain('the calculated number of sliding blocks 3 * 4 = 12, but got input.size(2)=11');
  });

  it('rank-mismatch for PyTorch', () => {
    const r = layer('torch.nn.MaxPool2d', [2], {}, [[8, 8]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'rank-mismatch' })]);
    expect(r.errors[0].message).toContain('3-D (unbatched) or 4-D (batched)');
    expect(layer('torch.nn.AdaptiveAvgPool2d', [1], {}, [[1, 2, 3, 4, 5]]).errors[0].code).toBe('rank-mismatch');
    const indices = layer('torch.nn.MaxPool1d', [2], { return_indices: true }, [[8]]);
    expect(indices.output).toBeInstanceOf(TupleOut);
  });

  it('rank-mismatch for Keras: GlobalMaxPooling2D fed a sequence', () => {
    const r = layer('keras.layers.GlobalMaxPooling2D', [], {}, [[null, 100, 64]]);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'rank-mismatch' })]);
    expect(r.errors[0].message).toContain('expected ndim=4, found ndim=3');
    expect(r.errors[0].message).toContain('(None, 100, 64)');
    expect(r.errors[0].message).toContain('its input');
    expect(layer('keras.layers.MaxPooling1D', [], {}, [[null, 8, 8, 3]]).errors[0].message).toContain('expected ndim=3, found ndim=4');
  });
});

describe('notes', () => {
  it('shows the window formula', () => {
    expect(layer('torch.nn.MaxPool2d', [3, 2, 1], {}, [[1, 64, 112, 112]]).notes).toEqual(['MaxPool2d spatial sizes: (112 + 2 − 3) // 2 + 1 = 56']);
    expect(layer('keras.layers.MaxPooling1D', [3, 2, 'same'], {}, [[null, 21, 4]]).notes).toEqual(['MaxPooling1D spatial size: ceil(21 / 2) = 11']);
    expect(layer('torch.nn.MaxPool1d', [2, 2], { ceil_mode: true }, [[1, 4, 7]]).notes).toEqual(['MaxPool1d spatial size: ceil((7 − 2) / 2) + 1 = 4']);
  });
});
