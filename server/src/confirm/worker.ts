// The confirmation in a worker thread, so that the editor (or any caller) stays responsive: the
// host posts the files' texts and options, the worker chooses the backend, runs the forward
// passes and posts the report back. `confirmInWorker` is the host side: cancelling (an
// AbortSignal) terminates the worker, and its heap is capped near the memory limit. The worker's
// entry is confirm-worker.ts (bundled as dist/confirm-worker.js); `confirmFiles` runs the same
// thing in the calling thread (the CLI).

import { Worker } from 'node:worker_threads';
import { BackendUnavailable, selectBackend, type BackendRequest } from './backends';
import { confirmText, DEFAULT_MEMORY_LIMIT_MB, type ConfirmOptions } from './confirm';
import type { ConfirmReport } from './report';

export interface ConfirmRequest {
  files: { path: string; text: string }[];
  backend: BackendRequest;
  options: ConfirmOptions;
}

/** `unavailable`: the error was a BackendUnavailable (a forced backend that cannot be had). */
export type WorkerReply = { ok: true; report: ConfirmReport } | { ok: false; error: string; unavailable?: boolean };

/** Chooses the backend and confirms every file, in this thread. Throws only when a forced backend is unavailable. */
export async function confirmFiles(request: ConfirmRequest): Promise<ConfirmReport> {
  // tfjs prints banners and warnings with console.log; stdout may carry JSON or a protocol.
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    const choice = await selectBackend(request.backend);
    const files = [];
    for (const f of request.files) files.push({ path: f.path, models: await confirmText(choice, f.text, request.options) });
    return { files, backend: { name: choice.backend, device: choice.device, notes: choice.notes } };
  } finally {
    console.log = log;
  }
}

export class ConfirmCancelled extends Error {
  constructor() {
    super('the confirmation was cancelled');
  }
}

/** Runs confirmFiles in a worker started from `workerFile` (dist/confirm-worker.js). */
export function confirmInWorker(request: ConfirmRequest, workerFile: string, signal?: AbortSignal): Promise<ConfirmReport> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ConfirmCancelled());
    const limit = request.options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    const worker = new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb: Math.max(256, limit + 512) }, stdout: true, stderr: true });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    const onAbort = () => finish(() => reject(new ConfirmCancelled()));
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (reply: WorkerReply) => finish(() => (reply.ok ? resolve(reply.report) : reject(reply.unavailable ? new BackendUnavailable(reply.error) : new Error(reply.error)))));
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the confirmation worker stopped (exit code ${code})`))));
    worker.postMessage(request);
  });
}
