// Layer family: linear maps and lookups, PyTorch (`torch.nn.Linear`, `LazyLinear`, `Bilinear`,
// `Identity`, `Embedding`) and Keras (`keras.layers.Dense`, `Embedding`, `Identity`).
//
// A linear layer maps the last axis and keeps every other axis. PyTorch writes the input size in
// the constructor, so a definite difference from the input's last axis is `linear-in-features`
// (with a hint that a Flatten may be missing when the input still has spatial axes); Keras Dense
// reads it from the input and never contradicts it. Flatten itself belongs to reshape.ts, the
// functional `F.linear` to ops/functional.ts.

import { Count, countOfTerms } from '../count';
import { Dim, dimToString, equalDims, isKnown } from '../dim';
import { formatShape } from '../shape';
import type { LayerDef, ModuleAttributes, RuleContext, RuleResult, Shape } from '../types';
import { checkRank, checkSizes, DEVICE_DTYPE, firstInput, kerasLayer, sameShape, torchLayer } from './activation';
import { KERAS_WEIGHT_PARAMS } from './keras-params';

/** A built nn.Linear's parameters: weight (out_features, in_features), bias (out_features,) or None. */
function linearAttributes(ctx: RuleContext): ModuleAttributes {
  const outF = ctx.int('out_features');
  const bias = ctx.bool('bias');
  const parameters: ModuleAttributes['parameters'] = { weight: [outF, ctx.int('in_features')] };
  if (bias === false) parameters.bias = 'none';
  else if (bias === true) parameters.bias = [outF];
  return { parameters, kept: {} };
}

/** The shape with its last axis replaced. */
function withLastAxis(shape: Shape, size: Dim): Shape {
  if (shape === null) return null;
  return shape.length === 0 ? [size] : [...shape.slice(0, -1), size];
}

/** A dense map's weights: in*out, plus out for the bias; null when a size is unknown or the flag is. */
export function denseCount(inFeatures: Dim, outFeatures: Dim, bias: boolean | null): Count | null {
  if (bias === null) return null;
  return countOfTerms(bias ? [[inFeatures, outFeatures], [outFeatures]] : [[inFeatures, outFeatures]]);
}

/**
 * Reports `linear-in-features` when the input's last axis definitely differs from the size written
 * in `argName`, with a quick fix to the real size. An input that still has more than two axes most
 * likely misses a Flatten, and the message says so.
 */
function checkInFeatures(ctx: RuleContext, argName: string, inputIndex: number): void {
  const shape = ctx.inputs[inputIndex] ?? null;
  if (shape === null || shape.length === 0) return;
  const last = shape[shape.length - 1];
  if (equalDims(ctx.int(argName), last) !== false) return;
  const fix = isKnown(last) ? { arg: argName, value: last } : undefined;
  const expects = `${ctx.kind} expects ${argName}=${ctx.describe(argName)}`;
  const message =
    shape.length > 2
      ? `${expects}, but its input ${formatShape(shape)} ends in ${dimToString(last)} — a Flatten may be missing: ${ctx.origin(inputIndex)}`
      : `${expects}, but its input has ${dimToString(last)} features: ${ctx.origin(inputIndex)}`;
  ctx.error('linear-in-features', message, argName, fix);
}

const atLeastOneAxis = (r: number) => r >= 1;

/** torch.nn.Linear and LazyLinear: (*, in_features) → (*, out_features). */
function torchLinearRule(lazy: boolean): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    const shape = firstInput(ctx);
    checkSizes(ctx, lazy ? ['out_features'] : ['in_features', 'out_features'], 0);
    const rankOk = checkRank(ctx, atLeastOneAxis, 'an input of at least 1 dimension (*, in_features) as');
    if (!lazy && rankOk) checkInFeatures(ctx, 'in_features', 0);
    const last = shape !== null && shape.length > 0 ? shape[shape.length - 1] : null;
    const inFeatures = lazy ? last : ctx.int('in_features');
    const outFeatures = ctx.int('out_features');
    return { output: withLastAxis(shape, outFeatures), params: denseCount(inFeatures, outFeatures, ctx.bool('bias')) };
  };
}

/** torch.nn.Bilinear: (*, in1) and (*, in2) with equal leading axes → (*, out). */
function bilinearRule(ctx: RuleContext): RuleResult {
  const first = firstInput(ctx);
  const second = ctx.inputs[1] ?? null;
  checkSizes(ctx, ['in1_features', 'in2_features', 'out_features'], 0);
  const firstOk = checkRank(ctx, atLeastOneAxis, 'inputs of at least 1 dimension (*, in_features) as', 0);
  const secondOk = checkRank(ctx, atLeastOneAxis, 'inputs of at least 1 dimension (*, in_features) as', 1);
  if (firstOk) checkInFeatures(ctx, 'in1_features', 0);
  if (secondOk && ctx.inputs.length > 1) checkInFeatures(ctx, 'in2_features', 1);
  if (first !== null && second !== null && firstOk && secondOk) {
    const a = first.slice(0, -1);
    const b = second.slice(0, -1);
    const conflict = a.length !== b.length ? -1 : a.findIndex((d, i) => equalDims(d, b[i]) === false);
    if (a.length !== b.length || conflict >= 0) {
      ctx.error('broadcast-mismatch', `Bilinear needs equal batch axes in both inputs, but got ${formatShape(first)} (${ctx.origin(0)}) and ${formatShape(second)} (${ctx.origin(1)})`);
    }
  }
  const outFeatures = ctx.int('out_features');
  const weights = [ctx.int('in1_features'), ctx.int('in2_features'), outFeatures];
  const bias = ctx.bool('bias');
  const params = bias === null ? null : countOfTerms(bias ? [weights, [outFeatures]] : [weights]);
  return { output: withLastAxis(first, outFeatures), params };
}

/** Embedding lookups: integer indices of any shape → the same shape plus one embedding axis. */
function embeddingRule(rowsArg: string, widthArg: string): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    const shape = firstInput(ctx);
    checkSizes(ctx, [rowsArg, widthArg], 0);
    const rows = ctx.int(rowsArg);
    const width = ctx.int(widthArg);
    const padding = ctx.framework === 'torch' ? ctx.int('padding_idx') : null;
    if (isKnown(padding) && isKnown(rows) && (padding >= rows || padding < -rows)) {
      ctx.error('embedding-dim', `Embedding padding_idx=${ctx.describe('padding_idx')} must be within num_embeddings=${ctx.describe(rowsArg)} (from ${-rows} to ${rows - 1})`, 'padding_idx');
    }
    return { output: shape === null ? null : [...shape, width], params: countOfTerms([[rows, width]]) };
  };
}

/** keras.layers.Dense: (batch, ..., d) → (batch, ..., units); rank-4 inputs are legal. */
function kerasDenseRule(ctx: RuleContext): RuleResult {
  const shape = firstInput(ctx);
  checkSizes(ctx, ['units'], 1);
  checkRank(ctx, (r) => r >= 2, 'an input of at least 2 dimensions (batch, ..., features) as');
  const last = shape !== null && shape.length > 0 ? shape[shape.length - 1] : null;
  const units = ctx.int('units');
  return { output: withLastAxis(shape, units), params: denseCount(last, units, ctx.bool('use_bias')) };
}

const torchLayers: LayerDef[] = [
  { ...torchLayer('Linear', [{ name: 'in_features' }, { name: 'out_features' }, { name: 'bias', default: true }, ...DEVICE_DTYPE], torchLinearRule(false)), attributes: linearAttributes },
  torchLayer('LazyLinear', [{ name: 'out_features' }, { name: 'bias', default: true }, ...DEVICE_DTYPE], torchLinearRule(true)),
  torchLayer('Bilinear', [{ name: 'in1_features' }, { name: 'in2_features' }, { name: 'out_features' }, { name: 'bias', default: true }, ...DEVICE_DTYPE], bilinearRule),
  torchLayer('Identity', [{ name: 'args', varargs: true }, { name: 'kwargs', varkw: true }], sameShape),
  {
    ...torchLayer(
      'Embedding',
      [
        { name: 'num_embeddings' },
        { name: 'embedding_dim' },
        { name: 'padding_idx', default: null },
        { name: 'max_norm', default: null },
        { name: 'norm_type', default: 2.0 },
        { name: 'scale_grad_by_freq', default: false },
        { name: 'sparse', default: false },
        { name: '_weight', default: null },
        { name: '_freeze', default: false },
        ...DEVICE_DTYPE,
      ],
      embeddingRule('num_embeddings', 'embedding_dim'),
    ),
    // Its weight: one row per index (what a decoder's tied weight must match).
    attributes: (ctx: RuleContext): ModuleAttributes => ({ parameters: { weight: [ctx.int('num_embeddings'), ctx.int('embedding_dim')] }, kept: {} }),
  },
];

const kerasLayers: LayerDef[] = [
  kerasLayer(
    'Dense',
    [
      { name: 'units' },
      { name: 'activation', default: null },
      { name: 'use_bias', default: true },
      ...KERAS_WEIGHT_PARAMS,
      { name: 'lora_rank', default: null },
      { name: 'lora_alpha', default: null },
      { name: 'quantization_config', default: null },
    ],
    kerasDenseRule,
  ),
  // tf.keras 2 also took `input_length=`; it arrives through **kwargs and does not change shapes.
  kerasLayer(
    'Embedding',
    [
      { name: 'input_dim' },
      { name: 'output_dim' },
      { name: 'embeddings_initializer', default: 'uniform' },
      { name: 'embeddings_regularizer', default: null },
      { name: 'embeddings_constraint', default: null },
      { name: 'mask_zero', default: false },
      { name: 'weights', default: null },
      { name: 'lora_rank', default: null },
      { name: 'lora_alpha', default: null },
      { name: 'quantization_config', default: null },
    ],
    embeddingRule('input_dim', 'output_dim'),
  ),
  kerasLayer('Identity', [], sameShape),
];

export const layers: LayerDef[] = [...torchLayers, ...kerasLayers];
