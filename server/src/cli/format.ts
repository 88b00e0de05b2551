// Formatting analysis results for the terminal and for JSON: compiler-style diagnostics,
// the JSON document of `cnnshape check --format json`, and summary tables in the layout of
// torchinfo (PyTorch) and Keras's model.summary() (Keras). Positions go through the source's
// `place` (sources.ts): columns in code points, and for notebooks the cell and the line within it.

import type { AnalysisResult, BlockRecord, LayerRecord, ModelResult, Range, ShapeDiagnostic } from '../analysis/result';
import { formatFigure, formatMegabytes, type ModelCosts } from '../analysis/costs';
import { addCounts, type Count, countToJson, formatCount } from '../shapes/count';
import { dimToJson, dimToString } from '../shapes/dim';
import { formatOutput } from '../shapes/shape';
import { Output, Shape, TupleOut } from '../shapes/types';
import { codePointColumn, formatPlace, type Place } from './sources';

/** What formatting needs of a source: its lines and the user's place of a position. */
export interface Placed {
  lines: readonly string[];
  place(line: number, column: number): Place;
}

/** A plain Python file's placing: lines split at '\n', columns in code points. */
export function placedText(path: string, text: string): Placed {
  const lines = text.split('\n');
  return { lines, place: (line, column) => ({ path, line: line + 1, column: codePointColumn(lines[line] ?? '', column) + 1 }) };
}

/** A message's "at line N" (a line of the analysed text) in the user's terms, "at cell 3 line 2" in a notebook. */
export function placeMessage(message: string, source: Placed): string {
  return message.replace(/\bat line (\d+)\b/g, (whole, n: string) => {
    const p = source.place(Number(n) - 1, 0);
    return p.cell === undefined ? whole : `at cell ${p.cell} line ${p.line}`;
  });
}

export function shapeToJson(s: Shape): (number | string | null)[] | null {
  return s === null ? null : s.map(dimToJson);
}

export function outputToJson(o: Output): unknown {
  if (o instanceof TupleOut) return o.items.map(outputToJson);
  return shapeToJson(o);
}

/** The place of a range's start in JSON: `line` (and `cell` in a notebook). */
function lineOf(source: Placed, r: Range): { cell?: number; line: number } {
  const p = source.place(r.line, r.column);
  return p.cell === undefined ? { line: p.line } : { cell: p.cell, line: p.line };
}

function rangeWithin(inner: Range, outer: Range): boolean {
  const starts = inner.line > outer.line || (inner.line === outer.line && inner.column >= outer.column);
  const ends = inner.endLine < outer.endLine || (inner.endLine === outer.endLine && inner.endColumn <= outer.endColumn);
  return starts && ends;
}

/**
 * A model's layers with each Keras functional model it calls as a layer (one `encoder (Functional)`
 * row in the summary, as Keras prints it) replaced by that model's own layers, each marked with the
 * names of the models it lies `within`. A call the file's models do not account for (a
 * keras.applications model) stays one row.
 */
export function flattenNested(m: ModelResult, models: readonly ModelResult[], within: string[] = [], depth = 0): { layer: LayerRecord; within: string[] }[] {
  const out: { layer: LayerRecord; within: string[] }[] = [];
  // A Keras Sequential called as a layer is one summary row too: its layers stay, marked with its name.
  const sequentials = m.framework === 'keras' ? kerasSummaryRows(m).within : new Map<number, string>();
  for (const [i, l] of m.layers.entries()) {
    const seq = sequentials.get(i);
    const at = seq === undefined ? within : [...within, seq];
    const sub = l.kind === 'Functional' && depth < 8 ? models.find((s) => s !== m && s.framework === 'keras' && s.path === l.path && s.layers.length > 0 && rangeWithin(l.range, s.extent) && !s.layers.some((x) => x.kind === 'Functional' && x.layerId === l.layerId)) : undefined;
    if (!sub) {
      out.push({ layer: l, within: at });
      continue;
    }
    const name = typeof l.args?.name === 'string' ? l.args.name : sub.name;
    out.push(...flattenNested(sub, models, [...at, name], depth + 1));
  }
  return out;
}

/**
 * The JSON of one checked file. Positions in it go through the source's place (cells, code points).
 * A model, layer, diagnostic or related location in another file of the workspace carries that
 * file's `path` (as `showPath` writes it) and that file's line and column; the checked file's own carry none.
 */
export function fileToJson(path: string, result: AnalysisResult, source: Placed, showPath: (path: string) => string = (p) => p): unknown {
  const at = (p: string | undefined) => (p === undefined ? {} : { path: showPath(p) });
  const where = (p: string | undefined, r: Range) => (p === undefined ? lineOf(source, r) : { line: r.line + 1 });
  const point = (p: string | undefined, line: number, column: number) => {
    if (p !== undefined) return { line: line + 1, column: column + 1 };
    const placed = source.place(line, column);
    return { ...(placed.cell === undefined ? {} : { cell: placed.cell }), line: placed.line, column: placed.column };
  };
  return {
    path,
    models: result.models.map((m) => ({
      name: m.name,
      framework: m.framework,
      ...at(m.path),
      ...where(m.path, m.range),
      input: m.input.map(shapeToJson),
      inputSource: m.inputSource,
      layers: flattenNested(m, result.models).map(({ layer: l, within }) => {
        const o: Record<string, unknown> = {
          ...(within.length ? { within: within.join('/') } : {}),
          kind: l.kind,
          module: l.module,
          name: l.name,
          ...at(l.path),
          ...where(l.path, l.range),
          callLine: l.path === undefined ? source.place(l.callRange.line, 0).line : l.callRange.line + 1,
          input: l.input.map(shapeToJson),
          output: outputToJson(l.output),
        };
        if (l.module) {
          o.params = countToJson(l.params ?? null);
          o.multAdds = dimToJson(l.multAdds ?? null);
          o.outputBytes = dimToJson(l.outputBytes ?? null);
        }
        return o;
      }),
      output: outputToJson(m.output),
      totalParams: countToJson(m.totalParams),
      costs: costsToJson(m.costs),
    })),
    diagnostics: result.diagnostics.map((d) => {
      const start = point(d.path, d.range.line, d.range.column);
      const end = point(d.path, d.range.endLine, d.range.endColumn);
      return {
        code: d.code,
        severity: d.severity,
        message: placeMessage(d.message, source),
        ...at(d.path),
        ...start,
        endLine: end.line,
        endColumn: end.column,
        related: d.related.map((r) => ({ ...at(r.path), ...point(r.path, r.range.line, r.range.column), message: placeMessage(r.message, source) })),
        fixes: d.fixes.map((f) => ({ title: f.title, newText: f.newText })),
      };
    }),
  };
}

/** `file:line:col: error[code]: message` (`file:cell N:line:col` in a notebook), the source line, and a caret under the range. */
export function formatDiagnostic(source: Placed, d: ShapeDiagnostic): string {
  const src = source.lines[d.range.line] ?? '';
  const start = source.place(d.range.line, d.range.column);
  const startColumn = codePointColumn(src, d.range.column);
  const endColumn = codePointColumn(src, d.range.endLine === d.range.line ? d.range.endColumn : src.length);
  const width = Math.max(1, endColumn - startColumn);
  const gutter = String(start.line);
  const out = [`${formatPlace(start)}: ${d.severity}[${d.code}]: ${placeMessage(d.message, source)}`, `${gutter} | ${src}`, `${' '.repeat(gutter.length)} | ${' '.repeat(startColumn)}${'^'.repeat(width)}`];
  for (const f of d.fixes) out.push(`${' '.repeat(gutter.length)} = fix: ${f.title}`);
  return out.join('\n');
}

function fmt(o: Output, keras: boolean): string {
  if (o === null) return '?';
  const s = formatOutput(o);
  return keras ? s.replace(/\?/g, 'None') : s;
}

function table(rows: string[][], header: string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd();
  const rule = '='.repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  return [rule, line(header), rule, ...rows.map(line), rule].join('\n');
}

function layerLabel(l: LayerRecord): string {
  return l.name ? `${l.kind} (${l.name})` : l.kind;
}

/** Keras's automatic layer names: `conv2d`, `conv2d_1`, ... (or the `name=` given). */
export function kerasLayerNames(layers: readonly LayerRecord[]): string[] {
  const counts = new Map<string, number>();
  const seen = new Map<string, string>();
  return layers.map((l) => {
    const given = l.args?.name;
    if (typeof given === 'string') return given;
    // One name per layer object: a layer built in a loop is a new layer each time round.
    const key = l.layerId !== null ? `id:${l.layerId}` : `at:${l.range.line}:${l.range.column}`;
    if (seen.has(key)) return seen.get(key)!;
    const base = kerasSnakeCase(l.kind);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    const name = n === 0 ? base : `${base}_${n}`;
    seen.set(key, name);
    return name;
  });
}

/** Keras's own `to_snake_case` of a class name: `Conv2DTranspose` → `conv2d_transpose`, `ReLU` → `re_lu`. */
export function kerasSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  return intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Non-trainable parameters of a Keras layer: BatchNormalization's moving mean and variance. */
function nonTrainable(l: LayerRecord): number {
  if (l.frozenParams !== undefined) return l.frozenParams;
  if (l.kind !== 'BatchNormalization') return 0;
  const input = l.input[0];
  const c = input ? input[input.length - 1] : null;
  return typeof c === 'number' ? 2 * c : 0;
}

/**
 * The rows of a Keras model's summary: its layers, with each Keras Sequential it calls as a layer
 * (`sequential (Sequential)`, as Keras prints it) one row with that call's output and parameters,
 * and the row's name; `within` gives, for each index in `layers`, the name of the Sequential row it
 * was folded into.
 */
export function kerasSummaryRows(m: ModelResult): { rows: { label: string; output: Output; params: Count | null | undefined }[]; within: Map<number, string> } {
  const groups = (m.blocks ?? []).filter((b) => b.sequential !== undefined && b.layers.length > 0);
  // Only the outermost: a Sequential inside a nested Sequential is part of its row.
  const outer = groups.filter((g) => !groups.some((o) => o !== g && o.layers.length > g.layers.length && g.layers.every((i) => o.layers.includes(i))));
  const groupOf = new Map<number, BlockRecord>();
  for (const g of outer) for (const i of g.layers) if (!groupOf.has(i)) groupOf.set(i, g);
  const entries: { record: LayerRecord; output: Output; params: Count | null | undefined; group?: BlockRecord }[] = [];
  const started = new Set<BlockRecord>();
  m.layers.forEach((l, i) => {
    const g = groupOf.get(i);
    if (!g) {
      // What a custom Keras layer's call applied is part of that layer's row.
      if (l.module && l.within === undefined) entries.push({ record: l, output: l.output, params: l.params });
      return;
    }
    if (started.has(g)) return;
    started.add(g);
    // The row stands for the Sequential object: its `name=`, else Keras's automatic `sequential`, `sequential_1`, ...
    const record: LayerRecord = { ...l, kind: 'Sequential', layerId: null, range: g.range ?? l.range, args: g.sequential?.name === undefined ? null : { name: g.sequential.name } };
    entries.push({ record, output: g.output, params: g.params, group: g });
  });
  const names = kerasLayerNames(entries.map((e) => e.record));
  const within = new Map<number, string>();
  entries.forEach((e, k) => {
    if (e.group) for (const i of e.group.layers) within.set(i, names[k]);
  });
  return { rows: entries.map((e, k) => ({ label: `${names[k]} (${e.record.kind})`, output: e.output, params: e.params })), within };
}

function formatKerasSummary(m: ModelResult): string {
  const layers = m.layers.filter((l) => l.module);
  const rows = kerasSummaryRows(m).rows.map((r) => [r.label, fmt(r.output, true), r.params === null || r.params === undefined ? '?' : formatCount(r.params)]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const cell = (c: string, i: number) => (i === 2 ? ` ${c.padStart(w[i] - 2)} ` : ` ${c.padEnd(w[i] - 2)} `);
  const bar = (l: string, m2: string, r: string, f: string) => l + w.map((x) => f.repeat(x)).join(m2) + r;
  const out = [`Model: "${m.name}"`, bar('┏', '┳', '┓', '━'), '┃' + header.map(cell).join('┃') + '┃', bar('┡', '╇', '┩', '━')];
  rows.forEach((r, i) => {
    out.push('│' + r.map(cell).join('│') + '│');
    if (i < rows.length - 1) out.push(bar('├', '┼', '┤', '─'));
  });
  out.push(bar('└', '┴', '┘', '─'));
  const bytes = (count: number | bigint) => {
    const n = Number(count);
    return n * 4 >= 1024 * 1024 ? `${((n * 4) / 1024 / 1024).toFixed(2)} MB` : n * 4 >= 1024 ? `${((n * 4) / 1024).toFixed(2)} KB` : `${(n * 4).toFixed(2)} B`;
  };
  if (m.totalParams === null) out.push(` Total params: unknown (${m.layers.some((l) => l.leaf && l.params === null) ? "a custom layer's weights are" : 'an input size is'} not known)`);
  else {
    const frozen = layers.reduce((a, l) => a + nonTrainable(l), 0);
    const trainable = addCounts(m.totalParams, -frozen) ?? 0;
    out.push(` Total params: ${formatCount(m.totalParams)} (${bytes(m.totalParams)})`);
    out.push(` Trainable params: ${formatCount(trainable)} (${bytes(trainable)})`);
    out.push(` Non-trainable params: ${formatCount(frozen)} (${bytes(frozen)})`);
  }
  out.push(...costLines(m.costs).map((line) => ` ${line}`));
  return out.join('\n');
}

/** One model's summary table: torchinfo's layout for PyTorch, Keras 3 model.summary()'s for Keras. */
export function formatSummary(m: ModelResult, showPath: (path: string) => string = (p) => p): string {
  if (m.framework === 'keras') return formatKerasSummary(m);
  // torchinfo's columns: output shape, parameters, mult-adds ("--" where a layer has none).
  const rows = m.layers.map((l) => [
    layerLabel(l),
    fmt(l.output, false),
    l.module ? (l.params === null || l.params === undefined ? '?' : l.params === 0 ? '--' : formatCount(l.params)) : '--',
    l.module ? (l.multAdds === 0 ? '--' : formatFigure(l.multAdds)) : '--',
  ]);
  const where = m.path === undefined ? '' : `, defined in ${showPath(m.path)}`;
  const title = `${m.name} (input ${m.input.map((s) => fmt(s, false)).join(', ')} from ${m.inputSource}${where})`;
  const total = m.totalParams === null ? 'unknown' : formatCount(m.totalParams);
  const rule = '='.repeat(table(rows, SUMMARY_HEADER).split('\n')[0].length);
  return [title, table(rows, SUMMARY_HEADER), `Total params: ${total}`, ...costLines(m.costs).slice(0, 1), rule, ...costLines(m.costs).slice(1), rule].join('\n');
}

const SUMMARY_HEADER = ['Layer (type:name)', 'Output Shape', 'Param #', 'Mult-Adds'];

/** torchinfo's lines under the table: total mult-adds, then the sizes in megabytes (formulas in bytes with a symbolic batch). */
export function costLines(c: ModelCosts): string[] {
  const mb = (label: string, d: Parameters<typeof formatMegabytes>[0]) => (d !== null && typeof d === 'object' ? `${label}: ${formatMegabytes(d)}` : `${label} (MB): ${formatMegabytes(d)}`);
  const multAdds = c.multAdds !== null && typeof c.multAdds === 'object' ? `Total mult-adds: ${formatFigure(c.multAdds)}` : `Total mult-adds (M): ${c.multAdds === null ? '?' : (c.multAdds / 1e6).toFixed(2)} (${formatFigure(c.multAdds)})`;
  return [
    multAdds,
    mb('Input size', c.inputBytes),
    mb('Forward/backward pass size', c.forwardBackwardBytes),
    mb('Params size', c.paramBytes),
    mb('Estimated Total Size', c.totalBytes),
  ];
}

/** A model's costs in JSON: integers, formulas as strings (`34702 * N`), a count past 2^53 as its decimal digits. */
export function costsToJson(c: ModelCosts): Record<string, number | string | null> {
  return {
    multAdds: dimToJson(c.multAdds),
    inputBytes: dimToJson(c.inputBytes),
    forwardBackwardBytes: dimToJson(c.forwardBackwardBytes),
    paramBytes: countToJson(c.paramBytes),
    totalBytes: dimToJson(c.totalBytes),
    activationBytes: dimToJson(c.activationBytes),
  };
}

export function describeDim(d: Parameters<typeof dimToString>[0]): string {
  return dimToString(d);
}
