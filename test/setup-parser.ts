// Loads the parser before any test file runs: native tree-sitter where it loads, else WebAssembly;
// CNNSHAPE_PARSER=wasm forces the WebAssembly parser (the `wasm` vitest project sets it).
import { loadParser } from '../server/src/platform/node-parser';

await loadParser();
