// TensorFlow.js bugs that the numeric check of the converter (scripts/verify-convert.ts) works
// around, each reproduced here with tfjs alone so that the workaround is never taken on faith.
// When a test here fails, tfjs has been fixed: remove the workaround it names.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

describe('tfjs bugs the verify script works around', () => {
  it('the CPU batch norm ignores the broadcast shape of its parameters and cycles them along the last axis (applyLayer in verify-convert.ts)', async () => {
    await tf.setBackend('cpu');
    // x has 2 channels on axis 1 and 2 positions on axis 3; mean [1, 2, 1, 1] is 10 for channel 0, 20 for channel 1.
    const x = tf.tensor4d([10, 10, 20, 20], [1, 2, 1, 2]);
    const mean = tf.tensor4d([10, 20], [1, 2, 1, 1]);
    const variance = tf.ones([1, 2, 1, 1]) as tf.Tensor4D;
    const got = Array.from(tf.batchNorm4d(x, mean, variance, undefined, undefined, 0).dataSync());
    // Broadcasting (what tf.add/tf.sub do with the same shapes) gives zeros everywhere.
    expect(Array.from(x.sub(mean).div(variance.sqrt()).dataSync())).toEqual([0, 0, 0, 0]);
    // The kernel subtracts mean[0], mean[1], mean[0], mean[1] along the flat data instead.
    expect(got).toEqual([0, -10, 10, 0]);
  });
});
