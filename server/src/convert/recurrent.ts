// The recurrent family of the Keras → PyTorch layer table: SimpleRNN, LSTM and GRU alone or in a
// Bidirectional wrapper, and TimeDistributed. nn.RNN / nn.LSTM / nn.GRU (batch_first=True) where
// they compute Keras's equations; otherwise the KerasRecurrent helper, called the same way, which
// computes them exactly (other activations, GRU reset_after=False, dropout, stateful layers).
//
// The module part returns PyTorch's `(output, state)`; an expression part then picks what Keras
// returns: the whole sequence (return_sequences), the last step, and the states after it with
// return_state, in Keras's order ([output, h] or [output, h, c]; Bidirectional: the forward
// states, then the backward ones). Sequences are channels-first in the converted model when the
// Keras model is channels-last, so they move to (N, T, F) and back around the module. The gate
// orders (Keras LSTM i, f, c, o = PyTorch i, f, g, o; Keras GRU z, r, h, PyTorch r, z, n) are
// reconciled by the weight port (weights.ts).

import type { LayerRecord } from '../analysis/result';
import type { BoundArgs } from '../shapes/context';
import type { ArgValue, Shape } from '../shapes/types';
import { LayerArg } from '../shapes/types';
import { readActivation } from './activations';
import { channelsLast, dimText, firstOutput, joinTodo, num, pyFloat, str, type ConvertedLayer, type LayerContext, type ModulePart, type Part, type PortKind } from './parts';

/** The kind, bound arguments and written arguments of a layer passed to a wrapper (`Bidirectional(LSTM(8))`), or null. */
export function innerLayer(v: ArgValue | undefined): { kind: string; args: Record<string, ArgValue>; given: string[] } | null {
  if (!(v instanceof LayerArg)) return null;
  const bound = v.bound as BoundArgs | undefined;
  if (!bound || !(bound.values instanceof Map)) return null;
  return { kind: v.def.kind, args: Object.fromEntries(bound.values), given: [...bound.given] };
}

export const TORCH_RECURRENT: Record<string, { module: string; port: PortKind; hint: string; helperKind: string }> = {
  LSTM: { module: 'nn.LSTM', port: 'lstm', hint: 'lstm', helperKind: 'lstm' },
  GRU: { module: 'nn.GRU', port: 'gru', hint: 'gru', helperKind: 'gru' },
  SimpleRNN: { module: 'nn.RNN', port: 'rnn', hint: 'rnn', helperKind: 'rnn' },
};

/**
 * Keras SimpleRNN / LSTM / GRU (alone, or wrapped by Bidirectional with `merge`). `unsupported`
 * makes the marked identity of a layer that cannot be converted.
 */
export function recurrent(ctx: LayerContext, kind: string, a: Record<string, ArgValue>, unsupported: (reason: string) => ConvertedLayer, merge?: string | null): ConvertedLayer {
  const r = ctx.record;
  const spec = TORCH_RECURRENT[kind];
  const input = r.input[0];
  const bidirectional = merge !== undefined;
  const units = num(a.units);
  const features = input && input.length === 3 ? dimText(input[2]) : null;
  if (!spec || units === null) return unsupported(`Keras ${kind} could not be read`);
  if (!features) return unsupported(`${kind} needs the input features: add a # input: comment to the Keras model`);
  const returnSequences = a.return_sequences === true;
  const returnState = a.return_state === true;
  const goBackwards = a.go_backwards === true;
  const useBias = a.use_bias !== false;
  let todo: string | undefined;
  const helpers: string[] = [];

  // nn.RNN / nn.LSTM / nn.GRU when they compute Keras's equations, else the KerasRecurrent helper.
  const activation = readActivation(a.activation === undefined ? 'tanh' : a.activation, -1);
  const recurrentActivation = readActivation(a.recurrent_activation === undefined ? 'sigmoid' : a.recurrent_activation, -1);
  const callable = (reading: ReturnType<typeof readActivation>, fallback: string, what: string): string => {
    if (reading.kind === 'torch') {
      helpers.push(...(reading.activation.helpers ?? []));
      todo = joinTodo(todo, reading.activation.todo);
      return reading.activation.call;
    }
    if (reading.kind === 'none') return 'nn.Identity()';
    todo = joinTodo(todo, reading.kind === 'unknown' ? `${what}: ${reading.reason.replace(', so none is applied', `, so ${fallback} is used`)}` : `${what} given as a layer is not converted, so ${fallback} is used`);
    return fallback;
  };
  const activationCall = callable(activation, 'torch.tanh', 'activation');
  const recurrentCall = kind === 'SimpleRNN' ? 'torch.sigmoid' : callable(recurrentActivation, 'torch.sigmoid', 'recurrent_activation');
  const standardActivation = activationCall === 'nn.Tanh()' || (kind === 'SimpleRNN' && activationCall === 'nn.ReLU()');
  const standardRecurrent = kind === 'SimpleRNN' || recurrentCall === 'nn.Sigmoid()';
  const resetAfter = kind === 'GRU' ? a.reset_after !== false : true;
  const dropout = num(a.dropout) ?? 0;
  const recurrentDropout = num(a.recurrent_dropout) ?? 0;
  const stateful = a.stateful === true;
  const useHelper = !standardActivation || !standardRecurrent || !resetAfter || dropout > 0 || recurrentDropout > 0 || stateful;

  let code: string;
  let comment: string | undefined;
  if (!useHelper) {
    const kw = [features, String(units)];
    if (kind === 'SimpleRNN' && activationCall === 'nn.ReLU()') kw.push("nonlinearity='relu'");
    if (!useBias) kw.push('bias=False');
    kw.push('batch_first=True');
    if (bidirectional) kw.push('bidirectional=True');
    code = `${spec.module}(${kw.join(', ')})`;
  } else {
    const kw = [`'${spec.helperKind}'`, features, String(units)];
    if (!useBias) kw.push('bias=False');
    if (bidirectional) kw.push('bidirectional=True');
    if (activationCall !== 'nn.Tanh()') kw.push(`activation=${activationCall}`);
    if (kind !== 'SimpleRNN' && recurrentCall !== 'nn.Sigmoid()') kw.push(`recurrent_activation=${recurrentCall}`);
    if (!resetAfter) kw.push('reset_after=False');
    if (dropout > 0) kw.push(`dropout=${pyFloat(dropout)}`);
    if (recurrentDropout > 0) kw.push(`recurrent_dropout=${pyFloat(recurrentDropout)}`);
    if (stateful) kw.push('stateful=True');
    code = `KerasRecurrent(${kw.join(', ')})`;
    helpers.push('KerasRecurrent');
    const why = [!standardActivation || !standardRecurrent ? 'its activations' : null, !resetAfter ? 'reset_after=False (the reset gate before the recurrent matmul)' : null, dropout > 0 || recurrentDropout > 0 ? 'dropout masks shared by all time steps' : null, stateful ? 'a state kept between calls (reset_states() clears it)' : null].filter(Boolean);
    comment = `Keras ${kind} with ${why.join(', ')}: computed with Keras's equations, as nn.${spec.module.slice(3)} cannot.`;
  }

  // The module's input: batch-first (N, T, F), reversed in time for go_backwards.
  const channelsMoved = channelsLast(ctx.layout, 3);
  let source = channelsMoved ? '$x.movedim(1, -1)' : '$x';
  if (goBackwards) source += '.flip(1)';
  const parts: Part[] = [{ type: 'module', hint: spec.hint, code, port: spec.port, apply: `$m(${source})` }];

  // What Keras returns, from PyTorch's (output, state); h_n is (directions, N, units).
  const h = (d: number) => (kind === 'LSTM' ? `$x[1][0][${d}]` : `$x[1][${d}]`);
  const c = (d: number) => `$x[1][1][${d}]`;
  const back = (t: string) => (channelsMoved ? `${t}.movedim(-1, 1)` : t);
  const statesOf = (d: number) => (kind === 'LSTM' ? [h(d), c(d)] : [h(d)]);
  let outputs: string[];
  let states: string[];
  if (!bidirectional) {
    outputs = [returnSequences ? back('$x[0]') : '$x[0][:, -1]'];
    states = statesOf(0);
  } else {
    const forward = returnSequences ? `$x[0][..., :${units}]` : h(0);
    const backward = returnSequences ? `$x[0][..., ${units}:]` : h(1);
    const combined: Record<string, string> = { sum: `${forward} + ${backward}`, ave: `(${forward} + ${backward}) / 2`, mul: `${forward} * ${backward}` };
    if (merge === 'concat') outputs = [returnSequences ? back('$x[0]') : `torch.cat([${forward}, ${backward}], dim=-1)`];
    else if (merge && combined[merge]) outputs = [returnSequences ? back(`(${combined[merge]})`) : combined[merge]];
    else outputs = [returnSequences ? back(forward) : forward, returnSequences ? back(backward) : backward];
    states = [...statesOf(0), ...statesOf(1)];
  }
  const all = returnState ? [...outputs, ...states] : outputs;
  parts.push({ type: 'expr', code: all.length === 1 ? all[0] : `(${all.join(', ')})` });
  if (!comment && (returnState || all.length > 1)) comment = `Keras ${kind} returns ${returnState ? 'its output and states' : 'two outputs'}: PyTorch's (output, h_n${kind === 'LSTM' ? ', c_n' : ''}) rearranged into that tuple.`;
  return { parts, todo, comment, helpers, portInfo: { bidirectional, resetAfter: kind === 'GRU' ? resetAfter : undefined, useBias } };
}

/** Keras Bidirectional(LSTM/GRU/SimpleRNN) → the same module with bidirectional=True, outputs merged as merge_mode says. */
export function bidirectional(ctx: LayerContext, unsupported: (reason: string) => ConvertedLayer): ConvertedLayer {
  const r = ctx.record;
  const inner = innerLayer(r.args?.layer);
  if (!inner || !TORCH_RECURRENT[inner.kind]) return unsupported('Bidirectional of this layer is not converted yet');
  const backward = innerLayer(r.args?.backward_layer);
  if (backward) {
    // A backward layer that is the forward one reading backwards is nn.LSTM(bidirectional=True)'s; other ones are not converted.
    const differs = backward.kind !== inner.kind ? [`a ${backward.kind}`] : Object.keys({ ...inner.args, ...backward.args }).filter((k) => !['go_backwards', 'name'].includes(k) && JSON.stringify(inner.args[k] ?? null) !== JSON.stringify(backward.args[k] ?? null));
    if (differs.length > 0) return unsupported(`Bidirectional whose backward_layer differs from its layer (${differs.join(', ')}) is not converted yet`);
    if (backward.args.go_backwards !== true) return unsupported('a backward_layer without go_backwards=True is not valid Keras');
  }
  if (inner.args.go_backwards === true) return unsupported('Bidirectional of a go_backwards layer is not converted yet');
  const merge = r.args?.merge_mode;
  const mode = merge === null ? null : str(merge) ?? 'concat';
  if (mode !== null && !['concat', 'sum', 'ave', 'mul'].includes(mode)) return unsupported(`merge_mode '${mode}' is not known`);
  return recurrent(ctx, inner.kind, inner.args, unsupported, mode);
}

/**
 * Keras TimeDistributed(layer): Dense acts on the last axis anyway, so it converts as Dense on the whole
 * sequence; any other layer runs on the time steps folded into the batch, (N·T, ...), and is unfolded after.
 * In the channels-first layout the time axis sits second after the channels: it moves next to the batch.
 */
export function timeDistributed(ctx: LayerContext, convert: (ctx: LayerContext) => ConvertedLayer, unsupported: (reason: string) => ConvertedLayer): ConvertedLayer {
  const r = ctx.record;
  const inner = innerLayer(r.args?.layer);
  const input = r.input[0];
  const output = firstOutput(r);
  if (!inner) return unsupported('the wrapped layer could not be read');
  if (inner.kind === 'Dense') {
    const converted = convert({ ...ctx, record: { ...r, kind: 'Dense', args: inner.args, given: inner.given } });
    return { ...converted, comment: converted.comment ?? 'TimeDistributed(Dense): Dense acts on the last axis of every time step.' };
  }
  const steps = input && input.length >= 3 ? dimText(input[1]) : null;
  if (!input || !output || !steps || TORCH_RECURRENT[inner.kind] || inner.kind === 'Bidirectional' || inner.kind === 'TimeDistributed') return unsupported(`TimeDistributed(${inner.kind}) is not converted yet`);
  const perStep = (s: Shape): Shape => (s ? [null, ...s.slice(2)] : s);
  const innerRecord: LayerRecord = { ...r, kind: inner.kind, args: inner.args, given: inner.given, input: [perStep(input)], output: perStep(output) };
  const converted = convert({ record: innerRecord, layout: ctx.layout, sequential: false });
  if (converted.todo && converted.parts.length === 1 && (converted.parts[0] as ModulePart).code === 'nn.Identity()') return unsupported(`TimeDistributed(${inner.kind}) is not converted yet: ${converted.todo}`);
  const moved = ctx.layout === 'last';
  const fold: Part = { type: 'expr', code: moved ? '$x.movedim(1, 2).flatten(0, 1)' : '$x.flatten(0, 1)' };
  const unfold: Part = { type: 'expr', code: moved ? `$x.unflatten(0, (-1, ${steps})).movedim(2, 1)` : `$x.unflatten(0, (-1, ${steps}))` };
  return {
    ...converted,
    parts: [fold, ...converted.parts, unfold],
    comment: `TimeDistributed(${inner.kind}): the time steps are folded into the batch and unfolded after.`,
  };
}
