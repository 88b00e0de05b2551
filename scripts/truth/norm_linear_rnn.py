"""Expected shapes and parameter counts of PyTorch norm, linear, activation and recurrent layers.

Run with real PyTorch (`/usr/bin/python3 scripts/truth/norm_linear_rnn.py`); it prints one table row
per case in the form the tests under test/shapes/ use, so the tables can be refreshed by pasting:

  ['BatchNorm2d', [16], {}, [[2, 16, 8, 8]], '(2, 16, 8, 8)', 32],      # ok: output, params
  ['BatchNorm2d', [16], {}, [[2, 32, 8, 8]], 'norm-num-features', ...]  # PyTorch refused it

For refused cases the row carries the rule code the engine should report (chosen by us), and the
PyTorch error follows as a comment to show that PyTorch does refuse it. Outputs that are tuples
(recurrent layers) print nested, as formatOutput does. Rows are grouped by test file.
"""

import warnings

import torch
import torch.nn as nn

warnings.simplefilter("ignore")

# (kind, args, kwargs, input shapes, expected rule code when PyTorch must refuse, its arg, its fix)
NORM = [
    ("BatchNorm1d", [16], {}, [[4, 16]]),
    ("BatchNorm1d", [16], {}, [[4, 16, 10]]),
    ("BatchNorm2d", [16], {}, [[2, 16, 8, 8]]),
    ("BatchNorm2d", [16], {"affine": False}, [[2, 16, 8, 8]]),
    ("BatchNorm3d", [8], {}, [[2, 8, 4, 4, 4]]),
    ("LazyBatchNorm1d", [], {}, [[4, 12, 10]]),
    ("LazyBatchNorm2d", [], {}, [[2, 32, 8, 8]]),
    ("LazyBatchNorm3d", [], {"affine": False}, [[2, 6, 4, 4, 4]]),
    ("InstanceNorm1d", [4], {}, [[2, 4, 7]]),
    ("InstanceNorm1d", [4], {"affine": True}, [[4, 7]]),
    ("InstanceNorm1d", [4], {}, [[2, 5, 7]]),
    ("InstanceNorm2d", [3], {"affine": True}, [[2, 3, 8, 8]]),
    ("InstanceNorm2d", [3], {"affine": True}, [[3, 8, 8]]),
    ("InstanceNorm3d", [2], {"affine": True}, [[2, 2, 4, 4, 4]]),
    ("LazyInstanceNorm2d", [], {}, [[2, 3, 8, 8]]),
    ("GroupNorm", [2, 4], {}, [[2, 4, 7]]),
    ("GroupNorm", [4, 32], {"affine": False}, [[2, 32, 8, 8]]),
    ("GroupNorm", [2, 6], {}, [[3, 6]]),
    ("LayerNorm", [64], {}, [[2, 10, 64]]),
    ("LayerNorm", [[3, 4]], {}, [[2, 3, 4]]),
    ("LayerNorm", [64], {"elementwise_affine": False}, [[2, 64]]),
    ("LocalResponseNorm", [2], {}, [[2, 3, 4, 4]]),
    ("LocalResponseNorm", [2], {}, [[2, 3, 4]]),
    # Refused by PyTorch.
    ("BatchNorm2d", [16], {}, [[2, 32, 8, 8]], "norm-num-features", "num_features", 32),
    ("BatchNorm1d", [4], {}, [[2, 5]], "norm-num-features", "num_features", 5),
    ("BatchNorm2d", [16], {}, [[16, 8, 8]], "rank-mismatch", None, None),
    ("BatchNorm1d", [4], {}, [[2, 4, 7, 7]], "rank-mismatch", None, None),
    ("InstanceNorm1d", [4], {"affine": True}, [[2, 5, 7]], "norm-num-features", "num_features", 5),
    ("InstanceNorm1d", [4], {"track_running_stats": True}, [[2, 5, 7]], "norm-num-features", "num_features", 5),
    ("InstanceNorm2d", [4], {"affine": True}, [[5, 7, 7]], "norm-num-features", "num_features", 5),
    ("InstanceNorm1d", [4], {}, [[2, 4, 7, 7]], "rank-mismatch", None, None),
    ("GroupNorm", [3, 4], {}, [[2, 4, 7]], "groups-divisible", "num_groups", 2),
    ("GroupNorm", [2, 4], {}, [[2, 6, 7]], "norm-num-features", "num_channels", 6),
    ("GroupNorm", [2, 4], {}, [[4]], "rank-mismatch", None, None),
    ("LayerNorm", [64], {}, [[2, 32]], "norm-num-features", "normalized_shape", 32),
    ("LayerNorm", [[2, 3, 4]], {}, [[3, 4]], "norm-num-features", "normalized_shape", None),
    ("LocalResponseNorm", [2], {}, [[3, 4]], "rank-mismatch", None, None),
]

LINEAR = [
    ("Linear", [1176, 10], {}, [[2, 1176]]),
    ("Linear", [20, 30], {}, [[128, 20]]),
    ("Linear", [20, 30], {"bias": False}, [[128, 20]]),
    ("Linear", [12, 5], {}, [[2, 3, 12]]),
    ("Linear", [8, 4], {}, [[8]]),
    ("LazyLinear", [10], {}, [[2, 50]]),
    ("LazyLinear", [10], {"bias": False}, [[2, 7, 50]]),
    ("Bilinear", [4, 5, 3], {}, [[2, 4], [2, 5]]),
    ("Bilinear", [4, 5, 3], {}, [[4], [5]]),
    ("Bilinear", [4, 5, 3], {"bias": False}, [[7, 2, 4], [7, 2, 5]]),
    ("Identity", [54], {"unused_argument": 0.1}, [[2, 3]]),
    ("Embedding", [10, 3], {}, [[2, 4]]),
    ("Embedding", [1000, 64], {"padding_idx": 0}, [[32, 10]]),
    ("Embedding", [10, 3], {"padding_idx": -10}, [[5]]),
    # Refused by PyTorch.
    ("Linear", [1176, 10], {}, [[1, 294]], "linear-in-features", "in_features", 294),
    ("Linear", [10, 5], {}, [[2, 64, 12, 12]], "linear-in-features", "in_features", 12),
    ("Linear", [4, 3], {}, [[]], "rank-mismatch", None, None),
    ("Bilinear", [4, 5, 3], {}, [[2, 4], [2, 6]], "linear-in-features", "in2_features", 6),
    ("Bilinear", [4, 5, 3], {}, [[2, 7], [2, 5]], "linear-in-features", "in1_features", 7),
    ("Bilinear", [4, 5, 3], {}, [[2, 4], [3, 5]], "broadcast-mismatch", None, None),
    ("Embedding", [10, 3], {"padding_idx": 10}, [[2, 4]], "embedding-dim", "padding_idx", None),
]

SAME_SHAPE = [
    ("ReLU", [], {}), ("ReLU", [], {"inplace": True}), ("ReLU6", [], {}), ("LeakyReLU", [0.2], {}),
    ("RReLU", [], {}), ("ELU", [], {"alpha": 0.5}), ("SELU", [], {}), ("CELU", [], {}),
    ("GELU", [], {"approximate": "tanh"}), ("SiLU", [], {}), ("Mish", [], {}), ("Sigmoid", [], {}),
    ("Tanh", [], {}), ("Hardswish", [], {}), ("Hardsigmoid", [], {}), ("Hardtanh", [-2, 2], {}),
    ("Softplus", [], {"beta": 2}), ("Softsign", [], {}), ("Softshrink", [], {}), ("Hardshrink", [0.3], {}),
    ("Tanhshrink", [], {}), ("Threshold", [0.1, 0.0], {}), ("LogSigmoid", [], {}),
    ("Softmax", [], {"dim": 1}), ("Softmax", [], {}), ("LogSoftmax", [-1], {}), ("Softmin", [], {"dim": 0}),
    ("Softmax2d", [], {}), ("Dropout", [], {}), ("Dropout", [0.2], {}), ("Dropout1d", [], {}),
    ("Dropout2d", [0.1], {}), ("Dropout3d", [], {}), ("AlphaDropout", [], {}), ("FeatureAlphaDropout", [], {}),
]

ACTIVATION = [(kind, args, kwargs, [[2, 3, 4]]) for kind, args, kwargs in SAME_SHAPE] + [
    ("Softmax2d", [], {}, [[2, 3, 4, 5]]),
    ("Dropout1d", [], {}, [[3, 5]]),
    ("Dropout2d", [], {}, [[4, 5]]),
    ("PReLU", [], {}, [[2, 3]]),
    ("PReLU", [3], {}, [[2, 3, 4]]),
    ("PReLU", [16], {}, [[2, 16, 8, 8]]),
    ("GLU", [], {}, [[4, 6]]),
    ("GLU", [0], {}, [[4, 6]]),
    ("GLU", [1], {}, [[2, 8, 5]]),
    # Refused by PyTorch.
    ("PReLU", [3], {}, [[2, 5]], "norm-num-features", "num_parameters", 5),
    ("PReLU", [3], {}, [[5]], "norm-num-features", "num_parameters", 1),
    ("Softmax", [2], {}, [[4, 5]], "rank-mismatch", "dim", None),
    ("Softmax2d", [], {}, [[4, 5]], "rank-mismatch", None, None),
    ("GLU", [1], {}, [[4, 5]], "groups-divisible", "dim", None),
    ("Dropout1d", [], {}, [[2, 4, 5, 5]], "rank-mismatch", None, None),
    ("FeatureAlphaDropout", [], {}, [[5]], "rank-mismatch", None, None),
]

RECURRENT = [
    ("RNN", [10, 20], {}, [[5, 3, 10]]),
    ("RNN", [10, 20, 2], {"nonlinearity": "relu", "batch_first": True}, [[3, 5, 10]]),
    ("RNN", [10, 20], {"bias": False}, [[5, 10]]),
    ("LSTM", [10, 20], {}, [[5, 3, 10]]),
    ("LSTM", [10, 20, 2], {"bidirectional": True}, [[5, 3, 10]]),
    ("LSTM", [10, 20], {"proj_size": 5, "num_layers": 2}, [[5, 3, 10]]),
    ("LSTM", [5, 8, 2], {"bidirectional": True, "proj_size": 3}, [[3, 5]]),
    ("LSTM", [300, 128], {"batch_first": True}, [[32, 50, 300]]),
    ("GRU", [10, 20], {}, [[5, 3, 10]]),
    ("GRU", [10, 20, 3], {"bias": False, "bidirectional": True, "batch_first": True}, [[3, 5, 10]]),
    ("RNNCell", [10, 20], {}, [[3, 10]]),
    ("RNNCell", [10, 20, False, "relu"], {}, [[10]]),
    ("LSTMCell", [10, 20], {}, [[3, 10]]),
    ("GRUCell", [10, 20], {}, [[10]]),
    # Refused by PyTorch.
    ("RNN", [512, 8], {}, [[3, 2, 1024]], "rnn-input-size", "input_size", 1024),
    ("LSTM", [512, 8], {"batch_first": True}, [[2, 3, 1024]], "rnn-input-size", "input_size", 1024),
    ("GRU", [5, 8], {}, [[3, 2, 1, 5]], "rank-mismatch", None, None),
    ("RNN", [5, 8], {}, [[5]], "rank-mismatch", None, None),
    ("RNNCell", [512, 8], {}, [[2, 1024]], "rnn-input-size", "input_size", 1024),
    ("LSTMCell", [5, 8], {}, [[2, 2, 5]], "rank-mismatch", None, None),
]


def shapes_of(value):
    """A tensor's shape as the engine's formatOutput prints it: `(2, 3)`, tuples as `((5, 3, 20), (1, 3, 20))`."""
    if isinstance(value, torch.Tensor):
        return "(" + ", ".join(str(d) for d in value.shape) + ")"
    return "(" + ", ".join(shapes_of(v) for v in value) + ")"


def run(kind, args, kwargs, inputs):
    module = getattr(nn, kind)(*args, **kwargs)
    tensors = [torch.randn(tuple(shape)) if kind != "Embedding" else torch.randint(0, args[0], tuple(shape)) for shape in inputs]
    with torch.no_grad():
        output = module(*tensors)
    params = sum(p.numel() for p in module.parameters())
    return shapes_of(output), params


def ts(value):
    """A Python value as a TypeScript literal in the tests' style."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(ts(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k}: {ts(v)}" for k, v in value.items()) + " }" if value else "{}"
    return repr(value)


def row(case):
    kind, args, kwargs, inputs = case[:4]
    lead = f"['{kind}', {ts(args)}, {ts(kwargs)}, {ts(inputs)}"
    if len(case) == 4:
        output, params = run(kind, args, kwargs, inputs)
        return f"  {lead}, '{output}', {params}],"
    code, arg, fix = case[4:]
    try:
        run(kind, args, kwargs, inputs)
        refusal = "NOT REFUSED BY PYTORCH"
    except Exception as error:  # noqa: BLE001 - any PyTorch refusal is the point
        refusal = f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
    return f"  {lead}, '{code}', {ts(arg)}, {ts(fix)}], // {refusal}"


if __name__ == "__main__":
    print(f"// torch {torch.__version__}")
    for title, cases in [("norm", NORM), ("linear", LINEAR), ("activation", ACTIVATION), ("recurrent", RECURRENT)]:
        print(f"// --- {title}")
        for case in cases:
            print(row(case))
