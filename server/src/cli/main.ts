// The `cnnshape` command line: `check`, `summary`, `convert`, `confirm` and `lsp --stdio`. It reads files, calls the
// core and prints; all analysis lives in server/src/analysis.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { analyze } from '../analysis/analyze';
import { BACKEND_NAMES, BackendUnavailable, type BackendRequest } from '../confirm/backends';
import { formatReportText, hasDifferences, reportToJson } from '../confirm/report';
import { confirmFiles, confirmInWorker } from '../confirm/worker';
import { convertTorchFile } from '../convert/keras';
import { convertFile } from '../convert/pytorch';
import type { AnalysisResult } from '../analysis/result';
import { fileToJson, formatDiagnostic, formatSummary } from './format';
import { corePath, isSkippedFolder, WorkspaceFactory } from './workspace';

const USAGE = `Usage:
  cnnshape check [--format text|json] [--input SHAPE] [--model NAME] [--root DIR]... [--python-path PYTHON] PATH...
  cnnshape summary [--input SHAPE] [--model NAME] [--root DIR]... [--python-path PYTHON] FILE...
  cnnshape convert FILE [--to pytorch|keras] [--model NAME]
  cnnshape confirm FILE... [--model NAME] [--backend auto|tfjs-node|webgpu|wasm|cpu] [--format text|json]
                   [--input SHAPE] [--memory-limit MB]
  cnnshape lsp --stdio

check    report the shape errors in Python files; a directory is one workspace (its files import
         each other, with the directory and its src/ as roots), a file's imports are resolved from
         its folder and every --root; --input goes to the model the workspace builds at the top
         (or the one --model names), not to classes other files use as blocks; installed libraries
         (torchvision, timm, ...) are read from the site-packages of --python-path, else of a
         .venv or venv in the workspace, never run
summary  print a table of layers, output shapes and parameters for every model
convert  print a PyTorch version of the Keras models in FILE (or of the one named by --model), or
         with --to keras a Keras version of its PyTorch models; without --to, a file with no Keras
         model but PyTorch ones converts to Keras; layers with no faithful equivalent are marked
         # TODO and reported on stderr
confirm  run one TensorFlow.js forward pass (random weights) and compare every layer's actual
         output shape with the prediction: confirmed, different, not confirmable or failed;
         the backend is chosen automatically (tfjs-node, WebGPU, wasm, cpu) unless --backend
lsp      run the language server over stdio (for editors other than VS Code)

Exit status: 0 no errors, 1 shape errors found (confirm: a layer differs or failed), 2 bad usage,
unreadable files or an unavailable --backend.`;

class UsageError extends Error {}

interface Options {
  format: 'text' | 'json';
  input?: string;
  model?: string;
  to?: 'pytorch' | 'keras';
  backend?: string;
  memoryLimitMb?: number;
  /** Extra import roots for the checked files (`--root`, repeatable). */
  roots: string[];
  /** The Python interpreter whose installed libraries imports may read (`--python-path`). */
  pythonPath?: string;
  paths: string[];
  stdio: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { format: 'text', paths: [], roots: [], stdio: false };
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
      if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json, not '${v}'`);
      o.format = v;
    } else if (a === '--input' || a.startsWith('--input=')) o.input = takeValue('--input');
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

function collectFiles(paths: string[]): string[] {
  const files: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        const full = join(p, e);
        if (statSync(full).isDirectory()) {
          if (!isSkippedFolder(full, e)) walk(full);
        } else if (e.endsWith('.py')) files.push(full);
      }
    } else files.push(p);
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`cannot read '${p}': no such file or directory`);
    walk(p);
  }
  return files;
}

interface CheckedFile {
  file: string;
  text: string;
  result: AnalysisResult;
}

/**
 * Analyses every file of the paths: a directory as one workspace, a file with its folder and the
 * `--root` folders as import roots. A model or diagnostic that several files' analyses share (a
 * block's error found from two models, a class built by a script) is kept once: with the file it
 * lies in when that file is checked too, else with the first file that found it.
 */
function analyseFiles(o: Options): CheckedFile[] {
  const factory = new WorkspaceFactory({ roots: o.roots, pythonPath: o.pythonPath });
  if (o.pythonPath !== undefined && factory.librariesOfInterpreter().length === 0) {
    process.stderr.write(`cnnshape: warning: no site-packages found for '${o.pythonPath}'; installed libraries stay unknown\n`);
  }
  const checked: CheckedFile[] = [];
  for (const p of o.paths) {
    if (!existsSync(p)) throw new UsageError(`cannot read '${p}': no such file or directory`);
    const folder = statSync(p).isDirectory();
    const workspace = folder ? factory.forFolder(p) : undefined;
    for (const f of collectFiles([p])) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read '${f}': ${(e as Error).message}`);
      }
      const result = analyze(text, { input: o.input, model: o.model, path: corePath(f), workspace: workspace ?? factory.forFile(f) });
      checked.push({ file: f, text, result });
    }
  }
  const own = new Set(checked.map((c) => corePath(c.file)));
  const modelKeys = new Set(checked.flatMap((c) => c.result.models.filter((m) => m.path === undefined).map((m) => `${corePath(c.file)}:${m.name}`)));
  const seenDiagnostics = new Set<string>();
  for (const c of checked) {
    const path = corePath(c.file);
    c.result = {
      ...c.result,
      models: c.result.models.filter((m) => m.path === undefined || !own.has(m.path) || !modelKeys.has(`${m.path}:${m.name}`)),
      diagnostics: c.result.diagnostics.filter((d) => {
        const key = `${d.path ?? path}:${d.range.line}:${d.range.column}:${d.code}`;
        if (seenDiagnostics.has(key)) return false;
        seenDiagnostics.add(key);
        return true;
      }),
    };
  }
  return checked;
}

/** A path as the user reads it: relative to the working folder. */
function shownPath(path: string): string {
  return relative(process.cwd(), path) || path;
}

function check(o: Options): number {
  if (o.paths.length === 0) throw new UsageError('check needs at least one PATH');
  const checked = analyseFiles(o);
  const files = checked.map((c) => c.file);
  let errors = 0;
  const json: unknown[] = [];
  const text: string[] = [];
  const otherLines = new Map<string, string[]>();
  const linesOf = (path: string) => {
    let lines = otherLines.get(path);
    if (!lines) {
      try {
        lines = readFileSync(path, 'utf8').split(/\r?\n/);
      } catch {
        lines = [];
      }
      otherLines.set(path, lines);
    }
    return lines;
  };
  for (const { file: f, text: src, result } of checked) {
    const shown = shownPath(f);
    errors += result.diagnostics.filter((d) => d.severity === 'error').length;
    if (o.format === 'json') json.push(fileToJson(shown, result, shownPath));
    else {
      const lines = src.split(/\r?\n/);
      for (const d of result.diagnostics) text.push(d.path === undefined ? formatDiagnostic(shown, d, lines) : formatDiagnostic(shownPath(d.path), d, linesOf(d.path)));
    }
  }
  if (o.format === 'json') process.stdout.write(JSON.stringify({ files: json }, null, 2) + '\n');
  else {
    if (text.length) process.stdout.write(text.join('\n\n') + '\n\n');
    process.stdout.write(`${files.length} file${files.length === 1 ? '' : 's'} checked, ${errors} error${errors === 1 ? '' : 's'}\n`);
  }
  return errors > 0 ? 1 : 0;
}

function summary(o: Options): number {
  if (o.paths.length === 0) throw new UsageError('summary needs a FILE');
  for (const { file: f, result } of analyseFiles(o)) {
    process.stdout.write(`${shownPath(f)}\n`);
    if (result.models.length === 0) process.stdout.write('  no models found\n');
    for (const m of result.models) process.stdout.write(formatSummary(m, shownPath) + '\n\n');
  }
  return 0;
}

function convert(o: Options): number {
  if (o.paths.length !== 1) throw new UsageError('convert needs exactly one FILE');
  const f = o.paths[0];
  if (!existsSync(f)) throw new UsageError(`cannot read '${f}': no such file or directory`);
  const text = readFileSync(f, 'utf8');
  const to = o.to ?? (convertFile(text, o.model).code === '' && convertTorchFile(text, o.model).code !== '' ? 'keras' : 'pytorch');
  const { code, warnings } = to === 'keras' ? convertTorchFile(text, o.model) : convertFile(text, o.model);
  if (code) process.stdout.write(code);
  for (const w of warnings) process.stderr.write(`cnnshape: ${code ? 'warning: ' : ''}${w}\n`);
  return code ? 0 : 2;
}

async function confirm(o: Options): Promise<number> {
  if (o.paths.length === 0) throw new UsageError('confirm needs a FILE');
  const backend = o.backend ?? 'auto';
  if (backend !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(backend)) throw new UsageError(`--backend must be auto, ${BACKEND_NAMES.join(', ')}, not '${backend}'`);
  const files = collectFiles(o.paths).map((f) => ({ path: relative(process.cwd(), f) || f, text: readFileSync(f, 'utf8') }));
  let report;
  try {
    const request = { files, backend: backend as BackendRequest, options: { model: o.model, input: o.input, memoryLimitMb: o.memoryLimitMb } };
    // Bundled (dist/cli.js), the worker beside it carries TensorFlow.js, which the installed
    // extension has nowhere else; from the sources, tfjs comes from node_modules in this thread.
    const workerFile = join(__dirname, 'confirm-worker.js');
    report = existsSync(workerFile) ? await confirmInWorker(request, workerFile) : await confirmFiles(request);
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
