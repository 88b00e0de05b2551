// Inlay hints: one hint per line, at the end of the line's code (before a trailing comment), never
// inside an expression. One format everywhere: `→ SHAPE`, the shape the line leaves behind.
//   - A line that assigns a tensor in forward()/call() (or module code) shows the assigned shape; a
//     statement spread over several lines shows it at the end of its last line, and the layers and
//     ops inside that statement show nothing. Several names assigned at once: `→ a: A, b: B`.
//   - Otherwise the line shows the output of the last layer or op applied whose constructor or call
//     ends on it (a layer's hint sits on its constructor; `torch.flatten(x.movedim(1, -1), 1)` shows
//     the flatten's output at the end of the line).
//   - A line run more than once with different shapes (a block used twice, a layer applied in a
//     loop) lists each distinct shape once, separated by ` | `, in the order they were met.
// Length rule: a label has at most HINT_MAX_LENGTH characters (VS Code cuts the hints of a line
// after `editor.inlayHints.maximumLength`, 43 by default, in the middle of whatever is there). To
// fit, the longest symbolic dimensions are written `…` one whole dimension at a time (the rank and
// every other dimension stay; the hover has the full shape), then the last alternatives give way
// to `| +K more`, and as a last resort the label ends after the last whole dimension that fits.
// `cnnshape.inlayHints.enabled` turns them off.

import { InlayHintKind, type InlayHint, type Range as LspRange } from 'vscode-languageserver';
import type { AnalysisResult, LayerRecord, Range } from '../analysis/result';
import { dimToString } from '../shapes/dim';
import { TupleOut, type Output } from '../shapes/types';
import type { Settings } from './settings';
import type { AnalysisTarget } from './targets';

/** The longest label written; VS Code's default `editor.inlayHints.maximumLength` is 43 for a whole line. */
export const HINT_MAX_LENGTH = 40;
/** How far a statement is followed to its end; past this, broken code is assumed and the hint stays on the first line. */
const MAX_STATEMENT_LINES = 60;

/** A shape as the hint writes it: its dimensions as text, nested for a tuple output. */
type ShapeText = { dims: string[] } | { items: ShapeText[] };

function shapeText(o: Output): ShapeText {
  if (o instanceof TupleOut) return { items: o.items.map(shapeText) };
  if (o === null) return { dims: ['?'] };
  return { dims: o.map((d) => dimToString(d)) };
}

function writeShape(s: ShapeText): string {
  if ('items' in s) return `(${s.items.map(writeShape).join(', ')})`;
  return `(${s.dims.join(', ')})`;
}

/** A dimension that may be written `…`: a formula, not a number, `?` or a short name. */
function elidable(dim: string): boolean {
  return dim.length > 3 && !/^-?\d+$/.test(dim);
}

function allDims(s: ShapeText, into: { owner: string[]; index: number }[] = []): { owner: string[]; index: number }[] {
  if ('items' in s) for (const item of s.items) allDims(item, into);
  else s.dims.forEach((_, index) => into.push({ owner: s.dims, index }));
  return into;
}

/** One label, `→ A | B` or `→ a: A, b: B`, shortened by the length rule. */
export function hintLabel(parts: { name?: string; shapes: Output[] }[], maxLength = HINT_MAX_LENGTH): string {
  const named = parts.length > 1;
  const texts = parts.map((p) => ({ name: p.name, shapes: p.shapes.map(shapeText), more: 0 }));
  const write = () =>
    `→ ${texts
      .map((t) => {
        const alternatives = t.shapes.map(writeShape).join(' | ') + (t.more > 0 ? ` | +${t.more} more` : '');
        return named && t.name ? `${t.name}: ${alternatives}` : alternatives;
      })
      .join(', ')}`;
  let label = write();
  // 1. The longest formulas become `…`, one whole dimension at a time.
  while (label.length > maxLength) {
    const candidates = texts.flatMap((t) => t.shapes.flatMap((s) => allDims(s))).filter((c) => elidable(c.owner[c.index]));
    if (candidates.length === 0) break;
    // Dimensions of one length go together, so that H and W of one formula stay alike.
    const longest = Math.max(...candidates.map((c) => c.owner[c.index].length));
    for (const c of candidates) if (c.owner[c.index].length === longest) c.owner[c.index] = '…';
    label = write();
  }
  // 2. The last alternatives give way to a count.
  while (label.length > maxLength) {
    const longest = texts.reduce((a, b) => (b.shapes.length > a.shapes.length ? b : a));
    if (longest.shapes.length <= 1) break;
    longest.shapes.pop();
    longest.more++;
    label = write();
  }
  // 3. The label ends after the last whole dimension that fits.
  if (label.length > maxLength) {
    const cut = label.lastIndexOf(', ', maxLength - 2);
    if (cut > 2) label = `${label.slice(0, cut)}, …`;
  }
  return label;
}

/** Per line of `text`: where its code ends (before a comment and trailing spaces), and where the statement it starts ends. */
interface LineLayout {
  codeEnd: number[];
  /** Bracket depth and backslash continuation at the end of each line (strings and comments skipped). */
  continues: boolean[];
}

export function lineLayout(text: string): LineLayout {
  const lines = text.split('\n');
  const codeEnd: number[] = [];
  const continues: boolean[] = [];
  let depth = 0;
  let quote: string | null = null; // the closing delimiter of an open string: ', ", ''' or """
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let end = 0;
    let i = 0;
    while (i < line.length) {
      const ch = line[i];
      if (quote) {
        if (ch === '\\') {
          i += 2;
          end = Math.min(i, line.length);
          continue;
        }
        if (line.startsWith(quote, i)) {
          i += quote.length;
          quote = null;
          end = i;
          continue;
        }
        i++;
        end = i;
        continue;
      }
      if (ch === '#') break;
      if (ch === '"' || ch === "'") {
        quote = line.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
        i += quote.length;
        end = i;
        continue;
      }
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
      if (ch !== ' ' && ch !== '\t') end = i + 1;
      i++;
    }
    // A one-quote string does not run past its line.
    if (quote === '"' || quote === "'") quote = null;
    codeEnd.push(end);
    continues.push(depth > 0 || quote !== null || line.trimEnd().endsWith('\\'));
  }
  return { codeEnd, continues };
}

/** The last line of the statement that starts on (or runs through) `line`. */
function statementEnd(layout: LineLayout, line: number): number {
  let last = line;
  while (last < layout.continues.length - 1 && layout.continues[last] && last - line < MAX_STATEMENT_LINES) last++;
  return last - line >= MAX_STATEMENT_LINES ? line : last;
}

function rangeKey(r: Range): string {
  return `${r.line}:${r.column}:${r.endLine}:${r.endColumn}`;
}

function pushDistinct(list: Output[], seen: Set<string>, o: Output): void {
  const key = writeShape(shapeText(o));
  if (seen.has(key)) return;
  seen.add(key);
  list.push(o);
}

export function inlayHintsFor(result: AnalysisResult, target: AnalysisTarget, uri: string, visible: LspRange, settings: Settings): InlayHint[] {
  if (!settings.enable || !settings.inlayHintsEnabled) return [];
  const layout = lineLayout(target.text);
  /** Per line that gets a hint (in the analysed text): what it says. */
  const byLine = new Map<number, { name?: string; shapes: Output[]; seen: Set<string> }[]>();

  // Assignments: the statement's last line; its inner lines show nothing.
  const covered = new Set<number>();
  for (const model of result.models) {
    for (const note of model.assignments) {
      if (note.range.line < 0) continue;
      const last = statementEnd(layout, note.range.line);
      for (let l = note.range.line; l <= last; l++) covered.add(l);
      const parts = byLine.get(last) ?? [];
      let part = parts.find((p) => p.name === note.name);
      if (!part) parts.push((part = { name: note.name, shapes: [], seen: new Set() }));
      pushDistinct(part.shapes, part.seen, note.shape);
      byLine.set(last, parts);
    }
  }

  // Layers and ops: per line, the last one applied whose constructor or call ends there (the call of
  // `self.fc(torch.flatten(x, 1))` leaves the Linear's output, not the flatten's; the call of a
  // Sequential its last layer's), with every application of that same layer at that same place.
  const lastOnLine = new Map<number, string>();
  const byPlace = new Map<string, LayerRecord[]>();
  for (const model of result.models) {
    for (const layer of model.layers) {
      const built = rangeKey(layer.range);
      const called = `${rangeKey(layer.callRange)}|${built}`;
      const places = new Map<string, Range>([[built, layer.range]]);
      if (rangeKey(layer.callRange) !== built) places.set(called, layer.callRange);
      for (const [key, range] of places) {
        const line = range.endLine;
        if (line < 0 || covered.has(line)) continue;
        lastOnLine.set(line, key);
        byPlace.set(key, [...(byPlace.get(key) ?? []), layer]);
      }
    }
  }
  for (const [line, key] of lastOnLine) {
    const part = { shapes: [] as Output[], seen: new Set<string>() };
    for (const same of byPlace.get(key) ?? []) pushDistinct(part.shapes, part.seen, same.output);
    byLine.set(line, [part]);
  }

  const hints: InlayHint[] = [];
  for (const [line, parts] of byLine) {
    const column = layout.codeEnd[line] ?? 0;
    const place = target.toDocument({ line, column, endLine: line, endColumn: column });
    if (!place || place.uri !== uri) continue;
    const position = place.range.end;
    if (position.line < visible.start.line || position.line > visible.end.line) continue;
    hints.push({ position, label: hintLabel(parts), kind: InlayHintKind.Type, paddingLeft: true });
  }
  hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
  return hints;
}
