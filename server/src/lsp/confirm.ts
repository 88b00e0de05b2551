// "Confirm shapes": a code lens above each model, and the custom request `cnnshape/confirm` behind
// it (and behind the command of the same name), which runs the TensorFlow.js forward pass of
// server/src/confirm through the host's runner (in Node a worker thread, dist/confirm-worker.js
// beside the server bundle, so the server keeps answering while it runs; in the browser the
// server's web worker, on WebGPU or WebGL); cancelling the request stops it. The reply
// carries the report, a Markdown table per model, and information diagnostics for the layers that
// differ or failed. The server publishes those with the document's own diagnostics, for the version
// confirmed only (server.ts): an edit, a save or closing the document clears them. Settings:
// `cnnshape.confirm.backend` and `cnnshape.confirm.memoryLimitMb`.

import { formatShort } from '../analysis/costs';
import { DiagnosticSeverity, type CancellationToken, type CodeLens, type Diagnostic } from 'vscode-languageserver';
import type { AnalysisResult } from '../analysis/result';
import { BACKEND_NAMES, type BackendRequest } from '../confirm/backend-names';
import type { JsonOutput } from '../confirm/confirm';
import type { ConfirmReport } from '../confirm/report';
import type { ConfirmRequest } from '../confirm/worker';
import type { AnalysisTarget } from './targets';

/** Runs a confirmation: in Node a worker thread (node-server.ts), in the browser the server's own worker. */
export type ConfirmRunner = (request: ConfirmRequest, signal: AbortSignal) => Promise<ConfirmReport>;

export const CONFIRM_REQUEST = 'cnnshape/confirm';
export const CONFIRM_COMMAND = 'cnnshape.confirm';
/** The source of the confirmation's information diagnostics. */
export const CONFIRM_SOURCE = 'cnnshape confirm';

export interface ConfirmParams {
  uri: string;
  /** Only this model; all of the document's models when absent. */
  model?: string;
}

export interface ConfirmReply {
  report: ConfirmReport;
  markdown: string;
  /** By document URI: one information diagnostic per layer that differs or failed (also published by the server). */
  diagnostics: { uri: string; diagnostics: Diagnostic[] }[];
}

/** The `cnnshape.confirm` section, normalised. */
export interface ConfirmSettings {
  backend: BackendRequest;
  memoryLimitMb?: number;
}

export function confirmSettingsFrom(raw: unknown): ConfirmSettings {
  const section = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const backend = typeof section.backend === 'string' && (section.backend === 'auto' || (BACKEND_NAMES as readonly string[]).includes(section.backend)) ? (section.backend as BackendRequest) : 'auto';
  const limit = typeof section.memoryLimitMb === 'number' && section.memoryLimitMb > 0 ? section.memoryLimitMb : undefined;
  return { backend, memoryLimitMb: limit };
}

/**
 * One "Confirm shapes" lens on each model's name and, unless `costs` is off, beside it what one
 * forward pass costs (`34.7 K·N mult-adds · 85 KB·N activations`), which opens the summary.
 */
export function confirmCodeLenses(result: AnalysisResult, target: AnalysisTarget, uri: string, costs = true): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const model of result.models) {
    const place = target.toDocument(model.range);
    if (!place || place.uri !== uri) continue;
    lenses.push({ range: place.range, command: { title: 'Confirm shapes', command: CONFIRM_COMMAND, arguments: [uri, model.name] } });
    if (costs && (model.costs.multAdds !== null || model.costs.activationBytes !== null)) {
      const title = `${formatShort(model.costs.multAdds)} mult-adds · ${formatShort(model.costs.activationBytes, 'B')} activations`;
      lenses.push({ range: place.range, command: { title, command: SUMMARY_COMMAND, arguments: [] } });
    }
  }
  return lenses;
}

/** The client's command that shows the summary of the active document. */
export const SUMMARY_COMMAND = 'cnnshape.showModelSummary';

function shapeText(s: JsonOutput): string {
  if (s === null) return '?';
  if (s.some((d) => Array.isArray(d))) return `(${(s as JsonOutput[]).map(shapeText).join(', ')})`;
  return `(${(s as (number | null)[]).map((d) => (d === null ? '?' : String(d))).join(', ')})`;
}

export function reportMarkdown(report: ConfirmReport, documentName: string): string {
  const lines = [`# cnnshape: confirming ${documentName}`, ''];
  const passed = report.backend.notes.length ? ` (passed over: ${report.backend.notes.join('; ')})` : '';
  lines.push(`Backend: **${report.backend.name}**, ${report.backend.device}${passed}`, '');
  for (const m of report.files.flatMap((f) => f.models)) {
    lines.push(`## ${m.name} (${m.framework === 'torch' ? 'PyTorch' : 'Keras'}), ${m.ms} ms`, '');
    if (m.refused) {
      lines.push(`Not run: ${m.refused}`, '');
      continue;
    }
    if (m.input) lines.push(`Input: \`${m.input.map((s) => shapeText(s)).join(', ')}\``, '');
    if (m.assumedInput) lines.push(`**${m.assumedInput.replace(/# input: (.*?) above/, '`# input: $1` above')}**`, '');
    lines.push('| Line | Layer | Predicted | Actual | Status |', '| ---: | --- | --- | --- | --- |');
    for (const l of m.layers) {
      const detail = (l.reason ?? l.message ?? '').replace(/\|/g, '\\|');
      lines.push(`| ${l.line} | ${l.name ? `${l.name} (${l.kind})` : l.kind} | \`${shapeText(l.predicted)}\` | \`${shapeText(l.actual)}\` | ${l.status}${detail ? `: ${detail}` : ''} |`);
    }
    const s = m.summary;
    lines.push('', `${s.confirmed} confirmed, ${s.different} different, ${s.unconfirmable} not confirmable, ${s.failed} failed`, '');
  }
  return lines.join('\n');
}

function confirmDiagnostics(report: ConfirmReport, target: AnalysisTarget): ConfirmReply['diagnostics'] {
  const byUri = new Map<string, Diagnostic[]>();
  const textLines = target.text.split(/\r?\n/);
  for (const m of report.files.flatMap((f) => f.models)) {
    for (const l of m.layers) {
      if (l.status !== 'different' && l.status !== 'failed') continue;
      const text = textLines[l.line - 1] ?? '';
      const column = text.length - text.trimStart().length;
      const place = target.toDocument({ line: l.line - 1, column, endLine: l.line - 1, endColumn: text.length });
      if (!place) continue;
      const message =
        l.status === 'different'
          ? `TensorFlow.js (${m.backend}) gives ${shapeText(l.actual)} for ${l.kind}; cnnshape predicts ${shapeText(l.predicted)}`
          : `TensorFlow.js (${m.backend}) fails at ${l.kind}: ${l.message}`;
      const list = byUri.get(place.uri) ?? [];
      list.push({ range: place.range, severity: DiagnosticSeverity.Information, source: CONFIRM_SOURCE, message });
      byUri.set(place.uri, list);
    }
  }
  return target.documentUris.map((uri) => ({ uri, diagnostics: byUri.get(uri) ?? [] }));
}

/** Runs the confirmation of a target's models with `run`; cancelling the token stops it. */
export async function confirmTarget(target: AnalysisTarget, params: ConfirmParams, settings: ConfirmSettings, input: string | undefined, token: CancellationToken, run: ConfirmRunner): Promise<ConfirmReply> {
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  try {
    const name = decodeURIComponent(target.key.replace(/^.*\//, ''));
    const report = await run({ files: [{ path: name, text: target.text }], backend: settings.backend, options: { model: params.model, input, memoryLimitMb: settings.memoryLimitMb } }, controller.signal);
    return { report, markdown: reportMarkdown(report, name), diagnostics: confirmDiagnostics(report, target) };
  } finally {
    subscription.dispose();
  }
}
