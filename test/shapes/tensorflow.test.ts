// Table tests of the TensorFlow and Keras 3 ops (server/src/shapes/ops/tensorflow.ts). Where
// TensorFlow.js has the op, the truth is computed in the test: the same op applied to zeros of the
// row's shapes, its output shape or the fact that it throws. The engine must agree, and report an
// error exactly when tfjs throws. Unknown sizes (the Keras batch) and ops tfjs lacks follow.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Dim } from '../../server/src/shapes/dim';
import { formatOutput, formatShape } from '../../server/src/shapes/shape';
import { ArgValue } from '../../server/src/shapes/types';
import { op, Tensor } from '../helpers/rules';

function t(...dims: Dim[]): Tensor {
  return new Tensor(dims, `tensor ${formatShape(dims)}`);
}

function zeros(shape: number[]): tf.Tensor {
  return tf.zeros(shape);
}

/** [op name, args, kwargs, the same op in tfjs on zeros]. Tensors in args are concrete here. */
type OracleRow = [string, ArgValue[], Record<string, ArgValue>, () => tf.Tensor];

function shapeOf(v: ArgValue): number[] {
  return ((v as Tensor).shape ?? []) as number[];
}

// prettier-ignore
const ORACLE: OracleRow[] = [
  ['tensorflow.reshape', [t(2, 7, 7, 64), [-1, 3136]], {}, () => tf.reshape(zeros([2, 7, 7, 64]), [-1, 3136])],
  ['tensorflow.reshape', [t(2, 7, 7, 64), [2, 49, 64]], {}, () => tf.reshape(zeros([2, 7, 7, 64]), [2, 49, 64])],
  ['tensorflow.reshape', [t(2, 7, 7, 64), [2, -1]], {}, () => tf.reshape(zeros([2, 7, 7, 64]), [2, -1])],
  ['tensorflow.reshape', [t(2, 7, 7, 64), [2, 50, 64]], {}, () => tf.reshape(zeros([2, 7, 7, 64]), [2, 50, 64])],
  ['tensorflow.reshape', [t(2, 7, 7, 64), [-1, 300]], {}, () => tf.reshape(zeros([2, 7, 7, 64]), [-1, 300])],
  ['tensorflow.reshape', [t(4, 6), [-1, -1]], {}, () => tf.reshape(zeros([4, 6]), [-1, -1])],
  ['keras.ops.reshape', [t(3, 4, 5), [3, 20]], {}, () => tf.reshape(zeros([3, 4, 5]), [3, 20])],
  ['tensorflow.concat', [[t(2, 3, 4), t(2, 5, 4)], 1], {}, () => tf.concat([zeros([2, 3, 4]), zeros([2, 5, 4])], 1)],
  ['tensorflow.concat', [[t(2, 3, 4), t(2, 3, 6)]], { axis: -1 }, () => tf.concat([zeros([2, 3, 4]), zeros([2, 3, 6])], -1)],
  ['tensorflow.concat', [[t(2, 3, 4), t(2, 5, 4)], 2], {}, () => tf.concat([zeros([2, 3, 4]), zeros([2, 5, 4])], 2)],
  ['tensorflow.concat', [[t(2, 3, 4), t(2, 3)], 1], {}, () => tf.concat([zeros([2, 3, 4]), zeros([2, 3])], 1)],
  ['tensorflow.concat', [[t(2, 3), t(2, 3)], 2], {}, () => tf.concat([zeros([2, 3]), zeros([2, 3])], 2)],
  ['keras.ops.concatenate', [[t(2, 3), t(4, 3)]], {}, () => tf.concat([zeros([2, 3]), zeros([4, 3])], 0)],
  ['keras.ops.concatenate', [[t(2, 3), t(2, 5)]], { axis: 1 }, () => tf.concat([zeros([2, 3]), zeros([2, 5])], 1)],
  ['tensorflow.transpose', [t(2, 3, 4)], {}, () => tf.transpose(zeros([2, 3, 4]))],
  ['tensorflow.transpose', [t(2, 3, 4)], { perm: [0, 2, 1] }, () => tf.transpose(zeros([2, 3, 4]), [0, 2, 1])],
  ['tensorflow.transpose', [t(2, 3, 4), [2, 0]], {}, () => tf.transpose(zeros([2, 3, 4]), [2, 0])],
  ['keras.ops.transpose', [t(2, 3, 4, 5)], { axes: [0, 3, 1, 2] }, () => tf.transpose(zeros([2, 3, 4, 5]), [0, 3, 1, 2])],
  ['tensorflow.expand_dims', [t(2, 3), 0], {}, () => tf.expandDims(zeros([2, 3]), 0)],
  ['tensorflow.expand_dims', [t(2, 3), -1], {}, () => tf.expandDims(zeros([2, 3]), -1)],
  ['tensorflow.expand_dims', [t(2, 3), 2], {}, () => tf.expandDims(zeros([2, 3]), 2)],
  ['keras.ops.expand_dims', [t(2, 3), 1], {}, () => tf.expandDims(zeros([2, 3]), 1)],
  ['tensorflow.squeeze', [t(2, 1, 3, 1)], {}, () => tf.squeeze(zeros([2, 1, 3, 1]))],
  ['tensorflow.squeeze', [t(2, 1, 3, 1)], { axis: [1] }, () => tf.squeeze(zeros([2, 1, 3, 1]), [1])],
  ['tensorflow.squeeze', [t(2, 1, 3, 1), -1], {}, () => tf.squeeze(zeros([2, 1, 3, 1]), [-1])],
  ['tensorflow.squeeze', [t(2, 1, 3, 1)], { axis: 2 }, () => tf.squeeze(zeros([2, 1, 3, 1]), [2])],
  ['keras.ops.squeeze', [t(1, 5, 1)], {}, () => tf.squeeze(zeros([1, 5, 1]))],
  ['tensorflow.reduce_mean', [t(2, 7, 7, 64)], { axis: [1, 2] }, () => tf.mean(zeros([2, 7, 7, 64]), [1, 2])],
  ['tensorflow.reduce_mean', [t(2, 7, 7, 64)], { axis: [1, 2], keepdims: true }, () => tf.mean(zeros([2, 7, 7, 64]), [1, 2], true)],
  ['tensorflow.reduce_mean', [t(2, 7, 7, 64)], {}, () => tf.mean(zeros([2, 7, 7, 64]))],
  ['tensorflow.math.reduce_sum', [t(2, 3, 4), -1], {}, () => tf.sum(zeros([2, 3, 4]), -1)],
  ['tensorflow.reduce_max', [t(2, 3, 4), 1, true], {}, () => tf.max(zeros([2, 3, 4]), 1, true)],
  ['tensorflow.reduce_max', [t(2, 3, 4), 3], {}, () => tf.max(zeros([2, 3, 4]), 3)],
  ['keras.ops.mean', [t(2, 3, 4)], { axis: 1 }, () => tf.mean(zeros([2, 3, 4]), 1)],
  ['keras.ops.sum', [t(2, 3, 4)], { axis: [0, 2], keepdims: true }, () => tf.sum(zeros([2, 3, 4]), [0, 2], true)],
  ['keras.ops.max', [t(2, 3, 4)], {}, () => tf.max(zeros([2, 3, 4]))],
  ['tensorflow.matmul', [t(2, 3), t(3, 4)], {}, () => tf.matMul(zeros([2, 3]), zeros([3, 4]))],
  ['tensorflow.matmul', [t(5, 2, 3), t(5, 3, 4)], {}, () => tf.matMul(zeros([5, 2, 3]), zeros([5, 3, 4]))],
  ['tensorflow.matmul', [t(5, 2, 3), t(5, 4, 3)], { transpose_b: true }, () => tf.matMul(zeros([5, 2, 3]), zeros([5, 4, 3]), false, true)],
  ['tensorflow.linalg.matmul', [t(3, 2), t(3, 4)], { transpose_a: true }, () => tf.matMul(zeros([3, 2]), zeros([3, 4]), true, false)],
  ['tensorflow.matmul', [t(2, 3), t(4, 5)], {}, () => tf.matMul(zeros([2, 3]), zeros([4, 5]))],
  ['keras.ops.matmul', [t(5, 2, 3), t(5, 3, 4)], {}, () => tf.matMul(zeros([5, 2, 3]), zeros([5, 3, 4]))],
  ['tensorflow.add', [t(2, 3, 4), t(4)], {}, () => tf.add(zeros([2, 3, 4]), zeros([4]))],
  ['tensorflow.math.multiply', [t(2, 1, 4), t(3, 1)], {}, () => tf.mul(zeros([2, 1, 4]), zeros([3, 1]))],
  ['tensorflow.add', [t(2, 3), t(4)], {}, () => tf.add(zeros([2, 3]), zeros([4]))],
  ['keras.ops.add', [t(2, 3), t(2, 3)], {}, () => tf.add(zeros([2, 3]), zeros([2, 3]))],
  ['keras.ops.multiply', [t(2, 3), 2.0], {}, () => tf.mul(zeros([2, 3]), 2.0)],
  ['tensorflow.nn.relu', [t(2, 3)], {}, () => tf.relu(zeros([2, 3]))],
  ['tensorflow.nn.sigmoid', [t(2, 3)], {}, () => tf.sigmoid(zeros([2, 3]))],
  ['tensorflow.math.sigmoid', [t(2, 3)], {}, () => tf.sigmoid(zeros([2, 3]))],
  ['tensorflow.nn.tanh', [t(2, 3)], {}, () => tf.tanh(zeros([2, 3]))],
  ['tensorflow.nn.softmax', [t(2, 3)], {}, () => tf.softmax(zeros([2, 3]))],
  ['tensorflow.nn.softmax', [t(2, 3)], { axis: -1 }, () => tf.softmax(zeros([2, 3]), -1)],
  ['keras.ops.relu', [t(4, 5)], {}, () => tf.relu(zeros([4, 5]))],
  ['keras.ops.sigmoid', [t(4, 5)], {}, () => tf.sigmoid(zeros([4, 5]))],
  ['keras.ops.tanh', [t(4, 5)], {}, () => tf.tanh(zeros([4, 5]))],
  ['keras.ops.softmax', [t(4, 5)], {}, () => tf.softmax(zeros([4, 5]))],
  ['tensorflow.image.resize', [t(2, 32, 32, 3), [64, 48]], {}, () => tf.image.resizeBilinear(zeros([2, 32, 32, 3]) as tf.Tensor4D, [64, 48])],
  ['tensorflow.image.resize', [t(32, 32, 3), [16, 16]], {}, () => tf.image.resizeBilinear(zeros([32, 32, 3]) as tf.Tensor3D, [16, 16])],
];

function label(name: string, args: ArgValue[], kwargs: Record<string, ArgValue>): string {
  const show = (v: ArgValue): string => (v instanceof Tensor ? formatShape(v.shape) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));
  return `${name}(${[...args.map(show), ...Object.entries(kwargs).map(([k, v]) => `${k}=${show(v)}`)].join(', ')})`;
}

describe('TensorFlow ops against TensorFlow.js', () => {
  for (const [name, args, kwargs, oracle] of ORACLE) {
    it(label(name, args, kwargs), () => {
      let truth: number[] | 'throws';
      try {
        const out = tf.tidy(oracle);
        truth = out.shape;
        out.dispose();
      } catch {
        truth = 'throws';
      }
      const r = op(name, args, kwargs);
      if (truth === 'throws') expect(r.errors.length, `tfjs throws; engine output ${formatOutput(r.output)}`).toBeGreaterThan(0);
      else {
        expect(r.errors).toEqual([]);
        expect(r.output).toEqual(truth);
      }
    });
  }
  it('covers the shapes used by the rows', () => {
    expect(ORACLE.every(([, args]) => args.filter((a) => a instanceof Tensor).every((a) => shapeOf(a).every((d) => typeof d === 'number')))).toBe(true);
  });
});

describe("TensorFlow's wording", () => {
  it('reshape to a different total', () => {
    const r = op('tensorflow.reshape', [t(2, 7, 7, 64), [2, 50, 64]]);
    expect(r.errors).toMatchObject([{ code: 'reshape-size', arg: 'shape' }]);
    expect(r.errors[0].message).toContain('Input to reshape is a tensor with 6272 values, but the requested shape has 6400');
    expect(r.errors[0].message).toContain('tensor (2, 7, 7, 64)');
  });
  it('reshape with -1 to a size that does not divide', () => {
    const r = op('tensorflow.reshape', [t(1, 7, 7, 256), [-1, 12800]]);
    expect(r.errors[0].message).toContain('Input to reshape is a tensor with 12544 values, but the requested shape requires a multiple of 12800');
  });
  it('the per-sample total of a flatten written by hand', () => {
    const r = op('tensorflow.reshape', [t(1, 7, 7, 256), [1, 12800]]);
    expect(r.errors[0].message).toContain('Input to reshape is a tensor with 12544 values, but the requested shape has 12800');
  });
  it('concat mismatch names both tensors', () => {
    const r = op('tensorflow.concat', [[t(2, 3, 4), t(2, 5, 4)], 2]);
    expect(r.errors).toMatchObject([{ code: 'cat-mismatch' }]);
    expect(r.errors[0].message).toContain('ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [2,3,4] vs. shape[1] = [2,5,4]');
  });
  it('matmul mismatch', () => {
    const r = op('tensorflow.matmul', [t(2, 3), t(4, 5)]);
    expect(r.errors).toMatchObject([{ code: 'broadcast-mismatch', arg: 'b' }]);
    expect(r.errors[0].message).toContain('Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]');
  });
  it('squeeze of an axis that is not one', () => {
    const r = op('tensorflow.squeeze', [t(2, 1, 3, 1)], { axis: 2 });
    expect(r.errors[0].message).toContain('Can not squeeze dim[2], expected a dimension of 1, got 3');
  });
  it('broadcast mismatch', () => {
    const r = op('tensorflow.add', [t(2, 3), t(4)]);
    expect(r.errors[0].message).toContain('Incompatible shapes: [2,3] vs. [4]');
  });
});

// prettier-ignore
// Keras tensors have an unknown batch (null): never an error because of it, and it flows through.
const UNKNOWN_BATCH: [string, ArgValue[], Record<string, ArgValue>, (number | null)[] | null][] = [
  ['tensorflow.reshape', [t(null, 16, 16, 32), [-1, 16 * 16 * 32]], {}, [null, 8192]],
  ['tensorflow.reshape', [t(null, 16, 16, 32), [-1, 100]], {}, [null, 100]],
  ['tensorflow.reshape', [t(null, 3136), [new Tensor([], 'tf.shape(x)[0]'), 7, 7, 64]], {}, [null, 7, 7, 64]],
  ['tensorflow.reshape', [t(null, 3136), new Tensor([2], 'tf.shape(y)')], {}, null],
  ['tensorflow.reshape', [t(null, 7, 7, 64), [new Tensor([], 'tf.shape(x)[0]'), -1]], {}, [null, 3136]],
  ['tensorflow.reshape', [t(null, 7, 7, 64), [new Tensor([], 'tf.shape(x)[0]'), -1, 64]], {}, [null, 49, 64]],
  ['keras.ops.reshape', [t(null, 4, 4, 8), [-1, 4, 32]], {}, [null, 4, 32]],
  ['tensorflow.concat', [[t(null, 5), t(null, 5)]], { axis: -1 }, [null, 10]],
  ['tensorflow.concat', [[t(null, 5), t(8, 5)], 0], {}, [null, 5]],
  ['tensorflow.concat', [[t(null, 5), t(8, 7)], 1], {}, [8, 12]],
  ['tensorflow.transpose', [t(null, 10, 32)], { perm: [0, 2, 1] }, [null, 32, 10]],
  ['tensorflow.expand_dims', [t(null, 32)], { axis: 1 }, [null, 1, 32]],
  ['tensorflow.squeeze', [t(null, 1, 32)], { axis: 1 }, [null, 32]],
  ['tensorflow.squeeze', [t(null, 1, 32)], {}, null],
  ['tensorflow.reduce_mean', [t(null, 7, 7, 64)], { axis: [1, 2] }, [null, 64]],
  ['tensorflow.reduce_mean', [t(null, 7, 7, 64)], { axis: [-3, -2], keepdims: true }, [null, 1, 1, 64]],
  ['keras.ops.mean', [t(null, 7, 7, 64)], { axis: [1, 2] }, [null, 64]],
  ['tensorflow.matmul', [t(null, 10, 32), t(null, 32, 10)], {}, [null, 10, 10]],
  ['tensorflow.matmul', [t(null, 10, 32), t(null, 10, 32)], { transpose_b: true }, [null, 10, 10]],
  ['keras.ops.matmul', [t(null, 32), t(32)], {}, [null]],
  ['tensorflow.add', [t(null, 8), t(8)], {}, [null, 8]],
  ['tensorflow.multiply', [t(null, 16, 16, 32), t(null, 1, 1, 32)], {}, [null, 16, 16, 32]],
  ['tensorflow.shape', [t(null, 8)], {}, [2]],
  ['tensorflow.image.resize', [t(null, 32, 32, 3), [64, 64]], {}, [null, 64, 64, 3]],
  ['tensorflow.image.resize', [t(null, 32, 32, 3), [64, 64]], { preserve_aspect_ratio: true }, [null, null, null, 3]],
];

describe('unknown batch', () => {
  for (const [name, args, kwargs, expected] of UNKNOWN_BATCH) {
    it(label(name, args, kwargs), () => {
      const r = op(name, args, kwargs);
      expect(r.errors).toEqual([]);
      expect(r.output).toEqual(expected);
    });
  }
  it('a reshape contradiction is still found with a known batch of 8', () => {
    const r = op('tensorflow.reshape', [t(8, 225, 4), [8, 30, 31]]);
    expect(r.errors).toMatchObject([{ code: 'reshape-size' }]);
  });
  it('an axis out of range is reported even with an unknown batch', () => {
    const r = op('tensorflow.reduce_mean', [t(null, 7, 7, 64)], { axis: 4 });
    expect(r.errors).toMatchObject([{ code: 'rank-mismatch', arg: 'axis' }]);
  });
});
