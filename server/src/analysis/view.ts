// A result as seen from the analysed file alone. Since models can span files (a block imported
// from blocks.py), a result's ranges may lie in other files, each marked with their `path`.
// Consumers that place things in one document (hovers, inlay hints, code lenses, the converter's
// actions) take this view: every range of another file becomes OUTSIDE, a range on no line, which
// they never place. Layers keep what lies here: a block's layers applied by a call in this file
// keep that call's range.

import type { AnalysisResult, ModelResult, Range } from './result';

/** A range on no line of the analysed file (line -1): what lies in another file. */
export const OUTSIDE: Readonly<Range> = { line: -1, column: 0, endLine: -1, endColumn: 0 };

export function isOutside(range: Range): boolean {
  return range.line < 0;
}

export function inAnalysedFile(result: AnalysisResult): AnalysisResult {
  if (result.files === undefined) return result;
  return {
    ...result,
    models: result.models.map((m) => ({
      ...m,
      range: m.path === undefined ? m.range : OUTSIDE,
      extent: m.path === undefined ? m.extent : OUTSIDE,
      layers: m.layers.map((l) => ({ ...l, range: l.path === undefined ? l.range : OUTSIDE, callRange: l.callPath === undefined ? l.callRange : OUTSIDE })),
      assignments: m.assignments.filter((a) => a.path === undefined),
      ...(m.blocks ? { blocks: m.blocks.map((b) => ({ ...b, range: b.path === undefined ? b.range : OUTSIDE, callRange: b.callPath === undefined ? b.callRange : OUTSIDE })) } : {}),
    })),
    diagnostics: result.diagnostics
      .filter((d) => d.path === undefined)
      .map((d) => ({ ...d, related: d.related.filter((r) => r.path === undefined), fixes: d.fixes.filter((f) => f.path === undefined) })),
  };
}

/**
 * A model without its leaf-module records (LayerRecord.leaf: a user module that runs only ops, an
 * empty nn.Sequential), for consumers that rebuild a model from its layers and ops (the converter,
 * the confirmation): those records stand for no computation of their own. Indices are renumbered.
 */
export function withoutLeafModules(model: ModelResult): ModelResult {
  if (!model.layers.some((l) => l.leaf)) return model;
  const index = new Map<number, number>();
  model.layers.forEach((l, i) => {
    if (!l.leaf) index.set(i, index.size);
  });
  const at = (i: number) => (i < 0 ? i : index.get(i) ?? -1);
  return {
    ...model,
    layers: model.layers.filter((l) => !l.leaf).map((l) => ({ ...l, inputsFrom: l.inputsFrom.map(at) })),
    ...(model.blocks ? { blocks: model.blocks.map((b) => ({ ...b, layers: b.layers.filter((i) => index.has(i)).map(at) })) } : {}),
    ...(model.outputsFrom ? { outputsFrom: model.outputsFrom.map(at) } : {}),
  };
}
