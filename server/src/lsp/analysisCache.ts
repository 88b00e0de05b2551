// Runs the core's analysis for the server: one result per target version (and input setting),
// reused by diagnostics, hovers, hints and code actions; and the scheduler that decides when a
// changed document is analysed, so that a single edit is answered at once and a burst of edits
// costs one analysis.
//
// Parsing is incremental: the cache keeps, per target (a file, or a notebook's virtual document),
// the parser binding's tree with the exact text it was parsed from (and releases it once the next
// version has been parsed from it: a WebAssembly tree is not garbage collected). A new text is compared with
// that text (common prefix and suffix), the difference is applied to the old tree with tree.edit(),
// and tree-sitter re-parses only what changed. The analysis itself (analyzeTree) still runs over the
// whole module: it is a pure function of the text, so the cache needs no invalidation beyond "the
// version or the text changed". Results never refer to the tree, so editing it in place is safe.

import { analyzeTree } from '../analysis/analyze';
import type { AnalysisResult } from '../analysis/result';
import { parser, type BindingTree } from '../syntax/binding';
import { parseSyntax } from '../syntax/parse';
import type { Settings } from './settings';
import type { AnalysisTarget } from './targets';

interface CachedAnalysis {
  version: number;
  text: string;
  input: string | undefined;
  result: AnalysisResult;
}

/** The last native tree of a target, and the text it was parsed from (the base for the next edit). */
interface ParsedText {
  text: string;
  tree: BindingTree;
}

const EMPTY_RESULT: AnalysisResult = { models: [], diagnostics: [] };

export class AnalysisCache {
  private readonly entries = new Map<string, CachedAnalysis>();
  private readonly parsed = new Map<string, ParsedText>();

  constructor(private readonly logError: (message: string) => void) {}

  get(target: AnalysisTarget, settings: Settings): AnalysisResult {
    const input = settings.defaultInputShape;
    const cached = this.entries.get(target.key);
    if (cached && cached.version === target.version && cached.input === input && cached.text === target.text) {
      return cached.result;
    }
    let result: AnalysisResult;
    try {
      const tree = this.parse(target.key, target.text);
      result = analyzeTree(tree, target.text, input === undefined ? {} : { input });
    } catch (error) {
      // The core promises not to throw; if it does, the document simply gets no results.
      this.logError(`cnnshape: analysis of ${target.key} failed: ${describeError(error)}`);
      this.dropTree(target.key);
      result = EMPTY_RESULT;
    }
    this.entries.set(target.key, { version: target.version, text: target.text, input, result });
    return result;
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.dropTree(key);
  }

  private dropTree(key: string): void {
    const previous = this.parsed.get(key);
    if (previous) parser().release(previous.tree);
    this.parsed.delete(key);
  }

  /** Parses the target's text, reusing (and editing) its previous tree when there is one. */
  private parse(key: string, text: string) {
    const previous = this.parsed.get(key);
    this.parsed.delete(key);
    const tree = previous ? reparseIncrementally(previous.tree, previous.text, text) : parseSyntax(text, undefined, true);
    if (previous) parser().release(previous.tree);
    this.parsed.set(key, { text, tree: tree.native! });
    return tree;
  }
}

/** A tree-sitter edit in the units of both bindings: UTF-16 code unit indices, rows split at '\n'. */
export interface TextEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: { row: number; column: number };
  oldEndPosition: { row: number; column: number };
  newEndPosition: { row: number; column: number };
}

/**
 * The single edit that turns `oldText` into `newText`: everything between their common prefix and
 * common suffix. Undefined when the texts are equal. The ends never fall inside a surrogate pair.
 */
export function editBetween(oldText: string, newText: string): TextEdit | undefined {
  if (oldText === newText) return undefined;
  const shorter = Math.min(oldText.length, newText.length);
  let prefix = 0;
  while (prefix < shorter && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  // Do not split a surrogate pair: end the prefix before its high half.
  if (prefix > 0 && isHighSurrogate(oldText.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  const suffixLimit = shorter - prefix;
  while (suffix < suffixLimit && oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)) suffix++;
  // Likewise, start the suffix after a low half rather than on it.
  if (suffix > 0 && isLowSurrogate(oldText.charCodeAt(oldText.length - suffix))) suffix--;
  const oldEndIndex = oldText.length - suffix;
  const newEndIndex = newText.length - suffix;
  const startPosition = pointAt(oldText, prefix);
  return {
    startIndex: prefix,
    oldEndIndex,
    newEndIndex,
    startPosition,
    oldEndPosition: pointAfter(oldText, prefix, startPosition, oldEndIndex),
    newEndPosition: pointAfter(newText, prefix, startPosition, newEndIndex),
  };
}

/**
 * Applies the difference between the old and the new text to the old tree (in place) and re-parses
 * the new text with it, keeping the new tree (`.native`) for the next edit. The old tree must have
 * been parsed from exactly `oldText`; the caller still owns it.
 */
export function reparseIncrementally(oldTree: BindingTree, oldText: string, newText: string) {
  const edit = editBetween(oldText, newText);
  if (edit) oldTree.edit(edit);
  return parseSyntax(newText, oldTree, true);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Row and column of a string index; tree-sitter starts a row after each '\n' only. */
function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** Row and column of `index`, counting on from a known point at `from` (both in `text`). */
function pointAfter(text: string, from: number, fromPoint: { row: number; column: number }, index: number): { row: number; column: number } {
  let row = fromPoint.row;
  let lineStart = from - fromPoint.column;
  for (let i = text.indexOf('\n', from); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** How long changes wait before analysis: a moment when they come alone, longer within a burst. */
export interface SchedulerTiming {
  /** Wait after a change that finds nothing pending, so that messages sent together arrive. */
  settleMs: number;
  /** Wait after a change that cancels a pending run: edits are still arriving. */
  burstMs: number;
}

/** A change alone is answered in about a millisecond; inside a burst, edits must pause 50 ms. */
export const DIAGNOSTICS_TIMING: SchedulerTiming = { settleMs: 1, burstMs: 50 };

/**
 * Decides when each key's work runs after a change. A change that finds nothing pending runs after
 * `settleMs` and two further turns of the event loop: the LSP connection hands over one queued
 * message per turn, so by then every message that arrived together with this change has been seen.
 * A change that finds a run still pending is part of a burst: it cancels that run and waits
 * `burstMs` of quiet instead. Either way a burst ends in one run, for its last version. The run
 * itself checks that its version is still current before publishing (see server.ts).
 */
export class Debouncer {
  private readonly pending = new Map<string, () => void>();

  constructor(
    private readonly timing: SchedulerTiming,
    private readonly run: (key: string) => Promise<void>,
  ) {}

  schedule(key: string): void {
    const inBurst = this.pending.has(key);
    this.cancel(key);
    const timer = setTimeout(() => this.afterTurns(key, 2), inBurst ? this.timing.burstMs : this.timing.settleMs);
    this.pending.set(key, () => clearTimeout(timer));
  }

  cancel(key: string): void {
    this.pending.get(key)?.();
    this.pending.delete(key);
  }

  cancelAll(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }

  /** Lets the event loop go round `turns` more times (a newer change cancels), then runs. */
  private afterTurns(key: string, turns: number): void {
    if (turns === 0) {
      this.pending.delete(key);
      void this.run(key);
      return;
    }
    const immediate = setImmediate(() => this.afterTurns(key, turns - 1));
    this.pending.set(key, () => clearImmediate(immediate));
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
