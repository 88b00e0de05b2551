// The shared shape of the Keras table tests of convolution and pooling: each case builds the same
// layer in tfjs-layers (the oracle, following Keras semantics) and the engine must agree on the
// output shape and the parameter count.

import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { dimToJson } from '../../server/src/shapes/dim';
import { formatOutput } from '../../server/src/shapes/shape';
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

/** A Keras layer row: kind, args, kwargs, the per-sample input shape, and the tfjs layer that mirrors it. */
export type KerasRow = [string, ArgValue[], Record<string, ArgValue>, (number | null)[], () => tf.layers.Layer];

/** Applies a tfjs layer to a symbolic input of this per-sample shape: its output(s) printed as the engine prints them, and its parameters. */
export function tfjsLayerTruth(make: () => tf.layers.Layer, perSample: (number | null)[]): { output: string; params: number } {
  const built = make();
  const out = built.apply(tf.input({ shape: perSample })) as tf.SymbolicTensor | tf.SymbolicTensor[];
  const shapes = (Array.isArray(out) ? out : [out]).map((t) => `(${t.shape.map((d) => (d === null ? '?' : String(d))).join(', ')})`);
  return { output: shapes.length === 1 ? shapes[0] : `(${shapes.join(', ')})`, params: built.countParams() };
}

/** Declares one test per row: the engine's output and parameters equal the tfjs layer's. */
export function kerasRowTests(rows: KerasRow[]): void {
  it.each(rows)('%s(%j, %j) on (batch, ...%j)', (kind, args, kwargs, perSample, make) => {
    const truth = tfjsLayerTruth(make, perSample);
    const r = layer(`keras.layers.${kind}`, args, kwargs, [[null, ...perSample]]);
    expect(r.errors).toEqual([]);
    expect(formatOutput(r.output)).toBe(truth.output);
    expect(r.params).toBe(truth.params);
  });
}
