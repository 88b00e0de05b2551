// Code actions: one quick fix per proven fix of a diagnostic (the core writes the new text in the
// user's style and proves it: applied to the text, the file analysed again has that error gone and
// no new one; `nn.LazyLinear(out_features)` is one of them, offered after the preferred fix), and
// "fix all shape errors" as the source action `source.fixAll.cnnshape`, which applies the first fix
// of every diagnostic that has one. The diagnostics the client holds may come from the quick
// analysis (unproven candidates in their data): each is answered with the proven diagnostic it
// stands for, the server's proof of the same document version (proofs.ts).

import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { PROOF_RELATED } from '../analysis/prove';
import { DIAGNOSTIC_SOURCE, fixesOf, type FixData } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.cnnshape`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND];

/** True when the client asked for no kinds in particular, or for a parent of `kind`. */
function wanted(kind: string, only: string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((asked) => kind === asked || kind.startsWith(`${asked}.`));
}

/**
 * @param proven every cnnshape diagnostic of the file (or notebook) with its proven fixes: what the
 * request's diagnostics are answered from, and what the fix-all applies.
 */
export function codeActionsFor(params: CodeActionParams, proven: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const only = params.context.only;
  const asked = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
  const answered = asked.map((d) => provenCounterpart(d, params.textDocument.uri, proven));
  if (wanted(CodeActionKind.QuickFix, only)) {
    const offered = new Set<Diagnostic>();
    answered.forEach((counterpart, k) => {
      if (!counterpart || offered.has(counterpart)) return;
      offered.add(counterpart);
      fixesOf(counterpart).forEach((fix, index) => {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [asked[k]],
          isPreferred: index === 0,
          edit: editOf([fix]),
        });
      });
    });
  }
  // Explicit requests for source actions get the fix-all even with nothing under the cursor;
  // the lightbulb gets it only where there is something to fix.
  const explicitlyAsked = only !== undefined && only.length > 0 && wanted(FIX_ALL_KIND, only);
  const fixAllWanted = explicitlyAsked || (!only && answered.some((d) => d !== undefined && fixesOf(d).length > 0));
  if (fixAllWanted) {
    const firstFixes = proven.map((d) => fixesOf(d)[0]).filter((fix): fix is FixData => fix !== undefined);
    if (firstFixes.length > 0) {
      actions.push({ title: 'Fix all shape errors in file (cnnshape)', kind: FIX_ALL_KIND, edit: editOf(firstFixes) });
    }
  }
  return actions;
}

/** One edit per document; overlapping fixes after the first are dropped. */
function editOf(fixes: FixData[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const fix of fixes) {
    const edits = (changes[fix.uri] ??= []);
    if (edits.some((edit) => overlaps(edit.range, fix.range))) continue;
    edits.push({ range: fix.range, newText: fix.newText });
  }
  return { changes };
}

function overlaps(a: TextEdit['range'], b: TextEdit['range']): boolean {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) =>
    p.line < q.line || (p.line === q.line && p.character <= q.character);
  return !(before(a.end, b.start) || before(b.end, a.start));
}

/**
 * The proven diagnostic a client's diagnostic stands for: the same rule at the same place, else
 * the one whose related information names its place (an error the proof moved to where its fix
 * goes, or a consequence folded into the error it derives from). A proven diagnostic without a fix
 * answers with none: an unproven candidate is never offered.
 */
function provenCounterpart(d: Diagnostic, uri: string, proven: Diagnostic[]): Diagnostic | undefined {
  const same = proven.find((p) => p.code === d.code && sameRange(p.range, d.range));
  if (same) return same;
  const took = (message: string) => message === PROOF_RELATED.valueUsed || message === PROOF_RELATED.errorShows || message.startsWith(PROOF_RELATED.consequence);
  return proven.find((p) => p.relatedInformation?.some((r) => took(r.message) && r.location.uri === uri && sameRange(r.location.range, d.range)));
}

function sameRange(a: TextEdit['range'], b: TextEdit['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
