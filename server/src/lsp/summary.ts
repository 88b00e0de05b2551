// The model summary in Markdown: one table per model (layer, output shape, parameters) with the
// input and the totals, like torchinfo or Keras model.summary(). Shown by the hover on a model's
// name and returned by the custom request `cnnshape/summary` behind the "Show model summary"
// command. It only formats what analyze() returned.

import type { AnalysisResult, LayerRecord, ModelResult } from '../analysis/result';
import { formatFigure, formatMegabytes } from '../analysis/costs';
import { type Count, formatCount } from '../shapes/count';
import type { Dim } from '../shapes/dim';
import { formatOutput, formatShape } from '../shapes/shape';

export const SUMMARY_REQUEST = 'cnnshape/summary';

export interface SummaryParams {
  uri: string;
}

export function formatParams(params: Count | null | undefined): string {
  if (params === undefined) return '—';
  if (params === null) return '?';
  return formatCount(params);
}

/** A module's mult-adds for a table cell: `—` for an op, `?` when unknown. */
export function formatMultAdds(layer: LayerRecord): string {
  return layer.module ? formatFigure(layer.multAdds) : '—';
}

/** The totals under a model's table, as torchinfo prints them (sizes in MB, formulas in bytes). */
export function costsMarkdown(model: ModelResult): string[] {
  const c = model.costs;
  const mb = (d: Dim | Count | null) => (d !== null && typeof d === 'object' ? formatMegabytes(d) : `${formatMegabytes(d)} MB`);
  return [
    `Total mult-adds: ${formatFigure(c.multAdds)}  `,
    `Input size: ${mb(c.inputBytes)}  `,
    `Forward/backward pass size: ${mb(c.forwardBackwardBytes)}  `,
    `Params size: ${mb(c.paramBytes)}  `,
    `Estimated total size: ${mb(c.totalBytes)}`,
  ];
}

export function layerLabel(layer: LayerRecord): string {
  return layer.module && layer.name ? `${layer.name} (${layer.kind})` : layer.kind;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function inputLine(model: ModelResult): string {
  const shapes = model.input.map((s) => formatShape(s)).join(', ');
  return `Input: \`${shapes || '?'}\` (${model.inputSource})`;
}

export function modelSummaryMarkdown(model: ModelResult): string {
  const frameworkName = model.framework === 'torch' ? 'PyTorch' : 'Keras';
  const lines = [
    `### ${model.name} (${frameworkName})`,
    '',
    inputLine(model),
    '',
    '| Layer | Output shape | Params | Mult-adds |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const layer of model.layers) {
    lines.push(`| ${escapeCell(layerLabel(layer))} | \`${formatOutput(layer.output)}\` | ${formatParams(layer.params)} | ${formatMultAdds(layer)} |`);
  }
  lines.push('', `Output: \`${formatOutput(model.output)}\``, '', `Total params: ${formatParams(model.totalParams)}  `, ...costsMarkdown(model));
  return lines.join('\n');
}

/** Every model of a document; a short sentence when there is none. */
export function documentSummaryMarkdown(result: AnalysisResult, documentName: string): string {
  const header = `# cnnshape: ${documentName}`;
  if (result.models.length === 0) return `${header}\n\nNo PyTorch or Keras model was found in this document.\n`;
  return `${header}\n\n${result.models.map(modelSummaryMarkdown).join('\n\n')}\n`;
}
