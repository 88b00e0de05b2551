// Runs the core's analyze() for the server: one result per target version (and input setting),
// reused by diagnostics, hovers, hints and code actions; and a debouncer so that a burst of edits
// costs one analysis. Analysis is a pure function of the text, so the cache needs no invalidation
// beyond "the version or the text changed". The core re-parses the whole text each time.

import { analyze } from '../analysis/analyze';
import type { AnalysisResult } from '../analysis/result';
import type { Settings } from './settings';
import type { AnalysisTarget } from './targets';

interface CachedAnalysis {
  version: number;
  text: string;
  input: string | undefined;
  result: AnalysisResult;
}

const EMPTY_RESULT: AnalysisResult = { models: [], diagnostics: [] };

export class AnalysisCache {
  private readonly entries = new Map<string, CachedAnalysis>();

  constructor(private readonly logError: (message: string) => void) {}

  get(target: AnalysisTarget, settings: Settings): AnalysisResult {
    const input = settings.defaultInputShape;
    const cached = this.entries.get(target.key);
    if (cached && cached.version === target.version && cached.input === input && cached.text === target.text) {
      return cached.result;
    }
    let result: AnalysisResult;
    try {
      result = analyze(target.text, input === undefined ? {} : { input });
    } catch (error) {
      // The core promises not to throw; if it does, the document simply gets no results.
      this.logError(`cnnshape: analysis of ${target.key} failed: ${describeError(error)}`);
      result = EMPTY_RESULT;
    }
    this.entries.set(target.key, { version: target.version, text: target.text, input, result });
    return result;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

/**
 * Delays work per key until edits pause. A new edit cancels the pending run; the run itself checks
 * that its version is still current before publishing (see server.ts).
 */
export class Debouncer {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly delayMs: number,
    private readonly run: (key: string) => Promise<void>,
  ) {}

  schedule(key: string): void {
    this.cancel(key);
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        void this.run(key);
      }, this.delayMs),
    );
  }

  cancel(key: string): void {
    const timer = this.pending.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.delete(key);
  }

  cancelAll(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
