// Table tests of the resize family (server/src/shapes/layers/resize.ts): PyTorch rows computed with
// real PyTorch by scripts/truth/reshape_resize.py, Keras rows checked against tfjs-layers in the test
// where tfjs has the layer, else against Keras 3's documented examples.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dimToJson, sym } from '../../server/src/shapes/dim';
import { firstShape } from '../../server/src/shapes/shape';
import type { ArgValue, Output } from '../../server/src/shapes/types';
import { findLayer } from '../../server/src/shapes/registry';
import { layer } from '../helpers/rules';

type Row = [string, ArgValue[], Record<string, ArgValue>, number[], number[] | string];

function json(o: Output): (number | string | null)[] | null {
  const s = firstShape(o);
  return s === null ? null : s.map(dimToJson);
}

function codes(r: ReturnType<typeof layer>): [string, string | undefined][] {
  return r.errors.map((e) => [e.code, e.arg]);
}

// Computed with PyTorch 1.13.0a0 by scripts/truth/reshape_resize.py (ZeroPad1d/3d and CircularPad
// through torch.nn.functional.pad, which those 2.1 modules call).
const TORCH_ROWS: Row[] = [
  ["Upsample", [], {"scale_factor": 2}, [1, 3, 14, 14], [1, 3, 28, 28]],
  ["Upsample", [], {"scale_factor": 1.5}, [1, 3, 7, 7], [1, 3, 10, 10]],
  ["Upsample", [], {"scale_factor": 1.1}, [1, 3, 7], [1, 3, 7]],
  ["Upsample", [], {"scale_factor": 0.5}, [1, 3, 7, 7], [1, 3, 3, 3]],
  ["Upsample", [], {"scale_factor": [2, 3]}, [1, 3, 7, 9], [1, 3, 14, 27]],
  ["Upsample", [12], {"mode": "linear"}, [1, 3, 5], [1, 3, 12]],
  ["Upsample", [], {"size": [10, 12]}, [1, 3, 7, 7], [1, 3, 10, 12]],
  ["Upsample", [28], {"mode": "bilinear", "align_corners": false}, [1, 3, 14, 14], [1, 3, 28, 28]],
  ["Upsample", [], {"scale_factor": 2, "mode": "trilinear"}, [1, 3, 4, 5, 6], [1, 3, 8, 10, 12]],
  ["Upsample", [], {"scale_factor": 2, "mode": "bicubic"}, [2, 3, 5, 6], [2, 3, 10, 12]],
  ["Upsample", [], {"scale_factor": 2.0, "recompute_scale_factor": true}, [1, 3, 7], [1, 3, 14]],
  ["Upsample", [], {"scale_factor": 2}, [3, 4], "error: Input Error: Only 3D, 4D and 5D input Tensors supported (got 2D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got nearest)"],
  ["Upsample", [], {"scale_factor": 2, "mode": "bilinear"}, [1, 3, 4], "error: Got 3D input, but bilinear mode needs 4D input"],
  ["Upsample", [], {"scale_factor": 0.1}, [1, 3, 4], "error: Input and output sizes should be greater than 0, but got input (W: 4) and output (W: 0)"],
  ["Upsample", [], {"size": [3, 4]}, [1, 3, 4], "error: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [4] and output size of (3, 4). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format."],
  ["UpsamplingNearest2d", [], {"scale_factor": 2}, [1, 3, 7, 7], [1, 3, 14, 14]],
  ["UpsamplingNearest2d", [[5, 9]], {}, [1, 3, 7, 7], [1, 3, 5, 9]],
  ["UpsamplingBilinear2d", [], {"scale_factor": 2}, [1, 3, 7, 7], [1, 3, 14, 14]],
  ["UpsamplingBilinear2d", [null, 1.5], {}, [2, 8, 10, 6], [2, 8, 15, 9]],
  ["PixelShuffle", [3], {}, [1, 18, 4, 4], [1, 2, 12, 12]],
  ["PixelShuffle", [2], {}, [8, 4, 5], [2, 8, 10]],
  ["PixelShuffle", [2], {}, [2, 3, 8, 4, 5], [2, 3, 2, 8, 10]],
  ["PixelShuffle", [3], {}, [1, 6, 4, 4], "error: pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=6 is not divisible by 9"],
  ["PixelShuffle", [3], {}, [6, 4], "error: pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)"],
  ["PixelUnshuffle", [2], {}, [1, 2, 8, 6], [1, 8, 4, 3]],
  ["PixelUnshuffle", [3], {}, [4, 9, 6], [36, 3, 2]],
  ["PixelUnshuffle", [2], {}, [1, 2, 7, 6], "error: pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=7 is not divisible by 2"],
  ["PixelUnshuffle", [2], {}, [1, 2, 8, 5], "error: pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=5 is not divisible by 2"],
  ["ZeroPad1d", [2], {}, [1, 3, 7], [1, 3, 11]],
  ["ZeroPad1d", [[1, 3]], {}, [3, 7], [3, 11]],
  ["ZeroPad2d", [2], {}, [1, 3, 7, 7], [1, 3, 11, 11]],
  ["ZeroPad2d", [[1, 2, 3, 4]], {}, [1, 3, 7, 7], [1, 3, 14, 10]],
  ["ZeroPad2d", [[1, 2, 3, 4]], {}, [3, 7, 7], [3, 14, 10]],
  ["ZeroPad3d", [1], {}, [1, 3, 4, 5, 6], [1, 3, 6, 7, 8]],
  ["ZeroPad3d", [[1, 2, 3, 4, 5, 6]], {}, [1, 3, 4, 5, 6], [1, 3, 15, 12, 9]],
  ["ConstantPad1d", [3, 3.5], {}, [1, 3, 7], [1, 3, 13]],
  ["ConstantPad1d", [[1, 2], 0.0], {}, [3, 7], [3, 10]],
  ["ConstantPad2d", [[1, 2, 3, 4], 1.0], {}, [1, 3, 7, 7], [1, 3, 14, 10]],
  ["ConstantPad2d", [4, 0.0], {}, [2, 3, 4, 5, 6], [2, 3, 4, 13, 14]],
  ["ConstantPad2d", [-2, 0.0], {}, [1, 3, 4, 4], [1, 3, 0, 0]],
  ["ConstantPad2d", [-3, 0.0], {}, [1, 3, 4, 4], "error: start (0) + length (-2) exceeds dimension size (1)."],
  ["ConstantPad2d", [4, 0.0], {}, [4], "error: Padding length too large"],
  ["ConstantPad3d", [[1, 2, 3, 4, 5, 6], 0.0], {}, [1, 3, 4, 5, 6], [1, 3, 15, 12, 9]],
  ["ReflectionPad1d", [2], {}, [1, 3, 7], [1, 3, 11]],
  ["ReflectionPad1d", [[3, 0]], {}, [1, 3, 4], [1, 3, 7]],
  ["ReflectionPad2d", [[1, 1, 2, 0]], {}, [1, 3, 4, 4], [1, 3, 6, 6]],
  ["ReflectionPad2d", [[3, 3, 0, 0]], {}, [3, 4, 4], [3, 4, 10]],
  ["ReflectionPad2d", [4], {}, [1, 3, 4, 4], "error: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 4) at dimension 3 of input 4"],
  ["ReflectionPad3d", [1], {}, [1, 1, 3, 3, 3], [1, 1, 5, 5, 5]],
  ["ReplicationPad1d", [[30, 0]], {}, [1, 3, 4], [1, 3, 34]],
  ["ReplicationPad2d", [2], {}, [1, 3, 7, 7], [1, 3, 11, 11]],
  ["ReplicationPad2d", [-1], {}, [1, 3, 4, 4], [1, 3, 2, 2]],
  ["ReplicationPad2d", [-2], {}, [1, 3, 4, 4], "error: input (H: 4, W: 4 ) is too small. Calculated output H: 0 W: 0"],
  ["ReplicationPad3d", [[1, 0, 2, 0, 3, 0]], {}, [2, 3, 4, 5], [2, 6, 6, 6]],
  ["CircularPad1d", [[4, 0]], {}, [1, 3, 4], [1, 3, 8]],
  ["CircularPad1d", [[5, 5]], {}, [1, 3, 4], "error: Padding value causes wrapping around more than once."],
  ["CircularPad2d", [1], {}, [1, 3, 7, 7], [1, 3, 9, 9]],
  ["CircularPad3d", [[1, 1, 2, 2, 0, 0]], {}, [1, 3, 4, 5, 6], [1, 3, 4, 9, 8]],
];

describe('PyTorch resize and padding layers against PyTorch', () => {
  it.each(TORCH_ROWS)('%s(%j, %j) on %j', (name, args, kwargs, input, expected) => {
    const r = layer(`torch.nn.${name}`, args, kwargs, [input]);
    if (typeof expected === 'string') {
      expect(r.errors.length).toBeGreaterThan(0);
    } else {
      expect(r.errors).toEqual([]);
      expect(json(r.output)).toEqual(expected);
      expect(r.params).toBe(0);
    }
  });
});

describe('PyTorch Upsample details', () => {
  it('scales symbolic sizes by integer factors and notes the formula', () => {
    const r = layer('torch.nn.Upsample', [], { scale_factor: 2 }, [[sym('N'), 3, sym('H'), sym('W')]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual(['N', 3, '2 * H', '2 * W']);
    const numeric = layer('torch.nn.Upsample', [], { scale_factor: 1.5 }, [[1, 3, 7, 7]]);
    expect(numeric.notes).toContain('H: floor(7 · 1.5) = 10');
  });

  it('leaves a fractional scale of a symbolic or unknown size unknown, without errors', () => {
    const r = layer('torch.nn.Upsample', [], { scale_factor: 1.5 }, [[1, 3, sym('H'), null]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual([1, 3, null, null]);
    expect(layer('torch.nn.Upsample', [], { scale_factor: 2 }, [null]).errors).toEqual([]);
  });

  it('reports ranks PyTorch refuses', () => {
    expect(codes(layer('torch.nn.Upsample', [], { scale_factor: 2 }, [[3, 4]]))).toEqual([['rank-mismatch', undefined]]);
    expect(codes(layer('torch.nn.Upsample', [], { scale_factor: 2, mode: 'bilinear' }, [[1, 3, 4]]))).toEqual([['rank-mismatch', 'mode']]);
    expect(codes(layer('torch.nn.UpsamplingBilinear2d', [], { scale_factor: 2 }, [[1, 3, 4]]))).toEqual([['rank-mismatch', undefined]]);
    expect(codes(layer('torch.nn.Upsample', [], { size: [3, 4] }, [[1, 3, 4]]))).toEqual([['rank-mismatch', 'size']]);
    expect(codes(layer('torch.nn.Upsample', [], { scale_factor: [2, 3] }, [[1, 3, 7]]))).toEqual([['rank-mismatch', 'scale_factor']]);
  });

  it('reports an output size of 0 on scale_factor, and a nonpositive size on size', () => {
    const r = layer('torch.nn.Upsample', [], { scale_factor: 0.1 }, [[1, 3, 4]]);
    expect(codes(r)).toEqual([['nonpositive-size', 'scale_factor']]);
    expect(r.errors[0].message).toContain('floor(4 · 0.1) = 0');
    expect(codes(layer('torch.nn.Upsample', [[0, 5]], {}, [[1, 3, 4, 4]]))).toEqual([['nonpositive-size', 'size']]);
  });
});

describe('PyTorch PixelShuffle details', () => {
  it('reports channels not divisible by r² as PyTorch words it, on upscale_factor', () => {
    const r = layer('torch.nn.PixelShuffle', [3], {}, [[1, 6, 4, 4]]);
    expect(codes(r)).toEqual([['groups-divisible', 'upscale_factor']]);
    expect(r.errors[0].message).toContain("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor");
    expect(r.errors[0].message).toContain('input.size(-3)=6 is not divisible by 9');
    expect(json(r.output)).toEqual([1, null, 12, 12]);
  });

  it('reports spatial sizes not divisible by the downscale factor', () => {
    const r = layer('torch.nn.PixelUnshuffle', [2], {}, [[1, 2, 7, 6]]);
    expect(codes(r)).toEqual([['groups-divisible', 'downscale_factor']]);
    expect(r.errors[0].message).toContain('input.size(-2)=7 is not divisible by 2');
  });

  it('reports ranks below 3', () => {
    expect(codes(layer('torch.nn.PixelShuffle', [3], {}, [[6, 4]]))).toEqual([['rank-mismatch', undefined]]);
    expect(codes(layer('torch.nn.PixelUnshuffle', [3], {}, [[6, 4]]))).toEqual([['rank-mismatch', undefined]]);
  });

  it('keeps symbolic sizes and never errors on them', () => {
    const r = layer('torch.nn.PixelShuffle', [2], {}, [[sym('N'), sym('C'), sym('H'), sym('W')]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual(['N', 'C // 4', '2 * H', '2 * W']);
    const u = layer('torch.nn.PixelUnshuffle', [2], {}, [[1, 3, sym('H'), null]]);
    expect(u.errors).toEqual([]);
    expect(json(u.output)).toEqual([1, 12, 'H // 2', null]);
  });
});

describe('PyTorch padding details', () => {
  it('reports reflection padding not smaller than the input, on padding', () => {
    const r = layer('torch.nn.ReflectionPad2d', [4], {}, [[1, 3, 4, 4]]);
    expect(codes(r)).toEqual([['nonpositive-size', 'padding']]);
    expect(r.errors[0].message).toContain('padding (4, 4) at dimension 3 must be smaller than that dimension of the input (4)');
    expect(json(r.output)).toEqual([1, 3, 12, 12]);
  });

  it('reports circular padding that wraps more than once', () => {
    expect(codes(layer('torch.nn.CircularPad1d', [[5, 5]], {}, [[1, 3, 4]]))).toEqual([['nonpositive-size', 'padding']]);
  });

  it('reports negative padding that leaves nothing (constant mode allows an empty dimension)', () => {
    expect(codes(layer('torch.nn.ConstantPad2d', [-3, 0.0], {}, [[1, 3, 4, 4]]))).toEqual([['nonpositive-size', 'padding']]);
    expect(codes(layer('torch.nn.ReplicationPad2d', [-2], {}, [[1, 3, 4, 4]]))).toEqual([['nonpositive-size', 'padding']]);
    expect(layer('torch.nn.ConstantPad2d', [-2, 0.0], {}, [[1, 3, 4, 4]]).errors).toEqual([]);
  });

  it('reports ranks PyTorch refuses', () => {
    expect(codes(layer('torch.nn.ConstantPad2d', [4, 0.0], {}, [[4]]))).toEqual([['rank-mismatch', undefined]]);
    expect(codes(layer('torch.nn.ReflectionPad2d', [1], {}, [[4, 4]]))).toEqual([['rank-mismatch', undefined]]);
    expect(codes(layer('torch.nn.ReplicationPad1d', [1], {}, [[1, 2, 3, 4]]))).toEqual([['rank-mismatch', undefined]]);
  });

  it('pads symbolic sizes, never checks them, and notes the sums', () => {
    const r = layer('torch.nn.ReflectionPad2d', [[1, 2, 3, 4]], {}, [[sym('N'), 3, sym('H'), null]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual(['N', 3, 'H + 7', null]);
    expect(r.notes).toContain('dim 2: H + 3 + 4 = H + 7');
  });

  it('leaves the padded dimensions unknown when the padding is', () => {
    const r = layer('torch.nn.ZeroPad2d', [[1, 2]], {}, [[1, 3, 7, 7]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual([1, 3, null, null]);
  });
});

/** The tfjs output shape and parameter count of a layer applied to a symbolic input of the given per-sample shape. */
function tfjsRun(make: () => tf.layers.Layer, perSample: number[]): { shape: (number | null)[]; params: number } {
  const built = make();
  const out = built.apply(tf.input({ shape: perSample })) as tf.SymbolicTensor;
  return { shape: out.shape, params: built.countParams() };
}

describe('Keras resize layers against tfjs-layers', () => {
  const rows: [string, ArgValue[], Record<string, ArgValue>, number[], () => tf.layers.Layer][] = [
    ['UpSampling2D', [], {}, [14, 14, 64], () => tf.layers.upSampling2d({})],
    ['UpSampling2D', [[2, 3]], {}, [7, 9, 8], () => tf.layers.upSampling2d({ size: [2, 3] })],
    ['UpSampling2D', [[2, 3]], { data_format: 'channels_first' }, [8, 7, 9], () => tf.layers.upSampling2d({ size: [2, 3], dataFormat: 'channelsFirst' })],
    ['UpSampling2D', [], { interpolation: 'bilinear' }, [5, 6, 3], () => tf.layers.upSampling2d({ interpolation: 'bilinear' })],
    ['ZeroPadding2D', [], {}, [28, 28, 3], () => tf.layers.zeroPadding2d({})],
    ['ZeroPadding2D', [2], {}, [28, 28, 3], () => tf.layers.zeroPadding2d({ padding: 2 })],
    ['ZeroPadding2D', [[1, 2]], {}, [28, 28, 3], () => tf.layers.zeroPadding2d({ padding: [1, 2] })],
    ['ZeroPadding2D', [[[1, 2], [3, 4]]], {}, [28, 28, 3], () => tf.layers.zeroPadding2d({ padding: [[1, 2], [3, 4]] })],
    ['ZeroPadding2D', [[[1, 2], [3, 4]]], { data_format: 'channels_first' }, [3, 28, 28], () => tf.layers.zeroPadding2d({ padding: [[1, 2], [3, 4]], dataFormat: 'channelsFirst' })],
    ['Cropping2D', [[[2, 2], [4, 4]]], {}, [28, 28, 3], () => tf.layers.cropping2D({ cropping: [[2, 2], [4, 4]] })],
    ['Cropping2D', [3], {}, [28, 28, 3], () => tf.layers.cropping2D({ cropping: 3 })],
    ['Cropping2D', [[1, 2]], {}, [10, 12, 3], () => tf.layers.cropping2D({ cropping: [1, 2] })],
    ['Cropping2D', [[[0, 1], [2, 3]]], { data_format: 'channels_first' }, [3, 10, 12], () => tf.layers.cropping2D({ cropping: [[0, 1], [2, 3]], dataFormat: 'channelsFirst' })],
    ['CenterCrop', [5, 6], {}, [10, 12, 3], () => tf.layers.centerCrop({ height: 5, width: 6 })],
    ['Rescaling', [1 / 255], {}, [10, 12, 3], () => tf.layers.rescaling({ scale: 1 / 255 })],
    ['Rescaling', [2, -1], {}, [10, 12, 3], () => tf.layers.rescaling({ scale: 2, offset: -1 })],
  ];
  it.each(rows)('%s(%j, %j) on (None, %j)', (name, args, kwargs, perSample, make) => {
    const r = layer(`keras.layers.${name}`, args, kwargs, [[null, ...perSample]]);
    expect(r.errors).toEqual([]);
    const truth = tfjsRun(make, perSample);
    expect(json(r.output)).toEqual(truth.shape);
    expect(r.params).toBe(truth.params);
  });
});

// Layers tfjs-layers lacks (or gets wrong: its Resizing drops the batch axis from the symbolic
// shape), checked against Keras 3's docstring examples and compute_output_shape.
describe('Keras 3 resize layers without a tfjs oracle', () => {
  const rows: [string, ArgValue[], Record<string, ArgValue>, (number | null)[], (number | null)[]][] = [
    ['UpSampling1D', [], {}, [2, 3, 4], [2, 6, 4]],
    ['UpSampling1D', [3], {}, [null, 5, 8], [null, 15, 8]],
    ['UpSampling3D', [], {}, [2, 1, 2, 1, 3], [2, 2, 4, 2, 3]],
    ['UpSampling3D', [[1, 2, 3]], { data_format: 'channels_first' }, [null, 3, 4, 5, 6], [null, 3, 4, 10, 18]],
    ['ZeroPadding1D', [2], {}, [2, 2, 3], [2, 6, 3]],
    ['ZeroPadding1D', [[1, 3]], { data_format: 'channels_first' }, [null, 3, 10], [null, 3, 14]],
    ['ZeroPadding3D', [2], {}, [1, 1, 2, 2, 3], [1, 5, 6, 6, 3]],
    ['ZeroPadding3D', [], {}, [null, 4, 5, 6, 3], [null, 6, 7, 8, 3]],
    ['ZeroPadding3D', [[1, [2, 3], 0]], {}, [null, 4, 5, 6, 3], [null, 6, 10, 6, 3]],
    ['Cropping1D', [1], {}, [2, 3, 2], [2, 1, 2]],
    ['Cropping1D', [], {}, [null, 10, 8], [null, 8, 8]],
    ['Cropping1D', [[0, 4]], {}, [null, 10, 8], [null, 6, 8]],
    ['Cropping2D', [[[2, 2], [4, 4]]], {}, [2, 28, 28, 3], [2, 24, 20, 3]],
    ['Cropping3D', [], {}, [null, 4, 5, 6, 3], [null, 2, 3, 4, 3]],
    ['Cropping3D', [[[1, 0], [0, 2], [1, 1]]], { data_format: 'channels_first' }, [null, 3, 4, 5, 6], [null, 3, 3, 3, 4]],
    ['Resizing', [64, 48], {}, [null, 100, 120, 3], [null, 64, 48, 3]],
    ['Resizing', [64, 48], { data_format: 'channels_first' }, [null, 3, 100, 120], [null, 3, 64, 48]],
    ['Resizing', [64, 48], { crop_to_aspect_ratio: true }, [100, 120, 3], [64, 48, 3]],
    ['CenterCrop', [8, 8], { data_format: 'channels_first' }, [null, 3, 10, 12], [null, 3, 8, 8]],
  ];
  it.each(rows)('%s(%j, %j) on %j', (name, args, kwargs, input, expected) => {
    const r = layer(`keras.layers.${name}`, args, kwargs, [input]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual(expected);
    expect(r.params).toBe(0);
  });
});

describe('Keras resize details', () => {
  it('reports a crop that removes everything, on cropping', () => {
    const r = layer('keras.layers.Cropping2D', [[[5, 5], [0, 0]]], {}, [[null, 10, 10, 3]]);
    expect(codes(r)).toEqual([['nonpositive-size', 'cropping']]);
    expect(r.errors[0].message).toContain('leaving 0');
    expect(json(r.output)).toEqual([null, 0, 10, 3]);
    expect(codes(layer('keras.layers.Cropping1D', [[6, 6]], {}, [[null, 10, 8]]))).toEqual([['nonpositive-size', 'cropping']]);
    expect(codes(layer('keras.layers.Cropping3D', [2], {}, [[null, 4, 9, 9, 1]]))).toEqual([['nonpositive-size', 'cropping']]);
  });

  it('keeps symbolic and unknown sizes without errors', () => {
    const crop = layer('keras.layers.Cropping2D', [[[5, 5], [0, 0]]], {}, [[null, sym('H'), null, 3]]);
    expect(crop.errors).toEqual([]);
    expect(json(crop.output)).toEqual([null, 'H - 10', null, 3]);
    const up = layer('keras.layers.UpSampling2D', [], {}, [[null, sym('H'), null, 3]]);
    expect(json(up.output)).toEqual([null, '2 * H', null, 3]);
    expect(layer('keras.layers.ZeroPadding2D', [], {}, [null]).errors).toEqual([]);
  });

  it('reports ranks Keras refuses', () => {
    expect(codes(layer('keras.layers.UpSampling2D', [], {}, [[null, 4, 3]]))).toEqual([['rank-mismatch', undefined]]);
    expect(codes(layer('keras.layers.ZeroPadding2D', [], {}, [[null, 4, 3]]))).toEqual([['rank-mismatch', undefined]]);
    expect(codes(layer('keras.layers.Cropping1D', [], {}, [[null, 4, 4, 3]]))).toEqual([['rank-mismatch', undefined]]);
    expect(codes(layer('keras.layers.Resizing', [8, 8], {}, [[null, 2, 4, 4, 3]]))).toEqual([['rank-mismatch', undefined]]);
  });

  it('reports a nonpositive Resizing height on height', () => {
    expect(codes(layer('keras.layers.Resizing', [0, 8], {}, [[null, 4, 4, 3]]))).toEqual([['nonpositive-size', 'height']]);
  });
});

describe('signatures', () => {
  const signature = (name: string) =>
    findLayer(name)!.params.map((p) => (p.varkw ? `**${p.name}` : p.default === undefined ? p.name : `${p.name}=${JSON.stringify(p.default)}`)).join(', ');
  it.each([
    ['torch.nn.Upsample', 'size=null, scale_factor=null, mode="nearest", align_corners=null, recompute_scale_factor=null'],
    ['torch.nn.UpsamplingNearest2d', 'size=null, scale_factor=null'],
    ['torch.nn.PixelShuffle', 'upscale_factor'],
    ['torch.nn.ZeroPad3d', 'padding'],
    ['torch.nn.ConstantPad2d', 'padding, value'],
    ['torch.nn.CircularPad1d', 'padding'],
    ['keras.layers.UpSampling1D', 'size=2, **kwargs'],
    ['keras.layers.UpSampling2D', 'size=[2,2], data_format=null, interpolation="nearest", **kwargs'],
    ['keras.layers.ZeroPadding2D', 'padding=[1,1], data_format=null, **kwargs'],
    ['keras.layers.Cropping1D', 'cropping=[1,1], **kwargs'],
    ['keras.layers.Cropping2D', 'cropping=[[0,0],[0,0]], data_format=null, **kwargs'],
    ['keras.layers.Resizing', 'height, width, interpolation="bilinear", crop_to_aspect_ratio=false, pad_to_aspect_ratio=false, fill_mode="constant", fill_value=0, antialias=false, data_format=null, **kwargs'],
    ['keras.layers.CenterCrop', 'height, width, data_format=null, **kwargs'],
    ['keras.layers.Rescaling', 'scale, offset=0, **kwargs'],
  ])('%s(%s)', (name, expected) => {
    expect(signature(name)).toBe(expected);
  });
});
