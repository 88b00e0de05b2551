// The keras.applications table (generated from Keras's source by scripts/truth/keras_applications.py)
// against Keras's published figures, and its spatial arithmetic against tfjs-layers: the ResNet50
// stem (zero padding, a valid 7×7 stride-2 convolution, zero padding, a valid 3×3 stride-2 pool)
// and MobileNetV2's stride-2 blocks (Keras's correct_pad, then a valid depthwise convolution) for
// every size from 32 to 80, odd ones included.

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { applicationLayer, applicationOutput, applicationParamsCount, findApplication } from '../../server/src/model/keras-applications';

const top = { includeTop: true, pooling: null, classes: 1000 };
const body = { includeTop: false, pooling: null, classes: 1000 };

describe('keras.applications table', () => {
  // Total parameters with the 1000-class classifier, as Keras's summaries print them.
  const published: [string, number][] = [
    ['ResNet50', 25_636_712],
    ['ResNet50V2', 25_613_800],
    ['VGG16', 138_357_544],
    ['VGG19', 143_667_240],
    ['MobileNetV2', 3_538_984],
    ['DenseNet121', 8_062_504],
    ['InceptionV3', 23_851_784],
    ['InceptionResNetV2', 55_873_736],
    ['Xception', 22_910_480],
    ['EfficientNetB0', 5_330_571],
  ];
  for (const [name, total] of published) {
    it(`${name} has ${total} parameters`, () => {
      const t = findApplication(`keras.applications.${name}`)!;
      const count = applicationParamsCount(t, top, [null, t.defaultSize, t.defaultSize, 3])!;
      expect(count.trainable + count.frozen).toBe(total);
    });
  }

  it('answers for the module spellings and for any input size', () => {
    const t = findApplication('keras.applications.resnet50.ResNet50')!;
    expect(applicationOutput(t, body, [null, 224, 224, 3])).toEqual([null, 7, 7, 2048]);
    expect(applicationOutput(t, { ...body, pooling: 'avg' }, [null, 300, 300, 3])).toEqual([null, 2048]);
    expect(applicationOutput(t, { ...top, classes: 7 }, [null, 224, 224, 3])).toEqual([null, 7]);
    expect(applicationOutput(t, body, [null, null, null, 3])).toEqual([null, null, null, 2048]);
    expect(applicationLayer(t, 'conv4_block6_out', body, [null, 224, 224, 3])).toEqual({ cls: 'Activation', output: [null, 14, 14, 1024] });
    expect(applicationLayer(t, 'predictions', body, [null, 224, 224, 3])).toBeUndefined();
    expect(findApplication('keras.applications.NoSuchNet')).toBeUndefined();
  });

  it('follows tfjs through the ResNet50 stem at every size', () => {
    const t = findApplication('keras.applications.ResNet50')!;
    for (let n = 32; n <= 80; n++) {
      const input = tf.input({ shape: [n, n + 1, 3] });
      let x = tf.layers.zeroPadding2d({ padding: 3 }).apply(input) as tf.SymbolicTensor;
      const conv = tf.layers.conv2d({ filters: 2, kernelSize: 7, strides: 2 }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.zeroPadding2d({ padding: 1 }).apply(conv) as tf.SymbolicTensor;
      const pool = tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(x) as tf.SymbolicTensor;
      const at = (name: string) => applicationLayer(t, name, body, [null, n, n + 1, 3])!.output!.slice(1, 3);
      expect(at('conv1_relu')).toEqual(conv.shape.slice(1, 3));
      expect(at('pool1_pool')).toEqual(pool.shape.slice(1, 3));
    }
  });

  it("follows tfjs through MobileNetV2's correct_pad at every size", () => {
    const t = findApplication('keras.applications.MobileNetV2')!;
    for (let n = 32; n <= 80; n++) {
      // Conv1 is a 'same' stride-2 convolution; block 1 pads as correct_pad says, then a valid stride-2 depthwise one.
      const input = tf.input({ shape: [n, n, 3] });
      const conv1 = tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }).apply(input) as tf.SymbolicTensor;
      const s = conv1.shape[1] as number;
      const pad = tf.layers.zeroPadding2d({ padding: [[1 - (1 - (s % 2)), 1], [1 - (1 - (s % 2)), 1]] }).apply(conv1) as tf.SymbolicTensor;
      const depthwise = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2 }).apply(pad) as tf.SymbolicTensor;
      expect(applicationLayer(t, 'block_1_pad', body, [null, n, n, 3])!.output!.slice(1, 3)).toEqual(pad.shape.slice(1, 3));
      expect(applicationLayer(t, 'block_1_depthwise_relu', body, [null, n, n, 3])!.output!.slice(1, 3)).toEqual(depthwise.shape.slice(1, 3));
    }
  });
});
