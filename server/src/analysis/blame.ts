// Where a diagnostic about a layer's argument is underlined: the expression where the wrong value
// enters the layer, not wherever its number happens to be written. `nn.GRU(hidden_dim, ...)` fed
// by an Embedding of `embed_dim` is underlined at the GRU's `hidden_dim`, not at the default
// `hidden_dim=128` in the signature, which also sizes the GRU's state and the layers after it.
// A value is followed back to its literal only where that literal feeds nothing else: the `480`
// of `Inception(480, ...)` sizes only the branches that all disagree with their input, so the
// underline and the fix go there. The steps in between (the calls of user blocks that passed the
// number on as an argument) are the candidates that prove.ts tries when it looks for a fix.

import type { RawDiagnostic, TraceRecord } from '../python/trace';
import type { Scope } from '../python/scope';
import type { LayerValue } from '../python/values';
import type { SyntaxNode } from '../syntax/parse';

/** One place a layer argument's number passed through. */
export interface BlamePoint {
  node: SyntaxNode;
  /** The scope the expression was evaluated in (null for a literal seen only as the number's source). */
  scope: Scope | null;
  /** The number's own source (a literal, a default, or an arithmetic expression), last of a chain. */
  source: boolean;
}

/**
 * Where a layer argument's number came from, innermost first: the argument written at the
 * layer's call, each argument of a user function or class call that passed it in, then the
 * literal or expression that computed it. `own` keeps the nodes of files reported on (not the
 * text of a `# model:` comment, not an installed library).
 */
export function argumentChain(layer: LayerValue, arg: string, own: (node: SyntaxNode) => boolean): BlamePoint[] {
  const chain = layer.argChains?.get(arg);
  const written = layer.argNodes.get(arg);
  if (!chain) return written && own(written) ? [{ node: written, scope: null, source: true }] : [];
  const points: BlamePoint[] = chain.links.filter((l) => own(l.node)).map((l) => ({ node: l.node, scope: l.scope, source: false }));
  const src = chain.src;
  if (src && own(src)) {
    const last = points[points.length - 1];
    if (last && sameNode(last.node, src)) last.source = true;
    else if (!points.some((p) => sameNode(p.node, src))) points.push({ node: src, scope: null, source: true });
  }
  return points;
}

/**
 * Which layer arguments each literal sizes, to tell a literal that feeds only the wrong arguments.
 * Asked about a few nodes (those of the diagnostics' chains): each is looked up in one pass over
 * the layers' argument chains when first asked, instead of indexing every node of every chain.
 */
export class LiteralUses {
  private readonly erring = new Set<string>();
  /** The uses (`layer id:argument`) of each node asked about, by nodeKey. */
  private readonly asked = new Map<string, Set<string>>();
  /** The layers in the order the records first hold them. */
  private readonly layers: LayerValue[] = [];

  constructor(records: TraceRecord[], diagnostics: RawDiagnostic[]) {
    const seen = new Set<number>();
    for (const r of records) {
      if (!r.layer || seen.has(r.layer.id)) continue;
      seen.add(r.layer.id);
      if (r.layer.argChains?.size) this.layers.push(r.layer);
    }
    for (const d of diagnostics) if (d.layer && d.arg) this.erring.add(`${d.layer.id}:${d.arg}`);
  }

  /** The layer arguments (`id:arg`) whose chain holds a node at the same place as `node` (nodeKey). */
  private usesOf(node: SyntaxNode): Set<string> {
    const key = nodeKey(node);
    let uses = this.asked.get(key) ?? this.all?.get(key);
    if (uses) return uses;
    uses = new Set();
    if (this.asked.size >= LiteralUses.ASKED_BEFORE_INDEX) {
      // Asked about many nodes (a file with many errors): index every node of every chain once.
      this.all ??= this.index();
      return this.all.get(key) ?? uses;
    }
    const file = node.file ?? '';
    const at = (n: SyntaxNode) => n.startIndex === node.startIndex && n.endIndex === node.endIndex && (n.file ?? '') === file;
    for (const layer of this.layers) {
      for (const [arg, chain] of layer.argChains!) {
        if (chain.links.some((l) => at(l.node)) || (chain.src !== undefined && at(chain.src)) || chain.roots?.some(at)) uses.add(`${layer.id}:${arg}`);
      }
    }
    this.asked.set(key, uses);
    return uses;
  }

  /** After this many nodes asked about, every chain's nodes are indexed at once. */
  private static readonly ASKED_BEFORE_INDEX = 32;
  private all: Map<string, Set<string>> | undefined;

  private index(): Map<string, Set<string>> {
    const all = new Map<string, Set<string>>();
    for (const layer of this.layers) {
      for (const [arg, chain] of layer.argChains!) {
        const nodes = [...chain.links.map((l) => l.node), ...(chain.src ? [chain.src] : []), ...(chain.roots ?? [])];
        for (const n of nodes) {
          const key = nodeKey(n);
          let set = all.get(key);
          if (!set) all.set(key, (set = new Set()));
          set.add(`${layer.id}:${arg}`);
        }
      }
    }
    return all;
  }

  /** True when every layer argument the node's number sizes is one that is in error. */
  feedsNothingElse(node: SyntaxNode): boolean {
    for (const u of this.usesOf(node)) if (!this.erring.has(u)) return false;
    return true;
  }
}

/**
 * The point to underline before any fix is proven: the literal when it feeds nothing else, else
 * the argument written at the layer's call.
 */
export function blamedPoint(chain: BlamePoint[], uses: LiteralUses): BlamePoint | undefined {
  const last = chain[chain.length - 1];
  if (last && last.source && uses.feedsNothingElse(last.node)) return last;
  return chain[0];
}

/** The candidates a fix may be written at, outermost first: a source that feeds other layers is left out. */
export function fixCandidates(chain: BlamePoint[], uses: LiteralUses): BlamePoint[] {
  return chain.filter((p, i) => !(p.source && i > 0 && !uses.feedsNothingElse(p.node))).reverse();
}

export function nodeKey(n: SyntaxNode): string {
  return `${n.file ?? ''}:${n.startIndex}:${n.endIndex}`;
}

function sameNode(a: SyntaxNode, b: SyntaxNode): boolean {
  return nodeKey(a) === nodeKey(b);
}
