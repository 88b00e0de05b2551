// A generated Python package of a few hundred files that import each other, for the workspace part of
// `npm run bench` (scripts/bench-workspace.ts): one shared block file (`pkg/blocks/common.py`), stage
// files built from its blocks, model files built from the stages and blocks, and training scripts that
// build models with arguments and feed them an example input. Every model is shape-correct; the
// benchmark's edit breaks (then fixes) the shared block, which every model depends on.
// It is written into a temporary folder at run time, never into the repository.

export interface GeneratedFile {
  path: string;
  text: string;
}

export interface GeneratedWorkspace {
  files: GeneratedFile[];
  /** The shared block file, and the line the benchmark toggles in it. */
  shared: { path: string; line: string; broken: string };
  /** The model files (each imports the shared file directly and through a stage). */
  models: string[];
}

const STAGES = 20;
const CHANNELS = [8, 16, 24, 32, 48, 64];

const COMMON = `import torch
from torch import nn


class ConvBlock(nn.Module):
    """A 3x3 convolution, batch norm and ReLU: the block every model of the package uses."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Head(nn.Module):
    def __init__(self, channels, num_classes):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(x), 1))
`;

function stage(k: number): string {
  return `from torch import nn

from .common import ConvBlock


class Stage${k}(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.down = ConvBlock(cin, cout, stride=2)
        self.blocks = nn.Sequential(*[ConvBlock(cout, cout) for _ in range(${1 + (k % 3)})])

    def forward(self, x):
        return self.blocks(self.down(x))
`;
}

function model(i: number): string {
  const k = i % STAGES;
  const c = CHANNELS[i % CHANNELS.length];
  return `import torch
from torch import nn

from ..blocks.common import ConvBlock, Head
from ..blocks.stage_${k} import Stage${k}


class Net${i}(nn.Module):
    def __init__(self, num_classes=10, width=${c}):
        super().__init__()
        self.stem = ConvBlock(3, width)
        self.stage = Stage${k}(width, width * 2)
        self.extra = ConvBlock(width * 2, width * 2)
        self.head = Head(width * 2, num_classes)

    def forward(self, x):
        x = self.stem(x)
        x = self.extra(self.stage(x))
        return self.head(x)
`;
}

function script(j: number, models: number[]): string {
  const imports = models.map((i) => `from pkg.models.net_${i} import Net${i}`).join('\n');
  const runs = models
    .map((i, n) => `    model${n} = Net${i}(num_classes=${10 + n})\n    out${n} = model${n}(torch.randn(8, 3, ${32 + 16 * (j % 3)}, ${32 + 16 * (j % 3)}))\n    print(out${n}.shape)`)
    .join('\n');
  return `import torch

${imports}


def main():
${runs}


if __name__ == "__main__":
    main()
`;
}

/** The package: `files` paths are relative ('pkg/models/net_3.py'); about `total` files in all. */
export function generateWorkspace(total = 300): GeneratedWorkspace {
  const files: GeneratedFile[] = [];
  for (const init of ['pkg/__init__.py', 'pkg/blocks/__init__.py', 'pkg/models/__init__.py', 'pkg/train/__init__.py']) files.push({ path: init, text: '' });
  files.push({ path: 'pkg/blocks/common.py', text: COMMON });
  for (let k = 0; k < STAGES; k++) files.push({ path: `pkg/blocks/stage_${k}.py`, text: stage(k) });
  const scripts = Math.max(1, Math.round((total - files.length) / 8));
  const modelCount = Math.max(1, total - files.length - scripts);
  const models: string[] = [];
  for (let i = 0; i < modelCount; i++) {
    const path = `pkg/models/net_${i}.py`;
    models.push(path);
    files.push({ path, text: model(i) });
  }
  for (let j = 0; j < scripts; j++) {
    const built = [j % modelCount, (j * 7 + 3) % modelCount].filter((v, n, a) => a.indexOf(v) === n);
    files.push({ path: `pkg/train/train_${j}.py`, text: script(j, built) });
  }
  return {
    files,
    shared: { path: 'pkg/blocks/common.py', line: 'self.bn = nn.BatchNorm2d(cout)', broken: 'self.bn = nn.BatchNorm2d(cout + 1)' },
    models,
  };
}
