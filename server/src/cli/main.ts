// The `cnnshape` command line: `check`, `summary`, `convert`, `confirm` and `lsp --stdio`. It reads files, calls the
// core and prints; all analysis lives in server/src/analysis.

import { CARRIED_LIBRARIES_ROOT } from '../model/torchvision';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { analyze } from '../analysis/analyze';
import { DEFAULT_MAX_FILE_SIZE_MB } from '../analysis/limits';
import { BACKEND_NAMES, BackendUnavailable, type BackendRequest } from '../confirm/backends';
import { formatReportText, hasDifferences, reportToJson } from '../confirm/report';
import { confirmInChild } from '../confirm/child';
import { confirmFiles } from '../confirm/worker';
import { convertTorchFile } from '../convert/keras';
import { convertFile } from '../convert/pytorch';
import type { ShapeDiagnostic } from '../analysis/result';
import { loadParser, parserFromEnvironment, type ParserChoice } from '../platform/node-parser';
import { gatherSources, type Checked } from './files';
import { fileToJson, formatDiagnostic, formatSummary, placedText, placeMessage } from './format';
import { formatGithub } from './github';
import { inputShapeProblem } from './input-shape';
import { formatSarif } from './sarif';
import { readSource, type Source } from './sources';
import type { Skipped } from './walk';
import { corePath, WorkspaceFactory } from './workspace';
import { version } from '../../../package.json';

const USAGE = `Usage:
  cnnshape check [--format text|json|sarif|github] [--input SHAPE] [--model NAME] [--root DIR]... [--python-path PYTHON] PATH...
  cnnshape summary [--format text|json] [--input SHAPE] [--model NAME] [--root DIR]... [--python-path PYTHON] FILE...
  cnnshape convert FILE [--to pytorch|keras] [--model NAME]
  cnnshape confirm FILE... [--model NAME] [--backend auto|tfjs-node|webgpu|wasm|cpu] [--format text|json]
                   [--input SHAPE] [--memory-limit MB]
  cnnshape lsp --stdio
Every command: [--max-file-size MB] [--parser auto|native|wasm] [--verbose]

check    report the shape errors in Python files and Jupyter notebooks; a directory is one
         workspace (its .py and .ipynb files; they import each other, with the directory and its
         src/ as roots), a file's imports are resolved from its folder, the folder holding its
         package (where it lies in one) and every --root; --input
         goes to the model the workspace builds at the top (or the one --model names), not to
         classes other files use as blocks; installed libraries (torchvision, timm, ...) are read
         from the site-packages of --python-path, else of a .venv or venv in the workspace, never
         run; --format sarif writes a SARIF log for GitHub code scanning, --format github workflow
         commands that annotate a pull request
summary  print a table of layers, output shapes, parameters and mult-adds for every model, with torchinfo's
         totals (mult-adds, input, forward/backward pass, params, estimated total size); --format
         json prints them per layer and per model
convert  print a PyTorch version of the Keras models in FILE (or of the one named by --model), or
         with --to keras a Keras version of its PyTorch models; without --to, a file with no Keras
         model but PyTorch ones converts to Keras; layers with no faithful equivalent are marked
         # TODO and reported on stderr
confirm  run one TensorFlow.js forward pass (random weights) and compare every layer's actual
         output shape with the prediction: confirmed, different, not confirmable or failed;
         the backend is chosen automatically (tfjs-node, WebGPU, wasm, cpu) unless --backend
lsp      run the language server over stdio (for editors other than VS Code)

Files over --max-file-size MiB (default ${DEFAULT_MAX_FILE_SIZE_MB}; a notebook: its code cells), and entries
that cannot be read (dangling or looping links, no permission) are skipped with a warning.
--parser wasm (or CNNSHAPE_PARSER=wasm) uses the WebAssembly parser even where the native one loads.
--verbose shows what native libraries print (the GPU runtime's messages during confirm).

Exit status: 0 no errors, 1 shape errors found (confirm: a layer differs or failed), 2 bad usage,
unreadable files or an unavailable --backend.`;

class UsageError extends Error {}

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

interface Options {
  format: (typeof FORMATS)[number];
  input?: string;
  model?: string;
  to?: 'pytorch' | 'keras';
  backend?: string;
  memoryLimitMb?: number;
  maxFileSizeMb: number;
  parser?: ParserChoice;
  verbose: boolean;
  /** Extra import roots for the checked files (`--root`, repeatable). */
  roots: string[];
  /** The Python interpreter whose installed libraries imports may read (`--python-path`). */
  pythonPath?: string;
  paths: string[];
  stdio: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { format: 'text', paths: [], roots: [], stdio: false, verbose: false, maxFileSizeMb: DEFAULT_MAX_FILE_SIZE_MB };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const takeValue = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '--format' || a.startsWith('--format=')) {
      const v = takeValue('--format');
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be ${FORMATS.join(', ')}, not '${v}'`);
      o.format = v as Options['format'];
    } else if (a === '--input' || a.startsWith('--input=')) {
      const v = takeValue('--input');
      const problem = inputShapeProblem(v);
      if (problem) throw new UsageError(`--input '${v}' is not a shape: ${problem}`);
      o.input = v;
    } else if (a === '--max-file-size' || a.startsWith('--max-file-size=')) {
      const v = Number(takeValue('--max-file-size'));
      if (!(v > 0) || !Number.isFinite(v)) throw new UsageError('--max-file-size must be a positive number of MiB');
      o.maxFileSizeMb = v;
    } else if (a === '--parser' || a.startsWith('--parser=')) {
      const v = takeValue('--parser');
      if (v !== 'auto' && v !== 'native' && v !== 'wasm') throw new UsageError(`--parser must be auto, native or wasm, not '${v}'`);
      o.parser = v;
    } else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--model' || a.startsWith('--model=')) o.model = takeValue('--model');
    else if (a === '--root' || a.startsWith('--root=')) {
      const v = takeValue('--root');
      if (!existsSync(v) || !statSync(v).isDirectory()) throw new UsageError(`--root must be a directory: '${v}'`);
      o.roots.push(v);
    } else if (a === '--python-path' || a.startsWith('--python-path=')) {
      const v = takeValue('--python-path');
      if (!existsSync(v)) throw new UsageError(`--python-path: no such file or directory: '${v}'`);
      o.pythonPath = v;
    }
    else if (a === '--backend' || a.startsWith('--backend=')) o.backend = takeValue('--backend');
    else if (a === '--to' || a.startsWith('--to=')) {
      const v = takeValue('--to');
      if (v !== 'pytorch' && v !== 'keras') throw new UsageError(`--to must be pytorch or keras, not '${v}'`);
      o.to = v;
    }
    else if (a === '--memory-limit' || a.startsWith('--memory-limit=')) {
      const v = Number(takeValue('--memory-limit'));
      if (!(v > 0)) throw new UsageError('--memory-limit must be a positive number of MiB');
      o.memoryLimitMb = v;
    } else if (a === '--stdio') o.stdio = true;
    else if (a === '-h' || a === '--help') throw new UsageError('');
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else o.paths.push(a);
  }
  return o;
}

/** The walk's options from the flags: the size limit, named for the warning. */
function walkOptions(o: Options) {
  return { maxBytes: Math.round(o.maxFileSizeMb * 1024 * 1024), limitName: `--max-file-size ${o.maxFileSizeMb}` };
}

/** The sources of the named paths; a named path that does not exist is a usage error. */
function sourcesOf(o: Options, paths: readonly string[] = o.paths) {
  const gathered = gatherSources(paths, walkOptions(o));
  if (gathered.missing.length > 0) throw new UsageError(`cannot read '${gathered.missing[0]}': no such file or directory`);
  return gathered;
}

function warnSkipped(skipped: readonly Skipped[]): void {
  for (const s of skipped) process.stderr.write(`cnnshape: warning: skipped ${s.path}: ${s.reason}\n`);
}

interface CheckedFile extends Checked {
  /** The file as walked (for the workspace's paths). */
  file: string;
}

/**
 * Analyses every file of the paths: a directory as one workspace, a file with its folder and the
 * `--root` folders as import roots. A model or diagnostic that several files' analyses share (a
 * block's error found from two models, a class built by a script) is kept once: with the file it
 * lies in when that file is checked too (a diagnostic as that file's own analysis words it, when
 * it found it), else with the first file that found it. What cannot be read is skipped (and listed).
 */
function analyseFiles(o: Options): { checked: CheckedFile[]; skipped: Skipped[] } {
  const factory = new WorkspaceFactory({ roots: o.roots, pythonPath: o.pythonPath });
  if (o.pythonPath !== undefined && factory.librariesOfInterpreter().length === 0) {
    process.stderr.write(`cnnshape: warning: no site-packages found for '${o.pythonPath}'; installed libraries stay unknown\n`);
  }
  const checked: CheckedFile[] = [];
  const skipped: Skipped[] = [];
  for (const p of o.paths) {
    const gathered = sourcesOf(o, [p]);
    const workspace = statSync(p).isDirectory() ? factory.forFolder(p) : undefined;
    for (const source of gathered.sources()) {
      const result = analyze(source.text, { input: o.input, model: o.model, path: corePath(source.file), workspace: workspace ?? factory.forFile(source.file) });
      checked.push({ file: source.file, source, result });
    }
    skipped.push(...gathered.skipped);
  }
  const byPath = new Map(checked.map((c) => [corePath(c.file), c]));
  const modelKeys = new Set(checked.flatMap((c) => c.result.models.filter((m) => m.path === undefined).map((m) => `${corePath(c.file)}:${m.name}`)));
  // One diagnostic per place and rule: the one found by the analysis of the file it lies in, else the first.
  const chosen = new Map<string, { from: string; diagnostic: ShapeDiagnostic; own: boolean }>();
  for (const c of checked) {
    const from = corePath(c.file);
    for (const d of c.result.diagnostics) {
      const at = d.path ?? from;
      const key = `${at}:${d.range.line}:${d.range.column}:${d.code}`;
      const own = at === from;
      if (!chosen.has(key) || (own && !chosen.get(key)!.own)) chosen.set(key, { from, diagnostic: d, own });
    }
  }
  const placed = new Map<string, ShapeDiagnostic[]>(checked.map((c) => [corePath(c.file), []]));
  for (const { from, diagnostic } of chosen.values()) {
    const at = diagnostic.path ?? from;
    if (byPath.has(at)) placed.get(at)!.push(relocated(diagnostic, from, at));
    else placed.get(from)!.push(diagnostic);
  }
  for (const c of checked) {
    const path = corePath(c.file);
    c.result = {
      ...c.result,
      models: c.result.models.filter((m) => m.path === undefined || !byPath.has(m.path) || !modelKeys.has(`${m.path}:${m.name}`)),
      diagnostics: placed.get(path)!.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '') || a.range.line - b.range.line || a.range.column - b.range.column),
    };
  }
  return { checked, skipped };
}

/** A diagnostic found by the analysis of `from`, as the result of the file `to` would carry it (paths relative to `to`). */
function relocated(d: ShapeDiagnostic, from: string, to: string): ShapeDiagnostic {
  if (from === to) return d;
  const path = (p: string | undefined) => {
    const absolute = p ?? from;
    return absolute === to ? {} : { path: absolute };
  };
  const { path: _, ...rest } = d;
  return {
    ...rest,
    ...path(d.path),
    related: d.related.map(({ path: _r, ...r }) => ({ ...r, ...path(_r) })),
    fixes: d.fixes.map(({ path: _f, ...f }) => ({ ...f, ...path(_f) })),
  };
}

/** A path as the user reads it: relative to the working folder (a library the engine carries, as it is named). */
function shownPath(path: string): string {
  if (path.startsWith(CARRIED_LIBRARIES_ROOT)) return path;
  return relative(process.cwd(), path) || path;
}

function check(o: Options): number {
  if (o.paths.length === 0) throw new UsageError('check needs at least one PATH');
  const { checked, skipped } = analyseFiles(o);
  let errors = 0;
  const json: unknown[] = [];
  const text: string[] = [];
  // Diagnostics in other files of the workspace are shown with those files' lines.
  const others = new Map<string, Source | undefined>();
  const otherSource = (path: string) => {
    if (!others.has(path)) {
      let source: Source | undefined;
      try {
        source = readSource(path, shownPath(path));
      } catch {
        source = undefined;
      }
      others.set(path, source);
    }
    return others.get(path) ?? placedText(shownPath(path), '');
  };
  for (const { source, result } of checked) {
    errors += result.diagnostics.filter((d) => d.severity === 'error').length;
    if (o.format === 'json') json.push(fileToJson(source.path, result, source, shownPath));
    else if (o.format === 'text') for (const d of result.diagnostics) text.push(formatDiagnostic(d.path === undefined ? source : otherSource(d.path), d));
  }
  if (o.format === 'json') process.stdout.write(JSON.stringify({ files: json, skipped }, null, 2) + '\n');
  else if (o.format === 'sarif') process.stdout.write(formatSarif(checked, skipped, version, otherSource));
  else if (o.format === 'github') process.stdout.write(formatGithub(checked, skipped, otherSource));
  else {
    if (text.length) process.stdout.write(text.join('\n\n') + '\n\n');
    const skippedNote = skipped.length ? `, ${skipped.length} skipped` : '';
    const n = checked.length;
    process.stdout.write(`${n} file${n === 1 ? '' : 's'} checked, ${errors} error${errors === 1 ? '' : 's'}${skippedNote}\n`);
  }
  if (o.format !== 'github') warnSkipped(skipped);
  return errors > 0 ? 1 : 0;
}

function summary(o: Options): number {
  if (o.paths.length === 0) throw new UsageError('summary needs a FILE');
  const { checked, skipped } = analyseFiles(o);
  if (o.format === 'json') {
    // The same document as `check --format json`: each layer's params, mult-adds and output bytes, each model's costs.
    process.stdout.write(JSON.stringify({ files: checked.map(({ source, result }) => fileToJson(source.path, result, source, shownPath)), skipped }, null, 2) + '\n');
    warnSkipped(skipped);
    return 0;
  }
  for (const { source, result } of checked) {
    process.stdout.write(`${source.path}\n`);
    if (result.models.length === 0) process.stdout.write('  no models found\n');
    for (const m of result.models) process.stdout.write(formatSummary(m, shownPath) + '\n\n');
  }
  warnSkipped(skipped);
  return 0;
}

function convert(o: Options): number {
  if (o.paths.length !== 1) throw new UsageError('convert needs exactly one FILE');
  const gathered = sourcesOf(o);
  const source = gathered.sources().next().value;
  if (!source) {
    const s = gathered.skipped[0];
    throw new UsageError(s ? `cannot convert ${s.path}: ${s.reason}` : `cannot read '${o.paths[0]}': not a Python file or notebook`);
  }
  const text = source.text;
  const to = o.to ?? (convertFile(text, o.model).code === '' && convertTorchFile(text, o.model).code !== '' ? 'keras' : 'pytorch');
  const { code, warnings } = to === 'keras' ? convertTorchFile(text, o.model) : convertFile(text, o.model);
  if (code) process.stdout.write(code);
  for (const w of warnings) process.stderr.write(`cnnshape: ${code ? 'warning: ' : ''}${placeMessage(w, source)}\n`);
  return code ? 0 : 2;
}

async function confirm(o: Options): Promise<number> {
  if (o.paths.length === 0) throw new UsageError('confirm needs a FILE');
  const backend = o.backend ?? 'auto';
  if (backend !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(backend)) throw new UsageError(`--backend must be auto, ${BACKEND_NAMES.join(', ')}, not '${backend}'`);
  if (o.format !== 'text' && o.format !== 'json') throw new UsageError(`confirm writes text or json, not ${o.format}`);
  const gathered = sourcesOf(o);
  const files = [...gathered.sources()].map((source) => ({ path: source.path, text: source.text }));
  warnSkipped(gathered.skipped);
  let report;
  try {
    const request = { files, backend: backend as BackendRequest, options: { model: o.model, input: o.input, memoryLimitMb: o.memoryLimitMb } };
    // Bundled (dist/cli.js), the worker beside it carries TensorFlow.js, which the installed
    // extension has nowhere else; from the sources, tfjs comes from node_modules in this thread.
    const workerFile = join(__dirname, 'confirm-worker.js');
    // A child process, whose native messages (Dawn's Vulkan warnings) are shown only with --verbose.
    report = existsSync(workerFile) ? await confirmInChild(request, workerFile, { verbose: o.verbose, output: (text) => process.stderr.write(text) }) : await confirmFiles(request);
  } catch (e) {
    if (!(e instanceof BackendUnavailable)) throw e;
    process.stderr.write(`cnnshape: ${e.message}\n`);
    return 2;
  }
  process.stdout.write(o.format === 'json' ? reportToJson(report) : formatReportText(report));
  return hasDifferences(report) ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '-h' || command === '--help') {
      process.stdout.write(USAGE + '\n');
      return command ? 0 : 2;
    }
    const o = parseArgs(rest);
    if (command === 'lsp') {
      // The server loads its own parser (dist/server.js); the flag reaches it through the environment.
      if (o.parser) process.env.CNNSHAPE_PARSER = o.parser;
    } else if (['check', 'summary', 'convert', 'confirm'].includes(command)) {
      try {
        await loadParser({ parser: o.parser ?? parserFromEnvironment() });
      } catch (error) {
        process.stderr.write(`cnnshape: ${(error as Error).message}\n`);
        return 2;
      }
    }
    switch (command) {
      case 'check':
        return check(o);
      case 'summary':
        return summary(o);
      case 'convert':
        return convert(o);
      case 'confirm':
        return await confirm(o);
      case 'lsp': {
        if (!o.stdio) throw new UsageError('lsp needs --stdio');
        // The server is its own bundle (dist/server.js, beside this one): loading it here keeps the
        // language-server libraries out of every other command's start-up. It serves stdio when
        // given --stdio, which is in this process's arguments.
        createRequire(__filename)(join(__dirname, 'server.js'));
        return -1;
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(e.message ? `cnnshape: ${e.message}\n\n${USAGE}\n` : `${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`cnnshape: internal error: ${(e as Error).message}\n`);
    return 2;
  }
}

// `cnnshape check . | head`: a reader that stops early is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

void main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
