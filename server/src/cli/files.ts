// The sources a command works on: the walk (walk.ts) read into sources (sources.ts), with what had
// to be skipped. Reading one file at a time keeps memory to the largest file, not the sum.

import type { AnalysisResult } from '../analysis/result';
import { readSource, SourceError, type Source } from './sources';
import { shown, walkPaths, type Skipped, type WalkOptions } from './walk';

/** A source and its analysis, as the output formats take them. */
export interface Checked {
  source: Source;
  result: AnalysisResult;
}

export interface Gathered {
  /** Yields each readable source in order; unreadable ones are added to `skipped` as they come. */
  sources(): Generator<Source>;
  /** Filled by the walk, then while `sources()` is read. */
  skipped: Skipped[];
  /** Named paths that do not exist. */
  missing: string[];
  /** The number of files found (read or not). */
  count: number;
}

export function gatherSources(paths: readonly string[], options: WalkOptions): Gathered {
  const walk = walkPaths(paths, options);
  const skipped = walk.skipped;
  return {
    skipped,
    missing: walk.missing,
    count: walk.files.length,
    *sources() {
      for (const file of walk.files) {
        const path = shown(file);
        let source: Source;
        try {
          source = readSource(file, path);
        } catch (error) {
          if (!(error instanceof SourceError)) throw error;
          skipped.push({ path, reason: error.message });
          continue;
        }
        if (source.skipReason) {
          skipped.push({ path, reason: source.skipReason });
          continue;
        }
        if (options.maxBytes !== undefined && source.kind === 'notebook' && source.text.length > options.maxBytes) {
          skipped.push({ path, reason: `its code cells are over the size limit${options.limitName ? ` (${options.limitName})` : ''}` });
          continue;
        }
        yield source;
      }
    },
  };
}
