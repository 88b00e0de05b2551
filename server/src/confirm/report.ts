// The confirmation report over files: the JSON the CLI prints with --format json (and the editor
// receives), and the text table. Shapes are written in the source framework's layout, as the
// forward pass ran them. Pure formatting; running the pass is confirm.ts's.

import type { JsonOutput, ModelConfirmation } from './confirm';

export interface FileConfirmation {
  path: string;
  models: ModelConfirmation[];
}

export interface ConfirmReport {
  files: FileConfirmation[];
  /** The backend every model ran on, its device, and why the backends before it were passed over. */
  backend: { name: string; device: string; notes: string[] };
}

function shapeText(s: JsonOutput): string {
  if (s === null) return '?';
  if (s.some((d) => Array.isArray(d))) return `(${(s as JsonOutput[]).map(shapeText).join(', ')})`;
  const dims = (s as (number | null)[]).map((d) => (d === null ? '?' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** One model as a table: line, layer, predicted, actual, status (with the reason or message). */
export function formatModelConfirmation(m: ModelConfirmation): string {
  const framework = m.framework === 'torch' ? 'PyTorch' : 'Keras';
  const head = `${m.name} (${framework}) on ${m.backend}, ${m.device}, ${m.ms} ms`;
  if (m.refused) return `${head}\n  not run: ${m.refused}`;
  const rows = m.layers.map((l) => [String(l.line), l.name ? `${l.name} (${l.kind})` : l.kind, shapeText(l.predicted), shapeText(l.actual), l.status + (l.reason ? `: ${l.reason}` : l.message ? `: ${l.message}` : '')]);
  const header = ['line', 'layer', 'predicted', 'actual', 'status'];
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (r: string[]) => '  ' + r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]))).join('  ');
  const s = m.summary;
  const input = m.input ? `  input ${m.input.map((i) => shapeText(i)).join(', ')}${m.symbols ? ` (${Object.entries(m.symbols).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}` : '';
  const assumed = m.assumedInput ? `  ${m.assumedInput}` : '';
  return [head, input, assumed, line(header), ...rows.map(line), `  ${s.confirmed} confirmed, ${s.different} different, ${s.unconfirmable} not confirmable, ${s.failed} failed`].filter((x) => x).join('\n');
}

export function formatReportText(report: ConfirmReport): string {
  const out: string[] = [];
  for (const f of report.files) {
    out.push(f.path);
    if (f.models.length === 0) out.push('  no models found');
    for (const m of f.models) out.push(formatModelConfirmation(m).replace(/^/gm, '  '), '');
  }
  const passed = report.backend.notes.length ? ` (passed over: ${report.backend.notes.join('; ')})` : '';
  out.push(`backend: ${report.backend.name}, ${report.backend.device}${passed}`);
  return out.join('\n') + '\n';
}

export function reportToJson(report: ConfirmReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** True when some layer differs from the prediction or failed where the engine predicted no error. */
export function hasDifferences(report: ConfirmReport): boolean {
  return report.files.some((f) => f.models.some((m) => m.summary.different > 0 || m.summary.failed > 0));
}
