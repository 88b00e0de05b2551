// The bundle entry of dist/server.js. VS Code forks it with a node IPC channel; any other editor
// (and `cnnshape lsp --stdio`) talks to it over stdio. The process's main thread relays messages
// (relay.ts) to a worker thread started from this same file, which runs the server (server.ts), so
// that a long analysis never keeps the main thread from noticing the edit that cancels it. The
// parser loads while the client starts; `initialize` is answered once it has, and a fallback to the
// WebAssembly parser is said once in the client's log.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadParser } from '../platform/node-parser';
import { CancellationBoard, useCancellationBoard } from './cancellation';
import { PortMessageReader, PortMessageWriter, relayToWorker, type RelayData } from './relay';
import { startServer } from './node-server';

const prepare = (connection: Parameters<Parameters<typeof startServer>[1]>[0]) => loadParser({ notice: (line) => connection.console.info(line) }).then(() => undefined);

if (isMainThread) {
  // Without an IPC channel (a plain `node dist/server.js`), stdio is the only way to talk.
  relayToWorker(process.argv.includes('--stdio') || !process.send ? 'stdio' : 'ipc', __filename);
} else {
  const relay = (workerData as { relay?: RelayData } | undefined)?.relay;
  if (relay && parentPort) {
    useCancellationBoard(new CancellationBoard(relay.cancellation));
    startServer({ reader: new PortMessageReader(parentPort), writer: new PortMessageWriter(parentPort) }, prepare);
  }
}
