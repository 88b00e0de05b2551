// Table tests of the recurrent family (server/src/shapes/layers/recurrent.ts). PyTorch rows were
// computed with real PyTorch by scripts/truth/norm_linear_rnn.py; Keras rows, including the
// Bidirectional and TimeDistributed wrappers, are checked against tfjs-layers in the test itself.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sym } from '../../server/src/shapes/dim';
import { formatOutput } from '../../server/src/shapes/shape';
import { UnknownArg } from '../../server/src/shapes/types';
import { kerasRowTests, tfjsLayerTruth, type KerasRow } from '../helpers/keras-table';
import { torchTableTests, type RefusedRow, type TorchRow } from '../helpers/torch-table';
import { layer, layerArg } from '../helpers/rules';

// Computed with PyTorch 1.13.0a0 by scripts/truth/norm_linear_rnn.py: kind, args, kwargs, inputs, output, params.
const TORCH_ROWS: TorchRow[] = [
  ['RNN', [10, 20], {}, [[5, 3, 10]], '((5, 3, 20), (1, 3, 20))', 640],
  ['RNN', [10, 20, 2], { nonlinearity: 'relu', batch_first: true }, [[3, 5, 10]], '((3, 5, 20), (2, 3, 20))', 1480],
  ['RNN', [10, 20], { bias: false }, [[5, 10]], '((5, 20), (1, 20))', 600],
  ['LSTM', [10, 20], {}, [[5, 3, 10]], '((5, 3, 20), ((1, 3, 20), (1, 3, 20)))', 2560],
  ['LSTM', [10, 20, 2], { bidirectional: true }, [[5, 3, 10]], '((5, 3, 40), ((4, 3, 20), (4, 3, 20)))', 15040],
  ['LSTM', [10, 20], { proj_size: 5, num_layers: 2 }, [[5, 3, 10]], '((5, 3, 5), ((2, 3, 5), (2, 3, 20)))', 2520],
  ['LSTM', [5, 8, 2], { bidirectional: true, proj_size: 3 }, [[3, 5]], '((3, 6), ((4, 3), (4, 8)))', 1440],
  ['LSTM', [300, 128], { batch_first: true }, [[32, 50, 300]], '((32, 50, 128), ((1, 32, 128), (1, 32, 128)))', 220160],
  ['GRU', [10, 20], {}, [[5, 3, 10]], '((5, 3, 20), (1, 3, 20))', 1920],
  ['GRU', [10, 20, 3], { bias: false, bidirectional: true, batch_first: true }, [[3, 5, 10]], '((3, 5, 40), (6, 3, 20))', 18000],
  ['RNNCell', [10, 20], {}, [[3, 10]], '(3, 20)', 640],
  ['RNNCell', [10, 20, false, 'relu'], {}, [[10]], '(20)', 600],
  ['LSTMCell', [10, 20], {}, [[3, 10]], '((3, 20), (3, 20))', 2560],
  ['GRUCell', [10, 20], {}, [[10]], '(20)', 1920],
];

// Inputs PyTorch refuses (its error follows each row); the rule code, underlined argument and fix are ours.
const TORCH_REFUSED: RefusedRow[] = [
  ['RNN', [512, 8], {}, [[3, 2, 1024]], 'rnn-input-size', 'input_size', 1024], // RuntimeError: input.size(-1) must be equal to input_size. Expected 512, got 1024
  ['LSTM', [512, 8], { batch_first: true }, [[2, 3, 1024]], 'rnn-input-size', 'input_size', 1024], // RuntimeError: input.size(-1) must be equal to input_size. Expected 512, got 1024
  ['GRU', [5, 8], {}, [[3, 2, 1, 5]], 'rank-mismatch', null, null], // RuntimeError: input must have 3 dimensions, got 5
  ['RNN', [5, 8], {}, [[5]], 'rank-mismatch', null, null], // RuntimeError: input must have 3 dimensions, got 2
  ['RNNCell', [512, 8], {}, [[2, 1024]], 'rnn-input-size', 'input_size', 1024], // RuntimeError: input has inconsistent input_size: got 1024 expected 512
  ['LSTMCell', [5, 8], {}, [[2, 2, 5]], 'rank-mismatch', null, null], // AssertionError: LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor
];

describe('PyTorch recurrent layers against PyTorch', () => {
  torchTableTests(TORCH_ROWS, TORCH_REFUSED);
});

describe('PyTorch recurrent details', () => {
  it('words the input size error as PyTorch does', () => {
    const r = layer('torch.nn.RNN', [512, 8], {}, [[3, 2, 1024]]);
    expect(r.errors[0].message).toBe('RNN: input.size(-1) must be equal to input_size. Expected 512, got 1024: its input');
    expect(formatOutput(r.output)).toBe('((3, 2, 8), (1, 2, 8))');
  });

  it('binds nonlinearity as the fourth positional argument, as documented', () => {
    const r = layer('torch.nn.RNN', [10, 20, 2, 'relu', true, true], {}, [[3, 5, 10]]);
    expect([formatOutput(r.output), r.params, r.errors]).toEqual(['((3, 5, 20), (2, 3, 20))', 1480, []]);
  });

  it('lets symbolic batch and sequence sizes through', () => {
    const r = layer('torch.nn.LSTM', [10, 20], {}, [[sym('T'), sym('N'), 10]]);
    expect([formatOutput(r.output), r.errors]).toEqual(['((T, N, 20), ((1, N, 20), (1, N, 20)))', []]);
    const first = layer('torch.nn.GRU', [10, 20], { batch_first: true, bidirectional: true }, [[sym('N'), sym('T'), 10]]);
    expect(formatOutput(first.output)).toBe('((N, T, 40), (2, N, 20))');
    const cell = layer('torch.nn.LSTMCell', [10, 20], {}, [[sym('N'), 10]]);
    expect(formatOutput(cell.output)).toBe('((N, 20), (N, 20))');
  });

  it('never reports unknown dims, ranks or arguments', () => {
    const unknownSize = layer('torch.nn.LSTM', [UnknownArg.instance, 20], {}, [[5, 3, 10]]);
    expect([unknownSize.errors, unknownSize.params]).toEqual([[], null]);
    expect(layer('torch.nn.GRU', [10, 20], {}, [[5, 3, null]]).errors).toEqual([]);
    const unknownRank = layer('torch.nn.LSTM', [10, 20], {}, [null]);
    expect([formatOutput(unknownRank.output), unknownRank.errors, unknownRank.params]).toEqual(['((?), ((?), (?)))', [], 2560]);
    const unknownLayout = layer('torch.nn.RNN', [10, 20], { batch_first: UnknownArg.instance }, [[5, 3, 10]]);
    expect([formatOutput(unknownLayout.output), unknownLayout.errors]).toEqual(['((?, ?, 20), (1, ?, 20))', []]);
  });

  it('refuses a zero hidden size or layer count', () => {
    expect(layer('torch.nn.RNN', [10, 0], {}, [[5, 3, 10]]).errors.map((e) => [e.code, e.arg])).toEqual([['nonpositive-size', 'hidden_size']]);
    expect(layer('torch.nn.GRU', [10, 20, 0], {}, [[5, 3, 10]]).errors.map((e) => [e.code, e.arg])).toEqual([['nonpositive-size', 'num_layers']]);
  });
});

/** tfjs's output shapes (printed as formatOutput prints them) and parameter count on a per-sample input. */
// tfjs-layers only has GRU(reset_after=False); Keras 3's default reset_after=True is checked below.
const KERAS_ROWS: KerasRow[] = [
  ['SimpleRNN', [4], {}, [10, 8], () => tf.layers.simpleRNN({ units: 4 })],
  ['SimpleRNN', [4], { return_sequences: true, use_bias: false }, [10, 8], () => tf.layers.simpleRNN({ units: 4, returnSequences: true, useBias: false })],
  ['SimpleRNN', [3], { return_state: true }, [null, 5], () => tf.layers.simpleRNN({ units: 3, returnState: true })],
  ['LSTM', [4], {}, [10, 8], () => tf.layers.lstm({ units: 4 })],
  ['LSTM', [16], { return_sequences: true }, [null, 30], () => tf.layers.lstm({ units: 16, returnSequences: true })],
  ['LSTM', [4], { return_sequences: true, return_state: true }, [10, 8], () => tf.layers.lstm({ units: 4, returnSequences: true, returnState: true })],
  ['GRU', [4], { reset_after: false }, [10, 8], () => tf.layers.gru({ units: 4 })],
  ['GRU', [6], { reset_after: false, return_state: true, use_bias: false }, [10, 8], () => tf.layers.gru({ units: 6, returnState: true, useBias: false })],
  ['Bidirectional', [layerArg('keras.layers.LSTM', [4])], {}, [10, 8], () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) as tf.RNN })],
  ['Bidirectional', [layerArg('keras.layers.LSTM', [4], { return_sequences: true })], { merge_mode: 'sum' }, [10, 8], () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnSequences: true }) as tf.RNN, mergeMode: 'sum' })],
  [
    'Bidirectional',
    [layerArg('keras.layers.LSTM', [4])],
    { merge_mode: null },
    [10, 8],
    // tfjs types leave out merge_mode None, which its runtime accepts.
    () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) as tf.RNN, mergeMode: null as never }),
  ],
  ['Bidirectional', [layerArg('keras.layers.LSTM', [4], { return_state: true })], {}, [10, 8], () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnState: true }) as tf.RNN })],
  ['Bidirectional', [layerArg('keras.layers.GRU', [5], { reset_after: false, return_sequences: true })], { merge_mode: 'ave' }, [7, 3], () => tf.layers.bidirectional({ layer: tf.layers.gru({ units: 5, returnSequences: true }) as tf.RNN, mergeMode: 'ave' })],
  ['TimeDistributed', [layerArg('keras.layers.Dense', [4])], {}, [10, 8], () => tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4 }) })],
  ['TimeDistributed', [layerArg('keras.layers.Dense', [2])], {}, [10, 5, 8], () => tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) })],
  ['TimeDistributed', [layerArg('keras.layers.LSTM', [3])], {}, [6, 10, 8], () => tf.layers.timeDistributed({ layer: tf.layers.lstm({ units: 3 }) })],
  ['TimeDistributed', [layerArg('keras.layers.Dropout', [0.5])], {}, [6, 8], () => tf.layers.timeDistributed({ layer: tf.layers.dropout({ rate: 0.5 }) })],
];

describe('Keras recurrent layers against tfjs-layers', () => {
  kerasRowTests(KERAS_ROWS);

  it('refuses a rank-2 input to LSTM in Keras words, as tfjs does', () => {
    expect(() => tfjsLayerTruth(() => tf.layers.lstm({ units: 3 }), [8])).toThrow(/expected ndim=3, found ndim=2/);
    const r = layer('keras.layers.LSTM', [3], {}, [[null, 8]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['rank-mismatch', undefined]]);
    expect(r.errors[0].message).toContain('expected ndim=3, found ndim=2');
    expect(formatOutput(r.output)).toBe('(?, 3)');
  });

  it('refuses a rank-2 input to TimeDistributed, as tfjs does', () => {
    expect(() => tfjsLayerTruth(() => tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4 }) }), [50])).toThrow(/>= 3D/);
    const r = layer('keras.layers.TimeDistributed', [layerArg('keras.layers.Dense', [4])], {}, [[null, 50]]);
    expect(r.errors.map((e) => e.code)).toEqual(['rank-mismatch']);
    expect(r.errors[0].message).toBe('TimeDistributed expects an input of at least 3 dimensions (batch, time, ...), but received (None, 50): its input');
  });
});

describe('Keras recurrent details', () => {
  it('counts the second recurrent bias of GRU with reset_after=True (the Keras 3 default)', () => {
    const tfjs = tfjsLayerTruth(() => tf.layers.gru({ units: 4 }), [10, 8]);
    const r = layer('keras.layers.GRU', [4], {}, [[null, 10, 8]]);
    expect(r.params).toBe(tfjs.params + 3 * 4);
    const bidirectional = layer('keras.layers.Bidirectional', [layerArg('keras.layers.GRU', [4])], {}, [[null, 10, 8]]);
    expect(bidirectional.params).toBe(2 * (tfjs.params + 3 * 4));
  });

  it('adds a separate backward layer', () => {
    const r = layer('keras.layers.Bidirectional', [layerArg('keras.layers.LSTM', [4])], { backward_layer: layerArg('keras.layers.LSTM', [6], { go_backwards: true }) }, [[null, 10, 8]]);
    expect([formatOutput(r.output), r.params]).toEqual(['(?, 10)', 4 * (8 * 4 + 4 * 4 + 4) + 4 * (8 * 6 + 6 * 6 + 6)]);
  });

  it('reports the wrapped layer errors as the wrapper errors, without an underline', () => {
    const r = layer('keras.layers.Bidirectional', [layerArg('keras.layers.LSTM', [4])], {}, [[null, 8]]);
    expect(r.errors.map((e) => [e.code, e.arg])).toEqual([['rank-mismatch', undefined]]);
  });

  it('lets symbolic batch and time through', () => {
    const r = layer('keras.layers.LSTM', [16], { return_sequences: true }, [[sym('N'), sym('T'), 8]]);
    expect([formatOutput(r.output), r.params, r.errors]).toEqual(['(N, T, 16)', 4 * (8 * 16 + 16 * 16 + 16), []]);
    const wrapped = layer('keras.layers.TimeDistributed', [layerArg('keras.layers.Dense', [4])], {}, [[sym('N'), sym('T'), 8]]);
    expect(formatOutput(wrapped.output)).toBe('(N, T, 4)');
  });

  it('never reports unknown dims or ranks', () => {
    const r = layer('keras.layers.GRU', [4], {}, [[null, null, null]]);
    expect([formatOutput(r.output), r.params, r.errors]).toEqual(['(?, 4)', null, []]);
    expect(layer('keras.layers.SimpleRNN', [4], {}, [null]).errors).toEqual([]);
    expect(layer('keras.layers.TimeDistributed', [layerArg('keras.layers.Dense', [4])], {}, [null]).errors).toEqual([]);
    expect(layer('keras.layers.Bidirectional', [UnknownArg.instance], {}, [[null, 10, 8]]).errors).toEqual([]);
  });
});
