// The confirmation's entry (bundled as dist/confirm-worker.js): one request in, one report (or
// error) out, as a worker thread (the language server: worker.ts) or as a forked child process
// (the command line: child.ts). The work itself is in worker.ts. The worker loads its own parser
// (a thread shares no module state with its host); the host has already said any fallback.

import { parentPort } from 'node:worker_threads';
import { loadParser } from '../platform/node-parser';
import { BackendUnavailable } from './backends';
import { confirmFiles, type ConfirmRequest, type WorkerReply } from './worker';

function answer(request: ConfirmRequest, reply: (message: WorkerReply) => void): void {
  loadParser({ notice: () => undefined })
    .then(() => confirmFiles(request))
    .then(
      (report) => reply({ ok: true, report }),
      (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.message : String(error), unavailable: error instanceof BackendUnavailable }),
    );
}

const port = parentPort;
if (port) port.once('message', (request: ConfirmRequest) => answer(request, (message) => port.postMessage(message)));
else if (process.send) {
  // Forked by the command line (child.ts): the report goes back over the IPC channel, then the
  // process ends (tfjs and Dawn may keep handles open).
  process.once('message', (request: ConfirmRequest) => answer(request, (message) => process.send!(message, () => process.exit(0))));
}
