// Runs the core's analysis for the server: one result per target version (and input setting),
// reused by diagnostics, hovers, hints and code actions; and the scheduler that decides when a
// changed document is analysed, so that a single edit is answered at once and a burst of edits
// costs one analysis.
//
// Parsing is incremental: the cache keeps, per target (a file, or a notebook's virtual document),
// the parser binding's tree with the exact text it was parsed from (and releases it once the next
// version has been parsed from it: a WebAssembly tree is not garbage collected). A new text is compared with
// that text (common prefix and suffix), the difference is applied to the old tree with tree.edit(),
// and tree-sitter re-parses only what changed. The analysis runs by parts (analysis/parts.ts): the
// parts of the module that share no name are analysed apart and kept per target by their text, so
// an edit re-analyses the part it touches and reuses the others (the whole module where the parts
// could differ from it). It is a pure function of the text and of the other files it read (its
// imports, the scripts that build its models), so a result stays valid while the version, the text
// and the text of each of those files are unchanged; `dependents(path)` names the targets to
// re-check when a file changes. Results never refer to the tree, so editing it in place is safe.

import { analyzeTree } from '../analysis/analyze';
import { analyzeByParts, PartsMemo } from '../analysis/parts';
import type { AnalysisResult } from '../analysis/result';
import { Cancelled, parser, type BindingTree } from '../syntax/binding';
import type { Workspace } from '../workspace/files';
import { AnalysisCancelled, cancellationFor } from './cancellation';
import { parseSyntax, type SyntaxNode, type Tree } from '../syntax/parse';
import type { Settings } from './settings';
import type { AnalysisTarget } from './targets';

interface CachedAnalysis {
  version: number;
  text: string;
  input: string | undefined;
  /** The size limit it was judged under (a changed setting judges again). */
  maxBytes: number;
  result: AnalysisResult;
  /** The other files the analysis read, with the text each had then. */
  dependencies: Map<string, string | undefined>;
  workspace: Workspace | undefined;
}

/** Where a target lies in the workspace: its file's path (none for a notebook) and the workspace it imports from. */
export interface TargetContext {
  path?: string;
  workspace?: Workspace;
}

/** The last native tree of a target, its plain copy, and the text it was parsed from (the base for the next edit). */
interface ParsedText {
  text: string;
  tree: BindingTree;
  plain: SyntaxNode;
  /** The whole parse (plain tree and query results): analysed again as it is while the text is unchanged. */
  syntax: Tree;
}

const EMPTY_RESULT: AnalysisResult = { models: [], diagnostics: [] };

/** Texts from this size on are said in the log when their analysis starts (and when it is cancelled). */
const LARGE_TEXT = 512 * 1024;

export class AnalysisCache {
  private readonly entries = new Map<string, CachedAnalysis>();
  private readonly parsed = new Map<string, ParsedText>();
  /** Each target's parts and their results, for the next edit. */
  private readonly parts = new Map<string, PartsMemo>();

  constructor(
    private readonly logError: (message: string) => void,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /**
   * The analysis of the target's current text. Throws AnalysisCancelled when a newer edit of the
   * target arrived meanwhile (cancellation.ts); nothing is cached then. A text over the size limit
   * (setting cnnshape.maxFileSizeMb) is not analysed: its result is empty, and tooLarge() says why.
   */
  get(target: AnalysisTarget, settings: Settings, context: TargetContext = {}): AnalysisResult {
    const input = settings.defaultInputShape;
    const maxBytes = settings.maxFileSizeMb * 1048576;
    const cached = this.entries.get(target.key);
    if (cached && cached.version === target.version && cached.input === input && cached.text === target.text && cached.maxBytes === maxBytes && dependenciesUnchanged(cached)) {
      return cached.result;
    }
    if (target.text.length > maxBytes) {
      this.dropTree(target.key);
      this.entries.set(target.key, { version: target.version, text: target.text, input, maxBytes, result: EMPTY_RESULT, dependencies: new Map(), workspace: context.workspace });
      return EMPTY_RESULT;
    }
    const isCancelled = cancellationFor(target.key);
    if (target.text.length >= LARGE_TEXT) this.log(`cnnshape: analysing ${target.key} (${(target.text.length / 1048576).toFixed(1)} MiB), version ${target.version}`);
    let result: AnalysisResult;
    try {
      const tree = this.parse(target.key, target.text, isCancelled);
      // Proofs of fixes cost up to a dozen analyses more: they run after the diagnostics are out (proofs.ts).
      const options = { ...(input === undefined ? {} : { input }), ...context, proveFixes: false, isCancelled };
      // A target's first analysis runs whole (an opened file's diagnostics come soonest so); its
      // parts are made at the next one, and kept for the edits after it.
      const memo = this.parts.get(target.key);
      if (memo) result = analyzeByParts(tree, target.text, options, memo);
      else {
        this.parts.set(target.key, new PartsMemo());
        result = analyzeTree(tree, target.text, options);
      }
      if (isCancelled?.()) throw new Cancelled();
    } catch (error) {
      if (error instanceof Cancelled) {
        // The tree may be half made or not match the text: the next version parses from scratch.
        this.dropTree(target.key);
        this.log(`cnnshape: the analysis of ${target.key}, version ${target.version}, was cancelled by a newer edit`);
        throw new AnalysisCancelled(target.key);
      }
      // The core promises not to throw; if it does, the document simply gets no results.
      this.logError(`cnnshape: analysis of ${target.key} failed: ${describeError(error)}`);
      this.dropTree(target.key);
      result = EMPTY_RESULT;
    }
    const dependencies = new Map<string, string | undefined>();
    for (const path of result.files ?? []) dependencies.set(path, context.workspace?.files.read(path));
    this.entries.set(target.key, { version: target.version, text: target.text, input, maxBytes, result, dependencies, workspace: context.workspace });
    return result;
  }

  /** The syntax tree kept for the target, when it was parsed from exactly `text` (the proof of a result analyses it again: proofs.ts). */
  treeFor(key: string, text: string): Tree | undefined {
    const kept = this.parsed.get(key);
    return kept && kept.text === text ? kept.syntax : undefined;
  }

  /** The target's parts and their results, once it has been analysed by parts (proofs.ts analyses its candidate fixes with them). */
  partsFor(key: string): PartsMemo | undefined {
    const memo = this.parts.get(key);
    return memo && memo.parts.size > 0 ? memo : undefined;
  }

  /** Why the target's text was not analysed (over the size limit), or undefined. */
  tooLarge(target: AnalysisTarget, settings: Settings): string | undefined {
    const limit = settings.maxFileSizeMb;
    if (target.text.length <= limit * 1048576) return undefined;
    return `cnnshape: not checked: this ${target.documentUris.length > 1 || target.key !== target.documentUris[0] ? 'notebook' : 'file'} (${(target.text.length / 1048576).toFixed(1)} MiB) is over the size limit of ${limit} MiB (setting cnnshape.maxFileSizeMb)`;
  }

  /** The targets whose last analysis read `path` (an import, a script that builds their models). */
  dependents(path: string): string[] {
    return [...this.entries].filter(([, e]) => e.dependencies.has(path)).map(([key]) => key);
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.parts.delete(key);
    this.dropTree(key);
  }

  private dropTree(key: string): void {
    const previous = this.parsed.get(key);
    if (previous) parser().release(previous.tree);
    this.parsed.delete(key);
  }

  /** Parses the target's text, reusing (and editing) its previous tree when there is one. */
  private parse(key: string, text: string, isCancelled?: () => boolean): Tree {
    const previous = this.parsed.get(key);
    // The same text (a file it imports changed, or a setting): its tree as it is, neither parsed nor copied again.
    if (previous && previous.text === text) return previous.syntax;
    this.parsed.delete(key);
    let tree;
    try {
      tree = previous ? reparseIncrementally(previous.tree, previous.text, text, isCancelled, previous.plain) : parseSyntax(text, undefined, { keepNative: true, isCancelled });
    } finally {
      if (previous) parser().release(previous.tree);
    }
    this.parsed.set(key, { text, tree: tree.native!, plain: tree.rootNode, syntax: tree });
    return tree;
  }
}

/** True while every file the analysis read still has the text it had. */
function dependenciesUnchanged(cached: CachedAnalysis): boolean {
  const files = cached.workspace?.files;
  if (!files) return true;
  for (const [path, text] of cached.dependencies) if (files.read(path) !== text) return false;
  return true;
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
export function reparseIncrementally(oldTree: BindingTree, oldText: string, newText: string, isCancelled?: () => boolean, oldPlain?: SyntaxNode) {
  const edit = editBetween(oldText, newText);
  if (edit) oldTree.edit(edit);
  // The old plain tree's untouched statements move into the new one (it is consumed).
  return parseSyntax(newText, oldTree, { keepNative: true, isCancelled, ...(edit && oldPlain ? { previous: { root: oldPlain, edit } } : {}) });
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
    this.pending.set(key, nextTurn(() => this.afterTurns(key, turns - 1)));
  }
}

/** Runs `f` on the next turn of the event loop (setImmediate in Node, a zero timeout in a browser worker); returns its cancel. */
function nextTurn(f: () => void): () => void {
  if (typeof setImmediate === 'function') {
    const immediate = setImmediate(f);
    return () => clearImmediate(immediate);
  }
  const timer = setTimeout(f, 0);
  return () => clearTimeout(timer);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
