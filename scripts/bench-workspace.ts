// The workspace part of `npm run bench`: a generated package of about 300 files that import each
// other (scripts/generate-workspace.ts), written into a temporary folder and removed afterwards.
//   h. cold analysis: `cnnshape check <folder>` as a whole process (every file analysed, imports
//      followed), against the bare tree-sitter parse of every file in this process. Goal: under 3 s.
//   i. in the language server, with the shared block file and several model files open: an edit of
//      the shared block (breaking, then fixing, its BatchNorm) -> the diagnostics of the block file
//      and of every open model file that depends on it; median and p95. Goal: under 150 ms p95.
//   j. the server's resident memory after that. Goal: under 400 MB.
// It prints figures and never fails on them.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parsePython } from '../server/src/syntax/parse';
import { BenchClient, median, mib, ms, pause, percentile } from './bench-util';
import { generateWorkspace } from './generate-workspace';

const root = resolve(__dirname, '..');
const command = join(root, 'bin', 'cnnshape.js');

const FILES = 300;
const OPEN_MODELS = 8;
const WARMUP_EDITS = 3;
const MEASURED_EDITS = 20;
const COLD_GOAL_MS = 3000;
const EDIT_GOAL_MS = 150;
const MEMORY_GOAL_MB = 400;

/** Wall time of one child process, with the CPU time it used (its preload says it at exit). */
function processTime(args: string[], preload: string): { ms: number; cpuMs?: number; error?: string; output: string } {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['-r', preload, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1048576 });
  const elapsed = performance.now() - start;
  if (result.error) return { ms: elapsed, error: result.error.message, output: '' };
  if (result.status !== 0 && result.status !== 1) return { ms: elapsed, error: (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | '), output: '' };
  const cpu = /cnnshape-bench-cpu (\d+)/.exec(result.stderr ?? '');
  return { ms: elapsed, ...(cpu ? { cpuMs: Number(cpu[1]) / 1000 } : {}), output: result.stdout };
}

export async function benchWorkspace(): Promise<void> {
  const started = performance.now();
  const folder = mkdtempSync(join(tmpdir(), 'cnnshape-bench-workspace-'));
  const lines: string[] = [];
  const notes: string[] = [];
  try {
    const generated = generateWorkspace(FILES);
    for (const f of generated.files) {
      mkdirSync(dirname(join(folder, f.path)), { recursive: true });
      writeFileSync(join(folder, f.path), f.text);
    }
    const row = (measure: string, value: string, baseline: string, goal: string) => lines.push([measure, value, baseline, goal].join(' | '));

    // h. Cold analysis of the whole package, against the bare parse of every file.
    let parseMs = 0;
    for (const f of generated.files) {
      const t = performance.now();
      parsePython(f.text);
      parseMs += performance.now() - t;
    }
    const preload = join(folder, 'cpu-usage.js');
    writeFileSync(preload, "process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeSync(2, 'cnnshape-bench-cpu ' + (u.user + u.system) + '\\n'); });\n");
    processTime([command, 'check', folder], preload); // fills the file cache and the compile cache
    const runs = [processTime([command, 'check', folder], preload), processTime([command, 'check', folder], preload)];
    const failed = runs.find((r) => r.error);
    if (failed) notes.push(`h. the command line failed: ${failed.error}`);
    else {
      const cold = median(runs.map((r) => r.ms));
      const summary = runs[0].output.trim().split('\n').pop() ?? '';
      row(`cnnshape check on a ${generated.files.length}-file package (process)`, ms(cold), `${ms(parseMs)} bare parse of all files`, `< ${COLD_GOAL_MS} ms ${cold < COLD_GOAL_MS ? 'met' : 'NOT met'}`);
      const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== undefined);
      notes.push(
        `h. ${summary} (expected: ${generated.files.length} files checked, 0 errors); ${generated.models.length} model files, ${generated.files.filter((f) => f.path.startsWith('pkg/train/')).length} training scripts, 21 block files. ` +
          `CPU time of the check: ${cpu.length ? ms(median(cpu)) : '?'} (on a loaded machine the wall time waits for the CPU).`,
      );
    }

    // i, j. The language server with the shared block and some of its dependents open.
    const client = await BenchClient.start(folder);
    try {
      const idle = client.residentBytes();
      const shared = generated.files.find((f) => f.path === generated.shared.path)!;
      const sharedUri = pathToFileURL(join(folder, shared.path)).href;
      const step = Math.max(1, Math.floor(generated.models.length / OPEN_MODELS));
      const open = generated.models.filter((_, i) => i % step === 0).slice(0, OPEN_MODELS);
      const openUris = open.map((p) => pathToFileURL(join(folder, p)).href);
      const opened = performance.now();
      await client.open(sharedUri, shared.text);
      for (const [i, p] of open.entries()) await client.open(openUris[i], generated.files.find((f) => f.path === p)!.text);
      await client.diagnosticsFor(sharedUri, 1);
      for (const uri of openUris) await client.diagnosticsFor(uri, 1);
      const openMs = performance.now() - opened;
      const broken = shared.text.replace(generated.shared.line, generated.shared.broken);
      const times: number[] = [];
      const counts = new Set<number>();
      let current = shared.text;
      let cpuBefore: number | undefined;
      for (let version = 2; version < 2 + WARMUP_EDITS + MEASURED_EDITS; version++) {
        if (version === 2 + WARMUP_EDITS) cpuBefore = client.cpuMs();
        const next = current === shared.text ? broken : shared.text;
        await pause(20);
        const after = client.publicationCount();
        const sent = performance.now();
        await client.change(sharedUri, version, current, next);
        await client.diagnosticsFor(sharedUri, version);
        // Every open model file reads the block: each is re-checked and published again.
        for (const uri of openUris) await client.publishedAfter(uri, after);
        const elapsed = performance.now() - sent;
        current = next;
        if (version < 2 + WARMUP_EDITS) continue;
        times.push(elapsed);
        // The block file's diagnostics merge every target's findings in it: the last publication
        // counts (the one sent with the last dependent's may follow it by a moment).
        await pause(30);
        counts.add(client.latestAfter(sharedUri, after)?.diagnostics.length ?? -1);
      }
      const cpuAfter = client.cpuMs();
      const cpuPerEdit = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / MEASURED_EDITS : undefined;
      const p95 = percentile(times, 0.95);
      row(
        `edit in the shared block -> it and ${open.length} open dependents re-published (median ${ms(median(times))})`,
        `p95 ${ms(p95)}`,
        `${ms(parseMs / generated.files.length)} bare parse of one file`,
        `< ${EDIT_GOAL_MS} ms ${p95 < EDIT_GOAL_MS ? 'met' : 'NOT met'}`,
      );
      const resident = client.residentBytes();
      if (resident !== undefined) row('server memory (RSS) with that workspace', mib(resident), `${idle === undefined ? '?' : mib(idle)} idle`, `< ${MEMORY_GOAL_MB} MB ${resident < MEMORY_GOAL_MB * 1048576 ? 'met' : 'NOT met'}`);
      notes.push(
        `i. ${MEASURED_EDITS} edits after ${WARMUP_EDITS} unmeasured ones; the block file's diagnostics ${counts.size === 2 ? 'alternated as intended' : `did NOT alternate (counts ${[...counts].join(', ')})`}; ` +
          `opening the ${1 + open.length} files took ${ms(openMs)} to their first diagnostics; the server's CPU time per edit: ${cpuPerEdit === undefined ? '?' : ms(cpuPerEdit)}.`,
      );
    } finally {
      await client.stop();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  console.log(`\ncnnshape workspace benchmark (a generated package in a temporary folder)\n`);
  const cells = lines.map((l) => l.split(' | '));
  const header = ['workspace', 'value', 'baseline', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  console.log('');
  for (const n of notes) console.log(n);
  console.log(`\nworkspace benchmark took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
