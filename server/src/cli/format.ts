// Formatting analysis results for the terminal and for JSON: compiler-style diagnostics,
// the JSON document of `cnnshape check --format json`, and summary tables in the layout of
// torchinfo (PyTorch) and Keras's model.summary() (Keras).

import type { AnalysisResult, LayerRecord, ModelResult, ShapeDiagnostic } from '../analysis/result';
import { dimToJson, dimToString } from '../shapes/dim';
import { formatOutput } from '../shapes/shape';
import { Output, Shape, TupleOut } from '../shapes/types';

export function shapeToJson(s: Shape): (number | string | null)[] | null {
  return s === null ? null : s.map(dimToJson);
}

export function outputToJson(o: Output): unknown {
  if (o instanceof TupleOut) return o.items.map(outputToJson);
  return shapeToJson(o);
}

export function fileToJson(path: string, result: AnalysisResult): unknown {
  return {
    path,
    models: result.models.map((m) => ({
      name: m.name,
      framework: m.framework,
      line: m.range.line + 1,
      input: m.input.map(shapeToJson),
      inputSource: m.inputSource,
      layers: m.layers.map((l) => {
        const o: Record<string, unknown> = {
          kind: l.kind,
          module: l.module,
          name: l.name,
          line: l.range.line + 1,
          callLine: l.callRange.line + 1,
          input: l.input.map(shapeToJson),
          output: outputToJson(l.output),
        };
        if (l.module) o.params = l.params ?? null;
        return o;
      }),
      output: outputToJson(m.output),
      totalParams: m.totalParams,
    })),
    diagnostics: result.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      line: d.range.line + 1,
      column: d.range.column + 1,
      endLine: d.range.endLine + 1,
      endColumn: d.range.endColumn + 1,
      related: d.related.map((r) => ({ line: r.range.line + 1, column: r.range.column + 1, message: r.message })),
      fixes: d.fixes.map((f) => ({ title: f.title, newText: f.newText })),
    })),
  };
}

/** `file:line:col: error[code]: message`, the source line, and a caret under the range. */
export function formatDiagnostic(path: string, d: ShapeDiagnostic, lines: readonly string[]): string {
  const src = lines[d.range.line] ?? '';
  const width = d.range.endLine === d.range.line ? Math.max(1, d.range.endColumn - d.range.column) : Math.max(1, src.length - d.range.column);
  const gutter = String(d.range.line + 1);
  const out = [`${path}:${d.range.line + 1}:${d.range.column + 1}: ${d.severity}[${d.code}]: ${d.message}`, `${gutter} | ${src}`, `${' '.repeat(gutter.length)} | ${' '.repeat(d.range.column)}${'^'.repeat(width)}`];
  for (const f of d.fixes) out.push(`${' '.repeat(gutter.length)} = fix: ${f.title}`);
  return out.join('\n');
}

function fmt(o: Output, keras: boolean): string {
  const s = formatOutput(o);
  return keras ? s.replace(/\?/g, 'None') : s;
}

function table(rows: string[][], header: string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd();
  const rule = '='.repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  return [rule, line(header), rule, ...rows.map(line), rule].join('\n');
}

function layerLabel(l: LayerRecord, keras: boolean): string {
  if (keras) return l.name ? `${l.name} (${l.kind})` : l.kind;
  return l.name ? `${l.kind} (${l.name})` : l.kind;
}

/** One model's summary table: torchinfo's layout for PyTorch, model.summary()'s for Keras. */
export function formatSummary(m: ModelResult): string {
  const keras = m.framework === 'keras';
  const rows = m.layers.filter((l) => l.module || !keras).map((l) => [layerLabel(l, keras), fmt(l.output, keras), l.module ? (l.params === null || l.params === undefined ? '?' : l.params.toLocaleString('en-US')) : '--']);
  const title = keras ? `Model: "${m.name}"` : `${m.name} (input ${m.input.map((s) => fmt(s, false)).join(', ')} from ${m.inputSource})`;
  const header = keras ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type:name)', 'Output Shape', 'Param #'];
  const total = m.totalParams === null ? 'unknown' : m.totalParams.toLocaleString('en-US');
  const tail = keras ? `Total params: ${total}` : `Total params: ${total}`;
  return [title, table(rows, header), tail].join('\n');
}

export function describeDim(d: Parameters<typeof dimToString>[0]): string {
  return dimToString(d);
}
