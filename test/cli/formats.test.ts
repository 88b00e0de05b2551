// Notebooks and CI from the command line: .ipynb files in every command and in directory walks,
// with places given as `notebook.ipynb:cell 3:6:29`; SARIF for GitHub code scanning; GitHub
// workflow annotations; and the pre-commit hook that runs `cnnshape check`.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_CODES } from '../../server/src/shapes/types';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const NOTEBOOK = 'test/cli/fixtures/wrong_linear.ipynb';
const notebookText = readFileSync(join(root, NOTEBOOK), 'utf8');
/** The line of the .ipynb file that holds the wrong Linear. */
const notebookLinearLine = notebookText.split('\n').findIndex((l) => l.includes('nn.Linear(6 * 28 * 28')) + 1;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('notebooks', () => {
  it('check: cells map back, lines counted within the cell; magics and other-language cells are left out', () => {
    const r = run('check', NOTEBOOK);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toContain(`${NOTEBOOK}:cell 3:6:29: error[linear-in-features]: Linear expects in_features=4704 (6 * 28 * 28), but its input has 1176 features: flatten of (1, 6, 14, 14) at cell 3 line 10`);
    expect(r.out).toContain('6 |         self.fc = nn.Linear(6 * 28 * 28, 10)\n  |                             ^^^^^^^^^^^');
    expect(r.out).toContain('1 file checked, 1 error');
  });

  it('check --format json gives the cell beside the line', () => {
    const file = JSON.parse(run('check', '--format', 'json', NOTEBOOK).out).files[0];
    expect(file.diagnostics[0]).toMatchObject({ cell: 3, line: 6, column: 29, endLine: 6, endColumn: 40 });
    expect(file.models[0]).toMatchObject({ name: 'Net', cell: 3, line: 2 });
  });

  it('directory walks find notebooks beside Python files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnshape-nb-'));
    copyFileSync(join(root, NOTEBOOK), join(dir, 'analysis.ipynb'));
    writeFileSync(join(dir, 'model.py'), 'import torch.nn as nn\n# input: (1, 4)\nnet = nn.Sequential(nn.Linear(4, 2))\n');
    writeFileSync(join(dir, 'r.ipynb'), JSON.stringify({ cells: [{ cell_type: 'code', source: 'x <- 1' }], metadata: { kernelspec: { language: 'R' } } }));
    writeFileSync(join(dir, 'broken.ipynb'), '{"cells": [');
    const r = spawnSync(process.execPath, [cli, 'check', '.'], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout).toContain('analysis.ipynb:cell 3:6:29: error[linear-in-features]');
    expect(r.stdout).toContain('2 files checked, 1 error, 2 skipped');
    expect(r.stderr).toContain('cnnshape: warning: skipped r.ipynb: its kernel runs R, not Python');
    expect(r.stderr).toMatch(/cnnshape: warning: skipped broken\.ipynb: not a readable notebook: /);
  });

  it('summary, convert and confirm read notebooks too', () => {
    expect(run('summary', NOTEBOOK).out).toMatch(/Net \(input \(1, 1, 28, 28\) from comment\)[\s\S]*Conv2d \(conv\)\s+\(1, 6, 14, 14\)\s+60/);
    const converted = run('convert', NOTEBOOK);
    expect(converted.code).toBe(0);
    expect(converted.out).toContain('layers.Conv2D(6, 3, strides=2');
    const confirmed = JSON.parse(run('confirm', '--format', 'json', '--backend', 'cpu', NOTEBOOK).out);
    const layers = confirmed.files[0].models[0].layers.map((l: { kind: string; status: string }) => `${l.kind} ${l.status}`);
    expect(layers).toEqual(['Conv2d confirmed', 'relu confirmed', 'flatten confirmed', 'Linear failed']);
  }, 60000);
});

describe('--format sarif', () => {
  it('writes a SARIF 2.1.0 log that code scanning reads: rules, results with regions in code points, fixes', () => {
    const r = run('check', '--format', 'sarif', 'examples', NOTEBOOK);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(log.version).toBe('2.1.0');
    const [sarifRun] = log.runs;
    expect(sarifRun.tool.driver.name).toBe('cnnshape');
    expect(sarifRun.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual([...RULE_CODES]);
    expect(sarifRun.columnKind).toBe('unicodeCodePoints');
    const [py, nb] = sarifRun.results;
    expect(py).toMatchObject({ ruleId: 'linear-in-features', ruleIndex: RULE_CODES.indexOf('linear-in-features'), level: 'error' });
    expect(py.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'examples/article_torch_wrong_linear.py' }, region: { startLine: 19, startColumn: 23, endLine: 19, endColumn: 30 } });
    expect(py.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe('6*7*7');
    // A notebook result sits on the .ipynb line that holds the cell line, and names the cell.
    expect(nb.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: NOTEBOOK }, region: { startLine: notebookLinearLine } });
    expect(nb.message.text).toMatch(/^cell 3, line 6, column 29: Linear expects in_features=4704/);
  });
});

describe('--format github', () => {
  it('writes one workflow command per diagnostic, escaped', () => {
    const r = run('check', '--format', 'github', 'examples', NOTEBOOK);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '::error file=examples/article_torch_wrong_linear.py,line=19,col=23,endLine=19,endColumn=30,title=cnnshape linear-in-features::Linear expects in_features=1176 (6*14*14), but its input has 294 features: Flatten of (1, 6, 7, 7) at line 18%0Afix: Change 6*14*14 to 6*7*7%0Afix: Use nn.LazyLinear(10) (PyTorch infers in_features)',
    );
    expect(lines[1]).toMatch(new RegExp(`^::error file=${NOTEBOOK.replace(/\./g, '\\.')},line=${notebookLinearLine},title=cnnshape linear-in-features::cell 3, line 6, column 29: `));
  });
});

describe('pre-commit', () => {
  it('offers a hook that runs cnnshape check on Python files and notebooks', () => {
    const hooks = readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8');
    expect(hooks).toMatch(/^- id: cnnshape$/m);
    expect(hooks).toMatch(/^ {2}entry: cnnshape check$/m);
    expect(hooks).toMatch(/^ {2}language: node$/m);
    expect(hooks).toMatch(/^ {2}types_or: \[python, jupyter\]$/m);
    // pre-commit installs the package with npm pack, which builds the bundles first.
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.bin.cnnshape).toBe('./bin/cnnshape.js');
    expect(pkg.scripts.prepack).toBe('node scripts/build.mjs');
  });
});
