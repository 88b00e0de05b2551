// Every argument of every Keras layer the converter supports is accounted for: given a value that
// is not its default, it changes the converted code (mapped), or a warning names it (reported), or
// it is one of the arguments that change nothing the converted module computes (inert). The rows
// are test/convert/argument-rows.ts; `npm run verify:convert -- --arguments` runs the same rows in
// TensorFlow.js and real PyTorch and compares the outputs.

import { describe, expect, it } from 'vitest';
import { convertFile } from '../../server/src/convert/pytorch';
import { kerasSignature, signatureKinds } from '../../server/src/convert/keras-arguments';
import { exampleValue, KIND_ROWS, rowModel } from './argument-rows';

describe('the argument table covers every converted layer', () => {
  it('every Keras layer with a signature has a row, and every row a signature', () => {
    const rows = KIND_ROWS.map((r) => r.kind).sort();
    expect(rows).toEqual(signatureKinds().filter((k) => k !== 'InputLayer'));
  });
});

describe('every argument is mapped, reported or inert', () => {
  for (const row of KIND_ROWS) {
    it(row.kind, () => {
      const base = convertFile(rowModel(row, null));
      if (row.todo) expect(base.warnings.length).toBeGreaterThan(0);
      else expect(base.warnings, base.code).toEqual([]);
      const failures: string[] = [];
      for (const [arg, spec] of Object.entries(kerasSignature(row.kind)!)) {
        const value = exampleValue(row, arg);
        if (value === undefined) {
          failures.push(`${arg}: no example value`);
          continue;
        }
        const converted = convertFile(rowModel(row, [arg, value]));
        const named = converted.warnings.some((w) => w.includes(arg));
        const changed = converted.code !== base.code;
        if (converted.models.length === 0) failures.push(`${arg}=${value}: no model (${converted.warnings.join('; ')})`);
        else if (spec.use === 'mapped' && row.noEffect?.includes(arg)) {
          if (named && !row.todo) failures.push(`${arg}=${value}: has no effect here, yet it is reported`);
        } else if (spec.use === 'mapped') {
          if (!changed && !named) failures.push(`${arg}=${value}: mapped, yet the code is the same and no warning names it`);
        } else if (spec.use === 'inert') {
          if (converted.warnings.some((w) => w.includes(`${arg}=`))) failures.push(`${arg}=${value}: inert, yet reported: ${converted.warnings.join('; ')}`);
        } else if (!named) failures.push(`${arg}=${value}: ${spec.use}, yet no warning names it`);
      }
      expect(failures).toEqual([]);
    });
  }
});
