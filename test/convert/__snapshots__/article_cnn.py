import torch
from torch import nn


class ChannelsLastFlatten(nn.Module):
    """Flattens like Keras: channels last, so that weights ported from Keras give the same outputs."""

    def forward(self, x):
        return torch.flatten(x.movedim(1, -1), 1)


# input: (N, 1, 28, 28)
class CNN_modelTorch(nn.Module):
    """PyTorch version of the Keras model `CNN_model`; tensors are channels first (the Keras model is channels-last)."""

    # The Keras layers with weights, in the Keras model's order: their groups in a Keras 3 weights
    # file, how the weights change layout, the modules that receive them, and how many of them
    # Keras trains and does not (the order of a Keras 2 file). load_keras_weights reads it.
    keras_layers = [
        (("conv2d",), "conv", ("model.0",), (2, 0), {}),
        (("conv2d_1",), "conv", ("model.4",), (2, 0), {}),
        (("dense",), "dense", ("model.7",), (2, 0), {}),
    ]

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Conv2d(1, 3, kernel_size=3, padding=1),
            nn.MaxPool2d(2),
            nn.ReLU(),
            # TensorFlow 'same' padding puts the extra row/column at the bottom/right.
            nn.ZeroPad2d((0, 1, 0, 1)),
            nn.Conv2d(3, 6, kernel_size=3, stride=2),
            nn.ReLU(),
            # Keras flattens channels-last: permute first so that weights ported from Keras give the same outputs.
            ChannelsLastFlatten(),
            nn.Linear(294, 10),
        )

    def forward(self, x):
        return self.model(x)

    def load_keras_weights(self, path):
        """Loads the Keras model's trained weights: a .weights.h5 file from Keras 3 (model.save_weights),
        a .keras file, or an .h5 file from Keras 2 (model.save_weights or model.save)."""
        load_keras_weights_into(self, path)


def load_keras_weights_into(module, path):
    """Copies a Keras weights file into a module converted by cnnshape, as its keras_layers table says:
    a Keras 3 .weights.h5 (groups layers/<layer>/vars/<i>) or .keras archive, or a Keras 2 .h5 (a group
    per layer, in the order of its layer_names). Kernels change layout on the way: convolutions
    (*kernel, in, out) to (out, in, *kernel), transposed ones (*kernel, out, in) to (in, out, *kernel),
    depthwise kernels (*kernel, in, multiplier) to (in * multiplier, 1, *kernel), Dense (in, out) to
    (out, in), recurrent kernels transposed with the GRU gates reordered (z, r, h to r, z, n), and batch
    normalisation's moving mean and variance go into its running statistics."""
    import h5py
    import numpy as np

    def attribute(group, name):
        # Keras splits a long attribute into name0, name1, ...
        if name in group.attrs:
            values = list(group.attrs[name])
        else:
            values, i = [], 0
            while f"{name}{i}" in group.attrs:
                values += list(group.attrs[f"{name}{i}"])
                i += 1
        return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]

    def assign(param, value):
        value = torch.as_tensor(np.ascontiguousarray(value), dtype=param.dtype)
        if tuple(param.shape) != tuple(value.shape):
            raise ValueError(f"a Keras weight of shape {tuple(value.shape)} does not fit {tuple(param.shape)}")
        with torch.no_grad():
            param.copy_(value)

    def kernel(k):
        n = k.ndim - 2
        return np.transpose(k, (n + 1, n) + tuple(range(n)))

    def depthwise(k):
        n = k.ndim - 2
        flat = k.reshape(k.shape[:n] + (k.shape[n] * k.shape[n + 1],))
        return np.transpose(flat, (n,) + tuple(range(n)))[:, None]

    def gates(a, kind):
        if kind != "gru":
            return a
        z, r, h = np.split(a, 3, axis=-1)
        return np.concatenate([r, z, h], axis=-1)

    def port(kind, modules, w, info):
        m = modules[0]
        if kind in ("conv", "conv_transpose", "depthwise", "dense", "embedding"):
            layout = {"conv": kernel, "conv_transpose": kernel, "depthwise": depthwise, "dense": np.transpose}
            assign(m.weight, layout.get(kind, np.asarray)(w[0]))
            if len(w) > 1:
                assign(m.bias, w[1])
        elif kind in ("separable_depthwise", "separable_pointwise"):
            assign(m.weight, depthwise(w[0]))
            assign(modules[1].weight, kernel(w[1]))
            if len(w) > 2:
                assign(modules[1].bias, w[2])
        elif kind in ("batchnorm", "layernorm"):
            w = list(w)
            gamma = w.pop(0) if info["scale"] else None
            beta = w.pop(0) if info["center"] else None
            if m.weight is not None:
                assign(m.weight, gamma if gamma is not None else np.ones(tuple(m.weight.shape)))
                assign(m.bias, beta if beta is not None else np.zeros(tuple(m.bias.shape)))
            if kind == "batchnorm":
                assign(m.running_mean, w[0])
                assign(m.running_var, w[1])
        elif kind == "normalization":
            assign(m.mean, np.reshape(w[0], tuple(m.mean.shape)))
            assign(m.variance, np.reshape(w[1], tuple(m.variance.shape)))
        elif kind == "prelu":
            alpha = np.moveaxis(w[0], -1, 0) if info["channels_last"] and w[0].ndim > 1 else w[0]
            assign(m.weight, alpha.reshape(tuple(m.weight.shape)))
        elif kind in ("lstm", "gru", "rnn"):
            suffixes = ["_l0", "_l0_reverse"] if info["bidirectional"] else ["_l0"]
            per = len(w) // len(suffixes)
            for d, suffix in enumerate(suffixes):
                k, recurrent, *bias = w[d * per:(d + 1) * per]
                assign(getattr(m, "weight_ih" + suffix), gates(k, kind).T)
                assign(getattr(m, "weight_hh" + suffix), gates(recurrent, kind).T)
                if bias:
                    b = bias[0]
                    ih, hh = (b[0], b[1]) if b.ndim == 2 else (b, np.zeros_like(b))
                    assign(getattr(m, "bias_ih" + suffix), gates(ih, kind))
                    assign(getattr(m, "bias_hh" + suffix), gates(hh, kind))
        else:
            raise ValueError(f"unknown weight layout {kind}")

    def keras3(owner, group):
        for paths, kind, modules, counts, info in owner.keras_layers:
            if kind == "model":
                keras3(owner.get_submodule(modules[0]), group[paths[0]]["layers"])
                continue
            w = []
            for p in paths:
                stored = group[p]["vars"]
                w += [np.asarray(stored[str(i)]) for i in range(len(stored))]
            port(kind, [owner.get_submodule(n) for n in modules], w, info)

    def flat(owner):
        for paths, kind, modules, counts, info in owner.keras_layers:
            if kind == "model":
                yield from flat(owner.get_submodule(modules[0]))
            else:
                yield owner, kind, modules, counts, info

    def keras2(owner, root):
        saved = []
        for name in attribute(root, "layer_names"):
            w = [np.asarray(root[name][n]) for n in attribute(root[name], "weight_names")]
            if w:
                saved.append(w)
        if len(saved) != len(owner.keras_layers):
            raise ValueError(f"the file has {len(saved)} layers with weights, the model {len(owner.keras_layers)}")
        for w, (paths, kind, modules, counts, info) in zip(saved, owner.keras_layers):
            if kind != "model":
                port(kind, [owner.get_submodule(n) for n in modules], w, info)
                continue
            inner = list(flat(owner.get_submodule(modules[0])))
            split = sum(e[3][0] for e in inner)
            trained, kept = w[:split], w[split:]
            for sub, k, names, (t, n), i in inner:
                port(k, [sub.get_submodule(x) for x in names], trained[:t] + kept[:n], i)
                trained, kept = trained[t:], kept[n:]

    source = path
    if str(path).endswith(".keras"):
        import io
        import zipfile

        with zipfile.ZipFile(path) as archive:
            source = io.BytesIO(archive.read("model.weights.h5"))
    with h5py.File(source, "r") as f:
        if "layers" in f:
            keras3(module, f["layers"])
        else:
            keras2(module, f["model_weights"] if "model_weights" in f else f)
