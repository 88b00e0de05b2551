// Proven fixes for the editor. The analysis behind diagnostics, hovers and hints runs without
// proofs (analysisCache.ts), so an edit's diagnostics cost one analysis; proving a fix costs up to
// a dozen more (analysis/prove.ts). They run here: after the quick diagnostics are published (the
// server then publishes the proven ones: errors moved to where their fix goes, consequences folded,
// the same as the command line reports), and when a code action asks for them first. Each proof
// is kept with the analysis result it proves, so it is made once per document version (and per
// version of the files that analysis read), and an edit cancels it like any analysis.

import { analyze, analyzeTree, analyzeTreeWithReanalysis, proveLater } from '../analysis/analyze';
import { provePartsLater, reanalysisByParts, type PartsMemo } from '../analysis/parts';
import type { Tree } from '../syntax/parse';
import type { AnalysisResult } from '../analysis/result';
import { AnalysisCancelled, cancellationFor } from './cancellation';
import type { Settings } from './settings';
import type { AnalysisTarget } from './targets';
import type { TargetContext } from './analysisCache';

export class ProofCache {
  /** The proven analysis of each quick result (the cache of analyses drops a result when it is stale). */
  private readonly proven = new WeakMap<AnalysisResult, AnalysisResult>();

  /**
   * `treeFor` gives the syntax tree the quick analysis of a target's text ran on, where one is kept:
   * the proof analyses it without parsing again; `partsFor` the target's parts (analysis/parts.ts),
   * where it has them: each candidate fix is analysed by parts, only the part it changes again.
   */
  constructor(
    private readonly treeFor: (target: AnalysisTarget) => Tree | undefined = () => undefined,
    private readonly partsFor: (target: AnalysisTarget) => PartsMemo | undefined = () => undefined,
  ) {}

  /** True when the quick result has something a proof may change: an error to place, a fix to prove. */
  static needsProof(quick: AnalysisResult): boolean {
    return quick.fixesProven === false && quick.diagnostics.length > 0;
  }

  /** Whether `quick`'s proof is already made. */
  has(quick: AnalysisResult): boolean {
    return !ProofCache.needsProof(quick) || this.proven.has(quick);
  }

  /**
   * The analysis of the target's text with its fixes proven, for `quick`, the result the cache of
   * analyses gave for that text. Throws AnalysisCancelled when an edit arrives meanwhile.
   */
  get(quick: AnalysisResult, target: AnalysisTarget, settings: Settings, context: TargetContext): AnalysisResult {
    if (!ProofCache.needsProof(quick)) return quick;
    const kept = this.proven.get(quick);
    if (kept) return kept;
    const isCancelled = cancellationFor(target.key);
    const input = settings.defaultInputShape;
    const options = { ...(input === undefined ? {} : { input }), ...context, isCancelled };
    // The quick analysis's own state proves its fixes where it kept it (a whole file's, or the one
    // part that holds every diagnostic: the rest of the file is not analysed again); else the text is analysed again.
    const tree = this.treeFor(target);
    const parts = this.partsFor(target);
    const result =
      proveLater(quick, isCancelled) ??
      (parts ? provePartsLater(quick, parts, options, isCancelled) : undefined) ??
      (!tree ? analyze(target.text, options) : parts ? analyzeTreeWithReanalysis(tree, target.text, options, reanalysisByParts(parts, options)) : analyzeTree(tree, target.text, options));
    if (isCancelled?.()) throw new AnalysisCancelled(target.key);
    this.proven.set(quick, result);
    return result;
  }
}
