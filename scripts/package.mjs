// `npm run package [-- --target <vsce target>] [--out FILE] [--no-build]`: builds the bundles (unless
// --no-build: test/package/vsix.test.ts packs what `npm test` built) and packs the extension with
// @vscode/vsce, then prints the package's size.
//
// Without --target it packs the universal cnnshape.vsix, which carries no Dawn (the GPU runtime of
// the `webgpu` package is a 12–22 MB native file per platform): there `Confirm shapes` uses wasm or
// the CPU and says why WebGPU was passed over. With --target (linux-x64, darwin-arm64, win32-x64,
// ...) it packs cnnshape-<target>.vsix, a platform-specific package (the marketplace serves each
// platform its own) that adds that platform's Dawn: node_modules/webgpu/package.json and
// node_modules/webgpu/dist/<platform>/ (dawn.node; on Windows also the DirectX shader compiler DLLs
// it loads from beside itself). The rest of the file list is .vscodeignore, a whitelist.
//
// With --target web it packs cnnshape-web.vsix, the web extension alone (VS Code for the Web):
// package.json without its `main` entry, so that every editor runs it in the browser's extension
// host, and only dist/web/ (the client and the language server for a web worker, with the
// WebAssembly parser and TensorFlow.js inside). package.json is restored afterwards.
//
// tree-sitter's upstream prebuilt binary for linux-x64 needs GCC 13's libstdc++ (GLIBCXX_3.4.31),
// which Debian 12 and Ubuntu 22.04 lack, so the language server could not load its parser there.
// When packaging on linux-x64, the binary that `npm ci` compiled on this machine (which needs only
// GLIBCXX_3.4.29 and GLIBC_2.17) stands in for that prebuild inside the .vsix; the file in
// node_modules is restored afterwards. Other platforms keep their upstream prebuilds.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** vsce's targets, each with the folder of node_modules/webgpu/dist that holds its Dawn (null: none). */
const DAWN_FOLDERS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'linux-armhf': null,
  'alpine-x64': null,
  'alpine-arm64': null,
  'darwin-x64': 'darwin-universal',
  'darwin-arm64': 'darwin-universal',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
  web: null,
};

const root = join(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { target: { type: 'string' }, out: { type: 'string' }, 'no-build': { type: 'boolean' } } });
const target = args.target;
if (target !== undefined && !(target in DAWN_FOLDERS)) {
  console.error(`package: --target must be one of ${Object.keys(DAWN_FOLDERS).join(', ')}, not '${target}'`);
  process.exit(2);
}
const out = resolve(args.out ?? join(root, target ? `cnnshape-${target}.vsix` : 'cnnshape.vsix'));

const prebuild = join(root, 'node_modules/tree-sitter/prebuilds/linux-x64/tree-sitter.node');
const localBuild = join(root, 'node_modules/tree-sitter/build/Release/tree_sitter_runtime_binding.node');
const backup = `${prebuild}.upstream`;

if (!args['no-build']) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });

// The file list: .vscodeignore, plus the target's Dawn.
const temp = mkdtempSync(join(tmpdir(), 'cnnshape-package-'));
const ignoreFile = join(temp, 'vscodeignore');
const dawn = target ? DAWN_FOLDERS[target] : null;
const web = target === 'web';
let ignore = web ? '**\n!dist/web/extension.js\n!dist/web/server.js\n!package.json\n!README.md\n!LICENSE\n' : readFileSync(join(root, '.vscodeignore'), 'utf8');
if (web) {
  console.log('web: the package carries the web extension only (dist/web/); package.json loses its main entry');
} else if (dawn) {
  const folder = `node_modules/webgpu/dist/${dawn}`;
  if (!existsSync(join(root, folder, 'dawn.node'))) {
    console.error(`package: ${folder}/dawn.node is missing (is the webgpu package installed?)`);
    process.exit(1);
  }
  ignore += `\n# Dawn for ${target}.\n!node_modules/webgpu/package.json\n!node_modules/webgpu/LICENSE.md\n!${folder}/**\n`;
  console.log(`${target}: the package carries Dawn from ${folder}`);
} else {
  console.log(`${target ?? 'universal'}: the package carries no Dawn; Confirm shapes runs on wasm or the CPU`);
}
writeFileSync(ignoreFile, ignore);

const swap = !web && process.platform === 'linux' && process.arch === 'x64' && existsSync(localBuild) && existsSync(prebuild);
const packageJson = join(root, 'package.json');
const packageText = readFileSync(packageJson, 'utf8');
if (web) {
  const manifest = JSON.parse(packageText);
  delete manifest.main;
  writeFileSync(packageJson, JSON.stringify(manifest, null, 2) + '\n');
}
if (swap) {
  renameSync(prebuild, backup);
  copyFileSync(localBuild, prebuild);
  console.log('linux-x64: the parser binary compiled here replaces the upstream prebuild in the package');
}
try {
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  const vsceArgs = ['package', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--ignoreFile', ignoreFile, '--out', out];
  if (target) vsceArgs.push('--target', target);
  execFileSync(process.execPath, [vsce, ...vsceArgs], { cwd: root, stdio: 'inherit' });
} finally {
  if (swap) renameSync(backup, prebuild);
  if (web) writeFileSync(packageJson, packageText);
  rmSync(temp, { recursive: true, force: true });
}
const size = statSync(out).size;
console.log(`${relative(process.cwd(), out) || out}: ${(size / 1048576).toFixed(2)} MiB (${size} bytes)`);
