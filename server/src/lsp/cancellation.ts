// Cancelling a document's analysis when a newer edit of it arrives, although the analysis runs
// synchronously. The language server's work runs in a worker thread (main.ts); the main thread only
// relays messages, so it sees each edit as it arrives, while the worker is busy. For every message
// that changes or closes a document (a file, or a notebook: the key its analysis is cached under),
// the relay bumps that key's counter in memory both threads share. An analysis started at count c
// asks, every few thousand steps, whether its key's count is still c (AnalysisCache, through
// analyze()'s isCancelled); when not, it stops, and the edit is handled at once.
//
// Keys are hashed into a fixed number of slots: two documents sharing a slot only cost a repeated
// analysis. Without a board (tests that run the server in one thread, the browser) nothing is ever
// cancelled.

const SLOTS = 1024;

/** A counter per slot of document keys, in memory shared between the relay and the server's thread. */
export class CancellationBoard {
  readonly counts: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * 4)) {
    this.counts = new Int32Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.counts.buffer as SharedArrayBuffer;
  }

  /** Marks every analysis of `key` running now as out of date. */
  bump(key: string): void {
    Atomics.add(this.counts, slotOf(key), 1);
  }

  /** A check that says yes once `key` has been bumped after this call. */
  watch(key: string): () => boolean {
    const slot = slotOf(key);
    const start = Atomics.load(this.counts, slot);
    return () => Atomics.load(this.counts, slot) !== start;
  }
}

function slotOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % SLOTS;
}

/** The keys (file or notebook URIs) a client message changes or closes; empty for any other message. */
export function changedKeys(message: unknown): string[] {
  const m = message as { method?: unknown; params?: { textDocument?: { uri?: unknown }; notebookDocument?: { uri?: unknown } } };
  switch (m?.method) {
    case 'textDocument/didChange':
    case 'textDocument/didClose':
      return typeof m.params?.textDocument?.uri === 'string' ? [m.params.textDocument.uri] : [];
    case 'notebookDocument/didChange':
    case 'notebookDocument/didClose':
      return typeof m.params?.notebookDocument?.uri === 'string' ? [m.params.notebookDocument.uri] : [];
    case 'workspace/didChangeConfiguration':
      return ['*'];
    default:
      return [];
  }
}

let board: CancellationBoard | undefined;

/** Installs the board this thread's analyses watch (the server's worker does, with the relay's buffer). */
export function useCancellationBoard(b: CancellationBoard | undefined): void {
  board = b;
}

/** A check for an analysis of `key` starting now: yes once the key (or every key: '*') changes. */
export function cancellationFor(key: string): (() => boolean) | undefined {
  if (!board) return undefined;
  const mine = board.watch(key);
  const all = board.watch('*');
  return () => mine() || all();
}

/** The result a cancelled analysis gives instead of one: the request is answered ContentModified. */
export class AnalysisCancelled extends Error {
  constructor(key: string) {
    super(`the analysis of ${key} was cancelled by a newer edit`);
  }
}
