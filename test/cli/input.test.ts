// The command line on bad and big input, as a user meets it: a malformed --input, a directory with
// symbolic link loops, dangling links and unreadable entries, files over the size limit, non-ASCII
// text, a byte order mark, old Mac line endings, a parser that will not load, a confirmation that
// would not fit in memory, and native libraries that write on stderr. Each runs the built bundle.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; prefix?: string[] } = {}) {
  const [command, ...rest] = options.prefix ?? [process.execPath];
  const r = spawnSync(command, [...rest, ...(options.prefix ? [process.execPath] : []), cli, ...args], { cwd: options.cwd ?? root, encoding: 'utf8', env: options.env ?? process.env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const WRONG = 'import torch.nn as nn\n# input: (1, 1, 28, 28)\nnet = nn.Sequential(nn.Flatten(), nn.Linear(100, 10))\n';
const RIGHT = 'import torch.nn as nn\n# input: (1, 4)\nnet = nn.Sequential(nn.Linear(4, 2))\n';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cnnshape-input-'));
  chmodSync(dir, 0o755);
  return dir;
}

describe('--input', () => {
  it.each([
    ['abc', "expected '(' at column 1"],
    ['(1, -3, x', 'the parenthesis opened at column 1 is not closed'],
    ['(1,1,1e400,28)', 'the size 1e400 is not a whole number'],
    ['(1, 0, 28, 28)', 'the size 0 is not positive'],
    ['(1, 3) junk', "unexpected 'j' at column 8"],
  ])("rejects '%s' with exit 2 and says why", (input, why) => {
    for (const command of ['check', 'summary', 'confirm']) {
      const r = run([command, '--input', input, 'examples/article_torch.py']);
      expect(r.code, command).toBe(2);
      expect(r.err).toContain(`cnnshape: --input '${input}' is not a shape: ${why}`);
    }
  });

  it('takes tuples, lists, names, None and a trailing comma', () => {
    const r = run(['check', '--format', 'json', '--input', '(N, 1, 28, 28,), [None, 10]', 'examples/article_torch.py']);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).files[0].models[0].inputSource).toBe('flag');
  });
});

describe('directory walks', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir();
    mkdirSync(join(dir, 'a', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'wrong.py'), WRONG);
    writeFileSync(join(dir, 'a', 'deep', 'right.py'), RIGHT);
    symlinkSync('..', join(dir, 'a', 'up')); // a loop back to dir
    symlinkSync('missing.py', join(dir, 'dangling.py'));
    symlinkSync('self.py', join(dir, 'self.py')); // a link to itself: ELOOP
    symlinkSync('wrong.py', join(dir, 'z_same.py')); // the same file twice: checked once, by its first path
    execFileSync('mkfifo', [join(dir, 'pipe.py')]);
    writeFileSync(join(dir, 'secret.py'), WRONG);
    chmodSync(join(dir, 'secret.py'), 0o000);
  });

  it('skips links that loop or dangle, non-files and unreadable files with a warning, and checks the rest', () => {
    // Permissions do not bind root: run as nobody there.
    const asRoot = process.getuid?.() === 0;
    if (asRoot && spawnSync('setpriv', ['--version']).status !== 0) throw new Error('setpriv is needed to drop root for this test');
    const r = run(['check', dir], { prefix: asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : undefined, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toContain('wrong.py:3:45: error[linear-in-features]');
    expect(r.out).toContain('2 files checked, 1 error, 5 skipped');
    const warnings = r.err.trim().split('\n').sort();
    expect(warnings).toEqual([
      `cnnshape: warning: skipped a/up: a link back to ., which is already being searched`,
      'cnnshape: warning: skipped dangling.py: a dangling symbolic link',
      'cnnshape: warning: skipped pipe.py: not a regular file',
      'cnnshape: warning: skipped secret.py: permission denied',
      'cnnshape: warning: skipped self.py: a symbolic link loop',
    ]);
  });

  it('lists what it skipped in the JSON document', () => {
    const doc = JSON.parse(run(['check', '--format', 'json', dir], { cwd: dir }).out);
    expect(doc.skipped.map((s: { path: string }) => s.path)).toContain('dangling.py');
  });

  it('skips a file over --max-file-size and says by how much', () => {
    const big = tempDir();
    writeFileSync(join(big, 'big.py'), WRONG + '#'.repeat(3000) + '\n');
    writeFileSync(join(big, 'small.py'), WRONG);
    const r = run(['check', '--max-file-size', '0.002', big], { cwd: big });
    expect(r.code).toBe(1);
    expect(r.out).toContain('1 file checked, 1 error, 1 skipped');
    expect(r.err).toBe('cnnshape: warning: skipped big.py: 3.0 KiB is over the size limit of 2.0 KiB (--max-file-size 0.002)\n');
  });
});

describe('text', () => {
  it('counts columns in Unicode characters, as Python does', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'emoji.py'), "import torch.nn as nn\n# input: (1, 1, 28, 28)\ntag = '😀😀'; net = nn.Sequential(nn.Flatten(), nn.Linear(100, 10))\n");
    const r = run(['check', 'emoji.py'], { cwd: dir });
    expect(r.out).toContain('emoji.py:3:57: error[linear-in-features]');
    expect(JSON.parse(run(['check', '--format', 'json', 'emoji.py'], { cwd: dir }).out).files[0].diagnostics[0]).toMatchObject({ line: 3, column: 57, endColumn: 60 });
  });

  it('does not count a byte order mark', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bom.py'), '\ufeff' + WRONG);
    expect(run(['check', 'bom.py'], { cwd: dir }).out).toContain('bom.py:3:45: error[linear-in-features]');
  });

  it('reads \\r line endings, as Python does', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mac.py'), WRONG.replace(/\n/g, '\r'));
    const r = run(['check', 'mac.py'], { cwd: dir });
    expect(r.out).toContain('mac.py:3:45: error[linear-in-features]');
    expect(r.out).toContain('3 | net = nn.Sequential(nn.Flatten(), nn.Linear(100, 10))');
  });
});

describe('the parser', () => {
  it('falls back to the WebAssembly parser in one line when the native one does not load', () => {
    const dir = tempDir();
    // Makes require('tree-sitter') fail as the upstream prebuild does on Debian 12.
    const preload = join(dir, 'no-native.cjs');
    writeFileSync(
      preload,
      `const Module = require('module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'tree-sitter') throw new Error("/lib/x86_64-linux-gnu/libstdc++.so.6: version \`GLIBCXX_3.4.31' not found (required by tree-sitter.node)\\n    at Module._extensions..node");
  return load.call(this, request, ...rest);
};
`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${preload}` };
    delete env.CNNSHAPE_PARSER;
    const fallback = run(['check', '--format', 'json', 'examples'], { env });
    expect(fallback.err).toBe("cnnshape: the native tree-sitter parser did not load (/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.31' not found (required by tree-sitter.node)); using the WebAssembly parser\n");
    expect(fallback.out).toBe(run(['check', '--format', 'json', 'examples']).out);
    // Forcing the native parser there fails with the reason, and exit 2.
    const forced = run(['check', '--parser', 'native', 'examples'], { env });
    expect(forced.code).toBe(2);
    expect(forced.err).toMatch(/^cnnshape: the native tree-sitter parser did not load: .*GLIBCXX_3\.4\.31/);
  });
});

describe('confirm', () => {
  it('refuses a model whose activations would not fit, naming the layer at the peak', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'huge.py'),
      `import torch
import torch.nn as nn

# input: (1, 3, 20000, 20000)
class Big(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        return self.pool(torch.relu(self.conv(x)))
`,
    );
    const r = run(['confirm', '--format', 'json', 'huge.py'], { cwd: dir });
    const model = JSON.parse(r.out).files[0].models[0];
    // Input 4.8 GB, the convolution's output 25.6 GB, and relu's beside it.
    expect(model.refused).toMatch(/^its forward pass needs about 52\.2 GiB \(52\.2 GiB of activations alive at once at relu on line 12, 1\.8 KiB of weights\), over the memory limit of 1024 MiB/);
    expect(model.layers).toEqual([]);
  });

  it('keeps what native libraries print off stderr unless --verbose', () => {
    const dir = tempDir();
    // A stand-in for Dawn that writes on the process's stderr file directly, as native code does.
    const dawn = join(dir, 'noisy-dawn.cjs');
    writeFileSync(dawn, `require('fs').writeSync(2, 'Warning: Vulkan noise\\n    at InitializeImpl (PhysicalDeviceVk.cpp:257)\\n');\nmodule.exports = { globals: {}, create: () => ({ requestAdapter: async () => null }) };\n`);
    const env = { ...process.env, CNNSHAPE_DAWN_NODE: dawn };
    const quiet = run(['confirm', 'examples/article_torch.py'], { env });
    expect(quiet.code).toBe(0);
    expect(quiet.out).toContain('confirmed');
    expect(quiet.err).toBe('');
    const verbose = run(['confirm', '--verbose', 'examples/article_torch.py'], { env });
    expect(verbose.err).toContain('Warning: Vulkan noise');
  });
});
