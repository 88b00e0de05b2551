// The language server's wiring: the document collections (files and notebooks), the settings
// cache, the analysis cache and the debounced diagnostics, and one guarded handler per LSP feature.
// Each feature lives in its own file; this one only connects them.
//
// Files import each other: each analysis reads the workspace (lsp/workspace.ts: open documents'
// live text, else the disk), an edit re-checks the open files whose analysis read the edited file,
// and a diagnostic found in another file (an imported block) is published on that file, merged with
// what every other analysis found there.
//
// It knows no transport and no platform: node-server.ts serves it in Node (stdio, VS Code's IPC
// channel, the relay's worker thread), browser-server.ts in a web worker (VS Code for the Web); each
// hands in a connection, the workspace's access to files, and the host's way of running a
// confirmation. Every request is isolated: a failure is logged and answered with an error, and the
// server keeps running. It never executes the user's code.

import {
  ErrorCodes,
  NotebookDocuments,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeConfigurationNotification,
  DiagnosticSeverity,
  LSPErrorCodes,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type Position,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../analysis/analyze';
import type { AnalysisResult } from '../analysis/result';
import { inAnalysedFile } from '../analysis/view';
import { AnalysisCache, Debouncer, describeError, DIAGNOSTICS_TIMING, type TargetContext } from './analysisCache';
import { AnalysisCancelled } from './cancellation';
import { codeActionsFor, CODE_ACTION_KINDS } from './codeActions';
import { ProofCache } from './proofs';
import { CONFIRM_REQUEST, CONFIRM_SOURCE, confirmCodeLenses, confirmSettingsFrom, confirmTarget, type ConfirmParams, type ConfirmRunner } from './confirm';
import { convertActionsFor, CONVERT_KIND } from './convert';
import { completionsAt } from './completion';
import { diagnosticsByDocument } from './diagnostics';
import { hoverAt } from './hover';
import { inlayHintsFor } from './inlayHints';
import { notebookDocumentSyncOptions, notebookTarget } from './notebooks';
import { SettingsCache, type Settings } from './settings';
import { signatureHelpAt, SIGNATURE_TRIGGERS } from './signatureHelp';
import { documentSummaryMarkdown, SUMMARY_REQUEST } from './summary';
import { textDocumentTarget, type AnalysisTarget } from './targets';
import type { WorkspaceView } from './workspace-view';

/** What the platform provides: when the server is ready (its parser loaded), and how a confirmation runs. */
export interface ServerHost {
  /** Resolves once the parser is loaded; `initialize` is answered after it. */
  ready: Promise<void>;
  /** Runs a confirmation off the thread that answers requests, or where the platform can. */
  confirm: ConfirmRunner;
  /** The files analyses may read: the open documents and, in Node, the disk and installed libraries. */
  workspace: WorkspaceView;
}

/** Sent by the client when VS Code's Python extension selects an interpreter: `{ pythonInterpreter: path | null }`. */
export const PYTHON_INTERPRETER_NOTIFICATION = 'cnnshape/pythonInterpreter';

/** The interpreter path in the client's initialization options or notification, if any. */
function interpreterOption(options: unknown): string | undefined {
  const path = (options as { pythonInterpreter?: unknown } | undefined)?.pythonInterpreter;
  return typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined;
}

export function wireServer(connection: Connection, host: ServerHost): void {
  const ready = host.ready;
  const documents = new TextDocuments(TextDocument);
  const notebooks = new NotebookDocuments(TextDocument);
  const analyses = new AnalysisCache(
    (message) => connection.console.error(message),
    (message) => connection.console.log(message),
  );
  const proofs = new ProofCache(
    (target) => analyses.treeFor(target.key, target.text),
    (target) => analyses.partsFor(target.key),
  );
  let settings = new SettingsCache(undefined);
  const workspace = host.workspace;
  let clientPullsConfiguration = false;
  let clientRefreshesInlayHints = false;
  let clientWatchesFiles = false;
  let clientHasFolders = false;
  let folderUris: string[] = [];
  const openNotebookUris = new Set<string>();
  /** The documents that last received diagnostics from each target, to clear the ones that drop out. */
  const publishedUris = new Map<string, Set<string>>();
  /** Per document, the diagnostics each target's analysis placed in it (a block's error found from a model file). */
  const contributions = new Map<string, Map<string, Diagnostic[]>>();
  /**
   * Per target, the information diagnostics of its last "Confirm shapes", kept only for the version
   * and text that were confirmed: an edit, a save or closing the document drops them.
   */
  const confirmed = new Map<string, { version: number; text: string; byUri: Map<string, Diagnostic[]> }>();
  /** Targets re-checked because another document changed: the client does not ask for their hints again by itself. */
  const refreshHintsAfter = new Set<string>();

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

  /** Where a target lies in the workspace: its path (none for notebooks and untitled files) and the files it may import. */
  function contextFor(target: AnalysisTarget, documentSettings: Settings): TargetContext {
    // Each analysis sees the disk as it is now (a file it reads is looked at once).
    workspace.beginPass();
    const path = workspace.pathOfUri(target.key);
    const isNotebook = notebooks.getNotebookDocument(target.key) !== undefined;
    return { ...(path !== undefined && !isNotebook ? { path } : {}), workspace: workspace.workspaceFor(path, documentSettings.pythonPath) };
  }

  /** The URI a path of the workspace publishes to; none for an installed library's files. */
  function uriOfPath(path: string): string | undefined {
    return workspace.isLibrary(path) ? undefined : workspace.uriOf(path);
  }

  /**
   * Publishes what one target found, per document. A document receives the union of every
   * target's findings in it (its own analysis first; one diagnostic per range and rule).
   */
  function sendDiagnostics(key: string, byDocument: Map<string, Diagnostic[]>, version?: number): void {
    const touched = new Set([...(publishedUris.get(key) ?? []), ...byDocument.keys()]);
    for (const uri of touched) {
      const list = byDocument.get(uri) ?? [];
      const perTarget = contributions.get(uri) ?? new Map<string, Diagnostic[]>();
      if (list.length > 0) perTarget.set(key, list);
      else perTarget.delete(key);
      if (perTarget.size > 0) contributions.set(uri, perTarget);
      else contributions.delete(uri);
    }
    publishedUris.set(key, new Set([...byDocument].filter(([, list]) => list.length > 0).map(([uri]) => uri)));
    for (const uri of touched) {
      const perTarget = contributions.get(uri);
      const ordered = perTarget ? [...(perTarget.has(uri) ? [perTarget.get(uri)!] : []), ...[...perTarget].filter(([k]) => k !== uri).map(([, l]) => l)] : [];
      const seen = new Set<string>();
      const diagnostics = ordered.flat().filter((d) => {
        // Two confirmation results on one line are two layers; the engine's are one per range and rule.
        const id = `${d.range.start.line}:${d.range.start.character}:${d.range.end.line}:${d.range.end.character}:${d.code}${d.source === CONFIRM_SOURCE ? `:${d.message}` : ''}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      void connection.sendDiagnostics({ uri, diagnostics, ...(uri === key && version !== undefined ? { version } : {}) });
    }
  }

  /** Re-checks the open targets whose last analysis read the file at `path`. */
  function scheduleDependents(path: string | undefined, except?: string): void {
    if (path === undefined) return;
    for (const key of analyses.dependents(path)) {
      if (key === except || !targetByKey(key)) continue;
      refreshHintsAfter.add(key);
      debouncer.schedule(key);
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
      const context = contextFor(current, documentSettings);
      const quick = analyses.get(current, documentSettings, context);
      const isNotebook = notebooks.getNotebookDocument(key) !== undefined;
      const build = (result: AnalysisResult): Map<string, Diagnostic[]> => {
        const byDocument = diagnosticsByDocument(result, current, documentSettings, uriOfPath);
        const tooLarge = analyses.tooLarge(current, documentSettings);
        if (tooLarge && current.documentUris[0]) byDocument.set(current.documentUris[0], [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: 'cnnshape', message: tooLarge }]);
        // The last confirmation's findings stay while the document is the one confirmed.
        const confirmation = confirmed.get(key);
        if (confirmation && confirmation.version === current.version && confirmation.text === current.text) {
          for (const [uri, list] of confirmation.byUri) byDocument.set(uri, [...(byDocument.get(uri) ?? []), ...list]);
        } else confirmed.delete(key);
        return byDocument;
      };
      const send = (byDocument: Map<string, Diagnostic[]>) => sendDiagnostics(key, byDocument, isNotebook ? undefined : current.version);
      // A proof a code action already made is published at once; else the quick diagnostics first.
      const provenBefore = proofs.has(quick);
      const first = build(provenBefore ? proofs.get(quick, current, documentSettings, context) : quick);
      send(first);
      // An edit in one cell changes the shapes of the cells after it, and an edit in one file those
      // of the files importing it; the client re-asks only for the edited document's hints.
      const refresh = isNotebook || refreshHintsAfter.has(key);
      refreshHintsAfter.delete(key);
      if (refresh && clientRefreshesInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
      if (provenBefore) return;
      // Then the fixes are proven (a newer edit cancels that), and the diagnostics published again
      // where the proof changed what the user sees: errors where their proven fix goes, consequences
      // folded in, as the command line reports them (fixes travel in `data`, which code actions prove anyway).
      await new Promise((resolve) => setTimeout(resolve, 0));
      const still = targetByKey(key);
      if (!still || still.version !== current.version || still.text !== current.text || analyses.get(still, documentSettings, context) !== quick) return;
      const second = build(proofs.get(quick, current, documentSettings, context));
      const shown = (byDocument: Map<string, Diagnostic[]>) => JSON.stringify([...byDocument].map(([uri, list]) => [uri, list.map(({ data: _data, ...rest }) => rest)]));
      if (shown(second) !== shown(first)) send(second);
    } catch (error) {
      // A newer edit cancelled this run; the edit scheduled its own.
      if (error instanceof AnalysisCancelled) return;
      connection.console.error(`cnnshape: diagnostics for ${key} failed: ${describeError(error)}`);
    }
  }
  const debouncer = new Debouncer(DIAGNOSTICS_TIMING, publishDiagnostics);

  /** A closed document keeps nothing: its diagnostics, the confirmation's included, are cleared. */
  function forgetTarget(key: string, documentUris: readonly string[]): void {
    debouncer.cancel(key);
    analyses.forget(key);
    settings.forget(key);
    confirmed.delete(key);
    refreshHintsAfter.delete(key);
    sendDiagnostics(key, new Map(documentUris.map((uri) => [uri, []])));
    publishedUris.delete(key);
  }

  /** Saving drops the last confirmation's findings and checks the document again. */
  function saved(key: string): void {
    if (!confirmed.delete(key)) return;
    debouncer.schedule(key);
  }

  function rescheduleAll(): void {
    for (const document of documents.all()) {
      refreshHintsAfter.add(document.uri);
      debouncer.schedule(document.uri);
    }
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

  /** Settings and analysis for a request's document, as seen from that document; undefined when the server does not serve it. */
  async function analysisFor(uri: string) {
    const before = targetForUri(uri);
    if (!before) return undefined;
    const documentSettings = await settings.get(before.key);
    if (!documentSettings.enable) return undefined;
    // An edit may have arrived while the settings were fetched: analyse the current version.
    const target = targetForUri(uri) ?? before;
    const context = contextFor(target, documentSettings);
    const quick = analyses.get(target, documentSettings, context);
    return { target, settings: documentSettings, context, quick, result: inAnalysedFile(quick) };
  }

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    // The client sends nothing else before this answer, so no analysis runs before the parser is ready.
    await ready;
    clientPullsConfiguration = params.capabilities.workspace?.configuration === true;
    clientRefreshesInlayHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    clientWatchesFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    clientHasFolders = params.capabilities.workspace?.workspaceFolders === true;
    folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setFolders(folderUris);
    workspace.setClientInterpreter(interpreterOption(params.initializationOptions));
    if (clientPullsConfiguration) {
      settings = new SettingsCache((scopeUri) => connection.workspace.getConfiguration({ scopeUri, section: 'cnnshape' }));
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        notebookDocumentSync: notebookDocumentSyncOptions,
        hoverProvider: true,
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: [...CODE_ACTION_KINDS, CONVERT_KIND] },
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: ['(', ','] },
        signatureHelpProvider: SIGNATURE_TRIGGERS,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'cnnshape' },
    };
  });

  connection.onInitialized(() => {
    if (clientPullsConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'cnnshape' }).catch(() => undefined);
    }
    // Folders added to or removed from the workspace change its roots and environments.
    if (clientHasFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => f.uri));
        folderUris = [...folderUris.filter((u) => !removed.has(u)), ...event.added.map((f) => f.uri)];
        workspace.setFolders(folderUris);
        workspace.forgetEnvironments();
        rescheduleAll();
      });
    }
    // Files the open ones import may change outside the editor (a git checkout, another tool).
    if (clientWatchesFiles) {
      // Once the client watches them, a file of the workspace is read again when the client says it changed.
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.py' }] })
        .then(() => workspace.setWatched(true))
        .catch(() => undefined);
    }
  });

  connection.onDidChangeWatchedFiles((params) => {
    let layoutChanged = false;
    for (const change of params.changes) {
      const path = workspace.pathOfUri(change.uri);
      if (path === undefined) continue;
      const createdOrDeleted = change.type !== FileChangeType.Changed;
      workspace.fileChanged(path, createdOrDeleted);
      if (createdOrDeleted) workspace.forgetEnvironments();
      layoutChanged ||= createdOrDeleted;
      scheduleDependents(path);
    }
    // A new or removed file may change where any import resolves.
    if (layoutChanged) rescheduleAll();
  });

  // The client's Python extension selected another interpreter.
  connection.onNotification(PYTHON_INTERPRETER_NOTIFICATION, (params: unknown) => {
    workspace.setClientInterpreter(interpreterOption(params));
    rescheduleAll();
  });

  connection.onDidChangeConfiguration((params) => {
    settings.changed(params.settings);
    workspace.forgetEnvironments();
    rescheduleAll();
    if (clientRefreshesInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  });

  documents.onDidOpen((event) => workspace.documentOpened(event.document.uri, () => documents.get(event.document.uri)?.getText() ?? event.document.getText()));
  documents.onDidChangeContent((event) => {
    debouncer.schedule(event.document.uri);
    scheduleDependents(workspace.pathOfUri(event.document.uri), event.document.uri);
  });
  documents.onDidSave((event) => saved(event.document.uri));
  documents.onDidClose((event) => {
    workspace.documentClosed(event.document.uri);
    forgetTarget(event.document.uri, [event.document.uri]);
    // The files that import it read the disk's copy again.
    scheduleDependents(workspace.pathOfUri(event.document.uri));
  });
  notebooks.onDidOpen((notebook) => {
    openNotebookUris.add(notebook.uri);
    debouncer.schedule(notebook.uri);
  });
  notebooks.onDidChange((event) => debouncer.schedule(event.notebookDocument.uri));
  notebooks.onDidSave((notebook) => saved(notebook.uri));
  notebooks.onDidClose((notebook) => {
    openNotebookUris.delete(notebook.uri);
    forgetTarget(notebook.uri, notebook.cells.map((cell) => cell.document));
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
      // Only proven fixes are offered: the proof of this version, made now if it is not yet.
      const proven = inAnalysedFile(proofs.get(analysis.quick, analysis.target, analysis.settings, analysis.context));
      const everyDiagnostic = [...diagnosticsByDocument(proven, analysis.target, analysis.settings).values()].flat();
      return [...codeActionsFor(params, everyDiagnostic), ...convertActionsFor(params, analysis.result, analysis.target, (path) => analysis.context.workspace?.files.read(path))];
    }),
  );

  connection.onRequest(
    SUMMARY_REQUEST,
    guarded('summary', async (params: { uri?: unknown } | undefined) => {
      const uri = params?.uri;
      if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'params.uri must be a string');
      const target = targetForUri(uri);
      if (!target) throw new ResponseError(ErrorCodes.InvalidParams, `cnnshape has no open Python file or notebook ${uri}`);
      const documentSettings = await settings.get(target.key);
      const result = analyses.get(target, documentSettings, contextFor(target, documentSettings));
      return documentSummaryMarkdown(result, decodeURIComponent(target.key.replace(/^.*\//, '')));
    }),
  );

  /** Analyses a variant of a target's text (completion's placeholder runs) with the target's options, seen from its own file. */
  function probeFor(target: AnalysisTarget, documentSettings: Settings): (text: string) => AnalysisResult {
    const input = documentSettings.defaultInputShape;
    const context = contextFor(target, documentSettings);
    return (text) => inAnalysedFile(analyze(text, { ...(input === undefined ? {} : { input }), ...context }));
  }

  connection.onCompletion(
    guarded('completion', async (params, token) => {
      const uri = requireUri(params);
      const position = requirePosition(params);
      const analysis = await analysisFor(uri);
      if (!analysis || token.isCancellationRequested) return [];
      const analysed = analysis.target.toAnalysed(uri, position);
      if (!analysed) return [];
      return completionsAt(analysis.target.text, analysed, probeFor(analysis.target, analysis.settings), analysis.result);
    }),
  );

  connection.onSignatureHelp(
    guarded('signatureHelp', async (params) => {
      const uri = requireUri(params);
      const position = requirePosition(params);
      const analysis = await analysisFor(uri);
      if (!analysis) return null;
      const analysed = analysis.target.toAnalysed(uri, position);
      return analysed ? signatureHelpAt(analysis.target.text, analysed, analysis.result) : null;
    }),
  );

  connection.onCodeLens(
    guarded('codeLens', async (params, token) => {
      const uri = requireUri(params);
      const analysis = await analysisFor(uri);
      if (!analysis || token.isCancellationRequested) return [];
      const documentSettings = await settings.get(analysis.target.key);
      return confirmCodeLenses(analysis.result, analysis.target, uri, documentSettings.costsLensEnabled);
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
      const reply = await confirmTarget(target, { uri, model }, confirmSettingsFrom(raw), documentSettings.defaultInputShape, token, host.confirm);
      // Published with the document's own diagnostics, for the version confirmed only: if the
      // document changed while TensorFlow.js ran, the findings are already out of date.
      const current = targetByKey(target.key);
      if (current && current.version === target.version && current.text === target.text) {
        confirmed.set(target.key, { version: target.version, text: target.text, byUri: new Map(reply.diagnostics.map((entry) => [entry.uri, entry.diagnostics])) });
        await publishDiagnostics(target.key);
      }
      return reply;
    }),
  );

  connection.onShutdown(() => debouncer.cancelAll());

  documents.listen(connection);
  notebooks.listen(connection);
}
