// The LSP features on a hand-written analysis result of the article's model (with the wrong
// 6*14*14), so that conversion, hover, hints, code actions and the notebook mapping are tested
// without the engine. The end-to-end tests (server.test.ts) check the same against real analysis.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiagnosticSeverity, NotebookCellKind, type CodeActionParams, type Diagnostic, type NotebookDocument, type Range as LspRange } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, it } from 'vitest';
import { EMPTY_COSTS } from '../../server/src/analysis/costs';
import type { AnalysisResult, LayerRecord, Range } from '../../server/src/analysis/result';
import { codeActionsFor, FIX_ALL_KIND } from '../../server/src/lsp/codeActions';
import { diagnosticsByDocument } from '../../server/src/lsp/diagnostics';
import { hoverAt } from '../../server/src/lsp/hover';
import { inlayHintsFor } from '../../server/src/lsp/inlayHints';
import { notebookTarget } from '../../server/src/lsp/notebooks';
import { Settings } from '../../server/src/lsp/settings';
import { documentSummaryMarkdown } from '../../server/src/lsp/summary';
import { fromLspRange, textDocumentTarget } from '../../server/src/lsp/targets';
import { sym } from '../../server/src/shapes/dim';
import { applyEdits, hoverText, positionOf, rangeOf, textAt } from './harness';

const URI = 'file:///work/torch_cnn_wrong.py';
const TEXT = readFileSync(resolve(__dirname, 'fixtures/torch_cnn_wrong.py'), 'utf8');
const N = sym('N');

function at(needle: string, text = TEXT, occurrence = 0): Range {
  return fromLspRange(rangeOf(text, needle, occurrence));
}

/** What the engine gives for the fixture (shapes from real PyTorch, batch symbolic). */
function seedResult(text = TEXT): AnalysisResult {
  const call = at('self.model(x)', text);
  const layer = (kind: string, index: number, constructor: string, input: LayerRecord['input'], output: LayerRecord['output'], params: number, notes: string[] = [], occurrence = 0): LayerRecord => ({
    kind,
    module: true,
    name: `model.${index}`,
    range: at(constructor, text, occurrence),
    callRange: call,
    input,
    output,
    params,
    notes,
    layerId: index,
    args: null,
    given: [],
    inputsFrom: [index - 1],
    modelInputs: [index === 0 ? 0 : -1],
  });
  return {
    models: [
      {
        name: 'CNN_NN',
        framework: 'torch',
        range: at('CNN_NN', text),
        extent: at('CNN_NN', text),
        input: [[N, 1, 28, 28]],
        inputSource: 'inferred',
        layers: [
          layer('Conv2d', 0, 'nn.Conv2d(in_channels=1,out_channels=3,kernel_size=3,stride=1,padding=1)', [[N, 1, 28, 28]], [N, 3, 28, 28], 30, ['(28 + 2·1 − 3) // 1 + 1 = 28']),
          layer('MaxPool2d', 1, 'nn.MaxPool2d(kernel_size=2)', [[N, 3, 28, 28]], [N, 3, 14, 14], 0),
          layer('ReLU', 2, 'nn.ReLU(inplace=True)', [[N, 3, 14, 14]], [N, 3, 14, 14], 0),
          layer('Conv2d', 3, 'nn.Conv2d(3,6,kernel_size=3,stride=2,padding=1)', [[N, 3, 14, 14]], [N, 6, 7, 7], 168, ['(14 + 2·1 − 3) // 2 + 1 = 7']),
          layer('ReLU', 4, 'nn.ReLU(inplace=True)', [[N, 6, 7, 7]], [N, 6, 7, 7], 0, [], 1),
          layer('Flatten', 5, 'nn.Flatten()', [[N, 6, 7, 7]], [N, 294], 0),
          layer('Linear', 6, 'nn.Linear(6*14*14,10)', [[N, 294]], [N, 10], 11770),
        ],
        output: [N, 10],
        totalParams: 11968,
        costs: EMPTY_COSTS,
        assignments: [{ name: 'x', range: { ...at('x = self', text), endColumn: at('x = self', text).column + 1 }, shape: [N, 10] }],
      },
    ],
    diagnostics: [
      {
        code: 'linear-in-features',
        severity: 'error',
        message: 'Linear expects in_features=1176 (6*14*14), but its input has 294 features: Flatten of (N, 6, 7, 7) at line 18',
        range: at('6*14*14', text),
        related: [{ range: at('nn.Flatten()', text), message: 'Flatten of (N, 6, 7, 7)' }],
        fixes: [{ title: 'Change in_features to 6*7*7', range: at('6*14*14', text), newText: '6*7*7' }],
      },
    ],
  };
}

const document = TextDocument.create(URI, 'python', 1, TEXT);
const target = textDocumentTarget(document);
const everything: LspRange = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

function diagnosticsOf(settings = Settings.defaults): Diagnostic[] {
  return diagnosticsByDocument(seedResult(), target, settings).get(URI) ?? [];
}

describe('diagnostics', () => {
  it('carry the rule code, source, range, related line and fix data', () => {
    const [diagnostic, ...rest] = diagnosticsOf();
    expect(rest).toEqual([]);
    expect(diagnostic.code).toBe('linear-in-features');
    expect(diagnostic.source).toBe('cnnshape');
    expect(diagnostic.severity).toBe(DiagnosticSeverity.Error);
    expect(textAt(TEXT, diagnostic.range)).toBe('6*14*14');
    expect(diagnostic.relatedInformation?.map((r) => [r.location.uri, textAt(TEXT, r.location.range), r.message])).toEqual([
      [URI, 'nn.Flatten()', 'Flatten of (N, 6, 7, 7)'],
    ]);
    expect(diagnostic.data).toEqual({ fixes: [{ title: 'Change in_features to 6*7*7', uri: URI, range: rangeOf(TEXT, '6*14*14'), newText: '6*7*7' }] });
  });

  it('follow the per-rule severity settings', () => {
    expect(diagnosticsOf(Settings.from({ severity: { 'linear-in-features': 'hint' } }))[0].severity).toBe(DiagnosticSeverity.Hint);
    expect(diagnosticsOf(Settings.from({ severity: { 'linear-in-features': 'warning' } }))[0].severity).toBe(DiagnosticSeverity.Warning);
    expect(diagnosticsOf(Settings.from({ severity: { 'linear-in-features': 'off' } }))).toEqual([]);
    expect(diagnosticsOf(Settings.from({ severity: { 'conv-in-channels': 'off' } }))).toHaveLength(1);
  });

  it('are empty, not missing, when the extension is disabled', () => {
    const byDocument = diagnosticsByDocument(seedResult(), target, Settings.from({ enable: false }));
    expect([...byDocument]).toEqual([[URI, []]]);
  });
});

describe('hover', () => {
  const hoverOn = (needle: string, offset = 1, occurrence = 0) => {
    const hover = hoverAt(seedResult(), target, URI, positionOf(TEXT, needle, { offset, occurrence }));
    return { text: hoverText(hover), range: hover?.range ? textAt(TEXT, hover.range) : undefined };
  };

  it('on a layer shows its input and output shapes and parameters', () => {
    const { text, range } = hoverOn('nn.Linear');
    expect(range).toBe('nn.Linear(6*14*14,10)');
    expect(text).toContain('**Linear** `model.6`');
    expect(text).toContain('Input: `(N, 294)`');
    expect(text).toContain('Output: `(N, 10)`');
    expect(text).toContain('Params: 11,770');
  });

  it('on a convolution shows the formula of its spatial size', () => {
    expect(hoverOn('nn.Conv2d(3,6').text).toContain('- (14 + 2·1 − 3) // 2 + 1 = 7');
  });

  it('on the call applying a Sequential lists every layer it applies', () => {
    const { text, range } = hoverOn('model(x)', 1);
    expect(range).toBe('self.model(x)');
    expect(text).toContain('| model.0 (Conv2d) | `(N, 1, 28, 28)` | `(N, 3, 28, 28)` | 30 |');
    expect(text).toContain('| model.6 (Linear) | `(N, 294)` | `(N, 10)` | 11,770 |');
  });

  it('on a tensor variable shows its shape there', () => {
    expect(hoverOn('x = self', 0)).toEqual({ text: '`x`: `(N, 10)`', range: 'x' });
  });

  it("on the model's name shows the summary table", () => {
    const { text } = hoverOn('CNN_NN');
    expect(text).toContain('### CNN_NN (PyTorch)');
    expect(text).toContain('| Layer | Output shape | Params |');
    expect(text).toContain('| model.3 (Conv2d) | `(N, 6, 7, 7)` | 168 |');
    expect(text).toContain('Total params: 11,968');
  });

  it('elsewhere shows nothing', () => {
    expect(hoverAt(seedResult(), target, URI, positionOf(TEXT, 'import torch'))).toBeNull();
  });
});

describe('inlay hints', () => {
  it('show the shape each line leaves, at the end of its code', () => {
    const hints = inlayHintsFor(seedResult(), target, URI, everything, Settings.defaults);
    const lines = TEXT.split('\n');
    const shown = hints.map((h) => `${lines[h.position.line].slice(0, h.position.character).trim()} ${h.label}`);
    expect(shown).toEqual([
      'nn.Conv2d(in_channels=1,out_channels=3,kernel_size=3,stride=1,padding=1), → (N, 3, 28, 28)',
      'nn.MaxPool2d(kernel_size=2), → (N, 3, 14, 14)',
      'nn.ReLU(inplace=True), → (N, 3, 14, 14)',
      'nn.Conv2d(3,6,kernel_size=3,stride=2,padding=1), → (N, 6, 7, 7)',
      'nn.ReLU(inplace=True), → (N, 6, 7, 7)',
      'nn.Flatten(), → (N, 294)',
      'nn.Linear(6*14*14,10) → (N, 10)',
      'x = self.model(x) → (N, 10)',
    ]);
  });

  it('respect the requested range and the setting', () => {
    const onlyFlatten = rangeOf(TEXT, 'nn.Flatten()');
    expect(inlayHintsFor(seedResult(), target, URI, onlyFlatten, Settings.defaults).map((h) => h.label)).toEqual(['→ (N, 294)']);
    expect(inlayHintsFor(seedResult(), target, URI, everything, Settings.from({ inlayHints: { enabled: false } }))).toEqual([]);
  });
});

describe('code actions', () => {
  const params = (diagnostics: Diagnostic[], only?: string[]): CodeActionParams => ({
    textDocument: { uri: URI },
    range: rangeOf(TEXT, '6*14*14'),
    context: { diagnostics, ...(only ? { only } : {}) },
  });

  it('offer the proven fixes of the diagnostic, the preferred first, then fix-all', () => {
    const diagnostics = diagnosticsOf();
    const actions = codeActionsFor(params(diagnostics), diagnostics);
    expect(actions.map((a) => [a.title, a.kind, a.isPreferred ?? false])).toEqual([
      ['Change in_features to 6*7*7', 'quickfix', true],
      ['Fix all shape errors in file (cnnshape)', FIX_ALL_KIND, false],
    ]);
    const edited = actions.map((a) => applyEdits(TEXT, a.edit?.changes?.[URI] ?? []));
    expect(edited[0]).toContain('nn.Linear(6*7*7,10)');
    expect(edited[1]).toBe(edited[0]);
  });

  it('give only the fix-all when source actions are asked for', () => {
    const actions = codeActionsFor(params([], ['source.fixAll']), diagnosticsOf());
    expect(actions.map((a) => a.kind)).toEqual([FIX_ALL_KIND]);
    expect(codeActionsFor(params(diagnosticsOf(), ['quickfix']), diagnosticsOf()).map((a) => a.kind)).toEqual(['quickfix']);
  });

  it('ignore diagnostics of other tools, and answer from the proven diagnostics, not from the data the client sends', () => {
    const foreign: Diagnostic = { ...diagnosticsOf()[0], source: 'pylint' };
    const malformed: Diagnostic = { ...diagnosticsOf()[0], data: { fixes: [{ title: 3 }] } };
    expect(codeActionsFor(params([foreign]), diagnosticsOf())).toEqual([]);
    expect(codeActionsFor(params([malformed]), diagnosticsOf()).map((a) => a.title)).toEqual(['Change in_features to 6*7*7', 'Fix all shape errors in file (cnnshape)']);
    // A candidate of the quick analysis that the proof did not keep is not offered.
    const quick = diagnosticsByDocument({ ...seedResult(), fixesProven: false }, target, Settings.defaults).get(URI) ?? [];
    expect(quick[0].data).toEqual({ fixes: [], candidates: [{ title: 'Change in_features to 6*7*7', uri: URI, range: rangeOf(TEXT, '6*14*14'), newText: '6*7*7' }] });
    const unproven = diagnosticsByDocument({ ...seedResult(), diagnostics: seedResult().diagnostics.map((d) => ({ ...d, fixes: [] })) }, target, Settings.defaults).get(URI) ?? [];
    expect(codeActionsFor(params(quick), unproven)).toEqual([]);
  });

  it('answer a diagnostic the proof moved with the proven one that names its old place', () => {
    const [proven] = diagnosticsOf();
    const before: Diagnostic = { ...proven, range: rangeOf(TEXT, 'nn.Flatten()'), data: { fixes: [] } };
    const moved: Diagnostic = { ...proven, relatedInformation: [{ location: { uri: URI, range: before.range }, message: 'the value is used here' }] };
    expect(codeActionsFor(params([before], ['quickfix']), [moved]).map((a) => a.title)).toEqual(['Change in_features to 6*7*7']);
    const unrelated: Diagnostic = { ...proven, relatedInformation: [{ location: { uri: URI, range: before.range }, message: 'Flatten of (N, 6, 7, 7)' }] };
    expect(codeActionsFor(params([before], ['quickfix']), [unrelated])).toEqual([]);
  });
});

describe('notebooks', () => {
  const cells = [
    { uri: 'vscode-notebook-cell:/nb.ipynb#a', languageId: 'markdown', text: '# The article\'s model', kind: NotebookCellKind.Markup },
    { uri: 'vscode-notebook-cell:/nb.ipynb#b', languageId: 'python', text: 'import torch\nfrom torch import nn\n', kind: NotebookCellKind.Code },
    { uri: 'vscode-notebook-cell:/nb.ipynb#c', languageId: 'python', text: TEXT.split('\n').slice(7).join('\n'), kind: NotebookCellKind.Code },
  ];
  const documents = new Map(cells.map((c) => [c.uri, TextDocument.create(c.uri, c.languageId, 1, c.text)]));
  const notebook: NotebookDocument = {
    uri: 'file:///nb.ipynb',
    notebookType: 'jupyter-notebook',
    version: 4,
    cells: cells.map((c) => ({ kind: c.kind, document: c.uri })),
  };
  const virtual = notebookTarget(notebook, (uri) => documents.get(uri));

  it('joins the Python cells into one document', () => {
    expect(virtual.key).toBe('file:///nb.ipynb');
    expect(virtual.version).toBe(4);
    expect(virtual.documentUris).toEqual([cells[1].uri, cells[2].uri]);
    expect(virtual.text).toBe(`${cells[1].text}\n${cells[2].text}`);
  });

  it('maps diagnostics and related lines back to their cells', () => {
    const byCell = diagnosticsByDocument(seedResult(virtual.text), virtual, Settings.defaults);
    expect(byCell.get(cells[1].uri)).toEqual([]);
    const [diagnostic] = byCell.get(cells[2].uri) ?? [];
    expect(textAt(cells[2].text, diagnostic.range)).toBe('6*14*14');
    expect(textAt(cells[2].text, diagnostic.relatedInformation?.[0].location.range ?? everything)).toBe('nn.Flatten()');
  });

  it('maps hovers from a cell into the virtual document and back', () => {
    const hover = hoverAt(seedResult(virtual.text), virtual, cells[2].uri, positionOf(cells[2].text, 'nn.Linear', { offset: 1 }));
    expect(hoverText(hover)).toContain('Output: `(N, 10)`');
    expect(hover?.range && textAt(cells[2].text, hover.range)).toBe('nn.Linear(6*14*14,10)');
    expect(virtual.toAnalysed('file:///elsewhere.py', { line: 0, character: 0 })).toBeUndefined();
  });

  it('puts inlay hints in the cell they belong to', () => {
    const hints = inlayHintsFor(seedResult(virtual.text), virtual, cells[2].uri, everything, Settings.defaults);
    expect(hints).toHaveLength(8);
    expect(inlayHintsFor(seedResult(virtual.text), virtual, cells[1].uri, everything, Settings.defaults)).toEqual([]);
  });
});

describe('summary', () => {
  it('has a table per model and says so when there is none', () => {
    expect(documentSummaryMarkdown(seedResult(), 'torch_cnn_wrong.py')).toContain('| model.6 (Linear) | `(N, 10)` | 11,770 |');
    expect(documentSummaryMarkdown({ models: [], diagnostics: [] }, 'empty.py')).toContain('No PyTorch or Keras model');
  });
});
