// The TensorFlow.js confirmation (server/src/confirm) on the CPU backend: every PyTorch and Keras
// fixture is run forward and each layer must be confirmed, or not confirmable for a named reason
// (listed below per fixture when a whole fixture cannot be confirmed); where a fixture expects a
// shape error, tfjs must fail at that same layer. Then a layer tfjs lacks, the memory limit,
// backend selection with backends taken away, and the worker thread with cancellation.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailable, defaultLoaders, selectBackend, type BackendLoaders } from '../../server/src/confirm/backends';
import { confirmText, type BackendInfo, type ModelConfirmation } from '../../server/src/confirm/confirm';
import { formatReportText } from '../../server/src/confirm/report';
import { ConfirmCancelled, confirmFiles, confirmInWorker } from '../../server/src/confirm/worker';
import { readExpectations } from '../helpers/fixtures';
import { analyze } from '../../server/src/analysis/analyze';

const cpu: BackendInfo = { tf, backend: 'cpu', device: 'CPU (JavaScript)' };

/** Keras error codes whose layer tfjs-layers refuses (a Dense or Conv2D builds its weights from the input, so a wrong size there is no error in tfjs). */
const KERAS_REFUSED_CODES = new Set(['nonpositive-size', 'rank-mismatch', 'cat-mismatch', 'broadcast-mismatch', 'reshape-size']);

/**
 * Expected errors marked on another line than the layer that fails, by `fixture:line`: the line
 * where tfjs fails. (The error is on a block's arguments; tfjs fails at the layer inside the block.)
 */
const FAILS_ELSEWHERE: Record<string, number> = {
  'err_block_used_twice.py:20': 9,
  // A recurrent layer's return_sequences is blamed for the failure of the layer it feeds.
  'err_return_sequences.py:8': 9,
  'err_return_sequences.py:15': 16,
  'err_return_sequences.py:23': 25,
  // A merge of mismatched branches is blamed on the one layer that made them differ.
  'err_broadcast_mismatch.py:7': 8,
  'err_cat_mismatch.py:8': 9,
  'err_subclassed_merge.py:13': 14,
  // In a subclassed model, at the call that joins the branches; tfjs fails at the merge layer's constructor.
  'err_subclassed_merge.py:47': 42,
};

interface Fixture {
  file: string;
  framework: 'torch' | 'keras';
  text: string;
}

function fixtures(framework: 'torch' | 'keras'): Fixture[] {
  const dir = join(__dirname, '..', 'fixtures', framework);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((file) => ({ file, framework, text: readFileSync(join(dir, file), 'utf8') }));
}

async function confirmFixture(f: Fixture): Promise<ModelConfirmation[]> {
  const input = /^# flag-input:\s*(.+)$/m.exec(f.text)?.[1];
  return confirmText(cpu, f.text, { input });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Expected errors that tfjs cannot show because their layer is not confirmable: printed after the fixtures. */
const skipped: string[] = [];

describe('fixtures confirmed layer by layer (cpu backend)', () => {
  afterAll(() => {
    if (skipped.length) console.info(`expected errors on layers tfjs cannot run (skipped):\n  ${skipped.join('\n  ')}`);
  });

  for (const f of [...fixtures('torch'), ...fixtures('keras')]) {
    it(`${f.framework}/${f.file}`, async () => {
      const models = await confirmFixture(f);
      const expected = readExpectations(f.text).filter((e) => e.kind === 'error' && e.value !== 'shape-assert' && (f.framework === 'torch' || KERAS_REFUSED_CODES.has(e.value)));
      // An error is underlined where the wrong value enters (a block's argument); tfjs fails at the
      // layer, which the error's related information names.
      const diagnostics = analyze(f.text, { input: /^# flag-input:\s*(.+)$/m.exec(f.text)?.[1] }).diagnostics;
      const linesOf = expected.map((e) => {
        const lines = new Set([FAILS_ELSEWHERE[`${f.file}:${e.line + 1}`] ?? e.line + 1]);
        for (const d of diagnostics) if (d.range.line === e.line) for (const r of d.related) if (r.path === undefined) lines.add(r.range.line + 1);
        return lines;
      });
      const errorLines = new Set(linesOf.flatMap((s) => [...s]));
      const problems: string[] = [];
      const failedLines = new Set<number>();
      const unconfirmableLines = new Map<number, string>();
      for (const m of models) {
        for (const l of m.layers) {
          if (l.status === 'unconfirmable') unconfirmableLines.set(l.line, `${l.kind}: ${l.reason}`);
          const where = `${m.name} line ${l.line} ${l.kind}`;
          if (l.status === 'different') problems.push(`${where}: predicted ${JSON.stringify(l.predicted)}, tfjs ${JSON.stringify(l.actual)}`);
          if (l.status === 'failed') {
            failedLines.add(l.line);
            if (!errorLines.has(l.line)) problems.push(`${where}: tfjs failed where no error is expected: ${l.message}`);
          }
          if (l.status === 'unconfirmable') expect(l.reason, where).toBeTruthy();
        }
      }
      // A layer applied on another line than its constructor (a Sequential) fails on its constructor's line, which the fixture marks.
      for (const lines of linesOf) {
        const line = [...lines][0];
        // A layer tfjs cannot express cannot show its error: skipped, with the reason.
        const unconfirmable = [...lines].find((l) => unconfirmableLines.has(l));
        if ([...lines].some((l) => failedLines.has(l))) continue;
        if (unconfirmable !== undefined) skipped.push(`${f.framework}/${f.file}:${unconfirmable}: ${unconfirmableLines.get(unconfirmable)}`);
        else problems.push(`line ${line}: the engine expects an error, but tfjs did not fail there`);
      }
      expect(problems).toEqual([]);
      // A whole torchvision body runs on the JavaScript CPU backend: minutes on a busy machine.
    }, 180_000);
  }

  it('the article models are confirmed in full, and the wrong Linear fails in tfjs with its message', async () => {
    const torch = await confirmText(cpu, readFileSync(join(__dirname, '../../examples/article_torch.py'), 'utf8'));
    expect(torch[0].summary).toEqual({ confirmed: 7, different: 0, unconfirmable: 0, failed: 0 });
    expect(torch[0].layers.map((l) => l.actual)).toEqual([[1, 3, 28, 28], [1, 3, 14, 14], [1, 3, 14, 14], [1, 6, 7, 7], [1, 6, 7, 7], [1, 294], [1, 10]]);
    const wrong = await confirmFixture(fixtures('torch').find((f) => f.file === 'article_wrong_linear.py')!);
    const linear = wrong[0].layers.find((l) => l.kind === 'Linear')!;
    expect(linear).toMatchObject({ status: 'failed', predicted: [1, 10], actual: null });
    expect(linear.message).toContain('inner shapes (294) and (1176)');
  });

  it('lists the fixtures with layers tfjs cannot run, with their reasons', async () => {
    const reasons = new Set<string>();
    for (const f of [...fixtures('torch'), ...fixtures('keras')]) {
      for (const m of await confirmFixture(f)) for (const l of m.layers) if (l.status === 'unconfirmable') reasons.add(`${f.framework}/${f.file}: ${l.kind}: ${l.reason}`);
    }
    expect([...reasons].length).toBeGreaterThan(0);
    // Each reason names the layer or says which value is missing.
    for (const r of reasons) expect(r).toMatch(/tfjs|not known|not run|no concrete shape|no shape|not a layer/);
    // A sweep over every fixture: its time grows with their number, beyond one test's usual minute.
  }, 900_000);
});

describe('layers tfjs lacks', () => {
  it('a PyTorch operation tfjs does not run is not confirmable, and the layers after it still run', async () => {
    const text = [
      'import torch',
      'from torch import nn',
      '# input: (2, 12, 8, 8)',
      'class Gate(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(6, 4, 3)',
      '    def forward(self, x):',
      '        a, b = x.chunk(2, dim=1)',
      '        return self.conv(a)',
    ].join('\n');
    const [model] = await confirmText(cpu, text);
    expect(model.layers.map((l) => [l.kind, l.status])).toEqual([
      ['chunk', 'unconfirmable'],
      ['Conv2d', 'confirmed'],
    ]);
    expect(model.layers[0].reason).toBe('the operation chunk is not run in tfjs');
    expect(model.layers[1]).toMatchObject({ actual: [2, 4, 6, 6], detached: true });
  });

  it('a Keras layer tfjs-layers lacks is named as not confirmable', async () => {
    const text = ['from tensorflow import keras', 'from tensorflow.keras import layers', 'inputs = keras.Input(shape=(8, 8, 4))', 'x = layers.Conv2D(8, 3, groups=2)(inputs)', 'x = layers.Flatten()(x)', 'model = keras.Model(inputs, x)'].join('\n');
    const [model] = await confirmText(cpu, text);
    expect(model.layers[0]).toMatchObject({ status: 'unconfirmable', reason: 'tfjs-layers has no Conv2D(groups=2)' });
    expect(model.layers[1]).toMatchObject({ status: 'confirmed', actual: [1, 288] });
  });
});

describe('memory limit', () => {
  it('refuses a model whose weights exceed the limit, saying how much they need', async () => {
    const text = ['from torch import nn', '# input: (1, 4096)', 'model = nn.Sequential(nn.Linear(4096, 4096), nn.Linear(4096, 4096))'].join('\n');
    const [model] = await confirmText(cpu, text, { memoryLimitMb: 64 });
    expect(model.layers).toEqual([]);
    expect(model.refused).toMatch(/^its weights need 128\.0 MiB, over the memory limit of 64 MiB/);
  });
});

function loaders(overrides: Partial<BackendLoaders>): BackendLoaders {
  return { ...defaultLoaders, ...overrides };
}

const noTfjsNode = () => {
  throw new Error("Cannot find module '@tensorflow/tfjs-node'");
};

describe('backend selection', () => {
  it('passes over a missing tfjs-node and a machine without a WebGPU adapter, and says so', async () => {
    const choice = await selectBackend('auto', loaders({ tfjsNode: noTfjsNode, webgpuAdapter: async () => null }));
    expect(choice.backend).toBe('wasm');
    expect(choice.device).toMatch(/^CPU \(WebAssembly/);
    expect(choice.notes).toEqual(['tfjs-node: not installed', 'webgpu: Dawn found no WebGPU adapter (no GPU, or no Vulkan/Metal/D3D driver for it)']);
  });

  it('passes over a software WebGPU adapter, naming it', async () => {
    const choice = await selectBackend('auto', loaders({ tfjsNode: noTfjsNode, webgpuAdapter: async () => ({ name: 'Google SwiftShader', software: true }) }));
    expect(choice.notes[1]).toBe('webgpu: Dawn found only a software adapter (Google SwiftShader)');
  });

  it('falls back to the CPU backend when wasm does not start', async () => {
    const choice = await selectBackend('auto', loaders({ tfjsNode: noTfjsNode, webgpuAdapter: async () => null, wasmBackend: () => { throw new Error('no wasm here'); } }));
    expect(choice.backend).toBe('cpu');
    expect(choice.notes[2]).toBe('wasm: no wasm here');
  });

  it('on this machine: no tfjs-node, and Dawn finds no hardware adapter', async () => {
    const choice = await selectBackend('auto');
    expect(['wasm', 'cpu']).toContain(choice.backend);
    expect(choice.notes[0]).toBe('tfjs-node: not installed');
    expect(choice.notes[1]).toMatch(/^webgpu: Dawn found (no WebGPU adapter|only a software adapter)/);
  });

  it('a forced backend is used, and an unavailable forced backend is a clear error', async () => {
    expect((await selectBackend('cpu')).backend).toBe('cpu');
    await expect(selectBackend('webgpu', loaders({ webgpuAdapter: async () => null }))).rejects.toThrow(new BackendUnavailable('the webgpu backend is not available: Dawn found no WebGPU adapter (no GPU, or no Vulkan/Metal/D3D driver for it)'));
    await expect(selectBackend('tfjs-node', loaders({ tfjsNode: noTfjsNode }))).rejects.toThrow('the tfjs-node backend is not available: not installed');
    await expect(selectBackend('gpu' as never)).rejects.toThrow("unknown backend 'gpu'");
  });
});

describe('report and worker', () => {
  const article = readFileSync(join(__dirname, '../../examples/article_torch.py'), 'utf8');

  it('the report names the backend, the device and the time of each model', async () => {
    const report = await confirmFiles({ files: [{ path: 'net.py', text: article }], backend: 'cpu', options: {} });
    const model = report.files[0].models[0];
    expect(model).toMatchObject({ name: 'CNN_NN', framework: 'torch', backend: 'cpu', device: 'CPU (JavaScript)', summary: { confirmed: 7, different: 0, unconfirmable: 0, failed: 0 } });
    expect(model.layers[0]).toEqual({ kind: 'Conv2d', line: 13, name: 'model.0', predicted: [1, 3, 28, 28], actual: [1, 3, 28, 28], status: 'confirmed' });
    expect(typeof model.ms).toBe('number');
    expect(formatReportText(report)).toContain('CNN_NN (PyTorch) on cpu, CPU (JavaScript), ');
  });

  describe('in a worker thread', () => {
    let workerFile = '';
    beforeAll(async () => {
      // Inside the repository, so that the bundle finds node_modules at run time.
      workerFile = join(__dirname, '../../dist/test-confirm-worker.js');
      await build({
        entryPoints: [join(__dirname, '../../server/src/confirm/confirm-worker.ts')],
        outfile: workerFile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        external: ['tree-sitter', 'tree-sitter-python', '@tensorflow/*', 'webgpu'],
        loader: { '.scm': 'text' },
        logLevel: 'warning',
      });
    }, 30000);

    it('confirms and posts the report back', async () => {
      const report = await confirmInWorker({ files: [{ path: 'net.py', text: article }], backend: 'cpu', options: {} }, workerFile);
      expect(report.files[0].models[0].summary.confirmed).toBe(7);
      expect(report.backend.name).toBe('cpu');
    }, 30000);

    it('is cancelled by its signal, and a forced unavailable backend comes back as an error', async () => {
      const controller = new AbortController();
      const running = confirmInWorker({ files: [{ path: 'net.py', text: article }], backend: 'cpu', options: {} }, workerFile, controller.signal);
      controller.abort();
      await expect(running).rejects.toBeInstanceOf(ConfirmCancelled);
      await expect(confirmInWorker({ files: [{ path: 'net.py', text: article }], backend: 'tfjs-node', options: {} }, workerFile)).rejects.toThrow('the tfjs-node backend is not available: not installed');
    }, 30000);
  });
});
