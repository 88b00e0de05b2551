// The `cnnshape` command as a user runs it: the built bundle, real files, exit statuses, and the
// exact JSON document the issue specifies.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cnnshape check', () => {
  it('prints a compiler-style error with the source line and a caret, and exits 1', () => {
    const r = run('check', 'examples/article_torch_wrong_linear.py');
    expect(r.code).toBe(1);
    expect(r.out).toContain('examples/article_torch_wrong_linear.py:19:23: error[linear-in-features]: Linear expects in_features=1176 (6*14*14), but its input has 294 features: Flatten of (1, 6, 7, 7) at line 18');
    expect(r.out).toContain('19 |             nn.Linear(6*14*14, 10)\n   |                       ^^^^^^^');
    expect(r.out).toContain('fix: Change 6*14*14 to 6*7*7');
  });

  it('exits 0 on correct files and searches directories for .py files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnshape-'));
    writeFileSync(join(dir, 'ok.py'), 'import torch.nn as nn\n# input: (1, 4)\nnet = nn.Sequential(nn.Linear(4, 2))\n');
    writeFileSync(join(dir, 'notes.txt'), 'not python');
    const r = run('check', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 file checked, 0 errors');
  });

  it('gives the JSON document of the issue, with 1-based positions', () => {
    const r = run('check', '--format', 'json', 'examples/article_torch_wrong_linear.py');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    const file = doc.files[0];
    expect(file.path).toBe('examples/article_torch_wrong_linear.py');
    const model = file.models[0];
    expect(model).toMatchObject({ name: 'CNN_NN', framework: 'torch', line: 8, input: [[1, 1, 28, 28]], inputSource: 'comment', output: [1, 10] });
    expect(model.layers[0]).toEqual({ kind: 'Conv2d', module: true, name: 'model.0', line: 13, callLine: 23, input: [[1, 1, 28, 28]], output: [1, 3, 28, 28], params: 30, multAdds: 23520, outputBytes: 9408 });
    expect(model.layers.map((l: { kind: string }) => l.kind)).toEqual(['Conv2d', 'MaxPool2d', 'ReLU', 'Conv2d', 'ReLU', 'Flatten', 'Linear']);
    // torchinfo's totals; the wrong Linear(6*14*14) still counts 1176·10 + 10 weights at its 294 inputs' batch of 1.
    expect(model.costs).toEqual({ multAdds: 23520 + 8232 + 11770, inputBytes: 3136, forwardBackwardBytes: 2 * 4 * (2352 + 294 + 10), paramBytes: 4 * (30 + 168 + 11770), totalBytes: 3136 + 2 * 4 * (2352 + 294 + 10) + 4 * (30 + 168 + 11770), activationBytes: 4 * (2352 + 588 + 588 + 294 + 294 + 294 + 10) });
    expect(file.diagnostics[0]).toMatchObject({ code: 'linear-in-features', severity: 'error', line: 19, column: 23, endLine: 19, endColumn: 30 });
  });

  it('prints symbolic sizes as strings and the solved-back input of the article model', () => {
    const doc = JSON.parse(run('check', '--format', 'json', 'examples/article_torch.py').out);
    const model = doc.files[0].models[0];
    expect(model.input).toEqual([['N', 1, 28, 28]]);
    expect(model.inputSource).toBe('inferred');
    const keras = JSON.parse(run('check', '--format', 'json', 'examples/article_keras.py').out).files[0].models[0];
    expect(keras.input).toEqual([[null, 'H', 'W', 'C']]);
    expect(keras.layers[1].output).toEqual([null, 'H // 2', 'W // 2', 3]);
  });

  it('takes the input from --input', () => {
    const doc = JSON.parse(run('check', '--format', 'json', '--input', '(2, 1, 32, 32)', 'examples/article_torch.py').out);
    expect(doc.files[0].models[0]).toMatchObject({ input: [[2, 1, 32, 32]], inputSource: 'flag' });
    expect(doc.files[0].diagnostics[0].code).toBe('linear-in-features');
  });

  it('exits 2 with a clear message on bad usage and unreadable files', () => {
    for (const args of [['check'], ['check', 'no/such/file.py'], ['check', '--format', 'xml', 'examples'], ['frobnicate'], []]) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err + r.out).toMatch(/Usage|cnnshape:/);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe('cnnshape lsp --stdio', () => {
  it('answers initialize over stdio with the server capabilities', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    const child = spawn(process.execPath, [cli, 'lsp', '--stdio'], { cwd: root });
    let out = '';
    const reply = await new Promise<{ id: number; result: { capabilities: { hoverProvider: boolean } } }>((resolveReply, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply; got: ${out}`)), 10000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const start = out.indexOf('{');
        const header = /Content-Length: (\d+)/.exec(out);
        if (start >= 0 && header && Buffer.byteLength(out.slice(start)) >= Number(header[1])) {
          clearTimeout(timer);
          resolveReply(JSON.parse(out.slice(start)));
        }
      });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    child.kill();
    expect(reply.id).toBe(1);
    expect(reply.result.capabilities.hoverProvider).toBe(true);
  });
});

describe('cnnshape summary', () => {
  it('prints a torchinfo-like table for PyTorch and Keras 3 layout for Keras', () => {
    const r = run('summary', 'examples/article_torch.py', 'examples/article_keras.py');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Linear \(model\.6\)\s+\(N, 10\)\s+2,950/);
    expect(r.out).toContain('Total params: 3,148');
    // torchinfo's Mult-Adds column and totals, per sample of the symbolic batch.
    expect(r.out).toMatch(/Param #\s+Mult-Adds/);
    expect(r.out).toMatch(/Conv2d \(model\.0\)\s+\(N, 3, 28, 28\)\s+30\s+23520 \* N/);
    expect(r.out).toContain('Total mult-adds: 34702 * N');
    expect(r.out).toContain('Input size: 3136 * N bytes');
    expect(r.out).toContain('Params size (MB): 0.01');
    expect(r.out).toContain('Model: "CNN_model"');
    expect(r.out).toMatch(/┃ Layer \(type\)\s+┃ Output Shape\s+┃\s+Param # ┃/);
    // Its `self.model = keras.Sequential([...])` is one row, as Keras lists a subclassed model's Sequential attribute.
    expect(r.out).toMatch(/│ sequential \(Sequential\)\s+│ \(None, 10\)/);
    expect(r.out).not.toContain('conv2d (Conv2D)');
  });
});

describe('cnnshape summary --format json', () => {
  it('carries the mult-adds and output bytes of each layer and the costs of each model, formulas in N as strings', () => {
    const r = run('summary', '--format', 'json', 'examples/article_torch.py');
    expect(r.code).toBe(0);
    const model = JSON.parse(r.out).files[0].models[0];
    expect(model.layers[0]).toMatchObject({ kind: 'Conv2d', params: 30, multAdds: '23520 * N', outputBytes: '9408 * N' });
    expect(model.costs).toMatchObject({ multAdds: '34702 * N', inputBytes: '3136 * N', paramBytes: 12592 });
  });

  it('writes a parameter count past 2^53 as its exact digits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnshape-huge-'));
    const file = join(dir, 'huge.py');
    writeFileSync(file, 'import torch\nfrom torch import nn\n\nmodel = nn.Sequential(nn.Linear(10**20, 10))\n');
    const r = run('summary', '--format', 'json', file);
    const model = JSON.parse(r.out).files[0].models[0];
    expect(model.totalParams).toBe('1000000000000000000010');
    expect(run('summary', file).out).toContain('1,000,000,000,000,000,000,010');
  });
});

describe('Keras layer names in summaries', () => {
  it('follow Keras to_snake_case', async () => {
    const { kerasSnakeCase } = await import('../../server/src/cli/format');
    const names = ['Conv2D', 'Conv2DTranspose', 'MaxPooling2D', 'BatchNormalization', 'GlobalAveragePooling2D', 'ReLU', 'PReLU', 'LSTM', 'Dense', 'SeparableConv2D'].map(kerasSnakeCase);
    expect(names).toEqual(['conv2d', 'conv2d_transpose', 'max_pooling2d', 'batch_normalization', 'global_average_pooling2d', 're_lu', 'p_re_lu', 'lstm', 'dense', 'separable_conv2d']);
  });
});

describe('Keras nested models in summaries', () => {
  it('list a named functional model and a keras.applications base as one row under their names', () => {
    const r = run('summary', 'test/cli/fixtures/keras_nested_named.py');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/│ encoder \(Functional\)\s+│ \(None, 1568\)\s+│\s+80 │/);
    expect(r.out).toMatch(/│ resnet50 \(Functional\)\s+│ \(None, 2, 2, 2048\)\s+│\s+23,587,712 │/);
    expect(r.out).toContain('Non-trainable params: 53,120'); // the base as built
    expect(r.out).toContain('Non-trainable params: 23,587,712'); // frozen by base.trainable = False
  });

  it("flatten a nested functional model's layers in the JSON, each marked with the model it lies within", () => {
    const r = run('check', '--format', 'json', 'test/cli/fixtures/keras_nested_named.py');
    const models = JSON.parse(r.out).files[0].models as { name: string; layers: { within?: string; kind: string; output: unknown }[] }[];
    const classifier = models.find((m) => m.name === 'classifier')!;
    expect(classifier.layers.map((l) => [l.within ?? null, l.kind, l.output])).toEqual([
      ['encoder', 'Conv2D', [null, 14, 14, 8]],
      ['encoder', 'Flatten', [null, 1568]],
      [null, 'Dense', [null, 10]],
    ]);
    expect(models.find((m) => m.name === 'head')!.layers[0].kind).toBe('Functional');
  });

  it('list a Keras Sequential called as a layer as one row with its output and parameters', () => {
    const r = run('summary', 'test/cli/fixtures/keras_nested_sequential.py');
    expect(r.code).toBe(0);
    const classifier = r.out.slice(r.out.indexOf('Model: "classifier"'), r.out.indexOf('Model: "features"'));
    expect(classifier).toMatch(/│ sequential \(Sequential\)\s+│ \(None, 32, 32, 3\)\s+│\s+0 │/);
    expect(classifier).not.toContain('random_flip');
    expect(classifier).toContain(' Total params: 72,234 ');
    const stacked = r.out.slice(r.out.indexOf('Model: "stacked"'));
    // 448 + 64 + 68: the inner Sequential is part of the named one's row; BatchNormalization's 32 stay non-trainable.
    expect(stacked).toMatch(/│ features \(Sequential\)\s+│ \(None, 16, 16, 4\)\s+│\s+580 │/);
    expect(stacked).toMatch(/│ conv2d \(Conv2D\)\s+│ \(None, 16, 16, 8\)\s+│\s+40 │/);
    expect(stacked).not.toContain('max_pooling2d');
    expect(stacked).toContain(' Non-trainable params: 32 ');
  });

  it("keep a nested Sequential's layers in the JSON, each marked with the Sequential it lies within", () => {
    const r = run('check', '--format', 'json', 'test/cli/fixtures/keras_nested_sequential.py');
    const models = JSON.parse(r.out).files[0].models as { name: string; layers: { within?: string; kind: string; output: unknown }[] }[];
    expect(models.find((m) => m.name === 'stacked')!.layers.map((l) => [l.within ?? null, l.kind, l.output])).toEqual([
      ['features', 'Conv2D', [null, 32, 32, 16]],
      ['features', 'BatchNormalization', [null, 32, 32, 16]],
      ['features', 'Conv2D', [null, 32, 32, 4]],
      ['features', 'MaxPooling2D', [null, 16, 16, 4]],
      [null, 'Conv2D', [null, 16, 16, 8]],
    ]);
    expect(models.find((m) => m.name === 'classifier')!.layers.map((l) => l.within ?? null)).toEqual(['sequential', 'sequential', null, null, null]);
  });
});
