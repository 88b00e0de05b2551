// Table tests of the Keras merge family (server/src/shapes/layers/merge.ts), checked against
// tfjs-layers in the test where tfjs has the layer (it has no Subtract), including tfjs's own
// errors for inputs that do not merge.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ArgContext, bindArgs } from '../../server/src/shapes/context';
import { add, dimToJson, sym } from '../../server/src/shapes/dim';
import { functionalAliases } from '../../server/src/shapes/layers/merge';
import { findLayer } from '../../server/src/shapes/registry';
import { firstShape } from '../../server/src/shapes/shape';
import type { ArgValue, Output, Shape } from '../../server/src/shapes/types';
import { layer } from '../helpers/rules';

function json(o: Output): (number | string | null)[] | null {
  const s = firstShape(o);
  return s === null ? null : s.map(dimToJson);
}

function codes(r: { errors: { code: string; arg?: string }[] }): [string, string | undefined][] {
  return r.errors.map((e) => [e.code, e.arg]);
}

/** Runs a merge layer with named origins for its inputs, as the interpreter does. */
function merge(name: string, kwargs: Record<string, ArgValue>, inputs: Shape[], origins: string[]) {
  const def = findLayer(name)!;
  const ctx = new ArgContext({ framework: 'keras', kind: def.kind, bound: bindArgs(def.params, [], new Map(Object.entries(kwargs))), inputs, inputOrigins: origins });
  const r = def.infer(ctx);
  return { output: r.output, errors: ctx.errors };
}

/** Applies a tfjs layer to symbolic inputs of the given per-sample shapes: its shape, or its error. */
function tfjsMerge(make: () => tf.layers.Layer, perSample: number[][]): { shape?: (number | null)[]; params?: number; error?: string } {
  const built = make();
  try {
    const out = built.apply(perSample.map((s) => tf.input({ shape: s }))) as tf.SymbolicTensor;
    return { shape: out.shape, params: built.countParams() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

type TfjsRow = [string, Record<string, ArgValue>, number[][], () => tf.layers.Layer];

const TFJS_ROWS: TfjsRow[] = [
  ['Concatenate', {}, [[32, 32, 64], [32, 32, 32]], () => tf.layers.concatenate()],
  ['Concatenate', { axis: 1 }, [[4, 8], [6, 8]], () => tf.layers.concatenate({ axis: 1 })],
  ['Concatenate', { axis: -2 }, [[4, 8], [6, 8], [1, 8]], () => tf.layers.concatenate({ axis: -2 })],
  ['Concatenate', { axis: 3 }, [[16, 16, 3], [16, 16, 5]], () => tf.layers.concatenate({ axis: 3 })],
  ['Add', {}, [[24, 24, 128], [24, 24, 128]], () => tf.layers.add()],
  ['Add', {}, [[24, 1, 128], [5, 128]], () => tf.layers.add()],
  ['Add', {}, [[10], [10], [10]], () => tf.layers.add()],
  ['Multiply', {}, [[7, 7, 64], [1, 1, 64]], () => tf.layers.multiply()],
  ['Average', {}, [[8, 16], [8, 16]], () => tf.layers.average()],
  ['Maximum', {}, [[8, 16], [8, 1]], () => tf.layers.maximum()],
  ['Minimum', {}, [[3, 4, 5], [3, 4, 5]], () => tf.layers.minimum()],
  ['Dot', { axes: [1, 2] }, [[5, 2], [3, 5]], () => tf.layers.dot({ axes: [1, 2] })],
  ['Dot', { axes: 1 }, [[8], [8]], () => tf.layers.dot({ axes: 1 })],
  ['Dot', { axes: -1 }, [[4, 8], [6, 8]], () => tf.layers.dot({ axes: -1 })],
  ['Dot', { axes: 2 }, [[4, 8], [6, 8]], () => tf.layers.dot({ axes: 2 })],
  ['Dot', { axes: 1, normalize: true }, [[6, 4], [6, 3]], () => tf.layers.dot({ axes: 1, normalize: true })],
  // Inputs that do not merge: tfjs raises, and so must we.
  ['Concatenate', {}, [[32, 32, 128], [64, 64, 32]], () => tf.layers.concatenate()],
  ['Concatenate', { axis: 1 }, [[4, 8], [6, 9]], () => tf.layers.concatenate({ axis: 1 })],
  ['Add', {}, [[24, 24, 128], [12, 12, 128]], () => tf.layers.add()],
  ['Multiply', {}, [[8, 16], [8, 15]], () => tf.layers.multiply()],
  ['Maximum', {}, [[8, 16], [8, 16], [4, 16]], () => tf.layers.maximum()],
  ['Dot', { axes: 1 }, [[5, 2], [3, 5]], () => tf.layers.dot({ axes: 1 })],
];

describe('Keras merge layers against tfjs-layers', () => {
  it.each(TFJS_ROWS)('%s(%j) on %j', (name, kwargs, perSample, make) => {
    const truth = tfjsMerge(make, perSample);
    const r = layer(`keras.layers.${name}`, [], kwargs, perSample.map((s) => [null, ...s]));
    if (truth.error !== undefined) {
      expect(r.errors.length).toBeGreaterThan(0);
    } else {
      expect(r.errors).toEqual([]);
      expect(json(r.output)).toEqual(truth.shape);
      expect(r.params).toBe(truth.params);
    }
  });

  it('words a Concatenate mismatch in our own words, the useful part first, and says where each input came from', () => {
    const truth = tfjsMerge(() => tf.layers.concatenate(), [[32, 32, 128], [64, 64, 32]]);
    const r = merge('keras.layers.Concatenate', {}, [[null, 32, 32, 128], [null, 64, 64, 32]], ['(None, 32, 32, 128) from MaxPooling2D at line 9', '(None, 64, 64, 32) from Conv2D at line 12']);
    expect(truth.error).toBeDefined();
    expect(codes(r)).toEqual([['cat-mismatch', undefined]]);
    expect(r.errors[0].message).toMatch(/^Concatenate on axis 3 needs the other axes to agree, but axis 1 is 32 in input 0 and 64 in input 1: /);
    expect(r.errors[0].message).not.toMatch(/null|\?|Got input shapes/);
    expect(r.errors[0].message).toContain('input 0 is (None, 32, 32, 128) from MaxPooling2D at line 9');
    expect(r.errors[0].message).toContain('input 1 is (None, 64, 64, 32) from Conv2D at line 12');
  });

  it('words an Add mismatch in our own words, and says where each input came from', () => {
    const truth = tfjsMerge(() => tf.layers.add(), [[24, 24, 128], [12, 12, 128]]);
    const r = merge('keras.layers.Add', {}, [[null, 24, 24, 128], [null, 12, 12, 128]], ['the shortcut at line 20', 'Conv2D at line 22']);
    expect(truth.error).toBeDefined();
    expect(codes(r)).toEqual([['broadcast-mismatch', undefined]]);
    expect(r.errors[0].message).toBe('Add needs inputs of one shape (or shapes that broadcast), but input 0 is the shortcut at line 20 and input 1 is Conv2D at line 22');
  });
});

describe('Keras Subtract (no tfjs oracle; Keras 3 merge rules)', () => {
  it('broadcasts like Add', () => {
    const r = layer('keras.layers.Subtract', [], {}, [[null, 8, 16], [null, 1, 16]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual([null, 8, 16]);
    expect(r.params).toBe(0);
  });

  it('takes exactly two inputs', () => {
    const r = layer('keras.layers.Subtract', [], {}, [[null, 8], [null, 8], [null, 8]]);
    expect(codes(r)).toEqual([['broadcast-mismatch', undefined]]);
  });

  it('reports a broadcast conflict', () => {
    expect(codes(layer('keras.layers.Subtract', [], {}, [[null, 8], [null, 9]]))).toEqual([['broadcast-mismatch', undefined]]);
  });
});

describe('Keras merge details', () => {
  it('concatenates symbolic sizes and never errors on unknown or undecidable ones', () => {
    const H = sym('H');
    const W = sym('W');
    const r = layer('keras.layers.Concatenate', [], {}, [[null, H, W, 64], [null, H, W, 32]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual([null, 'H', 'W', 96]);
    const onAxis = layer('keras.layers.Concatenate', [], { axis: 1 }, [[null, H, 8], [null, W, 8]]);
    expect(json(onAxis.output)).toEqual([null, 'H + W', 8]);
    expect(layer('keras.layers.Concatenate', [], {}, [[null, H, 8], [null, W, 4]]).errors).toEqual([]);
    const unknown = layer('keras.layers.Concatenate', [], {}, [[null, null, 8], [null, 5, 4]]);
    expect(unknown.errors).toEqual([]);
    expect(json(unknown.output)).toEqual([null, 5, 12]);
    const unknownRank = layer('keras.layers.Concatenate', [], {}, [null, [null, 5, 4]]);
    expect(unknownRank.errors).toEqual([]);
    expect(json(unknownRank.output)).toEqual([null, 5, null]);
  });

  it('reports symbolic sizes that definitely differ', () => {
    const H = sym('H');
    expect(codes(layer('keras.layers.Concatenate', [], {}, [[null, H, 8], [null, add(H, 1), 4]]))).toEqual([['cat-mismatch', undefined]]);
  });

  it('reports inputs of different ranks and an axis out of range', () => {
    expect(codes(layer('keras.layers.Concatenate', [], {}, [[null, 4, 8], [null, 8]]))).toEqual([['cat-mismatch', undefined]]);
    expect(codes(layer('keras.layers.Concatenate', [], { axis: 3 }, [[null, 4, 8], [null, 4, 8]]))).toEqual([['rank-mismatch', 'axis']]);
  });

  it('broadcasts symbolic and unknown sizes without errors', () => {
    const H = sym('H');
    const r = layer('keras.layers.Add', [], {}, [[null, H, 64], [null, H, 1]]);
    expect(r.errors).toEqual([]);
    expect(json(r.output)).toEqual([null, 'H', 64]);
    const unknown = layer('keras.layers.Add', [], {}, [[null, 5, 64], [null, null, 64]]);
    expect(unknown.errors).toEqual([]);
    expect(json(unknown.output)).toEqual([null, 5, 64]);
    expect(layer('keras.layers.Multiply', [], {}, [[null, H, 64], [null, sym('W'), 64]]).errors).toEqual([]);
    expect(layer('keras.layers.Add', [], {}, [null, [null, 4]]).errors).toEqual([]);
  });

  it('reports different known batch sizes', () => {
    expect(codes(layer('keras.layers.Average', [], {}, [[2, 4], [3, 4]]))).toEqual([['broadcast-mismatch', undefined]]);
    expect(json(layer('keras.layers.Average', [], {}, [[null, 4], [3, 4]]).output)).toEqual([3, 4]);
  });

  it('reports Dot axes of different sizes on axes, with both shapes', () => {
    const r = merge('keras.layers.Dot', { axes: 1 }, [[null, 5, 2], [null, 3, 5]], ['Dense at line 3', 'Dense at line 4']);
    expect(codes(r)).toEqual([['broadcast-mismatch', 'axes']]);
    expect(r.errors[0].message).toContain('Dot axes=1 multiplies axis 1 of input 0 with axis 1 of input 1, but they are 5 and 3');
    expect(r.errors[0].message).toContain('input 1 is Dense at line 4');
    expect(json(r.output)).toEqual([null, 2, 5]);
  });

  it('reports a Dot on other than two inputs, and axes out of range', () => {
    expect(codes(layer('keras.layers.Dot', [1], {}, [[null, 4]]))).toEqual([['broadcast-mismatch', undefined]]);
    expect(codes(layer('keras.layers.Dot', [3], {}, [[null, 4], [null, 4]]))).toEqual([['rank-mismatch', 'axes']]);
  });
});

describe('functional aliases', () => {
  it('maps every lowercase Keras merge function to a registered class', () => {
    expect(Object.keys(functionalAliases).sort()).toEqual(
      ['add', 'average', 'concatenate', 'dot', 'maximum', 'minimum', 'multiply', 'subtract'].map((n) => `keras.layers.${n}`),
    );
    for (const [fn, cls] of Object.entries(functionalAliases)) {
      const def = findLayer(cls);
      expect(def, fn).toBeDefined();
      expect(def!.kind.toLowerCase()).toBe(fn.slice('keras.layers.'.length));
    }
  });
});
