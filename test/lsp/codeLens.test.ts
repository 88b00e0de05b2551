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
    expect(lenses).toHaveLength(1);
    const line = TEXT.split('\n').findIndex((l) => l.startsWith('class CNN_NN'));
    expect(lenses![0].range.start.line).toBe(line);
    expect(lenses![0].command?.title).toMatch(/Confirm shapes/);
    expect(lenses![0].command?.command).toBe('cnnshape.confirm');
  });
});
