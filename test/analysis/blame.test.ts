// LiteralUses: which layer arguments a literal sizes. It looks up each node asked about in the
// layers' argument chains, and indexes every chain's nodes at once after many questions; both
// ways must give the same answer as the definition (every argument the node's number sizes is in
// error), whatever order the nodes are asked in.

import { describe, expect, it } from 'vitest';
import { LiteralUses } from '../../server/src/analysis/blame';
import type { RawDiagnostic, TraceRecord } from '../../server/src/python/trace';
import { parseSyntax, type SyntaxNode } from '../../server/src/syntax/parse';
import { mulberry32 as random } from '../helpers/prng';

interface FakeLayer {
  id: number;
  argChains: Map<string, { links: { node: SyntaxNode; scope: null }[]; src?: SyntaxNode; roots?: SyntaxNode[] }>;
}

describe('LiteralUses', () => {
  it('answers as the definition does, before and after it indexes every chain', () => {
    const count = 80;
    const text = Array.from({ length: count }, (_, i) => `x${i} = ${i + 1}`).join('\n');
    const literals = parseSyntax(text).rootNode.descendantsOfType('integer');
    expect(literals).toHaveLength(count);
    // A second tree of the same text: its nodes are other objects at the same places (a proof's re-analysis).
    const again = parseSyntax(text).rootNode.descendantsOfType('integer');
    const next = random(7);
    const pick = () => literals[Math.floor(next() * count)];
    const layers: FakeLayer[] = [];
    for (let id = 1; id <= 60; id++) {
      const argChains: FakeLayer['argChains'] = new Map();
      for (const arg of ['in_features', 'out_features']) {
        if (next() < 0.2) continue;
        const chain: FakeLayer['argChains'] extends Map<string, infer C> ? C : never = { links: [{ node: pick(), scope: null }] };
        if (next() < 0.5) chain.src = pick();
        if (next() < 0.3) chain.roots = [pick(), pick()];
        argChains.set(arg, chain);
      }
      layers.push({ id, argChains });
    }
    // Each layer held by two records (a block traced twice), and one record with no layer.
    const records = [...layers, ...layers].map((layer) => ({ layer })) as unknown as TraceRecord[];
    records.push({} as TraceRecord);
    const erring = new Set<string>();
    const diagnostics: RawDiagnostic[] = [];
    for (const layer of layers) {
      for (const arg of layer.argChains.keys()) {
        if (next() < 0.6) {
          erring.add(`${layer.id}:${arg}`);
          diagnostics.push({ layer, arg } as unknown as RawDiagnostic);
        }
      }
    }
    const expected = (node: SyntaxNode) => {
      for (const layer of layers) {
        for (const [arg, chain] of layer.argChains) {
          const nodes = [...chain.links.map((l) => l.node), ...(chain.src ? [chain.src] : []), ...(chain.roots ?? [])];
          if (nodes.some((n) => n.startIndex === node.startIndex && n.endIndex === node.endIndex) && !erring.has(`${layer.id}:${arg}`)) return false;
        }
      }
      return true;
    };
    const answers = literals.map(expected);
    expect(answers).toContain(true);
    expect(answers).toContain(false);
    for (const order of [literals, [...again].reverse(), [...literals, ...again]]) {
      const uses = new LiteralUses(records, diagnostics);
      for (const node of order) expect(uses.feedsNothingElse(node)).toBe(answers[literals.findIndex((l) => l.startIndex === node.startIndex)]);
    }
  });
});
