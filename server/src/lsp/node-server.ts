// The language server in Node: a connection over stdin/stdout (`cnnshape lsp --stdio`), VS Code's
// node IPC channel, or the relay's worker port (relay.ts), wired by server.ts; the workspace reads
// the disk and installed libraries (workspace.ts); confirmations run in a worker thread started
// from dist/confirm-worker.js beside this bundle.

import { join } from 'node:path';
import {
  createConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type Connection,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { confirmInWorker } from '../confirm/worker';
import { describeError } from './analysisCache';
import { wireServer } from './server';
import { LspWorkspace } from './workspace';

/** stdio, VS Code's IPC channel, or any message reader and writer (the relay's worker port). */
export type Transport = 'stdio' | 'ipc' | { reader: MessageReader; writer: MessageWriter };

/**
 * Starts the language server on this process's stdio or node IPC channel, or a given reader and
 * writer, and returns its connection. `prepare` (loading the parser) runs at once; `initialize` is
 * answered when it has finished.
 */
export function startServer(transport: Transport, prepare: (connection: Connection) => Promise<void>): Connection {
  const connection =
    transport === 'stdio'
      ? createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout))
      : transport === 'ipc'
        ? createConnection(new IPCMessageReader(process), new IPCMessageWriter(process))
        : createConnection(transport.reader, transport.writer);
  if (transport !== 'ipc') {
    // Stdout carries the protocol: anything a dependency prints goes to the client's log instead.
    console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
    console.info = console.log;
    console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
  }
  process.on('uncaughtException', (error) => connection.console.error(`cnnshape: uncaught: ${describeError(error)}`));
  process.on('unhandledRejection', (error) => connection.console.error(`cnnshape: unhandled rejection: ${describeError(error)}`));
  wireServer(connection, {
    ready: prepare(connection),
    confirm: (request, signal) => confirmInWorker(request, join(__dirname, 'confirm-worker.js'), signal),
    workspace: new LspWorkspace(),
  });
  connection.listen();
  return connection;
}
