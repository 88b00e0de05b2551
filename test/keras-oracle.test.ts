// The Keras fixtures, built again in tfjs-layers (CPU) with server/src/confirm/tfjs-build.ts: for
// every layer tfjs can express, the engine's output shape and parameter count must equal tfjs's,
// and where a fixture expects a size, rank, concatenation or broadcast error, tfjs must refuse that
// same layer (or give it a zero-size axis). A last test keeps the fixtures covering every Keras
// layer kind of the engine that tfjs-layers has.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../server/src/analysis/analyze';
import type { AnalysisResult, ModelResult } from '../server/src/analysis/result';
import { buildTfjs, compareWithEngine, concreteShape, hasTfjsEquivalent, TFJS_FAULTS, TFJS_MAPPINGS, type LayerVerdict } from '../server/src/confirm/tfjs-build';
import { allLayers } from '../server/src/shapes/registry';
import { TupleOut, type Output } from '../server/src/shapes/types';
import { readExpectations } from './helpers/fixtures';

const fixtureDir = join(__dirname, 'fixtures', 'keras');
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.py')).sort();

/** Engine Keras kinds that tfjs-layers 4.x has no layer for; every other Keras kind must have a mapping. */
const NO_TFJS_EQUIVALENT = new Set([
  'ConvLSTM1D',
  'ConvLSTM3D',
  'Conv1DTranspose',
  'SeparableConv1D',
  'DepthwiseConv1D',
  'GlobalMaxPooling3D',
  'GlobalAveragePooling3D',
  'GroupNormalization',
  'InstanceNormalization',
  'UnitNormalization',
  'Identity',
  'SpatialDropout2D',
  'SpatialDropout3D',
  'ActivityRegularization',
  'UpSampling1D',
  'UpSampling3D',
  'ZeroPadding1D',
  'ZeroPadding3D',
  'Cropping1D',
  'Cropping3D',
  'Subtract',
  'MultiHeadAttention',
  'Attention',
  'AdditiveAttention',
  'RandomFlip',
  'RandomRotation',
  'RandomZoom',
  'RandomTranslation',
  'RandomContrast',
  'RandomBrightness',
  'RandomCrop',
  'Normalization',
  'TextVectorization',
  'Hashing',
  'StringLookup',
  'IntegerLookup',
  'Discretization',
]);

/** The rule codes whose layer tfjs must refuse too. */
const REFUSED_CODES = new Set(['nonpositive-size', 'rank-mismatch', 'cat-mismatch', 'broadcast-mismatch']);

interface Analysed {
  file: string;
  text: string;
  result: AnalysisResult;
}

function analyseFixture(file: string): Analysed {
  const text = readFileSync(join(fixtureDir, file), 'utf8');
  const input = /^# flag-input:\s*(.+)$/m.exec(text)?.[1];
  return { file, text, result: analyze(text, { input }) };
}

function isConcrete(model: ModelResult): boolean {
  return model.input.length > 0 && model.input.every((s) => concreteShape(s) !== null);
}

function hasZeroSize(o: Output): boolean {
  if (o instanceof TupleOut) return o.items.some(hasZeroSize);
  return o !== null && o.some((d) => typeof d === 'number' && d <= 0);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Keras fixtures against tfjs-layers', () => {
  for (const file of fixtures) {
    it(file, () => {
      const { text, result } = analyseFixture(file);
      const errorLines = new Map(readExpectations(text).filter((e) => e.kind === 'error' && REFUSED_CODES.has(e.value)).map((e) => [e.line, e.value]));
      const models = result.models.filter((m) => m.framework === 'keras' && isConcrete(m));
      if (models.length === 0) return;
      const mismatches: string[] = [];
      const unmatchedErrors = new Map(errorLines);
      // An error reported where the mistake is made (a recurrent layer's return_sequences, the one
      // layer that made two merged branches differ) is met where tfjs refuses the layer it names in
      // its related information; the layer on its own line builds.
      const elsewhere = new Map<number, Set<number>>();
      for (const d of result.diagnostics) {
        if (errorLines.has(d.range.line)) elsewhere.set(d.range.line, new Set(d.related.filter((r) => r.path === undefined && r.range.line !== d.range.line).map((r) => r.range.line)));
      }
      const verdicts = models.map((model) => ({ model, built: buildTfjs(tf, model) }));
      const refusedLines = new Set<number>();
      // A layer tfjs cannot express cannot show the error it would raise.
      const unconfirmableLines = new Set<number>();
      for (const { model, built } of verdicts) model.layers.forEach((record, i) => {
        const verdict = built.layers[i];
        // Refused, or built with a zero-size axis (a pooling of a 1x1 map), as the per-layer check below counts it.
        if (verdict.status === 'refused' || (verdict.status === 'built' && hasZeroSize(verdict.output))) refusedLines.add(record.range.line).add(record.callRange.line);
        if (built.layers[i].status === 'unconfirmable') unconfirmableLines.add(record.range.line);
      });
      const metElsewhere = new Set<number>();
      const movedFrom = new Set<number>();
      for (const [line, lines] of elsewhere) {
        if (refusedLines.has(line) || ![...lines].some((l) => refusedLines.has(l) || unconfirmableLines.has(l))) continue;
        unmatchedErrors.delete(line);
        metElsewhere.add(line);
        for (const l of lines) movedFrom.add(l);
      }
      for (const { model, built } of verdicts) {
        model.layers.forEach((record, i) => {
          const verdict: LayerVerdict = built.layers[i];
          const where = `${model.name} line ${record.callRange.line + 1} (${record.kind})`;
          const expectedLine = [record.range.line, record.callRange.line].find((l) => errorLines.has(l) && !metElsewhere.has(l));
          const expected = expectedLine === undefined ? undefined : errorLines.get(expectedLine);
          if (expected) {
            const refused = verdict.status === 'refused' || (verdict.status === 'built' && hasZeroSize(verdict.output));
            if (refused) {
              unmatchedErrors.delete(record.range.line);
              unmatchedErrors.delete(record.callRange.line);
            } else if (verdict.status === 'built') mismatches.push(`${where}: the engine reports [${expected}], tfjs builds it as ${JSON.stringify(verdict.output)}`);
            return;
          }
          if (verdict.status === 'refused' && (movedFrom.has(record.range.line) || movedFrom.has(record.callRange.line))) return;
          if (verdict.status === 'refused') mismatches.push(`${where}: tfjs refuses a layer the engine accepts: ${verdict.message}`);
          const problem = compareWithEngine(record, verdict);
          if (problem) mismatches.push(`${where}: ${problem}`);
        });
      }
      for (const [line, code] of unmatchedErrors) mismatches.push(`line ${line + 1}: the engine expects [${code}] but tfjs did not refuse any layer there`);
      expect(mismatches).toEqual([]);
    });
  }

  it("the article's symbolic model, with H = W = 28 and C = 1, agrees with tfjs", () => {
    const { result } = analyseFixture('article_cnn_symbolic.py');
    const model = result.models[0];
    expect(model.inputSource).toBe('symbolic');
    const symbols = { H: 28, W: 28, C: 1 };
    const built = buildTfjs(tf, model, { symbols });
    expect(built.inputs).toEqual([[null, 28, 28, 1]]);
    expect(built.layers.every((v) => v.status === 'built')).toBe(true);
    expect(model.layers.map((r, i) => compareWithEngine(r, built.layers[i], symbols)).filter((p) => p !== null)).toEqual([]);
    const last = built.layers[built.layers.length - 1];
    expect(last.status === 'built' && last.params).toBe(2950);
  });

  it('a symbolic input without values is unconfirmable, not an error', () => {
    const { result } = analyseFixture('article_cnn_symbolic.py');
    const built = buildTfjs(tf, result.models[0]);
    expect(built.inputs).toBeNull();
    expect(built.layers.every((v) => v.status === 'unconfirmable')).toBe(true);
  });

  it('an argument tfjs lacks makes the layer unconfirmable, and later layers are still checked', () => {
    const text = ['from tensorflow import keras', 'from tensorflow.keras import layers', 'inputs = keras.Input(shape=(8, 8, 4))', 'x = layers.Conv2D(8, 3, groups=2)(inputs)', 'x = layers.Flatten()(x)', 'model = keras.Model(inputs, x)'].join('\n');
    const model = analyze(text).models[0];
    const built = buildTfjs(tf, model);
    expect(built.layers[0]).toMatchObject({ status: 'unconfirmable', reason: 'tfjs-layers has no Conv2D(groups=2)' });
    expect(built.layers[1]).toMatchObject({ status: 'built', output: [null, 288], detached: true });
  });
});

describe('oracle coverage', () => {
  const kerasKinds = [...new Set(allLayers.filter((d) => d.framework === 'keras').map((d) => d.kind))];

  it('every Keras layer kind of the engine is mapped to tfjs, listed as absent from tfjs, or a known tfjs fault', () => {
    const undecided = kerasKinds.filter((k) => [hasTfjsEquivalent('keras', k), NO_TFJS_EQUIVALENT.has(k), `keras.${k}` in TFJS_FAULTS].filter(Boolean).length !== 1);
    expect(undecided).toEqual([]);
    const stale = Object.keys(TFJS_MAPPINGS).filter((key) => key.startsWith('keras.') && !kerasKinds.includes(key.slice('keras.'.length)));
    expect(stale).toEqual([]);
  });

  it('every Keras layer kind that tfjs has is confirmed by some fixture', () => {
    const confirmedKinds = new Set<string>();
    for (const file of fixtures) {
      const { result } = analyseFixture(file);
      for (const model of result.models.filter(isConcrete)) {
        const built = buildTfjs(tf, model);
        model.layers.forEach((r, i) => {
          if (built.layers[i].status === 'built' && !compareWithEngine(r, built.layers[i])) confirmedKinds.add(r.kind);
        });
      }
    }
    const missing = kerasKinds.filter((k) => hasTfjsEquivalent('keras', k) && !confirmedKinds.has(k));
    expect(missing).toEqual([]);
  });
});
