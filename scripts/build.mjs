// Bundles the command line, the language server and the VS Code client with esbuild.
// Native tree-sitter bindings stay external (they load their prebuilt binaries at run time).
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: new URL(args.path.replace(/\?raw$/, ''), `file://${args.resolveDir}/`).pathname, namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

const entries = [
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js' },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js' },
  { in: 'client/src/extension.ts', out: 'dist/client.js' },
  { in: 'scripts/eval.ts', out: 'dist/eval.js' },
  { in: 'scripts/bench.ts', out: 'dist/bench.js' },
  { in: 'server/src/confirm/confirm-worker.ts', out: 'dist/confirm-worker.js' },
];

await Promise.all(
  entries
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
        external: ['vscode', 'tree-sitter', 'tree-sitter-python', '@tensorflow/*', 'webgpu'],
        plugins: [rawText],
        logLevel: 'warning',
      }),
    ),
);
