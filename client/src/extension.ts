// The desktop extension: starts the bundled language server (dist/server.js) over node IPC for
// Python files and Jupyter notebooks; the commands and the rest are common.ts.

import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateWith, clientOptions } from './common';

export { deactivate } from './common';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  await activateWith(context, new LanguageClient('cnnshape', 'cnnshape', serverOptions, clientOptions(['file', 'untitled'])));
}
