# Prints the PyTorch truth tables pasted into test/shapes/reshape.test.ts and test/shapes/resize.test.ts.
#
# Each case builds the real module, applies it to zeros of the input shape and prints one table row
# `[name, args, kwargs, input, output]`, where output is the real output shape or the first line of
# PyTorch's error as `'error: ...'`. Run with the system interpreter: /usr/bin/python3 scripts/truth/reshape_resize.py
#
# ZeroPad1d, ZeroPad3d and CircularPad1d/2d/3d arrived in PyTorch 2.1; on an older PyTorch the script
# computes them through torch.nn.functional.pad with the same padding and mode, which is what those
# modules call.

import json

import torch
import torch.nn as nn
import torch.nn.functional as F


def module(name, args, kwargs):
    if hasattr(nn, name):
        return getattr(nn, name)(*args, **kwargs)
    padding = args[0] if args else kwargs['padding']
    dims = int(name[-2])
    pad = tuple(padding) if isinstance(padding, (list, tuple)) else (padding,) * (2 * dims)
    if name.startswith('ZeroPad'):
        return lambda x: F.pad(x, pad, mode='constant', value=0.0)
    if name.startswith('CircularPad'):
        return lambda x: F.pad(x, pad, mode='circular')
    raise KeyError(name)


CASES = [
    # reshape.ts
    ('Flatten', [], {}, [2, 6, 7, 7]),
    ('Flatten', [0], {}, [2, 6, 7, 7]),
    ('Flatten', [2], {}, [2, 6, 7, 7]),
    ('Flatten', [1, 2], {}, [2, 6, 7, 7]),
    ('Flatten', [], {'start_dim': 0, 'end_dim': -2}, [2, 3, 4, 5]),
    ('Flatten', [], {}, [3, 4]),
    ('Flatten', [], {}, [5]),
    ('Unflatten', [1, [64, 3, 3]], {}, [2, 576]),
    ('Unflatten', [1, [-1, 3, 3]], {}, [2, 576]),
    ('Unflatten', [-1, [5, 1]], {}, [2, 12, 5]),
    ('Unflatten', [1, [2, -1]], {}, [2, 12, 5]),
    ('Unflatten', [0, [2, 3]], {}, [6]),
    ('Unflatten', [1, [64, 7, 7]], {}, [2, 576]),
    ('Unflatten', [1, [-1, 7, 7]], {}, [2, 576]),
    # resize.ts: interpolation
    ('Upsample', [], {'scale_factor': 2}, [1, 3, 14, 14]),
    ('Upsample', [], {'scale_factor': 1.5}, [1, 3, 7, 7]),
    ('Upsample', [], {'scale_factor': 1.1}, [1, 3, 7]),
    ('Upsample', [], {'scale_factor': 0.5}, [1, 3, 7, 7]),
    ('Upsample', [], {'scale_factor': (2, 3)}, [1, 3, 7, 9]),
    ('Upsample', [12], {'mode': 'linear'}, [1, 3, 5]),
    ('Upsample', [], {'size': (10, 12)}, [1, 3, 7, 7]),
    ('Upsample', [28], {'mode': 'bilinear', 'align_corners': False}, [1, 3, 14, 14]),
    ('Upsample', [], {'scale_factor': 2, 'mode': 'trilinear'}, [1, 3, 4, 5, 6]),
    ('Upsample', [], {'scale_factor': 2, 'mode': 'bicubic'}, [2, 3, 5, 6]),
    ('Upsample', [], {'scale_factor': 2.0, 'recompute_scale_factor': True}, [1, 3, 7]),
    ('Upsample', [], {'scale_factor': 2}, [3, 4]),
    ('Upsample', [], {'scale_factor': 2, 'mode': 'bilinear'}, [1, 3, 4]),
    ('Upsample', [], {'scale_factor': 0.1}, [1, 3, 4]),
    ('Upsample', [], {'size': (3, 4)}, [1, 3, 4]),
    ('UpsamplingNearest2d', [], {'scale_factor': 2}, [1, 3, 7, 7]),
    ('UpsamplingNearest2d', [(5, 9)], {}, [1, 3, 7, 7]),
    ('UpsamplingBilinear2d', [], {'scale_factor': 2}, [1, 3, 7, 7]),
    ('UpsamplingBilinear2d', [None, 1.5], {}, [2, 8, 10, 6]),
    # resize.ts: pixel shuffle
    ('PixelShuffle', [3], {}, [1, 18, 4, 4]),
    ('PixelShuffle', [2], {}, [8, 4, 5]),
    ('PixelShuffle', [2], {}, [2, 3, 8, 4, 5]),
    ('PixelShuffle', [3], {}, [1, 6, 4, 4]),
    ('PixelShuffle', [3], {}, [6, 4]),
    ('PixelUnshuffle', [2], {}, [1, 2, 8, 6]),
    ('PixelUnshuffle', [3], {}, [4, 9, 6]),
    ('PixelUnshuffle', [2], {}, [1, 2, 7, 6]),
    ('PixelUnshuffle', [2], {}, [1, 2, 8, 5]),
    # resize.ts: padding
    ('ZeroPad1d', [2], {}, [1, 3, 7]),
    ('ZeroPad1d', [(1, 3)], {}, [3, 7]),
    ('ZeroPad2d', [2], {}, [1, 3, 7, 7]),
    ('ZeroPad2d', [(1, 2, 3, 4)], {}, [1, 3, 7, 7]),
    ('ZeroPad2d', [(1, 2, 3, 4)], {}, [3, 7, 7]),
    ('ZeroPad3d', [1], {}, [1, 3, 4, 5, 6]),
    ('ZeroPad3d', [(1, 2, 3, 4, 5, 6)], {}, [1, 3, 4, 5, 6]),
    ('ConstantPad1d', [3, 3.5], {}, [1, 3, 7]),
    ('ConstantPad1d', [(1, 2), 0.0], {}, [3, 7]),
    ('ConstantPad2d', [(1, 2, 3, 4), 1.0], {}, [1, 3, 7, 7]),
    ('ConstantPad2d', [4, 0.0], {}, [2, 3, 4, 5, 6]),
    ('ConstantPad2d', [-2, 0.0], {}, [1, 3, 4, 4]),
    ('ConstantPad2d', [-3, 0.0], {}, [1, 3, 4, 4]),
    ('ConstantPad2d', [4, 0.0], {}, [4]),
    ('ConstantPad3d', [(1, 2, 3, 4, 5, 6), 0.0], {}, [1, 3, 4, 5, 6]),
    ('ReflectionPad1d', [2], {}, [1, 3, 7]),
    ('ReflectionPad1d', [(3, 0)], {}, [1, 3, 4]),
    ('ReflectionPad2d', [(1, 1, 2, 0)], {}, [1, 3, 4, 4]),
    ('ReflectionPad2d', [(3, 3, 0, 0)], {}, [3, 4, 4]),
    ('ReflectionPad2d', [4], {}, [1, 3, 4, 4]),
    ('ReflectionPad3d', [1], {}, [1, 1, 3, 3, 3]),
    ('ReplicationPad1d', [(30, 0)], {}, [1, 3, 4]),
    ('ReplicationPad2d', [2], {}, [1, 3, 7, 7]),
    ('ReplicationPad2d', [-1], {}, [1, 3, 4, 4]),
    ('ReplicationPad2d', [-2], {}, [1, 3, 4, 4]),
    ('ReplicationPad3d', [(1, 0, 2, 0, 3, 0)], {}, [2, 3, 4, 5]),
    ('CircularPad1d', [(4, 0)], {}, [1, 3, 4]),
    ('CircularPad1d', [(5, 5)], {}, [1, 3, 4]),
    ('CircularPad2d', [1], {}, [1, 3, 7, 7]),
    ('CircularPad3d', [(1, 1, 2, 2, 0, 0)], {}, [1, 3, 4, 5, 6]),
]


def main():
    print(f'// Computed with PyTorch {torch.__version__} by scripts/truth/reshape_resize.py')
    for name, args, kwargs, shape in CASES:
        try:
            out = json.dumps(list(module(name, args, kwargs)(torch.zeros(*shape)).shape))
        except Exception as e:  # noqa: BLE001 - the error text is the expectation
            out = json.dumps('error: ' + str(e).splitlines()[0])
        row = [json.dumps(name), json.dumps(args), json.dumps(kwargs), json.dumps(shape), out]
        print(f"  [{', '.join(row)}],")


if __name__ == '__main__':
    main()
