// PyTorch → Keras conversion: every PyTorch fixture model with a concrete input that converts
// without a TODO becomes Keras code that the project's own Keras engine analyses cleanly, with the
// same shape after every PyTorch record (channels moved last where the converter says so); the
// models left out are listed as skipped tests with the reason. A few outputs are pinned by file
// snapshots. Numeric fidelity (real PyTorch weights in TensorFlow.js) is scripts/verify-convert-keras.ts.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import type { LayerRecord } from '../../server/src/analysis/result';
import { convertPyTorchModel, convertTorchFile, convertTorchModel } from '../../server/src/convert/keras';
import { kerasAxis, kerasShape, permuteCode } from '../../server/src/convert/keras-layers';
import { modelInputs } from '../../server/src/convert/pytorch';
import { dimToString } from '../../server/src/shapes/dim';
import { TupleOut, type Output, type Shape } from '../../server/src/shapes/types';

const ROOT = join(__dirname, '..', '..');
const TORCH_FIXTURES = join(ROOT, 'test', 'fixtures', 'torch');

/** A shape without its batch axis, as text, so that Keras `None` and PyTorch's batch compare equal. */
function shapeKey(s: Output): string {
  const first = s instanceof TupleOut ? s.items[0] : s;
  if (!Array.isArray(first)) return String(first);
  return `(${first.slice(1).map((d) => dimToString(d)).join(', ')})`;
}

function concrete(s: Shape): boolean {
  return s !== null && s.slice(1).every((d) => typeof d === 'number');
}

/** Why a model is left out of the shape check, or null when it is checked. */
function skipReason(fileHasErrors: boolean, inputs: Shape[], warnings: string[]): string | null {
  if (fileHasErrors) return 'the fixture pins a shape error';
  if (!inputs.every(concrete)) return 'the input is symbolic';
  if (warnings.length > 0) return `TODO: ${warnings[0]}${warnings.length > 1 ? ` (and ${warnings.length - 1} more)` : ''}`;
  return null;
}

describe('every convertible PyTorch fixture becomes Keras with the same shapes', () => {
  const files = readdirSync(TORCH_FIXTURES).filter((f) => f.endsWith('.py')).sort();
  for (const file of files) {
    const text = readFileSync(join(TORCH_FIXTURES, file), 'utf8');
    const source = analyze(text);
    for (const model of source.models.filter((m) => m.framework === 'torch')) {
      const converted = convertPyTorchModel(model, text);
      const reason = skipReason(source.diagnostics.length > 0, modelInputs(model), converted.warnings);
      if (reason) {
        it.skip(`${file}: ${model.name} (${reason})`, () => {});
        continue;
      }
      it(`${file}: ${model.name}`, () => {
        const keras = analyze(converted.code);
        expect(keras.diagnostics.map((d) => `${d.range.line + 1}: ${d.message}`), converted.code).toEqual([]);
        const kerasModel = keras.models.find((m) => m.name === converted.variable);
        expect(kerasModel, converted.code).toBeDefined();
        expect(kerasModel!.framework).toBe('keras');
        expect(modelInputs(kerasModel!).map(shapeKey)).toEqual(modelInputs(model).map((s, i) => shapeKey(kerasShape(s, converted.inputLayouts[i]))));

        const ownerOfLine = new Map<number, number>();
        converted.layerLines.forEach((lines, k) => lines.forEach((l) => ownerOfLine.set(l, k)));
        const recordsOf = model.layers.map(() => [] as LayerRecord[]);
        for (const r of kerasModel!.layers) {
          const k = ownerOfLine.get(r.callRange.line) ?? ownerOfLine.get(r.range.line);
          if (k !== undefined) recordsOf[k].push(r);
        }
        let checked = 0;
        model.layers.forEach((torch, k) => {
          const layout = converted.layouts[k];
          const own = recordsOf[k];
          if (layout === null || own.length === 0) return;
          const torchOut = torch.output instanceof TupleOut ? (torch.output.items[0] as Shape) : (torch.output as Shape);
          expect(shapeKey(own[own.length - 1].output), `${torch.kind} (PyTorch record ${k}, line ${torch.range.line + 1})\n${converted.code}`).toBe(shapeKey(kerasShape(torchOut, layout)));
          checked++;
        });
        expect(checked).toBeGreaterThan(0);
      });
    }
  }
});

describe('generated code, pinned', () => {
  const pinned: [string, string][] = [
    ['test/fixtures/torch/import_nn_alias.py', 'keras_lenet.py'],
    ['test/fixtures/torch/forward_residual_tuple.py', 'keras_residual.py'],
    ['test/fixtures/torch/unet_skip_lists.py', 'keras_unet.py'],
  ];
  for (const [input, snapshot] of pinned) {
    it(snapshot, async () => {
      const { code } = convertTorchFile(readFileSync(join(ROOT, input), 'utf8'));
      await expect(code).toMatchFileSnapshot(join(__dirname, '__snapshots__', snapshot));
    });
  }
});

const HEADER = 'import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n\n';

function convertSource(body: string): { code: string; warnings: string[] } {
  return convertTorchFile(HEADER + body);
}

describe('numeric details', () => {
  it('axes and permutations between the layouts', () => {
    expect(kerasAxis(1, 4, 'cl')).toBe(-1);
    expect(kerasAxis(2, 4, 'cl')).toBe(1);
    expect(kerasAxis(-1, 4, 'cl')).toBe(2);
    expect(kerasAxis(1, 4, 'id')).toBe(1);
    expect(kerasAxis(1, 2, 'cl')).toBe(1);
    expect(permuteCode(4, 'cl')).toBe('layers.Permute((3, 1, 2))');
    expect(permuteCode(4, 'id')).toBe('layers.Permute((2, 3, 1))');
    expect(permuteCode(3, 'cl')).toBe('layers.Permute((2, 1))');
  });

  it("Conv2d padding: 'same' where it is exactly PyTorch's, ZeroPadding2D + 'valid' otherwise; groups and depthwise", () => {
    const { code, warnings } = convertSource(
      '# input: (1, 4, 16, 16)\nnet = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.Conv2d(8, 8, 4, padding=2), nn.Conv2d(8, 16, 3, padding=1, groups=2), nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False))\n',
    );
    expect(warnings).toEqual([]);
    expect(code).toContain('layers.Conv2D(8, 3, padding="same", name="layer_0")');
    expect(code).toContain('layers.ZeroPadding2D(1),\n        layers.Conv2D(8, 3, strides=2, name="layer_1")');
    expect(code).toContain('layers.ZeroPadding2D(2),\n        layers.Conv2D(8, 4, name="layer_2")');
    expect(code).toContain('layers.Conv2D(16, 3, padding="same", groups=2, name="layer_3")');
    expect(code).toContain('layers.DepthwiseConv2D(3, padding="same", use_bias=False, name="layer_4")');
  });

  it('BatchNorm: eps becomes epsilon, momentum becomes 1 − momentum', () => {
    const { code } = convertSource('# input: (2, 3, 8, 8)\nnet = nn.Sequential(nn.BatchNorm2d(3), nn.BatchNorm2d(3, eps=1e-3, momentum=0.01, affine=False))\n');
    expect(code).toContain('layers.BatchNormalization(epsilon=1e-05, momentum=0.9, name="layer_0")');
    expect(code).toContain('layers.BatchNormalization(epsilon=0.001, momentum=0.99, center=False, scale=False, name="layer_1")');
  });

  it('pooling: padding of a max pool after a ReLU is exact with zeros; elsewhere marked', () => {
    const afterRelu = convertSource('# input: (1, 3, 9, 9)\nnet = nn.Sequential(nn.ReLU(), nn.MaxPool2d(3, 2, padding=1))\n');
    expect(afterRelu.warnings).toEqual([]);
    expect(afterRelu.code).toMatch(/MaxPooling2D\(3, strides=2, padding="same"\)|ZeroPadding2D\(1\),\n\s+layers\.MaxPooling2D\(3, strides=2\)/);
    const raw = convertSource('# input: (1, 3, 10, 10)\nnet = nn.Sequential(nn.MaxPool2d(3, 2, padding=1))\n');
    expect(raw.warnings).toHaveLength(1);
    expect(raw.code).toContain('# TODO: PyTorch pads a max pool with −∞');
    const average = convertSource('# input: (1, 3, 10, 10)\nnet = nn.Sequential(nn.AvgPool2d(3, 2, padding=1))\n');
    expect(average.warnings).toEqual([]);
    expect(average.code).toContain('# count_include_pad=True: the zero padding counts in the average');
  });

  it('Flatten after a convolution permutes back to channels-first, with the reason in a comment', () => {
    const { code } = convertSource('# input: (1, 3, 8, 8)\nnet = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(144, 10))\n');
    expect(code).toContain('layers.Permute((3, 1, 2)),\n        layers.Flatten()');
    expect(code).toMatch(/# PyTorch flattens channels-first/);
  });

  it('AdaptiveAvgPool2d(1): keepdims where the 1×1 map is used, a plain global pooling before a flatten', () => {
    const flat = convertSource('# input: (1, 3, 8, 8)\nnet = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))\n');
    expect(flat.code).toContain('layers.GlobalAveragePooling2D(),\n        layers.Dense(2, name="layer_3")');
    const kept = convertSource('# input: (1, 3, 8, 8)\nnet = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Conv2d(4, 2, 1))\n');
    expect(kept.code).toContain('layers.GlobalAveragePooling2D(keepdims=True)');
  });

  it('softmax over the channels of an image is the last Keras axis', () => {
    const { code } = convertSource('# input: (1, 3, 8, 8)\nnet = nn.Sequential(nn.Softmax(dim=1), nn.Softmax(dim=2))\n');
    expect(code).toContain('layers.Softmax(),');
    expect(code).toContain('layers.Softmax(axis=1),');
  });

  it('a stacked batch-first LSTM whose last step is taken ends with return_sequences=False', () => {
    const { code, warnings } = convertSource(
      'class Tagger(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True, dropout=0.2)\n        self.fc = nn.Linear(16, 3)\n\n    def forward(self, x):\n        out, _ = self.lstm(x)\n        return self.fc(out[:, -1, :])\n\n\nif __name__ == "__main__":\n    Tagger()(torch.randn(4, 20, 8))\n',
    );
    expect(warnings).toEqual([]);
    expect(code).toContain('layers.LSTM(16, return_sequences=True, name="lstm")');
    expect(code).toContain('layers.Dropout(0.2)');
    expect(code).toContain('layers.LSTM(16, name="lstm_l1"),\n');
  });

  it('a layer with no equivalent gets a TODO and a warning, never silence', () => {
    const text = HEADER + '# input: (1, 3, 8, 8)\nnet = nn.Sequential(nn.Conv2d(3, 4, 3), nn.PixelShuffle(2))\n';
    const { code, warnings } = convertTorchModel(text, analyze(text), 'net');
    expect(code).toMatch(/layers\.Identity\(\),  # TODO: nn\.PixelShuffle is not converted yet/);
    expect(warnings).toEqual(['PixelShuffle at line 7: nn.PixelShuffle is not converted yet']);
  });

  it('an unknown model name is reported', () => {
    expect(convertTorchModel('x = 1\n', analyze('x = 1\n'), 'missing')).toEqual({ code: '', warnings: ["no PyTorch model named 'missing' was found"] });
  });
});
