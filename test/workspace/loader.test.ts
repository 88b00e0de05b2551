// Python's import system over a set of files (server/src/workspace/loader.ts): where each import
// form finds its module, in Python's order, and what it never follows.

import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import { workspaceFromTexts } from '../../server/src/workspace/files';
import { WorkspaceLoader } from '../../server/src/workspace/loader';
import { normalisePath, relativeTo } from '../../server/src/workspace/paths';

const files = {
  '/ws/main.py': '',
  '/ws/pkg/__init__.py': 'X = 1\n',
  '/ws/pkg.py': '# shadowed by the package pkg/\n',
  '/ws/pkg/sub/__init__.py': '',
  '/ws/pkg/sub/deep.py': '',
  '/ws/pkg/util.py': '',
  '/ws/solo.py': '',
  '/ws/nspace/mod.py': '',
  '/ws/src/lib_in_src/__init__.py': '',
  '/ws/models/local.py': '',
  '/ws/models/helper.py': '',
  '/env/site-packages/zoo/__init__.py': '',
  '/env/site-packages/zoo/nets.py': '',
  '/env/site-packages/zoo/helper.py': '',
  '/env/site-packages/torch/__init__.py': '',
};

function loader() {
  return new WorkspaceLoader(workspaceFromTexts(files, { roots: ['/ws', '/ws/src'], libraries: ['/env/site-packages'] }));
}

describe('import resolution', () => {
  it('finds a package before a module of the same name, and a module in a package', () => {
    const l = loader();
    const main = l.fileFor('/ws/main.py', '');
    expect(l.absolute('pkg', main)).toMatchObject({ path: '/ws/pkg/__init__.py', isPackage: true, folder: '/ws/pkg', name: 'pkg', library: false });
    expect(l.absolute('pkg.sub.deep', main)).toMatchObject({ path: '/ws/pkg/sub/deep.py', isPackage: false, name: 'pkg.sub.deep' });
    expect(l.absolute('solo', main)?.path).toBe('/ws/solo.py');
    expect(l.absolute('lib_in_src', main)?.path).toBe('/ws/src/lib_in_src/__init__.py');
  });

  it('takes a folder without __init__.py as a namespace package', () => {
    const l = loader();
    const ns = l.absolute('nspace', null);
    expect(ns).toMatchObject({ path: null, isPackage: true, folder: '/ws/nspace', text: null });
    expect(l.submodule(ns!, 'mod')?.path).toBe('/ws/nspace/mod.py');
    expect(l.absolute('nspace.mod', null)?.path).toBe('/ws/nspace/mod.py');
  });

  it('counts folders up for relative imports', () => {
    const l = loader();
    const deep = l.absolute('pkg.sub.deep', null)!;
    expect(l.relative(1, '', deep)?.path).toBe('/ws/pkg/sub/__init__.py');
    expect(l.relative(2, 'util', deep)).toMatchObject({ path: '/ws/pkg/util.py', name: 'pkg.util' });
    expect(l.relative(1, 'missing', deep)).toBeUndefined();
    expect(l.relative(1, 'util', null)).toBeUndefined();
  });

  it('searches the importing file’s own folder first, for the user’s files only', () => {
    const l = loader();
    const local = l.absolute('models.local', null)!;
    expect(l.absolute('helper', local)?.path).toBe('/ws/models/helper.py');
    const nets = l.absolute('zoo.nets', null)!;
    expect(nets.library).toBe(true);
    // A library module's `import helper` is absolute: Python 3 never looks in the module's folder.
    expect(l.absolute('helper', nets)).toBeUndefined();
  });

  it('reads installed libraries, except the frameworks the engine knows by name', () => {
    const l = loader();
    expect(l.absolute('zoo', null)).toMatchObject({ path: '/env/site-packages/zoo/__init__.py', library: true });
    expect(l.absolute('torch', null)).toBeUndefined();
    expect(l.isLibrary('/env/site-packages/zoo/nets.py')).toBe(true);
    expect(l.isLibrary('/ws/solo.py')).toBe(false);
  });

  it('remembers the files it read', () => {
    const l = loader();
    l.absolute('pkg.util', null);
    expect([...l.filesRead]).toEqual(['/ws/pkg/__init__.py', '/ws/pkg/util.py']);
  });
});

describe('paths', () => {
  it('normalises separators, dots and repeated slashes', () => {
    expect(normalisePath('C:\\work\\proj\\..\\x.py')).toBe('C:/work/x.py');
    expect(normalisePath('/a//b/./c/../d.py')).toBe('/a/b/d.py');
    expect(relativeTo('/a/b/c.py', '/a')).toBe('b/c.py');
    expect(relativeTo('/x/c.py', '/a')).toBe('/x/c.py');
  });
});

describe('import forms in the interpreter', () => {
  const net = (body: string) => `import torch\nimport torch.nn as nn\n${body}\n`;
  const lib = {
    '/w/blocks/__init__.py': 'from .conv import *\nfrom .conv import Conv as AliasedConv\n',
    '/w/blocks/conv.py': 'import torch.nn as nn\n__all__ = ["Conv"]\nclass Conv(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.conv = nn.Conv2d(c, 2 * c, 3)\n    def forward(self, x):\n        return self.conv(x)\nclass Hidden(nn.Module):\n    pass\n',
  };
  const cases: [string, string][] = [
    ['import blocks', 'blocks.Conv(4)'],
    ['import blocks.conv', 'blocks.conv.Conv(4)'],
    ['import blocks.conv as bc', 'bc.Conv(4)'],
    ['from blocks import Conv', 'Conv(4)'],
    ['from blocks import AliasedConv', 'AliasedConv(4)'],
    ['from blocks.conv import Conv as C', 'C(4)'],
    ['from blocks import conv', 'conv.Conv(4)'],
    ['from blocks import *', 'Conv(4)'],
  ];
  for (const [imp, build] of cases) {
    it(`${imp}; ${build}`, () => {
      const text = net(`${imp}\nnet = ${build}\nnet(torch.randn(1, 4, 8, 8))`);
      const ws = workspaceFromTexts({ ...lib, '/w/main.py': text }, { roots: ['/w'] });
      const r = analyze(text, { path: '/w/main.py', workspace: ws });
      expect(r.models.map((m) => [m.name, m.path, m.layers.map((l) => l.output)])).toEqual([['Conv', '/w/blocks/conv.py', [[1, 8, 6, 6]]]]);
    });
  }

  it('a name outside __all__ is not brought in by a wildcard', () => {
    const text = net('from blocks.conv import *\nnet = Hidden()');
    const ws = workspaceFromTexts({ ...lib, '/w/main.py': text }, { roots: ['/w'] });
    expect(analyze(text, { path: '/w/main.py', workspace: ws }).models).toEqual([]);
  });

  it('without a workspace, imports stay library names as before', () => {
    const text = net('from blocks import Conv\nnet = Conv(4)\nnet(torch.randn(1, 4, 8, 8))');
    const r = analyze(text);
    expect(r.models).toEqual([]);
    expect(r.files).toBeUndefined();
  });
});

describe('module cache', () => {
  it('parses a file again only when its text changed', async () => {
    const { ModuleCache } = await import('../../server/src/workspace/files');
    const cache = new ModuleCache();
    const first = cache.tree('/w/a.py', 'x = 1\n');
    expect(cache.tree('/w/a.py', 'x = 1\n')).toBe(first);
    const second = cache.tree('/w/a.py', 'x = 2\n');
    expect(second).not.toBe(first);
    expect(second.rootNode.file).toBe('/w/a.py');
  });
});

describe('models built by the workspace', () => {
  const model = 'import torch.nn as nn\n\nclass TinyNet(nn.Module):\n    def __init__(self, in_ch, classes):\n        super().__init__()\n        self.conv = nn.Conv2d(in_ch, 8, 3)\n        self.fc = nn.Linear(8, classes)\n\n    def forward(self, x):\n        return self.fc(self.conv(x).mean((2, 3)))\n';

  it('takes the arguments and input of a pytest function that builds the model, never called in the file', () => {
    const test = 'import torch\nfrom tinynet import TinyNet\n\ndef test_forward():\n    net = TinyNet(in_ch=1, classes=3)\n    out = net(torch.randn(5, 1, 20, 20))\n    assert out.shape == (5, 3)\n';
    const ws = workspaceFromTexts({ '/p/tinynet.py': model, '/p/tests/test_tinynet.py': test }, { roots: ['/p'] });
    const r = analyze(model, { path: '/p/tinynet.py', workspace: ws });
    expect(r.models.map((m) => [m.name, m.inputSource, m.input, m.output])).toEqual([['TinyNet', 'call', [[5, 1, 20, 20]], [5, 3]]]);
    expect(r.files).toContain('/p/tests/test_tinynet.py');
  });
});

describe('a script that imports the model class under another name', () => {
  it('lends the class its input: `from model import Net as SuperResolution`', () => {
    const texts = {
      '/ws/model.py': ['import torch.nn as nn', '', 'class Net(nn.Module):', '    def __init__(self, factor):', '        super().__init__()', '        self.conv = nn.Conv2d(1, factor * factor, 3, padding=1)', '        self.shuffle = nn.PixelShuffle(factor)', '', '    def forward(self, x):', '        return self.shuffle(self.conv(x))', ''].join('\n'),
      '/ws/train.py': ['import torch', 'from model import Net as SuperResolution', '', 'net = SuperResolution(3)', 'y = net(torch.randn(1, 1, 16, 16))', ''].join('\n'),
    };
    const workspace = workspaceFromTexts(texts, { roots: ['/ws'] });
    const result = analyze(texts['/ws/model.py'], { path: '/ws/model.py', workspace });
    expect(result.models.find((m) => m.name === 'Net')?.layers.map((l) => l.output)).toEqual([
      [1, 9, 16, 16],
      [1, 1, 48, 48],
    ]);
  });
});
