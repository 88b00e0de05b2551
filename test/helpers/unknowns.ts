// Mutants that only take knowledge away: one sub-expression of a file (a call argument, a keyword
// value, a whole call, the right side of an assignment, a default parameter value, a dict value,
// a list or tuple item, a base class) is replaced with a call to a function that is defined
// nowhere, whose value the engine cannot know. Knowing less must never report more: every error
// of such a mutant (rule code and line) must be an error of the original. A mutant keeps every
// line where it was (the opaque call spans the lines the replaced expression spanned), so the
// lines of the errors compare as they are.
// Used by test/unknown-invariant.test.ts (a seeded sample of the fixtures and examples) and
// scripts/fuzz-unknown.ts (thousands of mutants, the shared corpus too).

import type { AnalysisResult } from '../../server/src/analysis/result';
import { parseSyntax, type SyntaxNode } from '../../server/src/syntax/parse';
import { mulberry32 } from './prng';

export interface UnknownMutant {
  /** Which expression was replaced, e.g. `line 12: argument "3" of nn.Conv2d(3, 16, 3)`. */
  name: string;
  text: string;
}

/** The name of the function the mutants call; nothing defines it, so its value is unknown. */
export const OPAQUE_FUNCTION = 'undefined_opaque_value';

/** Where a node can be replaced, with words for the mutant's name. */
interface Site {
  node: SyntaxNode;
  what: string;
}

const EXPRESSION_SKIPPED = new Set(['comment', 'keyword_argument', 'list_splat', 'dictionary_splat', 'parenthesized_list_splat', 'ellipsis', 'generator_expression']);

/** Whether a node is an expression we may replace (not punctuation, a comment or a splat). */
function replaceable(node: SyntaxNode): boolean {
  return node.isNamed && !EXPRESSION_SKIPPED.has(node.type) && !node.hasError;
}

function short(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 50 ? `${oneLine.slice(0, 47)}...` : oneLine;
}

/** Every place of the file where a mutant may put an unknown. */
export function opaqueSites(text: string): Site[] {
  const root = parseSyntax(text).rootNode;
  const sites: Site[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    switch (node.type) {
      case 'argument_list': {
        const owner = node.parent?.type === 'class_definition' ? 'base class' : 'argument';
        for (const c of node.namedChildren) {
          if (c.type === 'keyword_argument') {
            const value = c.childForFieldName('value');
            if (value && replaceable(value)) sites.push({ node: value, what: `keyword ${short(c.text)}` });
          } else if (replaceable(c)) sites.push({ node: c, what: `${owner} ${short(c.text)}` });
        }
        break;
      }
      case 'call':
        // A call whose value is thrown away (`layers.append(x)`, `super().__init__()`) is there for
        // what it does: an opaque call in its place would change the program, not hide a value.
        if (!node.hasError && node.parent?.type !== 'expression_statement') sites.push({ node, what: `call ${short(node.text)}` });
        break;
      case 'assignment': {
        const right = node.childForFieldName('right');
        if (right && replaceable(right)) sites.push({ node: right, what: `value of ${short(node.text)}` });
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const value = node.childForFieldName('value');
        if (value && replaceable(value)) sites.push({ node: value, what: `default ${short(node.text)}` });
        break;
      }
      case 'pair': {
        const value = node.childForFieldName('value');
        if (value && replaceable(value)) sites.push({ node: value, what: `config value ${short(node.text)}` });
        break;
      }
      case 'list':
      case 'tuple':
        for (const c of node.namedChildren) if (replaceable(c)) sites.push({ node: c, what: `item ${short(c.text)} of ${short(node.text)}` });
        break;
    }
  }
  // Calls inside argument lists are found twice (as an argument and as a call): once is enough.
  const seen = new Set<number>();
  return sites.filter((s) => {
    const key = s.node.startIndex * 1e6 + s.node.endIndex;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The text with one node replaced by an opaque call spanning the same lines. */
function replaced(text: string, node: SyntaxNode): string {
  const newlines = (node.text.match(/\n/g) ?? []).length;
  return `${text.slice(0, node.startIndex)}${OPAQUE_FUNCTION}(${'\n'.repeat(newlines)})${text.slice(node.endIndex)}`;
}

/** `count` mutants drawn at random (seeded) among the file's sites, each with one unknown; fewer if the file has fewer sites. */
export function opaqueMutantsOf(text: string, options: { count: number; seed: number }): UnknownMutant[] {
  const sites = opaqueSites(text);
  const random = mulberry32(options.seed);
  const chosen = new Set<number>();
  const wanted = Math.min(options.count, sites.length);
  while (chosen.size < wanted) chosen.add(Math.floor(random() * sites.length));
  return [...chosen].map((i) => {
    const site = sites[i];
    return { name: `line ${site.node.startPosition.row + 1}: ${site.what}`, text: replaced(text, site.node) };
  });
}

/** The errors of a result as `code@path:line` keys (warnings and notes are not counted). */
export function errorKeys(result: AnalysisResult): Set<string> {
  return new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.path ?? ''}:${d.range.line + 1}`));
}

/**
 * The errors of the mutant that the original does not have. One exception: where the mutant no
 * longer has one of the original's errors, the unknown hid that error, and an error stops what
 * flows from it; what lay behind it may then be reported (a U-Net with two wrong skips reports
 * the first; hide the first and the second shows). Those mutants count as having no new error.
 */
export function newErrors(original: AnalysisResult, mutant: AnalysisResult): string[] {
  const before = errorKeys(original);
  const after = errorKeys(mutant);
  if ([...before].some((k) => !after.has(k))) return [];
  return [...after].filter((k) => !before.has(k));
}

/** A shape with every dimension a number, as text; undefined where any dimension is symbolic or unknown. */
function definite(output: unknown): string | undefined {
  if (Array.isArray(output)) return output.every((d) => typeof d === 'number') ? `(${output.join(', ')})` : undefined;
  if (output && typeof output === 'object' && 'items' in output) {
    const items = (output as { items: unknown[] }).items.map(definite);
    return items.every((i) => i !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  return undefined;
}

/**
 * Each layer application's definite output, keyed by model, the chain of blocks that applied it
 * (their names and call lines), the layer and its call site, and the n-th record of that key.
 */
function definiteOutputs(result: AnalysisResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const model of result.models) {
    const chain: string[] = model.layers.map(() => '');
    for (const block of model.blocks ?? []) {
      const at = `${block.kind}:${block.name ?? ''}@${block.callPath ?? ''}:${block.callRange.line}/`;
      for (const i of block.layers) chain[i] += at;
    }
    const seen = new Map<string, number>();
    model.layers.forEach((layer, i) => {
      const site = `${model.name}|${chain[i]}|${layer.kind}|${layer.name ?? ''}|${layer.path ?? ''}:${layer.range.line}:${layer.range.column}|${layer.callPath ?? ''}:${layer.callRange.line}`;
      const n = seen.get(site) ?? 0;
      seen.set(site, n + 1);
      const shape = definite(layer.output);
      if (shape !== undefined) out.set(`${site}#${n}`, shape);
    });
  }
  return out;
}

/**
 * The layer outputs the mutant gives as a definite shape other than the original's definite one:
 * knowing less may turn a shape unknown or symbolic, never into another number. Only mutants
 * without new errors and with the same models are compared (an error stops what flows from it).
 */
export function changedShapes(original: AnalysisResult, mutant: AnalysisResult): string[] {
  if (errorKeys(original).size > 0) return []; // what follows an error is the analysis's best guess
  const before = definiteOutputs(original);
  const after = definiteOutputs(mutant);
  const changed: string[] = [];
  for (const [key, shape] of after) {
    const was = before.get(key);
    if (was !== undefined && was !== shape) changed.push(`${key}: ${was} -> ${shape}`);
  }
  return changed;
}
