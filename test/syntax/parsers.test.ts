// The two parser bindings agree: every fixture and example parsed by the native addon and by the
// WebAssembly build gives the same plain tree (types, fields, positions) and the same analysis, and
// incremental re-parsing works on both. Also: the WebAssembly parser frees its trees, so parsing
// the same file again and again does not grow its memory.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import { editBetween, reparseIncrementally } from '../../server/src/lsp/analysisCache';
import { loadNativeBinding, loadWasmBinding } from '../../server/src/platform/node-parser';
import { parser, useParser, type ParserBinding } from '../../server/src/syntax/binding';
import { parseSyntax, type SyntaxNode } from '../../server/src/syntax/parse';
import { wasmMemoryBytes } from '../../server/src/syntax/wasm';

const root = join(__dirname, '..', '..');

function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? pythonFiles(full) : name.endsWith('.py') ? [full] : [];
  });
}

const files = [...pythonFiles(join(root, 'test/fixtures')), ...pythonFiles(join(root, 'examples'))];

function outline(node: SyntaxNode): unknown {
  return [node.type, node.field, node.startIndex, node.endIndex, node.startPosition, node.endPosition, node.hasError, node.children.map(outline)];
}

/** Strings with astral characters, CRLF, tabs and broken code, where the bindings could differ. */
const EDGE_TEXTS = [
  "x = '😀 é ☃'  # 😀\nclass Net(nn.Module):\r\n    def forward(self, x):\r\n        return x\n",
  'def f(:\n  return [1, 2,\n',
  '\t\tif True:\n\t\t\tpass\n',
  '',
];

let native: ParserBinding | undefined;
let wasm: ParserBinding;
let installed: ParserBinding;
let nativeProblem = '';

beforeAll(async () => {
  installed = parser();
  wasm = await loadWasmBinding();
  try {
    native = await loadNativeBinding();
  } catch (error) {
    nativeProblem = (error as Error).message;
  }
});

afterAll(() => useParser(installed));

function withParser<T>(binding: ParserBinding, f: () => T): T {
  const before = parser();
  useParser(binding);
  try {
    return f();
  } finally {
    useParser(before);
  }
}

describe('native and WebAssembly parsers', () => {
  it('loads the WebAssembly parser from the packages', () => {
    expect(wasm.kind).toBe('wasm');
    expect(withParser(wasm, () => parseSyntax('x = 1\n').rootNode.type)).toBe('module');
  });

  it('give identical trees and analyses for every fixture and example', (ctx) => {
    if (!native) ctx.skip(`the native parser does not load here: ${nativeProblem}`);
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const a = withParser(native!, () => ({ tree: outline(parseSyntax(text).rootNode), result: JSON.stringify(analyze(text)) }));
      const b = withParser(wasm, () => ({ tree: outline(parseSyntax(text).rootNode), result: JSON.stringify(analyze(text)) }));
      expect(b.tree, file).toEqual(a.tree);
      expect(b.result, file).toBe(a.result);
    }
    for (const text of EDGE_TEXTS) {
      expect(withParser(wasm, () => outline(parseSyntax(text).rootNode))).toEqual(withParser(native!, () => outline(parseSyntax(text).rootNode)));
    }
  });

  it('re-parses incrementally with the WebAssembly parser as a fresh parse would', () => {
    withParser(wasm, () => {
      const text = readFileSync(join(root, 'examples/article_torch.py'), 'utf8');
      const edited = text.replace('nn.Linear(', 'nn.Linear( ');
      const first = parseSyntax(text, undefined, { keepNative: true });
      expect(editBetween(text, edited)).toBeDefined();
      const again = reparseIncrementally(first.native!, text, edited);
      parser().release(first.native!);
      expect(outline(again.rootNode)).toEqual(outline(parseSyntax(edited).rootNode));
      parser().release(again.native!);
    });
  });

  it('frees WebAssembly trees: 30 parses of a file do not grow its memory', () => {
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    withParser(wasm, () => {
      parseSyntax(text);
      // WebAssembly memory is an ArrayBuffer that only grows: kept trees would grow it by several
      // times the text's size each.
      const before = wasmMemoryBytes();
      for (let i = 0; i < 30; i++) parseSyntax(text);
      expect(wasmMemoryBytes() - before).toBeLessThan(text.length * 4);
    });
  });
});
