// Table tests of the reshape family (server/src/shapes/layers/reshape.ts): PyTorch rows computed with
// real PyTorch by scripts/truth/reshape_resize.py, Keras rows checked against tfjs-layers in the test.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dimToJson, mul, sym } from '../../server/src/shapes/dim';
import { firstShape } from '../../server/src/shapes/shape';
import type { ArgValue, Output } from '../../server/src/shapes/types';
import { layer } from '../helpers/rules';

type Row = [string, ArgValue[], Record<string, ArgValue>, number[], number[] | string];

function json(o: Output): (number | string | null)[] | null {
  const s = firstShape(o);
  return s === null ? null : s.map(dimToJson);
}

// Computed with PyTorch 1.13.0a0 by scripts/truth/reshape_resize.py
const TORCH_ROWS: Row[] = [
  ['Flatten', [], {}, [2, 6, 7, 7], [2, 294]],
  ['Flatten', [0], {}, [2, 6, 7, 7], [588]],
  ['Flatten', [2], {}, [2, 6, 7, 7], [2, 6, 49]],
  ['Flatten', [1, 2], {}, [2, 6, 7, 7], [2, 42, 7]],
  ['Flatten', [], { start_dim: 0, end_dim: -2 }, [2, 3, 4, 5], [24, 5]],
  ['Flatten', [], {}, [3, 4], [3, 4]],
  ['Flatten', [], {}, [5], 'error: Dimension out of range (expected to be in range of [-1, 0], but got 1)'],
  ['Unflatten', [1, [64, 3, 3]], {}, [2, 576], [2, 64, 3, 3]],
  ['Unflatten', [1, [-1, 3, 3]], {}, [2, 576], [2, 64, 3, 3]],
  ['Unflatten', [-1, [5, 1]], {}, [2, 12, 5], [2, 12, 5, 1]],
  ['Unflatten', [1, [2, -1]], {}, [2, 12, 5], [2, 2, 6, 5]],
  ['Unflatten', [0, [2, 3]], {}, [6], [2, 3]],
  ['Unflatten', [1, [64, 7, 7]], {}, [2, 576], "error: unflatten: Provided sizes [64, 7, 7] don't multiply up to the size of dim 1 (576) in the input tensor"],
  ['Unflatten', [1, [-1, 7, 7]], {}, [2, 576], "error: unflatten: Provided sizes [-1, 7, 7] don't multiply up to the size of dim 1 (576) in the input tensor"],
];

describe('PyTorch reshape layers against PyTorch', () => {
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

describe('PyTorch Flatten and Unflatten details', () => {
  it('keeps a symbolic product and notes it for the hover', () => {
    const r = layer('torch.nn.Flatten', [], {}, [[sym('N'), 6, sym('H'), sym('W')]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual(['N', '6 * H * W']);
    expect(r.notes.join('\n')).toContain('6 · H · W = 6 * H * W');
  });

  it('notes a numeric product', () => {
    const r = layer('torch.nn.Flatten', [], {}, [[1, 6, 7, 7]]);
    expect(r.notes.join('\n')).toContain('6 · 7 · 7 = 294');
  });

  it('flows unknown dims and unknown rank without errors', () => {
    expect(json(layer('torch.nn.Flatten', [], {}, [[null, 6, null, 7]]).output)).toEqual([null, null]);
    // Flattened from axis 1 to the last, any input it accepts gives two axes.
    const unknownRank = layer('torch.nn.Flatten', [], {}, [null]);
    expect(unknownRank.output).toEqual([null, null]);
    expect(unknownRank.errors).toEqual([]);
    expect(layer('torch.nn.Flatten', [], { start_dim: 2 }, [null]).output).toEqual([null, null, null]);
    expect(layer('torch.nn.Flatten', [], { end_dim: 2 }, [null]).output).toBeNull();
  });

  it('reports an out-of-range start_dim as rank-mismatch on start_dim', () => {
    const r = layer('torch.nn.Flatten', [], {}, [[5]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['rank-mismatch', 'start_dim']]);
  });

  it('reports start_dim after end_dim', () => {
    const r = layer('torch.nn.Flatten', [2, 1], {}, [[2, 3, 4]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['rank-mismatch', 'start_dim']]);
  });

  it('reports Unflatten sizes that do not multiply up, as PyTorch words it', () => {
    const r = layer('torch.nn.Unflatten', [1, [64, 7, 7]], {}, [[2, 576]]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].code).toBe('reshape-size');
    expect(r.errors[0].arg).toBe('unflattened_size');
    expect(r.errors[0].message).toContain("unflatten: Provided sizes [64, 7, 7] don't multiply up to the size of dim 1 (576) in the input tensor");
    expect(r.errors[0].message).toContain('its input');
    // The best output still follows the written sizes.
    expect(json(r.output)).toEqual([2, 64, 7, 7]);
  });

  it('reports a -1 that cannot be filled', () => {
    const r = layer('torch.nn.Unflatten', [1, [-1, 7, 7]], {}, [[2, 576]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['reshape-size', 'unflattened_size']]);
    expect(json(r.output)).toEqual([2, null, 7, 7]);
  });

  it('fills -1 symbolically and never errors on symbolic or unknown sizes', () => {
    const c = sym('C');
    const r = layer('torch.nn.Unflatten', [1, [-1, 7, 7]], {}, [[2, c]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual([2, null, 7, 7]);
    const exact = layer('torch.nn.Unflatten', [1, [-1, 7, 7]], {}, [[2, mul(c, 49)]]);
    expect(exact.errors).toEqual([]);
    expect(json(exact.output)).toEqual([2, 'C', 7, 7]);
    expect(layer('torch.nn.Unflatten', [1, [64, 7, 7]], {}, [[2, null]]).errors).toEqual([]);
    expect(layer('torch.nn.Unflatten', [1, [64, 7, 7]], {}, [[2, sym('F')]]).errors).toEqual([]);
  });
});

/** The tfjs output shape and parameter count of a layer applied to a symbolic input of the given per-sample shape. */
function tfjsRun(make: () => tf.layers.Layer, perSample: number[]): { shape: (number | null)[]; params: number } {
  const built = make();
  const out = built.apply(tf.input({ shape: perSample })) as tf.SymbolicTensor;
  return { shape: out.shape, params: built.countParams() };
}

describe('Keras reshape layers against tfjs-layers', () => {
  const rows: [string, ArgValue[], Record<string, ArgValue>, number[], () => tf.layers.Layer][] = [
    ['Flatten', [], {}, [7, 7, 256], () => tf.layers.flatten()],
    ['Flatten', [], { data_format: 'channels_first' }, [6, 5, 5], () => tf.layers.flatten({ dataFormat: 'channelsFirst' })],
    ['Reshape', [[7, 7, 256]], {}, [12544], () => tf.layers.reshape({ targetShape: [7, 7, 256] })],
    ['Reshape', [[3, 4]], {}, [12], () => tf.layers.reshape({ targetShape: [3, 4] })],
    ['Permute', [[2, 1]], {}, [10, 64], () => tf.layers.permute({ dims: [2, 1] })],
    ['Permute', [[3, 1, 2]], {}, [4, 5, 6], () => tf.layers.permute({ dims: [3, 1, 2] })],
    ['RepeatVector', [3], {}, [32], () => tf.layers.repeatVector({ n: 3 })],
  ];
  it.each(rows)('%s(%j, %j) on (None, %j)', (name, args, kwargs, perSample, make) => {
    const r = layer(`keras.layers.${name}`, args, kwargs, [[null, ...perSample]]);
    expect(r.errors).toEqual([]);
    const truth = tfjsRun(make, perSample);
    expect(json(r.output)).toEqual(truth.shape);
    expect(r.params).toBe(truth.params);
  });
});

// Where tfjs-layers differs from Keras 3, the expectation is Keras 3's own (from its docstrings and
// compute_output_shape): tfjs leaves a -1 of Reshape unresolved and refuses Flatten below rank 3.
describe('Keras 3 reshape where tfjs-layers differs', () => {
  const rows: [string, ArgValue[], Record<string, ArgValue>, (number | null)[], (number | null)[]][] = [
    ['Reshape', [[-1, 2, 2]], {}, [null, 12], [null, 3, 2, 2]],
    ['Reshape', [[3, -1]], {}, [null, 2, 3, 4], [null, 3, 8]],
    ['Flatten', [], {}, [null, 10], [null, 10]],
  ];
  it.each(rows)('%s(%j, %j) on %j', (name, args, kwargs, input, expected) => {
    const r = layer(`keras.layers.${name}`, args, kwargs, [input]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual(expected);
  });
});

describe('Keras reshape details', () => {
  it('flattens a symbolic input to a symbolic product', () => {
    const r = layer('keras.layers.Flatten', [], {}, [[null, sym('H'), sym('W'), 64]]);
    expect(json(r.output)).toEqual([null, '64 * H * W']);
  });

  it('flattens (batch,) to (batch, 1) as Keras 3 does', () => {
    expect(json(layer('keras.layers.Flatten', [], {}, [[null]]).output)).toEqual([null, 1]);
  });

  it('reports a Reshape whose total size differs, with both sides', () => {
    const r = layer('keras.layers.Reshape', [[7, 7, 256]], {}, [[null, 5, 5, 512]]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].code).toBe('reshape-size');
    expect(r.errors[0].arg).toBe('target_shape');
    expect(r.errors[0].message).toContain('Reshape expects a total size of 12544 (7*7*256) per sample, but its input has 12800 (5*5*512)');
    expect(json(r.output)).toEqual([null, 7, 7, 256]);
  });

  it('reports a -1 that cannot be filled and more than one -1', () => {
    const r = layer('keras.layers.Reshape', [[-1, 7]], {}, [[null, 50]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['reshape-size', 'target_shape']]);
    expect(json(r.output)).toEqual([null, null, 7]);
    const two = layer('keras.layers.Reshape', [[-1, -1]], {}, [[null, 50]]);
    expect(two.errors.map((e) => [e.code, e.arg])).toEqual([['reshape-size', 'target_shape']]);
  });

  it('never errors on unknown or symbolic input sizes', () => {
    expect(layer('keras.layers.Reshape', [[7, 7, 256]], {}, [[null, null]]).errors).toEqual([]);
    expect(layer('keras.layers.Reshape', [[7, 7, 256]], {}, [[null, sym('F')]]).errors).toEqual([]);
    expect(json(layer('keras.layers.Reshape', [[-1, 4]], {}, [[null, null, 4]]).output)).toEqual([null, null, 4]);
    expect(json(layer('keras.layers.Reshape', [[-1, 4]], {}, [null]).output)).toEqual([null, null, 4]);
  });

  it('fills -1 symbolically', () => {
    const r = layer('keras.layers.Reshape', [[-1, 64]], {}, [[null, sym('H'), sym('W'), 64]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual([null, 'H * W', 64]);
  });

  it('reports a Permute of the wrong length, or not a permutation, on dims', () => {
    const r = layer('keras.layers.Permute', [[2, 1]], {}, [[null, 4, 5, 6]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['rank-mismatch', 'dims']]);
    const bad = layer('keras.layers.Permute', [[0, 1]], {}, [[null, 4, 5]]);
    expect(bad.errors.map((e) => [e.code, e.arg])).toEqual([['rank-mismatch', 'dims']]);
  });

  it('reports RepeatVector on a rank other than 2', () => {
    const r = layer('keras.layers.RepeatVector', [3], {}, [[null, 4, 5]]);
    expect(r.errors.map((e) => e.code)).toEqual(['rank-mismatch']);
    expect(json(layer('keras.layers.RepeatVector', [3], {}, [null]).output)).toEqual([null, 3, null]);
  });
});
