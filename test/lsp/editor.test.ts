// End-to-end tests of what an editor session shows over time (issue 9, "the editor"): the
// confirmation's information diagnostics clear once the document changes, is saved or closed; a
// notebook's hints are refreshed in every cell after an edit in an earlier one; notebook messages
// count lines within the cell; hints keep one format; a block's constructor and call hover with its
// shapes; a confirmation without a stated input says which one it assumed.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoverText, positionOf, rangeOf, TestClient, type NotebookCellText } from './harness';

const FIXTURES = resolve(__dirname, 'fixtures');
// A batch of 1 stated: TensorFlow.js runs the model and fails at the Linear.
const MODEL_TEXT = readFileSync(resolve(FIXTURES, 'torch_cnn_wrong.py'), 'utf8').replace('# input: (N, 1, 28, 28)', '# input: (1, 1, 28, 28)');
const CONFIRM_SOURCE = 'cnnshape confirm';

let client: TestClient;
let uriCounter = 0;
const freshUri = (name: string) => `file:///editor/${++uriCounter}/${name}`;
const everyLine = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };
const fromConfirm = (list: Diagnostic[]) => list.filter((d) => d.source === CONFIRM_SOURCE);

beforeAll(async () => {
  client = await TestClient.start({}, { inlayHintRefresh: true });
});

afterAll(async () => {
  await client?.stop();
});

describe("the confirmation's diagnostics", () => {
  it('are published with the document and cleared by an edit, a save and closing it', { timeout: 120_000 }, async () => {
    const uri = freshUri('torch_cnn.py');
    await client.openDocument(uri, MODEL_TEXT, 1);
    expect((await client.diagnostics(uri, { version: 1 })).map((d) => d.code)).toEqual(['linear-in-features']);

    // Confirmed: the failing Linear is an information diagnostic beside the engine's error.
    const reply = await client.confirm(uri, 'CNN_NN');
    expect(reply.diagnostics.flatMap((e) => e.diagnostics).length).toBe(1);
    let shown = await client.eventualDiagnostics(uri, (list) => fromConfirm(list).length === 1, 30_000);
    expect(fromConfirm(shown)[0].severity).toBe(DiagnosticSeverity.Information);
    expect(shown.map((d) => d.code)).toContain('linear-in-features');

    // Saved: checked again, without the confirmation.
    await client.saveDocument(uri);
    shown = await client.eventualDiagnostics(uri, (list) => fromConfirm(list).length === 0);
    expect(shown.map((d) => d.code)).toEqual(['linear-in-features']);

    // Confirmed again, then the quick fix's edit: the new version has neither error nor confirmation.
    await client.confirm(uri, 'CNN_NN');
    await client.eventualDiagnostics(uri, (list) => fromConfirm(list).length === 1, 30_000);
    await client.changeDocument(uri, 2, [{ range: rangeOf(MODEL_TEXT, '6*14*14'), text: '6*7*7' }]);
    expect(await client.diagnostics(uri, { version: 2 })).toEqual([]);

    // Confirmed once more, then closed: the document's diagnostics are cleared.
    await client.changeDocument(uri, 3, [{ range: rangeOf(MODEL_TEXT.replace('6*14*14', '6*7*7'), '6*7*7'), text: '6*14*14' }]);
    expect((await client.diagnostics(uri, { version: 3 })).map((d) => d.code)).toEqual(['linear-in-features']);
    await client.confirm(uri, 'CNN_NN');
    await client.eventualDiagnostics(uri, (list) => fromConfirm(list).length === 1, 30_000);
    await client.closeDocument(uri);
    expect(await client.eventualDiagnostics(uri, (list) => list.length === 0)).toEqual([]);
  });
});

describe('notebook inlay hints', () => {
  it('are refreshed in every cell after an edit in an earlier cell', async () => {
    const notebookUri = freshUri('widths.ipynb');
    const cellUri = (n: number) => `vscode-notebook-cell:${notebookUri.slice('file:'.length)}#cell${n}`;
    const cells: NotebookCellText[] = [
      { uri: cellUri(0), text: 'import torch\nfrom torch import nn\nwidth = 16' },
      { uri: cellUri(1), text: 'model = nn.Sequential(\n    nn.Conv2d(3, width, 3),\n    nn.ReLU(),\n)\ny = model(torch.randn(1, 3, 32, 32))' },
    ];
    await client.openNotebook(notebookUri, cells);
    await client.diagnostics(cellUri(1));
    const labels = async () => ((await client.inlayHints(cellUri(1), everyLine)) ?? []).map((h) => String(h.label));
    expect(await labels()).toContain('→ (1, 16, 30, 30)');

    const before = client.inlayHintRefreshes;
    await client.changeNotebookCell(notebookUri, 2, cellUri(0), 2, [{ range: rangeOf(cells[0].text, '16'), text: '32' }]);
    await client.until(() => client.inlayHintRefreshes > before);
    expect(await labels()).toContain('→ (1, 32, 30, 30)');
  });
});

// A block used twice (also opened in the real editor by test/vscode/run.mjs).
const BLOCK_TEXT = readFileSync(resolve(FIXTURES, 'block_used_twice.py'), 'utf8');

/** Each line with a hint, written as the editor shows it: the code, then the label. */
async function hintedLines(uri: string, text: string): Promise<string[]> {
  const lines = text.split('\n');
  const hints = (await client.inlayHints(uri, everyLine)) ?? [];
  return hints.map((h) => {
    const line = lines[h.position.line];
    expect(h.position.character).toBe(line.replace(/\s*(#.*)?$/, '').length);
    return `${line.trim()} ${h.label}`;
  });
}

describe('inlay hints have one format', () => {
  it('one hint per line at the end of its code; a block used twice lists both shapes with |', async () => {
    const uri = freshUri('blocks.py');
    await client.openDocument(uri, BLOCK_TEXT);
    await client.diagnostics(uri);
    expect(await hintedLines(uri, BLOCK_TEXT)).toEqual([
      'self.conv1 = nn.Conv2d(in_ch, out_ch, 3, stride, 1) → (2, 64, 32, 32) | (2, 128, 16, 16)',
      'self.bn1 = nn.BatchNorm2d(out_ch) → (2, 64, 32, 32) | (2, 128, 16, 16)',
      'out = self.conv1(x) → (2, 64, 32, 32) | (2, 128, 16, 16)',
      'return self.bn1(out) → (2, 64, 32, 32) | (2, 128, 16, 16)',
      'self.fc = nn.Linear(128, 10) → (2, 10)',
      'out = self.layer1(x) → (2, 64, 32, 32)',
      'out = self.layer2(out) → (2, 128, 16, 16)',
      // The line's result, at its end: not the movedim's or the flatten's inside it.
      'return self.fc(torch.flatten(out.mean((2, 3)).movedim(1, -1), 1)) → (2, 10)',
    ]);
  });

  it("the line calling a Sequential shows the Sequential's output, once", async () => {
    const text = MODEL_TEXT.replace('        x = self.model(x)\n', '        return self.model(x)\n');
    const uri = freshUri('sequential_call.py');
    await client.openDocument(uri, text);
    await client.diagnostics(uri);
    expect((await hintedLines(uri, text)).filter((l) => l.startsWith('return'))).toEqual(['return self.model(x) → (1, 10)']);
  });

  it('keras.Input shared by two models is hinted once', async () => {
    const text = [
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      'inputs = keras.Input(shape=(64, 64, 3))',
      'features = layers.GlobalAveragePooling2D()(inputs)',
      'encoder = keras.Model(inputs, features)',
      'outputs = layers.Dense(10)(features)',
      'model = keras.Model(inputs, outputs)',
      '',
    ].join('\n');
    const uri = freshUri('shared_input.py');
    await client.openDocument(uri, text);
    await client.diagnostics(uri);
    expect(await hintedLines(uri, text)).toEqual([
      'inputs = keras.Input(shape=(64, 64, 3)) → (?, 64, 64, 3)',
      'features = layers.GlobalAveragePooling2D()(inputs) → (?, 3)',
      'outputs = layers.Dense(10)(features) → (?, 10)',
    ]);
  });

  it('a long symbolic shape is shortened by whole dimensions, never cut inside one', async () => {
    const text = [
      'import torch',
      'from torch import nn',
      '# input: (N, 3, H, W)',
      'class Sym(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.c1 = nn.Conv2d(3, 8, 7, stride=3, padding=2, dilation=2)',
      '        self.c2 = nn.Conv2d(8, 8, 5, stride=2, padding=1)',
      '',
      '    def forward(self, x):',
      '        x = self.c2(self.c1(x))  # two convolutions',
      '        return torch.flatten(x.movedim(1, -1), 1)',
      '',
    ].join('\n');
    const uri = freshUri('symbolic.py');
    await client.openDocument(uri, text);
    await client.diagnostics(uri);
    const shown = await hintedLines(uri, text);
    expect(shown).toContain('self.c1 = nn.Conv2d(3, 8, 7, stride=3, padding=2, dilation=2) → (N, 8, H // 3 - 2, W // 3 - 2)');
    expect(shown).toContain('self.c2 = nn.Conv2d(8, 8, 5, stride=2, padding=1) → (N, 8, …, …)');
    expect(shown).toContain('x = self.c2(self.c1(x))  # two convolutions → (N, 8, …, …)');
    const hover = hoverText(await client.hover(uri, positionOf(text, 'self.c2(', { offset: 6 })));
    expect(hover).toContain('(W - 15) // 6 + 1');
  });
});

describe('notebook messages', () => {
  it('count lines within the cell, and "applied here" is the call that feeds the model', async () => {
    const notebookUri = freshUri('keras.ipynb');
    const cellUri = (n: number) => `vscode-notebook-cell:${notebookUri.slice('file:'.length)}#cell${n}`;
    const cells: NotebookCellText[] = [
      { uri: cellUri(0), text: 'from tensorflow import keras\nfrom tensorflow.keras import layers\nimport numpy as np' },
      { uri: cellUri(1), text: '# Two layers\nmodel = keras.Sequential([\n    layers.Conv2D(8, 3),\n    layers.LSTM(4),\n])' },
      { uri: cellUri(2), text: 'x = np.zeros((10, 28, 28, 1))\nmodel.compile("adam", "mse")\nmodel.fit(x, np.zeros((10, 4)))' },
    ];
    await client.openNotebook(notebookUri, cells);
    const [error] = await client.eventualDiagnostics(cellUri(1), (list) => list.length > 0);
    expect(error.code).toBe('rank-mismatch');
    // The Conv2D is on line 3 of its cell (line 6 of the notebook's code).
    expect(error.message).toContain('(None, 26, 26, 8) from Conv2D at line 3');
    const applied = error.relatedInformation?.find((r) => r.message === 'applied here');
    expect(applied?.location.uri).toBe(cellUri(2));
    expect(applied?.location.range.start.line).toBe(2);
  });
});

describe('a confirmation without a stated input', () => {
  it('says which input it assumed and how to give one', { timeout: 120_000 }, async () => {
    const text = [
      'import torch',
      'from torch import nn',
      'class Pooled(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(3, 8, 3)',
      '        self.pool = nn.AdaptiveAvgPool2d(1)',
      '        self.fc = nn.Linear(8, 10)',
      '',
      '    def forward(self, x):',
      '        return self.fc(torch.flatten(self.pool(self.conv(x)), 1))',
      '',
    ].join('\n');
    const uri = freshUri('pooled.py');
    await client.openDocument(uri, text);
    await client.diagnostics(uri);
    const reply = await client.confirm(uri, 'Pooled');
    expect(reply.markdown).toContain('Input: `(1, 3, 64, 64)`');
    expect(reply.markdown).toMatch(/input \(1, 3, 64, 64\) assumed: no input given \(N=1, H=64, W=64\); set `# input: \(1, 3, 64, 64\)` above the model/);

    // Stated, nothing is assumed.
    const stated = freshUri('pooled_stated.py');
    await client.openDocument(stated, text.replace('class Pooled', '# input: (2, 3, 32, 32)\nclass Pooled'));
    await client.diagnostics(stated);
    const statedReply = await client.confirm(stated, 'Pooled');
    expect(statedReply.markdown).toContain('Input: `(2, 3, 32, 32)`');
    expect(statedReply.markdown).not.toContain('assumed');
  });
});

describe('hover on a block', () => {
  // BasicBlock(64, 128, 2): 64*128*9 + 128 (conv1) + 2*128 (bn1) parameters.
  const block = /\*\*BasicBlock\*\* `layer2` \(block\)[\s\S]*Input: `\(2, 64, 32, 32\)`[\s\S]*Output: `\(2, 128, 16, 16\)`[\s\S]*Params: 74,112/;

  it("on its constructor and on its call shows the block's input, output and parameters", async () => {
    const uri = freshUri('blocks_hover.py');
    await client.openDocument(uri, BLOCK_TEXT);
    await client.diagnostics(uri);
    expect(hoverText(await client.hover(uri, positionOf(BLOCK_TEXT, 'BasicBlock(64, 128, 2)', { offset: 3 })))).toMatch(block);
    expect(hoverText(await client.hover(uri, positionOf(BLOCK_TEXT, 'self.layer2(out)', { offset: 7 })))).toMatch(block);
    // The first block: its own shapes.
    expect(hoverText(await client.hover(uri, positionOf(BLOCK_TEXT, 'self.layer1(x)', { offset: 7 })))).toMatch(/Input: `\(2, 3, 32, 32\)`[\s\S]*Output: `\(2, 64, 32, 32\)`[\s\S]*Params: 1,920/);
    // A layer inside the block keeps its own hover.
    expect(hoverText(await client.hover(uri, positionOf(BLOCK_TEXT, 'nn.Conv2d(in_ch', { offset: 4 })))).toMatch(/\*\*Conv2d\*\*/);
  });
});
