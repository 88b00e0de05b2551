// Inlay hints: the shape after each layer (at the end of its constructor call, or of the op's call)
// and after each assignment in forward()/call() (right after the assigned name, like a type
// annotation). A line with an assignment shows only the assignment's shape. A layer object applied
// several times lists its distinct outputs. `cnnshape.inlayHints.enabled` turns them off.

import { InlayHintKind, type InlayHint, type Range as LspRange } from 'vscode-languageserver';
import type { AnalysisResult, Range } from '../analysis/result';
import { formatOutput } from '../shapes/shape';
import type { Settings } from './settings';
import type { AnalysisTarget } from './targets';

interface PendingHint {
  at: Range;
  label: string;
}

export function inlayHintsFor(result: AnalysisResult, target: AnalysisTarget, uri: string, visible: LspRange, settings: Settings): InlayHint[] {
  if (!settings.enable || !settings.inlayHintsEnabled) return [];
  const assignmentLines = new Set<number>();
  const pending: PendingHint[] = [];
  for (const model of result.models) {
    for (const note of model.assignments) {
      assignmentLines.add(note.range.line);
      pending.push({ at: note.range, label: `: ${formatOutput(note.shape)}` });
    }
  }
  const layerOutputs = new Map<string, { at: Range; outputs: string[] }>();
  for (const model of result.models) {
    for (const layer of model.layers) {
      if (assignmentLines.has(layer.range.endLine)) continue;
      const key = `${layer.range.endLine}:${layer.range.endColumn}`;
      const output = formatOutput(layer.output);
      const entry = layerOutputs.get(key);
      if (!entry) layerOutputs.set(key, { at: layer.range, outputs: [output] });
      else if (!entry.outputs.includes(output)) entry.outputs.push(output);
    }
  }
  for (const { at, outputs } of layerOutputs.values()) pending.push({ at, label: `→ ${outputs.join(' | ')}` });

  const hints: InlayHint[] = [];
  for (const hint of pending) {
    const place = target.toDocument(hint.at);
    if (!place || place.uri !== uri) continue;
    const position = place.range.end;
    if (position.line < visible.start.line || position.line > visible.end.line) continue;
    hints.push({
      position,
      label: hint.label,
      kind: InlayHintKind.Type,
      paddingLeft: hint.label.startsWith('→'),
    });
  }
  hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
  return hints;
}
