// Code actions on a model's name line: "Convert to PyTorch" for a Keras model and "Convert to
// Keras" for a PyTorch one (each opens the converted version in a new editor beside the source,
// through the client command cnnshape.openConverted), and "Insert ... version below" (an edit after
// the model's definition). Nothing is written without the user applying it.

import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { AnalysisResult } from '../analysis/result';
import { convertTorchModel } from '../convert/keras';
import { convertModel, type SourceReader } from '../convert/pytorch';
import type { AnalysisTarget } from './targets';

export const CONVERT_KIND = `${CodeActionKind.Refactor}.convert.cnnshape`;
export const OPEN_CONVERTED_COMMAND = 'cnnshape.openConverted';

/** The convert actions for the Keras and PyTorch models whose definition line the request touches. */
/** `readFile` gives the text of another file of the workspace, whose blocks the model may apply. */
export function convertActionsFor(params: CodeActionParams, result: AnalysisResult, target: AnalysisTarget, readFile?: SourceReader): CodeAction[] {
  const only = params.context.only;
  if (only && only.length > 0 && !only.some((k) => CONVERT_KIND === k || CONVERT_KIND.startsWith(`${k}.`))) return [];
  const uri = params.textDocument.uri;
  const actions: CodeAction[] = [];
  for (const model of result.models) {
    if (model.framework !== 'keras' && model.framework !== 'torch') continue;
    const into = model.framework === 'keras' ? 'PyTorch' : 'Keras';
    const name = target.toDocument(model.range);
    if (!name || name.uri !== uri) continue;
    const line = params.range.start.line;
    if (line < name.range.start.line || line > name.range.end.line) continue;
    const converted = model.framework === 'keras' ? convertModel(target.text, result, model.name, readFile) : convertTorchModel(target.text, result, model.name, readFile);
    if (!converted.code) continue;
    actions.push({
      title: `Convert ${model.name} to ${into}`,
      kind: CONVERT_KIND,
      command: { title: `Convert to ${into}`, command: OPEN_CONVERTED_COMMAND, arguments: [{ code: converted.code, warnings: converted.warnings }] },
    });
    const extent = target.toDocument(model.extent);
    if (extent && extent.uri === uri) {
      const at = { line: extent.range.end.line, character: extent.range.end.character };
      actions.push({
        title: `Insert ${into} version of ${model.name} below`,
        kind: CONVERT_KIND,
        edit: { changes: { [uri]: [{ range: { start: at, end: at }, newText: `\n\n\n${converted.code.trimEnd()}\n` }] } },
      });
    }
  }
  return actions;
}
