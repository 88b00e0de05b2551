// Layer family: Keras's text and categorical preprocessing layers, which turn strings, integers
// or numbers into indices or encoded vectors: TextVectorization, CategoryEncoding, Hashing,
// StringLookup, IntegerLookup and Discretization (keras/src/layers/preprocessing/).
//
// In the 'int' output mode they keep the input's shape (TextVectorization: one row of
// `output_sequence_length` token indices per string). The encoded modes ('one_hot', 'multi_hot',
// 'count', 'tf_idf') put the encoding's depth last, as CategoryEncoding.compute_output_shape
// does; a depth that only `adapt()` decides (a vocabulary read from data) is unknown. None of them
// has weights that Keras counts as parameters. The image preprocessing layers (Rescaling,
// Resizing, augmentation) belong to resize.ts, Normalization to norm.ts.

import type { Dim } from '../dim';
import type { ArgValue, LayerDef, Param, RuleContext, RuleResult, Shape } from '../types';

const KERAS_KWARGS: Param = { name: 'kwargs', varkw: true };

/** A depth given as an integer argument; null (unknown) otherwise. */
function depthOf(v: ArgValue): Dim {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
}

/**
 * The encoded shape of CategoryEncoding.compute_output_shape: 'one_hot' adds the depth after the
 * input's axes unless the last axis is a single value (then it replaces it); the other modes
 * replace the last axis. A rank-1 input to 'multi_hot' or 'count' (one sample, not a batch) and
 * an unknown mode give an unknown output.
 */
function encoded(input: Shape, mode: string | null, depth: Dim): Shape {
  if (input === null || input.length === 0 || mode === null) return null;
  const last = input[input.length - 1];
  if (mode === 'one_hot') {
    if (input.length === 1) return [...input, depth];
    if (last === 1) return [...input.slice(0, -1), depth];
    if (last === null || typeof last !== 'number') return null;
    return [...input, depth];
  }
  if (mode === 'multi_hot' || mode === 'count' || mode === 'tf_idf') return input.length >= 2 ? [...input.slice(0, -1), depth] : null;
  return null;
}

/** The output of a layer whose 'int' mode keeps the input's shape and whose other modes encode it to `depth`. */
function indexOrEncode(ctx: RuleContext, depth: Dim): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const mode = ctx.str('output_mode');
  if (mode === 'int') return { output: input, params: 0 };
  return { output: encoded(input, mode, depth), params: 0 };
}

/** TextVectorization: 'int' gives (batch, output_sequence_length); the encoded modes (batch, vocabulary size). */
function inferTextVectorization(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  if (input === null || input.length === 0 || input.length > 2) return { output: null, params: 0 };
  const mode = ctx.str('output_mode');
  if (mode === 'int') {
    const length = ctx.value('output_sequence_length');
    return { output: [input[0], length === null ? null : depthOf(length)], params: 0 };
  }
  if (mode === 'multi_hot' || mode === 'count' || mode === 'tf_idf') {
    // Only `pad_to_max_tokens=True` fixes the width before adapt() has seen the data.
    const padded = ctx.bool('pad_to_max_tokens') === true;
    return { output: [input[0], padded ? depthOf(ctx.value('max_tokens')) : null], params: 0 };
  }
  return { output: null, params: 0 };
}

/** StringLookup / IntegerLookup: the vocabulary's size when it is written as a list and no mask token is set. */
function lookupDepth(ctx: RuleContext): Dim {
  const vocabulary = ctx.value('vocabulary');
  const oov = ctx.value('num_oov_indices');
  if (!Array.isArray(vocabulary) || typeof oov !== 'number' || ctx.value('mask_token') !== null) return null;
  return vocabulary.length + oov;
}

function lookupDef(kind: string, maskDefault: ArgValue): LayerDef {
  return {
    kind,
    framework: 'keras',
    names: [`keras.layers.${kind}`],
    params: [
      { name: 'max_tokens', default: null },
      { name: 'num_oov_indices', default: 1 },
      { name: 'mask_token', default: maskDefault },
      { name: 'oov_token', default: kind === 'StringLookup' ? '[UNK]' : -1 },
      { name: 'vocabulary', default: null },
      { name: 'vocabulary_dtype', default: null },
      { name: 'idf_weights', default: null },
      { name: 'invert', default: false },
      { name: 'output_mode', default: 'int' },
      { name: 'sparse', default: false },
      { name: 'pad_to_max_tokens', default: false },
      KERAS_KWARGS,
    ],
    infer: (ctx) => (ctx.bool('invert') === false ? indexOrEncode(ctx, lookupDepth(ctx)) : { output: null, params: 0 }),
  };
}

export const layers: LayerDef[] = [
  {
    kind: 'TextVectorization',
    framework: 'keras',
    names: ['keras.layers.TextVectorization'],
    params: [
      { name: 'max_tokens', default: null },
      { name: 'standardize', default: 'lower_and_strip_punctuation' },
      { name: 'split', default: 'whitespace' },
      { name: 'ngrams', default: null },
      { name: 'output_mode', default: 'int' },
      { name: 'output_sequence_length', default: null },
      { name: 'pad_to_max_tokens', default: false },
      { name: 'vocabulary', default: null },
      { name: 'idf_weights', default: null },
      { name: 'sparse', default: false },
      { name: 'ragged', default: false },
      { name: 'encoding', default: 'utf-8' },
      KERAS_KWARGS,
    ],
    infer: inferTextVectorization,
  },
  {
    kind: 'CategoryEncoding',
    framework: 'keras',
    names: ['keras.layers.CategoryEncoding'],
    params: [{ name: 'num_tokens', default: null }, { name: 'output_mode', default: 'multi_hot' }, { name: 'sparse', default: false }, KERAS_KWARGS],
    infer: (ctx) => ({ output: encoded(ctx.inputs[0] ?? null, ctx.str('output_mode'), depthOf(ctx.value('num_tokens'))), params: 0 }),
  },
  {
    kind: 'Hashing',
    framework: 'keras',
    names: ['keras.layers.Hashing'],
    params: [{ name: 'num_bins' }, { name: 'mask_value', default: null }, { name: 'salt', default: null }, { name: 'output_mode', default: 'int' }, { name: 'sparse', default: false }, KERAS_KWARGS],
    infer: (ctx) => indexOrEncode(ctx, depthOf(ctx.value('num_bins'))),
  },
  lookupDef('StringLookup', null),
  lookupDef('IntegerLookup', null),
  {
    kind: 'Discretization',
    framework: 'keras',
    names: ['keras.layers.Discretization'],
    params: [{ name: 'bin_boundaries', default: null }, { name: 'num_bins', default: null }, { name: 'epsilon', default: 0.01 }, { name: 'output_mode', default: 'int' }, { name: 'sparse', default: false }, KERAS_KWARGS],
    infer: (ctx) => {
      const boundaries = ctx.value('bin_boundaries');
      const depth = Array.isArray(boundaries) ? boundaries.length + 1 : depthOf(ctx.value('num_bins'));
      return indexOrEncode(ctx, depth);
    },
  },
];
