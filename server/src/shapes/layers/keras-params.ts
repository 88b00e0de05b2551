// Parameters that many Keras layers share in their signatures, written once: the initializers,
// regularizers and constraints of a layer's kernel and bias. They never change a shape.

import type { Param } from '../types';

export const KERAS_WEIGHT_PARAMS: readonly Param[] = [
  { name: 'kernel_initializer', default: 'glorot_uniform' },
  { name: 'bias_initializer', default: 'zeros' },
  { name: 'kernel_regularizer', default: null },
  { name: 'bias_regularizer', default: null },
  { name: 'activity_regularizer', default: null },
  { name: 'kernel_constraint', default: null },
  { name: 'bias_constraint', default: null },
];
