#!/usr/bin/env python3
# Prints the truth tables of test/shapes/ops.test.ts: each op is called with real PyTorch on the
# listed arguments and the output shapes (or the error message) are printed as TypeScript rows,
# ready to paste. Run with the system PyTorch: /usr/bin/python3 scripts/truth/ops.py
#
# Arguments are written as they appear in the TypeScript table: T(2, 3) is a float tensor of that
# shape, TL(...) a long tensor of zeros, TB(...) a bool tensor, N/H/W are symbolic sizes, which are
# evaluated under each environment of ENVS (the test evaluates the engine's symbolic answer there).

import operator
import warnings

import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore')


class Sym:
    def __init__(self, name):
        self.name = name


N, H, W = Sym('N'), Sym('H'), Sym('W')
ENVS = [{'N': 2, 'H': 28, 'W': 20}, {'N': 3, 'H': 32, 'W': 24}]


class T:
    maker = 'float'

    def __init__(self, *shape):
        self.shape = shape

    def make(self, env):
        dims = [env[d.name] if isinstance(d, Sym) else d for d in self.shape]
        if self.maker == 'long':
            return torch.zeros(dims, dtype=torch.long)
        if self.maker == 'bool':
            return torch.rand(dims) > 0.5
        return torch.randn(dims)

    def ts(self):
        fn = {'float': 't', 'long': 'tl', 'bool': 'tb'}[self.maker]
        return f"{fn}({', '.join(ts(d) for d in self.shape)})"


class TL(T):
    maker = 'long'


class TB(T):
    maker = 'bool'


def ts(v):
    if isinstance(v, (T, )):
        return v.ts()
    if isinstance(v, Sym):
        return v.name
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (list, tuple)):
        return '[' + ', '.join(ts(x) for x in v) + ']'
    if isinstance(v, dict):
        if not v:
            return '{}'
        return '{ ' + ', '.join(f'{k}: {ts(x)}' for k, x in v.items()) + ' }'
    raise TypeError(v)


def build(v, env):
    if isinstance(v, T):
        return v.make(env)
    if isinstance(v, Sym):
        return env[v.name]
    if isinstance(v, list):
        return [build(x, env) for x in v]
    if isinstance(v, tuple):
        return tuple(build(x, env) for x in v)
    return v


def resolve(name):
    if name.startswith('torch.nn.functional.'):
        return getattr(F, name.split('.')[-1])
    if name.startswith('Tensor.'):
        method = name.split('.', 1)[1]
        return lambda input, *a, **k: getattr(input, method)(*a, **k)
    if name.startswith('operator.'):
        return getattr(operator, name.split('.', 1)[1])
    if name.startswith('einops.'):
        import einops
        return getattr(einops, name.split('.', 1)[1])
    return getattr(torch, name.split('.', 1)[1])


def shape_json(out):
    if isinstance(out, torch.Tensor):
        return list(out.shape)
    if isinstance(out, (tuple, list)):
        return {'tuple': [shape_json(o) for o in out]}
    raise TypeError(type(out))


def json_ts(v):
    if isinstance(v, dict):
        return '{ tuple: [' + ', '.join(json_ts(x) for x in v['tuple']) + '] }'
    return '[' + ', '.join(str(d) for d in v) + ']'


def call(name, args, kwargs, env):
    return resolve(name)(*build(args, env), **build(kwargs, env))


x234 = T(2, 3, 4)

SHAPES = [
    # Activations keep the shape.
    ('torch.nn.functional.relu', [x234], {}),
    ('torch.nn.functional.relu', [x234], {'inplace': True}),
    ('torch.nn.functional.relu_', [x234], {}),
    ('torch.relu', [x234], {}),
    ('torch.relu_', [x234], {}),
    ('Tensor.relu', [x234], {}),
    ('Tensor.relu_', [x234], {}),
    ('torch.nn.functional.relu6', [x234], {}),
    ('torch.nn.functional.leaky_relu', [x234, 0.2], {}),
    ('torch.nn.functional.leaky_relu_', [x234], {'negative_slope': 0.1}),
    ('torch.nn.functional.elu', [x234], {'alpha': 0.5}),
    ('torch.nn.functional.elu_', [x234], {}),
    ('torch.nn.functional.selu', [x234], {}),
    ('torch.selu', [x234], {}),
    ('torch.nn.functional.celu', [x234], {'alpha': 2.0}),
    ('torch.celu', [x234], {}),
    ('torch.nn.functional.gelu', [x234], {}),
    ('torch.nn.functional.gelu', [x234], {'approximate': 'tanh'}),
    ('torch.nn.functional.silu', [x234], {}),
    ('torch.nn.functional.mish', [x234], {}),
    ('torch.nn.functional.hardswish', [x234], {}),
    ('torch.nn.functional.hardsigmoid', [x234], {}),
    ('torch.nn.functional.hardtanh', [x234, -2.0, 2.0], {}),
    ('torch.nn.functional.hardtanh_', [x234], {}),
    ('torch.nn.functional.softplus', [x234], {'beta': 2}),
    ('torch.nn.functional.softsign', [x234], {}),
    ('torch.nn.functional.logsigmoid', [x234], {}),
    ('torch.nn.functional.tanhshrink', [x234], {}),
    ('torch.nn.functional.softshrink', [x234], {}),
    ('torch.nn.functional.hardshrink', [x234, 0.3], {}),
    ('torch.nn.functional.threshold', [x234, 0.1, 20.0], {}),
    ('torch.nn.functional.rrelu', [x234], {}),
    ('torch.nn.functional.prelu', [x234, T(3)], {}),
    ('torch.nn.functional.sigmoid', [x234], {}),
    ('torch.sigmoid', [x234], {}),
    ('Tensor.sigmoid', [x234], {}),
    ('Tensor.sigmoid_', [x234], {}),
    ('torch.nn.functional.tanh', [x234], {}),
    ('torch.tanh', [x234], {}),
    ('Tensor.tanh', [x234], {}),
    ('torch.nn.functional.softmax', [x234], {'dim': 1}),
    ('torch.nn.functional.softmax', [x234], {}),
    ('torch.nn.functional.log_softmax', [x234, -1], {}),
    ('torch.nn.functional.softmin', [x234, 0], {}),
    ('torch.softmax', [x234, 1], {}),
    ('torch.log_softmax', [x234], {'dim': 2}),
    ('Tensor.softmax', [x234, -1], {}),
    ('Tensor.log_softmax', [x234], {'dim': 1}),
    ('torch.nn.functional.gumbel_softmax', [T(2, 5)], {'tau': 0.5}),
    ('torch.nn.functional.normalize', [x234], {}),
    ('torch.nn.functional.normalize', [x234], {'dim': -1}),
    ('torch.nn.functional.cosine_similarity', [T(2, 8), T(2, 8)], {}),
    ('torch.nn.functional.cosine_similarity', [T(4, 1, 8), T(1, 5, 8)], {'dim': -1}),
    # Dropout.
    ('torch.nn.functional.dropout', [x234, 0.2], {}),
    ('torch.nn.functional.dropout', [x234], {'training': False}),
    ('torch.nn.functional.dropout1d', [x234], {}),
    ('torch.nn.functional.dropout2d', [T(2, 3, 4, 4)], {}),
    ('torch.nn.functional.dropout3d', [T(2, 3, 2, 4, 4)], {}),
    ('torch.nn.functional.alpha_dropout', [x234], {}),
    ('torch.nn.functional.feature_alpha_dropout', [T(2, 3, 4, 4)], {'training': True}),
    ('torch.dropout', [x234, 0.5, False], {}),
    # Normalisation.
    ('torch.nn.functional.layer_norm', [T(2, 3, 8), [8]], {}),
    ('torch.nn.functional.layer_norm', [T(2, 3, 8), (3, 8)], {}),
    ('torch.nn.functional.batch_norm', [T(4, 16, 8, 8), T(16), T(16)], {}),
    ('torch.nn.functional.instance_norm', [T(2, 3, 8, 8)], {}),
    ('torch.nn.functional.group_norm', [T(2, 6, 4), 3], {}),
    ('torch.nn.functional.local_response_norm', [T(2, 6, 4, 4), 2], {}),
    # Pooling.
    ('torch.nn.functional.max_pool2d', [T(1, 16, 28, 28), 2], {}),
    ('torch.nn.functional.max_pool2d', [T(1, 16, 28, 28), 3, 2, 1], {}),
    ('torch.nn.functional.max_pool2d', [T(16, 28, 28), 2], {}),
    ('torch.nn.functional.max_pool2d', [T(1, 1, 7, 7), 2], {'ceil_mode': True}),
    ('torch.nn.functional.max_pool2d', [T(1, 1, 8, 8), 3], {'stride': 2, 'padding': 1, 'ceil_mode': True}),
    ('torch.nn.functional.max_pool2d', [T(1, 2, 8, 8), 2], {'return_indices': True}),
    ('torch.nn.functional.max_pool2d', [T(1, 1, 10, 12), (3, 2)], {'stride': (2, 1), 'padding': (1, 0), 'dilation': (2, 1)}),
    ('torch.nn.functional.max_pool2d_with_indices', [T(1, 2, 8, 8), 2], {}),
    ('torch.nn.functional.max_pool1d', [T(1, 4, 9), 2], {}),
    ('torch.nn.functional.max_pool1d', [T(4, 9), 3], {'stride': 2}),
    ('torch.nn.functional.max_pool3d', [T(1, 2, 8, 8, 8), 2], {}),
    ('torch.nn.functional.max_pool3d', [T(1, 2, 9, 8, 7), (3, 2, 1)], {'stride': 2, 'padding': (1, 1, 0)}),
    ('torch.max_pool1d', [T(1, 3, 9), 2, 2], {}),
    ('torch.max_pool2d', [T(1, 3, 9, 9), 3], {}),
    ('torch.max_pool2d', [T(1, 3, 9, 9), 3, 2, 1], {}),
    ('torch.max_pool3d', [T(1, 3, 6, 6, 6), 2], {}),
    ('torch.nn.functional.avg_pool1d', [T(1, 4, 9), 3], {}),
    ('torch.nn.functional.avg_pool1d', [T(1, 4, 9), 3, 2, 1], {}),
    ('torch.nn.functional.avg_pool2d', [T(2, 8, 7, 7), 2], {'ceil_mode': True}),
    ('torch.nn.functional.avg_pool2d', [T(2, 8, 7, 7), 3, 2, 1], {'count_include_pad': False}),
    ('torch.nn.functional.avg_pool2d', [T(8, 7, 7), 2], {'divisor_override': 3}),
    ('torch.nn.functional.avg_pool3d', [T(1, 2, 6, 6, 6), 2], {}),
    ('torch.avg_pool1d', [T(1, 3, 10), 4], {}),
    ('torch.nn.functional.adaptive_avg_pool2d', [T(2, 64, 7, 7), 1], {}),
    ('torch.nn.functional.adaptive_avg_pool2d', [T(2, 64, 7, 9), (3, None)], {}),
    ('torch.nn.functional.adaptive_avg_pool2d', [T(64, 7, 9), (2, 3)], {}),
    ('torch.nn.functional.adaptive_avg_pool1d', [T(2, 8, 10), 4], {}),
    ('torch.nn.functional.adaptive_avg_pool3d', [T(1, 2, 4, 4, 4), (2, 1, 1)], {}),
    ('torch.nn.functional.adaptive_max_pool2d', [T(1, 3, 8, 8), (2, 4)], {}),
    ('torch.nn.functional.adaptive_max_pool2d', [T(1, 3, 8, 8), 2], {'return_indices': True}),
    ('torch.nn.functional.adaptive_max_pool1d', [T(1, 3, 8), 2], {}),
    ('torch.nn.functional.adaptive_max_pool3d', [T(1, 3, 4, 4, 4), 2], {}),
    ('torch.adaptive_avg_pool1d', [T(1, 3, 8), 2], {}),
    ('torch.adaptive_max_pool1d', [T(1, 3, 8), 2], {}),
    ('torch.nn.functional.lp_pool1d', [T(1, 3, 9), 2, 3], {}),
    ('torch.nn.functional.lp_pool2d', [T(1, 3, 9, 9), 2, 3], {'stride': 2}),
    ('torch.nn.functional.lp_pool2d', [T(1, 3, 9, 9), 1, 2], {'ceil_mode': True}),
    # Convolution.
    ('torch.nn.functional.conv2d', [T(1, 3, 28, 28), T(6, 3, 5, 5)], {}),
    ('torch.nn.functional.conv2d', [T(1, 3, 28, 28), T(6, 3, 5, 5), T(6)], {'stride': 2, 'padding': 2}),
    ('torch.nn.functional.conv2d', [T(1, 3, 9, 10), T(6, 3, 4, 4)], {'padding': 'same'}),
    ('torch.nn.functional.conv2d', [T(1, 4, 8, 8), T(8, 2, 3, 3)], {'groups': 2, 'dilation': 2}),
    ('torch.nn.functional.conv1d', [T(2, 4, 10), T(8, 4, 3)], {'padding': 1}),
    ('torch.nn.functional.conv_transpose2d', [T(1, 8, 18, 18), T(8, 1, 4, 4)], {'stride': 2, 'padding': 3, 'groups': 8}),
    ('torch.nn.functional.unfold', [T(2, 3, 8, 8)], {'kernel_size': 4, 'stride': 4}),
    ('torch.nn.functional.fold', [T(2, 48, 4)], {'output_size': (8, 8), 'kernel_size': 4, 'stride': 4}),
    ('torch.nn.functional.conv_transpose2d', [T(8, 18, 18), T(8, 3, 3, 3)], {'stride': 2, 'output_padding': 1, 'dilation': 2}),
    ('torch.nn.functional.conv_transpose1d', [T(2, 4, 10), T(4, 6, 3), T(6)], {}),
    ('torch.nn.functional.conv_transpose3d', [T(1, 2, 3, 4, 5), T(2, 4, 2, 2, 2)], {'stride': (1, 2, 3), 'padding': (1, 0, 0)}),
    ('torch.nn.functional.conv3d', [T(1, 2, 6, 6, 6), T(4, 2, 3, 3, 3)], {'stride': (1, 2, 2), 'padding': 'valid'}),
    # Interpolation, padding, pixel shuffle.
    ('torch.nn.functional.interpolate', [T(1, 3, 8, 8)], {'scale_factor': 2}),
    ('torch.nn.functional.interpolate', [T(1, 3, 8, 8)], {'size': (16, 12)}),
    ('torch.nn.functional.interpolate', [T(1, 3, 8, 8), 5], {}),
    ('torch.nn.functional.interpolate', [T(1, 3, 7, 7)], {'scale_factor': 1.5, 'mode': 'bilinear', 'align_corners': False}),
    ('torch.nn.functional.interpolate', [T(1, 3, 10)], {'scale_factor': 0.5, 'mode': 'linear'}),
    ('torch.nn.functional.interpolate', [T(1, 1, 4, 4, 4)], {'scale_factor': (2, 1, 0.5), 'mode': 'trilinear'}),
    ('torch.nn.functional.interpolate', [T(1, 3, 7, 9)], {'scale_factor': 2.5, 'recompute_scale_factor': True}),
    ('torch.nn.functional.upsample', [T(1, 3, 8, 8)], {'scale_factor': 2, 'mode': 'nearest'}),
    ('torch.nn.functional.upsample_nearest', [T(1, 3, 8, 8)], {'size': 10}),
    ('torch.nn.functional.upsample_bilinear', [T(1, 3, 8, 8)], {'scale_factor': 2}),
    ('torch.nn.functional.pad', [T(1, 3, 4, 4), (1, 1)], {}),
    ('torch.nn.functional.pad', [T(1, 3, 4, 4), (1, 2, 3, 4)], {}),
    ('torch.nn.functional.pad', [T(1, 3, 4, 4), (-1, -1, 0, 0)], {}),
    ('torch.nn.functional.pad', [T(1, 3, 4, 4), (1, 1, 1, 1, 1, 1)], {'value': 1.0}),
    ('torch.nn.functional.pad', [T(1, 3, 8), (2, 1)], {'mode': 'reflect'}),
    ('torch.nn.functional.pad', [T(1, 3, 4, 4), (2, 2, 2, 2)], {'mode': 'replicate'}),
    ('torch.nn.functional.pad', [T(1, 3, 4, 4), (1, 1, 1, 1)], {'mode': 'circular'}),
    ('torch.nn.functional.pixel_shuffle', [T(1, 16, 4, 4), 2], {}),
    ('torch.nn.functional.pixel_unshuffle', [T(1, 4, 8, 8), 2], {}),
    ('torch.pixel_shuffle', [T(2, 3, 18, 4, 4), 3], {}),
    # Linear, embedding, one_hot, glu.
    ('torch.nn.functional.linear', [T(2, 9216), T(128, 9216)], {}),
    ('torch.nn.functional.linear', [T(2, 5, 8), T(3, 8), T(3)], {}),
    ('torch.nn.functional.linear', [T(4, 8), T(8)], {}),
    ('torch.nn.functional.bilinear', [T(2, 5), T(2, 6), T(7, 5, 6)], {}),
    ('torch.nn.functional.embedding', [TL(2, 7), T(100, 16)], {}),
    ('torch.nn.functional.one_hot', [TL(3, 4), 5], {}),
    ('torch.nn.functional.glu', [T(2, 8)], {}),
    ('torch.nn.functional.glu', [T(2, 6, 4)], {'dim': 1}),
    # flatten, view, reshape.
    ('torch.flatten', [T(2, 3, 4, 5)], {}),
    ('torch.flatten', [T(2, 3, 4, 5), 1], {}),
    ('torch.flatten', [T(2, 3, 4, 5)], {'start_dim': 1, 'end_dim': 2}),
    ('torch.flatten', [T(2, 3, 4, 5)], {'end_dim': -2}),
    ('torch.flatten', [T()], {}),
    ('Tensor.flatten', [T(2, 3, 4, 5), 1], {}),
    ('Tensor.flatten', [T(2, 3, 4, 5)], {}),
    ('torch.unflatten', [T(2, 12), 1, (3, 4)], {}),
    ('Tensor.unflatten', [T(2, 12), 1, (-1, 2)], {}),
    ('Tensor.view', [x234, 6, -1], {}),
    ('Tensor.view', [x234, (4, -1)], {}),
    ('Tensor.view', [x234, -1], {}),
    ('Tensor.view', [x234, 24], {}),
    ('Tensor.view', [x234, [2, 3, 2, 2]], {}),
    ('Tensor.reshape', [x234, (3, 8)], {}),
    ('Tensor.reshape', [x234, 2, -1], {}),
    ('torch.reshape', [x234, (-1,)], {}),
    ('torch.reshape', [x234, (2, 3, 2, 2)], {}),
    ('torch.reshape', [T(6), (1, -1, 2)], {}),
    ('Tensor.view_as', [x234, T(6, 4)], {}),
    ('Tensor.reshape_as', [x234, T(4, 6)], {}),
    ('Tensor.expand_as', [T(3, 1), T(2, 3, 4)], {}),
    ('Tensor.type_as', [x234, TL(5)], {}),
    # Axis moves.
    ('Tensor.permute', [x234, 2, 0, 1], {}),
    ('Tensor.permute', [x234, (0, 2, 1)], {}),
    ('Tensor.permute', [x234, -1, 0, 1], {}),
    ('torch.permute', [x234, (1, 0, 2)], {}),
    ('Tensor.transpose', [x234, 0, 2], {}),
    ('Tensor.transpose', [x234, -1, -2], {}),
    ('torch.transpose', [x234, 1, 2], {}),
    ('torch.swapaxes', [x234, 0, 1], {}),
    ('Tensor.swapdims', [x234, 0, -1], {}),
    ('Tensor.t', [T(3, 5)], {}),
    ('torch.t', [T(5)], {}),
    ('torch.movedim', [x234, 0, -1], {}),
    ('torch.movedim', [x234, (0, 1), (2, 0)], {}),
    ('Tensor.moveaxis', [x234, 2, 0], {}),
    ('Tensor.squeeze', [T(1, 3, 1, 4)], {}),
    ('Tensor.squeeze', [T(1, 3, 1, 4), 0], {}),
    ('Tensor.squeeze', [T(1, 3, 1, 4), 1], {}),
    ('Tensor.squeeze', [T(1, 3, 1, 4), -2], {}),
    ('torch.squeeze', [T(1, 3, 1, 4), 2], {}),
    ('torch.squeeze', [T(1, 1)], {}),
    ('Tensor.squeeze_', [T(2, 1)], {}),
    ('Tensor.unsqueeze', [T(2, 3), 0], {}),
    ('Tensor.unsqueeze', [T(2, 3), -1], {}),
    ('Tensor.unsqueeze', [T(2, 3), 1], {}),
    ('torch.unsqueeze', [T(2, 3), 2], {}),
    ('Tensor.unsqueeze_', [T(2, 3), 0], {}),
    # Reductions.
    ('Tensor.mean', [x234], {}),
    ('Tensor.mean', [x234, 1], {}),
    ('Tensor.mean', [x234, (1, 2)], {}),
    ('Tensor.mean', [x234], {'dim': -1, 'keepdim': True}),
    ('torch.mean', [T(2, 64, 7, 7), [2, 3]], {}),
    ('torch.sum', [x234], {}),
    ('torch.sum', [x234, 1], {}),
    ('Tensor.sum', [x234, [0, 2]], {'keepdim': True}),
    ('torch.nansum', [x234, 0], {}),
    ('torch.amax', [x234, 1], {}),
    ('torch.amax', [x234], {}),
    ('Tensor.amin', [x234, (0, 1)], {}),
    ('torch.prod', [x234, 1], {}),
    ('torch.prod', [x234], {}),
    ('Tensor.prod', [x234, 2, True], {}),
    ('torch.std', [x234], {}),
    ('torch.std', [x234, 1], {}),
    ('Tensor.std', [x234, 1], {'keepdim': True}),
    ('torch.var', [x234], {'dim': 0}),
    ('torch.norm', [x234], {}),
    ('torch.norm', [x234], {'dim': 1}),
    ('Tensor.norm', [x234, 2, 1, True], {}),
    ('torch.logsumexp', [x234, 1], {}),
    ('torch.all', [TB(2, 3, 4)], {}),
    ('Tensor.any', [TB(2, 3, 4), 1], {}),
    ('torch.count_nonzero', [x234, 1], {}),
    ('torch.argmax', [x234], {}),
    ('torch.argmax', [x234, 1], {}),
    ('Tensor.argmax', [x234], {'dim': 1, 'keepdim': True}),
    ('torch.argmin', [x234, -1], {}),
    ('torch.max', [x234], {}),
    ('torch.max', [x234, 1], {}),
    ('torch.max', [x234, 1, True], {}),
    ('Tensor.max', [x234], {'dim': 0}),
    ('torch.max', [x234, T(3, 4)], {}),
    ('torch.min', [x234, 2], {}),
    ('Tensor.min', [x234], {}),
    ('torch.median', [x234], {}),
    ('torch.median', [x234, 1], {}),
    ('torch.mode', [x234], {}),
    ('torch.kthvalue', [x234, 2, 1], {}),
    ('torch.sort', [x234], {}),
    ('Tensor.sort', [x234, 0, True], {}),
    ('torch.argsort', [x234, 1], {}),
    ('torch.topk', [x234, 2], {}),
    ('Tensor.topk', [x234, 1], {'dim': 1}),
    ('torch.cumsum', [x234, 1], {}),
    ('Tensor.cumprod', [x234], {'dim': 2}),
    # Elementwise functions and conversions keep the shape.
    ('torch.abs', [x234], {}),
    ('torch.exp', [x234], {}),
    ('Tensor.log', [x234], {}),
    ('torch.sqrt', [x234], {}),
    ('Tensor.floor', [x234], {}),
    ('torch.round', [x234], {'decimals': 2}),
    ('Tensor.exp_', [x234], {}),
    ('Tensor.neg_', [x234], {}),
    ('torch.sign', [x234], {}),
    ('torch.nan_to_num', [x234], {}),
    ('torch.clamp', [x234], {'min': 0}),
    ('torch.clip', [x234, -1, 1], {}),
    ('Tensor.clamp', [x234], {'max': 1.0}),
    ('Tensor.clamp_', [x234, 0], {}),
    ('torch.clamp_min', [x234, 0.0], {}),
    ('Tensor.contiguous', [x234], {}),
    ('Tensor.clone', [x234], {}),
    ('torch.clone', [x234], {}),
    ('Tensor.detach', [x234], {}),
    ('Tensor.float', [x234], {}),
    ('Tensor.double', [x234], {}),
    ('Tensor.half', [x234], {}),
    ('Tensor.long', [x234], {}),
    ('Tensor.int', [x234], {}),
    ('Tensor.bool', [x234], {}),
    ('Tensor.to', [x234, 'cpu'], {}),
    ('Tensor.cpu', [x234], {}),
    ('Tensor.requires_grad_', [x234], {}),
    ('Tensor.zero_', [x234], {}),
    ('Tensor.fill_', [x234, 1.0], {}),
    ('Tensor.normal_', [x234], {}),
    ('Tensor.uniform_', [x234, -1, 1], {}),
    ('Tensor.masked_fill', [x234, TB(3, 4), 0.0], {}),
    ('Tensor.masked_fill_', [x234, TB(4), 0.0], {}),
    ('torch.masked_fill', [x234, TB(2, 1, 1), 0.0], {}),
    # Arithmetic with broadcasting.
    ('torch.add', [T(2, 3), T(3)], {}),
    ('torch.add', [T(2, 1, 4), T(3, 1)], {'alpha': 2}),
    ('Tensor.add', [T(2, 3), 1.5], {}),
    ('Tensor.add_', [T(2, 3), T(3)], {}),
    ('operator.add', [T(2, 3), T(2, 3)], {}),
    ('operator.add', [2, T(2, 3)], {}),
    ('operator.add', [T(4, 1, 5), T(3, 1)], {}),
    ('operator.iadd', [T(2, 3), T(3)], {}),
    ('operator.iadd', [T(2, 3), 1], {}),
    ('torch.sub', [T(2, 3), T(2, 1)], {}),
    ('operator.sub', [1.0, T(2, 3)], {}),
    ('operator.isub', [T(2, 3), T(1, 3)], {}),
    ('Tensor.sub_', [T(2, 3), 1], {}),
    ('torch.mul', [T(2, 3), 2], {}),
    ('operator.mul', [T(2, 16, 8, 8), T(2, 16, 1, 1)], {}),
    ('operator.mul', [T(16, 1, 1), T(2, 1, 8, 8)], {}),
    ('operator.imul', [T(2, 16, 8, 8), T(2, 16, 1, 1)], {}),
    ('Tensor.mul_', [T(2, 3), T(3)], {}),
    ('torch.div', [T(2, 3), T(3)], {'rounding_mode': 'floor'}),
    ('operator.truediv', [T(2, 3), 2], {}),
    ('operator.truediv', [T(2, 3), T(2, 1)], {}),
    ('operator.itruediv', [T(2, 3), 2], {}),
    ('Tensor.div_', [T(2, 3), T(3)], {}),
    ('torch.true_divide', [T(2, 3), T(1)], {}),
    ('operator.floordiv', [T(2, 3), 2], {}),
    ('torch.floor_divide', [T(2, 3), T(3)], {}),
    ('operator.mod', [T(2, 3), 2], {}),
    ('torch.remainder', [T(2, 3), T(2, 1)], {}),
    ('operator.pow', [T(2, 3), 2], {}),
    ('operator.pow', [2, T(2, 3)], {}),
    ('operator.ipow', [T(2, 3), 2], {}),
    ('torch.pow', [T(2, 3), T(3)], {}),
    ('Tensor.pow', [T(2, 3), 2], {}),
    ('Tensor.pow_', [T(2, 3), 0.5], {}),
    ('torch.maximum', [T(2, 3), T(3)], {}),
    ('torch.minimum', [T(1, 3), T(2, 1)], {}),
    ('torch.eq', [T(2, 3), T(3)], {}),
    ('operator.gt', [T(2, 3), 0], {}),
    ('operator.lt', [T(2, 3), T(2, 1)], {}),
    ('torch.logical_and', [TB(2, 3), TB(3)], {}),
    ('torch.atan2', [T(2, 3), T(2, 3)], {}),
    ('operator.and_', [TB(2, 3), TB(2, 1)], {}),
    ('operator.neg', [T(2, 3)], {}),
    ('operator.pos', [T(2, 3)], {}),
    ('operator.abs', [T(2, 3)], {}),
    ('operator.invert', [TB(2, 3)], {}),
    ('torch.where', [TB(2, 1, 4), T(3, 1), T(4)], {}),
    ('torch.where', [TB(2, 3), T(2, 3), 0.0], {}),
    ('Tensor.where', [T(2, 3), TB(2, 3), T(3)], {}),
    # Matrix products.
    ('torch.matmul', [T(3), T(3)], {}),
    ('torch.matmul', [T(2, 3), T(3, 4)], {}),
    ('torch.matmul', [T(3), T(3, 4)], {}),
    ('torch.matmul', [T(2, 3), T(3)], {}),
    ('torch.matmul', [T(5, 2, 3), T(3, 4)], {}),
    ('torch.matmul', [T(5, 2, 3), T(5, 3, 4)], {}),
    ('torch.matmul', [T(2, 1, 2, 3), T(5, 3, 4)], {}),
    ('torch.matmul', [T(3), T(5, 3, 4)], {}),
    ('torch.matmul', [T(5, 2, 3), T(3)], {}),
    ('operator.matmul', [T(8, 4, 10, 16), T(8, 4, 16, 10)], {}),
    ('Tensor.matmul', [T(2, 3), T(3, 4)], {}),
    ('torch.mm', [T(2, 3), T(3, 4)], {}),
    ('Tensor.mm', [T(2, 3), T(3, 4)], {}),
    ('torch.bmm', [T(5, 2, 3), T(5, 3, 4)], {}),
    ('torch.mv', [T(2, 3), T(3)], {}),
    ('torch.dot', [T(3), T(3)], {}),
    ('torch.outer', [T(3), T(4)], {}),
    ('torch.einsum', ['bij,bjk->bik', T(2, 3, 4), T(2, 4, 5)], {}),
    ('torch.einsum', ['ij->ji', T(2, 3)], {}),
    ('torch.einsum', ['ii', T(3, 3)], {}),
    ('einops.rearrange', [T(2, 12, 5), 'b (h w) c -> b c h w'], {'h': 3}),
    ('einops.rearrange', [T(2, 12, 5), 'b c d -> (b c) d'], {}),
    ('einops.rearrange', [T(2, 12, 5), '... c -> c ...'], {}),
    ('einops.rearrange', [T(4, 3), 'a b -> a () b'], {}),
    ('einops.rearrange', [T(2, 6, 4, 5), 'b (h c) x y -> b h c (x y)'], {'h': 2}),
    ('einops.reduce', [T(2, 12, 5), 'b c d -> b 1 1', 'mean'], {}),
    ('einops.reduce', [T(2, 12, 5), 'b ... -> b', 'sum'], {}),
    ('einops.reduce', [T(8, 3, 3, 3), 'o ... -> o 1 1 1', 'mean'], {}),
    ('einops.repeat', [T(2, 12, 5), 'b c d -> b c d r'], {'r': 3}),
    ('einops.repeat', [T(5), 'd -> b d'], {'b': 2}),
    ('torch.einsum', ['ij,jk', T(2, 3), T(3, 4)], {}),
    ('torch.einsum', ['i,j->ij', [T(3), T(4)]], {}),
    ('torch.einsum', ['bhqd,bhkd->bhqk', T(2, 4, 10, 8), T(2, 4, 12, 8)], {}),
    # Joining and splitting.
    ('torch.cat', [[T(2, 3), T(4, 3)]], {}),
    ('torch.cat', [[T(2, 3), T(2, 5)], 1], {}),
    ('torch.cat', [[T(1, 16, 8, 8), T(1, 8, 8, 8), T(1, 4, 8, 8)]], {'dim': 1}),
    ('torch.cat', [(T(2, 3), T(2, 5))], {'dim': -1}),
    ('torch.cat', [[T(0), T(2, 3)]], {}),
    ('torch.concat', [[T(2, 3), T(2, 3)], 0], {}),
    ('torch.concatenate', [[T(2, 3), T(2, 4)]], {'axis': 1}),
    ('torch.stack', [[T(2, 3), T(2, 3)]], {}),
    ('torch.stack', [[T(2, 3), T(2, 3), T(2, 3)], 1], {}),
    ('torch.stack', [[T(2, 3), T(2, 3)]], {'dim': -1}),
    ('torch.split', [T(10, 4), 3], {}),
    ('torch.split', [T(4, 10), [2, 8], 1], {}),
    ('torch.split', [T(4, 10), 5], {'dim': 1}),
    ('Tensor.split', [T(6, 4), 2], {}),
    ('Tensor.split', [T(6, 4), [1, 5]], {}),
    ('torch.chunk', [T(10, 4), 3], {}),
    ('torch.chunk', [T(5, 4), 4], {}),
    ('torch.chunk', [T(2, 8), 2], {'dim': 1}),
    ('Tensor.chunk', [T(2, 8, 6), 3, -1], {}),
    ('torch.unbind', [T(3, 4)], {}),
    ('Tensor.unbind', [T(3, 4), 1], {}),
    # expand, repeat, tile.
    ('Tensor.expand', [T(3, 1), 3, 4], {}),
    ('Tensor.expand', [T(3, 1), 2, 3, 4], {}),
    ('Tensor.expand', [T(3, 1), -1, 5], {}),
    ('Tensor.expand', [T(3, 1), (2, 3, 4)], {}),
    ('Tensor.repeat', [T(2, 3), 2, 2], {}),
    ('Tensor.repeat', [T(2, 3), 2, 1, 1], {}),
    ('Tensor.repeat', [T(2, 3), (1, 4)], {}),
    ('torch.tile', [T(2, 3), (2,)], {}),
    ('torch.tile', [T(2, 3), (2, 1, 2)], {}),
    # Creation.
    ('torch.zeros_like', [x234], {}),
    ('torch.ones_like', [x234], {}),
    ('torch.empty_like', [x234], {}),
    ('torch.rand_like', [x234], {}),
    ('torch.randn_like', [x234], {'requires_grad': True}),
    ('torch.full_like', [x234, 7.0], {}),
    ('torch.randint_like', [x234, 10], {}),
    ('torch.zeros', [2, 3], {}),
    ('torch.zeros', [(2, 3)], {}),
    ('torch.ones', [4], {}),
    ('torch.randn', [2, 3, 4], {}),
    ('torch.rand', [[2]], {}),
    ('torch.empty', [3, 3], {}),
    ('torch.full', [(2, 3), 1.5], {}),
    ('torch.arange', [10], {}),
    ('torch.arange', [2, 10], {}),
    ('torch.arange', [0, 10, 3], {}),
    ('torch.arange', [1.0, 2.0, 0.25], {}),
    ('torch.arange', [], {'end': 6}),
    ('torch.arange', [], {'start': 0, 'end': 9, 'step': 2}),
    ('torch.arange', [1], {'end': 10}),
    ('torch.arange', [1, 10], {'step': 4}),
    ('torch.meshgrid', [T(3), T(4)], {'indexing': 'ij'}),
    ('torch.meshgrid', [[T(3), T(4), T(5)]], {'indexing': 'xy'}),
    ('torch.meshgrid', [T(3), T(4)], {}),
    ('torch.linspace', [0, 1, 5], {}),
    ('torch.eye', [3], {}),
    ('torch.eye', [3, 4], {}),
    ('Tensor.new_zeros', [x234, 2, 3], {}),
    ('Tensor.new_ones', [x234, (4,)], {}),
    ('Tensor.new_full', [x234, (2, 2), 1.0], {}),
]

# (op, args, kwargs, our rule code, whether our message starts with PyTorch's message verbatim)
ERRORS = [
    ('Tensor.view', [T(1, 32, 14, 14), -1, 12544], {}, 'reshape-size', True),
    ('Tensor.view', [x234, 5, 5], {}, 'reshape-size', True),
    ('Tensor.view', [x234, -1, -1, 2], {}, 'reshape-size', True),
    ('torch.reshape', [x234, (5, -1)], {}, 'reshape-size', True),
    ('Tensor.view_as', [T(2, 3), T(4, 4)], {}, 'reshape-size', True),
    ('torch.unflatten', [T(2, 12), 1, (5, 2)], {}, 'reshape-size', True),
    ('torch.cat', [[T(1, 16, 8, 8), T(1, 8, 4, 4)], 1], {}, 'cat-mismatch', True),
    ('torch.cat', [[T(2, 3), T(2, 3, 4)]], {}, 'rank-mismatch', True),
    ('torch.stack', [[T(2, 3), T(2, 4)]], {}, 'cat-mismatch', True),
    ('operator.add', [T(1, 8, 16, 16), T(1, 8, 16, 32)], {}, 'broadcast-mismatch', True),
    ('torch.mul', [T(2, 3), T(4)], {}, 'broadcast-mismatch', True),
    ('operator.iadd', [T(3, 1), T(3, 4)], {}, 'broadcast-mismatch', True),
    ('Tensor.add_', [T(4), T(2, 4)], {}, 'broadcast-mismatch', True),
    ('torch.matmul', [T(2, 9216), T(12544, 128)], {}, 'broadcast-mismatch', True),
    ('operator.matmul', [T(5, 2, 3), T(5, 4, 6)], {}, 'broadcast-mismatch', False),
    ('torch.mm', [T(2, 3), T(4, 5)], {}, 'broadcast-mismatch', True),
    ('torch.mm', [T(2, 3, 4), T(4, 5)], {}, 'rank-mismatch', False),
    ('torch.bmm', [T(2, 3, 4), T(3, 4, 5)], {}, 'broadcast-mismatch', False),
    ('torch.einsum', ['ij,jk->ik', T(2, 3), T(4, 5)], {}, 'broadcast-mismatch', False),
    ('torch.nn.functional.linear', [T(2, 9216), T(128, 12544)], {}, 'linear-in-features', True),
    ('torch.nn.functional.max_pool2d', [T(1, 16, 2, 2), 3], {}, 'nonpositive-size', True),
    ('torch.nn.functional.avg_pool2d', [T(1, 16, 2, 2), 3], {}, 'nonpositive-size', True),
    ('torch.nn.functional.avg_pool1d', [T(1, 4, 2), 3], {}, 'nonpositive-size', False),
    ('torch.nn.functional.conv2d', [T(1, 3, 4, 4), T(6, 3, 5, 5)], {}, 'nonpositive-size', False),
    ('torch.nn.functional.conv2d', [T(1, 3, 8, 8), T(6, 4, 3, 3)], {}, 'conv-in-channels', True),
    ('torch.nn.functional.conv_transpose2d', [T(1, 4, 18, 18), T(8, 1, 4, 4)], {}, 'conv-in-channels', True),
    ('torch.nn.functional.pad', [T(1, 3, 4, 4), (-3, -2)], {}, 'nonpositive-size', False),
    ('torch.nn.functional.pad', [T(4), (1, 1, 1, 1)], {}, 'rank-mismatch', False),
    ('torch.nn.functional.max_pool2d', [T(8), 2], {}, 'rank-mismatch', False),
    ('torch.nn.functional.interpolate', [T(3, 8)], {'scale_factor': 2}, 'rank-mismatch', False),
    ('torch.nn.functional.interpolate', [T(1, 3, 8, 8)], {'size': (4, 4, 4)}, 'rank-mismatch', False),
    ('Tensor.permute', [x234, 0, 1], {}, 'rank-mismatch', False),
    ('Tensor.transpose', [T(2, 3), 0, 2], {}, 'rank-mismatch', True),
    ('torch.flatten', [T(2, 3), 3], {}, 'rank-mismatch', True),
    ('Tensor.unsqueeze', [T(2, 3), 3], {}, 'rank-mismatch', True),
    ('Tensor.squeeze', [T(2, 3), 2], {}, 'rank-mismatch', True),
    ('torch.nn.functional.softmax', [T(2, 3)], {'dim': 2}, 'rank-mismatch', True),
    ('torch.sum', [T(2, 3), 2], {}, 'rank-mismatch', True),
    ('torch.cat', [[T(2, 3), T(2, 3)], 2], {}, 'rank-mismatch', True),
    ('Tensor.t', [x234], {}, 'rank-mismatch', True),
    ('Tensor.expand', [T(2, 3), 2, 4], {}, 'broadcast-mismatch', True),
    ('Tensor.repeat', [T(2, 3), 2], {}, 'rank-mismatch', False),
    ('torch.split', [T(10, 4), [3, 3]], {}, 'reshape-size', True),
    ('torch.nn.functional.glu', [T(2, 5)], {}, 'reshape-size', True),
    ('torch.nn.functional.pixel_shuffle', [T(1, 5, 4, 4), 2], {}, 'reshape-size', True),
    ('torch.nn.functional.layer_norm', [T(2, 3, 5), [8]], {}, 'norm-num-features', True),
    ('torch.nn.functional.batch_norm', [T(4, 16, 8, 8), T(32), T(32)], {}, 'norm-num-features', True),
    ('torch.nn.functional.group_norm', [T(2, 6, 4), 4], {}, 'groups-divisible', True),
    ('torch.nn.functional.embedding', [TL(2, 3), T(10)], {}, 'rank-mismatch', True),
    ('torch.nn.functional.dropout1d', [T(2, 3, 4, 5)], {}, 'rank-mismatch', True),
    ('torch.nn.functional.cosine_similarity', [T(2, 3), T(2, 4)], {}, 'broadcast-mismatch', True),
    ('torch.where', [TB(2, 3), T(2, 4), T(3)], {}, 'broadcast-mismatch', False),
    ('Tensor.masked_fill', [T(2, 3), TB(2, 4), 0.0], {}, 'broadcast-mismatch', False),
    ('einops.rearrange', [T(2, 12, 5), 'b c h w -> b (c h w)'], {}, 'rank-mismatch', False),
    ('einops.rearrange', [T(2, 12, 5), 'b (h w) c -> b h w c'], {'h': 5}, 'reshape-size', False),
    ('einops.rearrange', [T(2, 12, 5), 'b (h w) c -> b h w c'], {'h': 5, 'w': 3}, 'reshape-size', False),
]

# Symbolic sizes: PyTorch runs under each environment; the test evaluates the engine's expression there.
SYMBOLIC = [
    ('Tensor.view', [T(N, 16, 5, 5), N, -1], {}),
    ('Tensor.view', [T(N, 16, 5, 5), -1, 400], {}),
    ('Tensor.view', [T(N, 16, 5, 5), -1], {}),
    ('Tensor.reshape', [T(N, 3, 4), N, 12], {}),
    ('Tensor.view', [T(N, 3, H, H), N, 3, -1], {}),
    ('torch.flatten', [T(N, 16, 5, 5), 1], {}),
    ('torch.flatten', [T(N, 8, H, W), 1], {}),
    ('torch.nn.functional.max_pool2d', [T(N, 16, H, W), 2], {}),
    ('torch.nn.functional.max_pool2d', [T(N, 16, H, W), 3, 2, 1], {}),
    ('torch.nn.functional.avg_pool2d', [T(N, 16, H, W), 2], {}),
    ('torch.nn.functional.conv2d', [T(N, 3, H, W), T(8, 3, 3, 3)], {'padding': 1}),
    ('torch.nn.functional.adaptive_avg_pool2d', [T(N, 64, H, W), 1], {}),
    ('torch.nn.functional.interpolate', [T(N, 3, H, W)], {'scale_factor': 2}),
    ('torch.nn.functional.pad', [T(N, 3, H, W), (1, 1, 2, 2)], {}),
    ('torch.nn.functional.linear', [T(N, 8), T(4, 8)], {}),
    ('torch.nn.functional.relu', [T(N, 8, H)], {}),
    ('torch.cat', [[T(N, 16, H, W), T(N, 8, H, W)], 1], {}),
    ('torch.cat', [[T(N, 4), T(N, 4)]], {}),
    ('torch.stack', [[T(N, 4), T(N, 4)], 1], {}),
    ('operator.add', [T(N, 16, H, W), T(N, 16, H, W)], {}),
    ('operator.mul', [T(N, 16, H, W), T(N, 16, 1, 1)], {}),
    ('operator.iadd', [T(N, 16, H, W), T(16, 1, 1)], {}),
    ('torch.matmul', [T(N, 5, 8), T(8, 3)], {}),
    ('Tensor.permute', [T(N, 3, H, W), 0, 2, 3, 1], {}),
    ('Tensor.transpose', [T(N, H, 8), 1, 2], {}),
    ('Tensor.mean', [T(N, 64, H, W), (2, 3)], {}),
    ('Tensor.sum', [T(N, 64, H), -1], {'keepdim': True}),
    ('torch.split', [T(N, 8), 4, 1], {}),
    ('Tensor.chunk', [T(N, 8, H), 2, 1], {}),
    ('Tensor.expand', [T(N, 1, 4), N, 3, 4], {}),
    ('Tensor.expand', [T(1, 4), N, -1], {}),
    ('Tensor.unsqueeze', [T(N, 4), 1], {}),
    ('Tensor.squeeze', [T(N, 1, 4)], {}),
    ('Tensor.repeat', [T(N, 4), 1, 3], {}),
    ('torch.zeros', [N, 3], {}),
    ('torch.max', [T(N, 10), 1], {}),
    ('torch.nn.functional.softmax', [T(N, 10)], {'dim': 1}),
]


def main():
    print('// Generated by scripts/truth/ops.py with PyTorch ' + torch.__version__ + '.')
    print('const SHAPES: ShapeRow[] = [')
    for name, args, kwargs in SHAPES:
        out = shape_json(call(name, args, kwargs, ENVS[0]))
        print(f'  [{ts(name)}, {ts(args)}, {ts(kwargs)}, {json_ts(out)}],')
    print('];\n')
    print('const ERRORS: ErrorRow[] = [')
    for name, args, kwargs, code, verbatim in ERRORS:
        try:
            call(name, args, kwargs, ENVS[0])
        except Exception as e:  # noqa: BLE001 - every PyTorch error type is wanted here
            message = str(e).strip().split('\n')[0]
            print(f'  [{ts(name)}, {ts(args)}, {ts(kwargs)}, {ts(code)}, {ts(verbatim)}, {ts(message)}],')
            continue
        raise SystemExit(f'expected an error: {name} {args} {kwargs}')
    print('];\n')
    print('const SYMBOLIC: SymbolicRow[] = [')
    for name, args, kwargs in SYMBOLIC:
        outs = [json_ts(shape_json(call(name, args, kwargs, env))) for env in ENVS]
        print(f'  [{ts(name)}, {ts(args)}, {ts(kwargs)}, [{", ".join(outs)}]],')
    print('];')


if __name__ == '__main__':
    main()
