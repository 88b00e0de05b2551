// The bundle entry of dist/server.js. VS Code forks it with a node IPC channel; any other editor
// (and `cnnshape lsp --stdio`) talks to it over stdio. The process's main thread relays messages
// (relay.ts) to a worker thread, which loads the server itself (dist/server-boot.js, then
// dist/server-worker.js, worker-main.ts, through V8's code cache), so that a long analysis never
// keeps the main thread from noticing the edit that cancels it. This bundle holds only the relay:
// the main thread never compiles the engine.
//
// The worker starts first, before this thread loads the relay and its JSON-RPC library (a lazy
// require): it boots on another core meanwhile, and the server's start waits for it, not for both.

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancellationBoard } from './cancellation';
import type { RelayData } from './relay';

// Without an IPC channel (a plain `node dist/server.js`), stdio is the only way to talk.
const transport = process.argv.includes('--stdio') || !process.send ? 'stdio' : 'ipc';
const board = new CancellationBoard();
const worker = new Worker(join(__dirname, 'server-boot.js'), { workerData: { relay: { cancellation: board.buffer, transport } satisfies RelayData }, stdout: true, stderr: false });
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('./relay') as typeof import('./relay')).relayToWorker(transport, worker, board);
