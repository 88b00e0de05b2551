// The language server's wiring: the document collections (files and notebooks), the settings
// cache, the analysis cache and the debounced diagnostics, and one guarded handler per LSP feature.
// Each feature lives in its own file; this one only connects them. It knows no transport and no
// platform: node-server.ts serves it in Node (stdio, VS Code's IPC channel, the relay's worker
// thread), browser-server.ts in a web worker (VS Code for the Web); each hands in a connection and
// the host's way of running a confirmation. Every request is isolated: a failure is logged and
// answered with an error, and the server keeps running. It never executes the user's code.

import {
  ErrorCodes,
  NotebookDocuments,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeConfigurationNotification,
  DiagnosticSeverity,
  LSPErrorCodes,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type Position,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache, Debouncer, describeError, DIAGNOSTICS_TIMING } from './analysisCache';
import { AnalysisCancelled } from './cancellation';
import { codeActionsFor, CODE_ACTION_KINDS } from './codeActions';
import { CONFIRM_REQUEST, confirmCodeLenses, confirmSettingsFrom, confirmTarget, type ConfirmParams, type ConfirmRunner } from './confirm';
import { convertActionsFor, CONVERT_KIND } from './convert';
import { diagnosticsByDocument } from './diagnostics';
import { hoverAt } from './hover';
import { inlayHintsFor } from './inlayHints';
import { notebookDocumentSyncOptions, notebookTarget } from './notebooks';
import { SettingsCache } from './settings';
import { documentSummaryMarkdown, SUMMARY_REQUEST } from './summary';
import { textDocumentTarget, type AnalysisTarget } from './targets';

/** What the platform provides: when the server is ready (its parser loaded), and how a confirmation runs. */
export interface ServerHost {
  /** Resolves once the parser is loaded; `initialize` is answered after it. */
  ready: Promise<void>;
  /** Runs a confirmation off the thread that answers requests, or where the platform can. */
  confirm: ConfirmRunner;
}

export function wireServer(connection: Connection, host: ServerHost): void {
  const ready = host.ready;
  const documents = new TextDocuments(TextDocument);
  const notebooks = new NotebookDocuments(TextDocument);
  const analyses = new AnalysisCache(
    (message) => connection.console.error(message),
    (message) => connection.console.log(message),
  );
  let settings = new SettingsCache(undefined);
  let clientPullsConfiguration = false;
  let clientRefreshesInlayHints = false;
  const openNotebookUris = new Set<string>();
  /** The documents that last received diagnostics from each target, to clear the ones that drop out. */
  const publishedUris = new Map<string, Set<string>>();

  const isPython = (document: TextDocument) => document.languageId === 'python' || /\.pyi?$/.test(document.uri);

  function targetByKey(key: string): AnalysisTarget | undefined {
    const notebook = notebooks.getNotebookDocument(key);
    if (notebook) return notebookTarget(notebook, (cellUri) => notebooks.cellTextDocuments.get(cellUri));
    const document = documents.get(key);
    return document && isPython(document) ? textDocumentTarget(document) : undefined;
  }

  /** The target a request's document belongs to: a notebook for a cell, else the file itself. */
  function targetForUri(uri: string): AnalysisTarget | undefined {
    const notebook = notebooks.findNotebookDocumentForCell(uri);
    return notebook ? targetByKey(notebook.uri) : targetByKey(uri);
  }

  function sendDiagnostics(key: string, byDocument: Map<string, Diagnostic[]>, version?: number): void {
    for (const uri of publishedUris.get(key) ?? []) if (!byDocument.has(uri)) byDocument.set(uri, []);
    publishedUris.set(key, new Set([...byDocument].filter(([, list]) => list.length > 0).map(([uri]) => uri)));
    for (const [uri, diagnostics] of byDocument) {
      void connection.sendDiagnostics({ uri, diagnostics, ...(uri === key && version !== undefined ? { version } : {}) });
    }
  }

  async function publishDiagnostics(key: string): Promise<void> {
    try {
      const target = targetByKey(key);
      if (!target) return;
      const documentSettings = await settings.get(target.key);
      const current = targetByKey(key);
      // A newer edit arrived while the settings were fetched: its own run will publish.
      if (!current || current.version !== target.version || current.text !== target.text) return;
      const result = analyses.get(current, documentSettings);
      const isNotebook = notebooks.getNotebookDocument(key) !== undefined;
      const byDocument = diagnosticsByDocument(result, current, documentSettings);
      const tooLarge = analyses.tooLarge(current, documentSettings);
      if (tooLarge && current.documentUris[0]) byDocument.set(current.documentUris[0], [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: 'cnnshape', message: tooLarge }]);
      sendDiagnostics(key, byDocument, isNotebook ? undefined : current.version);
    } catch (error) {
      // A newer edit cancelled this run; the edit scheduled its own.
      if (error instanceof AnalysisCancelled) return;
      connection.console.error(`cnnshape: diagnostics for ${key} failed: ${describeError(error)}`);
    }
  }
  const debouncer = new Debouncer(DIAGNOSTICS_TIMING, publishDiagnostics);

  function forgetTarget(key: string): void {
    debouncer.cancel(key);
    analyses.forget(key);
    settings.forget(key);
    sendDiagnostics(key, new Map());
    publishedUris.delete(key);
  }

  function rescheduleAll(): void {
    for (const document of documents.all()) debouncer.schedule(document.uri);
    for (const notebookUri of openNotebookUris) debouncer.schedule(notebookUri);
  }

  /** Wraps a request handler: bad params and failures become error responses, logged once. */
  function guarded<P, R>(name: string, handler: (params: P, token: CancellationToken) => Promise<R>) {
    return async (params: P, token: CancellationToken): Promise<R> => {
      try {
        return await handler(params, token);
      } catch (error) {
        // The document changed under the request: the client asks again for the new version.
        if (error instanceof AnalysisCancelled) throw new ResponseError(LSPErrorCodes.ContentModified, error.message);
        if (error instanceof ResponseError) {
          connection.console.error(`cnnshape: ${name}: ${error.message}`);
          throw error;
        }
        connection.console.error(`cnnshape: ${name} failed: ${describeError(error)}`);
        throw new ResponseError(ErrorCodes.InternalError, `cnnshape: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
  }

  function requireUri(params: unknown): string {
    const uri = (params as { textDocument?: { uri?: unknown } } | undefined)?.textDocument?.uri;
    if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'params.textDocument.uri must be a string');
    return uri;
  }

  function requirePosition(params: unknown): Position {
    const position = (params as { position?: Partial<Position> } | undefined)?.position;
    if (typeof position?.line !== 'number' || typeof position.character !== 'number') {
      throw new ResponseError(ErrorCodes.InvalidParams, 'params.position must have a numeric line and character');
    }
    return position as Position;
  }

  /** Settings and analysis for a request's document; undefined when the server does not serve it. */
  async function analysisFor(uri: string) {
    const before = targetForUri(uri);
    if (!before) return undefined;
    const documentSettings = await settings.get(before.key);
    if (!documentSettings.enable) return undefined;
    // An edit may have arrived while the settings were fetched: analyse the current version.
    const target = targetForUri(uri) ?? before;
    return { target, settings: documentSettings, result: analyses.get(target, documentSettings) };
  }

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    // The client sends nothing else before this answer, so no analysis runs before the parser is ready.
    await ready;
    clientPullsConfiguration = params.capabilities.workspace?.configuration === true;
    clientRefreshesInlayHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    if (clientPullsConfiguration) {
      settings = new SettingsCache((scopeUri) => connection.workspace.getConfiguration({ scopeUri, section: 'cnnshape' }));
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        notebookDocumentSync: notebookDocumentSyncOptions,
        hoverProvider: true,
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: [...CODE_ACTION_KINDS, CONVERT_KIND] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'cnnshape' },
    };
  });

  connection.onInitialized(() => {
    if (clientPullsConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'cnnshape' }).catch(() => undefined);
    }
  });

  connection.onDidChangeConfiguration((params) => {
    settings.changed(params.settings);
    rescheduleAll();
    if (clientRefreshesInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  });

  documents.onDidChangeContent((event) => debouncer.schedule(event.document.uri));
  documents.onDidClose((event) => forgetTarget(event.document.uri));
  notebooks.onDidOpen((notebook) => {
    openNotebookUris.add(notebook.uri);
    debouncer.schedule(notebook.uri);
  });
  notebooks.onDidChange((event) => debouncer.schedule(event.notebookDocument.uri));
  notebooks.onDidClose((notebook) => {
    openNotebookUris.delete(notebook.uri);
    forgetTarget(notebook.uri);
  });

  connection.onHover(
    guarded('hover', async (params, token) => {
      const uri = requireUri(params);
      const position = requirePosition(params);
      const analysis = await analysisFor(uri);
      if (!analysis || token.isCancellationRequested) return null;
      return hoverAt(analysis.result, analysis.target, uri, position);
    }),
  );

  connection.languages.inlayHint.on(
    guarded('inlayHint', async (params, token) => {
      const uri = requireUri(params);
      const analysis = await analysisFor(uri);
      if (!analysis || token.isCancellationRequested) return [];
      return inlayHintsFor(analysis.result, analysis.target, uri, params.range, analysis.settings);
    }),
  );

  connection.onCodeAction(
    guarded('codeAction', async (params, token) => {
      const uri = requireUri(params);
      const analysis = await analysisFor(uri);
      if (!analysis || token.isCancellationRequested) return [];
      const everyDiagnostic = [...diagnosticsByDocument(analysis.result, analysis.target, analysis.settings).values()].flat();
      return [...codeActionsFor(params, analysis.target.documentText(uri) ?? '', everyDiagnostic), ...convertActionsFor(params, analysis.result, analysis.target)];
    }),
  );

  connection.onRequest(
    SUMMARY_REQUEST,
    guarded('summary', async (params: { uri?: unknown } | undefined) => {
      const uri = params?.uri;
      if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'params.uri must be a string');
      const target = targetForUri(uri);
      if (!target) throw new ResponseError(ErrorCodes.InvalidParams, `cnnshape has no open Python file or notebook ${uri}`);
      const result = analyses.get(target, await settings.get(target.key));
      return documentSummaryMarkdown(result, decodeURIComponent(target.key.replace(/^.*\//, '')));
    }),
  );

  connection.onCodeLens(
    guarded('codeLens', async (params, token) => {
      const uri = requireUri(params);
      const analysis = await analysisFor(uri);
      if (!analysis || token.isCancellationRequested) return [];
      return confirmCodeLenses(analysis.result, analysis.target, uri);
    }),
  );

  connection.onRequest(
    CONFIRM_REQUEST,
    guarded('confirm', async (params: Partial<ConfirmParams> | undefined, token) => {
      const uri = params?.uri;
      if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'params.uri must be a string');
      const target = targetForUri(uri);
      if (!target) throw new ResponseError(ErrorCodes.InvalidParams, `cnnshape has no open Python file or notebook ${uri}`);
      const documentSettings = await settings.get(target.key);
      const raw = clientPullsConfiguration ? await connection.workspace.getConfiguration({ scopeUri: target.key, section: 'cnnshape.confirm' }).catch(() => undefined) : undefined;
      const model = typeof params?.model === 'string' ? params.model : undefined;
      return confirmTarget(target, { uri, model }, confirmSettingsFrom(raw), documentSettings.defaultInputShape, token, host.confirm);
    }),
  );

  connection.onShutdown(() => debouncer.cancelAll());

  documents.listen(connection);
  notebooks.listen(connection);
}
