// The shared shape of the Keras table tests of convolution and pooling: each case builds the same
// layer in tfjs-layers (the oracle, following Keras semantics) and the engine must agree on the
// output shape and the parameter count.

import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { dimToJson } from '../../server/src/shapes/dim';
import { ArgValue, Output, TupleOut } from '../../server/src/shapes/types';
import { layer } from './rules';

export type Json = number | string | boolean | null | Json[] | { [key: string]: Json };

/** An engine output as JSON (symbolic sizes as strings), tuples as `{tuple: [...]}`. */
export function outputJson(o: Output): Json {
  if (o instanceof TupleOut) return { tuple: o.items.map(outputJson) };
  return o === null ? null : o.map(dimToJson);
}

export interface KerasCase {
  name: string;
  /** The tfjs-layers factory that builds the same layer. */
  tfjs: string;
  kwargs: Record<string, Json>;
  /** Input shape with the batch axis (null). */
  input: (number | null)[];
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The tfjs-layers config for Keras keyword arguments: camelCase keys, camelCase data formats. */
export function tfjsConfig(kwargs: Record<string, Json>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) config[camel(k)] = k === 'data_format' ? camel(String(v)) : k === 'padding' ? String(v).toLowerCase() : v;
  return config;
}

/** Builds the layer in tfjs, applies it to a symbolic input, and reads its output shape and parameter count. */
export function tfjsTruth(c: KerasCase): { shape: Json; params: number } {
  const factories = tf.layers as unknown as Record<string, (config: Record<string, unknown>) => tf.layers.Layer>;
  const built = factories[c.tfjs](tfjsConfig(c.kwargs));
  const output = built.apply(tf.input({ shape: c.input.slice(1) })) as tf.SymbolicTensor;
  return { shape: output.shape as Json, params: built.countParams() };
}

/** Declares one test per case: `keras.layers.<name>` must agree with tfjs on shape and parameters. */
export function kerasAgainstTfjs(cases: KerasCase[]): void {
  it.each(cases)('$name($kwargs) on $input', (c) => {
    const truth = tfjsTruth(c);
    const r = layer(`keras.layers.${c.name}`, [], c.kwargs as Record<string, ArgValue>, [c.input]);
    expect(r.errors).toEqual([]);
    expect(outputJson(r.output)).toEqual(truth.shape);
    expect(r.params).toBe(truth.params);
  });
}
