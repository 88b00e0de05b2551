// The language server over a workspace of several files: an open file's imports are read from the
// editor's live text (never the disk's copy of an open file) or the disk, an edit in blocks.py
// re-checks the open files that import it, and an error found in blocks.py from a model built in
// model.py is published on blocks.py.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoverText, positionOf, TestClient } from './harness';

const BLOCKS = `import torch.nn as nn


class Block(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.conv = nn.Conv2d(cin, 32, 3, padding=1)
        self.bn = nn.BatchNorm2d(32)

    def forward(self, x):
        x = self.bn(self.conv(x))
        return x.view(-1, 32 * 8 * 8)
`;

const MODEL = `import torch
import torch.nn as nn
from blocks import Block


# input: (1, 3, 30, 30)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = Block(16)
        self.fc = nn.Linear(32 * 8 * 8, 10)

    def forward(self, x):
        x = self.block(self.stem(x))
        return self.fc(x)
`;

let folder: string;
let client: TestClient;
const uri = (name: string) => pathToFileURL(join(folder, name)).href;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cnnshape-lsp-ws-'));
  writeFileSync(join(folder, 'blocks.py'), BLOCKS);
  writeFileSync(join(folder, 'model.py'), MODEL);
  client = await TestClient.start({}, { workspaceFolders: [pathToFileURL(folder).href] });
});

afterAll(async () => {
  await client?.stop();
});

describe('language server over a workspace', () => {
  it('publishes on blocks.py the error that model.py’s model finds there, and follows edits of blocks.py into model.py', async () => {
    // 30x30 maps after the stem: the view of 32*8*8 does not divide 32*30*30 elements.
    await client.openDocument(uri('model.py'), MODEL, 1);
    expect(await client.diagnostics(uri('model.py'), { version: 1 })).toEqual([]);
    const inBlocks = await client.eventualDiagnostics(uri('blocks.py'), (d) => d.length > 0);
    expect(inBlocks.map((d) => [d.code, d.range.start.line])).toEqual([['reshape-size', 11]]);

    // Hovers in model.py show its own layers; the block's, which lie in blocks.py, are not placed
    // here, but the block's constructor, written here, shows the whole block.
    const hover = hoverText(await client.hover(uri('model.py'), positionOf(MODEL, 'self.stem(x)', { offset: 6 })));
    expect(hover).toContain('(1, 16, 30, 30)');
    expect(hoverText(await client.hover(uri('model.py'), positionOf(MODEL, 'Block(16)', { offset: 2 })))).toMatch(/^\*\*Block\*\* `block` \(block\)\n\nInput: `\(1, 16, 30, 30\)`/);

    // Open blocks.py: its hovers show the block inside model.py's Net, with the shapes it takes there.
    await client.openDocument(uri('blocks.py'), BLOCKS, 1);
    await client.diagnostics(uri('blocks.py'), { version: 1 });
    expect(hoverText(await client.hover(uri('blocks.py'), positionOf(BLOCKS, 'self.conv(x)', { offset: 6 })))).toContain('(1, 32, 30, 30)');

    // Edit it (the disk keeps the old text): pooling to 8x8 fixes the view, and model.py, not
    // edited, is checked again against the live text.
    const fixed = BLOCKS.replace('x = self.bn(self.conv(x))', 'x = nn.functional.adaptive_avg_pool2d(self.bn(self.conv(x)), 8)');
    await client.changeDocument(uri('blocks.py'), 2, [{ text: fixed }]);
    expect(await client.eventualDiagnostics(uri('blocks.py'), (d) => d.length === 0)).toEqual([]);

    // Now a width the model's Linear does not expect: the error lands in model.py.
    const wider = fixed.replace('32 * 8 * 8', '64 * 4 * 4');
    await client.changeDocument(uri('blocks.py'), 3, [{ text: wider }]);
    const inModel = await client.eventualDiagnostics(uri('model.py'), (d) => d.length > 0);
    expect(inModel.map((d) => d.code)).toEqual(['linear-in-features']);
  });

  it('re-checks an open file when a file it imports changes on the disk', async () => {
    writeFileSync(join(folder, 'widths.py'), 'WIDTH = 8\n');
    const text = 'import torch.nn as nn\nfrom widths import WIDTH\n\n# input: (1, 8)\nnet = nn.Sequential(nn.Linear(WIDTH, 4), nn.Linear(4, 2))\n';
    await client.openDocument(uri('mlp.py'), text, 1);
    expect(await client.diagnostics(uri('mlp.py'), { version: 1 })).toEqual([]);
    writeFileSync(join(folder, 'widths.py'), 'WIDTH = 16\n');
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('widths.py'), type: FileChangeType.Changed }] });
    // The wrong value enters the Linear at WIDTH in mlp.py, where the proven fix goes: the error is
    // underlined there, and the literal in widths.py is related information.
    const after = await client.eventualDiagnostics(uri('mlp.py'), (d) => d.length > 0);
    expect(after.map((d) => [d.code, d.range.start.line])).toEqual([['linear-in-features', 4]]);
    expect(after[0].relatedInformation?.some((r) => r.location.uri === uri('widths.py') && r.location.range.start.line === 0)).toBe(true);
    // One placement rule, the core's: the command line underlines the same expression, and
    // neither puts the error on the literal in widths.py.
    expect(await client.eventualDiagnostics(uri('widths.py'), (d) => d.length === 0)).toEqual([]);
    const onDisk = mkdtempSync(join(tmpdir(), 'cnnshape-placement-'));
    writeFileSync(join(onDisk, 'widths.py'), 'WIDTH = 16\n');
    writeFileSync(join(onDisk, 'mlp.py'), text);
    const cli = spawnSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), 'check', '--format', 'json', onDisk], { encoding: 'utf8' });
    const files = (JSON.parse(cli.stdout).files as { path: string; diagnostics: { code: string; line: number; column: number; endColumn: number }[] }[]).filter((f) => /(^|\/)(mlp|widths)\.py$/.test(f.path));
    const placed = files.flatMap((f) => f.diagnostics.map((d) => [f.path.replace(/^.*\//, ''), d.code, d.line - 1, d.column - 1, d.endColumn - 1]));
    const r = after[0].range;
    expect(placed).toEqual([['mlp.py', 'linear-in-features', r.start.line, r.start.character, r.end.character]]);
  });
});

describe('language server over a workspace whose files the client watches', () => {
  it('reads an imported file again when the client says it changed, and only the files that import it are re-checked', async () => {
    const watched = mkdtempSync(join(tmpdir(), 'cnnshape-lsp-watched-'));
    const at = (name: string) => pathToFileURL(join(watched, name)).href;
    writeFileSync(join(watched, 'widths.py'), 'WIDTH = 8\n');
    const mlp = 'import torch.nn as nn\nfrom widths import WIDTH\n\n# input: (1, 8)\nnet = nn.Sequential(nn.Linear(WIDTH, 4), nn.Linear(4, 2))\n';
    const alone = 'import torch.nn as nn\n\n# input: (1, 8)\nnet = nn.Sequential(nn.Linear(8, 4), nn.Linear(4, 2))\n';
    const c = await TestClient.start({}, { workspaceFolders: [pathToFileURL(watched).href], watchFiles: true });
    try {
      await c.openDocument(at('mlp.py'), mlp, 1);
      await c.openDocument(at('alone.py'), alone, 1);
      expect(await c.diagnostics(at('mlp.py'), { version: 1 })).toEqual([]);
      expect(await c.diagnostics(at('alone.py'), { version: 1 })).toEqual([]);
      expect(c.registrations).toContain(DidChangeWatchedFilesNotification.method);
      const before = c.published.length;
      for (const [width, codes] of [
        [16, ['linear-in-features']],
        [8, []],
      ] as const) {
        writeFileSync(join(watched, 'widths.py'), `WIDTH = ${width}\n`);
        await c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: at('widths.py'), type: FileChangeType.Changed }] });
        const after = await c.eventualDiagnostics(at('mlp.py'), (d) => d.length === codes.length);
        expect(after.map((d) => d.code)).toEqual(codes);
      }
      // alone.py reads no other file: nothing about it was published again.
      expect(c.published.slice(before).some((p) => p.uri === at('alone.py'))).toBe(false);
    } finally {
      await c.stop();
    }
  });
});

describe('language server over installed libraries', () => {
  // The zoo's resnet10 gives 64 features: a head sized for 32 is an error only the library's source shows.
  const USER = 'import torch\nimport torch.nn as nn\nimport minivision\n\nbackbone = minivision.models.resnet10(weights=None)\nbackbone.fc = nn.Linear(32, 10)\nbackbone(torch.randn(2, 3, 64, 64))\n';
  const zoo = join(__dirname, '..', 'workspaces', 'installed_zoo', 'lib', 'site-packages', 'minivision');

  async function diagnosticsOf(folderPath: string, configuration: Record<string, unknown>, initializationOptions?: unknown) {
    const c = await TestClient.start(configuration, { workspaceFolders: [pathToFileURL(folderPath).href], initializationOptions });
    try {
      const u = pathToFileURL(join(folderPath, 'train.py')).href;
      await c.openDocument(u, USER, 1);
      return (await c.diagnostics(u, { version: 1 })).map((d) => d.code);
    } finally {
      await c.stop();
    }
  }

  it('reads a .venv of the workspace folder, the interpreter of cnnshape.pythonPath, or the one the client selected', async () => {
    const withVenv = mkdtempSync(join(tmpdir(), 'cnnshape-lsp-venv-'));
    mkdirSync(join(withVenv, '.venv'));
    writeFileSync(join(withVenv, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
    cpSync(zoo, join(withVenv, '.venv', 'lib', 'python3.11', 'site-packages', 'minivision'), { recursive: true });
    expect(await diagnosticsOf(withVenv, {})).toEqual(['linear-in-features']);

    const bare = mkdtempSync(join(tmpdir(), 'cnnshape-lsp-bare-'));
    expect(await diagnosticsOf(bare, {})).toEqual([]);
    const python = join(withVenv, '.venv', 'bin', 'python');
    mkdirSync(join(withVenv, '.venv', 'bin'));
    writeFileSync(python, '');
    expect(await diagnosticsOf(bare, { pythonPath: python })).toEqual(['linear-in-features']);
    expect(await diagnosticsOf(bare, {}, { pythonInterpreter: python })).toEqual(['linear-in-features']);
  });
});
