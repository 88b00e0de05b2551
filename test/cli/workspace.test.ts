// `cnnshape check` over several files: a directory is one workspace, a file resolves its imports
// from its folder and --root, and the JSON carries the `path` of whatever lies in another file.
// The projects are those of test/workspaces/.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json(...args: string[]) {
  return JSON.parse(run('check', '--format', 'json', ...args).out);
}

describe('cnnshape check on a workspace', () => {
  it('checks a directory as one workspace: an error found through an import is reported once, on the number to change', () => {
    const r = run('check', 'test/workspaces/block_error');
    expect(r.code).toBe(1);
    expect(r.out).toContain('test/workspaces/block_error/model.py:12:29: error[conv-in-channels]: Conv2d expects in_channels=32, but its input has 16 channels: (1, 16, 32, 32) from relu at blocks.py:11');
    expect(r.out.match(/blocks\.py:19:34: error\[norm-num-features\]/g)).toHaveLength(1);
    expect(r.out).toContain('2 files checked, 2 errors');
  });

  it('resolves a file’s imports from its folder and --root, and gives the path of what lies in other files', () => {
    const alone = json('test/workspaces/src_layout/scripts/train.py');
    expect(alone.files[0].models).toEqual([]);
    const doc = json('--root', 'test/workspaces/src_layout/src', 'test/workspaces/src_layout/scripts/train.py');
    const model = doc.files[0].models[0];
    expect(model).toMatchObject({ name: 'Classifier', path: 'test/workspaces/src_layout/src/tinyzoo/heads.py', line: 6, input: [[3, 1, 28, 28]], inputSource: 'call', output: [3, 10] });
    expect(model.layers[0]).toMatchObject({ kind: 'Conv2d', path: 'test/workspaces/src_layout/src/tinyzoo/backbone.py', line: 7, output: [3, 8, 14, 14] });
    const fc = model.layers.find((l: { kind: string }) => l.kind === 'Linear');
    expect(fc.path).toBe('test/workspaces/src_layout/src/tinyzoo/heads.py');
  });

  it('checks a package folder with its parent as a root, so that its files import the package by name', () => {
    // models/__init__.py re-exports the base class; models/vae.py imports it as `from models import Base`.
    const dir = mkdtempSync(join(tmpdir(), 'cnnshape-pkg-'));
    const pkg = join(dir, 'models');
    mkdirSync(pkg);
    writeFileSync(join(pkg, '__init__.py'), 'from .base import *\nfrom .vae import *\n');
    writeFileSync(join(pkg, 'base.py'), 'import torch.nn as nn\n\n\nclass Base(nn.Module):\n    def __init__(self):\n        super().__init__()\n');
    writeFileSync(join(pkg, 'vae.py'), 'import torch.nn as nn\nfrom models import Base\n\n\nclass Vae(Base):\n    def __init__(self, c):\n        super().__init__()\n        self.conv = nn.Conv2d(c, 8, 3)\n\n    def forward(self, x):\n        return self.conv(x)\n');
    const doc = json(pkg);
    const vae = doc.files.find((f: { path: string }) => f.path.endsWith('vae.py'));
    expect(vae.models.map((m: { name: string }) => m.name)).toEqual(['Vae']);
    expect(vae.models[0].layers[0]).toMatchObject({ kind: 'Conv2d' });
  });

  it('resolves `import model.backbone` in a file of a folder named model without __init__.py from the folder above it', () => {
    // As a project run from its top folder imports its namespace packages (semseg-style model/pspnet.py).
    const dir = mkdtempSync(join(tmpdir(), 'cnnshape-ns-'));
    const pkg = join(dir, 'model');
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'backbone.py'), 'import torch.nn as nn\n\n\ndef stem(c):\n    return nn.Conv2d(3, c, 3, stride=2, padding=1)\n');
    writeFileSync(join(pkg, 'net.py'), 'import torch\nimport torch.nn as nn\nimport model.backbone as backbone\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.stem = backbone.stem(16)\n        self.head = nn.Conv2d(16, 4, 1)\n\n    def forward(self, x):\n        return self.head(self.stem(x))\n\n\nnet = Net()\ny = net(torch.randn(2, 3, 32, 32))\n');
    const model = json(join(pkg, 'net.py')).files[0].models[0];
    expect(model.layers.map((l: { kind: string; output: unknown }) => [l.kind, l.output])).toEqual([
      ['Conv2d', [2, 16, 16, 16]],
      ['Conv2d', [2, 4, 16, 16]],
    ]);
  });

  it('gives the path of a related location and of a diagnostic in another file', () => {
    const file = json('test/workspaces/block_error/model.py').files[0];
    const conv = file.diagnostics.find((d: { code: string }) => d.code === 'conv-in-channels');
    expect(conv.path).toBeUndefined();
    expect(conv.related[0]).toMatchObject({ path: 'test/workspaces/block_error/blocks.py', line: 7 });
    const norm = file.diagnostics.find((d: { code: string }) => d.code === 'norm-num-features');
    expect(norm).toMatchObject({ path: 'test/workspaces/block_error/blocks.py', line: 19 });
    expect(file.models[0].layers[0]).toMatchObject({ kind: 'Conv2d', path: 'test/workspaces/block_error/blocks.py', line: 7, callLine: 11 });
  });

  it('gives --input to the model the workspace builds at the top, not to a block of it', () => {
    const doc = json('--input', '(1, 3, 64, 64)', 'test/workspaces/input_flag');
    const byName = new Map(doc.files.flatMap((f: { models: { name: string }[] }) => f.models.map((m) => [m.name, m])));
    expect(byName.get('Net')).toMatchObject({ inputSource: 'flag', output: [1, 32, 1, 1] });
    // The blocks are shown inside Net (reported once, with model.py), not fed the image by themselves.
    expect(byName.has('Neck')).toBe(false);
    const blocks = json('--input', '(1, 3, 64, 64)', 'test/workspaces/input_flag/blocks.py').files[0];
    expect(blocks.models.map((m: { name: string; path: string }) => [m.name, m.path])).toEqual([['Net', 'test/workspaces/input_flag/model.py']]);
    expect(doc.files.flatMap((f: { diagnostics: unknown[] }) => f.diagnostics)).toEqual([]);
    const named = json('--input', '(1, 16, 8, 8)', '--model', 'Neck', 'test/workspaces/input_flag/blocks.py');
    expect(named.files[0].models.find((m: { name: string }) => m.name === 'Neck')).toMatchObject({ inputSource: 'flag', output: [1, 32, 8, 8] });
  });

  it('resolves a file inside a package from the folder holding the package, as Python does once it is installed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnshape-package-root-'));
    mkdirSync(join(dir, 'tinypkg'));
    writeFileSync(join(dir, 'tinypkg', '__init__.py'), '');
    writeFileSync(join(dir, 'tinypkg', 'utils.py'), 'def stem_width():\n    return 16\n');
    const net = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n\nfrom tinypkg.utils import stem_width\n\ninputs = keras.Input(shape=(32, 32, 3))\nx = layers.Conv2D(stem_width(), 3, padding="same")(inputs)\nmodel = keras.Model(inputs, x)\n';
    writeFileSync(join(dir, 'tinypkg', 'net.py'), net);
    const model = json(join(dir, 'tinypkg', 'net.py')).files[0].models[0];
    expect(model.layers[0]).toMatchObject({ kind: 'Conv2D', output: [null, 32, 32, 16] });
  });

  it('analyses the class --model names even where a model of the same file uses it as a block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnshape-model-flag-'));
    const text = 'import torch.nn as nn\n\n\nclass Body(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)\n\n    def forward(self, x):\n        return self.conv(x)\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.body = Body()\n\n    def forward(self, x):\n        return self.body(x)\n';
    writeFileSync(join(dir, 'net.py'), text);
    const plain = json('--input', '(1, 3, 16, 16)', join(dir, 'net.py')).files[0];
    expect(plain.models.map((m: { name: string }) => m.name)).toEqual(['Net']);
    const named = json('--input', '(1, 3, 16, 16)', '--model', 'Body', join(dir, 'net.py')).files[0];
    expect(named.models.find((m: { name: string }) => m.name === 'Body')).toMatchObject({ inputSource: 'flag', output: [1, 8, 8, 8] });
  });

  it('rejects a --root that is not a directory', () => {
    const r = run('check', '--root', 'no/such/folder', 'examples/article_torch.py');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--root must be a directory');
  });

  it('reads installed libraries from --python-path, or from a .venv in the checked folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnshape-env-'));
    const user = 'import torch\nimport torch.nn as nn\nimport minivision\n\nbackbone = minivision.models.resnet10(weights=None)\nbackbone.fc = nn.Linear(64, 5)\nbackbone(torch.randn(2, 3, 64, 64))\n';
    writeFileSync(join(dir, 'train.py'), user);
    const zoo = join(root, 'test/workspaces/installed_zoo/lib/site-packages/minivision');
    // An environment elsewhere, named by its interpreter.
    const env = join(mkdtempSync(join(tmpdir(), 'cnnshape-prefix-')), 'env');
    mkdirSync(join(env, 'bin'), { recursive: true });
    writeFileSync(join(env, 'bin', 'python'), '');
    cpSync(zoo, join(env, 'lib', 'python3.11', 'site-packages', 'minivision'), { recursive: true });
    const withFlag = JSON.parse(run('check', '--format', 'json', '--python-path', join(env, 'bin', 'python'), join(dir, 'train.py')).out);
    expect(withFlag.files[0].models[0]).toMatchObject({ name: 'backbone', inputSource: 'call', output: [2, 5] });
    const without = JSON.parse(run('check', '--format', 'json', join(dir, 'train.py')).out);
    expect(without.files[0].models).toEqual([]);
    // A .venv in the checked folder is found by itself, and its files are not the workspace's own.
    const venv = join(dir, '.venv');
    mkdirSync(venv);
    writeFileSync(join(venv, 'pyvenv.cfg'), 'home = /usr/bin\n');
    cpSync(zoo, join(venv, 'lib', 'python3.11', 'site-packages', 'minivision'), { recursive: true });
    const auto = JSON.parse(run('check', '--format', 'json', dir).out);
    expect(auto.files.map((f: { path: string }) => f.path.replace(/.*\//, ''))).toEqual(['train.py']);
    expect(auto.files[0].models[0]).toMatchObject({ name: 'backbone', output: [2, 5] });
    expect(run('check', '--python-path', join(dir, 'missing'), join(dir, 'train.py')).code).toBe(2);
  });
});
