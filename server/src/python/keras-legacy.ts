// Keras 1's argument spellings, as Keras 2's legacy interfaces converted them
// (keras/legacy/interfaces.py): `Convolution2D(32, 3, 3, border_mode='same', subsample=(2, 2))`
// is `Conv2D(32, (3, 3), padding='same', strides=(2, 2))`, `Dense(output_dim=10)` is `Dense(10)`,
// `MaxPooling1D(pool_length=2, stride=2)` is `MaxPooling1D(pool_size=2, strides=2)`,
// `dim_ordering='th'` is `data_format='channels_first'`.
//
// Keras layers take unknown keywords into `**kwargs`, so without this a `border_mode='same'` would
// be dropped in silence and the layer read as 'valid': a false error on code that ran. The
// positional form `Convolution2D(filters, rows, cols)` is converted only under Keras 1's spelling
// of the name (or beside a Keras 1 keyword): under tf.keras and Keras 3, `Conv2D(32, 3, 3)` means
// strides=3. Sizes the conversion needs but cannot know (`Convolution2D(32, r, c)` with an unknown
// `r`) make the kernel and the strides unknown, never a default.

import type { SyntaxNode } from '../syntax/parse';
import type { CallNodes } from './interpreter';
import { tuple, UNKNOWN, Value } from './values';

/** Keras 1 keyword → Keras 2 keyword, for every layer. */
const COMMON_RENAMES: Record<string, string> = {
  border_mode: 'padding',
  dim_ordering: 'data_format',
  init: 'kernel_initializer',
  W_regularizer: 'kernel_regularizer',
  b_regularizer: 'bias_regularizer',
  W_constraint: 'kernel_constraint',
  b_constraint: 'bias_constraint',
  bias: 'use_bias',
  nb_filter: 'filters',
};

/** Keras 1 keyword → Keras 2 keyword, by the layer's family. */
const FAMILY_RENAMES: Record<string, Record<string, string>> = {
  dense: { output_dim: 'units' },
  conv1d: { filter_length: 'kernel_size', subsample_length: 'strides' },
  conv: { subsample: 'strides' },
  pool1d: { pool_length: 'pool_size', stride: 'strides' },
  dropout: { p: 'rate' },
  recurrent: { output_dim: 'units', inner_init: 'recurrent_initializer', U_regularizer: 'recurrent_regularizer', dropout_W: 'dropout', dropout_U: 'recurrent_dropout', consume_less: 'implementation' },
  embedding: { init: 'embeddings_initializer', W_regularizer: 'embeddings_regularizer', W_constraint: 'embeddings_constraint' },
};

/** The keywords that exist only in Keras 1: one of them says the call is written in Keras 1's API. */
const KERAS1_ONLY = new Set(['border_mode', 'dim_ordering', 'init', 'W_regularizer', 'b_regularizer', 'W_constraint', 'b_constraint', 'nb_filter', 'nb_row', 'nb_col', 'subsample', 'subsample_length', 'filter_length', 'pool_length', 'inner_init', 'dropout_W', 'dropout_U', 'consume_less']);

function family(name: string): string | null {
  const short = name.slice(name.lastIndexOf('.') + 1);
  if (/^(Conv|Convolution)1D$/.test(short)) return 'conv1d';
  if (/^(Conv|Convolution|SeparableConv|SeparableConvolution)[23]D$/.test(short) || /^(Conv|Convolution)[23]DTranspose$/.test(short)) return 'conv';
  if (/^(MaxPooling|AveragePooling|MaxPool|AvgPool)1D$/.test(short)) return 'pool1d';
  if (/^(Dropout|SpatialDropout[123]D)$/.test(short)) return 'dropout';
  if (/^(SimpleRNN|GRU|LSTM)$/.test(short)) return 'recurrent';
  if (short === 'Embedding') return 'embedding';
  if (short === 'Dense') return 'dense';
  return null;
}

const DATA_FORMATS: Record<string, string> = { tf: 'channels_last', th: 'channels_first' };

export interface LegacyCall {
  args: Value[];
  kwargs: Map<string, Value>;
  nodes: CallNodes;
}

/** A Keras layer call in Keras 1's spelling, rewritten in Keras 2's; the call itself when nothing is Keras 1's. */
export function kerasLegacyArguments(name: string, args: Value[], kwargs: Map<string, Value>, nodes: CallNodes): LegacyCall {
  const short = name.slice(name.lastIndexOf('.') + 1);
  const fam = family(name);
  // `output_dim` is also Embedding's own keyword: it is Keras 1's only on Dense and the recurrent layers.
  const keras1Keyword = [...kwargs.keys()].some((k) => KERAS1_ONLY.has(k) || (k === 'output_dim' && (fam === 'dense' || fam === 'recurrent')));
  // `Convolution2D(32, 3, 3)`, `Convolution3D(8, 3, 3, 3)`: the kernel's sizes written one by one.
  const spatialRank = fam === 'conv' ? Number(/([23])D/.exec(short)?.[1] ?? 0) : 0;
  const positionalKernel = spatialRank > 0 && args.length === spatialRank + 1 && (/^Convolution[23]D$/.test(short) || keras1Keyword);
  if (!keras1Keyword && !positionalKernel) return { args, kwargs, nodes };

  const newArgs = args.slice();
  const argNodes = nodes.argNodes.slice();
  const newKwargs = new Map<string, Value>();
  const kwNodes = new Map<string, SyntaxNode>();
  const renames = { ...COMMON_RENAMES, ...(fam ? FAMILY_RENAMES[fam] : {}) };
  for (const [k, v] of kwargs) {
    if (k === 'nb_row' || k === 'nb_col') continue;
    const to = renames[k] ?? k;
    let value = v;
    if (k === 'dim_ordering') value = v.t === 'str' ? (DATA_FORMATS[v.v] ? { t: 'str', v: DATA_FORMATS[v.v] } : { t: 'none' }) : UNKNOWN;
    newKwargs.set(to, value);
    const n = nodes.kwNodes.get(k);
    if (n) kwNodes.set(to, n);
  }
  if (positionalKernel) {
    const sizes = newArgs.splice(1, spatialRank);
    const sizeNodes = argNodes.splice(1, spatialRank);
    if (sizes.every((s) => s.t === 'int')) newArgs.push(tuple(sizes));
    else {
      // Keras 2 converted only integers; an unknown size may have been a stride tuple.
      newArgs.push(UNKNOWN);
      newKwargs.set('strides', UNKNOWN);
    }
    argNodes.push(sizeNodes[0]);
  } else if (fam === 'conv' && kwargs.has('nb_row') && kwargs.has('nb_col')) {
    newKwargs.set('kernel_size', tuple([kwargs.get('nb_row')!, kwargs.get('nb_col')!]));
    const n = nodes.kwNodes.get('nb_row');
    if (n) kwNodes.set('kernel_size', n);
  } else if (fam === 'conv' && args.length === 2 && kwargs.has('nb_col')) {
    newArgs[1] = tuple([args[1], kwargs.get('nb_col')!]);
  }
  return { args: newArgs, kwargs: newKwargs, nodes: { ...nodes, argNodes, kwNodes } };
}
