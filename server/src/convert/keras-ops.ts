// TensorFlow and keras.ops functions applied to Keras tensors in a functional model (`tf.nn.relu(x)`,
// `tf.concat([a, b], axis=-1)`, `keras.ops.mean(x, axis=1)`, `x * 2.0`), in PyTorch. The engine
// records an operation's shapes, not its arguments, so they are read from the call's text (constants
// only; anything else is not converted). Axes are Keras's: a reduction, an expand_dims or a squeeze
// runs on the tensor moved back to Keras's channels-last order, and its result moves to PyTorch's.

import type { LayerRecord } from '../analysis/result';
import { evaluateConstant, NOT_CONSTANT, parseCall, type ParsedValue } from '../confirm/call-args';
import { recordText } from '../confirm/op-args';
import { firstOutput, pyFloat, rankOf, torchAxis, type ConvertedLayer, type Layout } from './parts';

const UNARY: Record<string, string> = {
  relu: 'F.relu($x)',
  relu6: 'F.relu6($x)',
  sigmoid: 'torch.sigmoid($x)',
  tanh: 'torch.tanh($x)',
  exp: 'torch.exp($x)',
  log: 'torch.log($x)',
  sqrt: 'torch.sqrt($x)',
  rsqrt: 'torch.rsqrt($x)',
  square: 'torch.square($x)',
  abs: 'torch.abs($x)',
  negative: '-$x',
  neg: '-$x',
  softplus: 'F.softplus($x)',
  softsign: 'F.softsign($x)',
  elu: 'F.elu($x)',
  selu: 'F.selu($x)',
  silu: 'F.silu($x)',
  swish: 'F.silu($x)',
  identity: '$x',
  stop_gradient: '$x.detach()',
};

const BINARY: Record<string, string> = {
  add: '+',
  subtract: '-',
  sub: '-',
  multiply: '*',
  mul: '*',
  divide: '/',
  truediv: '/',
  realdiv: '/',
};

const BINARY_FUNCTIONS: Record<string, string> = { maximum: 'torch.maximum', minimum: 'torch.minimum', pow: 'torch.pow' };

const REDUCTIONS: Record<string, string> = { mean: 'mean', reduce_mean: 'mean', sum: 'sum', reduce_sum: 'sum', max: 'amax', reduce_max: 'amax', min: 'amin', reduce_min: 'amin', prod: 'prod', reduce_prod: 'prod' };

function notConverted(record: LayerRecord, why: string): ConvertedLayer {
  return { parts: [{ type: 'module', hint: 'todo', code: 'nn.Identity()' }], todo: `the operation ${record.kind}: ${why}`, unconverted: true };
}

/** A constant number or null. */
function number(v: ParsedValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

/** The argument at a position or keyword. */
function argument(call: { positional: ParsedValue[]; keywords: Record<string, ParsedValue> }, index: number, ...names: string[]): ParsedValue | undefined {
  for (const n of names) if (n in call.keywords) return call.keywords[n];
  return call.positional[index];
}

/** PyTorch code for a TensorFlow or keras.ops operation record, or null for a kind this file does not know. */
export function convertKerasOp(record: LayerRecord, lines: readonly string[], layout: Layout): ConvertedLayer | null {
  const kind = record.kind;
  const tensors = record.inputsFrom.every((k, i) => k >= 0 || record.modelInputs[i] >= 0);
  if (!tensors) return null;
  const text = recordText(record, lines);
  const call = parseCall(text);
  const rank = rankOf(record.input[0]) ?? 2;
  const channelsMoved = layout === 'last' && rank >= 3;

  if (UNARY[kind] && record.input.length === 1) return { parts: [{ type: 'expr', code: UNARY[kind] }] };
  if (kind === 'gelu' && record.input.length === 1) {
    // keras.ops.gelu approximates by default, tf.nn.gelu does not.
    const approximate = call ? argument(call, 1, 'approximate') ?? (/^keras\.ops\.|^ops\./.test(call.callee) ? true : false) : false;
    if (typeof approximate !== 'boolean') return notConverted(record, 'its approximate argument could not be read');
    return { parts: [{ type: 'expr', code: approximate ? "F.gelu($x, approximate='tanh')" : 'F.gelu($x)' }] };
  }
  if (kind === 'leaky_relu' && record.input.length === 1) {
    const slope = call ? number(argument(call, 1, 'alpha', 'negative_slope')) ?? 0.2 : 0.2;
    return { parts: [{ type: 'expr', code: `F.leaky_relu($x, ${pyFloat(slope)})` }] };
  }
  if (kind === 'softmax' || kind === 'log_softmax') {
    const axis = call ? argument(call, 1, 'axis') ?? -1 : -1;
    if (typeof axis !== 'number') return notConverted(record, 'its axis could not be read');
    return { parts: [{ type: 'expr', code: `F.${kind}($x, dim=${torchAxis(axis, rank, layout)})` }] };
  }

  // Two operands: tensors, or a tensor and a constant written beside it.
  if ((BINARY[kind] || BINARY_FUNCTIONS[kind]) && record.input.length <= 2) {
    const [a, b] = record.input.length === 2 ? ['$0', '$1'] : constantOperand(text, call);
    if (!a || !b) return notConverted(record, 'its other operand is not a tensor of the model nor a constant');
    if (record.input.length === 2 && record.input[0] && record.input[1] && record.input[0].length !== record.input[1].length && channelsMoved) return notConverted(record, 'broadcasting tensors of different ranks is not converted');
    return { parts: [{ type: 'expr', code: BINARY[kind] ? `${a} ${BINARY[kind]} ${b}` : `${BINARY_FUNCTIONS[kind]}(${a}, ${b})` }] };
  }

  if (!call) return null;
  if (kind === 'concat' || kind === 'concatenate') {
    // tf.concat needs its axis; keras.ops.concatenate defaults to 0, which is the batch.
    const axis = argument(call, 1, 'axis') ?? (kind === 'concatenate' ? 0 : undefined);
    if (typeof axis !== 'number') return notConverted(record, 'its axis could not be read');
    const xs = record.input.map((_, i) => `$${i}`);
    return { parts: [{ type: 'expr', code: `torch.cat([${xs.join(', ')}], dim=${torchAxis(axis, rank, layout)})` }] };
  }
  if (REDUCTIONS[kind]) {
    const axisArg = argument(call, 1, 'axis');
    const keep = argument(call, 2, 'keepdims', 'keep_dims') ?? false;
    if (axisArg === NOT_CONSTANT || typeof keep !== 'boolean') return notConverted(record, 'its axis or keepdims could not be read');
    const axes = axisArg === undefined || axisArg === null ? null : (Array.isArray(axisArg) ? axisArg : [axisArg]);
    if (axes && !axes.every((a) => typeof a === 'number')) return notConverted(record, 'its axis could not be read');
    const outRank = rankOf(firstOutput(record));
    const source = channelsMoved ? '$x.movedim(1, -1)' : '$x';
    let code = axes === null ? `torch.${REDUCTIONS[kind]}(${source})` : `torch.${REDUCTIONS[kind]}(${source}, dim=${axes.length === 1 ? axes[0] : `(${(axes as number[]).join(', ')})`}${keep ? ', keepdim=True' : ''})`;
    if (layout === 'last' && outRank !== null && outRank >= 3) code += '.movedim(-1, 1)';
    return { parts: [{ type: 'expr', code }], comment: channelsMoved ? `${kind} over Keras's axes: channels last for it, and back.` : undefined };
  }
  if (kind === 'reshape' || kind === 'expand_dims' || kind === 'squeeze') {
    // The result's shape is known: a reshape in Keras's order.
    const output = firstOutput(record);
    const target = output ? output.slice(1) : null;
    if (!target || !target.every((d) => typeof d === 'number')) return notConverted(record, 'the shape of its result is not known');
    const outRank = output!.length;
    let code = channelsMoved ? '$x.movedim(1, -1)' : '$x';
    code += `.reshape($x.shape[0], ${target.join(', ')})`;
    if (layout === 'last' && outRank >= 3) code += '.movedim(-1, 1)';
    return { parts: [{ type: 'expr', code }] };
  }
  if (kind === 'transpose') {
    const perm = argument(call, 1, 'perm', 'axes');
    if (!Array.isArray(perm) || perm[0] !== 0 || !perm.every((p) => typeof p === 'number')) return notConverted(record, 'a transpose that moves the batch axis or is not written out is not converted');
    const toTorch = layout === 'last' && rank >= 3 ? [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)] : Array.from({ length: rank }, (_, i) => i);
    const fromTorch = Array(rank).fill(0);
    toTorch.forEach((k, j) => (fromTorch[k] = j));
    const torchPerm = toTorch.map((t) => fromTorch[(perm as number[])[t]]);
    return { parts: [{ type: 'expr', code: `$x.permute(${torchPerm.join(', ')})` }] };
  }
  if (kind === 'depth_to_space' || kind === 'space_to_depth') {
    // TensorFlow's NHWC layout orders the moved pixels before the channels (DCR): (i·b + j)·C + c.
    const b = number(argument(call, 1, 'block_size'));
    const output = firstOutput(record);
    const input = record.input[0];
    if (b === null || !input || !output || input.length !== 4 || layout !== 'last') return notConverted(record, 'its block size or the channels-last layout it needs could not be read');
    const code =
      kind === 'depth_to_space'
        ? `$x.unflatten(1, (${b}, ${b}, -1)).permute(0, 3, 4, 1, 5, 2).flatten(4, 5).flatten(2, 3)`
        : `$x.unflatten(3, (-1, ${b})).unflatten(2, (-1, ${b})).permute(0, 3, 5, 1, 2, 4).flatten(1, 3)`;
    return { parts: [{ type: 'expr', code }], comment: `tf.nn.${kind}: TensorFlow orders the moved pixels before the channels.` };
  }
  if (kind === 'resize') {
    const size = argument(call, 1, 'size');
    const method = argument(call, 2, 'method') ?? 'bilinear';
    if (!Array.isArray(size) || size.length !== 2 || !size.every((s) => typeof s === 'number')) return notConverted(record, 'its size could not be read');
    const modes: Record<string, string> = { bilinear: "mode='bilinear', align_corners=False", nearest: "mode='nearest-exact'" };
    if (typeof method !== 'string' || !modes[method]) return notConverted(record, `method ${String(method)} has no PyTorch equivalent here`);
    for (const k of ['antialias', 'preserve_aspect_ratio']) if (call.keywords[k] === true) return notConverted(record, `${k}=True is not converted`);
    return { parts: [{ type: 'expr', code: `F.interpolate($x, size=(${size.join(', ')}), ${modes[method]})` }] };
  }
  return null;
}

/** For `x * 2.0` or `tf.multiply(x, 2.0)`: the operands in order, the constant written as a float; [] when the other operand is not a constant. */
function constantOperand(text: string, call: ReturnType<typeof parseCall>): [string, string] | [] {
  let left: ParsedValue;
  let right: ParsedValue;
  if (call) {
    [left, right] = [call.positional[0] ?? call.keywords.x, call.positional[1] ?? call.keywords.y];
  } else {
    const m = /^(.*?)\s*(\*\*|[-+*/])\s*(.+)$/s.exec(text.trim());
    if (!m) return [];
    [left, right] = [evaluateConstant(m[1]), evaluateConstant(m[3])];
  }
  if (typeof left === 'number' && right === NOT_CONSTANT) return [pyFloat(left), '$x'];
  if (typeof right === 'number' && left === NOT_CONSTANT) return ['$x', pyFloat(right)];
  return [];
}
