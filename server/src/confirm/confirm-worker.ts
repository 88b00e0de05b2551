// The worker thread's entry (bundled as dist/confirm-worker.js): one request in, one report (or
// error) out. The host side and the work itself are in worker.ts. The worker loads its own parser
// (a thread shares no module state with its host); the host has already said any fallback.

import { parentPort } from 'node:worker_threads';
import { loadParser } from '../platform/node-parser';
import { BackendUnavailable } from './backends';
import { confirmFiles, type ConfirmRequest, type WorkerReply } from './worker';

const port = parentPort;
if (port) {
  port.once('message', (request: ConfirmRequest) => {
    loadParser({ notice: () => undefined }).then(() => confirmFiles(request)).then(
      (report) => port.postMessage({ ok: true, report } satisfies WorkerReply),
      (error: unknown) =>
        port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error), unavailable: error instanceof BackendUnavailable } satisfies WorkerReply),
    );
  });
}
