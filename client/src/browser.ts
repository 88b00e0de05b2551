// The web extension (VS Code for the Web: vscode.dev, github.dev, and any VS Code whose extension
// host runs in the browser): starts the language server in a web worker (dist/web/server.js: the
// same server on the WebAssembly parser, confirming on the browser's WebGPU or WebGL). The commands
// are common.ts's.

import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { activateWith, clientOptions } from './common';

export { deactivate } from './common';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverMain = vscode.Uri.joinPath(context.extensionUri, 'dist/web/server.js');
  // The web extension host is a browser worker: Worker is its global (this project compiles without the DOM types).
  const WorkerClass = (globalThis as unknown as { Worker: new (url: string) => never }).Worker;
  const worker = new WorkerClass(serverMain.toString(true));
  // Any scheme: github.dev's files are vscode-vfs:, code-server's vscode-remote:, and so on.
  await activateWith(context, new LanguageClient('cnnshape', 'cnnshape', clientOptions(), worker));
}
