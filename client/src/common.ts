// The VS Code side of cnnshape, shared by the desktop extension (extension.ts: the server in Node)
// and the web extension (browser.ts: the server in a web worker). Given a language client for the
// bundled server, it registers two commands: "cnnshape: Show model summary", which asks the server
// for Markdown (`cnnshape/summary`) and opens its preview, and "cnnshape: Confirm shapes with
// TensorFlow.js" (also the code lens above each model), which asks for `cnnshape/confirm` under a
// cancellable progress notification and previews the table; the server publishes the layers that
// differ as information diagnostics with the document's own, until the document changes, is saved
// or closed.
// Everything else (diagnostics, hovers, hints, fixes, settings) is the server's.

import * as vscode from 'vscode';
import type { BaseLanguageClient, LanguageClientOptions } from 'vscode-languageclient';

let client: BaseLanguageClient | undefined;

/** The documents the server serves: Python files of these schemes (any scheme when absent) and notebooks' Python cells. */
export function clientOptions(schemes?: string[]): LanguageClientOptions {
  const files = schemes ? schemes.map((scheme) => ({ scheme, language: 'python' })) : [{ language: 'python' }];
  return {
    documentSelector: [...files, { notebook: 'jupyter-notebook', language: 'python' }],
    synchronize: { configurationSection: 'cnnshape' },
  };
}

/** Registers the commands and starts `languageClient`. */
export async function activateWith(context: vscode.ExtensionContext, languageClient: BaseLanguageClient): Promise<void> {
  client = languageClient;
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider('cnnshape', reportProvider), reportChanged);
  context.subscriptions.push(vscode.commands.registerCommand('cnnshape.showModelSummary', showModelSummary));
  context.subscriptions.push(vscode.commands.registerCommand('cnnshape.confirm', confirmShapes));
  context.subscriptions.push(vscode.commands.registerCommand('cnnshape.openConverted', openConverted));
  await languageClient.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function showModelSummary(): Promise<void> {
  const uri = vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!client || !uri) {
    void vscode.window.showInformationMessage('cnnshape: open a Python file or notebook first.');
    return;
  }
  const markdown = await client.sendRequest<string>('cnnshape/summary', { uri: uri.toString() });
  await showMarkdown(`summary of ${uri.path.split('/').pop()}`, markdown);
}

/** Opens a converted model in a new, unsaved editor beside the source; its warnings in a message. */
async function openConverted(args: { code?: string; warnings?: string[] } | undefined): Promise<void> {
  if (!args?.code) return;
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: args.code });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  if (args.warnings && args.warnings.length > 0) void vscode.window.showWarningMessage(`cnnshape: the converted model differs from the source where marked TODO: ${args.warnings.join('; ')}`);
}

interface ConfirmReply {
  markdown: string;
}

/** Confirms the models of a document (or the one a code lens names) and shows the result. */
async function confirmShapes(uriText?: string, model?: string): Promise<void> {
  const uri = uriText ?? (vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri)?.toString();
  if (!client || !uri) {
    void vscode.window.showInformationMessage('cnnshape: open a Python file or notebook first.');
    return;
  }
  const active = client;
  const reply = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `cnnshape: confirming ${model ?? 'the models'} with TensorFlow.js`, cancellable: true },
    (_progress, token) => active.sendRequest<ConfirmReply>('cnnshape/confirm', { uri, model }, token).then(undefined, (error: unknown) => {
      if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`cnnshape: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }),
  );
  if (!reply) return;
  await showMarkdown(`confirmation of ${uri.split("/").pop()}`, reply.markdown);
}

/**
 * Read-only Markdown reports (summary tables, confirmations) live under the cnnshape: scheme, so
 * their preview leaves no unsaved untitled document behind.
 */
const reports = new Map<string, string>();
const reportChanged = new vscode.EventEmitter<vscode.Uri>();
const reportProvider: vscode.TextDocumentContentProvider = {
  onDidChange: reportChanged.event,
  provideTextDocumentContent: (uri) => reports.get(uri.toString()) ?? '',
};

async function showMarkdown(title: string, markdown: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: 'cnnshape', path: `/${title}.md` });
  reports.set(uri.toString(), markdown);
  reportChanged.fire(uri);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}
