#!/usr/bin/python3
# Prints the PyTorch truth for the convolution and pooling table tests (test/shapes/conv.test.ts
# and test/shapes/pool.test.ts): each case is built with real PyTorch, applied to a zero tensor,
# and printed as a TypeScript table row `[name, args, kwargs, input, output, params],`.
#
# Run with the system interpreter that has PyTorch (`apt-get install python3-torch`):
#   /usr/bin/python3 scripts/truth/conv_pool.py
# and paste the two printed tables into the tests. The tests themselves never need PyTorch.
# LPPool3d is missing from older PyTorch releases; its rows come from avg_pool3d, which is what
# LPPool3d computes its shape with.

import json
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

CONV_CASES = [
    # Conv1d / Conv2d / Conv3d, batched and unbatched, every kind of padding.
    ('Conv1d', [16, 33, 3], {'stride': 2}, [20, 16, 50]),
    ('Conv1d', [4, 8, 5], {'padding': 'same'}, [4, 31]),
    ('Conv1d', [4, 8, 4], {'padding': 'same', 'dilation': 2}, [2, 4, 31]),
    ('Conv1d', [4, 8, 3], {'padding': 'valid', 'bias': False}, [1, 4, 10]),
    ('Conv2d', [1, 6, 5], {}, [1, 1, 32, 32]),
    ('Conv2d', [3, 6, 5], {}, [3, 32, 32]),
    ('Conv2d', [16, 33, [3, 5]], {'stride': 2, 'padding': [4, 2], 'dilation': [3, 1]}, [20, 16, 50, 100]),
    ('Conv2d', [3, 64, 7], {'stride': 2, 'padding': 3, 'bias': False}, [2, 3, 224, 224]),
    ('Conv2d', [8, 16, 3], {'groups': 4, 'padding': 1}, [1, 8, 15, 15]),
    ('Conv2d', [8, 8, 3], {'groups': 8, 'stride': 2}, [1, 8, 15, 15]),
    ('Conv2d', [3, 8, 4], {'padding': 'same'}, [1, 3, 9, 10]),
    ('Conv2d', [3, 8, 3], {'padding': 1, 'padding_mode': 'reflect'}, [1, 3, 9, 10]),
    ('Conv2d', [3, 8, [1, 1]], {}, [1, 3, 9, 10]),
    ('Conv3d', [16, 33, 3], {'stride': 2}, [20, 16, 10, 50, 100]),
    ('Conv3d', [4, 8, [3, 5, 2]], {'stride': [2, 1, 1], 'padding': [4, 2, 0]}, [4, 10, 12, 14]),
    ('Conv3d', [2, 4, 3], {'padding': 'same', 'dilation': 2}, [1, 2, 7, 8, 9]),
    # Transposed convolutions.
    ('ConvTranspose1d', [16, 33, 3], {'stride': 2}, [20, 16, 50]),
    ('ConvTranspose1d', [4, 8, 4], {'stride': 2, 'padding': 1, 'output_padding': 1}, [4, 7]),
    ('ConvTranspose2d', [16, 33, [3, 5]], {'stride': 2, 'padding': [4, 2]}, [20, 16, 50, 100]),
    ('ConvTranspose2d', [8, 4, 4], {'stride': 2, 'padding': 1}, [1, 8, 7, 7]),
    ('ConvTranspose2d', [8, 4, 3], {'stride': 2, 'padding': 1, 'output_padding': 1, 'groups': 2, 'dilation': 2}, [8, 7, 7]),
    ('ConvTranspose3d', [16, 33, [3, 5, 2]], {'stride': [2, 1, 1], 'padding': [0, 4, 2]}, [20, 16, 10, 50, 100]),
    ('ConvTranspose3d', [4, 2, 2], {'stride': 2, 'bias': False}, [4, 3, 4, 5]),
    # Lazy modules take in_channels from their first input.
    ('LazyConv1d', [8, 3], {}, [2, 5, 20]),
    ('LazyConv2d', [6, 5], {'padding': 2}, [1, 3, 28, 28]),
    ('LazyConv2d', [6, 3], {'groups': 3, 'bias': False}, [3, 10, 12]),
    ('LazyConv3d', [4, 3], {'stride': 2}, [1, 2, 9, 9, 9]),
    ('LazyConvTranspose1d', [8, 3], {'stride': 2}, [2, 5, 20]),
    ('LazyConvTranspose2d', [6, 4], {'stride': 2, 'padding': 1}, [1, 3, 14, 14]),
    ('LazyConvTranspose3d', [4, 2], {'stride': 2}, [2, 3, 4, 5]),
]

POOL_CASES = [
    ('MaxPool1d', [3], {'stride': 2}, [20, 16, 50]),
    ('MaxPool1d', [2], {}, [16, 51]),
    ('MaxPool1d', [3], {'stride': 2, 'padding': 1, 'dilation': 2, 'ceil_mode': True}, [1, 4, 50]),
    ('MaxPool2d', [2], {}, [1, 6, 28, 28]),
    ('MaxPool2d', [3], {'stride': 2}, [20, 16, 50, 32]),
    ('MaxPool2d', [[3, 2]], {'stride': [2, 1]}, [20, 16, 50, 32]),
    ('MaxPool2d', [3], {'stride': 2, 'padding': 1}, [1, 64, 112, 112]),
    ('MaxPool2d', [3], {'stride': 2, 'ceil_mode': True}, [1, 8, 14, 15]),
    ('MaxPool2d', [2], {'stride': 2, 'ceil_mode': True, 'padding': 1}, [1, 8, 5, 6]),
    ('MaxPool2d', [3], {'stride': 1, 'padding': 1, 'dilation': 2}, [6, 9, 9]),
    ('MaxPool2d', [2], {'return_indices': True}, [1, 3, 9, 8]),
    ('MaxPool3d', [3], {'stride': 2}, [20, 16, 50, 44, 31]),
    ('MaxPool3d', [[3, 2, 2]], {'stride': [2, 1, 2]}, [16, 50, 44, 31]),
    ('MaxPool3d', [2], {'return_indices': True, 'ceil_mode': True}, [1, 2, 5, 6, 7]),
    ('AvgPool1d', [3], {'stride': 2}, [1, 1, 7]),
    ('AvgPool1d', [4], {'stride': 3, 'padding': 2, 'ceil_mode': True}, [3, 11]),
    ('AvgPool2d', [3], {'stride': 2}, [20, 16, 50, 32]),
    ('AvgPool2d', [[3, 2]], {'stride': [2, 1], 'padding': 1}, [20, 16, 50, 32]),
    ('AvgPool2d', [2], {'ceil_mode': True, 'count_include_pad': False, 'divisor_override': 3}, [4, 7, 9]),
    ('AvgPool3d', [3], {'stride': 2}, [20, 16, 50, 44, 31]),
    ('AvgPool3d', [[3, 2, 2]], {'stride': [2, 1, 2], 'padding': [1, 0, 1]}, [16, 50, 44, 31]),
    ('AdaptiveAvgPool1d', [5], {}, [1, 64, 8]),
    ('AdaptiveAvgPool1d', [3], {}, [64, 8]),
    ('AdaptiveAvgPool2d', [[5, 7]], {}, [1, 64, 8, 9]),
    ('AdaptiveAvgPool2d', [7], {}, [1, 64, 10, 9]),
    ('AdaptiveAvgPool2d', [[None, 7]], {}, [1, 64, 10, 9]),
    ('AdaptiveAvgPool2d', [1], {}, [512, 7, 7]),
    ('AdaptiveAvgPool3d', [[5, 7, 9]], {}, [1, 64, 8, 9, 10]),
    ('AdaptiveAvgPool3d', [[7, None, None]], {}, [1, 64, 10, 9, 8]),
    ('AdaptiveMaxPool1d', [5], {}, [1, 64, 8]),
    ('AdaptiveMaxPool1d', [3], {'return_indices': True}, [64, 8]),
    ('AdaptiveMaxPool2d', [[5, 7]], {}, [1, 64, 8, 9]),
    ('AdaptiveMaxPool2d', [[None, 7]], {'return_indices': True}, [1, 64, 10, 9]),
    ('AdaptiveMaxPool3d', [[5, 7, 9]], {}, [1, 64, 8, 9, 10]),
    ('AdaptiveMaxPool3d', [2], {}, [64, 8, 9, 10]),
    ('LPPool1d', [2, 3], {'stride': 2}, [20, 16, 50]),
    ('LPPool1d', [1.5, 4], {'ceil_mode': True}, [16, 50]),
    ('LPPool2d', [2, 3], {'stride': 2}, [20, 16, 50, 32]),
    ('LPPool2d', [1.2, [3, 2]], {'stride': [2, 1]}, [20, 16, 50, 32]),
    ('LPPool2d', [2, 2], {'ceil_mode': True}, [16, 7, 9]),
    ('LPPool3d', [2, 3], {'stride': 2}, [20, 16, 50, 44, 31]),
    ('LPPool3d', [2, [3, 2, 2]], {'ceil_mode': True}, [16, 9, 8, 7]),
    # Unfold / Fold: sliding blocks as columns and back (layers/pool.ts).
    ('Unfold', [3], {}, [2, 4, 9, 10]),
    ('Unfold', [[2, 3]], {'dilation': 2, 'padding': 1, 'stride': 2}, [2, 4, 9, 10]),
    ('Unfold', [4], {'stride': 4}, [3, 8, 8]),
    ('Fold', [[4, 5], [2, 2]], {}, [1, 12, 12]),
    ('Fold', [4, 2], {'stride': 2}, [8, 4]),
]


def lp_pool3d_stand_in(norm_type, kernel_size, stride=None, ceil_mode=False):
    """LPPool3d as recent PyTorch defines it: an average pool without padding, raised and rooted."""
    return lambda x: F.avg_pool3d(x, kernel_size, stride, 0, ceil_mode).abs().pow(1.0 / norm_type)


def build(name, args, kwargs):
    py_args = [tuple(a) if isinstance(a, list) else a for a in args]
    py_kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    if name == 'LPPool3d' and not hasattr(nn, 'LPPool3d'):
        return lp_pool3d_stand_in(*py_args, **py_kwargs)
    return getattr(nn, name)(*py_args, **py_kwargs)


def shape_of(value):
    if isinstance(value, tuple):
        return {'tuple': [shape_of(v) for v in value]}
    return list(value.shape)


def row(name, args, kwargs, input_shape):
    module = build(name, args, kwargs)
    out = module(torch.zeros(input_shape))
    params = sum(p.numel() for p in module.parameters()) if isinstance(module, nn.Module) else 0
    cells = [name, args, kwargs, input_shape, shape_of(out), params]
    return '  [' + ', '.join(json.dumps(c) for c in cells) + '],'


# Calls PyTorch refuses; the tests expect an error for each. Printed with PyTorch's own message.
ERROR_CASES = [
    ('Conv2d', [3, 6, 5], {}, [1, 1, 32, 32]),
    ('Conv2d', [1, 6, 5], {}, [1, 1, 3, 3]),
    ('Conv2d', [3, 6, 3], {}, [28, 28]),
    ('Conv2d', [3, 6, 3], {'groups': 2}, None),
    ('Conv2d', [4, 6, 3], {'groups': 4}, None),
    ('ConvTranspose2d', [4, 6, 3], {'padding': 3}, [1, 4, 2, 2]),
    ('MaxPool2d', [3], {}, [1, 1, 2, 2]),
    ('MaxPool2d', [3], {'padding': 2}, [1, 1, 8, 8]),
    ('AvgPool1d', [3], {'padding': 2}, [1, 1, 8]),
    ('MaxPool2d', [2], {}, [8, 8]),
    ('Unfold', [3], {}, [1, 4, 2, 2]),
    ('Fold', [[4, 5], [2, 2]], {}, [1, 13, 12]),
    ('Fold', [[4, 5], [2, 2]], {}, [1, 12, 11]),
]


def error_row(name, args, kwargs, input_shape):
    try:
        module = build(name, args, kwargs)
        if input_shape is not None:
            module(torch.zeros(input_shape))
        return f'// {name}{args} {kwargs} on {input_shape}: accepted'
    except (RuntimeError, ValueError) as e:
        return f'// {name}{args} {kwargs} on {input_shape}: {type(e).__name__}: {e}'


def main():
    warnings.filterwarnings('ignore')
    with torch.no_grad():
        print(f'// Conv truth from PyTorch {torch.__version__} (scripts/truth/conv_pool.py).')
        print('const TORCH_CONV_TRUTH: TorchRow[] = [')
        for case in CONV_CASES:
            print(row(*case))
        print('];')
        print()
        print(f'// Pool truth from PyTorch {torch.__version__} (scripts/truth/conv_pool.py).')
        print('const TORCH_POOL_TRUTH: TorchRow[] = [')
        for case in POOL_CASES:
            print(row(*case))
        print('];')
        print()
        for case in ERROR_CASES:
            print(error_row(*case))


if __name__ == '__main__':
    main()
