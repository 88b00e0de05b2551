// Files imported as text (tree-sitter queries), bundled by scripts/build.mjs and Vite alike.
declare module '*?raw' {
  const text: string;
  export default text;
}

// WebAssembly files imported as bytes (the browser build embeds the parser's; scripts/build.mjs).
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
