// Layer family: attention. PyTorch's `torch.nn.MultiheadAttention`, `TransformerEncoderLayer`,
// `TransformerEncoder`, `TransformerDecoderLayer` and `TransformerDecoder`, and Keras's
// `keras.layers.MultiHeadAttention`, `Attention` and `AdditiveAttention`.
//
// Attention layers take several tensors. The interpreter passes further positional tensors as
// inputs 1, 2, ... and the call's keyword arguments as `call.<name>` values (`call.need_weights`,
// `call.return_attention_scores`, `call.key`), so a rule reads `key` from input 1 or `call.key`.
// An input whose last axis differs from the embedding size is reported as `linear-in-features`:
// the first thing PyTorch does with it is its input projection, a linear map of embed_dim features.
// Masks are not checked. The stacks (TransformerEncoder, TransformerDecoder) run their layer's rule
// through ctx.runLayer and count its parameters num_layers times, as deep copies do.

import { addCounts, Count, countOfTerms, multiplyCounts, safeCount } from '../count';
import { asInt } from '../context';
import { add, Dim, dimToString, equalDims, isKnown, mul } from '../dim';
import { formatShape } from '../shape';
import { LayerArg, LayerDef, Output, Param, RuleContext, RuleResult, Shape, TupleOut } from '../types';
import { checkSizes, DEVICE_DTYPE, KERAS_KWARGS, torchLayer } from './activation';
import { KERAS_WEIGHT_PARAMS } from './keras-params';

/** An attention input: the positional input at `index`, else the call keyword `name`; null when unknown or absent. */
function attentionInput(ctx: RuleContext, index: number, name: string): { shape: Shape; origin: string } | null {
  if (index < ctx.inputs.length) return { shape: ctx.inputs[index], origin: ctx.origin(index) };
  const keyword = ctx.tensor(`call.${name}`);
  return keyword === undefined ? null : { shape: keyword, origin: ctx.origin(`call.${name}`) };
}

/** PyTorch attention takes an unbatched 2D (L, E) or a batched 3D tensor; reports other ranks. */
function checkAttentionRank(ctx: RuleContext, shape: Shape, what: string, origin: string): boolean {
  if (shape === null || shape.length === 2 || shape.length === 3) return true;
  ctx.error('rank-mismatch', `${ctx.kind}: ${what} should be unbatched 2D or batched 3D tensor but received ${shape.length}-D ${what} tensor ${formatShape(shape)}: ${origin}`);
  return false;
}

/**
 * Reports an input whose last axis is not the expected size, in PyTorch's words. `sizeArg` names
 * the expected size (kdim and vdim fall back to embed_dim when None); the quick fix rewrites it
 * only when it is the argument written for this input (and still divides by the heads). True when reported.
 */
function checkEmbedding(ctx: RuleContext, shape: Shape, origin: string, sizeArg: string, what: string): boolean {
  if (shape === null || shape.length === 0) return false;
  const last = shape[shape.length - 1];
  const fallsBack = ctx.value(sizeArg) === null;
  const expected = fallsBack ? ctx.int('embed_dim') : ctx.int(sizeArg);
  if (equalDims(expected, last) !== false) return false;
  const argName = fallsBack ? 'embed_dim' : sizeArg;
  const shown = fallsBack ? `${dimToString(expected)} (embed_dim, as kdim and vdim are None)` : ctx.describe(sizeArg);
  const heads = sizeArg === 'd_model' ? ctx.int('nhead') : ctx.int('num_heads');
  const headsDivide = isKnown(last) && isKnown(heads) && heads > 0 && last % heads === 0;
  const fixable = isKnown(last) && !fallsBack && (sizeArg === 'kdim' || sizeArg === 'vdim' || headsDivide);
  ctx.error('linear-in-features', `${ctx.kind} was expecting ${what} embedding dimension of ${shown}, but got ${dimToString(last)}: ${origin}`, argName, fixable ? { arg: argName, value: last as number } : undefined);
  return true;
}

/** embed_dim (d_model) must be a multiple of the number of heads. */
function checkHeads(ctx: RuleContext, sizeArg: string, headsArg: string): void {
  checkSizes(ctx, [sizeArg, headsArg], 1);
  const size = ctx.int(sizeArg);
  const heads = ctx.int(headsArg);
  if (isKnown(size) && isKnown(heads) && heads > 0 && size > 0 && size % heads !== 0) {
    ctx.error('groups-divisible', `${ctx.kind}: ${sizeArg}=${ctx.describe(sizeArg)} must be divisible by ${headsArg}=${ctx.describe(headsArg)}`, headsArg);
  }
}

/** The same shape with another last axis. */
function withLast(shape: Shape, size: Dim): Shape {
  return shape === null || shape.length === 0 ? null : [...shape.slice(0, -1), size];
}

/** Parameters of torch.nn.MultiheadAttention: input projections (packed when kdim = vdim = E), their biases, out_proj, bias_k and bias_v. */
function torchAttentionCount(embed: Dim, kdim: Dim, vdim: Dim, bias: boolean | null, biasKv: boolean | null): number | null {
  if (!isKnown(embed) || !isKnown(kdim) || !isKnown(vdim) || bias === null || biasKv === null) return null;
  const projections = embed * embed + embed * kdim + embed * vdim;
  return projections + (bias ? 3 * embed : 0) + embed * embed + (bias ? embed : 0) + (biasKv ? 2 * embed : 0);
}

/**
 * torch.nn.MultiheadAttention(query, key, value): attn_output has the query's shape; attn_weights is
 * (N, L, S) averaged over heads, (N, num_heads, L, S) with average_attn_weights=False (without N when
 * unbatched), and None with need_weights=False. S grows by one for add_bias_kv and one for add_zero_attn.
 */
function torchMultiheadAttentionRule(ctx: RuleContext): RuleResult {
  checkHeads(ctx, 'embed_dim', 'num_heads');
  const embed = ctx.int('embed_dim');
  const kdim = ctx.value('kdim') === null ? embed : ctx.int('kdim');
  const vdim = ctx.value('vdim') === null ? embed : ctx.int('vdim');
  const params = safeCount(torchAttentionCount(embed, kdim, vdim, ctx.bool('bias'), ctx.bool('add_bias_kv')));
  const query = attentionInput(ctx, 0, 'query');
  const key = attentionInput(ctx, 1, 'key');
  const value = attentionInput(ctx, 2, 'value');
  if (query === null) return { output: new TupleOut([null, null]), params };
  const rankOk = checkAttentionRank(ctx, query.shape, 'query', query.origin);
  if (!rankOk) return { output: new TupleOut([null, null]), params };
  // PyTorch stops at the first input that does not fit; so do we, rather than repeat it for key and value.
  const checks: [typeof query | null, string, string][] = [[query, 'embed_dim', 'query'], [key, 'kdim', 'key'], [value, 'vdim', 'value']];
  for (const [input, sizeArg, what] of checks) if (input && checkEmbedding(ctx, input.shape, input.origin, sizeArg, what)) break;
  const output = withLast(query.shape, embed);
  const needWeights = ctx.value('call.need_weights');
  if (needWeights === false) return { output: new TupleOut([output, null]), params };
  const average = ctx.value('call.average_attn_weights');
  // Averaged or per head: a flag we cannot read leaves the weights' rank unknown.
  if (ctx.has('call.average_attn_weights') && typeof average !== 'boolean') return { output: new TupleOut([output, null]), params };
  const batchFirst = ctx.bool('batch_first');
  const extra = (ctx.bool('add_bias_kv') ? 1 : 0) + (ctx.bool('add_zero_attn') ? 1 : 0);
  const q = query.shape;
  const k = key?.shape ?? null;
  let weights: Shape = null;
  if (q !== null && q.length === 2) {
    const sourceLength = k !== null && k.length === 2 ? add(k[0], extra) : null;
    weights = [q[0], sourceLength];
  } else if (q !== null && batchFirst !== null) {
    const [batch, targetLength] = batchFirst ? [q[0], q[1]] : [q[1], q[0]];
    const sourceLength = k !== null && k.length === 3 ? add(batchFirst ? k[1] : k[0], extra) : null;
    weights = [batch, targetLength, sourceLength];
  }
  if (weights !== null && average === false) weights = [...weights.slice(0, -2), ctx.int('num_heads'), ...weights.slice(-2)];
  return { output: new TupleOut([output, weights]), params };
}

/** LayerNorm over d_model: a weight, and a bias unless bias=False. */
function layerNormCount(size: number, bias: boolean): number {
  return bias ? 2 * size : size;
}

/**
 * Parameters of a transformer layer: its attention blocks (self-attention, and cross-attention in a
 * decoder layer), linear1 (d_model → dim_feedforward), linear2 (back), and one LayerNorm per block.
 */
function transformerLayerCount(ctx: RuleContext, attentionBlocks: number): number | null {
  const size = ctx.int('d_model');
  const hidden = ctx.int('dim_feedforward');
  const bias = ctx.bool('bias');
  if (!isKnown(size) || !isKnown(hidden) || bias === null) return null;
  const attention = torchAttentionCount(size, size, size, bias, false) as number;
  const feedForward = size * hidden + hidden * size + (bias ? hidden + size : 0);
  return attentionBlocks * attention + feedForward + (attentionBlocks + 1) * layerNormCount(size, bias);
}

/** TransformerEncoderLayer(src) and TransformerDecoderLayer(tgt, memory): the output has the first input's shape. */
function transformerLayerRule(attentionBlocks: 1 | 2): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    checkHeads(ctx, 'd_model', 'nhead');
    checkSizes(ctx, ['dim_feedforward'], 1);
    const params = safeCount(transformerLayerCount(ctx, attentionBlocks));
    const names = attentionBlocks === 1 ? ['src'] : ['tgt', 'memory'];
    let output: Shape = null;
    names.forEach((name, index) => {
      const input = attentionInput(ctx, index, name);
      if (input === null || !checkAttentionRank(ctx, input.shape, name, input.origin)) return;
      checkEmbedding(ctx, input.shape, input.origin, 'd_model', name);
      if (index === 0) output = input.shape;
    });
    return { output, params };
  };
}

/** TransformerEncoder / TransformerDecoder: num_layers copies of the layer, then the optional norm. */
function transformerStackRule(layerArg: string): (ctx: RuleContext) => RuleResult {
  return (ctx) => {
    checkSizes(ctx, ['num_layers'], 0);
    const layer = ctx.value(layerArg);
    const count = ctx.int('num_layers');
    if (!(layer instanceof LayerArg)) return { output: null, params: null };
    const inner = ctx.runLayer(layer, ctx.inputs);
    let output: Output = inner.output;
    let params = multiplyCounts(inner.params ?? null, isKnown(count) ? count : null);
    const norm = ctx.value('norm');
    if (norm instanceof LayerArg) {
      const normed = ctx.runLayer(norm, [output instanceof TupleOut ? null : output]);
      output = normed.output;
      params = addCounts(params, normed.params ?? null);
    } else if (norm !== null) params = null;
    return { output, params };
  };
}

const transformerTail: Param[] = [
  { name: 'dim_feedforward', default: 2048 },
  { name: 'dropout', default: 0.1 },
  { name: 'activation', default: 'relu' },
  { name: 'layer_norm_eps', default: 1e-5 },
  { name: 'batch_first', default: false },
  { name: 'norm_first', default: false },
  { name: 'bias', default: true },
  ...DEVICE_DTYPE,
];

const torchLayers: LayerDef[] = [
  torchLayer(
    'MultiheadAttention',
    [
      { name: 'embed_dim' },
      { name: 'num_heads' },
      { name: 'dropout', default: 0.0 },
      { name: 'bias', default: true },
      { name: 'add_bias_kv', default: false },
      { name: 'add_zero_attn', default: false },
      { name: 'kdim', default: null },
      { name: 'vdim', default: null },
      { name: 'batch_first', default: false },
      ...DEVICE_DTYPE,
    ],
    torchMultiheadAttentionRule,
  ),
  torchLayer('TransformerEncoderLayer', [{ name: 'd_model' }, { name: 'nhead' }, ...transformerTail], transformerLayerRule(1)),
  torchLayer('TransformerDecoderLayer', [{ name: 'd_model' }, { name: 'nhead' }, ...transformerTail], transformerLayerRule(2)),
  torchLayer(
    'TransformerEncoder',
    [{ name: 'encoder_layer' }, { name: 'num_layers' }, { name: 'norm', default: null }, { name: 'enable_nested_tensor', default: true }, { name: 'mask_check', default: true }],
    transformerStackRule('encoder_layer'),
  ),
  torchLayer('TransformerDecoder', [{ name: 'decoder_layer' }, { name: 'num_layers' }, { name: 'norm', default: null }], transformerStackRule('decoder_layer')),
];

/** A Dense kernel and bias from `inputs` features to `units`. */
function denseCount(inputs: Dim, units: Dim, bias: boolean | null): Count | null {
  if (bias === null) return null;
  return countOfTerms(bias ? [[inputs, units], [units]] : [[inputs, units]]);
}

/**
 * keras.layers.MultiHeadAttention called as (query, value, key=None): the output is the query's
 * shape with its last axis replaced by output_shape (default: the query's last axis); with
 * return_attention_scores=True it also returns the scores (B, num_heads, T, S) (the attention axes
 * of the query, then of the key). Parameters are those of its four EinsumDense projections: query
 * and key to num_heads × key_dim, value to num_heads × value_dim, and the output back.
 */
function kerasMultiHeadAttentionRule(ctx: RuleContext): RuleResult {
  checkSizes(ctx, ['num_heads', 'key_dim'], 1);
  const heads = ctx.int('num_heads');
  const keyDim = ctx.int('key_dim');
  const valueDim = ctx.value('value_dim') === null ? keyDim : ctx.int('value_dim');
  const bias = ctx.bool('use_bias');
  const query = attentionInput(ctx, 0, 'query');
  const value = attentionInput(ctx, 1, 'value');
  const key = attentionInput(ctx, 2, 'key') ?? value;
  const last = (s: Shape | undefined): Dim => (s === null || s === undefined || s.length === 0 ? null : s[s.length - 1]);
  const q = query?.shape ?? null;
  const requested = ctx.value('output_shape');
  const outputDims: Dim[] = requested === null ? [last(q)] : Array.isArray(requested) ? requested.map(asInt) : [asInt(requested)];
  const output: Shape = q === null || q.length === 0 ? null : [...q.slice(0, -1), ...outputDims];
  const outputWidth = outputDims.reduce<Dim>((a, b) => mul(a, b), 1);
  const projections = [
    denseCount(last(q), mul(heads, keyDim), bias),
    denseCount(last(key?.shape), mul(heads, keyDim), bias),
    denseCount(last(value?.shape), mul(heads, valueDim), bias),
    denseCount(mul(heads, valueDim), outputWidth, bias),
  ];
  const params = projections.reduce<Count | null>((a, b) => addCounts(a, b), 0);
  const returnScores = ctx.value('call.return_attention_scores');
  if (ctx.has('call.return_attention_scores') && typeof returnScores !== 'boolean' && returnScores !== null) return { output: null, params };
  if (returnScores !== true) return { output, params };
  const k = key?.shape ?? null;
  const defaultAxes = ctx.value('attention_axes') === null;
  const scores: Shape = q !== null && k !== null && q.length >= 3 && k.length === q.length && defaultAxes ? [q[0], heads, ...q.slice(1, -1), ...k.slice(1, -1)] : null;
  return { output: new TupleOut([output, scores]), params };
}

/**
 * Keras's `Attention` (dot-product, Luong) and `AdditiveAttention` (Bahdanau), called on
 * `[query, value]` or `[query, value, key]`: the output is `(*query[:-1], value[-1])`, Keras 3's
 * compute_output_shape, and with `return_attention_scores=True` also the scores
 * `(*query[:-1], Tv)`. Weights: Attention's `use_scale` and a 'concat' score mode make one scalar
 * each; AdditiveAttention's `use_scale` (on by default) makes one per query feature. Masks are not
 * checked, nor the sizes the scores need to agree on.
 */
function kerasDenseAttentionRule(ctx: RuleContext): RuleResult {
  const query = ctx.inputs[0] ?? null;
  const value = ctx.inputs.length > 1 ? ctx.inputs[1] : null;
  const key = ctx.inputs.length > 2 ? ctx.inputs[2] : value;
  const last = (s: Shape): Dim => (s === null || s.length === 0 ? null : s[s.length - 1]);
  const output: Shape = query === null || query.length === 0 || value === null ? null : [...query.slice(0, -1), last(value)];
  const scale = ctx.bool('use_scale');
  let params: Count | null;
  if (ctx.kind === 'AdditiveAttention') {
    const dim = last(query) ?? last(value);
    params = scale === false ? 0 : scale === true && isKnown(dim) && typeof dim === 'number' ? dim : null;
  } else {
    const mode = ctx.str('score_mode');
    params = scale === null || mode === null ? null : (scale ? 1 : 0) + (mode === 'concat' ? 1 : 0);
  }
  const returnScores = ctx.value('call.return_attention_scores');
  if (ctx.has('call.return_attention_scores') && typeof returnScores !== 'boolean' && returnScores !== null) return { output: null, params };
  if (returnScores !== true) return { output, params };
  const tv = key === null || key.length < 2 ? null : key[key.length - 2];
  const scores: Shape = query === null || query.length === 0 || key === null ? null : [...query.slice(0, -1), tv];
  return { output: new TupleOut([output, scores]), params };
}

const kerasLayers: LayerDef[] = [
  {
    kind: 'Attention',
    framework: 'keras',
    names: ['keras.layers.Attention'],
    params: [{ name: 'use_scale', default: false }, { name: 'score_mode', default: 'dot' }, { name: 'dropout', default: 0.0 }, { name: 'seed', default: null }, { name: 'causal', default: false }, KERAS_KWARGS],
    infer: kerasDenseAttentionRule,
  },
  {
    kind: 'AdditiveAttention',
    framework: 'keras',
    names: ['keras.layers.AdditiveAttention'],
    params: [{ name: 'use_scale', default: true }, { name: 'dropout', default: 0.0 }, { name: 'seed', default: null }, { name: 'causal', default: false }, KERAS_KWARGS],
    infer: kerasDenseAttentionRule,
  },
  {
    kind: 'MultiHeadAttention',
    framework: 'keras',
    names: ['keras.layers.MultiHeadAttention'],
    params: [
      { name: 'num_heads' },
      { name: 'key_dim' },
      { name: 'value_dim', default: null },
      { name: 'dropout', default: 0.0 },
      { name: 'use_bias', default: true },
      { name: 'output_shape', default: null },
      { name: 'attention_axes', default: null },
      ...KERAS_WEIGHT_PARAMS,
      KERAS_KWARGS,
    ],
    infer: kerasMultiHeadAttentionRule,
  },
];

export const layers: LayerDef[] = [...torchLayers, ...kerasLayers];
