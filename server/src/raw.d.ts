// Files imported as text (tree-sitter queries), bundled by scripts/build.mjs and Vite alike.
declare module '*?raw' {
  const text: string;
  export default text;
}
