// End-to-end tests of the language server: the built bundle (`node dist/server.js --stdio`) driven
// by a real LSP client connection (see harness.ts). They open the article's PyTorch model with the
// Linear sized for 14x14 maps and follow it through diagnostics, hover, inlay hints, quick fixes,
// incremental edits, a notebook, settings, and malformed requests.

import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CodeActionKind,
  createProtocolConnection,
  DiagnosticSeverity,
  DidOpenTextDocumentNotification,
  ErrorCodes,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsNotification,
  ResponseError,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEdits, ensureServerBuilt, hoverText, positionOf, rangeOf, SERVER_BUNDLE, TestClient, textAt, type NotebookCellText } from './harness';

const FIXTURES = resolve(__dirname, 'fixtures');
const MODEL_TEXT = readFileSync(resolve(FIXTURES, 'torch_cnn_wrong.py'), 'utf8');
const WRONG = '6*14*14';
const RIGHT = '6*7*7';

let client: TestClient;
let uriCounter = 0;
/** A fresh URI per test, so that tests sharing one server do not see each other's documents. */
const freshUri = (name: string) => `file:///workspace/${++uriCounter}/${name}`;

/** Opens the fixture and waits for its first diagnostics. */
async function openModel(name = 'torch_cnn.py', text = MODEL_TEXT): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = freshUri(name);
  await client.openDocument(uri, text, 1);
  return { uri, diagnostics: await client.diagnostics(uri, { version: 1 }) };
}

/** Polls a condition that a notification will make true (log messages arrive asynchronously). */
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

beforeAll(async () => {
  client = await TestClient.start();
});

afterAll(async () => {
  await client?.stop();
});

describe('initialize', () => {
  it('announces incremental sync, notebooks, hover, inlay hints and code actions', () => {
    const capabilities = client.initializeResult?.capabilities;
    expect(capabilities?.textDocumentSync).toMatchObject({ openClose: true, change: TextDocumentSyncKind.Incremental });
    expect(capabilities?.notebookDocumentSync).toMatchObject({
      notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }],
    });
    expect(capabilities?.hoverProvider).toBe(true);
    expect(capabilities?.inlayHintProvider).toBe(true);
    expect(capabilities?.codeActionProvider).toEqual({ codeActionKinds: [CodeActionKind.QuickFix, 'source.fixAll.cnnshape', 'refactor.convert.cnnshape'] });
  });
});

describe('the article model with a wrong in_features', () => {
  it('gets a linear-in-features error on the argument, with the Flatten as related information', async () => {
    const { uri, diagnostics } = await openModel();
    expect(diagnostics).toHaveLength(1);
    const [diagnostic] = diagnostics;
    expect(diagnostic).toMatchObject({ code: 'linear-in-features', source: 'cnnshape', severity: DiagnosticSeverity.Error });
    expect(diagnostic.range).toEqual(rangeOf(MODEL_TEXT, WRONG));
    expect(diagnostic.message).toContain('1176');
    expect(diagnostic.message).toContain('294');
    const relatedLines = (diagnostic.relatedInformation ?? []).map((r) => [r.location.uri, r.location.range.start.line]);
    expect(relatedLines).toContainEqual([uri, positionOf(MODEL_TEXT, 'nn.Flatten()').line]);
  });

  it('hovering the Linear shows both shapes', async () => {
    const { uri } = await openModel();
    const text = hoverText(await client.hover(uri, positionOf(MODEL_TEXT, 'nn.Linear', { offset: 4 })));
    expect(text).toContain('Linear');
    expect(text).toMatch(/Input: `\(\w+, 294\)`/);
    expect(text).toMatch(/Output: `\(\w+, 10\)`/);
  });

  it("hovering the model's name shows the summary table", async () => {
    const { uri } = await openModel();
    const text = hoverText(await client.hover(uri, positionOf(MODEL_TEXT, 'CNN_NN', { offset: 2 })));
    expect(text).toContain('| Layer | Output shape | Params |');
    expect(text).toMatch(/Conv2d\) \| `\(\w+, 6, 7, 7\)` \| 168 \|/);
  });

  it('inlay hints give the shape after the Flatten and the Linear', async () => {
    const { uri } = await openModel();
    const lines = MODEL_TEXT.split('\n');
    const hints = (await client.inlayHints(uri, { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } })) ?? [];
    const labelOnLine = (needle: string) =>
      hints.filter((h) => h.position.line === positionOf(MODEL_TEXT, needle).line).map((h) => (typeof h.label === 'string' ? h.label : ''));
    expect(labelOnLine('nn.Flatten()')).toEqual([expect.stringMatching(/\(\w+, 294\)$/)]);
    expect(labelOnLine('nn.Linear')).toEqual([expect.stringMatching(/\(\w+, 10\)$/)]);
  });

  it('the quick fix rewrites the argument and the diagnostics go away', async () => {
    const { uri, diagnostics } = await openModel();
    const actions = await client.codeActions(uri, diagnostics[0].range, diagnostics);
    const fix = actions.find((a) => a.kind === CodeActionKind.QuickFix && a.isPreferred);
    const edits = fix?.edit?.changes?.[uri] ?? [];
    expect(edits).toEqual([{ range: rangeOf(MODEL_TEXT, WRONG), newText: RIGHT }]);
    await client.changeDocument(uri, 2, edits.map((e) => ({ range: e.range, text: e.newText })));
    expect(await client.diagnostics(uri, { version: 2 })).toEqual([]);
  });

  it('offers nn.LazyLinear as the alternative fix, which is also clean', async () => {
    const { uri, diagnostics } = await openModel();
    const actions = await client.codeActions(uri, diagnostics[0].range, diagnostics);
    const lazy = actions.find((a) => a.title.includes('LazyLinear')) as CodeAction;
    const fixed = applyEdits(MODEL_TEXT, lazy.edit?.changes?.[uri] ?? []);
    expect(fixed).toContain('nn.LazyLinear(10)');
    await client.changeDocument(uri, 2, [{ range: rangeOf(MODEL_TEXT, MODEL_TEXT), text: fixed }]);
    expect(await client.diagnostics(uri, { version: 2 })).toEqual([]);
  });

  it('fix-all is a source action that repairs the file', async () => {
    const { uri } = await openModel();
    const actions = await client.codeActions(uri, rangeOf(MODEL_TEXT, 'import torch'), [], ['source.fixAll']);
    expect(actions.map((a) => a.kind)).toEqual(['source.fixAll.cnnshape']);
    expect(applyEdits(MODEL_TEXT, actions[0].edit?.changes?.[uri] ?? [])).toContain(`nn.Linear(${RIGHT},10)`);
  });

  it('diagnostics follow incremental edits, and a burst of edits is analysed once', async () => {
    const { uri } = await openModel();
    // Repair by typing: delete "14*14" and type "7*7" one keystroke at a time.
    const start = positionOf(MODEL_TEXT, WRONG, { offset: 2 });
    const publishedBefore = client.published.length;
    // The notifications are written back to back, as an editor sends keystrokes.
    const keystrokes = [client.changeDocument(uri, 2, [{ range: { start, end: { line: start.line, character: start.character + 5 } }, text: '' }])];
    let version = 2;
    for (const [index, typed] of ['7', '*', '7'].entries()) {
      const at = { ...start, character: start.character + index };
      keystrokes.push(client.changeDocument(uri, ++version, [{ range: { start: at, end: at }, text: typed }]));
    }
    await Promise.all(keystrokes);
    expect(await client.diagnostics(uri, { version, after: publishedBefore })).toEqual([]);
    const publishedForBurst = client.published.slice(publishedBefore).filter((p) => p.uri === uri);
    expect(publishedForBurst.map((p) => p.version)).toEqual([version]);

    // Break it again: the error comes back, now on the new text.
    const line = MODEL_TEXT.split('\n')[start.line];
    await client.changeDocument(uri, ++version, [{ range: { start, end: { ...start, character: start.character + 3 } }, text: '7*8' }]);
    const broken = await client.diagnostics(uri, { version });
    expect(broken.map((d) => d.code)).toEqual(['linear-in-features']);
    expect(broken[0].range.start.line).toBe(start.line);
    expect(line).toContain(WRONG);
  });

  it('follows the per-rule severity setting', async () => {
    const strict = await TestClient.start({ severity: { 'linear-in-features': 'warning' } });
    try {
      const uri = freshUri('warning.py');
      await strict.openDocument(uri, MODEL_TEXT);
      const [diagnostic] = await strict.diagnostics(uri, { version: 1 });
      expect(diagnostic.severity).toBe(DiagnosticSeverity.Warning);
      strict.configuration = { severity: { 'linear-in-features': 'off' } };
      const before = strict.published.length;
      await strict.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      expect(await strict.diagnostics(uri, { after: before })).toEqual([]);
    } finally {
      await strict.stop();
    }
  });

  it('passes the defaultInputShape setting to the analysis of a model that states no input', async () => {
    const withoutInputComment = MODEL_TEXT.replace('# input: (N, 1, 28, 28)', '#');
    // Without an input, the engine solves the image size back from the Linear (56x56): no error.
    const { diagnostics } = await openModel('no_input.py', withoutInputComment);
    expect(diagnostics).toEqual([]);
    const configured = await TestClient.start({ defaultInputShape: '(1, 1, 28, 28)' });
    try {
      const uri = freshUri('no_input.py');
      await configured.openDocument(uri, withoutInputComment);
      const found = await configured.diagnostics(uri, { version: 1 });
      expect(found.map((d) => d.code)).toEqual(['linear-in-features']);
      expect(found[0].message).toContain('(1, 6, 7, 7)');
    } finally {
      await configured.stop();
    }
  });

  it('returns the summary tables as Markdown for the summary command', async () => {
    const { uri } = await openModel();
    const markdown = await client.summary(uri);
    expect(markdown).toContain('### CNN_NN (PyTorch)');
    expect(markdown).toContain('Total params:');
  });
});

describe('code actions offer proven fixes only', () => {
  // The diagnostics come from an analysis without proofs: their data holds candidates only. The
  // code action proves them (analysing the fixed text again) and offers what the proof keeps.
  const quickFixes = (actions: CodeAction[]) => actions.filter((a) => a.kind === CodeActionKind.QuickFix).map((a) => a.title);

  it('offers the proven writing of a fix, not the candidate the diagnostic carries', async () => {
    const text = readFileSync(resolve(FIXTURES, 'gru_hidden_for_embed.py'), 'utf8');
    const { uri, diagnostics } = await openModel('gru.py', text);
    expect(diagnostics.map((d) => [d.code, textAt(text, d.range)])).toEqual([['rnn-input-size', 'hidden_dim']]);
    expect((diagnostics[0].data as { candidates?: { title: string }[] }).candidates?.map((c) => c.title)).toEqual(['Change hidden_dim to 100']);
    const actions = await client.codeActions(uri, diagnostics[0].range, diagnostics);
    expect(quickFixes(actions)).toEqual(['Change hidden_dim to embed_dim']);
    const fixed = applyEdits(text, actions[0].edit?.changes?.[uri] ?? []);
    expect(fixed).toContain('nn.GRU(embed_dim, hidden_dim, batch_first=True)');
    await client.changeDocument(uri, 2, [{ range: rangeOf(text, text), text: fixed }]);
    expect(await client.diagnostics(uri, { version: 2 })).toEqual([]);
  });

  it('offers nothing where every candidate adds an error (a Linear applied to two widths)', async () => {
    const text = readFileSync(resolve(FIXTURES, 'linear_applied_twice.py'), 'utf8');
    const { uri, diagnostics } = await openModel('twice.py', text);
    expect(diagnostics.map((d) => [d.code, textAt(text, d.range)])).toEqual([['linear-in-features', '10']]);
    // The candidate travels with the diagnostic, unproven: changing 10 to 20 breaks the first call.
    expect((diagnostics[0].data as { candidates?: { title: string }[] }).candidates?.map((c) => c.title)).toEqual(['Change 10 to 20']);
    const actions = await client.codeActions(uri, diagnostics[0].range, diagnostics);
    expect(quickFixes(actions)).toEqual([]);
    expect(actions.filter((a) => a.kind === 'source.fixAll.cnnshape')).toEqual([]);
  });
});

describe('notebooks', () => {
  interface NotebookJson {
    cells: { cell_type: string; source: string[] }[];
  }

  it('are analysed as a whole and the diagnostics land in the right cell', async () => {
    const notebookJson: NotebookJson = JSON.parse(readFileSync(resolve(FIXTURES, 'article_notebook.ipynb'), 'utf8'));
    const notebookUri = freshUri('article_notebook.ipynb');
    const cells: NotebookCellText[] = notebookJson.cells.map((cell, index) => ({
      uri: `vscode-notebook-cell:${notebookUri.slice('file:'.length)}#cell${index}`,
      text: cell.source.join(''),
      kind: cell.cell_type === 'markdown' ? 'markdown' : 'code',
    }));
    const modelCell = cells.find((c) => c.text.includes(WRONG)) as NotebookCellText;
    await client.openNotebook(notebookUri, cells);
    const diagnostics = await client.diagnostics(modelCell.uri);
    expect(diagnostics.map((d) => d.code)).toEqual(['linear-in-features']);
    expect(textAt(modelCell.text, diagnostics[0].range)).toBe(WRONG);
    for (const cell of cells.filter((c) => c !== modelCell && c.kind === 'code')) {
      expect(await client.diagnostics(cell.uri)).toEqual([]);
    }

    const hover = hoverText(await client.hover(modelCell.uri, positionOf(modelCell.text, 'nn.Linear', { offset: 4 })));
    expect(hover).toMatch(/Output: `\(\w+, 10\)`/);

    expect(await client.summary(notebookUri)).toContain('### CNN_NN (PyTorch)');

    // Fixing the cell clears its diagnostics.
    const before = client.published.length;
    await client.changeNotebookCell(notebookUri, 2, modelCell.uri, 2, [{ range: rangeOf(modelCell.text, WRONG), text: RIGHT }]);
    expect(await client.diagnostics(modelCell.uri, { after: before })).toEqual([]);
  });
});

describe('robustness', () => {
  it('answers a malformed request with an error and keeps serving', async () => {
    const { uri } = await openModel();
    const missingDocument = client.connection.sendRequest('textDocument/hover', {});
    await expect(missingDocument).rejects.toBeInstanceOf(ResponseError);
    await expect(missingDocument).rejects.toMatchObject({ code: ErrorCodes.InvalidParams });

    const brokenPosition = client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: null });
    await expect(brokenPosition).rejects.toMatchObject({ code: ErrorCodes.InvalidParams });

    // No context: the handler itself fails, which is logged and answered as an internal error.
    const noContext = client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: rangeOf(MODEL_TEXT, WRONG) });
    await expect(noContext).rejects.toMatchObject({ code: ErrorCodes.InternalError });
    await waitFor(() => client.logs.some((line) => line.includes('codeAction failed')));

    await expect(client.connection.sendRequest('cnnshape/noSuchRequest', {})).rejects.toMatchObject({ code: ErrorCodes.MethodNotFound });

    const hover = await client.hover(uri, positionOf(MODEL_TEXT, 'nn.Linear', { offset: 4 }));
    expect(hoverText(hover)).toContain('Linear');
  });

  it('answers requests about unknown documents with nothing', async () => {
    expect(await client.hover('file:///nowhere.py', { line: 0, character: 0 })).toBeNull();
    expect(await client.inlayHints('file:///nowhere.py', rangeOf('x', 'x'))).toEqual([]);
  });
});

describe('the VS Code transport', () => {
  it('serves over a node IPC channel when forked without --stdio', async () => {
    ensureServerBuilt();
    const child = fork(SERVER_BUNDLE, ['--node-ipc'], { silent: true });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    try {
      const published = new Promise<PublishDiagnosticsParams>((found) => connection.onNotification(PublishDiagnosticsNotification.type, found));
      connection.listen();
      const initialized = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
      expect(initialized.serverInfo?.name).toBe('cnnshape');
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri: 'file:///ipc/torch_cnn.py', languageId: 'python', version: 1, text: MODEL_TEXT },
      });
      expect((await published).diagnostics.map((d) => d.code)).toEqual(['linear-in-features']);
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
