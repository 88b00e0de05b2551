// The command line's confirmation runs in a child process rather than a worker thread: native
// libraries (Dawn probing Vulkan, with its C++ source frames; libtensorflow) write to the process's
// stderr file directly, where a thread cannot intercept them. The child's stdout and stderr are
// collected here and shown only when asked (`--verbose`) or when the child fails; the report comes
// back over the IPC channel. The entry is the same bundle as the worker thread's
// (dist/confirm-worker.js, see confirm-worker.ts), which answers either way.

import { fork } from 'node:child_process';
import { BackendUnavailable } from './backends';
import { DEFAULT_MEMORY_LIMIT_MB } from './confirm';
import type { ConfirmReport } from './report';
import type { ConfirmRequest, WorkerReply } from './worker';

export interface ChildOptions {
  /** Receives what the child printed (native libraries' messages): with --verbose, or when it fails. */
  output?: (text: string) => void;
  /** Pass everything the child printed to `output`, not only on failure. */
  verbose?: boolean;
}

/** Runs the confirmation in a child process started from `workerFile` (dist/confirm-worker.js). */
export function confirmInChild(request: ConfirmRequest, workerFile: string, options: ChildOptions = {}): Promise<ConfirmReport> {
  return new Promise((resolve, reject) => {
    const limit = request.options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    const child = fork(workerFile, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [`--max-old-space-size=${Math.max(256, Math.round(limit) + 512)}`],
      serialization: 'advanced',
    });
    const printed: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => printed.push(b));
    child.stderr?.on('data', (b: Buffer) => printed.push(b));
    let settled = false;
    const finish = (failed: boolean, f: () => void) => {
      if (settled) return;
      settled = true;
      child.kill();
      const text = Buffer.concat(printed).toString('utf8');
      if (text && (options.verbose || failed)) options.output?.(text);
      f();
    };
    child.on('message', (reply: WorkerReply) => finish(!reply.ok && !reply.unavailable, () => (reply.ok ? resolve(reply.report) : reject(reply.unavailable ? new BackendUnavailable(reply.error) : new Error(reply.error)))));
    child.on('error', (error) => finish(true, () => reject(error)));
    // Wait for the pipes to drain before judging an exit, so that a crash's message is kept.
    child.on('close', (code, signal) => finish(true, () => reject(new Error(`the confirmation process stopped (${signal ?? `exit code ${code}`})`))));
    child.send(request);
  });
}
