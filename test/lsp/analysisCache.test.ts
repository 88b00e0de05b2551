// The language server's analysis cache without a server: the edit computed between two texts,
// incremental re-parsing (an edited old tree gives the same tree and the same analysis as a fresh
// parse, over a long sequence of random edits, with non-ASCII text before and after the edits), and
// the scheduler (a burst of changes costs one run, a change alone runs at once).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import { AnalysisCache, Debouncer, editBetween, reparseIncrementally } from '../../server/src/lsp/analysisCache';
import { Settings } from '../../server/src/lsp/settings';
import type { AnalysisTarget } from '../../server/src/lsp/targets';
import { parser } from '../../server/src/syntax/binding';
import { parseSyntax, type SyntaxNode } from '../../server/src/syntax/parse';
import { mulberry32 as random } from '../helpers/prng';

const ARTICLE = readFileSync(resolve(__dirname, '../../examples/article_torch_wrong_linear.py'), 'utf8');
/** Non-ASCII before the model (accents, an emoji: a surrogate pair), so indices and columns are tested in UTF-16 units. */
const MODEL = `# Modèle de l'article 😀 — ünïcode\n${ARTICLE}\nlabel = "fin 🎉"\n`;

/** Every node of the plain tree as `type start-end row:col`, in pre-order. */
function outline(root: SyntaxNode): string[] {
  const lines: string[] = [];
  const visit = (node: SyntaxNode, depth: number) => {
    const start = node.startPosition;
    lines.push(`${' '.repeat(depth)}${node.type}${node.field ? `(${node.field})` : ''} ${node.startIndex}-${node.endIndex} ${start.row}:${start.column}`);
    for (const child of node.children) visit(child, depth + 1);
  };
  visit(root, 0);
  return lines;
}


const SNIPPETS = ['7', '*', '14', '(', ')', ',', '\n', '\n        ', ' ', 'x', 'nn.ReLU(),', 'é', '😀', '#', '"', ':', 'def f(x):\n    return x\n', 'nn.Linear(6*7*7, 10)'];

/** A random keystroke-like edit: insert a snippet, delete a few characters, or replace some. Never splits a surrogate pair. */
function randomEdit(text: string, next: () => number): string {
  const position = (index: number) => (index > 0 && index < text.length && /[\udc00-\udfff]/.test(text[index]) ? index - 1 : index);
  const at = position(Math.floor(next() * (text.length + 1)));
  const length = Math.floor(next() * 6);
  const end = position(Math.min(text.length, at + length));
  const snippet = SNIPPETS[Math.floor(next() * SNIPPETS.length)];
  const kind = next();
  if (kind < 0.4) return text.slice(0, at) + snippet + text.slice(at);
  if (kind < 0.7) return text.slice(0, at) + text.slice(end);
  return text.slice(0, at) + snippet + text.slice(end);
}

function target(key: string, version: number, text: string): AnalysisTarget {
  return {
    key,
    version,
    text,
    documentUris: [key],
    toDocument: () => undefined,
    toAnalysed: () => undefined,
    documentText: () => text,
  };
}

describe('editBetween', () => {
  it('finds the changed span in UTF-16 units with rows and columns', () => {
    const edit = editBetween('a😀\nbc = 1\n', 'a😀\nbc = 23\n');
    expect(edit).toEqual({
      startIndex: 9,
      oldEndIndex: 10,
      newEndIndex: 11,
      startPosition: { row: 1, column: 5 },
      oldEndPosition: { row: 1, column: 6 },
      newEndPosition: { row: 1, column: 7 },
    });
  });

  it('reports an insertion of lines, a deletion, and no edit for equal texts', () => {
    expect(editBetween('x = 1\n', 'x = 1\ny = 2\nz = 3\n')).toMatchObject({ startIndex: 6, oldEndIndex: 6, newEndIndex: 18, newEndPosition: { row: 3, column: 0 } });
    expect(editBetween('ab\ncd\nef', 'ab\nef')).toMatchObject({ startIndex: 3, oldEndIndex: 6, newEndIndex: 3, oldEndPosition: { row: 2, column: 0 } });
    expect(editBetween('same', 'same')).toBeUndefined();
  });

  it('keeps both ends of a replaced emoji outside the surrogate pair', () => {
    // 😀 and 😃 share their high surrogate; the edit must still cover the whole pair.
    expect(editBetween('a😀b', 'a😃b')).toMatchObject({ startIndex: 1, oldEndIndex: 3, newEndIndex: 3 });
  });

  it('handles a repeated character without letting the prefix and suffix overlap', () => {
    expect(editBetween('aaaa', 'aaaaa')).toMatchObject({ startIndex: 4, oldEndIndex: 4, newEndIndex: 5 });
    expect(editBetween('aaaaa', 'aa')).toMatchObject({ startIndex: 2, oldEndIndex: 5, newEndIndex: 2 });
  });
});

describe('incremental re-parsing', () => {
  it('gives the same tree as a fresh parse over 300 random edits', () => {
    const next = random(20240611);
    let text = MODEL;
    let tree = parseSyntax(text, undefined, { keepNative: true });
    let reusedNodes = 0;
    for (let step = 0; step < 300; step++) {
      const newText = randomEdit(text, next);
      const incremental = reparseIncrementally(tree.native!, text, newText);
      parser().release(tree.native!);
      const fresh = parseSyntax(newText, undefined, { keepNative: true });
      expect(incremental.native!.rootNode.toString(), `step ${step}`).toBe(fresh.native!.rootNode.toString());
      expect(outline(incremental.rootNode), `step ${step}`).toEqual(outline(fresh.rootNode));
      reusedNodes += incremental.native!.rootNode.descendantCount;
      parser().release(fresh.native!);
      tree = incremental;
      text = newText;
      // Start over now and then so the text does not drift too far from Python.
      if (step % 50 === 49) {
        text = MODEL;
        const restarted = reparseIncrementally(tree.native!, newText, text);
        parser().release(tree.native!);
        tree = restarted;
      }
    }
    expect(reusedNodes).toBeGreaterThan(0);
  });

  it('moves the statements an edit left alone into the new plain tree, which equals a fresh copy', () => {
    // Several top-level statements, so that most edits leave some of them alone.
    const base = [MODEL.replace(/CNN_NN/g, 'A'), 'x = 1\n', MODEL.replace(/CNN_NN/g, 'B'), 'def f(y):\n    return y * 2\n', MODEL.replace(/CNN_NN/g, 'C')].join('\n');
    const detailed = (root: SyntaxNode): string[] => {
      const lines: string[] = [];
      const visit = (node: SyntaxNode, depth: number) => {
        const end = node.endPosition;
        lines.push(`${outline(node)[0]} ${end.row}:${end.column}${node.children.length === 0 ? ` ${JSON.stringify(node.text)}` : ''}${node.hasError ? ' !' : ''}`);
        for (const child of node.children) {
          if (child.parent !== node) lines.push(`wrong parent of ${child.type} ${child.startIndex}`);
          visit(child, depth + 1);
        }
      };
      visit(root, 0);
      return lines;
    };
    const next = random(99);
    let text = base;
    let tree = parseSyntax(text, undefined, { keepNative: true });
    let moved = 0;
    for (let step = 0; step < 120; step++) {
      // Keystrokes that keep the code valid (a digit typed over another) as well as random ones.
      const digit = /\d/g;
      const digits = [...text.matchAll(digit)].map((m) => m.index);
      const at = digits[Math.floor(next() * digits.length)];
      const newText = step % 40 === 39 ? base : step % 2 === 0 && at !== undefined ? text.slice(0, at) + String(Math.floor(next() * 10)) + text.slice(at + 1) : randomEdit(text, next);
      const oldChildren = new Set(tree.rootNode.children);
      const incremental = reparseIncrementally(tree.native!, text, newText, undefined, tree.rootNode);
      parser().release(tree.native!);
      const fresh = parseSyntax(newText, undefined, { keepNative: true });
      expect(detailed(incremental.rootNode), `step ${step}`).toEqual(detailed(fresh.rootNode));
      expect(incremental.rootNode.text).toBe(newText);
      moved += incremental.rootNode.children.filter((c) => oldChildren.has(c)).length;
      parser().release(fresh.native!);
      tree = incremental;
      text = newText;
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('gives the analysis of a fresh parse through the cache, version after version', () => {
    const cache = new AnalysisCache((message) => {
      throw new Error(message);
    });
    const next = random(7);
    let text = MODEL;
    for (let version = 1; version <= 60; version++) {
      const result = cache.get(target('file:///m.py', version, text), Settings.defaults);
      expect(result, `version ${version}`).toEqual(analyze(text, { proveFixes: false }));
      text = version % 20 === 0 ? MODEL : randomEdit(text, next);
    }
  });

  it('follows the article fix made and unmade by small edits', () => {
    const cache = new AnalysisCache(() => undefined);
    const wrong = MODEL;
    const right = MODEL.replace('nn.Linear(6*14*14', 'nn.Linear(6*7*7');
    for (let version = 1; version <= 6; version++) {
      const text = version % 2 ? wrong : right;
      const codes = cache.get(target('file:///a.py', version, text), Settings.defaults).diagnostics.map((d) => d.code);
      expect(codes).toEqual(version % 2 ? ['linear-in-features'] : []);
    }
  });
});

describe('Debouncer', () => {
  const wait = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

  it('runs a change alone once it settles, without waiting for the burst window', async () => {
    // Behaviour, not speed (speed lives in the bench): with a burst window far longer than the test
    // may wait, a lone change must run after its settle time alone.
    const runs: string[] = [];
    const debouncer = new Debouncer({ settleMs: 1, burstMs: 60_000 }, async (key) => void runs.push(key));
    const started = performance.now();
    debouncer.schedule('a');
    while (runs.length === 0 && performance.now() - started < 20_000) await new Promise((wake) => setImmediate(wake));
    expect(runs).toEqual(['a']);
  });

  it('runs a burst once, after it ends, and keeps keys apart', async () => {
    const runs: string[] = [];
    const debouncer = new Debouncer({ settleMs: 1, burstMs: 2000 }, async (key) => void runs.push(key));
    // Changes handed over one per turn of the event loop, as the LSP connection does with queued messages.
    for (let i = 0; i < 5; i++) {
      debouncer.schedule('a');
      await new Promise((wake) => setImmediate(wake));
    }
    // Changes that keep coming while a run is pending, 10 ms apart: still one burst.
    for (let i = 0; i < 3; i++) {
      await wait(10);
      debouncer.schedule('a');
    }
    debouncer.schedule('b');
    // Wait for both runs (a loaded machine may take long), then past one more burst window.
    const started = performance.now();
    while (runs.length < 2 && performance.now() - started < 20_000) await wait(5);
    await wait(2100);
    expect(runs.sort()).toEqual(['a', 'b']);
  });

  it('cancels a pending run', async () => {
    const runs: string[] = [];
    const debouncer = new Debouncer({ settleMs: 1, burstMs: 2000 }, async (key) => void runs.push(key));
    debouncer.schedule('a');
    debouncer.cancel('a');
    await wait(20);
    expect(runs).toEqual([]);
  });
});
