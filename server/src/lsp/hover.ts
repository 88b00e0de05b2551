// Hover: on a layer (its constructor call, or the call that applies it) its input and output shapes,
// parameter count and notes (the formulas of spatial sizes); on a block (a user module inside a
// model: its constructor `BasicBlock(64, 128, 2)` or its call `self.layer2(out)`) the same for the
// whole block, each distinct call's shapes once; on a tensor variable in forward() or
// call() its shape at that point; on a model's class or variable name the whole summary table.
// When several ranges hold the cursor, the innermost wins; the model's name comes last.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { AnalysisResult, BlockRecord, LayerRecord, Range } from '../analysis/result';
import { formatOutput, formatShape } from '../shapes/shape';
import { formatFigure, formatShort } from '../analysis/costs';
import type { Dim } from '../shapes/dim';
import { formatMultAdds, formatParams, layerLabel, modelSummaryMarkdown } from './summary';
import { rangeContains, rangeSize, type AnalysisTarget } from './targets';

interface Candidate {
  range: Range;
  markdown: () => string;
}

export function hoverAt(result: AnalysisResult, target: AnalysisTarget, uri: string, position: Position): Hover | null {
  const analysed = target.toAnalysed(uri, position);
  if (!analysed) return null;
  const candidates: Candidate[] = [];
  for (const model of result.models) {
    for (const note of model.assignments) {
      if (rangeContains(note.range, analysed)) {
        candidates.push({ range: note.range, markdown: () => `\`${note.name}\`: \`${formatOutput(note.shape)}\`` });
      }
    }
    // Records that share a range (one layer object applied twice, or every layer of a Sequential
    // applied by one call) are shown together.
    const byConstructor = groupByRange(model.layers.filter((layer) => rangeContains(layer.range, analysed)), (l) => l.range);
    const byApplication = groupByRange(model.layers.filter((layer) => rangeContains(layer.callRange, analysed)), (l) => l.callRange);
    for (const [range, layers] of [...byConstructor, ...byApplication]) {
      candidates.push({ range, markdown: () => layersMarkdown(layers) });
    }
    const blocks = model.blocks ?? [];
    const blocksBuilt = groupByRange(blocks.filter((b) => b.range && rangeContains(b.range, analysed)), (b) => b.range!);
    const blocksCalled = groupByRange(blocks.filter((b) => rangeContains(b.callRange, analysed)), (b) => b.callRange);
    for (const [range, calls] of [...blocksBuilt, ...blocksCalled]) {
      candidates.push({ range, markdown: () => blockMarkdown(calls) });
    }
  }
  candidates.sort((a, b) => rangeSize(a.range) - rangeSize(b.range));
  let chosen = candidates[0];
  if (!chosen) {
    const model = result.models.find((m) => rangeContains(m.range, analysed));
    if (model) chosen = { range: model.range, markdown: () => modelSummaryMarkdown(model) };
  }
  if (!chosen) return null;
  const place = target.toDocument(chosen.range);
  return {
    contents: { kind: MarkupKind.Markdown, value: chosen.markdown() },
    ...(place && place.uri === uri ? { range: place.range } : {}),
  };
}

/** A block's calls (one, or every call of one block object): its class, name, each distinct input and output, parameters. */
function blockMarkdown(calls: BlockRecord[]): string {
  const first = calls[0];
  const lines = [`**${first.kind}**${first.name ? ` \`${first.name}\`` : ''} (block)`, ''];
  const seen = new Set<string>();
  for (const call of calls) {
    const input = call.input.map((s) => formatShape(s)).join(', ') || '?';
    const output = formatOutput(call.output);
    if (seen.has(`${input}→${output}`)) continue;
    seen.add(`${input}→${output}`);
    if (seen.size > 1) lines.push('');
    lines.push(`Input: \`${input}\`  `, `Output: \`${output}\``);
  }
  const params = [...new Set(calls.map((c) => c.params))];
  lines.push('', `Params: ${params.map((p) => formatParams(p)).join(' | ')}`);
  return lines.join('\n');
}

function groupByRange<T>(layers: T[], rangeOf: (layer: T) => Range): [Range, T[]][] {
  const groups = new Map<string, [Range, T[]]>();
  for (const layer of layers) {
    const range = rangeOf(layer);
    const key = `${range.line}:${range.column}:${range.endLine}:${range.endColumn}`;
    const group = groups.get(key);
    if (group) group[1].push(layer);
    else groups.set(key, [range, [layer]]);
  }
  return [...groups.values()];
}

function layersMarkdown(layers: LayerRecord[]): string {
  const sameLayer = layers.every((l) => l.range === layers[0].range || sameRange(l.range, layers[0].range));
  if (layers.length === 1 || sameLayer) return layers.map(layerMarkdown).join('\n\n---\n\n');
  // One call applying many layers (a Sequential): a small table.
  const lines = ['| Layer | Input | Output | Params | Mult-adds |', '| --- | --- | --- | ---: | ---: |'];
  for (const layer of layers) {
    lines.push(`| ${layerLabel(layer)} | \`${inputsText(layer)}\` | \`${formatOutput(layer.output)}\` | ${formatParams(layer.params)} | ${formatMultAdds(layer)} |`);
  }
  return lines.join('\n');
}

function layerMarkdown(layer: LayerRecord): string {
  const lines = [
    `**${layer.kind}**${layer.module && layer.name ? ` \`${layer.name}\`` : ''}`,
    '',
    `Input: \`${inputsText(layer)}\`  `,
    `Output: \`${formatOutput(layer.output)}\``,
  ];
  if (layer.module) {
    lines.push('', `Params: ${formatParams(layer.params)}  `, `Mult-adds: ${formatFigure(layer.multAdds)}  `, `Output memory: ${bytesText(layer.outputBytes)}`);
  }
  if (layer.notes.length > 0) lines.push('', ...layer.notes.map((note) => `- ${note}`));
  return lines.join('\n');
}

/** `23,520 bytes (23.5 KB)`, a formula in bytes with a symbolic batch, `?` when unknown. */
function bytesText(bytes: Dim | undefined): string {
  if (bytes === null || bytes === undefined) return '?';
  return typeof bytes === 'number' ? `${formatFigure(bytes)} bytes (${formatShort(bytes, 'B')})` : `${formatFigure(bytes)} bytes`;
}

function inputsText(layer: LayerRecord): string {
  return layer.input.map((shape) => formatShape(shape)).join(', ') || '?';
}

function sameRange(a: Range, b: Range): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}
