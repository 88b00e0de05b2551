// `npm run package`: builds the bundles and packs cnnshape.vsix with @vscode/vsce, then prints its size.
//
// tree-sitter's upstream prebuilt binary for linux-x64 needs GCC 13's libstdc++ (GLIBCXX_3.4.31),
// which Debian 12 and Ubuntu 22.04 lack, so the language server could not load its parser there.
// When packaging on linux-x64, the binary that `npm ci` compiled on this machine (which needs only
// GLIBCXX_3.4.29 and GLIBC_2.17) stands in for that prebuild inside the .vsix; the file in
// node_modules is restored afterwards. Other platforms keep their upstream prebuilds.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const prebuild = join(root, 'node_modules/tree-sitter/prebuilds/linux-x64/tree-sitter.node');
const localBuild = join(root, 'node_modules/tree-sitter/build/Release/tree_sitter_runtime_binding.node');
const backup = `${prebuild}.upstream`;

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
const swap = process.platform === 'linux' && process.arch === 'x64' && existsSync(localBuild) && existsSync(prebuild);
if (swap) {
  renameSync(prebuild, backup);
  copyFileSync(localBuild, prebuild);
  console.log('linux-x64: the parser binary compiled here replaces the upstream prebuild in the package');
}
try {
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  execFileSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', 'cnnshape.vsix'], { cwd: root, stdio: 'inherit' });
} finally {
  if (swap) renameSync(backup, prebuild);
}
const size = statSync(join(root, 'cnnshape.vsix')).size;
console.log(`cnnshape.vsix: ${(size / 1048576).toFixed(2)} MiB (${size} bytes)`);
