// Layer family: recurrent layers, PyTorch (`torch.nn.RNN`, `LSTM`, `GRU` and their cells) and Keras
// (`keras.layers.SimpleRNN`, `LSTM`, `GRU`), plus the Keras wrappers `Bidirectional` and
// `TimeDistributed`, which run another layer's rule through `ctx.runLayer`.
//
// PyTorch recurrent layers return a tuple: `(output, h_n)` for RNN and GRU, `(output, (h_n, c_n))`
// for LSTM; Keras layers return one tensor, or `[output, *states]` with `return_state=True`. The input
// size written in a PyTorch constructor must match the input's last axis (`rnn-input-size`). One rule
// serves each framework's three layer kinds; they differ only in the number of gates. Keras's
// convolutional LSTMs (`ConvLSTM1D/2D/3D`) slide their input convolution over each time step with
// the convolution rule's windows (./conv.ts).

import { addCounts, safeCount } from '../count';
import { add, Dim, dimToString, equalDims, isKnown, mul } from '../dim';
import { formatShape } from '../shape';
import { LayerArg, LayerDef, Output, Param, RuleContext, RuleResult, Shape, TupleOut } from '../types';
import { checkRank, checkSizes, DEVICE_DTYPE, firstInput, kerasLayer, torchLayer } from './activation';
import { checkInputRank, kerasLayout, kerasWindowPadding, slideWindows, splitAxes, joinAxes } from './conv';

type RecurrentKind = 'RNN' | 'LSTM' | 'GRU';

/** Weight matrices per gate: one for a plain RNN, four for LSTM (i, f, g, o), three for GRU (r, z, n). */
const GATES: Record<RecurrentKind, number> = { RNN: 1, LSTM: 4, GRU: 3 };

/**
 * The PyTorch parameter count of a stacked recurrent layer, per the `torch.nn.LSTM` documentation:
 * per layer and direction, weight_ih (gates*H, in), weight_hh (gates*H, P), two biases (gates*H) and,
 * with a projection, weight_hr (P, H); P is proj_size or H, and layers after the first see D*P inputs.
 */
function torchRecurrentCount(gates: number, input: Dim, hidden: Dim, numLayers: Dim, directions: number | null, proj: Dim, bias: boolean | null): number | null {
  if (!isKnown(input) || !isKnown(hidden) || !isKnown(numLayers) || directions === null || !isKnown(proj) || bias === null) return null;
  const projected = proj > 0 ? proj : hidden;
  const perDirection = (layerInput: number) => gates * hidden * layerInput + gates * hidden * projected + (bias ? 2 * gates * hidden : 0) + (proj > 0 ? proj * hidden : 0);
  // Closed form rather than a loop over the layers, so that num_layers=10**9 costs nothing.
  const layers = Math.max(0, Math.ceil(numLayers));
  if (layers === 0) return 0;
  return directions * perDirection(input) + (layers - 1) * directions * perDirection(directions * projected);
}

/** Reports `rnn-input-size` in PyTorch's words when the last axis definitely differs from input_size. */
function checkInputSize(ctx: RuleContext, shape: Dim[], pytorchWords: (expected: string, got: string) => string): void {
  const last = shape[shape.length - 1];
  if (equalDims(ctx.int('input_size'), last) !== false) return;
  const fix = isKnown(last) ? { arg: 'input_size', value: last } : undefined;
  ctx.error('rnn-input-size', `${ctx.kind}: ${pytorchWords(ctx.describe('input_size'), dimToString(last))}: ${ctx.origin(0)}`, 'input_size', fix);
}

/**
 * torch.nn.RNN, LSTM and GRU. Input (L, N, H_in), (N, L, H_in) with batch_first, or unbatched
 * (L, H_in); output (..., D*H_out) and final states (D*num_layers, [N,] H_out) where D = 2 when
 * bidirectional and H_out = proj_size (LSTM) or hidden_size.
 */
function torchRecurrentRule(kind: RecurrentKind): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    const shape = firstInput(ctx);
    checkSizes(ctx, ['input_size'], 0);
    checkSizes(ctx, ['hidden_size', 'num_layers'], 1);
    if (kind === 'LSTM') checkSizes(ctx, ['proj_size'], 0);
    const batchFirst = ctx.bool('batch_first');
    const layout = batchFirst === true ? '(N, L, H_in)' : '(L, N, H_in)';
    const rankOk = checkRank(ctx, (r) => r === 2 || r === 3, `a 3D ${layout} or unbatched 2D (L, H_in)`);
    if (shape !== null && rankOk) checkInputSize(ctx, shape, (expected, got) => `input.size(-1) must be equal to input_size. Expected ${expected}, got ${got}`);

    const hidden = ctx.int('hidden_size');
    const numLayers = ctx.int('num_layers');
    const bidirectional = ctx.bool('bidirectional');
    const directions = bidirectional === null ? null : bidirectional ? 2 : 1;
    const proj = kind === 'LSTM' ? ctx.int('proj_size') : 0;
    const hiddenOut: Dim = proj === null ? null : proj !== 0 ? proj : hidden;
    const features = mul(directions, hiddenOut);
    const stateCount = mul(directions, numLayers);

    let output: Shape = null;
    let batch: Dim[] = [];
    if (shape !== null && rankOk && shape.length === 2) output = [shape[0], features];
    else if (shape !== null && rankOk) {
      const n = batchFirst === null ? null : batchFirst ? shape[0] : shape[1];
      const sequence = batchFirst === null ? null : batchFirst ? shape[1] : shape[0];
      output = batchFirst === true ? [n, sequence, features] : [sequence, n, features];
      batch = [n];
    } else batch = [null];
    const unknownRank = shape === null || !rankOk;
    const state = (size: Dim): Shape => (unknownRank ? null : [stateCount, ...batch, size]);
    const finalStates: Output = kind === 'LSTM' ? new TupleOut([state(hiddenOut), state(hidden)]) : state(hiddenOut);
    const params = safeCount(torchRecurrentCount(GATES[kind], ctx.int('input_size'), hidden, numLayers, directions, proj, ctx.bool('bias')));
    return { output: new TupleOut([output, finalStates]), params };
  };
}

/** torch.nn.RNNCell, LSTMCell and GRUCell: one step on (N, H_in) or (H_in) → h' (and c' for LSTM). */
function torchCellRule(kind: RecurrentKind): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    const shape = firstInput(ctx);
    checkSizes(ctx, ['input_size', 'hidden_size'], 0);
    const rankOk = checkRank(ctx, (r) => r === 1 || r === 2, 'a 1D (H_in) or 2D (N, H_in)');
    if (shape !== null && rankOk) checkInputSize(ctx, shape, (expected, got) => `input has inconsistent input_size: got ${got} expected ${expected}`);
    const hidden = ctx.int('hidden_size');
    const state: Shape = shape === null || !rankOk ? null : shape.length === 2 ? [shape[0], hidden] : [hidden];
    const params = safeCount(torchRecurrentCount(GATES[kind], ctx.int('input_size'), hidden, 1, 1, 0, ctx.bool('bias')));
    return { output: kind === 'LSTM' ? new TupleOut([state, state]) : state, params };
  };
}

// The real constructors take *args/**kwargs; these are the documented positional orders.
const torchStackTail: Param[] = [
  { name: 'bias', default: true },
  { name: 'batch_first', default: false },
  { name: 'dropout', default: 0.0 },
  { name: 'bidirectional', default: false },
];
const sizes: Param[] = [{ name: 'input_size' }, { name: 'hidden_size' }];

const torchLayers: LayerDef[] = [
  torchLayer('RNN', [...sizes, { name: 'num_layers', default: 1 }, { name: 'nonlinearity', default: 'tanh' }, ...torchStackTail, ...DEVICE_DTYPE], torchRecurrentRule('RNN')),
  torchLayer('LSTM', [...sizes, { name: 'num_layers', default: 1 }, ...torchStackTail, { name: 'proj_size', default: 0 }, ...DEVICE_DTYPE], torchRecurrentRule('LSTM')),
  torchLayer('GRU', [...sizes, { name: 'num_layers', default: 1 }, ...torchStackTail, ...DEVICE_DTYPE], torchRecurrentRule('GRU')),
  torchLayer('RNNCell', [...sizes, { name: 'bias', default: true }, { name: 'nonlinearity', default: 'tanh' }, ...DEVICE_DTYPE], torchCellRule('RNN')),
  torchLayer('LSTMCell', [...sizes, { name: 'bias', default: true }, ...DEVICE_DTYPE], torchCellRule('LSTM')),
  torchLayer('GRUCell', [...sizes, { name: 'bias', default: true }, ...DEVICE_DTYPE], torchCellRule('GRU')),
];

/**
 * The Keras parameter count: per gate a kernel (features, units), a recurrent kernel (units, units)
 * and a bias (units); GRU with reset_after keeps a second, recurrent bias.
 */
function kerasRecurrentCount(kind: RecurrentKind, features: Dim, units: Dim, useBias: boolean | null, resetAfter: boolean | null): number | null {
  if (!isKnown(features) || !isKnown(units) || useBias === null || (kind === 'GRU' && resetAfter === null)) return null;
  const gates = GATES[kind];
  const biasSets = !useBias ? 0 : kind === 'GRU' && resetAfter ? 2 : 1;
  return gates * (features * units + units * units + biasSets * units);
}

/**
 * keras.layers.SimpleRNN, LSTM and GRU: (batch, timesteps, features) → (batch, units), or
 * (batch, timesteps, units) with return_sequences; with return_state, [output, h] or [output, h, c].
 */
function kerasRecurrentRule(kind: RecurrentKind): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    const shape = firstInput(ctx);
    checkSizes(ctx, ['units'], 1);
    let rankOk = true;
    if (shape !== null && shape.length !== 3) {
      rankOk = false;
      ctx.error('rank-mismatch', `${ctx.kind} expects a 3D input (batch, timesteps, features): expected ndim=3, found ndim=${shape.length} in its input ${formatShape(shape, 'None')}: ${ctx.origin(0)}`);
    }
    const known = shape !== null && rankOk;
    const batch = known ? shape[0] : null;
    const steps = known ? shape[1] : null;
    const units = ctx.int('units');
    const sequences = ctx.bool('return_sequences');
    const output: Shape = sequences === null ? null : sequences ? [batch, steps, units] : [batch, units];
    const state: Shape = [batch, units];
    const returnState = ctx.bool('return_state');
    const resetAfter = kind === 'GRU' ? ctx.bool('reset_after') : null;
    const params = safeCount(kerasRecurrentCount(kind, known ? shape[2] : null, units, ctx.bool('use_bias'), resetAfter));
    if (returnState !== true) return { output, params };
    return { output: new TupleOut(kind === 'LSTM' ? [output, state, state] : [output, state]), params };
  };
}

/** The main output and the states of a recurrent result (states only with return_state). */
function splitStates(o: Output): { main: Output; states: Output[] } {
  if (o instanceof TupleOut) return { main: o.items[0] ?? null, states: o.items.slice(1) };
  return { main: o, states: [] };
}

/** Two outputs joined along the last axis, as merge_mode='concat' does. */
function concatLast(a: Output, b: Output): Shape {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length === 0 || a.length !== b.length) return null;
  return [...a.slice(0, -1), add(a[a.length - 1], b[b.length - 1])];
}

/**
 * keras.layers.Bidirectional: runs the wrapped layer forwards and (a copy, or backward_layer)
 * backwards, then merges: 'concat' doubles the last axis, 'sum'/'mul'/'ave' keep it, None returns
 * both. With return_state the forward states follow the output, then the backward states.
 */
function bidirectionalRule(ctx: RuleContext): RuleResult {
  const layer = ctx.value('layer');
  if (!(layer instanceof LayerArg)) return { output: null, params: null };
  const forward = ctx.runLayer(layer, ctx.inputs);
  const backwardLayer = ctx.value('backward_layer');
  const backward = backwardLayer instanceof LayerArg ? ctx.runLayer(backwardLayer, ctx.inputs) : forward;
  const f = splitStates(forward.output);
  const b = splitStates(backward.output);
  const mode = ctx.value('merge_mode');
  let merged: Output[];
  if (mode === null) merged = [f.main, b.main];
  else if (mode === 'concat') merged = [concatLast(f.main, b.main)];
  else if (mode === 'sum' || mode === 'mul' || mode === 'ave') merged = [f.main];
  else merged = [null];
  const items = [...merged, ...f.states, ...b.states];
  const params = addCounts(forward.params ?? null, backward.params ?? null);
  return { output: items.length === 1 ? items[0] : new TupleOut(items), params };
}

/** Puts the time axis back at position 1 of every shape the wrapped layer produced. */
function withTimeAxis(o: Output, steps: Dim): Output {
  if (o instanceof TupleOut) return new TupleOut(o.items.map((item) => withTimeAxis(item, steps)));
  if (o === null || o.length === 0) return null;
  return [o[0], steps, ...o.slice(1)];
}

/**
 * keras.layers.TimeDistributed: applies the wrapped layer to every time step, i.e. to
 * (batch, ...rest) with the time axis removed, and inserts the time axis back into its output.
 */
function timeDistributedRule(ctx: RuleContext): RuleResult {
  const shape = firstInput(ctx);
  const layer = ctx.value('layer');
  if (shape !== null && shape.length < 3) {
    ctx.error('rank-mismatch', `TimeDistributed expects an input of at least 3 dimensions (batch, time, ...), but received ${formatShape(shape)}: ${ctx.origin(0)}`);
    return { output: null, params: null };
  }
  if (!(layer instanceof LayerArg)) return { output: null, params: null };
  const step: Shape = shape === null ? null : [shape[0], ...shape.slice(2)];
  const inner = ctx.runLayer(layer, [step]);
  return { output: shape === null ? null : withTimeAxis(inner.output, shape[1]), params: inner.params };
}

const initializers: Param[] = [
  { name: 'kernel_initializer', default: 'glorot_uniform' },
  { name: 'recurrent_initializer', default: 'orthogonal' },
  { name: 'bias_initializer', default: 'zeros' },
];
const regularizersConstraints: Param[] = [
  { name: 'kernel_regularizer', default: null },
  { name: 'recurrent_regularizer', default: null },
  { name: 'bias_regularizer', default: null },
  { name: 'activity_regularizer', default: null },
  { name: 'kernel_constraint', default: null },
  { name: 'recurrent_constraint', default: null },
  { name: 'bias_constraint', default: null },
];
const dropouts: Param[] = [
  { name: 'dropout', default: 0.0 },
  { name: 'recurrent_dropout', default: 0.0 },
];
const sequenceFlags: Param[] = [
  { name: 'return_sequences', default: false },
  { name: 'return_state', default: false },
  { name: 'go_backwards', default: false },
  { name: 'stateful', default: false },
  { name: 'unroll', default: false },
];
const seed: Param = { name: 'seed', default: null };
const activations: Param[] = [
  { name: 'activation', default: 'tanh' },
  { name: 'recurrent_activation', default: 'sigmoid' },
  { name: 'use_bias', default: true },
];

/**
 * keras.layers.ConvLSTM1D/2D/3D: input (batch, time, *spatial, channels) (channels_last) or
 * (batch, time, channels, *spatial). Each step's convolution gives (*new spatial, filters), as
 * Conv{n}D does with the same kernel, strides, padding and dilation; the output is that per step
 * with return_sequences, else the last step's; return_state adds h and c of the step's shape.
 * Parameters: the input kernel (k·in·4f), the recurrent kernel (k·f·4f, 'same' and stride 1) and
 * the bias (4f), where k is the kernel's volume.
 */
function convLstmRule(spatialRank: number): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    const shape = firstInput(ctx);
    const n = spatialRank;
    const filters = ctx.int('filters');
    const kernel = ctx.tuple('kernel_size', n);
    if (shape === null || !checkInputRank(ctx, shape, n + 1)) return { output: null, params: null };
    const layout = kerasLayout(ctx);
    // One step is a Conv{n}D input: (batch, *spatial, channels) without the time axis.
    const step = [shape[0], ...shape.slice(2)];
    const parts = splitAxes(step, n, layout);
    const padding = ctx.str('padding')?.toLowerCase();
    const spatial = slideWindows(ctx, parts.spatial, { kernel, stride: ctx.tuple('strides', n), dilation: ctx.tuple('dilation_rate', n), padding: kerasWindowPadding(padding === 'valid' || padding === 'same' ? padding : null, n), windowArg: 'kernel_size' });
    const state = joinAxes({ leading: parts.leading, channels: filters, spatial }, layout);
    const output = ctx.bool('return_sequences') ? [shape[0], shape[1], ...state.slice(1)] : state;
    const k = kernel ? kernel.reduce<Dim>((a, b) => mul(a, b), 1) : null;
    const bias = ctx.bool('use_bias');
    const params = isKnown(k) && isKnown(parts.channels) && isKnown(filters) && bias !== null ? safeCount(4 * filters * (k * parts.channels + k * filters + (bias ? 1 : 0))) : null;
    return { output: ctx.bool('return_state') ? new TupleOut([output, state, state]) : output, params };
  };
}

const convLstmParams = (n: number): Param[] => [
  { name: 'filters' },
  { name: 'kernel_size' },
  { name: 'strides', default: n === 1 ? 1 : Array(n).fill(1) },
  { name: 'padding', default: 'valid' },
  { name: 'data_format', default: null },
  { name: 'dilation_rate', default: n === 1 ? 1 : Array(n).fill(1) },
  ...activations,
  ...initializers,
  { name: 'unit_forget_bias', default: true },
  ...regularizersConstraints,
  ...dropouts,
  seed,
  ...sequenceFlags.filter((p) => p.name !== 'unroll'),
];

const kerasLayers: LayerDef[] = [
  ...[1, 2, 3].map((n) => kerasLayer(`ConvLSTM${n}D`, convLstmParams(n), convLstmRule(n))),
  kerasLayer('SimpleRNN', [{ name: 'units' }, { name: 'activation', default: 'tanh' }, { name: 'use_bias', default: true }, ...initializers, ...regularizersConstraints, ...dropouts, ...sequenceFlags, seed], kerasRecurrentRule('RNN')),
  kerasLayer(
    'LSTM',
    [{ name: 'units' }, ...activations, ...initializers, { name: 'unit_forget_bias', default: true }, ...regularizersConstraints, ...dropouts, seed, ...sequenceFlags, { name: 'use_cudnn', default: 'auto' }],
    kerasRecurrentRule('LSTM'),
  ),
  kerasLayer(
    'GRU',
    [{ name: 'units' }, ...activations, ...initializers, ...regularizersConstraints, ...dropouts, seed, ...sequenceFlags, { name: 'reset_after', default: true }, { name: 'use_cudnn', default: 'auto' }],
    kerasRecurrentRule('GRU'),
  ),
  kerasLayer('Bidirectional', [{ name: 'layer' }, { name: 'merge_mode', default: 'concat' }, { name: 'weights', default: null }, { name: 'backward_layer', default: null }], bidirectionalRule),
  kerasLayer('TimeDistributed', [{ name: 'layer' }], timeDistributedRule),
];

export const layers: LayerDef[] = [...torchLayers, ...kerasLayers];
