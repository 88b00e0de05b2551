// `npm run eval:libraries`: grades the reading of an installed library's own source against the
// real thing. For each torchvision model it analyses a user file that builds it
// (`model = torchvision.models.resnet18(weights=None)`, then one image) with the site-packages of
// a Python environment as the workspace's libraries, and compares every layer's output shape, by
// the module's name, with what real PyTorch printed (scripts/truth/torchvision_layers.py).
// Needs Python with torch and torchvision (default /usr/bin/python3; CNNSHAPE_PYTHON to change);
// without them it says so and exits 0. Prints figures, and the time each analysis took.
//   node dist/eval-libraries.js [--verbose] [--carried] [model,model,...]
// --carried reads no environment: torchvision is the engine's own carried text (model/torchvision.ts).

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { analyze } from '../server/src/analysis/analyze';
import { dimToJson } from '../server/src/shapes/dim';
import { TupleOut, type Output } from '../server/src/shapes/types';
import { diskLister, DiskReader } from '../server/src/cli/workspace';
import { loadParser } from '../server/src/platform/node-parser';
import { sitePackagesOfInterpreter } from '../server/src/workspace/environment';
import { ModuleCache, type Workspace } from '../server/src/workspace/files';

const MODELS = [
  'alexnet', 'vgg11', 'vgg16', 'vgg19_bn', 'resnet18', 'resnet50', 'resnext50_32x4d', 'wide_resnet50_2', 'densenet121',
  'mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large', 'squeezenet1_0', 'squeezenet1_1', 'shufflenet_v2_x1_0',
  'mnasnet1_0', 'efficientnet_b0', 'efficientnet_v2_s', 'regnet_y_400mf', 'regnet_x_400mf', 'googlenet', 'inception_v3',
  'convnext_tiny', 'vit_b_16', 'swin_t', 'maxvit_t',
];

interface TruthLayer {
  name: string | null;
  kind: string;
  output: number[] | null;
}

function outputJson(o: Output): unknown {
  if (o instanceof TupleOut) return o.items.map(outputJson);
  return o === null ? null : o.map(dimToJson);
}

function main(): void {
  const verbose = process.argv.includes('--verbose');
  // --carried: no environment, so torchvision is the engine's own carried text (model/torchvision.ts).
  const carried = process.argv.includes('--carried');
  const names = process.argv.slice(2).find((a) => !a.startsWith('--'))?.split(',') ?? MODELS;
  const python = process.env.CNNSHAPE_PYTHON ?? '/usr/bin/python3';
  const truthRun = spawnSync(python, [resolve(__dirname, '..', 'scripts', 'truth', 'torchvision_layers.py'), names.join(',')], { encoding: 'utf8', maxBuffer: 64 * 1048576 });
  if (truthRun.status !== 0) {
    console.log(`no truth: ${python} with torch and torchvision is needed (${(truthRun.stderr || String(truthRun.error)).trim().split('\n').pop()})`);
    return;
  }
  const truth = JSON.parse(truthRun.stdout) as { torch: string; torchvision: string; models: Record<string, { size: number; layers: TruthLayer[]; params: number }> };
  const libraries = carried ? [] : sitePackagesOfInterpreter(python, diskLister);
  console.log(`torch ${truth.torch}, torchvision ${truth.torchvision}; reading ${carried ? 'the carried torchvision texts' : libraries.join(', ')}\n`);
  const reader = new DiskReader();
  const cache = new ModuleCache();
  const folder = '/cnnshape-eval';
  let exact = 0;
  let total = 0;
  let paramsRight = 0;
  for (const name of names) {
    const t = truth.models[name];
    const text = `import torch\nimport torchvision\n\nmodel = torchvision.models.${name}(weights=None)\nmodel(torch.randn(1, 3, ${t.size}, ${t.size}))\n`;
    const workspace: Workspace = { files: { read: (p) => (p.endsWith('.py') ? reader.read(p) : undefined), isFolder: (p) => reader.isFolder(p), list: () => [] }, roots: [folder], libraries, cache };
    const start = performance.now();
    const result = analyze(text, { path: join(folder, 'main.py'), workspace });
    const ms = performance.now() - start;
    const model = result.models.find((m) => m.name === 'model');
    const ours = (model?.layers ?? []).filter((l) => l.module);
    let j = 0;
    let right = 0;
    const misses: string[] = [];
    for (const l of t.layers) {
      let k = j;
      while (k < ours.length && ours[k].name !== l.name) k++;
      if (k >= ours.length) {
        misses.push(`${l.name} ${l.kind}: not found`);
        continue;
      }
      j = k + 1;
      const got = JSON.stringify(outputJson(ours[k].output));
      if (got === JSON.stringify(l.output)) right++;
      else misses.push(`${l.name} ${l.kind}: expected ${JSON.stringify(l.output)}, got ${got}`);
    }
    exact += right;
    total += t.layers.length;
    const params = model?.totalParams === t.params;
    if (params) paramsRight++;
    console.log(`  ${name.padEnd(20)} ${String(right).padStart(4)}/${String(t.layers.length).padEnd(4)} params ${params ? 'equal' : `${model?.totalParams ?? '?'} (real ${t.params})`}  ${ms.toFixed(0)} ms${result.diagnostics.length ? `  ERRORS: ${result.diagnostics.map((d) => d.code).join(', ')}` : ''}`);
    if (verbose) for (const m of misses.slice(0, 6)) console.log(`        ${m}`);
  }
  console.log(`\nSummary: ${exact}/${total} layer shapes exact (${total ? ((100 * exact) / total).toFixed(1) : 0}%), parameter counts equal for ${paramsRight}/${names.length} models`);
}

void loadParser().then(main);
