"""Runs PyTorch fixture models in real PyTorch for scripts/verify-convert-keras.ts.

Reads a manifest of cases (fixture file, model name, input shapes, seed), builds each model from
its source with fixed random parameters and batch-norm statistics, runs one fixed input in eval
mode, and writes the state_dict, the inputs and the outputs as JSON beside the manifest. A case
that fails to build or run gets an "error" instead. With --load, it runs each converted Keras file's
load_torch_state_dict on those state_dicts with a stand-in model and writes the weights it sets.
Needs python3-torch (Debian), nothing else.
"""
import json
import sys

import torch
from torch import nn


def build(text, name):
    namespace = {"__name__": "fixture"}
    # A fixture that parses its command line at import (argparse) sees none, not this script's.
    argv, sys.argv = sys.argv, ["fixture.py"]
    try:
        exec(compile(text, "fixture.py", "exec"), namespace)
    except SystemExit as e:
        raise RuntimeError(f"the fixture exited ({e.code})") from e
    finally:
        sys.argv = argv
    obj = namespace[name]
    if isinstance(obj, nn.Module):
        return obj
    return obj()


def tensor_json(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": t.flatten().tolist()}


def flat_tensors(value):
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for item in value for t in flat_tensors(item)]
    return []


def run(case):
    torch.manual_seed(case["seed"])
    model = build(open(case["file"]).read(), case["model"])
    generator = torch.Generator().manual_seed(case["seed"])
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.running_mean is not None:
            module.running_mean.copy_(torch.rand(module.running_mean.shape, generator=generator) - 0.5)
            module.running_var.copy_(torch.rand(module.running_var.shape, generator=generator) + 0.5)
            if module.affine:
                module.weight.data.copy_(torch.rand(module.weight.shape, generator=generator) + 0.5)
                module.bias.data.copy_(torch.rand(module.bias.shape, generator=generator) - 0.5)
    model.eval()
    inputs = []
    for spec in case["inputs"]:
        if spec.get("ids"):
            inputs.append(torch.randint(0, spec["ids"], spec["shape"], generator=generator))
        else:
            inputs.append(torch.rand(spec["shape"], generator=generator) * 2 - 1)
    with torch.no_grad():
        outputs = flat_tensors(model(*inputs))
    return {
        "state": {k: tensor_json(v) for k, v in model.state_dict().items() if v.dtype.is_floating_point},
        "inputs": [tensor_json(t) for t in inputs],
        "outputs": [tensor_json(t) for t in outputs],
    }


class RecordingLayer:
    """Stands for a Keras layer: keeps what set_weights receives."""

    def __init__(self, name, store):
        self.name, self.store = name, store

    def set_weights(self, weights):
        self.store[self.name] = [tensor_json(torch.as_tensor(w)) for w in weights]


class RecordingModel:
    """Stands for the Keras model the converted code builds, for its load_torch_state_dict: get_layer(name)."""

    def __init__(self):
        self.weights = {}

    def get_layer(self, name):
        return RecordingLayer(name, self.weights)


def load_state_dict(case):
    """Runs the converted file's load_torch_state_dict (the file's last function: it needs only NumPy) on
    the PyTorch run's state_dict, with a stand-in model; writes the Keras weights it sets, by layer name."""
    code = open(case["code"]).read()
    start = code.index(f"def {case['loader']}(")
    namespace = {}
    exec(compile(code[start:], "converted.py", "exec"), namespace)
    run_result = json.load(open(case["torch"]))
    state = {k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]) for k, v in run_result["state"].items()}
    model = RecordingModel()
    namespace[case["loader"]](model, state)
    return model.weights


def main():
    if sys.argv[1] == "--load":
        for case in json.load(open(sys.argv[2])):
            try:
                result = {"weights": load_state_dict(case)}
            except Exception as e:  # noqa: BLE001 - any failure is reported for the case
                result = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:100] if str(e) else ''}"}
            json.dump(result, open(case["out"], "w"))
        return
    manifest = json.load(open(sys.argv[1]))
    for case in manifest:
        try:
            result = run(case)
        except Exception as e:  # noqa: BLE001 - any failure is reported for the case
            result = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:100] if str(e) else ''}"}
        json.dump(result, open(case["out"], "w"))


if __name__ == "__main__":
    main()
