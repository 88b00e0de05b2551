"""Runs the PyTorch code written by the Keras converter with the Keras model's weights and compares outputs.

scripts/verify-convert.ts writes one JSON file per model (the converted code, the TensorFlow.js
weights of each Keras layer, the layers of the Keras model with their weights, one input and the
Keras output) and a manifest. This script runs each converted module three ways and compares each
output with TensorFlow.js's:
- `port`: the weights moved by this script (Keras kernels HWIO -> PyTorch OIHW, Dense (in, out) ->
  (out, in), depthwise and separable kernels, batch-norm statistics, recurrent kernels with their
  gates reordered);
- `.weights.h5`: the module's own load_keras_weights reading a file written here as Keras 3 writes
  model.save_weights (keras/src/saving/saving_lib.py: a group per layer under `layers`, named by its
  snake-cased class and numbered per class in the order of model.layers, variables in `vars/0`,
  `vars/1`, ...; recurrent layers' under `cell`, Bidirectional's under forward_layer/cell and
  backward_layer/cell, a sub-model's layers under its `layers`);
- `.h5`: the same from a file written as Keras 2 writes it (tf_keras/saving/legacy/hdf5_format.py:
  the root's `layer_names`, a group per layer with `weight_names`, a sub-model's weights in one list).
Exit status 1 when a model differs by 1e-4 or more without a TODO saying it may.
"""

import json
import os
import re
import sys
import tempfile

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
        info = p.get("info") or {}
        values = list(w)
        gamma = values.pop(0) if info.get("scale", True) else None
        beta = values.pop(0) if info.get("center", True) else None
        if m.weight is not None:
            assign(m.weight, gamma if gamma is not None else np.ones(tuple(m.weight.shape), dtype=np.float32))
            assign(m.bias, beta if beta is not None else np.zeros(tuple(m.bias.shape), dtype=np.float32))
    elif kind == "prelu":
        # Keras's alpha has the input's layout without the batch axis: channels move first with it.
        alpha = w[0]
        if (p.get("info") or {}).get("channelsLast") and alpha.ndim > 1:
            alpha = np.moveaxis(alpha, -1, 0)
        assign(m.weight, alpha.reshape(tuple(m.weight.shape)))
    elif kind == "embedding":
        assign(m.weight, w[0])
    elif kind == "normalization":
        assign(m.mean, w[0].reshape(tuple(m.mean.shape)))
        assign(m.variance, w[1].reshape(tuple(m.variance.shape)))
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


def load_module(case):
    scope = {}
    exec(compile(case["code"], case["name"], "exec"), scope)
    model = scope[case["className"]]()
    model.eval()
    return model


def compare(model, case):
    """The largest |difference| between the module's outputs and Keras's, and the largest |Keras output|."""
    inputs = [torch.from_numpy(array(e)).long() if e.get("ids") else to_torch(array(e), case["layout"]) for e in case["inputs"]]
    with torch.no_grad():
        out = model(*inputs)
    outs = list(flatten(out))
    expected = [array(e) for e in case["outputs"]]
    if any(np.isnan(e).any() for e in expected):
        raise ValueError("the Keras output has NaN: the check proves nothing")
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


def run_case(case):
    model = load_module(case)
    for p in case["ports"]:
        port(model, p)
    return compare(model, case)


def snake_case(name):
    """Keras's to_snake_case of a class name."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def write_keras3(path, layers):
    import h5py

    def put_vars(group, weights):
        stored = group.create_group("vars")
        for i, w in enumerate(weights):
            stored.create_dataset(str(i), data=array(w))

    def put_layers(group, layers):
        used = {}
        for layer in layers:
            base = snake_case(layer["className"])
            used[base] = used.get(base, -1) + 1
            g = group.create_group(base if used[base] == 0 else f"{base}_{used[base]}")
            cls, weights = layer["className"], layer["weights"]
            if cls in ("Functional", "Sequential"):
                put_vars(g, [])
                put_layers(g.create_group("layers"), layer["layers"])
            elif cls in ("LSTM", "GRU", "SimpleRNN"):
                put_vars(g, [])
                put_vars(g.create_group("cell"), weights)
            elif cls == "Bidirectional":
                put_vars(g, [])
                half = len(weights) // 2
                put_vars(g.create_group("forward_layer").create_group("cell"), weights[:half])
                put_vars(g.create_group("backward_layer").create_group("cell"), weights[half:])
            elif cls == "TimeDistributed":
                put_vars(g, [])
                put_vars(g.create_group("layer"), weights)
            else:
                put_vars(g, weights)

    with h5py.File(path, "w") as f:
        put_layers(f.create_group("layers"), layers)
        f.create_group("vars")


def write_keras2(path, layers):
    import h5py

    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [l["name"].encode("utf8") for l in layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        for layer in sorted(layers, key=lambda l: l["name"]):
            g = f.create_group(layer["name"])
            names = [f"{layer['name']}/weight_{i}:0" for i in range(len(layer["weights"]))]
            g.attrs["weight_names"] = [n.encode("utf8") for n in names]
            for name, w in zip(names, layer["weights"]):
                g.create_dataset(name, data=array(w))


def run_loaded(case, writer, suffix):
    """The comparison after load_keras_weights reads a file that `writer` wrote from the Keras model's layers."""
    model = load_module(case)
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    try:
        writer(path, case["keras"])
        model.load_keras_weights(path)
    finally:
        os.unlink(path)
    return compare(model, case)


def main():
    manifest = json.load(open(sys.argv[1]))
    rows = []
    failed = 0
    known = 0
    for entry in manifest:
        if "skipped" in entry:
            rows.append((entry["name"], "skipped", "", "", "", entry["skipped"]))
            continue
        case = json.load(open(entry["file"]))
        diffs = []
        errors = []
        scale = 0.0
        for label, run in (("port", lambda: run_case(case)), (".weights.h5", lambda: run_loaded(case, write_keras3, ".weights.h5")), (".h5", lambda: run_loaded(case, write_keras2, ".h5"))):
            if label != "port" and not case.get("hasLoader"):
                diffs.append(None)
                continue
            try:
                worst, scale = run()
                diffs.append(worst)
            except Exception as e:  # noqa: BLE001 - one failing model must not hide the others
                diffs.append(float("nan"))
                errors.append(f"{label}: {str(e).splitlines()[0][:90]}")
        worst = max((d for d in diffs if d is not None), default=0.0)
        if errors:
            failed += 1
            result = "ERROR " + "; ".join(errors)
        elif worst < TOLERANCE:
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
        text = ["-" if d is None else ("error" if d != d else f"{d:.2e}") for d in diffs]
        rows.append((entry["name"], *text, f"{scale:.2e}", result))
    width = max(len(r[0]) for r in rows) if rows else 10
    # max |keras|: the largest Keras output, so that a tiny difference is seen against real values.
    print(f"{'model'.ljust(width)}  {'port':>9}  {'.weights.h5':>11}  {'.h5':>9}  {'max |keras|':>11}  result")
    for name, a, b, c, scale, result in rows:
        print(f"{name.ljust(width)}  {a:>9}  {b:>11}  {c:>9}  {scale:>11}  {result}")
    checked = sum(1 for r in rows if r[1] != "skipped")
    skipped = len(rows) - checked
    print(f"\n{checked} models checked ({skipped} skipped), {failed} failed, {known} differ where the conversion is marked TODO (tolerance {TOLERANCE:g}; port: weights moved by this script; .weights.h5 / .h5: read by the module's load_keras_weights)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
