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
  const worker = new WorkerClass(await workerUrl(serverMain));
  // Any scheme: github.dev's files are vscode-vfs:, code-server's vscode-remote:, and so on.
  await activateWith(context, new LanguageClient('cnnshape', 'cnnshape', worker, clientOptions()));
}

/**
 * A URL the web extension host can start a worker from. vscode.dev serves an extension over
 * https (or file: in a desktop's web host), and those load as they are; where the extension is
 * installed on a remote server (code-server, a VS Code server in the browser) its location is
 * `vscode-remote:`, from which the extension host refuses to start a worker ("Creating workers
 * from remote extensions is currently not supported"). There the script is read through the
 * editor's file system and started from a Blob URL.
 */
async function workerUrl(script: vscode.Uri): Promise<string> {
  if (script.scheme === 'https' || script.scheme === 'http' || script.scheme === 'file') return script.toString(true);
  const bytes = await vscode.workspace.fs.readFile(script);
  const web = globalThis as unknown as { Blob: new (parts: Uint8Array[], options: { type: string }) => unknown; URL: { createObjectURL(blob: unknown): string } };
  return web.URL.createObjectURL(new web.Blob([bytes], { type: 'text/javascript' }));
}
