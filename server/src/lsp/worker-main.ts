// The bundle entry of dist/server-worker.js: the language server itself, run in the worker thread
// that dist/server.js (main.ts) starts and relays to. The parser loads while the client starts;
// `initialize` is answered once it has, and a fallback to the WebAssembly parser is said once in
// the client's log.

import { parentPort, workerData } from 'node:worker_threads';
import { loadParser } from '../platform/node-parser';
import { CancellationBoard, useCancellationBoard } from './cancellation';
import { PortMessageReader, PortMessageWriter, type RelayData } from './relay';
import { startServer } from './node-server';

const prepare = (connection: Parameters<Parameters<typeof startServer>[1]>[0]) => loadParser({ notice: (line) => connection.console.info(line) }).then(() => undefined);

const relay = (workerData as { relay?: RelayData } | undefined)?.relay;
if (relay && parentPort) {
  useCancellationBoard(new CancellationBoard(relay.cancellation));
  startServer({ reader: new PortMessageReader(parentPort), writer: new PortMessageWriter(parentPort) }, prepare);
}
