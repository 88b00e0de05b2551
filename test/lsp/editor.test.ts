// End-to-end tests of what an editor session shows over time (issue 9, "the editor"): the
// confirmation's information diagnostics clear once the document changes, is saved or closed; a
// notebook's hints are refreshed in every cell after an edit in an earlier one; notebook messages
// count lines within the cell; hints keep one format; a block's constructor and call hover with its
// shapes; a confirmation without a stated input says which one it assumed.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rangeOf, TestClient, type NotebookCellText } from './harness';

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
