// Table tests of the linear family (server/src/shapes/layers/linear.ts). PyTorch rows were computed
// with real PyTorch by scripts/truth/norm_linear_rnn.py; Keras rows are checked against tfjs-layers
// in the test itself.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ArgContext, bindArgs } from '../../server/src/shapes/context';
import { add, sym } from '../../server/src/shapes/dim';
import { findLayer } from '../../server/src/shapes/registry';
import { formatOutput } from '../../server/src/shapes/shape';
import { ArgValue, Shape, UnknownArg } from '../../server/src/shapes/types';
import { kerasRowTests, tfjsLayerTruth, type KerasRow } from '../helpers/keras-table';
import { torchTableTests, type RefusedRow, type TorchRow } from '../helpers/torch-table';
import { layer } from '../helpers/rules';

// Computed with PyTorch 1.13.0a0 by scripts/truth/norm_linear_rnn.py: kind, args, kwargs, inputs, output, params.
const TORCH_ROWS: TorchRow[] = [
  ['Linear', [1176, 10], {}, [[2, 1176]], '(2, 10)', 11770],
  ['Linear', [20, 30], {}, [[128, 20]], '(128, 30)', 630],
  ['Linear', [20, 30], { bias: false }, [[128, 20]], '(128, 30)', 600],
  ['Linear', [12, 5], {}, [[2, 3, 12]], '(2, 3, 5)', 65],
  ['Linear', [8, 4], {}, [[8]], '(4)', 36],
  ['LazyLinear', [10], {}, [[2, 50]], '(2, 10)', 510],
  ['LazyLinear', [10], { bias: false }, [[2, 7, 50]], '(2, 7, 10)', 500],
  ['Bilinear', [4, 5, 3], {}, [[2, 4], [2, 5]], '(2, 3)', 63],
  ['Bilinear', [4, 5, 3], {}, [[4], [5]], '(3)', 63],
  ['Bilinear', [4, 5, 3], { bias: false }, [[7, 2, 4], [7, 2, 5]], '(7, 2, 3)', 60],
  ['Identity', [54], { unused_argument: 0.1 }, [[2, 3]], '(2, 3)', 0],
  ['Embedding', [10, 3], {}, [[2, 4]], '(2, 4, 3)', 30],
  ['Embedding', [1000, 64], { padding_idx: 0 }, [[32, 10]], '(32, 10, 64)', 64000],
  ['Embedding', [10, 3], { padding_idx: -10 }, [[5]], '(5, 3)', 30],
];

// Inputs PyTorch refuses (its error follows each row); the rule code, underlined argument and fix are ours.
const TORCH_REFUSED: RefusedRow[] = [
  ['Linear', [1176, 10], {}, [[1, 294]], 'linear-in-features', 'in_features', 294], // RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x294 and 1176x10)
  ['Linear', [10, 5], {}, [[2, 64, 12, 12]], 'linear-in-features', 'in_features', 12], // RuntimeError: mat1 and mat2 shapes cannot be multiplied (1536x12 and 10x5)
  ['Linear', [4, 3], {}, [[]], 'rank-mismatch', null, null], // RuntimeError: both arguments to matmul need to be at least 1D, but they are 0D and 2D
  ['Bilinear', [4, 5, 3], {}, [[2, 4], [2, 6]], 'linear-in-features', 'in2_features', 6], // RuntimeError: bilinear(): input2 size does not match weight size: got 6 but expected 5
  ['Bilinear', [4, 5, 3], {}, [[2, 7], [2, 5]], 'linear-in-features', 'in1_features', 7], // RuntimeError: bilinear(): input1 size does not match weight size: got 7 but expected 4
  ['Bilinear', [4, 5, 3], {}, [[2, 4], [3, 5]], 'broadcast-mismatch', null, null], // RuntimeError: bilinear(): input batch dimensions do not match at dim 0: got 2 and 3
  ['Embedding', [10, 3], { padding_idx: 10 }, [[2, 4]], 'embedding-dim', 'padding_idx', null], // AssertionError: Padding_idx must be within num_embeddings
];

describe('PyTorch linear layers against PyTorch', () => {
  torchTableTests(TORCH_ROWS, TORCH_REFUSED);
});

/** Runs a layer with the origins and argument texts the interpreter would pass, and returns its errors. */
function errorsWithSources(name: string, args: ArgValue[], inputs: Shape[], origins: string[], argTexts: Record<string, string>) {
  const def = findLayer(name)!;
  const bound = bindArgs(def.params, args, new Map());
  const ctx = new ArgContext({ framework: def.framework, kind: def.kind, bound, inputs, inputOrigins: origins, argTexts: new Map(Object.entries(argTexts)) });
  def.infer(ctx);
  return ctx.errors;
}

describe('PyTorch linear details', () => {
  it('says where both sides of in_features come from', () => {
    const errors = errorsWithSources('torch.nn.Linear', [1176, 10], [[1, 294]], ['Flatten of (1, 6, 7, 7) at line 18'], { in_features: '6*14*14' });
    expect(errors).toEqual([
      {
        code: 'linear-in-features',
        message: 'Linear expects in_features=1176 (6*14*14), but its input has 294 features: Flatten of (1, 6, 7, 7) at line 18',
        arg: 'in_features',
        fix: { arg: 'in_features', value: 294 },
      },
    ]);
  });

  it('suggests a missing Flatten when the input still has spatial axes', () => {
    const errors = errorsWithSources('torch.nn.Linear', [10, 5], [[2, 64, 12, 12]], ['Conv2d at line 9'], {});
    expect(errors[0].message).toBe('Linear expects in_features=10, but its input (2, 64, 12, 12) ends in 12 — a Flatten may be missing: Conv2d at line 9');
  });

  it('keeps the output after an error', () => {
    const r = layer('torch.nn.Linear', [1176, 10], {}, [[1, 294]]);
    expect(formatOutput(r.output)).toBe('(1, 10)');
    expect(r.params).toBe(11770);
  });

  it('lets a symbolic batch through and compares symbolic sizes', () => {
    const ok = layer('torch.nn.Linear', [sym('C'), 5], {}, [[sym('N'), sym('C')]]);
    expect([formatOutput(ok.output), ok.errors, ok.params]).toEqual(['(N, 5)', [], null]);
    const unrelated = layer('torch.nn.Linear', [12, 5], {}, [[sym('N'), sym('H')]]);
    expect(unrelated.errors).toEqual([]);
    const off = layer('torch.nn.Linear', [sym('C'), 5], {}, [[sym('N'), add(sym('C'), 1)]]);
    expect(off.errors.map((e) => [e.code, e.fix])).toEqual([['linear-in-features', undefined]]);
    const embedded = layer('torch.nn.Embedding', [10, 3], {}, [[sym('N'), sym('T')]]);
    expect(formatOutput(embedded.output)).toBe('(N, T, 3)');
  });

  it('never reports unknown dims, ranks or arguments', () => {
    expect(formatOutput(layer('torch.nn.Linear', [12, 5], {}, [[null, null]]).output)).toBe('(?, 5)');
    expect(layer('torch.nn.Linear', [12, 5], {}, [null]).output).toBeNull();
    const unknownIn = layer('torch.nn.Linear', [UnknownArg.instance, 5], {}, [[2, 7]]);
    expect([unknownIn.errors, unknownIn.params]).toEqual([[], null]);
    expect(layer('torch.nn.LazyLinear', [10], {}, [[2, null]]).params).toBeNull();
    expect(layer('torch.nn.Bilinear', [4, 5, 3], {}, [[null, 4], null]).errors).toEqual([]);
    expect(layer('torch.nn.Embedding', [UnknownArg.instance, 3], { padding_idx: 5 }, [[2, 4]]).errors).toEqual([]);
  });

  it('refuses negative sizes', () => {
    expect(layer('torch.nn.Linear', [4, -1], {}, [[2, 4]]).errors.map((e) => [e.code, e.arg])).toEqual([['nonpositive-size', 'out_features']]);
    expect(layer('torch.nn.Embedding', [3, -1], {}, [[2]]).errors.map((e) => [e.code, e.arg])).toEqual([['nonpositive-size', 'embedding_dim']]);
  });
});

/** tfjs's output shapes (printed as formatOutput prints them) and parameter count on a per-sample input. */
const KERAS_ROWS: KerasRow[] = [
  ['Dense', [10], {}, [784], () => tf.layers.dense({ units: 10 })],
  ['Dense', [64], { use_bias: false }, [32], () => tf.layers.dense({ units: 64, useBias: false })],
  ['Dense', [8, 'relu'], {}, [10, 16], () => tf.layers.dense({ units: 8, activation: 'relu' })],
  ['Dense', [3], {}, [4, 5, 6], () => tf.layers.dense({ units: 3 })],
  ['Dense', [], { units: 2 }, [null, 7], () => tf.layers.dense({ units: 2 })],
  ['Embedding', [100, 8], {}, [10], () => tf.layers.embedding({ inputDim: 100, outputDim: 8 })],
  ['Embedding', [1000, 64], { mask_zero: true }, [null], () => tf.layers.embedding({ inputDim: 1000, outputDim: 64, maskZero: true })],
  ['Embedding', [50, 4], { input_length: 10 }, [10], () => tf.layers.embedding({ inputDim: 50, outputDim: 4, inputLength: 10 })],
  ['Embedding', [20, 2], {}, [3, 4], () => tf.layers.embedding({ inputDim: 20, outputDim: 2 })],
];

describe('Keras linear layers against tfjs-layers', () => {
  kerasRowTests(KERAS_ROWS);

  it('refuses Dense on a rank-1 input, as tfjs does', () => {
    expect(() => tfjsLayerTruth(() => tf.layers.dense({ units: 3 }), [])).toThrow(/min_ndim=2/);
    const r = layer('keras.layers.Dense', [3], {}, [[null]]);
    expect(r.errors.map((e) => e.code)).toEqual(['rank-mismatch']);
    expect(formatOutput(r.output)).toBe('(3)');
  });
});

describe('Keras linear details', () => {
  it('passes Identity through and accepts tf.keras keywords', () => {
    const r = layer('keras.layers.Identity', [], { name: 'skip' }, [[null, 7, 3]]);
    expect([formatOutput(r.output), r.params, r.errors]).toEqual(['(?, 7, 3)', 0, []]);
  });

  it('lets symbolic batch and unknown features through', () => {
    const r = layer('keras.layers.Dense', [16], {}, [[sym('N'), null]]);
    expect([formatOutput(r.output), r.params, r.errors]).toEqual(['(N, 16)', null, []]);
    expect(layer('keras.layers.Dense', [16], {}, [null]).errors).toEqual([]);
  });

  it('refuses zero units, as Keras 3 does', () => {
    expect(layer('keras.layers.Dense', [0], {}, [[null, 4]]).errors.map((e) => [e.code, e.arg])).toEqual([['nonpositive-size', 'units']]);
  });
});
