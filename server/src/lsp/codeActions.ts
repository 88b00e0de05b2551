// Code actions: one quick fix per fix that travels with a diagnostic (the core writes the new text
// in the user's style); for `linear-in-features` also the alternative of `nn.LazyLinear(out_features)`,
// which lets PyTorch infer in_features; and "fix all shape errors" as the source action
// `source.fixAll.cnnshape`, which applies the first fix of every diagnostic that has one.

import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_SOURCE, fixesOf, type FixData } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.cnnshape`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND];

/** True when the client asked for no kinds in particular, or for a parent of `kind`. */
function wanted(kind: string, only: string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((asked) => kind === asked || kind.startsWith(`${asked}.`));
}

/**
 * @param documentText the current text of the document the request is about.
 * @param allDiagnostics every cnnshape diagnostic of the file (or notebook), for the fix-all action.
 */
export function codeActionsFor(params: CodeActionParams, documentText: string, allDiagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const only = params.context.only;
  if (wanted(CodeActionKind.QuickFix, only)) {
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      fixesOf(diagnostic).forEach((fix, index) => {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: index === 0,
          edit: editOf([fix]),
        });
      });
      if (diagnostic.code === 'linear-in-features') {
        const lazy = lazyLinearAction(params.textDocument.uri, documentText, diagnostic);
        if (lazy) actions.push(lazy);
      }
    }
  }
  // Explicit requests for source actions get the fix-all even with nothing under the cursor;
  // the lightbulb gets it only where there is something to fix.
  const explicitlyAsked = only !== undefined && only.length > 0 && wanted(FIX_ALL_KIND, only);
  const fixAllWanted = explicitlyAsked || (!only && params.context.diagnostics.some((d) => fixesOf(d).length > 0));
  if (fixAllWanted) {
    const firstFixes = allDiagnostics.map((d) => fixesOf(d)[0]).filter((fix): fix is FixData => fix !== undefined);
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
 * Replaces `nn.Linear(a, b, ...)` around the diagnostic by `nn.LazyLinear(b, ...)`. Only offered for a
 * qualified name (`nn.Linear`, `torch.nn.Linear`), where `LazyLinear` is reachable the same way.
 */
export function lazyLinearAction(uri: string, text: string, diagnostic: Diagnostic): CodeAction | undefined {
  const document = TextDocument.create(uri, 'python', 0, text);
  const start = document.offsetAt(diagnostic.range.start);
  const end = document.offsetAt(diagnostic.range.end);
  const call = findEnclosingLinearCall(text, start, end);
  if (!call) return undefined;
  const args = splitArguments(text.slice(call.openParen + 1, call.closeParen));
  const keywordIndex = args.findIndex((arg) => /^in_features\s*=/.test(arg));
  const inFeaturesIndex = keywordIndex >= 0 ? keywordIndex : args.findIndex((arg) => !/^\w+\s*=/.test(arg));
  if (inFeaturesIndex < 0) return undefined;
  const rest = args.filter((_, index) => index !== inFeaturesIndex);
  if (rest.length === 0) return undefined;
  const newText = `${call.qualifier}LazyLinear(${rest.join(', ')})`;
  return {
    title: `Use ${newText} (PyTorch infers in_features)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: {
      changes: {
        [uri]: [{ range: { start: document.positionAt(call.start), end: document.positionAt(call.closeParen + 1) }, newText }],
      },
    },
  };
}

interface LinearCall {
  /** Offset of the qualified name. */
  start: number;
  /** `nn.` or `torch.nn.`. */
  qualifier: string;
  openParen: number;
  closeParen: number;
}

function findEnclosingLinearCall(text: string, start: number, end: number): LinearCall | undefined {
  const pattern = /((?:[A-Za-z_]\w*\.)+)Linear\s*\(/g;
  let found: LinearCall | undefined;
  for (let match = pattern.exec(text); match && match.index < start; match = pattern.exec(text)) {
    const openParen = match.index + match[0].length - 1;
    const closeParen = matchingParen(text, openParen);
    if (closeParen !== undefined && closeParen >= end) {
      found = { start: match.index, qualifier: match[1], openParen, closeParen };
    }
  }
  return found;
}

/** The offset of the bracket closing the one at `open`, skipping strings; undefined when unbalanced. */
function matchingParen(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      i = endOfString(text, i);
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

function endOfString(text: string, quoteAt: number): number {
  const quote = text[quoteAt];
  for (let i = quoteAt + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

/** Splits an argument list at its top-level commas; each argument trimmed, comments dropped. */
export function splitArguments(argumentText: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < argumentText.length; i++) {
    const ch = argumentText[i];
    if (ch === '"' || ch === "'") {
      const close = endOfString(argumentText, i);
      current += argumentText.slice(i, close + 1);
      i = close;
      continue;
    }
    if (ch === '#') {
      while (i < argumentText.length && argumentText[i] !== '\n') i++;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') args.push(current.trim());
  return args.filter((arg) => arg !== '');
}
