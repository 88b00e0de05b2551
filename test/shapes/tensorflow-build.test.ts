// Table tests of the TensorFlow, keras.ops, Keras backend and NumPy functions that build, split,
// pick from or rearrange tensors (server/src/shapes/ops/tensorflow-build.ts, keras-backend.ts,
// numpy.ts). Where TensorFlow.js has the op, the truth is computed in the test on zeros of the
// row's shapes; the engine must agree, and report an error exactly when tfjs throws. Rows without a
// tfjs equivalent carry values from TensorFlow's documentation.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Dim } from '../../server/src/shapes/dim';
import { formatOutput, formatShape } from '../../server/src/shapes/shape';
import { ArgValue, TupleOut } from '../../server/src/shapes/types';
import { op, Tensor } from '../helpers/rules';

function t(...dims: Dim[]): Tensor {
  return new Tensor(dims, `tensor ${formatShape(dims)}`);
}

const z = (shape: number[]) => tf.zeros(shape);
const zi = (shape: number[]) => tf.zeros(shape, 'int32');

/** [op name, args, kwargs, the same op in tfjs on zeros: one tensor or a list of them]. */
type OracleRow = [string, ArgValue[], Record<string, ArgValue>, () => tf.Tensor | tf.Tensor[]];

// prettier-ignore
const ORACLE: OracleRow[] = [
  ['tensorflow.range', [10], {}, () => tf.range(0, 10)],
  ['tensorflow.range', [2, 11, 3], {}, () => tf.range(2, 11, 3)],
  ['tensorflow.range', [0], { limit: 64, delta: 1 }, () => tf.range(0, 64, 1)],
  ['keras.ops.arange', [5, 9], {}, () => tf.range(5, 9)],
  ['tensorflow.stack', [[t(2, 3), t(2, 3)]], {}, () => tf.stack([z([2, 3]), z([2, 3])])],
  ['tensorflow.stack', [[t(2, 3), t(2, 3), t(2, 3)]], { axis: -1 }, () => tf.stack([z([2, 3]), z([2, 3]), z([2, 3])], -1)],
  ['keras.ops.stack', [[t(4), t(4)]], { axis: 1 }, () => tf.stack([z([4]), z([4])], 1)],
  ['tensorflow.tile', [t(2, 3, 4), [1, 2, 3]], {}, () => tf.tile(z([2, 3, 4]), [1, 2, 3])],
  ['tensorflow.tile', [t(2, 3), [1, 2, 3]], {}, () => tf.tile(z([2, 3]), [1, 2, 3])],
  ['keras.ops.tile', [t(2, 3), [2, 2]], {}, () => tf.tile(z([2, 3]), [2, 2])],
  ['tensorflow.split', [t(2, 12, 4), 3], { axis: 1 }, () => tf.split(z([2, 12, 4]), 3, 1)],
  ['tensorflow.split', [t(2, 12, 4), [2, 7, -1], 1], {}, () => tf.split(z([2, 12, 4]), [2, 7, -1], 1)],
  ['tensorflow.split', [t(2, 12, 4), 5, 1], {}, () => tf.split(z([2, 12, 4]), 5, 1)],
  ['tensorflow.gather', [t(5, 6, 7), t(3)], {}, () => tf.gather(z([5, 6, 7]), zi([3]))],
  ['tensorflow.gather', [t(5, 6, 7), t(2, 4)], { axis: 1 }, () => tf.gather(z([5, 6, 7]), zi([2, 4]), 1)],
  ['tensorflow.gather', [t(5, 6, 7), [0, 2]], { axis: -1 }, () => tf.gather(z([5, 6, 7]), tf.tensor1d([0, 2], 'int32'), -1)],
  ['keras.ops.take', [t(5, 6, 7), t(4)], { axis: 2 }, () => tf.gather(z([5, 6, 7]), zi([4]), 2)],
  ['tensorflow.one_hot', [t(4, 3), 10], {}, () => tf.oneHot(zi([4, 3]), 10)],
  ['keras.ops.one_hot', [t(8), 5], {}, () => tf.oneHot(zi([8]), 5)],
  ['tensorflow.where', [t(2, 3), t(2, 3), t(2, 3)], {}, () => tf.where(tf.zeros([2, 3], 'bool'), z([2, 3]), z([2, 3]))],
  ['tensorflow.nn.depth_to_space', [t(1, 4, 4, 12), 2], {}, () => tf.depthToSpace(z([1, 4, 4, 12]) as tf.Tensor4D, 2)],
  ['tensorflow.nn.depth_to_space', [t(1, 4, 4, 10), 2], {}, () => tf.depthToSpace(z([1, 4, 4, 10]) as tf.Tensor4D, 2)],
  ['tensorflow.nn.space_to_depth', [t(1, 8, 8, 3), 2], {}, () => tf.spaceToBatchND(z([1, 8, 8, 3]), [1, 1], [[0, 0], [0, 0]]).reshape([1, 4, 2, 4, 2, 3]).transpose([0, 1, 3, 2, 4, 5]).reshape([1, 4, 4, 12])],
  ['tensorflow.linalg.matrix_transpose', [t(2, 3, 5)], {}, () => tf.transpose(z([2, 3, 5]), [0, 2, 1])],
  ['tensorflow.cast', [t(2, 3), 'float32'], {}, () => tf.cast(z([2, 3]), 'float32')],
  ['tensorflow.argmax', [t(4, 5)], {}, () => tf.argMax(z([4, 5]))],
  ['tensorflow.math.argmax', [t(4, 5)], { axis: -1 }, () => tf.argMax(z([4, 5]), -1)],
  ['keras.ops.argmax', [t(4, 5, 6)], { axis: 1 }, () => tf.argMax(z([4, 5, 6]), 1)],
  ['keras.activations.swish', [t(2, 7)], {}, () => tf.mul(z([2, 7]), tf.sigmoid(z([2, 7])))],
  ['keras.activations.softmax', [t(2, 7)], {}, () => tf.softmax(z([2, 7]))],
  ['keras.backend.mean', [t(2, 3, 4)], { axis: 1, keepdims: true }, () => tf.mean(z([2, 3, 4]), 1, true)],
  ['keras.backend.concatenate', [[t(2, 3), t(2, 5)]], {}, () => tf.concat([z([2, 3]), z([2, 5])], -1)],
  ['keras.backend.reshape', [t(2, 12), [2, 3, 4]], {}, () => tf.reshape(z([2, 12]), [2, 3, 4])],
  ['keras.backend.expand_dims', [t(2, 3)], {}, () => tf.expandDims(z([2, 3]), -1)],
  ['keras.backend.permute_dimensions', [t(2, 3, 4), [0, 2, 1]], {}, () => tf.transpose(z([2, 3, 4]), [0, 2, 1])],
  ['keras.backend.batch_flatten', [t(2, 3, 4)], {}, () => tf.reshape(z([2, 3, 4]), [2, -1])],
  ['keras.backend.flatten', [t(2, 3, 4)], {}, () => tf.reshape(z([2, 3, 4]), [-1])],
  ['keras.backend.repeat_elements', [t(2, 3, 4), 3, 1], {}, () => tf.tile(z([2, 3, 4]), [1, 3, 1])],
  ['keras.backend.tile', [t(2, 3), [2, 1]], {}, () => tf.tile(z([2, 3]), [2, 1])],
  ['keras.backend.random_normal', [[4, 8]], {}, () => tf.randomNormal([4, 8])],
  ['ndarray.reshape', [t(60000, 28, 28), -1, 28, 28, 1], {}, () => tf.reshape(z([6, 28, 28]), [-1, 28, 28, 1]).slice([0], [1]).tile([60000, 1, 1, 1])],
  ['ndarray.reshape', [t(6, 4), [3, 8]], {}, () => tf.reshape(z([6, 4]), [3, 8])],
  ['ndarray.reshape', [t(6, 4), 5, 5], {}, () => tf.reshape(z([6, 4]), [5, 5])],
  ['ndarray.transpose', [t(5, 3, 32, 32), 0, 2, 3, 1], {}, () => tf.transpose(z([5, 3, 32, 32]), [0, 2, 3, 1])],
  ['ndarray.transpose', [t(5, 3, 32)], {}, () => tf.transpose(z([5, 3, 32]))],
  ['ndarray.astype', [t(5, 3), 'float32'], {}, () => z([5, 3])],
  ['ndarray.flatten', [t(5, 3)], {}, () => tf.reshape(z([5, 3]), [-1])],
  ['ndarray.mean', [t(5, 3, 2)], { axis: 0 }, () => tf.mean(z([5, 3, 2]), 0)],
  ['numpy.expand_dims', [t(6, 28, 28), -1], {}, () => tf.expandDims(z([6, 28, 28]), -1)],
  ['numpy.expand_dims', [t(6, 28, 28), 4], {}, () => tf.expandDims(z([6, 28, 28]), 4)],
  ['numpy.reshape', [t(6, 4), [-1, 2]], {}, () => tf.reshape(z([6, 4]), [-1, 2])],
  ['numpy.concatenate', [[t(6, 4), t(3, 4)]], {}, () => tf.concat([z([6, 4]), z([3, 4])], 0)],
  ['numpy.stack', [[t(6, 4), t(6, 4)]], { axis: 1 }, () => tf.stack([z([6, 4]), z([6, 4])], 1)],
  ['numpy.pad', [t(6, 1, 28, 28), [[0, 0], [0, 0], [2, 2], [2, 2]]], {}, () => tf.pad(z([6, 1, 28, 28]), [[0, 0], [0, 0], [2, 2], [2, 2]])],
  ['numpy.pad', [t(6, 28), 3], {}, () => tf.pad(z([6, 28]), [[3, 3], [3, 3]])],
  ['numpy.pad', [t(6, 28), [[1, 2]]], {}, () => tf.pad(z([6, 28]), [[1, 2], [1, 2]])],
  ['numpy.squeeze', [t(6, 1, 28)], {}, () => tf.squeeze(z([6, 1, 28]))],
  ['keras.utils.to_categorical', [t(500, 1), 10], {}, () => tf.oneHot(zi([500]), 10)],
  ['keras.utils.to_categorical', [t(600)], { num_classes: 10 }, () => tf.oneHot(zi([600]), 10)],
];

function label(name: string, args: ArgValue[], kwargs: Record<string, ArgValue>): string {
  const show = (v: ArgValue): string => (v instanceof Tensor ? formatShape(v.shape) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));
  return `${name}(${[...args.map(show), ...Object.entries(kwargs).map(([k, v]) => `${k}=${show(v)}`)].join(', ')})`;
}

function shapes(o: tf.Tensor | tf.Tensor[]): number[] | number[][] {
  return Array.isArray(o) ? o.map((x) => x.shape) : o.shape;
}

function engineShapes(o: ReturnType<typeof op>['output']): unknown {
  return o instanceof TupleOut ? o.items : o;
}

describe('against TensorFlow.js', () => {
  for (const [name, args, kwargs, oracle] of ORACLE) {
    it(label(name, args, kwargs), () => {
      let truth: number[] | number[][] | 'throws';
      try {
        const out = tf.tidy(oracle);
        truth = shapes(out);
        tf.dispose(out);
      } catch {
        truth = 'throws';
      }
      const r = op(name, args, kwargs);
      if (truth === 'throws') expect(r.errors.length, `tfjs throws; engine output ${formatOutput(r.output)}`).toBeGreaterThan(0);
      else {
        expect(r.errors).toEqual([]);
        expect(engineShapes(r.output)).toEqual(truth);
      }
    });
  }
});

// prettier-ignore
// tf.image.extract_patches and keras.ops.image.extract_patches (no tfjs equivalent): TensorFlow's
// documented example (10 x 10 image, 3 x 3 patches every 5 pixels: 2 x 2 patches of 9 values), and
// the 'same' padding, dilation and Keras spellings worked from the same formulas.
const DOCUMENTED: [string, ArgValue[], Record<string, ArgValue>, (number | null)[] | null][] = [
  ['tensorflow.image.extract_patches', [t(1, 10, 10, 1)], { sizes: [1, 3, 3, 1], strides: [1, 5, 5, 1], rates: [1, 1, 1, 1], padding: 'VALID' }, [1, 2, 2, 9]],
  ['tensorflow.image.extract_patches', [t(1, 10, 10, 1)], { sizes: [1, 3, 3, 1], strides: [1, 5, 5, 1], rates: [1, 2, 2, 1], padding: 'VALID' }, [1, 2, 2, 9]],
  ['tensorflow.image.extract_patches', [t(null, 72, 72, 3)], { sizes: [1, 6, 6, 1], strides: [1, 6, 6, 1], rates: [1, 1, 1, 1], padding: 'VALID' }, [null, 12, 12, 108]],
  ['tensorflow.image.extract_patches', [t(null, 32, 32, 3)], { sizes: [1, 3, 3, 1], strides: [1, 2, 2, 1], rates: [1, 1, 1, 1], padding: 'SAME' }, [null, 16, 16, 27]],
  ['keras.ops.image.extract_patches', [t(null, 64, 64, 3), 8], {}, [null, 8, 8, 192]],
  ['keras.ops.image.extract_patches', [t(null, 64, 64, 3), [4, 4]], { strides: [2, 2], padding: 'same' }, [null, 32, 32, 48]],
  ['tensorflow.range', [new Tensor([], 'n')], {}, [null]],
  ['tensorflow.where', [t(5, 3)], {}, [null, 2]],
  ['keras.ops.split', [t(2, 12), [3, 8]], { axis: 1 }, null],
  ['keras.backend.random_normal', [[new Tensor([], 'tf.shape(z)[0]'), 2]], {}, [null, 2]],
  ['keras.preprocessing.sequence.pad_sequences', [t(25000)], { maxlen: 200 }, [25000, 200]],
  ['keras.utils.pad_sequences', [t(25000)], {}, [25000, null]],
];

describe('documented values and unknown sizes', () => {
  for (const [name, args, kwargs, expected] of DOCUMENTED) {
    it(label(name, args, kwargs), () => {
      const r = op(name, args, kwargs);
      expect(r.errors).toEqual([]);
      if (expected === null) expect(r.output).toBeInstanceOf(TupleOut);
      else expect(r.output).toEqual(expected);
    });
  }
  it('keras.ops.split cuts at indices, as NumPy does', () => {
    const r = op('keras.ops.split', [t(2, 12), [3, 8]], { axis: 1 });
    expect((r.output as TupleOut).items).toEqual([[2, 3], [2, 5], [2, 4]]);
  });
});
