"""Checks the PyTorch fixtures (test/fixtures/torch/*.py) against real PyTorch.

Each fixture is run for real: its `# input:` / `# model:` comment, its `# flag-input:` line, its
own example calls, or an entry of RUNS below supply the model and input. While it runs, every
module's output is recorded against the fixture line that constructed it, and every tensor a
line assigns inside the fixture is recorded against that line. Then each `# shape:` comment must
match one of the shapes seen on its line (with N, H, W, ... bound as RUNS says), each `# params:`
comment the parameter count of the module built there (on a `class` line: of its instance), each
`# name:` comment the path (in the model's named_modules()) of a module built there, and a fixture with `# error:` comments
must make PyTorch raise. Fixtures listed in SKIP are not PyTorch programs (broken or unknown code).

Run: /usr/bin/python3 scripts/truth/fixtures_torch.py [fixture names...]
"""
import glob
import os
import re
import sys
import traceback

import torch
import torch.nn as nn

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'torch')

# Fixtures whose model the engine runs symbolically: how to run it for real, and the symbol values.
RUNS = {
    'article_symbolic.py': ('CNN_NN()', [(3, 1, 28, 28)], {'N': 3}),
    'sequential_module_level.py': ('model', [(3, 1, 28, 28)], {'N': 3}),
    'factory_function.py': ('ResNetLite()', [(3, 3, 20, 12)], {'N': 3, 'H': 20, 'W': 12}),
    'source_symbolic_expr.py': ('FCN()', [(3, 3, 21, 30)], {'N': 3, 'H': 21, 'W': 30}),
    'source_inferred_linear.py': ('Net()', [(3, 3, 32, 32)], {'N': 3}),
    'err_symbolic_channels.py': ('Net()', [(2, 3, 10, 12)], {'N': 2, 'H': 10, 'W': 12}),
    'correct_view_batch_dynamic.py': ('MnistNet()', [(3, 1, 28, 28)], {'N': 3}),
    'argparse_hyperparameters.py': ('Generator()', [(3, 100)], {'N': 3}),
    'example_in_uncalled_test.py': ("VGG('small')", [(2, 3, 32, 32)], {}),
    'torchvision_style_factory.py': ('net_small()', [(2, 3, 15, 12)], {'N': 2, 'H': 15, 'W': 12}),
    'inferred_size_ambiguous.py': ('Net()', [(2, 3, 30, 27)], {'N': 2, 'H': 30, 'W': 27}),
    'cifar_option_a_shortcut.py': ('TinyResNet()', [(2, 3, 9, 14)], {'N': 2, 'H': 9, 'W': 14}),
    'causal_conv_chomp.py': ('TCN()', [(2, 3, 11)], {'N': 2, 'L': 11}),
    'groupnorm_first_3d.py': ('Stage()', [(2, 8, 6, 10, 12)], {'N': 2, 'D': 6, 'H': 10, 'W': 12}),
    'normalised_input_symbolic.py': ('SR()', [(2, 3, 12, 10)], {'N': 2, 'H': 12, 'W': 10}),
    'linear_first_sequence_rank.py': ('Scorer()', [(2, 5, 4)], {'N': 2, 'L': 5}),
    # The script runs its own training loop (one batch of 16); only the symbol is bound here.
    'training_loop_examples.py': (None, None, {'N': 16}),
    # The last model's batch goes through a Lambda transform: (5, 3, 4, 8).
    'dataloader_torchvision_datasets.py': (None, None, {'N': 5, 'H': 4, 'W': 8}),
    # A batch size scaled by the GPU count: 64 on this machine, which has none.
    'dataloader_unknown_batch_size.py': (None, None, {'N': 64}),
}

# Not runnable programs (broken syntax, other libraries, deliberate hangs): nothing to check.
SKIP = {'bad_broken_syntax.py', 'bad_half_typed.py', 'bad_unknown_library.py', 'bad_odd_arguments.py', 'bad_recursion.py', 'bad_huge_loop.py', 'bad_unclosed_in_sequential_file.py'}


def install_summary_stubs():
    # torchinfo / torchsummary may be missing: stand-ins that run the model on the size given.
    import types

    def torchinfo_summary(model, input_size=None, **kwargs):
        model(torch.randn(*input_size))

    def torchsummary_summary(model, input_size, batch_size=-1, device='cpu'):
        # torchsummary runs a batch of 2 and prints -1; the engine's convention is a batch of 1.
        model(torch.randn(1, *input_size))

    for name, fn in (('torchinfo', torchinfo_summary), ('torchsummary', torchsummary_summary)):
        if name not in sys.modules:
            m = types.ModuleType(name)
            m.summary = fn
            sys.modules[name] = m

    # torch before 2.0 has no F.scaled_dot_product_attention: its documented computation (eval
    # mode, no dropout), which gives the shapes the fixtures check.
    if not hasattr(torch.nn.functional, 'scaled_dot_product_attention'):
        def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
            weights = query @ key.transpose(-2, -1) * (query.size(-1) ** -0.5 if scale is None else scale)
            if attn_mask is not None:
                weights = weights.masked_fill(~attn_mask, float('-inf')) if attn_mask.dtype == torch.bool else weights + attn_mask
            return weights.softmax(dim=-1) @ value

        torch.nn.functional.scaled_dot_product_attention = scaled_dot_product_attention

    # timm may be missing: its few layers that fixtures import, with timm's eval-mode behaviour
    # (DropPath is the identity, the initialisers return their tensor, to_2tuple repeats a number).
    try:
        import timm  # noqa: F401
    except ImportError:
        class DropPath(nn.Module):
            def __init__(self, drop_prob=0., scale_by_keep=True):
                super().__init__()
                self.drop_prob = drop_prob

            def forward(self, x):
                return x

        layers = types.ModuleType('timm.models.layers')
        layers.DropPath = DropPath
        layers.trunc_normal_ = lambda tensor, mean=0., std=1., a=-2., b=2.: tensor
        layers.to_2tuple = lambda x: tuple(x) if isinstance(x, (list, tuple)) else (x, x)
        registry = types.ModuleType('timm.models.registry')
        registry.register_model = lambda fn: fn
        models = types.ModuleType('timm.models')
        models.layers, models.registry, models.register_model = layers, registry, registry.register_model
        timm = types.ModuleType('timm')
        timm.models = models
        sys.modules.update({'timm': timm, 'timm.models': models, 'timm.models.layers': layers, 'timm.layers': layers, 'timm.models.registry': registry})


def install_dataset_stubs():
    # torchvision's downloaded datasets cannot be fetched here: stand-ins of the documented image
    # size, mode and split lengths (FakeData makes PIL images of that mode), so that the fixtures'
    # transforms, DataLoader and collation run for real.
    import torchvision

    def fake(c, h, w, train_len, test_len):
        def make(root, train=True, transform=None, target_transform=None, download=False):
            return torchvision.datasets.FakeData(size=train_len if train else test_len, image_size=(c, h, w), num_classes=10,
                                                 transform=transform, target_transform=target_transform)
        return make

    # A photo the fixture names but does not have: 500 x 375 RGBA (its size and mode must not matter
    # where the fixture's transforms fix them).
    from PIL import Image
    real_open = Image.open
    Image.open = lambda fp, *a, **k: real_open(fp, *a, **k) if os.path.exists(str(fp)) else Image.new('RGBA', (500, 375))

    torchvision.datasets.MNIST = fake(1, 28, 28, 60000, 10000)
    torchvision.datasets.FashionMNIST = fake(1, 28, 28, 60000, 10000)
    torchvision.datasets.CIFAR10 = fake(3, 32, 32, 50000, 10000)
    torchvision.datasets.CIFAR100 = fake(3, 32, 32, 50000, 10000)


def install_lightning_stub():
    # PyTorch Lightning is not installed here: a stand-in with the documented order of a Trainer's
    # fit/validate/test/predict (prepare_data, setup(stage), the loader hook, then the step on each
    # batch: here the first), so that the fixtures' modules, loaders and steps run for real.
    import sys
    import types
    import torch.nn as nn

    class LightningModule(nn.Module):
        pass

    class LightningDataModule:
        def prepare_data(self):
            pass

        def setup(self, stage=None):
            pass

    runs = {'fit': ('training_step', 'train_dataloader', 'train_dataloaders', 'fit'),
            'validate': ('validation_step', 'val_dataloader', 'dataloaders', 'validate'),
            'test': ('test_step', 'test_dataloader', 'dataloaders', 'test'),
            'predict': ('predict_step', 'predict_dataloader', 'dataloaders', 'predict')}

    class Trainer:
        def __init__(self, *args, **kwargs):
            pass

        def _run(self, method, model, loader=None, datamodule=None, **kwargs):
            step, hook, keyword, stage = runs[method]
            loader = kwargs.get(keyword, loader)
            if isinstance(loader, LightningDataModule):
                datamodule, loader = loader, None
            if loader is None and datamodule is not None:
                datamodule.prepare_data()
                datamodule.setup(stage)
                loader = getattr(datamodule, hook)()
            if loader is None:
                loader = getattr(model, hook)()
            batch = next(iter(loader))
            getattr(model, step)(batch, 0)

    for method in runs:
        setattr(Trainer, method, lambda self, model=None, *a, _m=method, **k: self._run(_m, model, *a, **k))
    for name in ('lightning', 'pytorch_lightning'):
        module = types.ModuleType(name)
        module.LightningModule = LightningModule
        module.LightningDataModule = LightningDataModule
        module.Trainer = Trainer
        sys.modules[name] = module


def parse_shape_list(text):
    return [tuple(int(d) for d in m.split(',') if d.strip()) for m in re.findall(r'\(([^()]*)\)', text)]


class Recorder:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.built = {}      # line -> [module]
        self.outputs = {}    # line -> [shape]
        self.assigned = {}   # line -> [shape]

    def creation_line(self, module=None):
        # The fixture line that builds the module: a layer subclass's own `super().__init__(...)`
        # (an __init__ running on this very module) is passed over for the line that built it.
        f = sys._getframe(2)
        while f is not None:
            if os.path.abspath(f.f_code.co_filename) == self.path and not (f.f_code.co_name == '__init__' and f.f_locals.get('self') is module):
                return f.f_lineno
            f = f.f_back
        return None

    def install(self):
        rec = self
        original_init = nn.Module.__init__

        def init(module, *a, **k):
            original_init(module, *a, **k)
            if not hasattr(module, '_fixture_line'):
                object.__setattr__(module, '_fixture_line', rec.creation_line(module))
                rec.built.setdefault(module._fixture_line, []).append(module)

        nn.Module.__init__ = init

        def hook(module, inputs, output):
            line = getattr(module, '_fixture_line', None)
            if line is not None:
                rec.outputs.setdefault(line, []).append(shape_of(output))

        torch.nn.modules.module.register_module_forward_hook(hook)
        sys.settrace(self.trace)

    def trace(self, frame, event, arg):
        if os.path.abspath(frame.f_code.co_filename) != self.path:
            return None
        state = {'line': None, 'locals': {}}

        def local(frame, event, arg):
            if state['line'] is not None:
                for k, v in frame.f_locals.items():
                    s = shape_of(v)
                    if s is not None and state['locals'].get(k) is not v:
                        self.assigned.setdefault(state['line'], []).append(s)
            if event == 'return' and shape_of(arg) is not None:
                self.assigned.setdefault(frame.f_lineno, []).append(shape_of(arg))
            state['line'] = frame.f_lineno
            state['locals'] = dict(frame.f_locals)
            return local
        return local


def shape_of(v):
    if isinstance(v, torch.Tensor):
        return tuple(v.shape)
    if isinstance(v, (tuple, list)) and v and all(shape_of(i) is not None for i in v):
        return tuple(shape_of(i) for i in v)
    return None


def expected_value(text, env):
    body = text.strip().replace('?', 'None')
    try:
        return eval(body, {}, dict(env))
    except Exception:
        return 'unparsable'


def matches(expected, got):
    if expected is None:
        return True
    if isinstance(expected, int):
        return expected == got or got == (expected,)
    if not isinstance(expected, tuple) or not isinstance(got, tuple) or len(expected) != len(got):
        return False
    return all(matches(e, g) for e, g in zip(expected, got))


def check(path):
    name = os.path.basename(path)
    if name in SKIP:
        return 'skipped'
    text = open(path).read()
    lines = text.split('\n')
    rec = Recorder(path)
    namespace = {'__name__': '__main__', '__file__': path}
    error = None
    env = {}
    model = None
    old_init = nn.Module.__init__
    try:
        rec.install()
        code = compile(text, path, 'exec')
        # Run as a script without command-line flags (argparse reads its defaults).
        saved_argv, sys.argv = sys.argv, [path]
        try:
            exec(code, namespace)
        finally:
            sys.argv = saved_argv
        run = RUNS.get(name)
        inputs = None
        target = None
        flag = re.search(r'^# flag-input:\s*(.+)$', text, re.M)
        for i, l in enumerate(lines):
            m = re.match(r'#\s*input:\s*(.+)$', l.strip())
            if m:
                inputs = parse_shape_list(m.group(1))
                k = i + 1
                model_expr = None
                while k < len(lines) and lines[k].strip().startswith('#'):
                    mm = re.match(r'#\s*model:\s*(.+)$', lines[k].strip())
                    if mm:
                        model_expr = mm.group(1)
                    k += 1
                for j in range(i - 1, -1, -1):
                    if not lines[j].strip().startswith('#'):
                        break
                    mm = re.match(r'#\s*model:\s*(.+)$', lines[j].strip())
                    if mm:
                        model_expr = mm.group(1)
                decl = re.match(r'(?:class\s+(\w+)|(\w+)\s*=)', lines[k])
                target = model_expr or (decl.group(1) + '()' if decl.group(1) else decl.group(2))
                break
        if run:
            target, inputs, env = run
        elif inputs is None and flag:
            inputs = parse_shape_list(flag.group(1))
            cls = [n for n, v in namespace.items() if isinstance(v, type) and issubclass(v, nn.Module) and v.__module__ is None or False]
            target = re.search(r'^class\s+(\w+)\(', text, re.M).group(1) + '()'
        if target is not None:
            model = eval(target, namespace)
            model(*[torch.randn(*s) for s in inputs])
    except Exception as e:  # noqa: BLE001
        error = e
    finally:
        sys.settrace(None)
        nn.Module.__init__ = old_init
    problems = []
    wants_error = any(re.search(r'#\s*error:', l) for l in lines)
    if wants_error and error is None:
        problems.append('expected PyTorch to raise, but it ran')
    if error is not None and not wants_error:
        problems.append(f'PyTorch raised: {type(error).__name__}: {error}')
    for i, l in enumerate(lines, start=1):
        m = re.search(r'#\s*shape:\s*([^#]*)', l)
        if m:
            want = expected_value(m.group(1), env)
            seen = rec.assigned.get(i, []) + rec.outputs.get(i, [])
            if not seen:
                if not error:
                    problems.append(f'line {i}: nothing seen, expected {m.group(1).strip()}')
            elif not any(matches(want, s) for s in seen):
                problems.append(f'line {i}: expected {m.group(1).strip()}, PyTorch gave {sorted(set(map(str, seen)))}')
        m = re.search(r'#\s*name:\s*(\S+)', l)
        if m:
            paths = {id(mod): n for n, mod in model.named_modules()} if isinstance(model, nn.Module) else {}
            got = [paths.get(id(mod)) for mod in rec.built.get(i, [])]
            if m.group(1) not in got:
                problems.append(f'line {i}: expected a module named {m.group(1)}, PyTorch gave {got}')
        m = re.search(r'#\s*params:\s*(\d+)', l)
        if m:
            mods = rec.built.get(i, [])
            cls = re.match(r'\s*class\s+(\w+)', l)
            if not mods and cls:
                # On a model's `class` line: the total of its (last built) instance.
                mods = [mod for ms in rec.built.values() for mod in ms if type(mod).__name__ == cls.group(1)]
            counts = {sum(p.numel() for p in mod.parameters()) for mod in mods[-1:]}
            if int(m.group(1)) not in counts:
                problems.append(f'line {i}: expected params {m.group(1)}, PyTorch gave {counts}')
    if error is not None and wants_error:
        problems.append(f'(ok: raised {type(error).__name__}: {str(error).splitlines()[0][:160]})')
    return problems


def main():
    install_summary_stubs()
    install_dataset_stubs()
    install_lightning_stub()
    names = sys.argv[1:]
    paths = sorted(glob.glob(os.path.join(ROOT, '*.py')))
    if names:
        paths = [p for p in paths if os.path.basename(p) in names or os.path.basename(p)[:-3] in names]
    bad = 0
    for p in paths:
        try:
            problems = check(p)
        except Exception:  # noqa: BLE001
            problems = ['checker failed: ' + traceback.format_exc().splitlines()[-1]]
        if problems == 'skipped':
            print(f'SKIP {os.path.basename(p)}')
            continue
        real = [x for x in problems if not x.startswith('(ok')]
        bad += bool(real)
        print(f'{"FAIL" if real else "ok  "} {os.path.basename(p)}')
        for x in problems:
            print('     ' + x)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
