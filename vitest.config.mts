import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Two projects: every test on the parser that loads here (native tree-sitter, or WebAssembly where
// the native one does not load), and the core suites again on the WebAssembly parser
// (CNNSHAPE_PARSER=wasm, which the CLI bundles spawned by test/cli inherit), so that both parsers
// are tested on every run of `npm test`.
const CORE_SUITES = [
  'test/fixtures.test.ts',
  'test/keras-oracle.test.ts',
  'test/fuzz.test.ts',
  'test/shapes/**/*.test.ts',
  'test/convert/**/*.test.ts',
  'test/lsp/analysisCache.test.ts',
  'test/cli/**/*.test.ts',
];

export default defineConfig({
  // The web client's language client is exported for browsers only; test/web/client.test.ts loads
  // the web client in Node (with that module replaced by a stand-in, which still has to resolve).
  resolve: {
    alias: { 'vscode-languageclient/browser': fileURLToPath(new URL('./node_modules/vscode-languageclient/lib/browser/main.js', import.meta.url)) },
  },
  test: {
    setupFiles: ['test/setup-parser.ts'],
    testTimeout: 60000,
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'wasm', include: CORE_SUITES, env: { CNNSHAPE_PARSER: 'wasm' } } },
    ],
  },
});
