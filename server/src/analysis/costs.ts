// What each layer costs, from the shapes the analysis inferred: mult-adds, the bytes of its output,
// the bytes of its parameters; and the model's totals as torchinfo prints them (total mult-adds,
// input size, forward/backward pass size, params size, estimated total size).
//
// The definitions are torchinfo's (its LayerInfo.calculate_macs and ModelStatistics), re-stated:
// every parameter counts once per output position, where a position is
//   - a convolution (any class whose name holds "Conv"): every output element but the channels,
//     i.e. N × the output's spatial sizes;
//   - a recurrent layer or attention (parameters named weight_ih_l0, in_proj_weight, ...): the
//     output's first two axes (batch and sequence, in either order);
//   - any other layer (parameters named weight and bias: Linear, norms, Embedding): the output's
//     first axis only.
// A layer's output bytes are its output's (the first tensor of a tuple) elements times the bytes
// of its dtype (float32 unless the layer names another). The forward/backward pass size is twice
// the output bytes of every layer with parameters; the estimated total adds the input's and the
// parameters' bytes. Keras layers get the same figures, their channel axis read from
// data_format and a recurrent layer's positions from its input (batch × time steps).
//
// Each figure is a Dim: a number, a formula in the symbolic sizes (N), or unknown. A layer this
// file does not model has unknown mult-adds, never a guess; a layer without parameters costs 0.
// Pure functions of the records; the figures' text (formatFigure, formatShort) is shared by the CLI
// and the language server.

import { add, Dim, isKnown, mul, product, sym } from '../shapes/dim';
import { addCounts, Count, formatCount, multiplyCounts } from '../shapes/count';
import { ArgValue, Framework, Output, ReferenceArg, Shape, TupleOut } from '../shapes/types';
import type { LayerRecord, ModelResult } from './result';

/** The totals of one model, as torchinfo prints them under its table. */
export interface ModelCosts {
  /** Sum of every layer application's mult-adds. */
  multAdds: Dim;
  /** Bytes of the model's input tensors. */
  inputBytes: Dim;
  /** Twice the output bytes of every layer application with parameters (outputs and their gradients). */
  forwardBackwardBytes: Dim;
  /** Bytes of the parameters, each layer object once (exact past 2^53). */
  paramBytes: Count | null;
  /** Input + forward/backward pass + parameters. */
  totalBytes: Dim;
  /** Sum of every layer application's output bytes (the activations a forward pass writes). */
  activationBytes: Dim;
}

/** Every total unknown: a placeholder until modelCosts has read the records. */
export const EMPTY_COSTS: ModelCosts = { multAdds: null, inputBytes: null, forwardBackwardBytes: null, paramBytes: null, totalBytes: null, activationBytes: null };

/** What a layer application costs; set on module records only. */
export interface LayerCost {
  multAdds: Dim;
  outputBytes: Dim;
}

/** PyTorch layers whose parameters have compound names (weight_ih_l0, in_proj_weight, layers.0.linear1.weight): counted per batch × sequence position. */
const RECURRENT = new Set(['RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell', 'MultiheadAttention', 'TransformerEncoderLayer', 'TransformerDecoderLayer', 'TransformerEncoder', 'TransformerDecoder', 'Transformer']);
const KERAS_RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU', 'Bidirectional']);

/** PyTorch layers whose parameters are all named `weight` and `bias` (each counted once per output row). */
const TORCH_WEIGHT_BIAS = /^(Lazy)?(Linear|Bilinear|Embedding|BatchNorm[123]d|InstanceNorm[123]d|LayerNorm|GroupNorm|RMSNorm|PReLU|SyncBatchNorm|_BatchNorm)$/;
/** Keras layers costed like PyTorch's weight-and-bias layers. */
const KERAS_WEIGHT_BIAS = /^(Dense|EinsumDense|Embedding|BatchNormalization|LayerNormalization|GroupNormalization|UnitNormalization|PReLU)$/;

/** Bytes of one element of a dtype argument: 4 when none is given, null when it cannot be read. */
export function dtypeBytes(dtype: ArgValue | undefined): number | null {
  if (dtype === undefined || dtype === null) return 4;
  const name = dtype instanceof ReferenceArg ? dtype.name : typeof dtype === 'string' ? dtype : null;
  if (name === null) return null;
  const base = name.slice(name.lastIndexOf('.') + 1).replace(/^mixed_/, '');
  const sizes: Record<string, number> = {
    float16: 2, half: 2, bfloat16: 2, float32: 4, float: 4, float64: 8, double: 8,
    int8: 1, uint8: 1, int16: 2, short: 2, int32: 4, int: 4, int64: 8, long: 8, bool: 1,
  };
  return sizes[base] ?? null;
}

/** The first tensor of an output (torchinfo measures a tuple by its first tensor). */
export function firstTensor(output: Output): Shape {
  let o: Output = output;
  while (o instanceof TupleOut) {
    if (o.items.length === 0) return null;
    o = o.items[0];
  }
  return o;
}

/** Keras's batch axis is None: for costs it is the symbolic batch N, so that each figure is a formula in N. */
function withBatch(shape: Shape, framework: Framework): Shape {
  if (framework !== 'keras' || shape === null || shape.length < 2 || shape[0] !== null) return shape;
  return [sym('N'), ...shape.slice(1)];
}

/** A figure that a double holds exactly, or unknown (a rounded value is never shown as exact). */
function exact(d: Dim): Dim {
  return isKnown(d) && !Number.isSafeInteger(d) ? null : d;
}

function countAsDim(c: Count | null | undefined): Dim {
  return typeof c === 'number' ? c : null;
}

/** The positions each parameter is counted at, by torchinfo's rule for the layer's class. */
function positions(layer: LayerRecord, out: Dim[], keras: boolean): Dim {
  if (out.length === 0) return null;
  if (layer.kind.includes('Conv')) {
    if (layer.kind.startsWith('ConvLSTM')) return null;
    // The channel axis is left out: axis 1 in PyTorch and channels_first Keras, the last in channels_last.
    const channelsLast = keras && layer.args?.data_format !== 'channels_first';
    const channel = channelsLast ? out.length - 1 : 1;
    return product(out.filter((_, i) => i !== channel));
  }
  if (keras) {
    if (KERAS_RECURRENT.has(layer.kind)) {
      const input = withBatch(layer.input[0] ?? null, 'keras');
      return input === null || input === undefined || input.length < 2 ? null : mul(input[0], input[1]);
    }
    // Attention's weights are per position of the query's sequence, as PyTorch's MultiheadAttention.
    if (layer.kind === 'MultiHeadAttention') return out.length < 2 ? out[0] : mul(out[0], out[1]);
    return KERAS_WEIGHT_BIAS.test(layer.kind) ? out[0] : null;
  }
  if (RECURRENT.has(layer.kind)) return out.length < 2 ? out[0] : mul(out[0], out[1]);
  return TORCH_WEIGHT_BIAS.test(layer.kind) ? out[0] : null;
}

/** The cost of one application of a layer object (a module record). */
export function layerCost(layer: LayerRecord, framework: Framework): LayerCost {
  const out = withBatch(firstTensor(layer.output), framework);
  const bytes = layer.args ? dtypeBytes(layer.args.dtype) : 4;
  const outputBytes = out === null || bytes === null ? null : exact(mul(product(out), bytes));
  let multAdds: Dim;
  if (layer.params === 0) multAdds = 0;
  else {
    const params = countAsDim(layer.params);
    multAdds = params === null || out === null ? null : exact(mul(params, positions(layer, out, framework === 'keras')));
  }
  return { multAdds, outputBytes };
}

/** Bytes of one element of the model's inputs: 8 when every layer reading an input is an embedding (int64 indices), else 4. */
function inputElementBytes(model: ModelResult, index: number): number {
  const readers = model.layers.filter((l) => l.modelInputs.includes(index));
  return readers.length > 0 && readers.every((l) => l.kind === 'Embedding' && model.framework === 'torch') ? 8 : 4;
}

/** Sets each module record's cost and returns the model's totals. */
export function modelCosts(model: ModelResult): ModelCosts {
  let multAdds: Dim = 0;
  let forwardBackwardBytes: Dim = 0;
  let activationBytes: Dim = 0;
  // Params size: every parameter at 4 bytes, corrected for the layers of another dtype.
  let paramBytes: Count | null = multiplyCounts(model.totalParams, 4);
  const seen = new Set<number>();
  for (const layer of model.layers) {
    if (!layer.module) continue;
    // A leaf module that is no layer: its forward's records hold its costs (none of its own without parameters).
    if (layer.leaf) {
      layer.multAdds = layer.params === 0 ? 0 : null;
      continue;
    }
    const cost = layerCost(layer, model.framework);
    layer.multAdds = cost.multAdds;
    layer.outputBytes = cost.outputBytes;
    multAdds = add(multAdds, cost.multAdds);
    activationBytes = add(activationBytes, cost.outputBytes);
    if (layer.params !== 0) forwardBackwardBytes = layer.params === null || layer.params === undefined ? null : add(forwardBackwardBytes, mul(2, cost.outputBytes));
    if (layer.layerId !== null && !seen.has(layer.layerId)) {
      seen.add(layer.layerId);
      const bytes = layer.args ? dtypeBytes(layer.args.dtype) : 4;
      if (bytes === null) paramBytes = null;
      else if (bytes !== 4 && layer.params !== 0) paramBytes = addCounts(paramBytes, multiplyCounts(layer.params ?? null, bytes - 4));
    }
  }
  let inputBytes: Dim = 0;
  model.input.forEach((shape, i) => {
    const sized = withBatch(shape, model.framework);
    inputBytes = add(inputBytes, sized === null ? null : mul(product(sized), inputElementBytes(model, i)));
  });
  inputBytes = model.input.length === 0 ? null : exact(inputBytes);
  multAdds = exact(multAdds);
  forwardBackwardBytes = exact(forwardBackwardBytes);
  const totalBytes = exact(add(add(inputBytes, forwardBackwardBytes), countAsDim(paramBytes)));
  return { multAdds, inputBytes, forwardBackwardBytes, paramBytes, totalBytes, activationBytes: exact(activationBytes) };
}

// ---------------------------------------------------------------- figures as text

/** A count or a formula: `34,702`, `34702 * N`, `?` when unknown. */
export function formatFigure(d: Dim | Count | undefined): string {
  if (d === null || d === undefined) return '?';
  if (typeof d === 'number' || typeof d === 'bigint') return formatCount(d);
  return d.toString();
}

/** Bytes in megabytes as torchinfo prints them (`0.03`), or a formula in bytes (`3136 * N bytes`). */
export function formatMegabytes(d: Dim | Count | undefined): string {
  if (d === null || d === undefined) return '?';
  if (typeof d === 'number' || typeof d === 'bigint') return (Number(d) / 1e6).toFixed(2);
  return `${d.toString()} bytes`;
}

/** A short figure for one line of text: `1.2 M`, `35 K`, `710`; a formula in N keeps its symbol (`35 K·N`). */
export function formatShort(d: Dim, unit = ''): string {
  if (d === null) return '?';
  if (typeof d === 'number') return shortNumber(d, unit);
  // c * N, the common case of a symbolic batch: the coefficient shortened, the symbol kept.
  const [term] = [...d.terms.values()];
  if (d.terms.size === 1 && d.constant === 0 && term.factors.length === 1 && d.symbols().has(term.factors[0]) && term.coef > 0) {
    return `${shortNumber(term.coef, unit)}·${term.factors[0]}`;
  }
  return `${d.toString()}${unit ? ` ${unit}` : ''}`;
}

function shortNumber(n: number, unit: string): string {
  const scaled = (value: number, prefix: string) => `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(1).replace(/\.0$/, '')} ${prefix}${unit}`;
  if (n >= 1e12) return scaled(n / 1e12, 'T');
  if (n >= 1e9) return scaled(n / 1e9, 'G');
  if (n >= 1e6) return scaled(n / 1e6, 'M');
  if (n >= 1e3) return scaled(n / 1e3, 'K');
  return unit ? `${n} ${unit}` : String(n);
}
