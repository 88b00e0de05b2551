// Installed libraries (a fake site-packages under test/workspaces/installed_zoo/lib): read like the
// user's code, lazily, never reported on, and never for the frameworks the engine knows by name.

import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import { loadProject } from '../helpers/workspaces';

const project = loadProject('installed_zoo');
const site = `${project.root}/lib/site-packages`;

function analyseText(text: string, name = 'scratch.py') {
  return analyze(text, { path: `${project.root}/${name}`, workspace: project.workspace });
}

describe('installed libraries', () => {
  it('reads only the modules a model needs', () => {
    const files = analyseText('import torch\nimport minivision\nnet = minivision.models.resnet10()\nnet(torch.randn(1, 3, 32, 32))\n').files ?? [];
    expect(files).toContain(`${site}/minivision/models/resnet.py`);
    expect(files).toContain(`${site}/minivision/models/_api.py`);
    // The datasets package is imported by the zoo's __init__ but never used: its modules are not read.
    expect(files).not.toContain(`${site}/minivision/datasets/folders.py`);
    expect(files.filter((f) => f.startsWith(`${site}/torch/`))).toEqual([]);
  });

  it('reports nothing inside a library’s files, even on a definite contradiction there', () => {
    // A grey image into a zoo model built for three channels: the contradiction lies in resnet.py.
    const r = analyseText('import torch\nfrom minivision.models import resnet10\nnet = resnet10()\nnet(torch.randn(1, 1, 32, 32))\n');
    expect(r.models.map((m) => m.name)).toEqual(['net']);
    expect(r.diagnostics).toEqual([]);
  });

  it('names a model of a library by the variable that holds it and places it there', () => {
    const r = analyseText('import torch\nfrom minivision.models import resnet14\n\nbackbone = resnet14(num_classes=7)\nbackbone(torch.randn(1, 3, 32, 32))\n');
    const m = r.models[0];
    expect([m.name, m.path, m.range.line, m.output]).toEqual(['backbone', undefined, 3, [1, 7]]);
    expect(m.layers[0].path).toBe(`${site}/minivision/models/resnet.py`);
  });

  it('leaves unknown what it cannot follow in a library, without an error', () => {
    const r = analyseText('import torch\nimport minivision\nnet = minivision.models.get_model("resnet10")\nnet(torch.randn(1, 3, 32, 32))\n');
    expect(r.diagnostics).toEqual([]);
  });

  it('without site-packages folders, a library stays a name', () => {
    const bare = { ...project.workspace, libraries: [] };
    const r = analyze('import torch\nimport minivision\nnet = minivision.models.resnet10()\nnet(torch.randn(1, 3, 32, 32))\n', { path: `${project.root}/scratch.py`, workspace: bare });
    expect(r.models).toEqual([]);
  });
});
