// A file analysed in parts (analysis/parts.ts) gives what the whole file's analysis gives, and an
// edit re-analyses only the parts whose text it changed: the part it touches, and every part that
// holds a shared definition it changed.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTree, analyzeTreeWithReanalysis } from '../../server/src/analysis/analyze';
import { analyzeByParts, PartsMemo, provePartsLater, reanalysisByParts } from '../../server/src/analysis/parts';
import type { AnalysisResult } from '../../server/src/analysis/result';
import { parseSyntax } from '../../server/src/syntax/parse';

const root = join(__dirname, '..', '..');

function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? pythonFiles(full) : name.endsWith('.py') ? [full] : [];
  });
}

/**
 * A result as text, its diagnostics in one order (the parts find them in another), and its layer
 * ids numbered in the order they first appear (each part's analysis numbers its objects apart).
 */
function canonical(result: AnalysisResult, sortDiagnostics = true): string {
  const diagnostics = sortDiagnostics ? result.diagnostics.map((d) => JSON.stringify(d)).sort() : result.diagnostics;
  const ids = new Map<number, number>();
  const models = result.models.map((m) => ({ ...m, layers: m.layers.map((l) => (l.layerId === null ? l : { ...l, layerId: ids.get(l.layerId) ?? ids.set(l.layerId, ids.size).size - 1 })) }));
  return JSON.stringify({ ...result, models, diagnostics });
}

function whole(text: string): string {
  return canonical(analyzeTree(parseSyntax(text), text, { proveFixes: false }));
}

function byParts(text: string, memo = new PartsMemo()): string {
  return canonical(analyzeByParts(parseSyntax(text), text, { proveFixes: false }, memo));
}

const TWO_MODELS = `import torch
import torch.nn as nn

WIDTH = 8
HIDDEN = WIDTH * 2


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


# input: (1, 3, 16, 16)
class First(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, WIDTH, 3, padding=1)
        self.block = Block(WIDTH)
        self.fc = nn.Linear(WIDTH * 16 * 16, 10)

    def forward(self, x):
        x = self.block(self.stem(x))
        return self.fc(torch.flatten(x, 1))


# input: (1, 1, 8, 8)
class Second(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, HIDDEN, 3, padding=1)
        self.block = Block(HIDDEN)
        self.fc = nn.Linear(HIDDEN * 8 * 8, 10)

    def forward(self, x):
        x = self.block(self.stem(x))
        return self.fc(torch.flatten(x, 1))


# input: (1, 3, 8, 8)
third = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
`;

describe('analysis in parts', () => {
  it('gives what the whole file gives, for every fixture and example', () => {
    let split = 0;
    for (const file of [...pythonFiles(join(root, 'test/fixtures')), ...pythonFiles(join(root, 'examples'))]) {
      const text = readFileSync(file, 'utf8');
      const memo = new PartsMemo();
      expect(byParts(text, memo), file).toBe(whole(text));
      if (memo.lastAnalysed > 1) split++;
    }
    // Most fixtures hold one model; enough of them hold several independent ones.
    expect(split).toBeGreaterThan(20);
  });

  it('proves fixes by parts as the whole file proves them, for every fixture and example with diagnostics', () => {
    let proven = 0;
    for (const file of [...pythonFiles(join(root, 'test/fixtures')), ...pythonFiles(join(root, 'examples'))]) {
      const text = readFileSync(file, 'utf8');
      const tree = parseSyntax(text);
      const memo = new PartsMemo();
      const quick = analyzeByParts(tree, text, { proveFixes: false }, memo);
      if (quick.diagnostics.length === 0 || memo.parts.size < 2) continue;
      proven++;
      expect(JSON.stringify(analyzeTreeWithReanalysis(tree, text, {}, reanalysisByParts(memo, {}))), file).toBe(JSON.stringify(analyzeTree(tree, text, {})));
    }
    expect(proven).toBeGreaterThan(3);
  });

  it("proves one part's diagnostics from that part alone as the whole file proves them, or leaves it to the whole file", () => {
    /** The proof from the erring part (undefined where it leaves it to the whole file), and the whole file's proof. */
    const proofs = (text: string) => {
      const tree = parseSyntax(text);
      const memo = new PartsMemo();
      const quick = analyzeByParts(tree, text, { proveFixes: false }, memo);
      const part = provePartsLater(quick, memo, {});
      return { part: part && canonical(part, false), whole: canonical(analyzeTreeWithReanalysis(tree, text, {}, reanalysisByParts(memo, {})), false) };
    };
    let byPart = 0;
    for (const file of [...pythonFiles(join(root, 'test/fixtures')), ...pythonFiles(join(root, 'examples'))]) {
      const text = readFileSync(file, 'utf8');
      // Each integer argument of a layer one more: a mistake in one model, most of the time.
      for (const m of [...text.matchAll(/(?<=nn\.(?:Linear|Conv2d)\(|Dense\()(\d+)(?=\s*[,)*])/g)].slice(0, 4)) {
        const broken = text.slice(0, m.index) + String(Number(m[1]) + 1) + text.slice(m.index + m[1].length);
        const { part, whole: all } = proofs(broken);
        if (part === undefined) continue;
        byPart++;
        expect(part, `${file}, ${m[1]} at ${m.index}`).toBe(all);
      }
    }
    expect(byPart).toBeGreaterThan(20);
    const broken = TWO_MODELS.replace('nn.Linear(4 * 6 * 6, 2)', 'nn.Linear(4 * 7 * 6, 2)');
    const proven = proofs(broken);
    expect(proven.part).toBe(proven.whole);
    expect(JSON.parse(proven.part!).diagnostics[0].fixes.length).toBeGreaterThan(0);
    // A name of another part, or a constant no part reads, may hold the right value (144): only the whole file's scope offers it.
    for (const other of ['SIDE = 144\n', 'SIDE = 12 * 12\n', 'SIDE = 12 ** 2\n']) {
      const text = broken.replace('HIDDEN = WIDTH * 2\n', `HIDDEN = WIDTH * 2\n${other}`);
      const { part, whole: all } = proofs(text);
      expect(part, other).toBeUndefined();
      if (other === 'SIDE = 144\n') expect(all).toContain('Change 4 * 7 * 6 to SIDE');
    }
    // Diagnostics in two parts: the whole file's proof.
    expect(proofs(broken.replace('nn.Linear(WIDTH * 16 * 16, 10)', 'nn.Linear(WIDTH * 15 * 16, 10)')).part).toBeUndefined();
  });

  it('re-analyses only the model an edit touches, and its diagnostics change', () => {
    const memo = new PartsMemo();
    expect(byParts(TWO_MODELS, memo)).toBe(whole(TWO_MODELS));
    // Block and the two models that use it are one part; `third` is another.
    expect(memo.lastAnalysed).toBe(2);
    const broken = TWO_MODELS.replace('nn.Linear(4 * 6 * 6, 2)', 'nn.Linear(4 * 7 * 6, 2)');
    const result = analyzeByParts(parseSyntax(broken), broken, { proveFixes: false }, memo);
    expect(memo.lastAnalysed).toBe(1);
    expect(memo.lastReused).toBe(1);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['linear-in-features']);
    expect(result.models.map((m) => m.name)).toEqual(['First', 'Second', 'third']);
    expect(canonical(result)).toBe(whole(broken));
  });

  it('re-analyses every model that reads a shared constant or block class the edit changed', () => {
    const three = TWO_MODELS.replace('class Second(nn.Module)', 'class Second(nn.Module)').replace(
      "# input: (1, 3, 8, 8)\nthird",
      '# input: (1, 3, 8, 8)\nfourth = nn.Sequential(nn.Conv2d(3, WIDTH, 3), nn.Flatten(), nn.Linear(WIDTH * 6 * 6, 2))\n\n\n# input: (1, 3, 8, 8)\nthird',
    );
    const memo = new PartsMemo();
    expect(byParts(three, memo)).toBe(whole(three));
    // Block with First and Second; fourth (reads WIDTH, a shared constant); third.
    expect(memo.lastAnalysed).toBe(3);
    const wider = three.replace('WIDTH = 8', 'WIDTH = 6');
    expect(byParts(wider, memo)).toBe(whole(wider));
    expect(memo.lastAnalysed).toBe(2);
    expect(memo.lastReused).toBe(1);
    // The block class changed: the part of both models that use it.
    const block = wider.replace('nn.Conv2d(c, c, 3, padding=1)', 'nn.Conv2d(c, c, 3)');
    const result = analyzeByParts(parseSyntax(block), block, { proveFixes: false }, memo);
    expect(memo.lastAnalysed).toBe(1);
    expect(memo.lastReused).toBe(2);
    expect(result.diagnostics.map((d) => d.code).sort()).toEqual(['linear-in-features', 'linear-in-features']);
    expect(canonical(result)).toBe(whole(block));
  });

  it('moves a kept result with its lines, messages included, when lines are added above it', () => {
    const broken = TWO_MODELS.replace('nn.Linear(4 * 6 * 6, 2)', 'nn.Linear(4 * 7 * 6, 2)').replace('nn.Linear(WIDTH * 16 * 16, 10)', 'nn.Linear(WIDTH * 15 * 16, 10)');
    const memo = new PartsMemo();
    expect(byParts(broken, memo)).toBe(whole(broken));
    const moved = broken.replace('class Block(nn.Module):', 'def helper():\n    return 1\n\n\nclass Block(nn.Module):');
    // The new function is a part of its own; the others keep their text, and move down.
    expect(byParts(moved, memo)).toBe(whole(moved));
    expect([memo.lastAnalysed, memo.lastReused]).toEqual([1, 2]);
    const movedThird = moved.replace('# input: (1, 3, 8, 8)\nthird', '\n\n# input: (1, 3, 8, 8)\nthird');
    expect(byParts(movedThird, memo)).toBe(whole(movedThird));
    expect([memo.lastAnalysed, memo.lastReused]).toEqual([1, 2]);
  });

  it('analyses the whole file where the parts could differ from it', () => {
    for (const text of [
      TWO_MODELS.replace('WIDTH = 8', 'WIDTH = globals().get("W", 8)'),
      TWO_MODELS + '\nnn.Conv2d = nn.Conv3d\n',
      TWO_MODELS + '\nfrom tensorflow import keras\nkeras.backend.set_image_data_format("channels_first")\n',
      TWO_MODELS.replace('class Second', 'class Second(nn.Module:\n    pass\n\n\nclass Other'),
    ]) {
      const memo = new PartsMemo();
      expect(byParts(text, memo)).toBe(whole(text));
      expect(memo.lastAnalysed, text.slice(-80)).toBe(1);
    }
  });
});
