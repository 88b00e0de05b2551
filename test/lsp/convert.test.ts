// The "Convert to PyTorch" code actions over stdio: on the Keras model's name line the server
// offers to open the PyTorch version beside the source (a client command carrying the code) and to
// insert it below the model; the inserted code analyses cleanly. Nothing is written by the server.
// The mirror, "Convert to Keras", is offered on a PyTorch model's name line.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import { applyEdits, rangeOf, TestClient } from './harness';

const KERAS = `from tensorflow import keras
from tensorflow.keras import layers


# input: (None, 28, 28, 1)
class CNN_model(keras.Model):
    def __init__(self):
        super().__init__()
        self.model = keras.Sequential(
            [layers.Conv2D(filters=3, kernel_size=(3, 3), strides=(1, 1), padding="same"),
             layers.MaxPool2D(pool_size=(2, 2)),
             layers.ReLU(),
             layers.Conv2D(6, (3, 3), (2, 2), "same"),
             layers.ReLU(),
             layers.Flatten(),
             layers.Dense(10)])

    def call(self, x):
        return self.model(x)
`;

let client: TestClient;

beforeAll(async () => {
  client = await TestClient.start();
});

afterAll(async () => {
  await client?.stop();
});

describe('Convert to PyTorch', () => {
  it('offers to open the PyTorch version beside the source and to insert it below', async () => {
    const uri = 'file:///workspace/convert/keras_cnn.py';
    await client.openDocument(uri, KERAS, 1);
    await client.diagnostics(uri, { version: 1 });
    const actions = await client.codeActions(uri, rangeOf(KERAS, 'CNN_model'), []);
    const open = actions.find((a) => a.title === 'Convert CNN_model to PyTorch');
    const insert = actions.find((a) => a.title === 'Insert PyTorch version of CNN_model below');
    expect(open?.command?.command).toBe('cnnshape.openConverted');
    const code = (open?.command?.arguments?.[0] as { code: string }).code;
    expect(code).toContain('nn.Conv2d(1, 3');
    expect(code).toMatch(/# input: \(N, 1, 28, 28\)|# input: \(1, 1, 28, 28\)/);
    expect(code).toContain('ZeroPad2d((0, 1, 0, 1))');
    expect(insert?.edit?.changes?.[uri]).toHaveLength(1);
    const after = applyEdits(KERAS, insert!.edit!.changes![uri]);
    expect(after.startsWith(KERAS.trimEnd())).toBe(true);
    const result = analyze(after);
    expect(result.diagnostics).toEqual([]);
    expect(result.models.map((m) => m.framework).sort()).toEqual(['keras', 'torch']);
  });

  it('offers the Keras version of a PyTorch model, to open beside it or to insert below', async () => {
    const TORCH = `import torch\nfrom torch import nn\n\n\n# input: (1, 1, 28, 28)\nclass Small(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(1, 4, 3, padding=1)\n        self.fc = nn.Linear(4 * 28 * 28, 10)\n\n    def forward(self, x):\n        return self.fc(torch.flatten(torch.relu(self.conv(x)), 1))\n`;
    const uri = 'file:///workspace/convert/torch_small.py';
    await client.openDocument(uri, TORCH, 1);
    await client.diagnostics(uri, { version: 1 });
    const actions = await client.codeActions(uri, rangeOf(TORCH, 'Small'), []);
    const open = actions.find((a) => a.title === 'Convert Small to Keras');
    const insert = actions.find((a) => a.title === 'Insert Keras version of Small below');
    expect(open?.command?.command).toBe('cnnshape.openConverted');
    const code = (open?.command?.arguments?.[0] as { code: string }).code;
    expect(code).toContain('keras.Input(shape=(28, 28, 1))');
    expect(code).toContain('layers.Conv2D(4, 3, padding="same", name="conv")');
    expect(code).toContain('layers.Permute((3, 1, 2))');
    const after = applyEdits(TORCH, insert!.edit!.changes![uri]);
    const result = analyze(after);
    expect(result.diagnostics).toEqual([]);
    expect(result.models.map((m) => m.framework).sort()).toEqual(['keras', 'torch']);
  });

  it('offers nothing away from a Keras model', async () => {
    const uri = 'file:///workspace/convert/other.py';
    await client.openDocument(uri, KERAS, 1);
    await client.diagnostics(uri, { version: 1 });
    const actions = await client.codeActions(uri, rangeOf(KERAS, 'layers.ReLU()'), []);
    expect(actions.filter((a) => a.title.includes('PyTorch'))).toEqual([]);
  });
});
