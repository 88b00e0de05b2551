// The npm package installs and runs without a compiler: `npm pack` packs what `npm test` built, the
// tarball is installed with `npm install --ignore-scripts` (no node-gyp, no postinstall) into an
// empty folder outside the repository, and its `cnnshape check` finds the examples' error, as the
// repository's own build does. Where the native tree-sitter prebuild cannot load (the upstream
// linux-x64 one needs GCC 13's libstdc++, which Debian 12 and Ubuntu 22.04 lack), the WebAssembly
// parser takes over, said in one line on stderr; `--parser wasm` forces it everywhere.
// npm reads the registry for the dependencies' metadata (packages come from its cache when there).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const built = existsSync(join(root, 'dist/cli.js')) && existsSync(join(root, 'dist/tree-sitter-python.wasm'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function checkExamples(cli: string, cwd: string, ...flags: string[]) {
  const r = spawnSync(process.execPath, [cli, 'check', ...flags, 'examples'], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe.skipIf(!built)('the npm package', () => {
  let temp = '';
  let app = '';
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'cnnshape-npm-'));
    // --ignore-scripts: `npm test` has built dist/ already, and a rebuild (prepack) would rewrite the
    // bundles while other test files run them.
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', temp], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(temp).find((f) => f.endsWith('.tgz'))!;
    app = join(temp, 'app');
    mkdirSync(app);
    execFileSync(npm, ['install', '--ignore-scripts', '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline', join(temp, tarball)], { cwd: app, stdio: 'pipe' });
  }, 300000);
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('installs with --ignore-scripts and checks the examples as the repository does', () => {
    const installed = join(app, 'node_modules/cnnshape');
    // No install script ran: nothing was compiled.
    expect(existsSync(join(app, 'node_modules/tree-sitter/build'))).toBe(false);
    const cli = join(installed, 'bin/cnnshape.js');
    const fromPackage = checkExamples(cli, installed);
    const fromRepository = checkExamples(join(root, 'bin/cnnshape.js'), root);
    expect(fromPackage.code).toBe(1);
    expect(fromPackage.out).toBe(fromRepository.out);
    expect(fromPackage.out).toContain('examples/article_torch_wrong_linear.py:19:23: error[linear-in-features]');
    // Either the native parser loaded, silently, or one line says why not and which parser runs.
    const notice = fromPackage.err.split('\n').filter((l) => l !== '');
    if (notice.length > 0) {
      expect(notice).toHaveLength(1);
      expect(notice[0]).toMatch(/^cnnshape: the native tree-sitter parser did not load \(.+\); using the WebAssembly parser$/);
    }
  });

  it('runs on the WebAssembly parser when asked, with the same result and nothing on stderr', () => {
    const installed = join(app, 'node_modules/cnnshape');
    const wasm = checkExamples(join(installed, 'bin/cnnshape.js'), installed, '--parser', 'wasm', '--format', 'json');
    const native = checkExamples(join(root, 'bin/cnnshape.js'), root, '--format', 'json');
    expect(wasm.err).toBe('');
    expect(wasm.out).toBe(native.out);
  });
});
