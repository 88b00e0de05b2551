# Generates server/src/model/torchvision-table.ts: the torchvision classification constructors
# (resnet18, vgg16_bn, densenet121, mobilenet_v2, efficientnet_b0, ...) that the engine uses where
# no torchvision source is installed.
#
# For each constructor it builds the real model (weights=None) and writes a small Python module of
# our own that rebuilds its structure: the model's children with their torchvision names, every
# plain `nn.Sequential` kept as one (so `model.classifier[1]`, `model.features[:-1]` and
# `list(model.children())[:-1]` reach what they reach in torchvision), every layer of torch.nn as
# its constructor (read back from the module's repr), and every other block (a residual block, a
# dense block, an inverted residual) as one opaque block `_tv.<Class>(in_channels, out_channels,
# spatial, parameters)`: its channels, its parameter count, and the chain of convolution and
# pooling windows its output size goes through (found by running it, then checked on many sizes).
# The forward pass of each family is written below (FORWARDS), as in eval mode; a child it does not
# apply (GoogLeNet's and Inception v3's auxiliary classifiers) is built for its name and parameters
# only, its output unknown ("?"). The head's width is the constructor's `num_classes`.
#
# Before writing, the script runs the module it generated with real PyTorch (an opaque block
# answers with a tensor of the size its chain gives) and compares every child's output with the
# real model's for many input sizes, and the parameter counts; a constructor that differs anywhere
# is left out (unknown to the engine). Nothing of torchvision's code is copied: only names, layer
# arguments, sizes and counts.
#
#   /usr/bin/python3 scripts/truth/torchvision_models.py > server/src/model/torchvision-table.ts
#
# `--only NAME,NAME --table FILE` generates and checks those constructors only and keeps every other
# entry of the table FILE (written by this script from the same torchvision), so that adding a
# constructor does not take rebuilding the fifty others.

import json
import sys
import types
from collections import OrderedDict

import torch
import torch.nn as nn
import torchvision
import torchvision.models as tvm

torch.manual_seed(0)

CONSTRUCTORS = (
    ['alexnet']
    + ['vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn']
    + ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d', 'resnext101_32x8d', 'wide_resnet50_2', 'wide_resnet101_2']
    + ['densenet121', 'densenet161', 'densenet169', 'densenet201']
    + ['mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large']
    + ['efficientnet_b%d' % i for i in range(8)] + ['efficientnet_v2_s']
    + ['squeezenet1_0', 'squeezenet1_1']
    + ['shufflenet_v2_x0_5', 'shufflenet_v2_x1_0', 'shufflenet_v2_x1_5', 'shufflenet_v2_x2_0']
    + ['mnasnet0_5', 'mnasnet0_75', 'mnasnet1_0', 'mnasnet1_3']
    + ['regnet_y_400mf', 'regnet_y_800mf', 'regnet_y_1_6gf', 'regnet_y_3_2gf', 'regnet_x_400mf', 'regnet_x_800mf', 'regnet_x_1_6gf', 'regnet_x_3_2gf']
    + ['convnext_tiny', 'convnext_small']
    + ['googlenet', 'inception_v3']
)

# Input sizes a model is built and first run at, where 224 × 224 is not one it takes in training
# mode (inception_v3's auxiliary head needs 299 × 299), and further sizes it is checked on where the
# common ones are too small for it.
BASE_SIZE = {'inception_v3': (299, 299)}
EXTRA_SIZES = {'inception_v3': [(299, 299), (224, 224), (342, 300), (107, 107), (75, 75)]}

# The forward pass of each family after its children: `c:name` applies a child, other items are Python lines.
FORWARDS = {
    'AlexNet': ['c:features', 'c:avgpool', 'x = torch.flatten(x, 1)', 'c:classifier'],
    'VGG': ['c:features', 'c:avgpool', 'x = torch.flatten(x, 1)', 'c:classifier'],
    'ResNet': ['c:conv1', 'c:bn1', 'c:relu', 'c:maxpool', 'c:layer1', 'c:layer2', 'c:layer3', 'c:layer4', 'c:avgpool', 'x = torch.flatten(x, 1)', 'c:fc'],
    'DenseNet': ['c:features', 'x = F.relu(x, inplace=True)', 'x = F.adaptive_avg_pool2d(x, (1, 1))', 'x = torch.flatten(x, 1)', 'c:classifier'],
    'MobileNetV2': ['c:features', 'x = nn.functional.adaptive_avg_pool2d(x, (1, 1))', 'x = torch.flatten(x, 1)', 'c:classifier'],
    'MobileNetV3': ['c:features', 'c:avgpool', 'x = torch.flatten(x, 1)', 'c:classifier'],
    'EfficientNet': ['c:features', 'c:avgpool', 'x = torch.flatten(x, 1)', 'c:classifier'],
    'SqueezeNet': ['c:features', 'c:classifier', 'x = torch.flatten(x, 1)'],
    'ShuffleNetV2': ['c:conv1', 'c:maxpool', 'c:stage2', 'c:stage3', 'c:stage4', 'c:conv5', 'x = x.mean([2, 3])', 'c:fc'],
    'MNASNet': ['c:layers', 'x = x.mean([2, 3])', 'c:classifier'],
    'RegNet': ['c:stem', 'c:trunk_output', 'c:avgpool', 'x = x.flatten(start_dim=1)', 'c:fc'],
    'ConvNeXt': ['c:features', 'c:avgpool', 'c:classifier'],
    # Eval mode: the auxiliary classifiers (aux1, aux2, AuxLogits) are built but not applied.
    'GoogLeNet': ['c:conv1', 'c:maxpool1', 'c:conv2', 'c:conv3', 'c:maxpool2', 'c:inception3a', 'c:inception3b', 'c:maxpool3',
                  'c:inception4a', 'c:inception4b', 'c:inception4c', 'c:inception4d', 'c:inception4e', 'c:maxpool4',
                  'c:inception5a', 'c:inception5b', 'c:avgpool', 'x = torch.flatten(x, 1)', 'c:dropout', 'c:fc'],
    'Inception3': ['c:Conv2d_1a_3x3', 'c:Conv2d_2a_3x3', 'c:Conv2d_2b_3x3', 'c:maxpool1', 'c:Conv2d_3b_1x1', 'c:Conv2d_4a_3x3',
                   'c:maxpool2', 'c:Mixed_5b', 'c:Mixed_5c', 'c:Mixed_5d', 'c:Mixed_6a', 'c:Mixed_6b', 'c:Mixed_6c', 'c:Mixed_6d',
                   'c:Mixed_6e', 'c:Mixed_7a', 'c:Mixed_7b', 'c:Mixed_7c', 'c:avgpool', 'c:dropout', 'x = torch.flatten(x, 1)', 'c:fc'],
}

# Layers of torch.nn whose repr is their constructor call.
LEAVES = (nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.ReLU6, nn.Hardswish, nn.Hardsigmoid, nn.SiLU, nn.GELU, nn.Sigmoid,
          nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.Linear, nn.Dropout, nn.Flatten, nn.Identity)

# Input sizes (H, W) every generated module is checked on.
SIZES = [(161, 129), (128, 128), (97, 97), (64, 64), (63, 65), (33, 33), (32, 32), (31, 47), (17, 17), (16, 16), (9, 11), (8, 8), (5, 5), (1, 1)]

WEIGHTS = {}


def leaf_source(m):
    text = 'nn.' + repr(m)
    rebuilt = eval(text, {'nn': nn})
    if repr(rebuilt) != repr(m) or type(rebuilt) is not type(m):
        raise ValueError('repr is not a constructor: ' + repr(m))
    return text


def is_sequential(m):
    return isinstance(m, nn.Sequential) and type(m).forward is nn.Sequential.forward


class Opaque(Exception):
    pass


def window_chain(block, channels_in, size):
    """The convolution and pooling windows the block's output size goes through, from one run."""
    runs = []

    def hook(mod, inputs, output):
        runs.append((mod, inputs[0].shape[-2:], output.shape[-2:]))

    handles = [m.register_forward_hook(hook) for m in block.modules() if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d))]
    with torch.no_grad():
        out = block(torch.zeros(1, channels_in, *size))
    for h in handles:
        h.remove()
    chain = []
    current = tuple(size)
    for mod, before, after in runs:
        before, after = tuple(before), tuple(after)
        if before == after or before != current:
            # Size kept, or a parallel branch (a shortcut's downsampling, a squeeze-excitation).
            continue
        if isinstance(mod, nn.AdaptiveAvgPool2d):
            continue
        pair = lambda v: v if isinstance(v, tuple) else (v, v)
        k, s, p = pair(mod.kernel_size), pair(mod.stride), pair(mod.padding)
        d = pair(mod.dilation) if hasattr(mod, 'dilation') else (1, 1)
        if isinstance(mod, nn.Conv2d) and isinstance(mod.padding, str):
            raise Opaque('string padding')
        if len({k[0], k[1]}) != 1 or len({s[0], s[1]}) != 1 or len({p[0], p[1]}) != 1 or len({d[0], d[1]}) != 1:
            raise Opaque('asymmetric window')
        ceil = 1 if getattr(mod, 'ceil_mode', False) else 0
        chain.append((k[0], s[0], p[0], d[0], ceil))
        current = after
    if tuple(out.shape[-2:]) != current:
        raise Opaque('chain does not reach the output')
    return chain, out.shape[1]


def chain_size(chain, n):
    for k, s, p, d, ceil in chain:
        span = n + 2 * p - d * (k - 1) - 1
        out = (-(-span // s) if ceil else span // s) + 1
        if ceil and (out - 1) * s >= n + p:
            out -= 1
        n = out
    return n


class Writer:
    def __init__(self):
        self.blocks = set()

    def module(self, m, channels_in, size):
        """Python source of a child, and its output channels (run once at `size` to learn them)."""
        if isinstance(m, LEAVES) and type(m).__module__.startswith('torch.nn'):
            with torch.no_grad():
                out = m(torch.zeros(1, channels_in, *size) if not isinstance(m, nn.Linear) else torch.zeros(1, m.in_features))
            return leaf_source(m), out.shape[1], tuple(out.shape[-2:]) if out.dim() == 4 else None
        if is_sequential(m):
            parts = []
            c, s = channels_in, size
            for name, child in m.named_children():
                src, c, s2 = self.module(child, c, s)
                s = s2 if s2 is not None else s
                parts.append((name, src))
            if all(name == str(i) for i, (name, _) in enumerate(parts)):
                inner = ', '.join(src for _, src in parts)
                return 'nn.Sequential(%s)' % inner, c, s
            inner = ', '.join('(%s, %s)' % (json.dumps(name), src) for name, src in parts)
            return 'nn.Sequential(OrderedDict([%s]))' % inner, c, s
        chain, c_out = window_chain(m, channels_in, size)
        cls = type(m).__name__
        self.blocks.add(cls)
        params = sum(p.numel() for p in m.parameters())
        spatial = ';'.join(','.join(str(v) for v in op) for op in chain)
        return '_tv.%s(%d, %d, %s, %d)' % (cls, channels_in, c_out, json.dumps(spatial), params), c_out, (chain_size(chain, size[0]), chain_size(chain, size[1]))


def unapplied_block(writer, m, channels_in):
    """A child the eval-mode forward does not apply (an auxiliary classifier): built for its
    parameters and its name, its output not modelled (spatial "?"). Its classifier's width follows
    `num_classes`, so its parameter count is written as a function of it."""
    cls = type(m).__name__
    writer.blocks.add(cls)
    params = sum(p.numel() for p in m.parameters())
    per_class = sum(l.in_features + (1 if l.bias is not None else 0) for l in m.modules() if isinstance(l, nn.Linear) and l.out_features == 1000)
    count = '%d + %d * (num_classes - 1000)' % (params, per_class) if per_class else '%d' % params
    return '_tv.%s(%d, 0, "?", %s)' % (cls, channels_in, count)


def head_leaf(model):
    """The last layer whose output is the 1000 classes: its width becomes `num_classes`."""
    found = None
    for _, m in model.named_modules():
        if isinstance(m, nn.Linear) and m.out_features == 1000:
            found = m
        if isinstance(m, nn.Conv2d) and m.out_channels == 1000:
            found = m
    return found


def child_inputs(model, size):
    """Each child's input (channels, size) in one training-mode run: the inputs of the children the
    eval-mode forward leaves out (an auxiliary classifier)."""
    found = {}

    def hook(name):
        def record(mod, inputs, output):
            found.setdefault(name, (inputs[0].shape[1], tuple(inputs[0].shape[-2:])))
        return record

    handles = [child.register_forward_hook(hook(n)) for n, child in model.named_children()]
    model.train()
    with torch.no_grad():
        model(torch.zeros(2, 3, *size))
    model.eval()
    for h in handles:
        h.remove()
    return found


def generate(name, model):
    family = type(model).__name__
    if family not in FORWARDS:
        raise Opaque('no forward for ' + family)
    head = head_leaf(model)
    writer = Writer()
    lines = []
    c, s = 3, BASE_SIZE.get(name, (224, 224))
    left_out = [n for n, _ in model.named_children() if 'c:' + n not in FORWARDS[family]]
    inputs = child_inputs(model, s) if left_out else {}
    for child_name, child in model.named_children():
        if child_name in left_out and child_name in inputs and not isinstance(child, LEAVES) and not is_sequential(child):
            lines.append('        self.%s = %s' % (child_name, unapplied_block(writer, child, inputs[child_name][0])))
            continue
        src, c2, s2 = writer.module(child, c, s)
        head_src = 'nn.' + repr(head)
        if head_src in src:
            width = 'out_features=1000' if isinstance(head, nn.Linear) else '%d, 1000,' % head.in_channels
            if src.count(head_src) != 1 or width not in head_src:
                raise Opaque('head not found once')
            src = src.replace(head_src, head_src.replace(width, width.replace('1000', 'num_classes')))
        lines.append('        self.%s = %s' % (child_name, src))
        if child_name in FORWARDS[family] or 'c:' + child_name in FORWARDS[family]:
            c = c2
            s = s2 if s2 is not None else s
    cls = '_' + name
    forward = []
    for step in FORWARDS[family]:
        forward.append('        x = self.%s(x)' % step[2:] if step.startswith('c:') else '        ' + step)
    source = ['class %s(nn.Module):' % cls, '    def __init__(self, num_classes=1000):', '        super().__init__()'] + lines
    source += ['', '    def forward(self, x):'] + forward + ['        return x']
    weights = weights_enum(name)
    source += ['', '', 'def %s(*, weights=None, progress=True, pretrained=False, num_classes=1000, **kwargs):' % name,
               '    if kwargs:', '        return _tv.unmodelled(kwargs)', '    return %s(num_classes=num_classes)' % cls]
    return '\n'.join(source), writer.blocks, family, weights


def weights_enum(name):
    try:
        w = tvm.get_model_weights(name)
    except Exception:
        return None
    return w.__name__, [m for m in w.__members__]


class StandIn(types.ModuleType):
    """`_tv` for checking the generated module: each opaque block answers with zeros of its predicted size."""

    def __getattr__(self, cls):
        if cls == 'unmodelled':
            raise AttributeError(cls)

        class Block(nn.Module):
            def __init__(self, c_in, c_out, spatial, params):
                super().__init__()
                self.c_in, self.c_out, self.params = c_in, c_out, params
                self.chain = None if spatial == '?' else [tuple(int(v) for v in op.split(',')) for op in spatial.split(';') if op]

            def forward(self, x):
                assert x.shape[1] == self.c_in and self.chain is not None
                return torch.zeros(x.shape[0], self.c_out, chain_size(self.chain, x.shape[2]), chain_size(self.chain, x.shape[3]))

        Block.__name__ = cls
        return Block


def check(name, source, num_classes, real, sizes):
    scope = {'nn': nn, 'torch': torch, 'F': nn.functional, 'OrderedDict': OrderedDict, '_tv': StandIn('_tv')}
    exec(source, scope)
    ours = scope[name](num_classes=num_classes).eval()
    # Parameters: leaves count their own, blocks the count they carry.
    count = sum(p.numel() for p in ours.parameters()) + sum(m.params for m in ours.modules() if hasattr(m, 'params'))
    if count != sum(p.numel() for p in real.parameters()):
        raise Opaque('parameters differ: %d vs %d' % (count, sum(p.numel() for p in real.parameters())))
    checked = 0
    for h, w in sizes:
        outs = {}
        for tag, m in (('real', real), ('ours', ours)):
            got = []
            handles = [child.register_forward_hook(lambda mod, i, o, got=got, n=n: got.append((n, tuple(o.shape)))) for n, child in m.named_modules() if n]
            try:
                with torch.no_grad():
                    y = m(torch.zeros(2, 3, h, w))
                got.append(('', tuple(y.shape)))
                outs[tag] = got
            except Exception as e:
                outs[tag] = 'error'
            for hd in handles:
                hd.remove()
        if outs['real'] == 'error':
            continue
        if outs['ours'] == 'error':
            raise Opaque('ours fails at %dx%d where torchvision runs' % (h, w))
        real_by = dict(outs['real'])
        for n, shape in outs['ours']:
            if n.count('.') > 1 and n not in real_by:
                continue
            if real_by.get(n) != shape:
                raise Opaque('%s at %dx%d: %s vs %s' % (n or 'output', h, w, shape, real_by.get(n)))
        checked += 1
    if checked < min(5, len(sizes)):
        raise Opaque('too few sizes run')
    return checked


def existing_table(path):
    """The models and blocks of a table this script wrote, by name."""
    models, blocks = {}, set()
    for line in open(path):
        if line.startswith('export const TORCHVISION_BLOCKS: string[] = '):
            blocks = set(json.loads(line.split(' = ', 1)[1].rstrip().rstrip(';')))
        elif line.startswith('  {"name": '):
            entry = json.loads(line.strip().rstrip(','))
            models[entry['name']] = entry
    return models, blocks


def main():
    only = None
    kept, blocks = {}, set()
    if '--only' in sys.argv:
        only = set(sys.argv[sys.argv.index('--only') + 1].split(','))
        kept, blocks = existing_table(sys.argv[sys.argv.index('--table') + 1])
    models = []
    for name in CONSTRUCTORS:
        if only is not None and name not in only:
            if name in kept:
                models.append(kept[name])
            continue
        try:
            model = getattr(tvm, name)(weights=None).eval()
            source, used, family, weights = generate(name, model)
            n = check(name, source, 1000, model, SIZES + EXTRA_SIZES.get(name, []))
            check(name, source, 10, getattr(tvm, name)(weights=None, num_classes=10).eval(), [BASE_SIZE.get(name, (64, 64))])
        except Opaque as e:
            print('left out %s: %s' % (name, e), file=sys.stderr)
            continue
        print('%s: checked on %d sizes' % (name, n), file=sys.stderr)
        blocks |= used
        models.append({'name': name, 'family': family, 'weights': weights, 'source': source})
    out = sys.stdout
    out.write('// Generated by scripts/truth/torchvision_models.py from torchvision %s (torch %s). Do not edit: run the script again.\n' % (torchvision.__version__, torch.__version__))
    out.write('// Each constructor: a Python module of our own that rebuilds the model\'s structure (children by their\n')
    out.write('// torchvision names, plain Sequentials kept, torch.nn layers as constructors, every other block as\n')
    out.write('// `_tv.<Class>(in_channels, out_channels, spatial windows "k,s,p,d,ceil;...", parameters)`, or "?" for a\n')
    out.write('// block the eval-mode forward does not apply, such as an auxiliary classifier: its output unknown), checked\n')
    out.write('// against the real model on every one of %d input sizes it accepts; its weights enum\'s name and members.\n\n' % len(SIZES))
    out.write('export interface TorchvisionModel {\n  name: string;\n  family: string;\n  weights: [string, string[]] | null;\n  source: string;\n}\n\n')
    out.write('export const TORCHVISION_BLOCKS: string[] = %s;\n\n' % json.dumps(sorted(blocks)))
    # Built when first asked for: evaluating it at every start cost the language server's and the CLI's load.
    out.write('let models: TorchvisionModel[] | undefined;\n\n')
    out.write('/** The table, built when first asked for: a file that uses no torchvision model never builds it. */\n')
    out.write('export function torchvisionModels(): TorchvisionModel[] {\n')
    out.write('  return (models ??= [\n')
    for m in models:
        out.write('  %s,\n' % json.dumps(m))
    out.write('  ]);\n}\n')


if __name__ == '__main__':
    main()
