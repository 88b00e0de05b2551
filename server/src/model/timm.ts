// The few names of timm (pytorch-image-models) that published model files import for their own
// blocks, where no timm is installed: `from timm.models.layers import DropPath, trunc_normal_,
// to_2tuple` (ConvNeXt, Swin, PoolFormer and their kin), `from timm.models.registry import
// register_model`. Python texts of our own with timm's signatures and shape behaviour, read by the
// interpreter like any library file under the carried-library root (model/torchvision.ts).
//
// Only these exist: any other name of timm (`timm.create_model`, `Mlp`, `SqueezeExcite`) is
// unknown, never a default. An installed timm (site-packages) is read instead whenever one is found.

const LAYERS = `# timm's layers as cnnshape carries them: the shape behaviour of the few its users import.
import math
import torch
from torch import nn


def _ntuple(n):
    def parse(x):
        if isinstance(x, (list, tuple)):
            return tuple(x)
        return tuple([x] * n)
    return parse


to_1tuple = _ntuple(1)
to_2tuple = _ntuple(2)
to_3tuple = _ntuple(3)
to_4tuple = _ntuple(4)
to_ntuple = _ntuple


def make_divisible(v, divisor=8, min_value=None, round_limit=.9):
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


def drop_path(x, drop_prob=0., training=False, scale_by_keep=True):
    return x


class DropPath(nn.Module):
    def __init__(self, drop_prob=0., scale_by_keep=True):
        super().__init__()
        self.drop_prob = drop_prob
        self.scale_by_keep = scale_by_keep

    def forward(self, x):
        return drop_path(x, self.drop_prob, self.training, self.scale_by_keep)


def trunc_normal_(tensor, mean=0., std=1., a=-2., b=2.):
    return tensor


def lecun_normal_(tensor):
    return tensor
`;

const REGISTRY = `def register_model(fn):
    return fn
`;

/** The text of a carried timm file, by its path relative to the carried-library root; undefined for any other. */
export function timmFile(rel: string): string | undefined {
  switch (rel) {
    case 'timm/__init__.py':
      return '';
    case 'timm/models/__init__.py':
      return 'from timm.models.registry import register_model\n';
    case 'timm/models/registry.py':
    case 'timm/models/_registry.py':
      return REGISTRY;
    case 'timm/models/layers/__init__.py':
    case 'timm/layers/__init__.py':
      return LAYERS;
    case 'timm/models/layers/drop.py':
    case 'timm/layers/drop.py':
    case 'timm/models/layers/helpers.py':
    case 'timm/layers/helpers.py':
    case 'timm/models/layers/weight_init.py':
    case 'timm/layers/weight_init.py':
      return 'from timm.layers import *\n';
  }
  return undefined;
}
