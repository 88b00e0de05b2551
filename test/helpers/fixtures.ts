// Reads the expectation comments of a fixture and checks an analysis against them.
//
//   x = torch.flatten(x, 1)        # shape: (N, 294)
//   nn.Linear(6 * 7 * 7, 10)       # error: [linear-in-features] "expects in_features=294"
//   nn.Conv2d(1, 3, 3),            # params: 30   (on a model's `class` line: its total)
//   class Net(nn.Module):          # source: inferred
//   nn.GRU(hidden_dim, 64)         # error: [rnn-input-size] # fix: "embed_dim"
//   block(c_in),                   # name: stages.Block_0   (a module built here has that named_modules() path)
//   # models: ResNet, VGG          (anywhere: exactly these models are found, in the order of their lines)
//
// `shape` is the output after that line: the last tensor assigned on it, else the last layer
// built or applied on it (ops belong to the line that calls them), in execution order. Every
// diagnostic must be expected by an `error` comment on its line, and every `error` comment must
// be met. `fix` is the text the first fix of the error on that line writes (`# fix: none`: no fix).
//
// The product reads `# shape:` comments too (a user's comment on an assignment, checked under
// `shape-assert`), with the same meaning: the shape of what the line assigns. So an expectation
// comment is also a user's statement, and both agree wherever the fixture is right. The one line
// where they part is a fixture of a wrong `# shape:` comment: a `# shape:` on a line that expects
// `[shape-assert]` is the user's comment under test, not an expectation, and is not checked here.
// (The product skips comments inside loop bodies, where the harness reads the last pass.) A `# shape:`
// that gives sizes the analysis does not know at all is the user's statement under test too, marked
// `# stated`; elsewhere the analysis alone must find the shape: a comment never meets its own expectation.

import type { AnalysisResult, LayerRecord } from '../../server/src/analysis/result';
import { formatOutput } from '../../server/src/shapes/shape';

export interface Expectation {
  line: number;
  kind: 'shape' | 'error' | 'params' | 'source' | 'fix' | 'name' | 'models';
  value: string;
  message?: string;
}

export function readExpectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split(/\r?\n/).forEach((src, line) => {
    const re = /#\s*(shape|error|params|source|fix|name|models):\s*([^#]*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(src))) {
      const kind = m[1] as Expectation['kind'];
      const body = m[2].trim();
      if (kind === 'error') {
        const e = /^\[([\w-]+)\]\s*(?:"([^"]*)")?/.exec(body);
        if (e) out.push({ line, kind, value: e[1], message: e[2] });
      } else if (kind === 'fix') out.push({ line, kind, value: /^"([^"]*)"/.exec(body)?.[1] ?? body });
      else out.push({ line, kind, value: body });
    }
  });
  return out;
}

function norm(s: string): string {
  return s.replace(/\s+/g, '').replace(/None/g, '?');
}

function layersOn(result: AnalysisResult, line: number): { built: LayerRecord[]; applied: LayerRecord[] } {
  const all = result.models.flatMap((m) => m.layers);
  // A layer object belongs to the line that builds it; a function or method to the line that calls
  // it (where it is also "built"). On a line like `return self.fc(self.conv(x).flatten(1))` the
  // last of these in execution order is the line's result.
  const onLine = all.filter((l) => (l.module && l.range.line === line) || l.callRange.line === line);
  return { built: all.filter((l) => l.module && l.range.line === line), applied: onLine };
}

/** Returns the list of failures (empty when the analysis meets every expectation). */
export function checkExpectations(text: string, result: AnalysisResult): string[] {
  const failures: string[] = [];
  const expectations = readExpectations(text);
  // A `# shape:` the analysis cannot know on its own (it gives the sizes) is marked `# stated`: the user's comment under test.
  const lines = text.split(/\r?\n/);
  const statedByUser = new Set([...expectations.filter((e) => e.kind === 'error' && e.value === 'shape-assert').map((e) => e.line), ...lines.flatMap((l, i) => (/#\s*stated\b/.test(l) ? [i] : []))]);
  for (const e of expectations) {
    const where = `line ${e.line + 1}`;
    if (e.kind === 'shape' && statedByUser.has(e.line)) continue;
    if (e.kind === 'shape') {
      const notes = result.models.flatMap((m) => m.assignments).filter((a) => a.range.line === e.line);
      const { built, applied } = layersOn(result, e.line);
      // The shape found before a `# shape:` comment filled in what it did not know: the expectation
      // is met by the analysis, not by the comment that states it.
      const note = notes[notes.length - 1];
      const output = note ? (note.inferred !== undefined ? note.inferred : note.shape) : applied.length ? applied[applied.length - 1].output : built.length ? built[built.length - 1].output : undefined;
      if (output === undefined) failures.push(`${where}: expected shape ${e.value}, but nothing was inferred there`);
      else if (norm(formatOutput(output)) !== norm(e.value)) failures.push(`${where}: expected shape ${e.value}, got ${formatOutput(output)}`);
    } else if (e.kind === 'params') {
      const { built } = layersOn(result, e.line);
      // On the line that names a model (its `class`): the model's total.
      const model = built.length ? undefined : result.models.find((x) => x.range.line === e.line);
      const got = built.length ? built[built.length - 1].params : model ? model.totalParams : undefined;
      if (String(got) !== e.value) failures.push(`${where}: expected params ${e.value}, got ${got}`);
    } else if (e.kind === 'name') {
      // One of the modules built on this line is listed under that path (PyTorch's named_modules()).
      const names = layersOn(result, e.line).built.map((l) => l.name);
      if (!names.includes(e.value)) failures.push(`${where}: expected a module named ${e.value}, got ${names.join(', ') || 'none'}`);
    } else if (e.kind === 'models') {
      const names = result.models.map((m) => m.name).join(', ');
      if (names !== e.value.split(/\s*,\s*/).filter(Boolean).join(', ')) failures.push(`${where}: expected the models ${e.value}, got ${names || 'none'}`);
    } else if (e.kind === 'source') {
      const m = result.models.find((x) => x.range.line === e.line);
      if (!m) failures.push(`${where}: expected a model named on this line`);
      else if (m.inputSource !== e.value) failures.push(`${where}: expected input source ${e.value}, got ${m.inputSource}`);
    } else if (e.kind === 'fix') {
      const fixes = result.diagnostics.filter((x) => x.range.line === e.line).map((x) => x.fixes[0]?.newText ?? 'none');
      if (!fixes.includes(e.value)) failures.push(`${where}: expected the fix ${e.value}, got ${fixes.join('; ') || 'no error'}`);
    } else {
      const d = result.diagnostics.find((x) => x.range.line === e.line && x.code === e.value && (!e.message || x.message.includes(e.message)));
      if (!d) failures.push(`${where}: expected error [${e.value}]${e.message ? ` "${e.message}"` : ''}, got ${result.diagnostics.filter((x) => x.range.line === e.line).map((x) => `[${x.code}] ${x.message}`).join('; ') || 'none'}`);
    }
  }
  for (const d of result.diagnostics) {
    if (!expectations.some((e) => e.kind === 'error' && e.line === d.range.line && e.value === d.code)) failures.push(`line ${d.range.line + 1}: unexpected [${d.code}] ${d.message}`);
  }
  return failures;
}
