// Diagnostics: the engine's ShapeDiagnostics as LSP diagnostics, one list per real document (a
// file, or each Python cell of a notebook). Each carries its rule code, source 'cnnshape', the
// related lines the numbers came from, and its fixes in `data` (proven ones as `fixes`, those of an
// analysis without proofs as `candidates`, which are never offered as they are). Severities follow the per-rule settings; 'off' drops the rule. A diagnostic,
// related location or fix in another file of the workspace (its `path` set) goes to that file's URI.

import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range as LspRange } from 'vscode-languageserver';
import type { AnalysisResult, Range, Severity } from '../analysis/result';
import type { Settings, SeverityChoice } from './settings';
import { relabelLines, toLspRange, type AnalysisTarget } from './targets';

export const DIAGNOSTIC_SOURCE = 'cnnshape';

/** A fix as it travels in a diagnostic's `data`: already in the coordinates of a real document. */
export interface FixData {
  title: string;
  uri: string;
  range: LspRange;
  newText: string;
}

export interface DiagnosticData {
  /** Proven fixes (analysis/prove.ts), the ones code actions offer. */
  fixes: FixData[];
  /** Fixes not proven yet (an analysis without proofs): never offered as they are; the code action proves them. */
  candidates?: FixData[];
}

const SEVERITIES: Record<Severity | Exclude<SeverityChoice, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The URI of a file of the workspace, by its path (given by the server; absent, such places are dropped). */
export type UriOfPath = (path: string) => string | undefined;

/** Every document of the target gets an entry, empty when clean, so stale diagnostics are cleared. */
export function diagnosticsByDocument(result: AnalysisResult, target: AnalysisTarget, settings: Settings, uriOfPath?: UriOfPath): Map<string, Diagnostic[]> {
  const placeOf = (range: Range, path: string | undefined) => {
    if (path === undefined) return target.toDocument(range);
    const uri = uriOfPath?.(path);
    return uri === undefined ? undefined : { uri, range: toLspRange(range) };
  };
  const byDocument = new Map<string, Diagnostic[]>(target.documentUris.map((uri) => [uri, []]));
  if (!settings.enable) return byDocument;
  for (const shapeDiagnostic of result.diagnostics) {
    const chosen = settings.severityOverrides.get(shapeDiagnostic.code);
    if (chosen === 'off') continue;
    const place = placeOf(shapeDiagnostic.range, shapeDiagnostic.path);
    if (!place) continue;
    const relatedInformation: DiagnosticRelatedInformation[] = [];
    for (const related of shapeDiagnostic.related) {
      const relatedPlace = placeOf(related.range, related.path);
      if (relatedPlace) relatedInformation.push({ location: relatedPlace, message: relabelLines(related.message, target, relatedPlace.uri) });
    }
    const fixes: FixData[] = [];
    for (const fix of shapeDiagnostic.fixes) {
      const fixPlace = placeOf(fix.range, fix.path);
      if (fixPlace) fixes.push({ title: fix.title, uri: fixPlace.uri, range: fixPlace.range, newText: fix.newText });
    }
    const data: DiagnosticData = result.fixesProven === false ? { fixes: [], candidates: fixes } : { fixes };
    const diagnostic: Diagnostic = {
      range: place.range,
      severity: SEVERITIES[chosen ?? shapeDiagnostic.severity],
      code: shapeDiagnostic.code,
      source: DIAGNOSTIC_SOURCE,
      message: relabelLines(shapeDiagnostic.message, target, place.uri),
      data,
    };
    if (relatedInformation.length > 0) diagnostic.relatedInformation = relatedInformation;
    const list = byDocument.get(place.uri);
    if (list) list.push(diagnostic);
    else byDocument.set(place.uri, [diagnostic]);
  }
  return byDocument;
}

/** Reads the fixes back from a diagnostic sent by the client; anything malformed yields none. */
export function fixesOf(diagnostic: Diagnostic): FixData[] {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  if (!data || !Array.isArray(data.fixes)) return [];
  return data.fixes.filter(
    (fix): fix is FixData =>
      typeof fix === 'object' && fix !== null && typeof fix.title === 'string' && typeof fix.uri === 'string' && typeof fix.newText === 'string' && typeof fix.range === 'object',
  );
}
