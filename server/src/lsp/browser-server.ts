// The bundle entry of dist/web/server.js: the language server in a web worker, which the web
// extension (client/src/browser.ts) starts in VS Code for the Web (vscode.dev, github.dev). Same
// server (server.ts) as in Node, on the WebAssembly parser, with confirmations on the browser's
// WebGPU or WebGL in this worker; imports resolve between open documents (workspace-view.ts).
// Nothing here reads files or reaches the network.

import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { confirmInBrowser } from '../confirm/browser';
import { loadWebParser } from '../platform/web-parser';
import { wireServer } from './server';
import { DocumentsOnlyWorkspace } from './workspace-view';

const scope = globalThis as unknown as ConstructorParameters<typeof BrowserMessageReader>[0];
const connection = createConnection(new BrowserMessageReader(scope), new BrowserMessageWriter(scope));
// The worker has no console of its own worth reading: dependencies' messages go to the client's log.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = console.log;
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
wireServer(connection, { ready: loadWebParser(), confirm: confirmInBrowser, workspace: new DocumentsOnlyWorkspace() });
connection.listen();
