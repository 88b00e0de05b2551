// The shapes a user writes (shape comments with names, jaxtyping names) as the product reads them.
// Fixture comments are the harness's exact expectations, so the looser user forms are tested here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';

const model = (forward: string) => `import torch
import torch.nn as nn


# input: (2, 3, 32, 32)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
${forward}
`;

const errors = (forward: string) => analyze(model(forward)).diagnostics.map((d) => `${d.range.line + 1} [${d.code}] ${d.message}`);

describe('shape comments', () => {
  it('match a name to any size, and numbers, ? and None to the sizes they say', () => {
    expect(errors('        y = self.conv(x)  # shape: (B, C, 32, 32)\n        z = y.mean((2, 3))  # shape: [batch, 16]\n        return self.fc(z)  # shape: (?, 10)')).toEqual([]);
    expect(errors('        y = self.conv(x)  # shape: B x 16 x H x W\n        return y')).toEqual([]);
  });

  it('report a number or a rank that differs, on the name assigned', () => {
    expect(errors('        y = self.conv(x)  # shape: (B, 8, H, W)\n        return y')).toEqual(['13 [shape-assert] The # shape: comment says (B, 8, H, W), but y is (2, 16, 32, 32): axis 1 is 16, not 8']);
  });

  it('are not read inside a loop, where they may describe one pass', () => {
    expect(errors('        for _ in range(2):\n            x = torch.cat([x, x], 1)  # shape: (2, 6, 32, 32)\n        return x')).toEqual([]);
  });

  it('are only shapes: other comments are left alone', () => {
    expect(errors('        y = self.conv(x)  # shape: see the paper\n        return y')).toEqual([]);
    expect(errors('        y = self.conv(x)  # shape: (B, C, H, W) -> (B, 16, H, W)\n        return y')).toEqual([]);
  });

  it('without brackets, state the last sizes only', () => {
    expect(errors('        y = self.conv(x)  # shape: 32x32\n        return y')).toEqual([]);
    expect(errors('        y = self.conv(x)  # shape: 16 x 16\n        return y')).toEqual(['13 [shape-assert] The # shape: comment says (..., 16, 16), but y is (2, 16, 32, 32): axis 2 is 32, not 16']);
  });
});

describe('jaxtyping', () => {
  const annotated = (signature: string, body: string) => `import torch
import torch.nn as nn
from jaxtyping import Float
from torch import Tensor


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)

    def forward(${signature}):
${body}
`;

  it('an annotated forward input fixes the model input, its names kept as symbols', () => {
    const r = analyze(annotated('self, x: Float[Tensor, "batch 3 24 24"]', '        return self.conv(x)'));
    expect(r.models[0].inputSource).toBe('annotation');
    expect(r.models[0].output).toEqual([expect.anything(), 16, 24, 24]);
    expect(String((r.models[0].output as unknown[])[0])).toBe('batch');
    expect(r.diagnostics).toEqual([]);
  });

  it('a name bound to two sizes in one function is an error on the annotation', () => {
    const r = analyze(annotated('self, x: Float[Tensor, "b c h w"], y: Float[Tensor, "b c"]', '        return self.conv(x)') + '\n\nnet = Net()\nout = net(torch.randn(2, 3, 8, 8), torch.randn(2, 4))\n');
    expect(r.diagnostics.map((d) => `${d.range.line + 1} [${d.code}] ${d.message}`)).toEqual(['12 [shape-assert] y is (2, 4), which its annotation Float[Tensor, "b c"] contradicts: c is 4 at axis 1, but 3 in x']);
  });

  it('an annotation with names only leaves the input to the usual inference', () => {
    const r = analyze(annotated('self, x: Float[Tensor, "b c h w"]', '        return self.conv(x)'));
    expect(r.models[0].inputSource).not.toBe('annotation');
    expect(r.diagnostics).toEqual([]);
  });
});

describe('Keras output_shape asserts', () => {
  it('after the first failing one, the later ones are its related information', () => {
    const text = readFileSync(join(__dirname, '..', 'fixtures', 'keras', 'err_output_shape_assert.py'), 'utf8');
    const [d, ...others] = analyze(text).diagnostics;
    expect(others).toEqual([]);
    expect(d.range.line + 1).toBe(14);
    expect(d.related.map((r) => `${r.range.line + 1}: ${r.message}`)).toContain('16: this assert fails too, after it: model.output_shape is (None, 28, 28, 1)');
  });
});
