// The web extension's activation (client/src/browser.ts) against a stand-in `vscode` API: where the
// extension is installed on a remote server (code-server: its location is `vscode-remote:`), the
// server's script is read through the editor's file system and started from a Blob URL, since the
// web extension host refuses to start a worker from a remote location; on vscode.dev (https) the
// URL is used as it is. The worker is the language client's server, the options its client options
// (vscode-languageclient 11's browser client takes them in that order). The real editor is
// test/vscode/run.mjs's.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const serverText = 'self.onmessage = () => {};';
const created: { clientArguments: unknown[]; workerUrls: string[]; read: string[] } = { clientArguments: [], workerUrls: [], read: [] };

interface FakeUri {
  scheme: string;
  path: string;
  toString(skipEncoding?: boolean): string;
}
const uri = (scheme: string, path: string): FakeUri => ({ scheme, path, toString: () => `${scheme}://host${path}` });

vi.mock('vscode', () => ({
  Uri: { joinPath: (base: FakeUri, ...parts: string[]) => uri(base.scheme, `${base.path}/${parts.join('/')}`) },
  workspace: {
    fs: {
      readFile: async (file: FakeUri) => {
        created.read.push(file.toString());
        return new TextEncoder().encode(serverText);
      },
    },
  },
}));
vi.mock('vscode-languageclient/browser', () => ({
  LanguageClient: class {
    constructor(...args: unknown[]) {
      created.clientArguments = args;
    }
  },
}));
vi.mock('../../client/src/common', () => ({
  activateWith: async () => undefined,
  clientOptions: () => ({ documentSelector: [{ language: 'python' }] }),
  deactivate: async () => undefined,
}));

class FakeWorker {
  constructor(readonly url: string) {
    created.workerUrls.push(url);
  }
}

describe('the web extension starts its language server in a worker', () => {
  beforeEach(() => {
    created.clientArguments = [];
    created.workerUrls = [];
    created.read = [];
    vi.stubGlobal('Worker', FakeWorker);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('from a Blob URL holding the script when the extension is on a remote server', async () => {
    const { activate } = await import('../../client/src/browser');
    await activate({ extensionUri: uri('vscode-remote', '/ext/cnnshape') } as never);
    expect(created.read).toEqual(['vscode-remote://host/ext/cnnshape/dist/web/server.js']);
    expect(created.workerUrls).toHaveLength(1);
    expect(created.workerUrls[0]).toMatch(/^blob:/);
    const blob = await fetch(created.workerUrls[0]).then((response) => response.text());
    expect(blob).toBe(serverText);
    const [id, , server, options] = created.clientArguments;
    expect(id).toBe('cnnshape');
    expect(server).toBeInstanceOf(FakeWorker);
    expect(options).toEqual({ documentSelector: [{ language: 'python' }] });
  });

  it('from the script URL itself on vscode.dev', async () => {
    const { activate } = await import('../../client/src/browser');
    await activate({ extensionUri: uri('https', '/ext/cnnshape') } as never);
    expect(created.read).toEqual([]);
    expect(created.workerUrls).toEqual(['https://host/ext/cnnshape/dist/web/server.js']);
    expect(created.clientArguments[2]).toBeInstanceOf(FakeWorker);
  });
});
