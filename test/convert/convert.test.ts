// Keras → PyTorch conversion: every Keras model in the fixtures converts into code that the
// project's own PyTorch engine analyses cleanly, with the same shape after every Keras layer
// (channels moved from last to second), and a few outputs are pinned by file snapshots.
// Numeric fidelity (real weights, real PyTorch) is checked by `npm run verify:convert`, not here.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import type { LayerRecord } from '../../server/src/analysis/result';
import { convertFile, convertKerasModel, convertModel, modelInputs } from '../../server/src/convert/pytorch';
import { samePadding, torchAxis, torchShape } from '../../server/src/convert/layers';
import { dimToString } from '../../server/src/shapes/dim';
import type { Output, Shape } from '../../server/src/shapes/types';

const ROOT = join(__dirname, '..', '..');
const FIXTURE_DIRS = [join(ROOT, 'test', 'fixtures', 'keras'), join(__dirname, 'fixtures')];

function fixtureFiles(): string[] {
  return FIXTURE_DIRS.flatMap((d) => {
    try {
      return readdirSync(d).filter((f) => f.endsWith('.py')).sort().map((f) => join(d, f));
    } catch {
      return [];
    }
  });
}

/** A shape without its batch axis, as text, so that Keras `None` and PyTorch `N` compare equal. */
function shapeKey(s: Output): string {
  if (!Array.isArray(s)) return String(s);
  return `(${s.slice(1).map((d) => dimToString(d)).join(', ')})`;
}

/**
 * The PyTorch shape as the Keras one would be written, except that a size the engine cannot follow
 * through TensorFlow's run-time 'same' padding (the SamePad helper, used where the Keras size is
 * symbolic) shows as the Keras symbol: it is checked numerically by verify:convert.
 */
function torchKey(torch: Output, keras: Shape): string {
  if (!Array.isArray(torch) || !keras || torch.length !== keras.length) return shapeKey(torch);
  return shapeKey(torch.map((d, i) => (d === null && keras[i] !== null && typeof keras[i] !== 'number' ? keras[i] : d)));
}

/** Keras layers that depend, directly or through others, on a layer the converter could not convert. */
function taintedBy(layers: LayerRecord[], unsupported: number[]): Set<number> {
  const tainted = new Set(unsupported);
  layers.forEach((r, i) => {
    if (r.inputsFrom.some((k) => tainted.has(k))) tainted.add(i);
  });
  return tainted;
}

describe('every Keras fixture converts into PyTorch with the same shapes', () => {
  for (const file of fixtureFiles()) {
    const text = readFileSync(file, 'utf8');
    const source = analyze(text);
    // Files that pin a shape error have no correct model to convert.
    if (source.diagnostics.length > 0) continue;
    for (const model of source.models.filter((m) => m.framework === 'keras')) {
      it(`${basename(file)}: ${model.name}`, () => {
        const converted = convertKerasModel(model, text);
        const torch = analyze(converted.code);
        // Past a layer with no equivalent (marked TODO and warned about) the shapes may differ.
        if (converted.unsupported.length === 0) expect(torch.diagnostics.map((d) => d.message)).toEqual([]);
        else expect(converted.warnings.length).toBeGreaterThan(0);
        const torchModel = torch.models.find((m) => m.name === converted.className);
        expect(torchModel, converted.code).toBeDefined();
        expect(torchModel!.input.map(shapeKey)).toEqual(modelInputs(model).map((s) => shapeKey(torchShape(s, converted.layout))));

        const ownerOfLine = new Map<number, number>();
        converted.layerLines.forEach((lines, k) => lines.forEach((l) => ownerOfLine.set(l, k)));
        const recordsOf = model.layers.map(() => [] as LayerRecord[]);
        for (const r of torchModel!.layers) {
          const k = ownerOfLine.get(r.callRange.line) ?? ownerOfLine.get(r.range.line);
          if (k !== undefined) recordsOf[k].push(r);
        }
        const skip = taintedBy(model.layers, converted.unsupported);
        model.layers.forEach((keras, k) => {
          if (skip.has(k) || !Array.isArray(keras.output) || keras.output.slice(1).includes(null)) return;
          const kerasTorch = torchShape(keras.output as Shape, converted.layout);
          const expected = shapeKey(kerasTorch);
          const own = recordsOf[k];
          if (own.length > 0) {
            expect(torchKey(own[own.length - 1].output, kerasTorch), `${keras.kind} (Keras layer ${k})\n${converted.code}`).toBe(expected);
            return;
          }
          // A layer inside a helper module (ChannelsLastFlatten): its consumers see its output.
          const consumers = model.layers.map((r, j) => ({ r, j })).filter(({ r }) => r.inputsFrom.includes(k));
          for (const { r, j } of consumers) {
            const first = recordsOf[j][0];
            if (!first) continue;
            expect(torchKey(first.input[r.inputsFrom.indexOf(k)] ?? null, kerasTorch), `${keras.kind} (Keras layer ${k}) seen by its consumer`).toBe(expected);
          }
        });
        if (converted.unsupported.length === 0 && model.output !== null) {
          const kerasOut = model.output instanceof Array || model.output === null ? torchShape(model.output as Shape, converted.layout) : null;
          expect(kerasOut ? torchKey(torchModel!.output, kerasOut) : shapeKey(torchModel!.output)).toBe(kerasOut ? shapeKey(kerasOut) : shapeKey(model.output));
        }
      });
    }
  }
});

describe('generated code, pinned', () => {
  const pinned: [string, string][] = [
    ['test/fixtures/keras/article_cnn_comment.py', 'article_cnn.py'],
    ['test/fixtures/keras/functional_multi_io.py', 'functional_multi_io.py'],
    ['test/fixtures/keras/helper_blocks_loop.py', 'resnet_blocks.py'],
    ['test/convert/fixtures/tf_same_padding.py', 'tf_same_padding.py'],
    ['test/convert/fixtures/functional_layout.py', 'functional_layout.py'],
    ['test/convert/fixtures/recurrent_tagger.py', 'recurrent_tagger.py'],
    ['test/convert/fixtures/composed_models.py', 'composed_models.py'],
    ['test/convert/fixtures/gan_pair.py', 'gan_pair.py'],
  ];
  for (const [input, snapshot] of pinned) {
    it(snapshot, async () => {
      const { code } = convertFile(readFileSync(join(ROOT, input), 'utf8'));
      await expect(code).toMatchFileSnapshot(join(__dirname, '__snapshots__', snapshot));
    });
  }
});

describe('numeric details', () => {
  it("TensorFlow 'same' padding: symmetric for stride 1 and an odd kernel, more at the bottom/right otherwise", () => {
    expect(samePadding([28, 28], [3, 3], [1, 1], [1, 1]).pads).toEqual([[1, 1], [1, 1]]);
    expect(samePadding([14, 14], [3, 3], [2, 2], [1, 1]).pads).toEqual([[0, 1], [0, 1]]);
    expect(samePadding([15], [3], [2], [1]).pads).toEqual([[1, 1]]);
    expect(samePadding([10], [4], [1], [1]).pads).toEqual([[1, 2]]);
    expect(samePadding([null], [3], [2], [1]).assumed).toBe(true);
  });

  it('axes move with the channels', () => {
    expect(torchAxis(-1, 4, 'last')).toBe(1);
    expect(torchAxis(1, 4, 'last')).toBe(2);
    expect(torchAxis(-1, 2, 'last')).toBe(1);
    expect(torchAxis(1, 4, 'first')).toBe(1);
  });

  it('BatchNormalization carries Keras defaults as eps=1e-3 and momentum=0.01, and the values the source sets', () => {
    const code = convertFile('from tensorflow import keras\nfrom tensorflow.keras import layers\nmodel = keras.Sequential([keras.Input(shape=(8, 8, 3)), layers.BatchNormalization(), layers.BatchNormalization(momentum=0.9, epsilon=1e-5)])\n').code;
    expect(code).toContain('nn.BatchNorm2d(3, eps=0.001, momentum=0.01)');
    expect(code).toContain('nn.BatchNorm2d(3, eps=1e-05, momentum=0.1)');
  });

  it('Flatten after a convolution permutes to channels-last, with the reason in a comment', () => {
    const { code } = convertFile(readFileSync(join(ROOT, 'test/fixtures/keras/article_cnn_comment.py'), 'utf8'));
    expect(code).toContain('ChannelsLastFlatten()');
    expect(code).toMatch(/# Keras flattens channels-last/);
    expect(code).toContain('nn.ZeroPad2d((0, 1, 0, 1))');
  });

  it('a layer with no equivalent gets marked code and a warning, never silence', () => {
    const text = 'from tensorflow import keras\nfrom tensorflow.keras import layers\ninputs = keras.Input(shape=(8, 8, 3))\nx = layers.RandomCrop(4, 4)(inputs)\nmodel = keras.Model(inputs, x)\n';
    const result = analyze(text);
    const { code, warnings } = convertModel(text, result, 'model');
    expect(code).toMatch(/# TODO: Keras RandomCrop is not converted yet/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^RandomCrop at line 4/);
  });

  it('recurrent layers become batch-first nn.LSTM / nn.GRU / nn.RNN; the last step without return_sequences', () => {
    const text = 'from tensorflow import keras\nfrom tensorflow.keras import layers\ninputs = keras.Input(shape=(20, 8))\nx = layers.LSTM(4, return_sequences=True)(inputs)\nx = layers.GRU(3)(x)\nmodel = keras.Model(inputs, x)\n';
    const { code, warnings } = convertFile(text);
    expect(warnings).toEqual([]);
    expect(code).toContain('nn.LSTM(8, 4, batch_first=True)');
    expect(code).toContain('nn.GRU(4, 3, batch_first=True)');
    expect(code).toContain('self.lstm(x.movedim(1, -1))[0].movedim(-1, 1)');
    expect(code).toContain('self.gru(x.movedim(1, -1))[0][:, -1]');
  });

  it('GRU reset_after=False, which nn.GRU cannot compute, is the KerasRecurrent helper, called like nn.GRU', () => {
    const text = 'from tensorflow import keras\nfrom tensorflow.keras import layers\ninputs = keras.Input(shape=(20, 8))\nx = layers.GRU(3, reset_after=False)(inputs)\nmodel = keras.Model(inputs, x)\n';
    const { code, warnings } = convertFile(text);
    expect(code).toContain("self.gru = KerasRecurrent('gru', 8, 3, reset_after=False)");
    expect(code).toContain('class KerasRecurrent(nn.Module):');
    expect(warnings).toEqual([]);
  });

  it('Bidirectional merges the directions as merge_mode says', () => {
    const make = (mode: string, seq: boolean) => convertFile(`from tensorflow import keras\nfrom tensorflow.keras import layers\ninputs = keras.Input(shape=(20, 8))\nx = layers.Bidirectional(layers.LSTM(4, return_sequences=${seq ? 'True' : 'False'}), merge_mode="${mode}")(inputs)\nmodel = keras.Model(inputs, x)\n`).code;
    expect(make('concat', true)).toContain('nn.LSTM(8, 4, batch_first=True, bidirectional=True)');
    expect(make('concat', true)).toContain('self.lstm(x.movedim(1, -1))[0].movedim(-1, 1)');
    expect(make('sum', true)).toContain('(x[0][..., :4] + x[0][..., 4:]).movedim(-1, 1)');
    expect(make('ave', false)).toContain('(x[1][0][0] + x[1][0][1]) / 2');
    expect(make('mul', false)).toContain('x[1][0][0] * x[1][0][1]');
    expect(make('concat', false)).toContain('torch.cat([x[1][0][0], x[1][0][1]], dim=-1)');
  });

  it('return_state: each consumer reads the state the source names', () => {
    const { code } = convertFile(readFileSync(join(__dirname, 'fixtures', 'recurrent_states.py'), 'utf8'));
    expect(code).toContain('lstm_outputs = (lstm_outputs[0].movedim(-1, 1), lstm_outputs[1][0][0], lstm_outputs[1][1][0])');
    expect(code).toContain('torch.cat([lstm_outputs[2], lstm_outputs[1], bidirectional_outputs[1], bidirectional_outputs[4], bidirectional_outputs[0], g], dim=1)');
  });

  it('TimeDistributed(Dense) is a Linear on the last axis; other layers fold time into the batch', () => {
    const { code } = convertFile(readFileSync(join(__dirname, 'fixtures', 'time_distributed.py'), 'utf8'));
    expect(code).toContain('self.conv(x.movedim(1, 2).flatten(0, 1))');
    expect(code).toContain('.unflatten(0, (-1, 5)).movedim(2, 1)');
    expect(code).toContain('self.fc1(x.movedim(1, -1)).movedim(-1, 1)');
  });

  it('an unknown model name is reported', () => {
    expect(convertModel('x = 1\n', analyze('x = 1\n'), 'missing')).toEqual({ code: '', warnings: ["no Keras model named 'missing' was found"] });
  });
});
