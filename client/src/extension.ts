// The desktop extension: starts the bundled language server (dist/server.js) over node IPC for
// Python files and Jupyter notebooks; the commands and the rest are common.ts. It also tells the
// server which Python interpreter VS Code's Python extension selected, so that imports of installed
// libraries are read from that environment (read, never run).

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateWith, clientOptions } from './common';

export { deactivate } from './common';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const options = { ...clientOptions(['file', 'untitled']), initializationOptions: { pythonInterpreter: (await selectedPythonInterpreter()) ?? null } };
  const client = new LanguageClient('cnnshape', 'cnnshape', serverOptions, options);
  await activateWith(context, client);
  const changed = pythonEnvironments()?.onDidChangeActiveEnvironmentPath?.(() => {
    void selectedPythonInterpreter().then((path) => client.sendNotification('cnnshape/pythonInterpreter', { pythonInterpreter: path ?? null }));
  });
  if (changed) context.subscriptions.push(changed);
}

/** The part of the Python extension's API used here (ms-python.python: `environments`). */
interface PythonEnvironments {
  getActiveEnvironmentPath?(resource?: vscode.Uri): { path?: string } | undefined;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

function pythonEnvironments(): PythonEnvironments | undefined {
  const extension = vscode.extensions.getExtension<{ environments?: PythonEnvironments }>('ms-python.python');
  return extension?.isActive ? extension.exports?.environments : undefined;
}

/** The interpreter the Python extension selected for the first workspace folder; undefined without it. */
async function selectedPythonInterpreter(): Promise<string | undefined> {
  try {
    const extension = vscode.extensions.getExtension<{ environments?: PythonEnvironments }>('ms-python.python');
    if (!extension) return undefined;
    // Never wait long for it: the server starts without an interpreter, and hears of one later.
    if (!extension.isActive) await Promise.race([extension.activate(), new Promise((wake) => setTimeout(wake, 3000))]);
    if (!extension.isActive) return undefined;
    const path = extension.exports?.environments?.getActiveEnvironmentPath?.(vscode.workspace.workspaceFolders?.[0]?.uri)?.path;
    return typeof path === 'string' && path !== '' ? path : undefined;
  } catch {
    return undefined;
  }
}
