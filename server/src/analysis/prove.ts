// Fixes proven before they are offered. For an error about a layer's argument, each place on the
// argument's chain (blame.ts: the argument at the layer's call, the calls of user blocks that passed
// the number on, its literal) is tried with each way of writing the right value: a name in scope
// that holds it (`embed_dim`, `hidden`, `self.out_channels`), an expression in the user's style
// (`6*7*7`), the literal. Each try is applied to the text and the file analysed again; a try counts
// only when that error is gone, no error appears that was not there before, and the argument is
// still a known number. Among them the one that leaves the fewest errors wins, then the one that
// changes the fewest other layers' shapes and parameters (a default `hidden_dim=128` also sizes
// the GRU's state and the layers after it), then the preferred writing, then the outermost place.
// The error is then underlined where that fix goes, and the errors the fix also makes disappear
// (consequences of the same wrong value) fold into it as related information.
// Pure: the analysis again is a function given by analyze.ts; a fixed number of tries per file.

import type { RawDiagnostic } from '../python/trace';
import type { Scope } from '../python/scope';
import type { TraceRecord } from '../python/trace';
import type { LayerValue, Value } from '../python/values';
import { LayerArg, UnknownArg, type ArgValue, type Shape } from '../shapes/types';
import { rangeOf, type SyntaxNode } from '../syntax/parse';
import { argumentChain, LiteralUses, type BlamePoint } from './blame';
import { fixText } from './fixes';
import type { AnalysisResult, Fix, ModelResult, Range, RelatedInfo, ShapeDiagnostic } from './result';

/** How a proven diagnostic's related information names the places it took over: where it showed before, and each consequence folded in. */
export const PROOF_RELATED = { valueUsed: 'the value is used here', errorShows: 'the error shows here', consequence: 'a consequence: ' } as const;

/** Analyses per file spent on proofs, at most. */
export const MAX_PROOF_ANALYSES = 12;
/** Fewer analyses for a long trace (each costs as much as the first): at most this many records in all. */
const MAX_PROOF_RECORDS = 4000;

export interface ProofInput {
  text: string;
  raw: RawDiagnostic[];
  /** The consumer's diagnostic for each raw one (undefined where it is not reported). */
  diagnostics: (ShapeDiagnostic | undefined)[];
  models: ModelResult[];
  /** The trace the diagnostics came from (to find the layer that produced an input). */
  records: TraceRecord[];
  /** True for a node of the analysed text (fixes are proven there only). */
  inText: (node: SyntaxNode) => boolean;
  /** Analyses an edited text (without proofs). */
  reanalyse: (text: string) => AnalysisResult;
  isCancelled?: () => boolean;
  /**
   * Where the diagnostics come from one part of the file (analysis/parts.ts), what the whole file's
   * analysis would have beside it: `models` and `reanalyse` are then the whole file's, `records`
   * the part's trace only. A candidate that hangs on the rest of the file throws PartProofUnsure.
   */
  part?: PartContext;
}

/** What a proof of one part's diagnostics needs to know of the rest of the file, to give what the whole file's proof gives. */
export interface PartContext {
  /** The number of trace records the whole file's analysis makes (the budget of analyses hangs on it). */
  records: number;
  /** The part's module scope, and the integers other parts bind at module level (the whole file's module scope holds them too). */
  moduleScope: Scope;
  otherInts: ReadonlyMap<string, number | undefined>;
  /** True for a node of a unit only this part holds (a shared constant's node may feed other parts' layers). */
  ownNode: (node: SyntaxNode) => boolean;
  /** Whether other parts' traces hold a Keras Dense applied to a feature map. */
  denseOnMapElsewhere: boolean;
}

/** Thrown by a part's proof where its answer could hang on the rest of the file: the whole file is proven instead. */
export class PartProofUnsure extends Error {
  constructor() {
    super('the proof of a part may differ from the whole file\'s');
  }
}

/** One edit to try: replace the text from `start` to `end` by `text`. */
interface Try {
  start: number;
  end: number;
  text: string;
  title: string;
  /** 0 a name, 1 an expression or an upstream change, 2 a literal, 3 the lazy module. */
  writing: number;
}

/** A place a fix may go, and the edits to try there, preferred first. */
interface Candidate {
  /** Where the error is underlined when this fix is chosen. */
  node: SyntaxNode;
  tries: Try[];
  /** The layer that must still be built with a known argument `arg` (or, without `arg`, run on a known input). */
  layer: LayerValue;
  arg?: string;
  /** The fix changes a layer before the error (the cause is upstream). */
  upstream?: boolean;
}

interface Trial {
  candidate: Candidate;
  try: Try;
  pointIndex: number;
  remaining: number;
  disturbance: number;
  /** Keys of the errors of the original analysis that this fix makes disappear. */
  gone: Set<number>;
}

/** The diagnostics with proven fixes only, each underlined where its fix goes, consequences folded in. */
export function proveFixes(input: ProofInput): ShapeDiagnostic[] {
  const { raw, diagnostics } = input;
  const errorKeys = diagnostics.map((d) => (d ? keyOf(d) : ''));
  let budget = Math.min(MAX_PROOF_ANALYSES, Math.floor(MAX_PROOF_RECORDS / Math.max(1, input.part?.records ?? input.records.length)));
  const folded = new Set<number>();
  const out = new Map<number, ShapeDiagnostic>();
  for (let i = 0; i < raw.length; i++) {
    const d = diagnostics[i];
    if (!d || folded.has(i)) continue;
    const r = raw[i];
    const value = r.fix?.value;
    const chain = value !== undefined && r.layer && r.arg ? argumentChain(r.layer, r.arg, input.inText) : [];
    const candidates: Candidate[] =
      budget > 0 && !input.isCancelled?.()
        ? [
            ...factorCandidates(input, chain, value, r),
            ...[...chain].reverse().map((point) => valueCandidate(point, value!, r.layer!, r.arg!, r.fix?.flattenedFrom ?? null, input.part)),
            ...producerCandidates(input, r),
            ...upstreamCandidates(input, r),
            ...flattenCandidates(input, r),
            ...branchCandidates(input, r),
            ...loopCandidates(input, r, chain),
            ...changerCandidates(input, r),
            // A fix the rule wrote as an edit (`, return_sequences=True`), proven like the others.
            ...(r.edit && r.layer && input.inText(r.edit.node) ? [{ node: r.edit.node, tries: [{ start: r.edit.node.startIndex, end: r.edit.node.endIndex, text: r.edit.newText, title: r.edit.title, writing: 1 }], layer: r.layer, upstream: true }] : []),
            // Last: the lazy module, which lets PyTorch infer the size.
            ...lazyCandidates(input, r),
          ]
        : [];
    const trials: Trial[] = [];
    candidates.forEach((c, k) => {
      for (const t of c.tries) {
        if (budget <= 0 || input.isCancelled?.()) return;
        budget--;
        const edited = input.text.slice(0, t.start) + t.text + input.text.slice(t.end);
        let after: AnalysisResult;
        try {
          after = input.reanalyse(edited);
        } catch {
          continue;
        }
        const trial = judge(input, i, c, t, k, after, errorKeys);
        if (trial) {
          trials.push(trial);
          break; // the preferred writing at this place is the one offered there
        }
      }
    });
    trials.sort((a, b) => a.remaining - b.remaining || a.try.writing - b.try.writing || a.disturbance - b.disturbance || a.pointIndex - b.pointIndex);
    const best = trials[0];
    if (!best) {
      // A fix that could not be proven is not offered.
      out.set(i, { ...d, fixes: [] });
      continue;
    }
    const node = best.candidate.node;
    const fixOf = (t: Try): Fix => ({ title: t.title, range: rangeAt(input.text, t.start, t.end), newText: t.text });
    // The lazy module, when proven too, is offered after the preferred fix.
    const lazy = trials.find((t) => t !== best && t.try.writing === LAZY && t.remaining <= best.remaining);
    const fixes = [fixOf(best.try), ...(lazy ? [fixOf(lazy.try)] : [])];
    const related: RelatedInfo[] = [...d.related.filter((x) => x.path !== undefined || !sameRange(x.range, rangeOf(node)))];
    if ((d.path !== undefined || !sameRange(d.range, rangeOf(node))) && !related.some((x) => sameRange(x.range, d.range) && x.path === d.path)) related.unshift({ range: d.range, ...(d.path ? { path: d.path } : {}), message: best.candidate.upstream ? PROOF_RELATED.errorShows : PROOF_RELATED.valueUsed });
    // Errors that this one fix also removes are consequences of the same wrong value.
    for (const j of best.gone) {
      if (j === i || folded.has(j) || out.has(j)) continue;
      const c = diagnostics[j];
      if (!c) continue;
      folded.add(j);
      // Where it showed, and the layer it is about when that is elsewhere (a block's argument).
      const place = !sameRange(c.range, d.range) || c.path !== d.path ? [{ range: c.range, ...(c.path ? { path: c.path } : {}) }] : [];
      const layers = c.related.filter((x) => / built with this value$/.test(x.message)).map((x) => ({ range: x.range, ...(x.path ? { path: x.path } : {}) }));
      for (const at of [...place, ...layers]) {
        if (!related.some((x) => sameRange(x.range, at.range) && x.path === at.path)) related.push({ ...at, message: `${PROOF_RELATED.consequence}${c.message}` });
      }
    }
    // The proven place is in the analysed text: the error moves there, out of any other file it named.
    const { path: _elsewhere, ...inThisFile } = d;
    out.set(i, { ...inThisFile, range: rangeOf(node), related, fixes });
  }
  const result: ShapeDiagnostic[] = [];
  diagnostics.forEach((d, i) => {
    if (d && !folded.has(i)) result.push(out.get(i) ?? d);
  });
  return result;
}

/** Writing `value` at a place on an argument's chain. */
function valueCandidate(point: BlamePoint, value: number, layer: LayerValue, arg: string, flattenedFrom: Shape, part: PartContext | undefined): Candidate {
  const current = point.node.text.trim();
  const tries = writings(point, value, flattenedFrom, part)
    .filter(([, text]) => text !== current)
    .map(([writing, text]) => ({ start: point.node.startIndex, end: point.node.endIndex, text, title: `Change ${current} to ${text}`, writing }));
  return { node: point.node, tries, layer, arg };
}

/**
 * A product written for a flattened size (`128 * side ** 2` for a (N, 128, 2, 2) map) where one
 * factor alone disagrees with the map: each other factor is one of the map's sizes or a product of
 * them, and the one left is a name, or a name's power, whose value came from an expression that
 * feeds nothing else (`side = img_size // 2 ** 3`, with one stride-2 block more than it counts).
 * That expression is where the wrong number is made: the name's right value is written there.
 */
function factorCandidates(input: ProofInput, chain: BlamePoint[], value: number | undefined, r: RawDiagnostic): Candidate[] {
  const flattened = r.fix?.flattenedFrom;
  const source = chain[chain.length - 1];
  if (value === undefined || !r.layer || !r.arg || !flattened || !source?.source) return [];
  const scope = source.scope ?? chain.find((p) => p.node === source.node)?.scope ?? null;
  const dims = flattened.slice(1);
  if (!scope || dims.length < 2 || !dims.every((d): d is number => typeof d === 'number')) return [];
  const factors = productFactors(source.node);
  if (factors.length < 2) return [];
  const values = factors.map((f) => intOf(f, scope));
  if (values.some((v) => v === undefined)) return [];
  // A factor is one of the map's sizes when it equals the product of some consecutive sizes.
  const sized = (v: number) => dims.some((_, i) => dims.slice(i).some((__, j) => dims.slice(i, i + j + 1).reduce((a, b) => a * b, 1) === v));
  const wrong = values.map((v, k) => (sized(v!) ? -1 : k)).filter((k) => k >= 0);
  if (wrong.length !== 1) return [];
  const others = values.reduce((a, v, k) => (k === wrong[0] ? a! : a! * v!), 1)!;
  if (others === 0 || value % others !== 0) return [];
  const target = value / others;
  // The factor is `name` or `name ** k`: the name's value that gives the target.
  let factor = factors[wrong[0]];
  let power = 1;
  if (factor.type === 'binary_operator' && operatorOf(factor) === '**') {
    const k = intOf(factor.childForFieldName('right')!, scope);
    if (k === undefined || k < 1) return [];
    power = k;
    factor = factor.childForFieldName('left')!;
  }
  if (factor.type !== 'identifier') return [];
  const held = scope.lookup(factor.text);
  const root = Math.round(target ** (1 / power));
  if (held?.t !== 'int' || !held.src || root ** power !== target || root <= 0) return [];
  if (!input.inText(held.src)) return [];
  // Other parts' layers may read a shared constant: only the whole file's trace knows.
  if (input.part && !input.part.ownNode(held.src)) throw new PartProofUnsure();
  const uses = new LiteralUses(input.records, input.raw);
  if (!uses.feedsNothingElse(held.src)) return [];
  const candidate = valueCandidate({ node: held.src, scope: null, source: true }, root, r.layer, r.arg, null, input.part);
  // In the user's style first: one number of the expression changed (`img_size // 2 ** 3` to `... ** 4`).
  const styled = oneNumberChanged(held.src, root, scope);
  if (styled !== undefined) candidate.tries.unshift({ start: held.src.startIndex, end: held.src.endIndex, text: styled, title: `Change ${held.src.text} to ${styled}`, writing: 1 });
  return [candidate];
}

/** The expression with one of its small integer literals changed so that it gives `wanted` in `scope`, if one does. */
function oneNumberChanged(expression: SyntaxNode, wanted: number, scope: Scope): string | undefined {
  const literals: SyntaxNode[] = [];
  const collect = (n: SyntaxNode) => {
    if (n.type === 'integer') literals.push(n);
    else n.namedChildren.forEach(collect);
  };
  collect(expression);
  if (literals.length === 0 || intOf(expression, scope) === undefined) return undefined;
  for (const literal of literals) {
    const current = Number(literal.text);
    if (!Number.isInteger(current) || current > 64) continue;
    for (const delta of [1, -1, 2, -2, 3, -3]) {
      const v = current + delta;
      if (v < 1) continue;
      const value = intOf(expression, scope, new Map([[literal, v]]));
      if (value === wanted) return expression.text.slice(0, literal.startIndex - expression.startIndex) + String(v) + expression.text.slice(literal.endIndex - expression.startIndex);
    }
  }
  return undefined;
}

/** The factors of a product (`a * (b * c)` gives a, b, c); the node alone when it is not one. */
function productFactors(node: SyntaxNode): SyntaxNode[] {
  if (node.type === 'parenthesized_expression' && node.namedChildren.length === 1) return productFactors(node.namedChildren[0]);
  if (node.type === 'binary_operator' && operatorOf(node) === '*') return [...productFactors(node.childForFieldName('left')!), ...productFactors(node.childForFieldName('right')!)];
  return [node];
}

function operatorOf(node: SyntaxNode): string | undefined {
  return node.childForFieldName('operator')?.text;
}

/**
 * The integer an expression of literals, names, attributes and + - * // ** had in a scope, if it
 * is known; `replaced` gives other values to some of its literals.
 */
function intOf(node: SyntaxNode, scope: Scope, replaced?: Map<SyntaxNode, number>): number | undefined {
  if (node.type === 'integer') return replaced?.get(node) ?? (/^\d[\d_]*$/.test(node.text) ? Number(node.text.replace(/_/g, '')) : undefined);
  if (node.type === 'parenthesized_expression' && node.namedChildren.length === 1) return intOf(node.namedChildren[0], scope, replaced);
  if (node.type === 'identifier' || node.type === 'attribute') {
    const v = valueOf(node, scope);
    return v?.t === 'int' && typeof v.v === 'number' ? v.v : undefined;
  }
  if (node.type !== 'binary_operator') return undefined;
  const a = intOf(node.childForFieldName('left')!, scope, replaced);
  const b = intOf(node.childForFieldName('right')!, scope, replaced);
  if (a === undefined || b === undefined) return undefined;
  switch (operatorOf(node)) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '//': return b === 0 ? undefined : Math.floor(a / b);
    case '**': return b < 0 || b > 64 ? undefined : a ** b;
    default: return undefined;
  }
}

/** A name's or an attribute's value (`hp.img_size`, `self.width`) in a scope, as the run left it. */
function valueOf(node: SyntaxNode, scope: Scope): Value | undefined {
  if (node.type === 'identifier') return scope.lookup(node.text);
  if (node.type !== 'attribute') return undefined;
  const owner = valueOf(node.childForFieldName('object')!, scope);
  const name = node.childForFieldName('attribute')?.text;
  if (!name || (owner?.t !== 'object' && owner?.t !== 'class')) return undefined;
  return owner.attrs.get(name) ?? (owner.t === 'object' ? owner.cls.attrs.get(name) : undefined);
}

/** The writing of the lazy module (`nn.LazyLinear`), the last preferred. */
const LAZY = 3;

/**
 * `nn.Linear(a, b, ...)` written as `nn.LazyLinear(b, ...)`, for an in_features that disagrees with
 * the input: PyTorch then infers it. Only for a Linear applied once, and a qualified name (`nn.Linear`, `torch.nn.Linear`),
 * where `LazyLinear` is reachable the same way.
 */
function lazyCandidates(input: ProofInput, r: RawDiagnostic): Candidate[] {
  const layer = r.layer;
  if (r.code !== 'linear-in-features' || !layer || layer.def.framework !== 'torch' || layer.def.kind !== 'Linear' || !input.inText(layer.node)) return [];
  // A lazy module's size is settled by its first call; applied more than once, the rules (which
  // size it for each call) cannot prove it.
  if (input.records.filter((x) => x.layer === layer).length !== 1) return [];
  const call = layer.node;
  const callee = call.type === 'call' ? call.childForFieldName('function') : null;
  const args = call.childForFieldName('arguments');
  const written = layer.argNodes.get('in_features');
  if (callee?.type !== 'attribute' || !/\.Linear$/.test(callee.text) || args?.type !== 'argument_list' || !written) return [];
  const rest = args.namedChildren.filter((a) => a.type !== 'comment' && a !== written && !(a.type === 'keyword_argument' && a.childForFieldName('value') === written));
  if (rest.length === 0 || rest.length === args.namedChildren.filter((a) => a.type !== 'comment').length) return [];
  const text = `${callee.text.replace(/Linear$/, 'LazyLinear')}(${rest.map((a) => a.text).join(', ')})`;
  return [{ node: call, tries: [{ start: call.startIndex, end: call.endIndex, text, title: `Use ${text} (PyTorch infers in_features)`, writing: LAZY }], layer }];
}

/** Arguments that set the width of a layer's output. */
const WIDTH_ARGS = ['out_channels', 'out_features', 'embedding_dim', 'filters', 'units'];
/** Records that keep the width of their input (activations, dropout, pooling, transposes, ...). */
const STEPS_BACK = 6;

/**
 * The other side of a width mismatch: the layer before, whose output width was the size received
 * (`nn.Embedding(vocab_size, 300)` before `nn.Conv1d(embed_dim, ...)`), written with the erring
 * layer's value instead, or with the width the rule asks of its input (`nn.Conv2d(32, r * 2, ...)`
 * before `nn.PixelShuffle(r)`, whose input needs a multiple of r²). Found by going back from the erring layer's input over records without
 * a width argument.
 */
function producerCandidates(input: ProofInput, r: RawDiagnostic): Candidate[] {
  const layer = r.layer;
  // The width the rule wants (PixelShuffle: a multiple of the square), else the erring argument's.
  const wanted = r.inputWidth?.wanted ?? (layer && r.arg ? layer.bound.values.get(r.arg) : undefined);
  const received = r.inputWidth?.received ?? r.fix?.value;
  if (!layer || typeof wanted !== 'number' || received === undefined) return [];
  const bySeq = new Map(input.records.map((x) => [x.seq, x]));
  const record = input.records.find((x) => x.layer === layer);
  let t = record?.inputs[0];
  for (let step = 0; t && step < STEPS_BACK; step++) {
    const producer = bySeq.get(t.producer);
    if (!producer) return [];
    const arg = producer.layer ? WIDTH_ARGS.find((a) => producer.layer!.bound.values.has(a)) : undefined;
    if (producer.layer && arg) {
      if (producer.layer.bound.values.get(arg) !== received) return [];
      const chain = argumentChain(producer.layer, arg, input.inText);
      return [...chain].reverse().map((point) => ({ ...valueCandidate(point, wanted, producer.layer!, arg, null, input.part), upstream: true }));
    }
    t = producer.inputs[0];
  }
  return [];
}

/** Layers that keep what reaches them, looked through to find the layer that made an input. */
const PASS_THROUGH = new Set(['Dropout', 'SpatialDropout1D', 'Activation', 'BatchNormalization', 'LayerNormalization', 'GaussianNoise', 'dropout', 'relu']);
const KERAS_RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN']);

/**
 * Fixes where the cause is upstream of the error: `return_sequences=True` on the Keras recurrent
 * layer that feeds a layer wanting a sequence; in PyTorch, a flatten before a Linear given a
 * feature map whose size is its in_features (`x.view(x.size(0), -1)`), and a channels-last input
 * fed to a convolution whose in_channels is its last axis (`x.permute(0, 3, 1, 2)`, `x.transpose(1, 2)`).
 */
function upstreamCandidates(input: ProofInput, r: RawDiagnostic): Candidate[] {
  const layer = r.layer;
  if (!layer) return [];
  const record = input.records.find((x) => x.layer === layer);
  if (!record) return [];
  const out: Candidate[] = [];
  const bySeq = new Map(input.records.map((x) => [x.seq, x]));
  // Keras: the recurrent layer before returns its last step only.
  let producer = record.inputs[0] ? bySeq.get(record.inputs[0].producer) : undefined;
  for (let step = 0; producer && step < STEPS_BACK && PASS_THROUGH.has(producer.kind); step++) producer = producer.inputs[0] ? bySeq.get(producer.inputs[0].producer) : undefined;
  if (producer?.layer && producer.framework === 'keras') {
    const p = producer.layer;
    let call: SyntaxNode | undefined;
    if (KERAS_RECURRENT.has(p.def.kind) && p.bound.values.get('return_sequences') === false) call = p.node;
    const inner = p.bound.values.get('layer');
    if (p.def.kind === 'Bidirectional' && inner instanceof LayerArg && KERAS_RECURRENT.has(inner.def.kind) && (inner.bound as { values: Map<string, unknown> }).values.get('return_sequences') === false) call = p.argNodes.get('layer');
    const edit = call && input.inText(call) ? setKeyword(call, 'return_sequences', 'True') : undefined;
    if (call && edit) out.push({ node: call, tries: [{ ...edit, title: `Add return_sequences=True to the ${KERAS_RECURRENT.has(p.def.kind) ? p.def.kind : (inner as LayerArg).def.kind}`, writing: 1 }], layer, upstream: true });
  }
  // PyTorch: the tensor handed to the layer needs a flatten or its channels moved first.
  const shape = record.inputs[0]?.shape;
  const argument = firstArgument(record.callNode);
  const wanted = r.arg ? layer.bound.values.get(r.arg) : undefined;
  if (record.framework === 'torch' && shape && argument && input.inText(argument) && typeof wanted === 'number') {
    const x = /^[\w.]+$/.test(argument.text) ? argument.text : `(${argument.text})`;
    const dims = shape.slice(1);
    let text: string | undefined;
    if (r.code === 'linear-in-features' && shape.length > 2 && dims.every((d) => typeof d === 'number') && (dims as number[]).reduce((a, b) => a * b, 1) === wanted) text = `${x}.view(${x}.size(0), -1)`;
    if (r.code === 'conv-in-channels' && shape.length === 4 && shape[3] === wanted) text = `${x}.permute(0, 3, 1, 2)`;
    if (r.code === 'conv-in-channels' && shape.length === 3 && shape[2] === wanted) text = `${x}.transpose(1, 2)`;
    if (text) out.push({ node: argument, tries: [{ start: argument.startIndex, end: argument.endIndex, text, title: `Change ${argument.text} to ${text}`, writing: 1 }], layer, upstream: true });
  }
  return out;
}

/** How many shorter loops are tried, at most. */
const MAX_LOOP_CUTS = 3;

/**
 * A layer that fails in a loop over a tuple or list written as a function's default
 * (`for filters in blocks:` with `blocks=(32, 64, ..., 512)`, one pooling block too many for the
 * input): the tuple cut short, longest first, so that the loop builds fewer blocks.
 */
function loopCandidates(input: ProofInput, r: RawDiagnostic, chain: BlamePoint[]): Candidate[] {
  const layer = r.layer;
  const scope = chain.find((p) => p.scope)?.scope ?? [...(layer?.argChains?.values() ?? [])].flatMap((c) => c.links).find((l) => l.scope)?.scope;
  if (!layer || !scope || !input.inText(layer.node)) return [];
  let loop: SyntaxNode | null = layer.node.parent;
  while (loop && loop.type !== 'for_statement' && loop.type !== 'function_definition') loop = loop.parent;
  const iterated = loop?.type === 'for_statement' ? loop.childForFieldName('right') : null;
  if (!loop || iterated?.type !== 'identifier') return [];
  let fn: SyntaxNode | null = loop.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const parameter = fn?.childForFieldName('parameters')?.namedChildren.find((p) => p.type === 'default_parameter' && p.childForFieldName('name')?.text === iterated.text);
  const written = parameter?.childForFieldName('value');
  if (!written || (written.type !== 'tuple' && written.type !== 'list') || !input.inText(written)) return [];
  const items = written.namedChildren.filter((n) => n.type !== 'comment');
  // The loop ran over the default, not over a value the caller passed.
  const held = scope.lookup(iterated.text);
  if ((held?.t !== 'tuple' && held?.t !== 'list') || held.items.length !== items.length || items.length < 2) return [];
  const [open, close] = written.type === 'tuple' ? ['(', ')'] : ['[', ']'];
  const tries: Try[] = [];
  for (let n = items.length - 1; n >= 1 && tries.length < MAX_LOOP_CUTS; n--) {
    const text = `${open}${items.slice(0, n).map((x) => x.text).join(', ')}${n === 1 && written.type === 'tuple' ? ',' : ''}${close}`;
    tries.push({ start: written.startIndex, end: written.endIndex, text, title: `Change ${written.text} to ${text}`, writing: 1 });
  }
  return [{ node: written, tries, layer, ...(r.arg ? { arg: r.arg } : {}), upstream: true }];
}

/**
 * Branches merged with different sizes, the error reported on the one layer that made them differ
 * (keras-mistakes.ts): that layer without its stride (`strides=2` to 1), or with 'same' padding
 * where it had 'valid'. The proof keeps what makes the branches agree.
 */
function changerCandidates(input: ProofInput, r: RawDiagnostic): Candidate[] {
  if (r.code !== 'broadcast-mismatch' && r.code !== 'cat-mismatch') return [];
  const changer = input.records.find((x) => x.layer?.node === r.node && x.inputs.length === 1);
  const layer = changer?.layer;
  if (!layer || !input.inText(layer.node)) return [];
  const out: Candidate[] = [];
  for (const arg of ['stride', 'strides']) {
    const v = layer.bound.values.get(arg);
    const strided = typeof v === 'number' ? v > 1 : Array.isArray(v) && v.some((x) => typeof x === 'number' && x > 1);
    if (!strided) continue;
    const chain = argumentChain(layer, arg, input.inText);
    out.push(...[...chain].reverse().map((point) => ({ ...valueCandidate(point, 1, layer, arg, null, input.part), upstream: true })));
  }
  if (layer.bound.values.get('padding') === 'valid') {
    const written = layer.argNodes.get('padding');
    const quote = written && /^['"]/.test(written.text) ? written.text[0] : '"';
    const edit = setKeyword(layer.node, 'padding', `${quote}same${quote}`);
    if (edit) out.push({ node: layer.node, tries: [{ ...edit, title: `Set padding=${quote}same${quote}`, writing: 1 }], layer, upstream: true });
  }
  return out;
}

/** How far back a branch of an elementwise op is followed to where it forks from the other. */
const MAX_BRANCH = 60;
/** Arguments that scale a spatial size: the output is the input times it, or the input divided by it. */
const SCALING_ARGS: { arg: string; times: boolean }[] = [
  { arg: 'scale_factor', times: true },
  { arg: 'stride', times: false },
];

/**
 * PyTorch branches added with different spatial sizes (`p4 = self.lateral(c4) + self.up(p5)`):
 * on each branch, the last layer before the op that changes that axis (an `nn.Upsample`, a strided
 * convolution) is tried with the scale or stride that gives the other branch's size. The proof
 * chooses among them, so that the one layer whose number is wrong is where the error goes.
 */
function branchCandidates(input: ProofInput, r: RawDiagnostic): Candidate[] {
  if (r.code !== 'broadcast-mismatch' || r.layer) return [];
  const op = input.records.find((x) => !x.layer && x.defNode === r.node && x.framework === 'torch' && x.inputs.length === 2);
  const [a, b] = op?.inputs.map((t) => t.shape) ?? [];
  if (!op || !a || !b || a.length !== b.length) return [];
  const axis = a.findIndex((d, k) => k >= 2 && typeof d === 'number' && typeof b[k] === 'number' && d !== b[k] && d !== 1 && b[k] !== 1);
  if (axis < 0) return [];
  const bySeq = new Map(input.records.map((x) => [x.seq, x]));
  const walk = (t: TraceRecord['inputs'][number]) => {
    const ids: number[] = [t.id];
    const records: TraceRecord[] = [];
    for (let step = 0, x = bySeq.get(t.producer); x && x.inputs.length > 0 && step < MAX_BRANCH; step++, x = bySeq.get(x.inputs[0].producer)) {
      records.push(x);
      ids.push(x.inputs[0].id);
    }
    return { ids, records };
  };
  const left = walk(op.inputs[0]);
  const right = walk(op.inputs[1]);
  const fork = left.ids.findIndex((id) => right.ids.includes(id));
  if (fork < 0) return [];
  const branches = [
    { records: left.records.slice(0, fork), target: b[axis] as number },
    { records: right.records.slice(0, right.ids.indexOf(left.ids[fork])), target: a[axis] as number },
  ];
  const out: Candidate[] = [];
  for (const { records, target } of branches) {
    // The changer nearest the op: the layers after it keep the axis, so its output is the branch's size.
    const changer = records.find((x) => {
      const before = x.inputs[0]?.shape?.[axis];
      const after = Array.isArray(x.output) ? x.output[axis] : undefined;
      return before !== after;
    });
    const size = changer?.inputs[0]?.shape?.[axis];
    if (!changer?.layer || typeof size !== 'number' || !input.inText(changer.layer.node)) continue;
    for (const { arg, times } of SCALING_ARGS) {
      const current = changer.layer.bound.values.get(arg);
      if (current === undefined || (typeof current !== 'number' && !(Array.isArray(current) && current.every((v) => v === current[0])))) continue;
      const value = times ? target / size : size / target;
      if (!Number.isInteger(value) || value < 1) continue;
      const chain = argumentChain(changer.layer, arg, input.inText);
      out.push(...[...chain].reverse().map((point) => valueCandidate(point, value, changer.layer!, arg, null, input.part)));
    }
  }
  return out;
}

/** Keras layers that flatten a feature map for a Dense: the flatten first, then global average pooling. */
const FLATTENING = ['Flatten', 'GlobalAveragePooling2D'];

/**
 * A Keras `Dense` applied to a 4-D feature map (a missing `Flatten` or global pooling): Dense acts
 * on the last axis, so the model builds, and the error shows later, where a layer or an assert
 * needs one vector per sample. Tried on the Dense layers the erring layer's input came through (for
 * an error without a layer, such as `assert model.output_shape == (None, 10)`, the first such Dense
 * of the trace): `layers.Flatten()` inserted before it, else `layers.GlobalAveragePooling2D()`, in
 * the Sequential list, the functional call, or `model.add(...)` it is written in.
 */
function flattenCandidates(input: ProofInput, r: RawDiagnostic): Candidate[] {
  const isDenseOnMap = (x: TraceRecord) => x.framework === 'keras' && x.layer?.def.kind === 'Dense' && x.inputs[0]?.shape?.length === 4 && input.inText(x.layer.node);
  let dense: TraceRecord[];
  if (r.layer) {
    const bySeq = new Map(input.records.map((x) => [x.seq, x]));
    const record = input.records.find((x) => x.layer === r.layer);
    dense = [];
    let t = record?.inputs[0];
    for (let step = 0; t && step < STEPS_BACK; step++) {
      const producer = bySeq.get(t.producer);
      if (!producer) break;
      if (isDenseOnMap(producer)) dense.push(producer);
      t = producer.inputs[0];
    }
  } else {
    // The first of the whole file's trace: where other parts hold one, only the whole file knows which.
    if (input.part?.denseOnMapElsewhere) throw new PartProofUnsure();
    dense = input.records.filter(isDenseOnMap).slice(0, 1);
  }
  const out: Candidate[] = [];
  const seen = new Set<SyntaxNode>();
  for (const d of dense.reverse()) {
    const node = d.layer!.node;
    if (seen.has(node)) continue;
    seen.add(node);
    const tries = FLATTENING.flatMap((kind) => {
      const edit = insertLayerBefore(input.text, node, kind);
      return edit ? [{ ...edit, title: `Insert ${edit.layer} before the Dense`, writing: 1 }] : [];
    });
    if (tries.length) out.push({ node, tries, layer: d.layer!, upstream: true });
  }
  return out;
}

/** The edit that puts a Keras layer `kind` (no arguments) before `layer`'s constructor, where it is written. */
function insertLayerBefore(text: string, layer: SyntaxNode, kind: string): { start: number; end: number; text: string; layer: string } | undefined {
  const callee = layer.type === 'call' ? layer.childForFieldName('function') : null;
  if (!callee) return undefined;
  const prefix = callee.text.replace(/\w+$/, '');
  const made = `${prefix}${kind}()`;
  const lineStart = text.lastIndexOf('\n', layer.startIndex - 1) + 1;
  const indent = text.slice(lineStart, layer.startIndex);
  const parent = layer.parent;
  // In a Sequential list: an element of its own before it.
  if (parent?.type === 'list') {
    const ownLine = /^\s*$/.test(indent);
    return { start: layer.startIndex, end: layer.startIndex, text: ownLine ? `${made},\n${indent}` : `${made}, `, layer: made };
  }
  // Functional: `Dense(10)(x)` becomes `Dense(10)(Flatten()(x))`.
  if (parent?.type === 'call' && parent.childForFieldName('function') === layer) {
    const x = firstArgument(parent);
    return x ? { start: x.startIndex, end: x.endIndex, text: `${made}(${x.text})`, layer: made } : undefined;
  }
  // `model.add(Dense(10))`: a statement `model.add(Flatten())` before it.
  const call = parent?.type === 'argument_list' ? parent.parent : null;
  const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
  const statement = call?.parent;
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'add' && statement?.type === 'expression_statement') {
    const at = statement.startIndex;
    const statementIndent = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
    if (!/^\s*$/.test(statementIndent)) return undefined;
    return { start: at, end: at, text: `${fn.text}(${made})\n${statementIndent}`, layer: made };
  }
  return undefined;
}

/** The edit that sets a keyword argument of a call: its value replaced, or the keyword added at the end. */
function setKeyword(call: SyntaxNode, name: string, value: string): { start: number; end: number; text: string } | undefined {
  if (call.type !== 'call') return undefined;
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return undefined;
  for (const a of args.namedChildren) {
    if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) {
      const v = a.childForFieldName('value');
      return v ? { start: v.startIndex, end: v.endIndex, text: value } : undefined;
    }
  }
  const close = args.endIndex - 1;
  const written = args.namedChildren.filter((a) => a.type !== 'comment');
  return { start: close, end: close, text: written.length ? `, ${name}=${value}` : `${name}=${value}` };
}

/** The first positional argument of a call (`x` of `self.fc(x)`). */
function firstArgument(call: SyntaxNode): SyntaxNode | undefined {
  if (call.type !== 'call') return undefined;
  const first = call.childForFieldName('arguments')?.namedChildren.find((a) => a.type !== 'comment');
  return first && first.type !== 'keyword_argument' && first.type !== 'list_splat' && first.type !== 'dictionary_splat' ? first : undefined;
}

function rangeAt(text: string, start: number, end: number): Range {
  const at = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, column: offset - (before.lastIndexOf('\n') + 1) };
  };
  const a = at(start);
  const b = at(end);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

/** The ways to write `value` at a place, preferred first: names in scope, the user's expression (or it with one number changed), the literal. */
function writings(point: BlamePoint, value: number, flattenedFrom: Shape, part: PartContext | undefined): [number, string][] {
  const out: [number, string][] = [];
  for (const name of namesHolding(point.scope, value, point.node.text.trim(), part)) out.push([0, name]);
  const expression = fixText(point.node.text, value, flattenedFrom);
  if (expression !== String(value)) out.push([1, expression]);
  const changed = point.scope && point.node.type === 'binary_operator' ? oneNumberChanged(point.node, value, point.scope) : undefined;
  if (changed !== undefined && changed !== expression) out.push([1, changed]);
  out.push([2, String(value)]);
  return out;
}

/** Names visible from a scope that hold `value` (locals, then `self.` attributes, then enclosing and module names), at most three. */
function namesHolding(scope: Scope | null, value: number, current: string, part: PartContext | undefined): string[] {
  const out: string[] = [];
  const holds = (v: Value | undefined) => v?.t === 'int' && v.v === value;
  const add = (name: string) => {
    if (name !== current && !out.includes(name) && out.length < 3) out.push(name);
  };
  // A part's module scope lacks the other parts' names: where one of them holds the value, the
  // whole file's scope would offer it (in its own order).
  const module = (s: Scope) => {
    if (s !== part?.moduleScope || out.length >= 3) return;
    for (const [name, v] of part.otherInts) if ((v === value || v === undefined) && name !== current && !s.vars.has(name) && /^[A-Za-z_]\w*$/.test(name)) throw new PartProofUnsure();
  };
  if (!scope) return out;
  module(scope);
  for (const [name, v] of scope.vars) if (holds(v) && /^[A-Za-z_]\w*$/.test(name)) add(name);
  const self = scope.vars.get('self');
  if (self?.t === 'object') for (const [attr, v] of self.attrs) if (holds(v) && /^[A-Za-z_]\w*$/.test(attr)) add(`self.${attr}`);
  for (let s = scope.parent; s; s = s.parent) {
    if (s.kind === 'class') continue;
    module(s);
    for (const [name, v] of s.vars) if (holds(v) && /^[A-Za-z_]\w*$/.test(name)) add(name);
  }
  return out;
}

function judge(input: ProofInput, i: number, c: Candidate, t: Try, pointIndex: number, after: AnalysisResult, errorKeys: string[]): Trial | undefined {
  const afterErrors = after.diagnostics.filter((x) => x.severity === 'error');
  // No error that was not there before, and fewer of each kind.
  const before = new Map<string, number[]>();
  errorKeys.forEach((k, j) => {
    if (k) before.set(k, [...(before.get(k) ?? []), j]);
  });
  const left = new Map<string, number>();
  for (const e of afterErrors) {
    const k = keyOf(e);
    const n = (left.get(k) ?? 0) + 1;
    if (n > (before.get(k)?.length ?? 0)) return undefined;
    // An error left in place must be one of before, not the same rule failing there on other sizes
    // (a stride fixed for one call of a block and broken for another).
    if (!before.get(k)!.some((j) => input.diagnostics[j]?.message === e.message)) return undefined;
    left.set(k, n);
  }
  // That error is gone.
  if (left.has(errorKeys[i])) return undefined;
  // The argument is still a known number wherever that layer is built.
  // Where the layer's constructor is in the edited text (an inserted line moves it down).
  const layerNode = c.layer.node;
  const layerKey = t.end <= layerNode.startIndex && t.text.length !== t.end - t.start ? positionKey(input.text.slice(0, t.start) + t.text + input.text.slice(t.end, layerNode.startIndex)) : `${layerNode.startPosition.row}:${layerNode.startPosition.column}`;
  const rebuilt = after.models.flatMap((m) => m.layers).filter((l) => l.module && l.path === undefined && `${l.range.line}:${l.range.column}` === layerKey);
  if (rebuilt.length === 0) return undefined;
  if (c.arg !== undefined ? !rebuilt.every((l) => known(l.args?.[c.arg!])) : !rebuilt.every((l) => l.input.every((shape) => shape !== null && shape.slice(1).every((d) => d !== null)))) return undefined;
  // The errors of before that are gone, the earliest ones of each kind kept as remaining.
  const gone = new Set<number>();
  for (const [k, js] of before) {
    const kept = left.get(k) ?? 0;
    js.slice(kept).forEach((j) => gone.add(j));
  }
  return { candidate: c, try: t, pointIndex, remaining: afterErrors.length, disturbance: disturbance(input.models, after.models, input.raw, gone), gone };
}

/** The row and column just after `before` (the text that precedes a node). */
function positionKey(before: string): string {
  const row = before.split('\n').length - 1;
  return `${row}:${before.length - (before.lastIndexOf('\n') + 1)}`;
}

function known(a: ArgValue | undefined): boolean {
  if (a === undefined || a === null || a instanceof UnknownArg) return false;
  if (typeof a === 'number') return true;
  if (Array.isArray(a)) return a.every((x) => typeof x === 'number');
  return false;
}

/** How many layers other than the erring ones change their output shape or parameter count. */
function disturbance(before: ModelResult[], after: ModelResult[], raw: RawDiagnostic[], gone: Set<number>): number {
  const erring = new Set<string>();
  for (const j of gone) {
    const n = raw[j]?.layer?.node;
    if (n) erring.add(`${n.startPosition.row}:${n.startPosition.column}`);
  }
  let count = 0;
  before.forEach((m, k) => {
    const a = after[k];
    if (!a || a.name !== m.name) {
      count += m.layers.length;
      return;
    }
    count += Math.abs(a.layers.length - m.layers.length);
    for (let i = 0; i < Math.min(a.layers.length, m.layers.length); i++) {
      const x = m.layers[i];
      const y = a.layers[i];
      if (x.module && erring.has(`${x.range.line}:${x.range.column}`)) continue;
      const shape = JSON.stringify(outputJson(x.output));
      if (shape.includes('null')) continue;
      if (shape !== JSON.stringify(outputJson(y.output)) || (x.params ?? null) !== (y.params ?? null)) count++;
    }
  });
  return count;
}

function outputJson(o: ModelResult['output']): unknown {
  if (o === null) return null;
  if (Array.isArray(o)) return o.map((d) => (typeof d === 'number' ? d : d === null ? null : String(d)));
  return (o as { items: ModelResult['output'][] }).items.map(outputJson);
}

function keyOf(d: ShapeDiagnostic): string {
  return `${d.path ?? ''}:${d.code}@${d.range.line}`;
}

function sameRange(a: { line: number; column: number; endLine: number; endColumn: number }, b: { line: number; column: number; endLine: number; endColumn: number }): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}
