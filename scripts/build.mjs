// Bundles the command line, the language server and the VS Code client with esbuild.
// Native tree-sitter bindings stay external (they load their prebuilt binaries at run time); the
// WebAssembly parser (web-tree-sitter) is bundled, and its two .wasm files (the runtime and the
// Python grammar) are copied beside the bundles, where server/src/platform/node-parser.ts finds them.
// The confirmation worker carries TensorFlow.js inside its bundle (tfjs-core, tfjs-layers and the
// cpu, wasm and WebGPU backends), with the wasm backend's binaries copied to dist/wasm/; only the
// optional tfjs-node and Dawn (`webgpu`) stay outside it. The other bundles leave tfjs external.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: new URL(args.path.replace(/\?raw$/, ''), `file://${args.resolveDir}/`).pathname, namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

// web-tree-sitter's ES module finds its files through import.meta.url, which a CommonJS bundle
// lacks; Node bundles take its CommonJS build instead.
const webTreeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(b) {
    b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: createRequire(import.meta.url).resolve('web-tree-sitter') }));
  },
};

const entries = [
  { in: 'server/src/cli/boot.ts', out: 'dist/cli.js' },
  { in: 'server/src/cli/main.ts', out: 'dist/cli-main.js' },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js' },
  { in: 'server/src/lsp/worker-boot.ts', out: 'dist/server-boot.js' },
  { in: 'server/src/lsp/worker-main.ts', out: 'dist/server-worker.js' },
  { in: 'client/src/extension.ts', out: 'dist/client.js' },
  { in: 'scripts/eval.ts', out: 'dist/eval.js' },
  { in: 'scripts/eval-workspace.ts', out: 'dist/eval-workspace.js' },
  { in: 'scripts/eval-fixes.ts', out: 'dist/eval-fixes.js' },
  { in: 'scripts/eval-libraries.ts', out: 'dist/eval-libraries.js' },
  { in: 'scripts/eval-costs.ts', out: 'dist/eval-costs.js' },
  { in: 'scripts/bench.ts', out: 'dist/bench.js' },
  { in: 'scripts/fuzz-unknown.ts', out: 'dist/fuzz-unknown.js' },
  { in: 'server/src/confirm/bundled-worker.ts', out: 'dist/confirm-worker.js', external: ['@tensorflow/tfjs-node', 'webgpu'] },
];
const external = ['vscode', 'tree-sitter', 'tree-sitter-python'];

const root = join(import.meta.dirname, '..');
const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
mkdirSync(join(root, 'dist/wasm'), { recursive: true });
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  copyFileSync(join(wasmDir, f), join(root, 'dist/wasm', f));
}
const resolvePackage = createRequire(import.meta.url).resolve;
copyFileSync(resolvePackage('web-tree-sitter/tree-sitter.wasm'), join(root, 'dist/tree-sitter.wasm'));
copyFileSync(resolvePackage('tree-sitter-python/tree-sitter-python.wasm'), join(root, 'dist/tree-sitter-python.wasm'));

// The web extension (VS Code for the Web): the client for the browser's extension host, and the
// language server for a web worker, with TensorFlow.js (WebGPU, WebGL, CPU) and the parser's two
// .wasm files inside it. Built for the browser platform, so an import of a Node module anywhere in
// the server, the core or the confirmation fails the build. Only web-tree-sitter's Node branch
// (never taken in a worker) names Node modules; they stay unresolved.
const webBuilds = [
  { entryPoints: ['client/src/browser.ts'], outfile: 'dist/web/extension.js', format: 'cjs', external: ['vscode'] },
  { entryPoints: ['server/src/lsp/browser-server.ts'], outfile: 'dist/web/server.js', format: 'iife', external: ['fs', 'path', 'url', 'module', 'fs/promises'] },
].map((b) =>
  build({
    ...b,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    loader: { '.wasm': 'binary' },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [rawText, webTreeSitterCjs],
    logLevel: 'warning',
  }),
);

/**
 * The bundle with each non-ASCII character escaped (`\u2192`), where that keeps its meaning: esbuild
 * escapes string literals but keeps comments and regular expressions as written, and a bundle with
 * one non-ASCII character is a two-byte string, slower to decode and twice the memory at every start
 * (15 ms of dist/server-worker.js's load). Only comments, regular expressions and lines without a
 * template literal are changed: in a tagged template (`String.raw`) an escape would change the text.
 * Undefined where a character is left that cannot be escaped so (the bundle then stays as it is).
 */
function asciiOnly(code) {
  if (!/[^\x00-\x7f]/.test(code)) return code;
  let safe = true;
  const out = code.replace(/^.*[^\x00-\x7f].*$/gm, (line) => {
    const trimmed = line.trimStart();
    const inComment = trimmed.startsWith('//') || trimmed.startsWith('/*') || trimmed.startsWith('*');
    if (!inComment && line.includes('`')) safe = false;
    return line.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  });
  return safe ? out : undefined;
}

/** The bundles a process loads at its start (the command line, the language server). */
const startBundles = ['dist/cli.js', 'dist/cli-main.js', 'dist/server.js', 'dist/server-boot.js', 'dist/server-worker.js'];

await Promise.all([
  ...webBuilds,
  ...entries
    .filter((e) => existsSync(e.in))
    .map((e) =>
      build({
        entryPoints: [e.in],
        outfile: e.out,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        sourcemap: true,
        external: [...external, ...(e.external ?? ['@tensorflow/*', 'webgpu'])],
        plugins: [rawText, webTreeSitterCjs],
        logLevel: 'warning',
      }),
    ),
]);

for (const bundle of startBundles) {
  const file = join(root, bundle);
  if (!existsSync(file)) continue;
  const code = readFileSync(file, 'utf8');
  const ascii = asciiOnly(code);
  if (ascii === undefined) console.warn(`build: ${bundle} keeps a non-ASCII character esbuild left in a template literal`);
  else if (ascii !== code) writeFileSync(file, ascii);
}
