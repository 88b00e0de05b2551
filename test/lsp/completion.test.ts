// Completion and signature help over stdio: the number a reader of the article works out on paper
// (`6*7*7` after the Flatten) is the first item at `nn.Linear(|`, written as the file writes its
// sizes; signature help inside `nn.Conv2d(3, 6, |` highlights kernel_size. Half-typed code answers
// and never takes the server down.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CompletionRequest, HoverRequest, SignatureHelpRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoverText, positionOf, REPOSITORY_ROOT, TestClient } from './harness';

const ARTICLE = readFileSync(resolve(REPOSITORY_ROOT, 'test/fixtures/torch/article_symbolic.py'), 'utf8');

let client: TestClient;
let version = 0;

beforeAll(async () => {
  client = await TestClient.start();
});

afterAll(async () => {
  await client?.stop();
});

async function open(text: string): Promise<string> {
  const uri = `file:///workspace/completion/m${++version}.py`;
  await client.openDocument(uri, text, 1);
  await client.diagnostics(uri, { version: 1 });
  return uri;
}

async function complete(text: string, needle: string, occurrence = 0): Promise<CompletionItem[]> {
  const uri = await open(text);
  const answer = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, needle, { occurrence, offset: needle.length }) });
  return Array.isArray(answer) ? answer : ((answer as CompletionList | null)?.items ?? []);
}

describe('completion of inferred sizes', () => {
  it('offers 6*7*7 first at nn.Linear( in the article model, with the shape it comes from', async () => {
    expect(ARTICLE).toContain('nn.Linear(6*7*7');
    const items = await complete(ARTICLE, 'nn.Linear(');
    expect(items[0].label).toBe('6*7*7');
    expect(items[0].detail).toContain('(N, 294)');
    expect(items.map((i) => i.label)).toContain('294');
  });

  it('offers 294 first in a file that writes results', async () => {
    const items = await complete(ARTICLE.replace('nn.Linear(6*7*7', 'nn.Linear(294'), 'nn.Linear(');
    expect(items[0].label).toBe('294');
  });

  it('completes a half-typed Linear inside a Sequential once the input is known', async () => {
    const text = ARTICLE.replace(/nn\.Linear\(6\*7\*7, ?10\)/, 'nn.Linear(').replace(/^class CNN_NN/m, '# input: (1, 1, 28, 28)\nclass CNN_NN');
    const items = await complete(text, 'nn.Linear(');
    expect(items[0]?.label).toBe('6*7*7');
  });

  it('completes the channels of a BatchNorm2d and the size of a view', async () => {
    const text = [
      'import torch',
      'from torch import nn',
      '',
      '',
      '# input: (1, 1, 28, 28)',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(1, 6, 5)',
      '        self.bn = nn.BatchNorm2d(',
      '',
      '    def forward(self, x):',
      '        x = self.bn(self.conv(x))',
      '        x = x.view(x.size(0), ',
      '',
    ].join('\n');
    expect((await complete(text, 'nn.BatchNorm2d('))[0]?.label).toBe('6');
    expect((await complete(text.replace('nn.BatchNorm2d(', 'nn.BatchNorm2d(6)'), 'x.size(0), '))[0]?.label).toBe('6*24*24');
  });

  it('answers half-typed code with no items, and the server keeps serving', async () => {
    for (const broken of ['import torch\nfrom torch import nn\nx = nn.Linear(', 'nn.Conv2d(3, (', 'x.view(', '((((', '"nn.Linear(']) {
      const uri = await open(broken);
      const end = broken.split('\n');
      const answer = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: end.length - 1, character: end[end.length - 1].length } });
      expect(Array.isArray(answer) ? answer : []).toEqual([]);
    }
    expect((await complete(ARTICLE, 'nn.Linear('))[0].label).toBe('6*7*7');
  });
});

describe('Keras completion', () => {
  const keras = [
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    'model = keras.Sequential([',
    '    keras.Input(shape=(28, 28, 1)),',
    '    layers.Conv2D(6, 3),',
    '    layers.Flatten(),',
    '    layers.Dense(',
    '])',
    '',
  ].join('\n');

  it('offers the flattened width for a Dense after Flatten, with the shape', async () => {
    const items = await complete(keras, 'layers.Dense(');
    expect(items[0]?.label).toBe(String(26 * 26 * 6));
    expect(items[0]?.detail).toContain('(None, 4056)');
  });

  it('offers Reshape targets with as many elements as the input', async () => {
    const text = keras.replace('    layers.Flatten(),\n    layers.Dense(', '    layers.Reshape(');
    const items = await complete(text, 'layers.Reshape(');
    expect(items.map((i) => i.label)).toEqual(['(4056,)', '(26, 26, 6)', '(-1,)']);
  });
});

describe('hover with costs', () => {
  it('shows the mult-adds and output memory of a layer, and the totals of a model', async () => {
    const uri = await open(ARTICLE);
    const layer = hoverText(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(ARTICLE, 'nn.Linear(', { offset: 3 }) }));
    expect(layer).toContain('Mult-adds: 2950 * N');
    expect(layer).toContain('Output memory: 40 * N bytes');
    const model = hoverText(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(ARTICLE, 'CNN_NN', { offset: 2 }) }));
    expect(model).toContain('Total mult-adds: 34702 * N');
    expect(model).toContain('Estimated total size: 24384 * N + 12592 bytes');
  });
});

describe('signature help', () => {
  it('highlights kernel_size inside nn.Conv2d(3, 6, ', async () => {
    const text = ARTICLE.replace('nn.Conv2d(3, 6, kernel_size=3, stride=2, padding=1)', 'nn.Conv2d(3, 6, ');
    const uri = await open(text);
    const help = await client.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: positionOf(text, 'nn.Conv2d(3, 6, ', { offset: 'nn.Conv2d(3, 6, '.length }) });
    const signature = help!.signatures[0];
    expect(signature.label).toMatch(/^Conv2d\(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True/);
    const active = signature.parameters![help!.activeParameter!];
    const [from, to] = active.label as [number, number];
    expect(signature.label.slice(from, to)).toBe('kernel_size');
    expect(JSON.stringify(active.documentation)).toContain('dilation·(kernel − 1)');
  });

  it('says the number here for a parameter of a layer that ran', async () => {
    const uri = await open(ARTICLE);
    const needle = 'nn.Conv2d(3, 6, kernel_size=3, stride=';
    const help = await client.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: positionOf(ARTICLE, needle, { offset: needle.length }) });
    const active = help!.signatures[0].parameters![help!.activeParameter!];
    expect(JSON.stringify(active.documentation)).toMatch(/stride.*= 7 here/);
  });

  it('covers Keras layers from the same catalog', async () => {
    const text = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n\nm = keras.Sequential([layers.Dense(10, ';
    const uri = await open(text);
    const help = await client.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: positionOf(text, 'Dense(10, ', { offset: 'Dense(10, '.length }) });
    const signature = help!.signatures[0];
    const [from, to] = signature.parameters![help!.activeParameter!].label as [number, number];
    expect(signature.label.slice(from, to)).toBe('activation=None');
  });
});
