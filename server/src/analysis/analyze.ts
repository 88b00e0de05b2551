// Entry point of the core: Python text in, models with shapes and diagnostics out.
// (Being written: the interpreter lands here shortly.)
import type { AnalysisResult, AnalyzeOptions } from './result';

export function analyze(_text: string, _options: AnalyzeOptions = {}): AnalysisResult {
  return { models: [], diagnostics: [] };
}
