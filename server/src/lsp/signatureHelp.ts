// Signature help for the layers of both frameworks, from the same catalog the rules use
// (shapes/registry.ts LayerDefs): the parameters with their real defaults, the one being typed
// highlighted, and a line on what it does to the shape, with the number from this file's analysis
// where the layer ran ("stride: output = (H + 2·padding − dilation·(kernel − 1) − 1) // stride + 1 = 14 here").
// Reads the call from the text (calls.ts), so half-typed code works; never throws.

import { MarkupKind, type ParameterInformation, type Position, type SignatureHelp, type SignatureHelpOptions } from 'vscode-languageserver';
import type { AnalysisResult, LayerRecord } from '../analysis/result';
import { dimToString, isKnown } from '../shapes/dim';
import { formatOutput, formatShape } from '../shapes/shape';
import { LayerArg, ReferenceArg, TensorArg, UnknownArg, type ArgValue, type LayerDef, type Param } from '../shapes/types';
import { activeParam, callAt, layerFor } from './calls';

export const SIGNATURE_TRIGGERS: SignatureHelpOptions = { triggerCharacters: ['(', ','], retriggerCharacters: [',', '='] };

/** How a default reads in Python: `1`, `'zeros'`, `True`, `None`, `(1, 1)`. */
function pythonValue(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${pythonValue(v[0])},)` : `(${v.map(pythonValue).join(', ')})`;
  if (v instanceof ReferenceArg) return v.name;
  if (v instanceof UnknownArg || v instanceof TensorArg || v instanceof LayerArg) return '…';
  return dimToString(v);
}

function paramLabel(p: Param): string {
  if (p.varargs) return `*${p.name}`;
  if (p.varkw) return `**${p.name}`;
  return p.default === undefined ? p.name : `${p.name}=${pythonValue(p.default)}`;
}

/** What a parameter does to the shape, in general words (PyTorch and Keras spellings). */
const SHAPE_EFFECTS: Record<string, string> = {
  in_channels: "must equal the input's channels (axis 1)",
  out_channels: "the output's channels (axis 1)",
  filters: "the output's channels (the last axis, channels_last)",
  kernel_size: 'output = (H + 2·padding − dilation·(kernel − 1) − 1) // stride + 1',
  stride: 'output = (H + 2·padding − dilation·(kernel − 1) − 1) // stride + 1',
  strides: "output = ceil(H / stride) with 'same', ceil((H − kernel + 1) / stride) with 'valid'",
  padding: 'output = (H + 2·padding − dilation·(kernel − 1) − 1) // stride + 1',
  dilation: 'output = (H + 2·padding − dilation·(kernel − 1) − 1) // stride + 1',
  dilation_rate: 'the kernel spans dilation·(kernel − 1) + 1 input positions',
  output_padding: 'added to one side of a transposed convolution\'s output: (H − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1',
  groups: 'splits the channels into groups; must divide in_channels and out_channels (a weight per group: out·in/groups·kernel)',
  in_features: "must equal the input's last axis",
  in1_features: "must equal the first input's last axis",
  in2_features: "must equal the second input's last axis",
  out_features: "the output's last axis",
  units: "the output's last axis",
  num_features: "must equal the input's channels (axis 1)",
  num_channels: "must equal the input's channels (axis 1), and be divisible by num_groups",
  num_groups: 'must divide num_channels',
  normalized_shape: "must equal the input's last axes",
  input_size: "must equal the input's last axis (features per step)",
  hidden_size: "the output's last axis (times 2 when bidirectional)",
  num_layers: 'the first axis of h_n and c_n (times 2 when bidirectional)',
  bidirectional: "doubles the output's last axis",
  batch_first: 'the input and output are (N, L, H) when True, (L, N, H) when False',
  embed_dim: "must equal the query's last axis; the output keeps it",
  num_heads: 'must divide embed_dim',
  num_embeddings: 'the rows of the table: every index must be below it',
  embedding_dim: 'a new last axis of that size',
  start_dim: 'the first axis folded into one',
  end_dim: 'the last axis folded into one',
  target_shape: 'the output per sample: its product must equal the input\'s elements per sample',
  pool_size: 'output = (H − pool) // stride + 1 (valid)',
  scale_factor: 'each spatial axis multiplied',
  size: 'the output\'s spatial size',
  return_sequences: 'keeps the time axis: (batch, steps, units), else (batch, units)',
  ceil_mode: 'rounds the output size up instead of down',
};

/** The layer's record in this file's analysis at the call starting at `start`. */
function recordAt(result: AnalysisResult | undefined, line: number, column: number): LayerRecord | undefined {
  for (const model of result?.models ?? []) {
    for (const layer of model.layers) if (layer.module && layer.path === undefined && layer.range.line === line && layer.range.column === column) return layer;
  }
  return undefined;
}

/** The number this parameter stands for in the analysed run, as a phrase, or ''. */
function here(param: string, layer: LayerRecord | undefined): string {
  if (!layer) return '';
  const input = layer.input[0] ?? null;
  const last = input && input.length > 0 ? input[input.length - 1] : null;
  const channels = input && input.length > 1 ? input[1] : null;
  if (['in_features', 'in1_features', 'input_size', 'embed_dim', 'normalized_shape'].includes(param) && isKnown(last)) return ` = ${last} here (input ${formatShape(input)})`;
  if (['in_channels', 'num_features', 'num_channels'].includes(param) && isKnown(channels)) return ` = ${channels} here (input ${formatShape(input)})`;
  if (['kernel_size', 'stride', 'padding', 'dilation', 'strides', 'pool_size', 'output_padding'].includes(param) && layer.notes.length > 0) return ` = ${layer.notes[0].replace(/^.*= /, '')} here (${layer.notes[0]})`;
  if (['out_channels', 'out_features', 'units', 'filters', 'hidden_size', 'embedding_dim', 'target_shape'].includes(param)) return ` (output ${formatOutput(layer.output)} here)`;
  return '';
}

/** Signature help at a position of the analysed text; null outside a layer's call. */
export function signatureHelpAt(text: string, position: Position, result?: AnalysisResult): SignatureHelp | null {
  try {
    return signatureHelpOrThrow(text, position, result);
  } catch {
    return null;
  }
}

function signatureHelpOrThrow(text: string, position: Position, result?: AnalysisResult): SignatureHelp | null {
  const lines = text.split('\n');
  if (position.line >= lines.length) return null;
  const offset = lines.slice(0, position.line).reduce((n, l) => n + l.length + 1, 0) + Math.min(position.character, lines[position.line].length);
  const call = callAt(text, offset);
  if (!call) return null;
  const def: LayerDef | undefined = layerFor(call.callee, text);
  if (!def) return null;
  const shown = def.params.filter((p) => !(def.framework === 'torch' && (p.name === 'device' || p.name === 'dtype')));
  const name = call.callee.slice(call.callee.lastIndexOf('.') + 1);
  let label = `${name}(`;
  const parameters: ParameterInformation[] = [];
  const before = text.slice(0, call.calleeStart);
  const start = { line: before.split('\n').length - 1, column: call.calleeStart - (before.lastIndexOf('\n') + 1) };
  const layer = recordAt(result, start.line, start.column);
  shown.forEach((p, i) => {
    if (i > 0) label += ', ';
    const from = label.length;
    label += paramLabel(p);
    const effect = SHAPE_EFFECTS[p.name];
    parameters.push({ label: [from, label.length], ...(effect ? { documentation: { kind: MarkupKind.Markdown, value: `\`${p.name}\`: ${effect}${here(p.name, layer)}` } } : {}) });
  });
  label += ')';
  const active = activeParam(def, call);
  const activeIndex = active ? shown.indexOf(active) : -1;
  const framework = def.framework === 'torch' ? 'PyTorch' : 'Keras';
  const documentation = layer ? `${framework} ${def.kind}: input ${layer.input.map((s) => formatShape(s)).join(', ')} → output ${formatOutput(layer.output)} here` : `${framework} ${def.kind}`;
  return {
    signatures: [{ label, documentation: { kind: MarkupKind.Markdown, value: documentation }, parameters, ...(activeIndex >= 0 ? { activeParameter: activeIndex } : {}) }],
    activeSignature: 0,
    ...(activeIndex >= 0 ? { activeParameter: activeIndex } : {}),
  };
}
