// Keras activations in PyTorch: the `activation=` argument of a layer (a name such as 'relu', a
// function such as tf.nn.relu or keras.activations.gelu, or a layer such as LeakyReLU(0.2)) and the
// Activation layer. Each known activation has a callable PyTorch spelling (an nn module instance or
// a function) that the recurrent helper modules take, and a module when nn has one, so that it can
// sit in an nn.Sequential.

import type { ArgValue } from '../shapes/types';
import { LayerArg, ReferenceArg } from '../shapes/types';

export interface TorchActivation {
  /** An nn module constructor, when nn has one (`nn.ReLU()`). */
  module?: string;
  /** A callable expression applied as `call(x)` (a module instance, `torch.exp`, a helper function). */
  call: string;
  /** Helper functions (helpers.ts) the code needs. */
  helpers?: string[];
  /** Set when the PyTorch function is not the Keras one in every Keras version. */
  todo?: string;
}

/**
 * The PyTorch spelling of a Keras activation by name, applied along `dim` where it has an axis
 * (softmax); null for the identity. Unknown names give undefined.
 */
export function activationByName(name: string, dim: number): TorchActivation | null | undefined {
  const m = (code: string): TorchActivation => ({ module: code, call: code });
  switch (name) {
    case 'linear':
      return null;
    case 'relu':
      return m('nn.ReLU()');
    case 'relu6':
      return m('nn.ReLU6()');
    case 'sigmoid':
      return m('nn.Sigmoid()');
    case 'tanh':
      return m('nn.Tanh()');
    case 'softmax':
      return m(`nn.Softmax(dim=${dim})`);
    case 'log_softmax':
      return m(`nn.LogSoftmax(dim=${dim})`);
    case 'elu':
      return m('nn.ELU()');
    case 'selu':
      return m('nn.SELU()');
    case 'celu':
      return m('nn.CELU()');
    case 'softplus':
      return m('nn.Softplus()');
    case 'softsign':
      return m('nn.Softsign()');
    case 'swish':
    case 'silu':
      return m('nn.SiLU()');
    case 'gelu':
      return m('nn.GELU()');
    case 'mish':
      return m('nn.Mish()');
    case 'leaky_relu':
      // keras.activations.leaky_relu and tf.nn.leaky_relu both default to a slope of 0.2.
      return m('nn.LeakyReLU(0.2)');
    case 'log_sigmoid':
      return m('nn.LogSigmoid()');
    case 'tanh_shrink':
      return m('nn.Tanhshrink()');
    case 'hard_tanh':
      return m('nn.Hardtanh()');
    case 'hard_shrink':
      return m('nn.Hardshrink(0.5)');
    case 'soft_shrink':
      return m('nn.Softshrink(0.5)');
    case 'glu':
      return m(`nn.GLU(dim=${dim})`);
    case 'hard_swish':
    case 'hard_silu':
      return m('nn.Hardswish()');
    case 'exponential':
      return { call: 'torch.exp' };
    case 'sparse_plus':
      return { call: 'keras_sparse_plus', helpers: ['keras_sparse_plus'] };
    case 'squareplus':
      return { call: 'keras_squareplus', helpers: ['keras_squareplus'] };
    case 'sparse_sigmoid':
      return { call: 'keras_sparse_sigmoid', helpers: ['keras_sparse_sigmoid'] };
    case 'hard_sigmoid':
      // Written as Keras 2 (and TensorFlow.js) computes it; the name alone does not say which Keras the code is for.
      return {
        call: 'keras_hard_sigmoid',
        helpers: ['keras_hard_sigmoid'],
        todo: "hard_sigmoid is Keras 2's clip(0.2·x + 0.5, 0, 1) here; Keras 3 changed it to relu6(x + 3) / 6, which is nn.Hardsigmoid(): use that for Keras 3",
      };
  }
  return undefined;
}

/** The Keras activation name behind a function passed by reference: `tf.nn.relu`, `keras.activations.gelu`, `tf.math.sigmoid`. */
export function activationNameOf(ref: ReferenceArg): string | null {
  const m = /^(?:keras\.activations|keras\.ops|tensorflow\.nn|tensorflow\.math|tensorflow)\.([a-z_0-9]+)$/.exec(ref.name);
  if (!m) return null;
  const name = m[1];
  const aliases: Record<string, string> = { exp: 'exponential', swish: 'silu' };
  // tf.math.softplus / tf.nn.softplus and the rest share Keras's names.
  return aliases[name] ?? name;
}

export type ActivationReading =
  | { kind: 'none' }
  | { kind: 'torch'; activation: TorchActivation; name: string }
  | { kind: 'layer'; layer: LayerArg }
  | { kind: 'unknown'; reason: string };

/** Reads an `activation=` argument: a name, a library function, or a layer. */
export function readActivation(v: ArgValue | undefined, dim: number): ActivationReading {
  if (v === undefined || v === null) return { kind: 'none' };
  if (v instanceof LayerArg) return { kind: 'layer', layer: v };
  let name: string | null = null;
  if (typeof v === 'string') name = v;
  else if (v instanceof ReferenceArg) name = activationNameOf(v);
  if (name === null) return { kind: 'unknown', reason: 'the activation could not be read, so none is applied' };
  const found = activationByName(name, dim);
  if (found === undefined) return { kind: 'unknown', reason: `activation '${name}' has no PyTorch equivalent here, so none is applied` };
  if (found === null) return { kind: 'none' };
  return { kind: 'torch', activation: found, name };
}
