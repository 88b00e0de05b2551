"""What each layer of a PyTorch model costs, counted with real PyTorch forward hooks.

torchinfo is not installed here, so its definitions are re-stated and applied to what really ran
(independently of the engine): every parameter counts once per output position, where a position is
  - for a class whose name holds "Conv": N times the output's spatial sizes (all axes but axis 1);
  - for a parameter named exactly `weight` or `bias`: the output's first axis;
  - for any other parameter (weight_ih_l0, in_proj_weight, self_attn.out_proj.weight): the product
    of the output's first two axes.
A layer's output bytes are the numel times the element size of its output (the first tensor of a
tuple); the forward/backward pass size is twice the output bytes of every layer with parameters;
the input size is the inputs' bytes; the params size the parameters' bytes, each tensor once.

A "layer" is an application of a torch.nn class that is not a container (Sequential, ModuleList,
ModuleDict) and is not called from inside another such layer (a TransformerEncoderLayer's own
self_attn), the unit the engine records. Each is keyed by the line of the file that built it.

Run:
  /usr/bin/python3 scripts/truth/costs_torch.py --fixtures > test/costs-truth.json
  /usr/bin/python3 scripts/truth/costs_torch.py --corpus ../shared/corpus   (JSON on stdout)
"""
import glob
import json
import os
import re
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
import fixtures_torch  # noqa: E402  (the fixtures' RUNS, SKIP and how their inputs are written)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'torch')
CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict)


def first_tensor(value):
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)):
        for item in value:
            t = first_tensor(item)
            if t is not None:
                return t
            return None
    return None


def product(values):
    p = 1
    for v in values:
        p *= v
    return p


def mult_adds(module, output_size):
    total = 0
    conv = 'Conv' in type(module).__name__
    for name, param in module.named_parameters():
        count = param.numel()
        if name in ('weight', 'bias'):
            if conv:
                total += count * product(output_size[:1] + output_size[2:])
            else:
                total += count * (output_size[0] if output_size else 1)
        elif 'weight' in name or 'bias' in name:
            total += count * product(output_size[:2])
    return total


def is_layer(module):
    cls = type(module)
    return cls.__module__.startswith('torch.nn.') and not isinstance(module, CONTAINERS)


class Costs:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.depth = 0
        self.layers = []

    # the line in the checked file that built the module (the fixtures' recorder reads it the same way)
    creation_line = fixtures_torch.Recorder.creation_line

    def install(self):
        rec = self
        original_init = nn.Module.__init__

        def init(module, *a, **k):
            original_init(module, *a, **k)
            if not hasattr(module, '_costs_line'):
                object.__setattr__(module, '_costs_line', rec.creation_line())

        nn.Module.__init__ = init

        def pre(module, inputs):
            if is_layer(module):
                rec.depth += 1

        def post(module, inputs, output):
            if not is_layer(module):
                return
            rec.depth -= 1
            if rec.depth > 0:
                return
            t = first_tensor(output)
            size = list(t.shape) if t is not None else []
            params = sum(p.numel() for p in module.parameters())
            rec.layers.append({
                'kind': type(module).__name__,
                'line': getattr(module, '_costs_line', None),
                'params': params,
                'multAdds': mult_adds(module, size),
                'outputBytes': t.numel() * t.element_size() if t is not None else 0,
            })

        h1 = torch.nn.modules.module.register_module_forward_pre_hook(pre)
        h2 = torch.nn.modules.module.register_module_forward_hook(post)
        return original_init, (h1, h2)


def find_target(text, name):
    """The model expression and the input shapes, as fixtures_torch reads them."""
    lines = text.split('\n')
    if name in fixtures_torch.RUNS:
        return fixtures_torch.RUNS[name]
    for i, l in enumerate(lines):
        m = re.match(r'#\s*input:\s*(.+)$', l.strip())
        if not m:
            continue
        inputs = fixtures_torch.parse_shape_list(m.group(1))
        k = i + 1
        model_expr = None
        while k < len(lines) and lines[k].strip().startswith('#'):
            mm = re.match(r'#\s*model:\s*(.+)$', lines[k].strip())
            model_expr = mm.group(1) if mm else model_expr
            k += 1
        for j in range(i - 1, -1, -1):
            if not lines[j].strip().startswith('#'):
                break
            mm = re.match(r'#\s*model:\s*(.+)$', lines[j].strip())
            model_expr = mm.group(1) if mm else model_expr
        decl = re.match(r'(?:class\s+(\w+)|def\s+(\w+)|(\w+)\s*=)', lines[k])
        if model_expr is None and decl is not None:
            model_expr = decl.group(1) + '()' if decl.group(1) else decl.group(2) + '()' if decl.group(2) else decl.group(3)
        return model_expr, inputs, {}
    flag = re.search(r'^# flag-input:\s*(.+)$', text, re.M)
    cls = re.search(r'^class\s+(\w+)\(', text, re.M)
    if flag and cls:
        return cls.group(1) + '()', fixtures_torch.parse_shape_list(flag.group(1)), {}
    return None


def measure(path):
    name = os.path.basename(path)
    text = open(path).read()
    if re.search(r'#\s*error:', text) or name in fixtures_torch.SKIP:
        return None
    target = find_target(text, name)
    if target is None or target[0] is None:
        return None
    model_expr, inputs, env = target
    dtype = re.search(r'^# input-dtype:\s*int64\s*\[(\d+),\s*(\d+)\)', text, re.M)
    costs = Costs(path)
    original_init, hooks = costs.install()
    namespace = {'__name__': '__main__', '__file__': path}
    saved_argv, sys.argv = sys.argv, [path]
    try:
        exec(compile(text, path, 'exec'), namespace)
        model = eval(model_expr, namespace)
        model.eval()
        torch.manual_seed(0)
        tensors = [torch.randint(int(dtype.group(1)), int(dtype.group(2)), s) if dtype else torch.randn(*s) for s in inputs]
        costs.layers = []
        costs.depth = 0
        with torch.no_grad():
            model(*tensors)
    except Exception as e:  # noqa: BLE001
        return {'error': f'{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ""}'}
    finally:
        sys.argv = saved_argv
        nn.Module.__init__ = original_init
        for h in hooks:
            h.remove()
    with_params = [l for l in costs.layers if l['params'] > 0]
    seen = set()
    param_bytes = 0
    for p in model.parameters():
        if id(p) not in seen:
            seen.add(id(p))
            param_bytes += p.numel() * p.element_size()
    input_bytes = sum(t.numel() * t.element_size() for t in tensors)
    forward_backward = 2 * sum(l['outputBytes'] for l in with_params)
    return {
        'env': env,
        'input': [list(s) for s in inputs],
        'layers': costs.layers,
        'totals': {
            'multAdds': sum(l['multAdds'] for l in costs.layers),
            'inputBytes': input_bytes,
            'forwardBackwardBytes': forward_backward,
            'paramBytes': param_bytes,
            'totalBytes': input_bytes + forward_backward + param_bytes,
        },
    }


def main():
    fixtures_torch.install_summary_stubs()
    args = sys.argv[1:]
    if args[:1] == ['--corpus']:
        root = args[1] if len(args) > 1 else os.path.join(HERE, '..', '..', '..', 'shared', 'corpus')
        paths = sorted(glob.glob(os.path.join(root, 'cases', 'torch', '*.py')))
    else:
        paths = sorted(glob.glob(os.path.join(FIXTURES, '*.py')))
        names = [a for a in args if not a.startswith('--')]
        if names:
            paths = [p for p in paths if os.path.basename(p) in names or os.path.basename(p)[:-3] in names]
    out = {}
    for p in paths:
        r = measure(p)
        if r is not None and 'error' not in r and r['layers']:
            out[os.path.basename(p)] = r
        elif r is not None and 'error' in r:
            print(f'{os.path.basename(p)}: {r["error"]}', file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == '__main__':
    main()
