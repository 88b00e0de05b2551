// The packaged extension confirms shapes on its own: scripts/package.mjs packs what `npm test` built
// (dist/) into a universal .vsix and a linux-x64 one, each is unpacked into a temporary folder
// outside the repository (no node_modules of ours reachable), and the CLI inside it confirms the
// article's model. The worker (dist/confirm-worker.js beside dist/cli.js) carries TensorFlow.js and
// dist/wasm/ its binaries; only the linux-x64 package carries Dawn, and only linux-x64's.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const built = existsSync(join(root, 'dist/confirm-worker.js')) && existsSync(join(root, 'dist/wasm'));

interface ZipEntry {
  fileName: string;
}
interface ZipFile {
  readEntry(): void;
  on(event: 'entry', f: (entry: ZipEntry) => void): void;
  on(event: 'end', f: () => void): void;
  on(event: 'error', f: (e: Error) => void): void;
  openReadStream(entry: ZipEntry, f: (e: Error | null, stream: NodeJS.ReadableStream) => void): void;
}
// yauzl comes with @vscode/vsce, which packs the extension.
const yauzl = createRequire(join(root, 'node_modules/@vscode/vsce/package.json'))('yauzl') as {
  open(path: string, options: { lazyEntries: boolean }, f: (e: Error | null, zip: ZipFile) => void): void;
};

/** Unpacks `vsix` into `into`; resolves with the names of its entries. */
function unzip(vsix: string, into: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(vsix, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(names));
      zip.on('entry', (entry) => {
        names.push(entry.fileName);
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const path = join(into, entry.fileName);
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

interface JsonReport {
  files: { models: { name: string; backend: string; layers: { status: string }[] }[] }[];
  backend: { name: string; notes: string[] };
}

/** Packs (with `target`, or universal), unpacks into a fresh folder and returns the folder and the entry names. */
async function packAndUnpack(temp: string, target?: string): Promise<{ dir: string; names: string[] }> {
  const vsix = join(temp, `${target ?? 'universal'}.vsix`);
  execFileSync(process.execPath, [join(root, 'scripts/package.mjs'), '--no-build', '--out', vsix, ...(target ? ['--target', target] : [])], { cwd: root, stdio: 'pipe' });
  const dir = join(temp, target ?? 'universal');
  const names = await unzip(vsix, dir);
  copyFileSync(join(root, 'examples/article_torch.py'), join(dir, 'article_torch.py'));
  return { dir, names };
}

/** `node extension/dist/cli.js confirm article_torch.py --format json` in `dir`, with no NODE_PATH. */
function confirmIn(dir: string, backend = 'auto'): JsonReport {
  const env = { ...process.env };
  delete env.NODE_PATH;
  const run = spawnSync(process.execPath, ['extension/dist/cli.js', 'confirm', 'article_torch.py', '--format', 'json', '--backend', backend], { cwd: dir, env, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as JsonReport;
}

function expectAllConfirmed(report: JsonReport, backend: string): void {
  const [model] = report.files[0].models;
  expect(model.name).toBe('CNN_NN');
  expect(model.backend).toBe(backend);
  expect(model.layers).toHaveLength(7);
  expect(model.layers.every((l) => l.status === 'confirmed')).toBe(true);
}

describe.skipIf(!built)('the packaged extension', () => {
  let temp = '';
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'cnnshape-vsix-'));
  });
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('universal: carries tfjs in the worker bundle and the wasm binaries, no Dawn, and confirms on wasm', async () => {
    const { dir, names } = await packAndUnpack(temp);
    expect(names).toContain('extension/dist/confirm-worker.js');
    expect(names).toContain('extension/dist/wasm/tfjs-backend-wasm-simd.wasm');
    expect(names.filter((n) => n.includes('node_modules/@tensorflow') || n.includes('node_modules/webgpu'))).toEqual([]);
    // Both parsers: the native addon with its prebuilds, and the WebAssembly runtime and grammar.
    expect(names).toContain('extension/node_modules/tree-sitter/prebuilds/linux-x64/tree-sitter.node');
    expect(names).toContain('extension/dist/tree-sitter.wasm');
    expect(names).toContain('extension/dist/tree-sitter-python.wasm');
    const wasmCheck = spawnSync(process.execPath, ['extension/dist/cli.js', 'check', '--parser', 'wasm', 'article_torch.py'], { cwd: dir, encoding: 'utf8' });
    expect(wasmCheck.stderr).toBe('');
    expect(wasmCheck.stdout).toContain('1 file checked, 0 errors');

    const auto = confirmIn(dir);
    expectAllConfirmed(auto, 'wasm');
    expect(auto.backend.notes).toContain('webgpu: Dawn is not installed here (the universal extension package carries none; the platform-specific one does)');
    expectAllConfirmed(confirmIn(dir, 'cpu'), 'cpu');
  }, 60000);

  it('linux-x64: adds that platform\'s Dawn only, which the worker finds', async () => {
    const { dir, names } = await packAndUnpack(temp, 'linux-x64');
    const dawn = names.filter((n) => n.includes('node_modules/webgpu/'));
    expect(dawn.sort()).toEqual(['extension/node_modules/webgpu/LICENSE.md', 'extension/node_modules/webgpu/dist/linux-x64/dawn.node', 'extension/node_modules/webgpu/package.json']);
    if (process.platform !== 'linux' || process.arch !== 'x64') return;
    // Dawn loads from the package: on a GPU the model confirms there; without one Dawn finds no
    // adapter (or only a software one) and wasm confirms.
    const auto = confirmIn(dir);
    if (auto.backend.name === 'webgpu') return expectAllConfirmed(auto, 'webgpu');
    expect(auto.backend.notes.find((n) => n.startsWith('webgpu:'))).toMatch(/^webgpu: Dawn found (no WebGPU adapter|only a software adapter)/);
    expectAllConfirmed(auto, 'wasm');
  }, 60000);
});
