# Truth for `npm run eval:libraries`: builds each named torchvision model (weights=None, eval mode),
# runs one image through it and prints, as JSON, every leaf layer of torch.nn it applied: its name
# (as named_modules spells it), type and output shape, in the order they ran; and the parameter count.
# Run with: /usr/bin/python3 scripts/truth/torchvision_layers.py resnet18,vgg16,...
import json
import sys

import torch
import torchvision

SIZES = {'inception_v3': 299}


def main(names):
    out = {}
    for name in names:
        size = SIZES.get(name, 224)
        model = getattr(torchvision.models, name)(weights=None)
        model.eval()
        paths = {m: p for p, m in model.named_modules()}
        layers = []

        def hook(module, inputs, output):
            # The framework's own layers: a module the library defines (Permute, StochasticDepth) is
            # read as source, and its operations are what the engine records.
            if len(list(module.children())) > 0 or isinstance(module, (torch.nn.Sequential, torch.nn.ModuleList, torch.nn.ModuleDict)):
                return
            if not type(module).__module__.startswith('torch.'):
                return
            layers.append({'name': paths.get(module), 'kind': type(module).__name__, 'output': list(output.shape) if torch.is_tensor(output) else None})

        handles = [m.register_forward_hook(hook) for m in model.modules()]
        with torch.no_grad():
            model(torch.randn(1, 3, size, size))
        for h in handles:
            h.remove()
        out[name] = {'size': size, 'layers': layers, 'params': sum(p.numel() for p in model.parameters())}
    json.dump({'torch': torch.__version__, 'torchvision': torchvision.__version__, 'models': out}, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1].split(','))
