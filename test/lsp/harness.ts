// A real LSP client for the end-to-end tests: forks the built server (`node dist/server.js --stdio`),
// wraps its streams in a protocol connection, and offers typed helpers (openDocument, hover,
// codeActions, ...). Positions are found by text (`positionOf`), never written as numbers.
// Diagnostics are collected as they are published; `diagnostics(uri, version?)` waits for them.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CodeActionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeNotebookDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseNotebookDocumentNotification,
  DidCloseTextDocumentNotification,
  DidSaveNotebookDocumentNotification,
  DidSaveTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  InlayHintRefreshRequest,
  InlayHintRequest,
  LogMessageNotification,
  NotebookCellKind,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Diagnostic,
  type Hover,
  type InitializeResult,
  type InlayHint,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentContentChangeEvent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';

export const REPOSITORY_ROOT = resolve(__dirname, '../..');
export const SERVER_BUNDLE = resolve(REPOSITORY_ROOT, 'dist/server.js');

/** Builds the bundles when dist/server.js is missing (`npm test` builds first anyway). */
export function ensureServerBuilt(): void {
  if (existsSync(SERVER_BUNDLE)) return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
}

/** The line and character where `needle` starts (its `occurrence`-th appearance, from 0), plus `offset` characters. */
export function positionOf(text: string, needle: string, { occurrence = 0, offset = 0 } = {}): Position {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${occurrence + 1} times`);
  }
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** The range that `needle` covers in `text`. */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  return { start: positionOf(text, needle, { occurrence }), end: positionOf(text, needle, { occurrence, offset: needle.length }) };
}

/** The text a range covers. */
export function textAt(text: string, range: Range): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  return [
    lines[range.start.line].slice(range.start.character),
    ...lines.slice(range.start.line + 1, range.end.line),
    lines[range.end.line].slice(0, range.end.character),
  ].join('\n');
}

/** Applies non-overlapping edits to a text, as an editor would. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const offsetOf = (p: Position) => {
    const lines = text.split('\n');
    return lines.slice(0, p.line).reduce((sum, l) => sum + l.length + 1, 0) + p.character;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offsetOf(edit.range.start)) + edit.newText + result.slice(offsetOf(edit.range.end));
  return result;
}

export function hoverText(hover: Hover | null): string {
  if (!hover) return '';
  const contents = hover.contents;
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents)) return contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
  return contents.value;
}

export interface NotebookCellText {
  uri: string;
  text: string;
  kind?: 'code' | 'markdown';
}

export class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  /** The methods the server registered capabilities for (client/registerCapability). */
  readonly registrations: string[] = [];
  /** How many workspace/inlayHint/refresh requests the server sent (only asked of a client that supports them). */
  inlayHintRefreshes = 0;
  /** The `cnnshape` settings the client answers workspace/configuration with. */
  configuration: Record<string, unknown> = {};
  initializeResult: InitializeResult | undefined;

  private constructor(
    readonly connection: ProtocolConnection,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {}

  /** Starts the server; `workspaceFolders` are the file URIs of the folders the client opened. */
  static async start(
    configuration: Record<string, unknown> = {},
    { workspaceFolders, initializationOptions, inlayHintRefresh = false, watchFiles = false }: { workspaceFolders?: string[]; initializationOptions?: unknown; inlayHintRefresh?: boolean; watchFiles?: boolean } = {},
  ): Promise<TestClient> {
    ensureServerBuilt();
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { cwd: REPOSITORY_ROOT });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new TestClient(connection, child);
    client.configuration = configuration;
    child.stderr.on('data', (chunk) => client.stderr.push(String(chunk)));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      client.published.push(params);
      for (const wake of client.waiters.splice(0)) wake();
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      client.logs.push(params.message);
    });
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => client.configuration));
    connection.onRequest('client/registerCapability', (params: { registrations?: { method: string }[] }) => {
      client.registrations.push(...(params.registrations ?? []).map((r) => r.method));
      return null;
    });
    connection.onRequest(InlayHintRefreshRequest.method, () => {
      client.inlayHintRefreshes++;
      for (const wake of client.waiters.splice(0)) wake();
      return null;
    });
    connection.listen();
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          ...(inlayHintRefresh ? { inlayHint: { refreshSupport: true } } : {}),
          ...(watchFiles ? { didChangeWatchedFiles: { dynamicRegistration: true } } : {}),
        },
        textDocument: {
          hover: { contentFormat: ['markdown'] },
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
          inlayHint: {},
        },
        notebookDocument: { synchronization: {} },
      },
      workspaceFolders: workspaceFolders ? workspaceFolders.map((uri) => ({ uri, name: uri.replace(/^.*\//, '') })) : null,
      ...(initializationOptions === undefined ? {} : { initializationOptions }),
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The process may already be gone.
    }
    this.connection.dispose();
    this.child.kill();
  }

  async openDocument(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version, text } });
  }

  async changeDocument(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
  }

  async saveDocument(uri: string): Promise<void> {
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  async closeDocument(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async saveNotebook(uri: string): Promise<void> {
    await this.connection.sendNotification(DidSaveNotebookDocumentNotification.type, { notebookDocument: { uri } });
  }

  async closeNotebook(uri: string, cellUris: string[]): Promise<void> {
    await this.connection.sendNotification(DidCloseNotebookDocumentNotification.type, { notebookDocument: { uri }, cellTextDocuments: cellUris.map((cellUri) => ({ uri: cellUri })) });
  }

  /** Waits until `condition` holds, waking at each publication and refresh request. */
  async until(condition: () => boolean, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`condition not met within ${timeoutMs} ms; stderr: ${this.stderr.join('')}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  async openNotebook(uri: string, cells: NotebookCellText[], version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: {
        uri,
        notebookType: 'jupyter-notebook',
        version,
        cells: cells.map((cell) => ({ kind: cell.kind === 'markdown' ? NotebookCellKind.Markup : NotebookCellKind.Code, document: cell.uri })),
      },
      cellTextDocuments: cells.map((cell) => ({ uri: cell.uri, languageId: cell.kind === 'markdown' ? 'markdown' : 'python', version: 1, text: cell.text })),
    });
  }

  async changeNotebookCell(notebookUri: string, version: number, cellUri: string, cellVersion: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebookUri, version },
      change: { cells: { textContent: [{ document: { uri: cellUri, version: cellVersion }, changes }] } },
    });
  }

  /**
   * Waits until diagnostics for `uri` are published (for `version` when given) and returns the latest.
   * Publications before `after` (an index into `published`) are ignored.
   */
  /** Waits until the latest diagnostics published for `uri` satisfy `accept`, and returns them. */
  async eventualDiagnostics(uri: string, accept: (diagnostics: Diagnostic[]) => boolean, timeoutMs = 10000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const latest = this.published.filter((p) => p.uri === uri).at(-1);
      if (latest && accept(latest.diagnostics)) return latest.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`diagnostics for ${uri} never met the condition; last: ${JSON.stringify(latest?.diagnostics.map((d) => d.code))}; stderr: ${this.stderr.join('')}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  async diagnostics(uri: string, { version, after = 0, timeoutMs = 10000 }: { version?: number; after?: number; timeoutMs?: number } = {}): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.published
        .slice(after)
        .filter((p) => p.uri === uri && (version === undefined || p.version === version))
        .at(-1);
      if (match) return match.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri}${version === undefined ? '' : ` version ${version}`}; stderr: ${this.stderr.join('')}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  inlayHints(uri: string, range: Range): Promise<InlayHint[] | null> {
    return this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range });
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const actions = await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    });
    return (actions ?? []).filter((a): a is CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
  }

  /** The `cnnshape/confirm` request behind the "Confirm shapes" lens. */
  confirm<T = { markdown: string; diagnostics: { uri: string; diagnostics: Diagnostic[] }[] }>(uri: string, model?: string): Promise<T> {
    return this.connection.sendRequest<T>('cnnshape/confirm', { uri, ...(model ? { model } : {}) });
  }

  summary(uri: string): Promise<string> {
    return this.connection.sendRequest<string>('cnnshape/summary', { uri });
  }
}
