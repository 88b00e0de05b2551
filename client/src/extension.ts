// The VS Code side of cnnshape: starts the bundled language server (dist/server.js) over node IPC
// for Python files and Jupyter notebooks, and registers the one command, "cnnshape: Show model
// summary", which asks the server for Markdown (`cnnshape/summary`) and opens its preview.
// Everything else (diagnostics, hovers, hints, fixes, settings) is the server's.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { notebook: 'jupyter-notebook', language: 'python' },
    ],
    synchronize: { configurationSection: 'cnnshape' },
  };
  client = new LanguageClient('cnnshape', 'cnnshape', serverOptions, clientOptions);
  context.subscriptions.push(vscode.commands.registerCommand('cnnshape.showModelSummary', showModelSummary));
  context.subscriptions.push(vscode.commands.registerCommand('cnnshape.openConverted', openConverted));
  await client.start();
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
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
}

/** Opens a converted model in a new, unsaved editor beside the source; its warnings in a message. */
async function openConverted(args: { code?: string; warnings?: string[] } | undefined): Promise<void> {
  if (!args?.code) return;
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: args.code });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  if (args.warnings && args.warnings.length > 0) void vscode.window.showWarningMessage(`cnnshape: the PyTorch version differs where marked TODO: ${args.warnings.join('; ')}`);
}
