// Converting a Keras model whose blocks live in another file of the workspace: an operation's
// arguments are read from the text of the file that applies it, never from the converted file's
// lines at the same position.

import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import { convertModel } from '../../server/src/convert/pytorch';
import { workspaceFromTexts } from '../../server/src/workspace/files';

const BLOCKS = [
  'import tensorflow as tf',
  'from tensorflow.keras import layers',
  '',
  '',
  'def head(x):',
  '    x = layers.Dense(8)(x)',
  '    x = tf.reduce_mean(x, axis=1)',
  '    return x',
  '',
].join('\n');

const MAIN = [
  'from tensorflow import keras',
  'from tensorflow.keras import layers',
  'from blocks import head',
  '',
  'inputs = keras.Input(shape=(6, 4))',
  'x = layers.Dense(5)(inputs)',
  'y = keras.ops.sum(x, axis=2)',
  'out = head(x)',
  'model = keras.Model(inputs, [out, y])',
  '',
].join('\n');

describe('Keras → PyTorch across files', () => {
  it('reads the arguments of an operation applied in an imported file from that file', () => {
    const workspace = workspaceFromTexts({ '/w/main.py': MAIN, '/w/blocks.py': BLOCKS }, { roots: ['/w'] });
    const result = analyze(MAIN, { path: '/w/main.py', workspace });
    const model = result.models.find((m) => m.name === 'model');
    expect(model?.layers.some((l) => l.kind === 'reduce_mean' && l.path === '/w/blocks.py')).toBe(true);
    const { code } = convertModel(MAIN, result, 'model', (path) => (path === '/w/blocks.py' ? BLOCKS : undefined));
    // tf.reduce_mean(x, axis=1) over Keras's axes (the tensor moved channels-last for it).
    expect(code).toContain('x = torch.mean(x.movedim(1, -1), dim=1)');
    // keras.ops.sum(x, axis=2) in the converted file itself, on the same line number.
    expect(code).toContain('y = torch.sum(x.movedim(1, -1), dim=2)');
  });

  it('without the other file\'s text, its operation is marked TODO, not converted from the wrong lines', () => {
    const workspace = workspaceFromTexts({ '/w/main.py': MAIN, '/w/blocks.py': BLOCKS }, { roots: ['/w'] });
    const result = analyze(MAIN, { path: '/w/main.py', workspace });
    const { code } = convertModel(MAIN, result, 'model');
    expect(code).toMatch(/# TODO: .*reduce_mean/);
  });
});
