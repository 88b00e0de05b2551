# Truth for test/shapes/attention.test.ts: output shapes and parameter counts of PyTorch's attention
# layers (MultiheadAttention, TransformerEncoderLayer/Encoder, TransformerDecoderLayer/Decoder),
# computed with real PyTorch and printed as TypeScript table rows to paste into the test.
# Run with: /usr/bin/python3 scripts/truth/attention.py
import torch
import torch.nn as nn

torch.manual_seed(0)


def params(m):
    return sum(p.numel() for p in m.parameters())


def shape(t):
    return 'null' if t is None else '[' + ', '.join(str(d) for d in t.shape) + ']'


def ts(v):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if v is None:
        return 'null'
    if isinstance(v, str):
        return "'" + v + "'"
    if isinstance(v, tuple):
        return '[' + ', '.join(ts(x) for x in v) + ']'
    return str(v)


def kw(d):
    return '{ ' + ', '.join(f'{k}: {ts(v)}' for k, v in d.items()) + ' }' if d else '{}'


print('// MultiheadAttention: [args, kwargs, [query, key, value], callKwargs, output, weights, params]')
MHA = [
    ((32, 4), {}, [(10, 2, 32), (10, 2, 32), (10, 2, 32)], {}),
    ((32, 4), {'batch_first': True}, [(2, 10, 32), (2, 10, 32), (2, 10, 32)], {}),
    ((32, 4), {'batch_first': True}, [(2, 10, 32), (2, 7, 32), (2, 7, 32)], {}),
    ((32, 4), {}, [(10, 32), (6, 32), (6, 32)], {}),
    ((32, 4), {'bias': False}, [(5, 3, 32), (5, 3, 32), (5, 3, 32)], {}),
    ((32, 4), {'add_bias_kv': True}, [(5, 3, 32), (6, 3, 32), (6, 3, 32)], {}),
    ((32, 4), {'add_zero_attn': True}, [(5, 3, 32), (6, 3, 32), (6, 3, 32)], {}),
    ((32, 4), {'add_bias_kv': True, 'add_zero_attn': True}, [(5, 3, 32), (6, 3, 32), (6, 3, 32)], {}),
    ((32, 8), {'kdim': 16, 'vdim': 24}, [(5, 3, 32), (6, 3, 16), (6, 3, 24)], {}),
    ((32, 8), {'kdim': 16, 'vdim': 24, 'batch_first': True}, [(3, 5, 32), (3, 6, 16), (3, 6, 24)], {}),
    ((64, 8), {'dropout': 0.1}, [(5, 3, 64), (5, 3, 64), (5, 3, 64)], {'average_attn_weights': False}),
    ((64, 8), {}, [(5, 3, 64), (5, 3, 64), (5, 3, 64)], {'need_weights': False}),
    ((64, 8), {'batch_first': True}, [(3, 5, 64), (3, 9, 64), (3, 9, 64)], {'average_attn_weights': False}),
    ((16, 16), {}, [(7, 16), (7, 16), (7, 16)], {'average_attn_weights': False}),
]
for args, kwargs, inputs, call in MHA:
    m = nn.MultiheadAttention(*args, **kwargs).eval()
    ins = [torch.randn(*s) for s in inputs]
    out, w = m(*ins, **call)
    print(f'  [{ts(args)}, {kw(kwargs)}, {ts(tuple(inputs))}, {kw(call)}, {shape(out)}, {shape(w)}, {params(m)}],')

print('// encoder/decoder layers: [name, args, kwargs, inputs, output, params]')
LAYERS = [
    ('TransformerEncoderLayer', (32, 4), {}, [(10, 2, 32)]),
    ('TransformerEncoderLayer', (32, 4), {'dim_feedforward': 64, 'batch_first': True}, [(2, 10, 32)]),
    ('TransformerEncoderLayer', (32, 4), {'dim_feedforward': 64, 'norm_first': True}, [(10, 32)]),
    ('TransformerEncoderLayer', (512, 8), {}, [(3, 2, 512)]),
    ('TransformerDecoderLayer', (32, 4), {'dim_feedforward': 64}, [(7, 2, 32), (10, 2, 32)]),
    ('TransformerDecoderLayer', (32, 4), {'dim_feedforward': 64, 'batch_first': True}, [(2, 7, 32), (2, 10, 32)]),
    ('TransformerDecoderLayer', (512, 8), {}, [(3, 2, 512), (4, 2, 512)]),
]
for name, args, kwargs, inputs in LAYERS:
    m = getattr(nn, name)(*args, **kwargs).eval()
    out = m(*[torch.randn(*s) for s in inputs])
    print(f"  ['{name}', {ts(args)}, {kw(kwargs)}, {ts(tuple(inputs))}, {shape(out)}, {params(m)}],")

print('// stacks: [name, layer args, layer kwargs, num_layers, norm, inputs, output, params]')
STACKS = [
    ('TransformerEncoder', (32, 4), {'dim_feedforward': 64, 'batch_first': True}, 2, False, [(2, 10, 32)]),
    ('TransformerEncoder', (32, 4), {'dim_feedforward': 64}, 3, True, [(10, 2, 32)]),
    ('TransformerDecoder', (32, 4), {'dim_feedforward': 64}, 2, True, [(7, 2, 32), (10, 2, 32)]),
]
for name, args, kwargs, n, norm, inputs in STACKS:
    layer = getattr(nn, name + 'Layer')(*args, **kwargs)
    m = getattr(nn, name)(layer, n, norm=nn.LayerNorm(args[0]) if norm else None).eval()
    out = m(*[torch.randn(*s) for s in inputs])
    print(f"  ['{name}', {ts(args)}, {kw(kwargs)}, {n}, {ts(norm)}, {ts(tuple(inputs))}, {shape(out)}, {params(m)}],")

print('// errors')
for args, kwargs, inputs in [((30, 4), {}, None), ((32, 4), {}, [(10, 2, 16), (10, 2, 16), (10, 2, 16)])]:
    try:
        m = nn.MultiheadAttention(*args, **kwargs)
        m(*[torch.randn(*s) for s in inputs])
        print('  no error', args)
    except Exception as e:
        print('  //', args, inputs, type(e).__name__, str(e).splitlines()[0])
