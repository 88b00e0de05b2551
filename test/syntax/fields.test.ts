// The tree copy's shortcuts (syntax/tree.ts) lose nothing: it asks a child's field only under the
// node types the grammar gives fields (syntax/fields.ts, checked here against tree-sitter-python's
// node-types.json), and takes a token's end from its type's length without asking; the copy of
// every fixture and example, and of broken code, equals a walk that asks the binding everything.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeBinding, loadWasmBinding } from '../../server/src/platform/node-parser';
import { parser, useParser, type BindingCursor, type ParserBinding } from '../../server/src/syntax/binding';
import { TYPES_WITH_FIELDS } from '../../server/src/syntax/fields';
import { parseSyntax, type SyntaxNode } from '../../server/src/syntax/parse';

const root = join(__dirname, '..', '..');

function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? pythonFiles(full) : name.endsWith('.py') ? [full] : [];
  });
}

const texts = [
  ...[...pythonFiles(join(root, 'test/fixtures')), ...pythonFiles(join(root, 'examples'))].map((f) => readFileSync(f, 'utf8')),
  'if a is  not b and c not   in d:\n    x = not a\n    y = a if b else -c ** 2 // 3\n',
  'def f(:\n  return [1, 2,\n',
  'x = (1,\nclass A:\n    def f(self): return self.x[1:2, ...]\n',
  "s = f'{a!r:>{w}}' + b'x' + u'y'  # é 😀\nlambda *a, **k: (yield)\n",
  '',
];

/** The binding's tree as the copy's outline, every property asked of the cursor. */
function askEverything(cursor: BindingCursor, field: string | null): unknown {
  const children: unknown[] = [];
  const here = [cursor.nodeType, field, cursor.startIndex, cursor.endIndex, children];
  if (cursor.gotoFirstChild()) {
    do children.push(askEverything(cursor, cursor.currentFieldName ?? null));
    while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }
  return here;
}

function outline(node: SyntaxNode): unknown {
  return [node.type, node.field, node.startIndex, node.endIndex, node.children.map(outline)];
}

let native: ParserBinding | undefined;
let wasm: ParserBinding;
let installed: ParserBinding;

beforeAll(async () => {
  installed = parser();
  wasm = await loadWasmBinding();
  try {
    native = await loadNativeBinding();
  } catch {
    native = undefined;
  }
});

afterAll(() => useParser(installed));

describe('the tree copy', () => {
  it('knows the node types with fields that tree-sitter-python states', () => {
    const types = JSON.parse(readFileSync(join(root, 'node_modules/tree-sitter-python/src/node-types.json'), 'utf8')) as { type: string; fields?: Record<string, unknown> }[];
    const withFields = types.filter((t) => t.fields && Object.keys(t.fields).length > 0).map((t) => t.type);
    expect([...TYPES_WITH_FIELDS].sort()).toEqual(withFields.sort());
  });

  it('equals a walk that asks the binding every field and end, with either binding', () => {
    for (const binding of [wasm, native]) {
      if (!binding) continue;
      useParser(binding);
      try {
        for (const text of texts) {
          const tree = parseSyntax(text, undefined, { keepNative: true });
          const cursor = tree.native!.walk();
          expect(outline(tree.rootNode)).toEqual(askEverything(cursor, null));
          binding.releaseCursor(cursor);
          binding.release(tree.native!);
        }
      } finally {
        useParser(installed);
      }
    }
  });
});
