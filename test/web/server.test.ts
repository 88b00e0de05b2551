// The web extension's language server (dist/web/server.js, built for the browser) runs where only
// web APIs exist: here in a V8 context that has the globals of a browser's worker (WebAssembly,
// TextDecoder, timers, postMessage and message events) and none of Node's (no process, require or
// Buffer), as in VS Code for the Web. Over its postMessage channel it answers initialize, publishes
// the article's error, and answers hover, inlay hints, the quick fix, the conversion and a
// confirmation (on the CPU: this context offers neither WebGPU nor an OffscreenCanvas for WebGL).
// The real browser (code-server in Chromium) is test/vscode/run.mjs's.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const bundle = join(root, 'dist', 'web', 'server.js');
const example = readFileSync(join(root, 'examples', 'article_torch_wrong_linear.py'), 'utf8');
const keras = readFileSync(join(root, 'examples', 'article_keras.py'), 'utf8');

interface Message {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

/** The bundle in a worker-like context; `request` and `notify` talk to it, `received` holds what it posted. */
class WebWorkerServer {
  readonly received: Message[] = [];
  private readonly scope: Record<string, unknown> & { onmessage?: (event: { data: Message }) => void };
  private nextId = 1;
  private readonly waiters: (() => void)[] = [];

  constructor() {
    const quiet = () => undefined;
    this.scope = {
      console: { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet },
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      queueMicrotask,
      WebAssembly: (globalThis as unknown as { WebAssembly: unknown }).WebAssembly,
      TextDecoder,
      TextEncoder,
      URL,
      performance,
      AbortController,
      structuredClone,
      postMessage: (message: Message) => {
        this.received.push(message);
        for (const wake of this.waiters.splice(0)) wake();
      },
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    };
    this.scope.self = this.scope;
    this.scope.globalThis = this.scope;
    createContext(this.scope);
    runInContext(readFileSync(bundle, 'utf8'), this.scope, { filename: bundle });
  }

  notify(method: string, params: unknown): void {
    this.scope.onmessage!({ data: { jsonrpc: '2.0', method, params } });
  }

  async request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    this.scope.onmessage!({ data: { jsonrpc: '2.0', id, method, params } });
    const reply = await this.waitFor((m) => m.id === id && m.method === undefined);
    if (reply.error) throw new Error(reply.error.message);
    return reply.result as T;
  }

  async waitFor(match: (m: Message) => boolean, timeoutMs = 30000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }
}

describe('the web extension language server', () => {
  let server: WebWorkerServer;
  beforeAll(async () => {
    server = new WebWorkerServer();
    await server.request('initialize', { processId: null, rootUri: null, capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor.rewrite'] } } } } } });
    server.notify('initialized', {});
    server.notify('textDocument/didOpen', { textDocument: { uri: 'file:///w/a.py', languageId: 'python', version: 1, text: example } });
    server.notify('textDocument/didOpen', { textDocument: { uri: 'file:///w/k.py', languageId: 'python', version: 1, text: keras } });
  }, 60000);

  it('needs nothing of Node: the bundle names no Node module', () => {
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/require\(["']node:/);
  });

  it('publishes the error, and answers hover, inlay hints and the quick fix', async () => {
    const published = await server.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === 'file:///w/a.py');
    const diagnostics = (published.params as { diagnostics: { code: string; range: { start: { line: number; character: number } } }[] }).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(['linear-in-features']);
    expect(diagnostics[0].range.start).toEqual({ line: 18, character: 22 });
    const hover = await server.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: 'file:///w/a.py' }, position: { line: 18, character: 14 } });
    expect(hover.contents.value).toContain('Input: `(1, 294)`');
    const hints = await server.request<{ label: string }[]>('textDocument/inlayHint', { textDocument: { uri: 'file:///w/a.py' }, range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } } });
    expect(hints.length).toBeGreaterThan(0);
    const actions = await server.request<{ title: string }[]>('textDocument/codeAction', {
      textDocument: { uri: 'file:///w/a.py' },
      range: diagnostics[0].range,
      context: { diagnostics },
    });
    expect(actions.map((a) => a.title)).toContain('Change 6*14*14 to 6*7*7');
  });

  it('offers the conversion of a Keras model', async () => {
    const lines = keras.split('\n');
    const line = lines.findIndex((l) => l.includes('CNN_model'));
    const actions = await server.request<{ title: string }[]>('textDocument/codeAction', {
      textDocument: { uri: 'file:///w/k.py' },
      range: { start: { line, character: lines[line].indexOf('CNN_model') }, end: { line, character: lines[line].indexOf('CNN_model') } },
      context: { diagnostics: [] },
    });
    expect(actions.map((a) => a.title).join('\n')).toMatch(/Convert CNN_model to PyTorch/);
  });

  it('confirms with TensorFlow.js in the worker, passing over what the browser does not offer', async () => {
    const reply = await server.request<{ report: { backend: { name: string; notes: string[] }; files: { models: { layers: { status: string }[] }[] }[] } }>('cnnshape/confirm', { uri: 'file:///w/a.py' });
    expect(reply.report.backend.name).toBe('cpu');
    expect(reply.report.backend.notes).toEqual(['webgpu: this browser offers no WebGPU (navigator.gpu) to workers', 'webgl: this browser offers no OffscreenCanvas to workers']);
    const statuses = reply.report.files[0].models[0].layers.map((l) => l.status);
    expect(statuses).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed', 'confirmed', 'confirmed', 'failed']);
  }, 60000);
});
