// Loads the parser in the browser (the language server's web worker in VS Code for the Web): the
// WebAssembly build, whose two .wasm files (web-tree-sitter's runtime and tree-sitter-python's
// grammar) the bundle carries as bytes (scripts/build.mjs), so nothing is fetched.

import runtime from 'web-tree-sitter/tree-sitter.wasm';
import python from 'tree-sitter-python/tree-sitter-python.wasm';
import { useParser } from '../syntax/binding';
import { wasmBinding } from '../syntax/wasm';

let loading: Promise<void> | undefined;

/** Loads and installs the WebAssembly parser once. */
export function loadWebParser(): Promise<void> {
  loading ??= wasmBinding(runtime, python).then(useParser);
  return loading;
}
