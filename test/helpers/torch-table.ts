// The shared shape of the PyTorch table tests: rows of layer, arguments, inputs and what real
// PyTorch gave (output and parameter count), and rows PyTorch refuses with the rule code,
// underlined argument and fix value the engine must report.

import { expect, it } from 'vitest';
import { formatOutput } from '../../server/src/shapes/shape';
import type { ArgValue, Shape } from '../../server/src/shapes/types';
import { layer } from './rules';

export type TorchRow = [string, ArgValue[], Record<string, ArgValue>, Shape[], string, number];
export type RefusedRow = [string, ArgValue[], Record<string, ArgValue>, Shape[], string, string | null, number | null];

/** Declares one test per row: `torch.nn.<kind>` must give PyTorch's output and parameters, or refuse as PyTorch does. */
export function torchTableTests(rows: TorchRow[], refused: RefusedRow[]): void {
  it.each(rows)('%s(%j, %j) on %j', (kind, args, kwargs, inputs, output, params) => {
    const r = layer(`torch.nn.${kind}`, args, kwargs, inputs);
    expect(r.errors).toEqual([]);
    expect(formatOutput(r.output)).toBe(output);
    expect(r.params).toBe(params);
  });

  it.each(refused)('%s(%j, %j) refuses %j', (kind, args, kwargs, inputs, code, arg, fix) => {
    const r = layer(`torch.nn.${kind}`, args, kwargs, inputs);
    expect(r.errors.map((e) => e.code)).toEqual([code]);
    expect(r.errors[0].arg ?? null).toBe(arg);
    expect(r.errors[0].fix?.value ?? null).toBe(fix);
  });
}
