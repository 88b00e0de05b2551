// The "Confirm shapes" code lens over stdio: the server declares code lenses (without that,
// VS Code never asks for them) and returns one lens above each model, carrying the client command.

import { CodeLensRequest } from 'vscode-languageserver-protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPOSITORY_ROOT, TestClient } from './harness';

const TEXT = readFileSync(resolve(REPOSITORY_ROOT, 'examples/article_torch_wrong_linear.py'), 'utf8');

let client: TestClient;

beforeAll(async () => {
  client = await TestClient.start();
});

afterAll(async () => {
  await client?.stop();
});

describe('Confirm shapes code lens', () => {
  it('is declared as a server capability', () => {
    expect(client.initializeResult?.capabilities.codeLensProvider).toBeDefined();
  });

  it('stands above each model with the confirm command', async () => {
    const uri = 'file:///workspace/lens/article.py';
    await client.openDocument(uri, TEXT, 1);
    await client.diagnostics(uri, { version: 1 });
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    expect(lenses).toHaveLength(2);
    const line = TEXT.split('\n').findIndex((l) => l.startsWith('class CNN_NN'));
    expect(lenses![0].range.start.line).toBe(line);
    expect(lenses![0].command?.title).toMatch(/Confirm shapes/);
    expect(lenses![0].command?.command).toBe('cnnshape.confirm');
  });

  it('is followed by what a forward pass costs, per sample of the batch N', async () => {
    const uri = 'file:///workspace/lens/costs.py';
    await client.openDocument(uri, TEXT, 1);
    await client.diagnostics(uri, { version: 1 });
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    // The example's input is (1, 1, 28, 28): 23,520 + 8,232 + 11,770 mult-adds (its Linear has 1176·10 + 10 weights),
    // and 4 bytes × (3·28·28 + 2 · 3·14·14 + 3 · 6·7·7 + 10) of activations.
    expect(lenses![1].command?.title).toBe('43.5 K mult-adds · 17.7 KB activations');
    expect(lenses![1].command?.command).toBe('cnnshape.showModelSummary');
  });
});

describe('the costs lens turned off', () => {
  it('leaves the Confirm shapes lens alone', async () => {
    const off = await TestClient.start({ codeLens: { costs: false } });
    try {
      const uri = 'file:///workspace/lens/off.py';
      await off.openDocument(uri, TEXT, 1);
      await off.diagnostics(uri, { version: 1 });
      const lenses = await off.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
      expect(lenses!.map((l) => l.command?.title)).toEqual(['Confirm shapes']);
    } finally {
      await off.stop();
    }
  });
});
