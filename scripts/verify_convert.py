"""Runs the PyTorch code written by the Keras converter with the Keras model's weights and compares outputs.

scripts/verify-convert.ts writes one JSON file per model (the converted code, the TensorFlow.js
weights of each Keras layer, one input and the Keras output) and a manifest; this script loads each
module, moves the weights across (Keras kernels HWIO -> PyTorch OIHW, Dense (in, out) -> (out, in),
depthwise and separable kernels, batch-norm statistics), runs it and prints a table of the largest
absolute differences. Exit status 1 when a model differs by 1e-4 or more.
"""

import json
import sys

import numpy as np
import torch

TOLERANCE = 1e-4


def array(exported):
    return np.asarray(exported["data"], dtype=np.float32).reshape(exported["shape"])


def conv_kernel(k):
    """Keras (*kernel, in, out) -> PyTorch (out, in, *kernel)."""
    n = k.ndim - 2
    return np.transpose(k, (n + 1, n) + tuple(range(n)))


def conv_transpose_kernel(k):
    """Keras (*kernel, out, in) -> PyTorch (in, out, *kernel)."""
    n = k.ndim - 2
    return np.transpose(k, (n + 1, n) + tuple(range(n)))


def depthwise_kernel(k):
    """Keras (*kernel, in, multiplier) -> PyTorch (in * multiplier, 1, *kernel)."""
    n = k.ndim - 2
    spatial = k.shape[:n]
    flat = k.reshape(spatial + (k.shape[n] * k.shape[n + 1],))
    return np.transpose(flat, (n,) + tuple(range(n)))[:, None]


def assign(param, value):
    value = torch.from_numpy(np.ascontiguousarray(value))
    if tuple(param.shape) != tuple(value.shape):
        raise ValueError(f"shape {tuple(value.shape)} does not fit {tuple(param.shape)}")
    with torch.no_grad():
        param.copy_(value)


def port(model, p):
    w = [array(e) for e in p["weights"]]
    modules = [model.get_submodule(path) for path in p["paths"]]
    kind = p["kind"]
    m = modules[0]
    if kind == "conv":
        assign(m.weight, conv_kernel(w[0]))
        if len(w) > 1:
            assign(m.bias, w[1])
    elif kind == "conv_transpose":
        assign(m.weight, conv_transpose_kernel(w[0]))
        if len(w) > 1:
            assign(m.bias, w[1])
    elif kind == "depthwise":
        assign(m.weight, depthwise_kernel(w[0]))
        if len(w) > 1:
            assign(m.bias, w[1])
    elif kind == "separable_depthwise":
        assign(m.weight, depthwise_kernel(w[0]))
        assign(modules[1].weight, conv_kernel(w[1]))
        if len(w) > 2:
            assign(modules[1].bias, w[2])
    elif kind == "dense":
        assign(m.weight, w[0].T)
        if len(w) > 1:
            assign(m.bias, w[1])
    elif kind == "batchnorm":
        info = p.get("info") or {}
        values = list(w)
        gamma = values.pop(0) if info.get("scale", True) else None
        beta = values.pop(0) if info.get("center", True) else None
        mean, var = values
        if m.affine:
            assign(m.weight, gamma if gamma is not None else np.ones_like(mean))
            assign(m.bias, beta if beta is not None else np.zeros_like(mean))
        assign(m.running_mean, mean)
        assign(m.running_var, var)
    elif kind == "layernorm":
        assign(m.weight, w[0])
        assign(m.bias, w[1])
    elif kind == "prelu":
        assign(m.weight, w[0].reshape(-1))
    elif kind == "embedding":
        assign(m.weight, w[0])
    else:
        raise ValueError(f"unknown weight kind {kind}")


def to_torch(x, layout):
    t = torch.from_numpy(x)
    return t.movedim(-1, 1) if layout == "last" and t.ndim >= 3 else t


def to_keras(t, layout):
    return t.movedim(1, -1) if layout == "last" and t.ndim >= 3 else t


def run_case(case):
    scope = {}
    exec(compile(case["code"], case["name"], "exec"), scope)
    model = scope[case["className"]]()
    model.eval()
    for p in case["ports"]:
        port(model, p)
    inputs = [to_torch(array(e), case["layout"]) for e in case["inputs"]]
    with torch.no_grad():
        out = model(*inputs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    expected = [array(e) for e in case["outputs"]]
    if len(outs) != len(expected):
        raise ValueError(f"{len(outs)} outputs, Keras has {len(expected)}")
    worst = 0.0
    for got, want in zip(outs, expected):
        got = to_keras(got, case["layout"]).numpy()
        if got.shape != want.shape:
            raise ValueError(f"output shape {got.shape}, Keras {want.shape}")
        worst = max(worst, float(np.max(np.abs(got - want))) if want.size else 0.0)
    return worst


def main():
    manifest = json.load(open(sys.argv[1]))
    rows = []
    failed = 0
    for entry in manifest:
        if "skipped" in entry:
            rows.append((entry["name"], "skipped", entry["skipped"]))
            continue
        case = json.load(open(entry["file"]))
        try:
            worst = run_case(case)
            ok = worst < TOLERANCE
            failed += 0 if ok else 1
            result = "ok" if ok else "DIFFERS"
            if entry.get("note"):
                result += f" ({entry['note']})"
            rows.append((entry["name"], f"{worst:.2e}", result))
        except Exception as e:  # noqa: BLE001 - one failing model must not hide the others
            failed += 1
            rows.append((entry["name"], "error", str(e).splitlines()[0][:100]))
    width = max(len(r[0]) for r in rows) if rows else 10
    print(f"{'model'.ljust(width)}  {'max |diff|':>10}  result")
    for name, diff, result in rows:
        print(f"{name.ljust(width)}  {diff:>10}  {result}")
    checked = sum(1 for r in rows if r[1] not in ("skipped",))
    print(f"\n{checked} models checked, {failed} failed (tolerance {TOLERANCE:g})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
