// The bundle entry of dist/server.js. VS Code forks it with a node IPC channel; any other editor
// (and `cnnshape lsp --stdio`, through startServer in server.ts) talks to it over stdio. The parser
// loads while the client starts; `initialize` is answered once it has (server.ts), and a fallback to
// the WebAssembly parser is said once in the client's log.

import { loadParser } from '../platform/node-parser';
import { startServer } from './server';

// Without an IPC channel (a plain `node dist/server.js`), stdio is the only way to talk.
startServer(process.argv.includes('--stdio') || !process.send ? 'stdio' : 'ipc', (connection) =>
  loadParser({ notice: (line) => connection.console.info(line) }).then(() => undefined),
);
