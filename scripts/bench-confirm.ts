// Confirmation time of the article's models (examples/article_torch.py, examples/article_keras.py)
// on each TensorFlow.js backend available here: one warm-up pass, then the median of five. A
// backend that cannot start is listed with its reason. Called from scripts/bench.ts as
// `await benchConfirm()` (it prints its own table and returns the rows).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BACKEND_NAMES, selectBackend } from '../server/src/confirm/backends';
import { confirmText } from '../server/src/confirm/confirm';

export interface ConfirmBenchRow {
  model: string;
  backend: string;
  device: string;
  /** Median milliseconds of the forward pass and comparison; null when the backend is unavailable. */
  ms: number | null;
  note?: string;
}

const ARTICLE_MODELS = ['article_torch.py', 'article_keras.py'];

export async function benchConfirm(runs = 5): Promise<ConfirmBenchRow[]> {
  const root = resolve(__dirname, '..');
  const rows: ConfirmBenchRow[] = [];
  const log = console.log;
  for (const backend of BACKEND_NAMES) {
    console.log = () => undefined;
    let choice;
    try {
      choice = await selectBackend(backend);
    } catch (e) {
      console.log = log;
      rows.push({ model: '-', backend, device: '-', ms: null, note: e instanceof Error ? e.message : String(e) });
      continue;
    }
    for (const file of ARTICLE_MODELS) {
      const text = readFileSync(join(root, 'examples', file), 'utf8');
      await confirmText(choice, text);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push((await confirmText(choice, text))[0]?.ms ?? NaN);
      times.sort((a, b) => a - b);
      rows.push({ model: file, backend: choice.backend, device: choice.device, ms: times[Math.floor(times.length / 2)] });
    }
    console.log = log;
  }
  console.log('\nconfirmation of the article models (median of 5 forward passes)');
  for (const r of rows) console.log(`  ${r.backend.padEnd(10)} ${r.model.padEnd(18)} ${r.ms === null ? `unavailable: ${r.note}` : `${r.ms.toFixed(1)} ms  (${r.device})`}`);
  return rows;
}
