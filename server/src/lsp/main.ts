// The bundle entry of dist/server.js. VS Code forks it with a node IPC channel; any other editor
// (and `cnnshape lsp --stdio`) talks to it over stdio. The process's main thread relays messages
// (relay.ts) to a worker thread started from this same file, which loads the server itself
// (dist/server-worker.js, worker-main.ts) through V8's code cache, so that a long analysis never
// keeps the main thread from noticing the edit that cancels it. This bundle holds only the relay:
// the main thread never compiles the engine.

import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { requireCached } from '../platform/compile-cache';
import { relayToWorker } from './relay';

if (isMainThread) {
  // Without an IPC channel (a plain `node dist/server.js`), stdio is the only way to talk.
  relayToWorker(process.argv.includes('--stdio') || !process.send ? 'stdio' : 'ipc', __filename);
} else {
  requireCached(join(__dirname, 'server-worker.js'));
}
