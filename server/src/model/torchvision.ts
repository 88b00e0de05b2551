// torchvision's classification models where no torchvision source is installed: the modules
// `torchvision`, `torchvision.models` and its submodules (`torchvision.models.resnet`, ...) as
// Python texts of our own, built from the generated table (torchvision-table.ts, written by
// scripts/truth/torchvision_models.py from the real models). The interpreter reads them like any
// library file, so `backbone.fc = nn.Identity()`, `model.classifier[1] = nn.Linear(...)` and
// `nn.Sequential(*list(model.children())[:-1])` work as on the real source.
//
// Only what the table lists exists: any other name of `torchvision.models` (a detection model,
// `vit_b_16`) and any constructor argument other than `weights`, `progress`, `pretrained` and
// `num_classes` is unknown, never a default model. An installed torchvision (site-packages) is read
// instead of this whenever one is found (workspace/loader.ts).

import { timmFile } from './timm';
import { TORCHVISION_MODELS } from './torchvision-table';

/**
 * The folder the texts of the libraries the engine carries live under (this table, and timm's
 * layers: model/timm.ts): not a real folder, and no file of a workspace is under it.
 */
export const CARRIED_LIBRARIES_ROOT = '/<cnnshape carried libraries>';

/** The packages the engine carries a text of, read where no environment holds them. */
export const CARRIED_PACKAGES = new Set(['torchvision', 'timm']);

/** The submodules of `torchvision.models` that user code imports constructors from. */
const SUBMODULES = ['alexnet', 'vgg', 'resnet', 'densenet', 'mobilenet', 'mobilenetv2', 'mobilenetv3', 'efficientnet', 'squeezenet', 'shufflenetv2', 'mnasnet', 'regnet', 'convnext'];

let modelsText: string | undefined;

function modelsModule(): string {
  if (modelsText !== undefined) return modelsText;
  const lines = [
    '# torchvision.models as the cnnshape table knows it (generated from torchvision by scripts/truth/torchvision_models.py).',
    'import torch',
    'from torch import nn',
    'import torch.nn.functional as F',
    'from collections import OrderedDict',
    'import cnnshape_torchvision as _tv',
    '',
  ];
  const enums = new Set<string>();
  for (const m of TORCHVISION_MODELS) {
    if (m.weights && !enums.has(m.weights[0])) {
      enums.add(m.weights[0]);
      lines.push(`class ${m.weights[0]}:`);
      for (const member of m.weights[1]) lines.push(`    ${member} = ${JSON.stringify(member)}`);
      lines.push('');
    }
    lines.push(m.source, '', '');
  }
  modelsText = lines.join('\n');
  return modelsText;
}

/** The text of a file under CARRIED_LIBRARIES_ROOT; undefined for any other path. */
export function carriedLibraryFile(path: string): string | undefined {
  if (!path.startsWith(`${CARRIED_LIBRARIES_ROOT}/`)) return undefined;
  const rel = path.slice(CARRIED_LIBRARIES_ROOT.length + 1);
  if (rel.startsWith('timm/')) return timmFile(rel);
  if (rel === 'torchvision/__init__.py') return '';
  if (rel === 'torchvision/models/__init__.py') return modelsModule();
  const sub = /^torchvision\/models\/([a-z0-9_]+)\.py$/.exec(rel);
  if (sub && SUBMODULES.includes(sub[1])) return 'from torchvision.models import *\n';
  return undefined;
}
