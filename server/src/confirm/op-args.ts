// An operation's arguments read from its call text (`x.view(4, 16 * 5 * 5)`, `torch.cat([a, b],
// dim=1)`), bound to PyTorch's parameter names: the engine records an operation's input shapes,
// not its arguments, and both the confirmation and the PyTorch-to-Keras converter need them.
// Constants only (call-args.ts); anything else is NOT_CONSTANT and the caller decides.

import type { LayerRecord } from '../analysis/result';
import { NOT_CONSTANT, parseCall, type ParsedValue } from './call-args';
import { OP_SIGNATURES, VARARG_OPS } from './torch-ops';

/** Callees in function form (`torch.cat`, `F.relu`, a bare name), whose first argument is the tensor. */
const FUNCTION_FORM = /^(torch|F|nn\.functional|torch\.nn\.functional|functional)\.\w+$|^\w+$/;

/** The record's source text, over several lines where the call spans them. */
export function recordText(record: LayerRecord, lines: readonly string[]): string {
  const r = record.range;
  if (r.line === r.endLine) return lines[r.line]?.slice(r.column, r.endColumn) ?? '';
  return [lines[r.line]?.slice(r.column) ?? '', ...lines.slice(r.line + 1, r.endLine), lines[r.endLine]?.slice(0, r.endColumn) ?? ''].join('\n');
}

/** The arguments of an operation record; `dims` collects the sizes of view/reshape/permute-like calls. */
export function operationArgs(record: LayerRecord, lines: readonly string[]): Record<string, ParsedValue> {
  const call = parseCall(recordText(record, lines));
  if (!call) return {};
  const positional: ParsedValue[] = FUNCTION_FORM.test(call.callee) ? call.positional.slice(1) : call.positional;
  const kind = record.kind.replace(/_$/, '');
  const out: Record<string, ParsedValue> = {};
  if (VARARG_OPS.has(kind)) {
    const dims: ParsedValue = positional.length === 1 && (Array.isArray(positional[0]) || positional[0] === NOT_CONSTANT) ? positional[0] : positional.includes(NOT_CONSTANT) ? NOT_CONSTANT : (positional as ParsedValue);
    out.dims = call.keywords.shape ?? call.keywords.dims ?? call.keywords.size ?? dims;
    return out;
  }
  const signature = OP_SIGNATURES[kind] ?? (kind === 'leaky_relu' ? ['negative_slope'] : []);
  signature.forEach((name, i) => {
    if (i < positional.length) out[name] = positional[i];
  });
  for (const [k, v] of Object.entries(call.keywords)) out[k === 'axis' ? 'dim' : k] = v;
  return out;
}
