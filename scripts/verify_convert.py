"""Runs the PyTorch code written by the Keras converter with the Keras model's weights and compares outputs.

scripts/verify-convert.ts writes one JSON file per model (the converted code, the TensorFlow.js
weights of each Keras layer, one input and the Keras output) and a manifest; this script loads each
module, moves the weights across (Keras kernels HWIO -> PyTorch OIHW, Dense (in, out) -> (out, in),
depthwise and separable kernels, batch-norm statistics, recurrent kernels with their gates
reordered), runs it and prints a table of the largest
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


def gates(a, order, count):
    """Reorders the gate blocks along the last axis: `order` lists, for each PyTorch gate, its Keras position."""
    blocks = np.split(a, count, axis=-1)
    return np.concatenate([blocks[i] for i in order], axis=-1)


# Keras gate order -> PyTorch's: LSTM i, f, c, o is already i, f, g, o; GRU z, r, h becomes r, z, n.
GATES = {"lstm": ((0, 1, 2, 3), 4), "gru": ((1, 0, 2), 3), "rnn": ((0,), 1)}


def port_recurrent(m, kind, w, info):
    """Keras kernel (in, gates*units), recurrent_kernel (units, gates*units) and bias, per direction
    (forward first), into weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (and *_reverse).

    Keras has one bias except GRU with reset_after=True, whose bias (2, 3*units) holds the input
    bias and the recurrent bias, exactly PyTorch's bias_ih and bias_hh."""
    order, count = GATES[kind]
    use_bias = info.get("useBias", True)
    per_direction = 3 if use_bias else 2
    directions = ["_l0", "_l0_reverse"] if info.get("bidirectional") else ["_l0"]
    if len(w) != per_direction * len(directions):
        raise ValueError(f"{len(w)} Keras weights for {len(directions)} direction(s) of {kind}")
    for d, suffix in enumerate(directions):
        kernel, recurrent = w[d * per_direction], w[d * per_direction + 1]
        assign(getattr(m, "weight_ih" + suffix), gates(kernel, order, count).T)
        assign(getattr(m, "weight_hh" + suffix), gates(recurrent, order, count).T)
        if not use_bias:
            continue
        bias = w[d * per_direction + 2]
        if bias.ndim == 2:
            assign(getattr(m, "bias_ih" + suffix), gates(bias[0], order, count))
            assign(getattr(m, "bias_hh" + suffix), gates(bias[1], order, count))
        else:
            assign(getattr(m, "bias_ih" + suffix), gates(bias, order, count))
            assign(getattr(m, "bias_hh" + suffix), np.zeros_like(bias))


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
    elif kind in GATES:
        port_recurrent(m, kind, w, p.get("info") or {})
    else:
        raise ValueError(f"unknown weight kind {kind}")


def to_torch(x, layout):
    t = torch.from_numpy(x)
    return t.movedim(-1, 1) if layout == "last" and t.ndim >= 3 else t


def to_keras(t, layout):
    return t.movedim(1, -1) if layout == "last" and t.ndim >= 3 else t


def flatten(out):
    """The tensors of a model output, nested tuples (a layer's output and states) flattened in order."""
    if isinstance(out, (tuple, list)):
        for item in out:
            yield from flatten(item)
    else:
        yield out


def run_case(case):
    scope = {}
    exec(compile(case["code"], case["name"], "exec"), scope)
    model = scope[case["className"]]()
    model.eval()
    for p in case["ports"]:
        port(model, p)
    inputs = [torch.from_numpy(array(e)).long() if e.get("ids") else to_torch(array(e), case["layout"]) for e in case["inputs"]]
    with torch.no_grad():
        out = model(*inputs)
    outs = list(flatten(out))
    expected = [array(e) for e in case["outputs"]]
    if len(outs) != len(expected):
        raise ValueError(f"{len(outs)} outputs, Keras has {len(expected)}")
    worst = 0.0
    scale = max((float(np.max(np.abs(want))) for want in expected if want.size), default=0.0)
    for got, want in zip(outs, expected):
        got = to_keras(got, case["layout"]).numpy()
        if got.shape != want.shape:
            raise ValueError(f"output shape {got.shape}, Keras {want.shape}")
        worst = max(worst, float(np.max(np.abs(got - want))) if want.size else 0.0)
    return worst, scale


def main():
    manifest = json.load(open(sys.argv[1]))
    rows = []
    failed = 0
    known = 0
    for entry in manifest:
        if "skipped" in entry:
            rows.append((entry["name"], "skipped", "", entry["skipped"]))
            continue
        case = json.load(open(entry["file"]))
        try:
            worst, scale = run_case(case)
            ok = worst < TOLERANCE
            if ok:
                result = "ok"
            elif entry.get("todo"):
                # The converter said this model is not exactly the Keras one: shown, not failed.
                known += 1
                result = f"differs as its TODO says: {entry['todo'][:140]}"
            else:
                failed += 1
                result = "DIFFERS"
            if entry.get("note"):
                result += f" ({entry['note']})"
            rows.append((entry["name"], f"{worst:.2e}", f"{scale:.2e}", result))
        except Exception as e:  # noqa: BLE001 - one failing model must not hide the others
            failed += 1
            rows.append((entry["name"], "error", "", str(e).splitlines()[0][:100]))
    width = max(len(r[0]) for r in rows) if rows else 10
    # max |keras|: the largest Keras output, so that a tiny difference is seen against real values.
    print(f"{'model'.ljust(width)}  {'max |diff|':>10}  {'max |keras|':>11}  result")
    for name, diff, scale, result in rows:
        print(f"{name.ljust(width)}  {diff:>10}  {scale:>11}  {result}")
    checked = sum(1 for r in rows if r[1] not in ("skipped",))
    print(f"\n{checked} models checked, {failed} failed, {known} differ where the conversion is marked TODO (tolerance {TOLERANCE:g})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
