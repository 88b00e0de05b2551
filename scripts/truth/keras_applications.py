# Generates server/src/model/keras-applications-table.ts: the compact table of the
# keras.applications constructors (ResNet, VGG, MobileNet, EfficientNet, DenseNet, Inception,
# Xception, NASNet, ConvNeXt) that the engine uses where no Keras source is installed.
#
# TensorFlow and Keras cannot be installed here, so this runs Keras's own published source of the
# applications (keras-team/keras, keras/src/applications/*.py, fetched OUTSIDE this repository)
# under small stand-ins for `keras.src.layers`, `backend`, `models`, ... that carry no numbers but
# the structure of each tensor: its channel count and, for each spatial axis, a node in a tree of
# spatial operations (convolution or pooling with kernel, stride, dilation and padding; zero
# padding; cropping; Keras's `correct_pad`). The engine evaluates that tree for any input size.
# Each named layer a user reaches with get_layer is listed with its class and output; parameters are counted per layer from the
# layer's own weights (kernel, bias, BatchNormalization's four vectors, ...).
#
#   /usr/bin/python3 scripts/truth/keras_applications.py /work/realcode/keras/applications > server/src/model/keras-applications-table.ts
#
# The source folder holds keras/src/applications/*.py of keras-team/keras (the commit is written
# into the table's header). Nothing of Keras's code is copied into the output: only names, shapes
# and counts.

import inspect
import json
import math
import os
import sys
import types

SRC = sys.argv[1] if len(sys.argv) > 1 else '/work/realcode/keras/applications'
COMMIT = sys.argv[2] if len(sys.argv) > 2 else 'unknown'

# ------------------------------------------------------------------ the spatial tree


class Tree:
    """Spatial operations, deduplicated: a node is (parent, op)."""

    def __init__(self):
        self.nodes = [None]  # node 0 is the input size
        self.index = {}

    def add(self, parent, op):
        op = canonical(op)
        if op is None:
            return parent
        key = (parent, op)
        if key not in self.index:
            self.index[key] = len(self.nodes)
            self.nodes.append(key)
        return self.index[key]

    def size(self, node, n):
        """The size at `node` for an input size n (None when it cannot be computed)."""
        if node == 0:
            return n
        parent, op = self.nodes[node]
        s = self.size(parent, n)
        if s is None:
            return None
        return apply_op(op, s)


def canonical(op):
    """One spelling per size function: 'same' windows depend on the stride only, a valid window of
    one element is a 'same' one, a stride-1 'same' window and an empty padding change nothing."""
    if op[0] == 'w':
        _, k, st, d, pad = op
        pad = pad.lower()
        if pad == 'valid' and d * (k - 1) + 1 == 1:
            pad = 'same'
        if pad == 'same':
            return None if st == 1 else ('w', 1, st, 1, 'same')
        return ('w', k, st, d, pad)
    if op[0] in ('p', 'x') and op[1] == 0 and op[2] == 0:
        return None
    return op


def same_size(a, b):
    """Two nodes that give the same size for every input size where both are defined."""
    if a == b:
        return True
    for n in range(1, 1200):
        x, y = TREE.size(a, n), TREE.size(b, n)
        if x is not None and y is not None and x != y:
            return False
    return True


def apply_op(op, s):
    kind = op[0]
    if kind == 'w':  # window: kernel, stride, dilation, padding
        _, k, st, d, pad = op
        if pad == 'same':
            return -(-s // st)
        eff = d * (k - 1) + 1
        out = (s - eff) // st + 1
        return out if out > 0 else None
    if kind == 'p':  # zero padding before, after
        return s + op[1] + op[2]
    if kind == 'x':  # cropping before, after
        return s - op[1] - op[2]
    if kind == 'q':  # Keras's correct_pad(kernel): (k//2 - 1 + s%2, k//2)
        k = op[1]
        return s + 2 * (k // 2) - 1 + (s % 2)
    raise ValueError(op)


TREE = None
RECORDS = None
UID = {}

# ------------------------------------------------------------------ symbolic tensors


class Sp:
    """A spatial size: a node of the tree."""

    def __init__(self, node):
        self.node = node

    def __repr__(self):
        return f'Sp({self.node})'

    # NASNet compares sizes to decide whether a branch needs adjusting: an answer that holds
    # for every input size Keras accepts (from the model's min_size up), or none (the model is left out of the table).
    def __eq__(self, o):
        if not isinstance(o, Sp):
            return False
        if same_size(self.node, o.node):
            return True
        if any(x is not None and x == y for x, y in ((TREE.size(self.node, n), TREE.size(o.node, n)) for n in range(MIN_SIZE, 1200))):
            raise ValueError(f'sizes at nodes {self.node} and {o.node} agree for some inputs only')
        return False

    def __ne__(self, o):
        return not self.__eq__(o)

    def __hash__(self):
        return hash(self.node)


class T:
    """A symbolic tensor: shape is a tuple (None batch, Sp or int ...)."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def __add__(self, o):
        return merge_shape([self, o])

    __radd__ = __add__
    __sub__ = __add__
    __rsub__ = __add__

    def __mul__(self, o):
        return merge_shape([self, o])

    __rmul__ = __mul__
    __truediv__ = __mul__


def same_dim(a, b):
    if isinstance(a, Sp) and isinstance(b, Sp):
        return same_size(a.node, b.node)
    return a == b


def merge_shape(items):
    ts = [i for i in items if isinstance(i, T)]
    full = [t for t in ts if len(t.shape) == max(len(x.shape) for x in ts)]
    base = full[0].shape
    for t in ts[1:]:
        for a, b in zip(reversed(t.shape), reversed(base)):
            if not (same_dim(a, b) or a == 1 or b == 1 or a is None or b is None):
                raise ValueError(f'merge of {t.shape} and {base}')
    return T(base)


class Weight:
    def __init__(self, shape):
        self.shape = shape

    def __mul__(self, o):
        return o * 1

    __rmul__ = __mul__


def count(shape):
    return math.prod(shape) if shape else 1


def spatial(x):
    return [i for i, d in enumerate(x.shape) if isinstance(d, Sp)]


def pair(v, n=2):
    if isinstance(v, (list, tuple)):
        return tuple(v)
    return (v,) * n


# ------------------------------------------------------------------ layers


class Layer:
    def __init__(self, *args, name=None, **kwargs):
        self.name = name
        self.trainable_count = 0
        self.frozen_count = 0
        self._built = False

    def add_weight(self, shape=(), trainable=True, name=None, **kwargs):
        if trainable:
            self.trainable_count += count(shape)
        else:
            self.frozen_count += count(shape)
        return Weight(shape)

    def build(self, input_shape):
        pass

    def call(self, x, *args, **kwargs):
        return x

    def __call__(self, x, *args, **kwargs):
        if not self._built:
            first = x[0] if isinstance(x, (list, tuple)) else x
            self.build(first.shape)
            self._built = True
        out = self.call(x, *args, **kwargs)
        record(self, out)
        return out


def record(layer, out):
    if RECORDS is not None:
        RECORDS.append((layer.name, type(layer).__name__, out, layer.trainable_count, layer.frozen_count))


def window(x, kernel, strides, padding, dilation=1):
    kernel, strides, dilation = pair(kernel), pair(strides), pair(dilation)
    axes = spatial(x)
    shape = list(x.shape)
    for j, i in enumerate(axes):
        shape[i] = Sp(TREE.add(x.shape[i].node, ('w', kernel[j], strides[j], dilation[j], padding)))
    return shape


class Conv2D(Layer):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, **kw):
        super().__init__(**kw)
        self.filters, self.kernel, self.strides, self.padding, self.dilation, self.groups, self.use_bias = filters, pair(kernel_size), pair(strides), padding, pair(dilation_rate), groups, use_bias

    def build(self, s):
        self.add_weight(self.kernel + (s[-1] // self.groups, self.filters))
        if self.use_bias:
            self.add_weight((self.filters,))

    def call(self, x):
        shape = window(x, self.kernel, self.strides, self.padding, self.dilation)
        shape[-1] = self.filters
        return T(shape)


class DepthwiseConv2D(Layer):
    def __init__(self, kernel_size, strides=(1, 1), padding='valid', depth_multiplier=1, data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True, **kw):
        super().__init__(**kw)
        self.kernel, self.strides, self.padding, self.dm, self.dilation, self.use_bias = pair(kernel_size), pair(strides), padding, depth_multiplier, pair(dilation_rate), use_bias

    def build(self, s):
        self.add_weight(self.kernel + (s[-1], self.dm))
        if self.use_bias:
            self.add_weight((s[-1] * self.dm,))

    def call(self, x):
        shape = window(x, self.kernel, self.strides, self.padding, self.dilation)
        shape[-1] = x.shape[-1] * self.dm
        return T(shape)


class SeparableConv2D(Layer):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True, **kw):
        super().__init__(**kw)
        self.filters, self.kernel, self.strides, self.padding, self.dm, self.dilation, self.use_bias = filters, pair(kernel_size), pair(strides), padding, depth_multiplier, pair(dilation_rate), use_bias

    def build(self, s):
        self.add_weight(self.kernel + (s[-1], self.dm))
        self.add_weight((1, 1, s[-1] * self.dm, self.filters))
        if self.use_bias:
            self.add_weight((self.filters,))

    def call(self, x):
        shape = window(x, self.kernel, self.strides, self.padding, self.dilation)
        shape[-1] = self.filters
        return T(shape)


class _Pool(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding='valid', data_format=None, **kw):
        super().__init__(**kw)
        self.pool, self.strides, self.padding = pair(pool_size), pair(strides if strides is not None else pool_size), padding

    def call(self, x):
        return T(window(x, self.pool, self.strides, self.padding))


class MaxPooling2D(_Pool):
    pass


class AveragePooling2D(_Pool):
    pass


class _GlobalPool(Layer):
    def __init__(self, data_format=None, keepdims=False, **kw):
        super().__init__(**kw)
        self.keepdims = keepdims

    def call(self, x):
        if self.keepdims:
            return T(tuple(1 if isinstance(d, Sp) else d for d in x.shape))
        return T((x.shape[0], x.shape[-1]))


class GlobalAveragePooling2D(_GlobalPool):
    pass


class GlobalMaxPooling2D(_GlobalPool):
    pass


class ZeroPadding2D(Layer):
    def __init__(self, padding=(1, 1), data_format=None, **kw):
        super().__init__(**kw)
        if isinstance(padding, CorrectPad):
            self.ops = [('q', padding.k), ('q', padding.k)]
        else:
            p = pair(padding)
            self.ops = [('p',) + pair(a) for a in p]

    def call(self, x):
        shape = list(x.shape)
        for j, i in enumerate(spatial(x)):
            shape[i] = Sp(TREE.add(x.shape[i].node, self.ops[j]))
        return T(shape)


class Cropping2D(Layer):
    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kw):
        super().__init__(**kw)
        self.ops = [('x',) + pair(a) for a in pair(cropping)]

    def call(self, x):
        shape = list(x.shape)
        for j, i in enumerate(spatial(x)):
            shape[i] = Sp(TREE.add(x.shape[i].node, self.ops[j]))
        return T(shape)


class BatchNormalization(Layer):
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, **kw):
        super().__init__(**kw)
        self.center, self.scale = center, scale

    def build(self, s):
        c = s[-1]
        if self.scale:
            self.add_weight((c,))
        if self.center:
            self.add_weight((c,))
        self.add_weight((c,), trainable=False)
        self.add_weight((c,), trainable=False)


class LayerNormalization(Layer):
    def build(self, s):
        self.add_weight((s[-1],))
        self.add_weight((s[-1],))


class Normalization(Layer):
    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kw):
        super().__init__(**kw)
        self.given = mean is not None

    def build(self, s):
        if not self.given:
            self.add_weight((s[-1],), trainable=False)
            self.add_weight((s[-1],), trainable=False)
            self.add_weight((), trainable=False)


class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=True, **kw):
        super().__init__(**kw)
        self.units, self.use_bias = units, use_bias

    def build(self, s):
        self.add_weight((s[-1], self.units))
        if self.use_bias:
            self.add_weight((self.units,))

    def call(self, x):
        return T(x.shape[:-1] + (self.units,))


class Flatten(Layer):
    def call(self, x):
        n = 1
        for d in x.shape[1:]:
            if isinstance(d, Sp):
                d = TREE.size(d.node, FLATTEN_SIZE)
            n = None if n is None or d is None else n * d
        return T((x.shape[0], n))


class Reshape(Layer):
    def __init__(self, target_shape, **kw):
        super().__init__(**kw)
        self.target = tuple(target_shape)

    def call(self, x):
        return T((x.shape[0],) + self.target)


class Activation(Layer):
    def __init__(self, activation=None, **kw):
        super().__init__(**kw)


class ReLU(Layer):
    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kw):
        super().__init__(**kw)


class Dropout(Layer):
    def __init__(self, rate=0.0, noise_shape=None, seed=None, **kw):
        super().__init__(**kw)


class Rescaling(Layer):
    def __init__(self, scale=1.0, offset=0.0, **kw):
        super().__init__(**kw)


class Lambda(Layer):
    def __init__(self, function=None, output_shape=None, mask=None, arguments=None, **kw):
        super().__init__(**kw)

    def call(self, x):
        return merge_shape(list(x)) if isinstance(x, (list, tuple)) else x


class _Merge(Layer):
    def call(self, xs):
        return merge_shape(list(xs))


class Add(_Merge):
    pass


class Multiply(_Merge):
    pass


class Concatenate(Layer):
    def __init__(self, axis=-1, **kw):
        super().__init__(**kw)
        self.axis = axis

    def call(self, xs):
        base = list(xs[0].shape)
        for t in xs[1:]:
            for i, (a, b) in enumerate(zip(t.shape, base)):
                if i != len(base) - 1 and not same_dim(a, b):
                    raise ValueError(f'concatenate of {t.shape} and {base}')
        base[-1] = sum(t.shape[-1] for t in xs)
        return T(base)


class Sequential(Layer):
    def __init__(self, layers=None, name=None, **kw):
        super().__init__(name=name)
        self.layers = list(layers or [])

    def __call__(self, x):
        for l in self.layers:
            x = l(x)
        record(self, x)
        return x


class Functional:
    def __init__(self, inputs=None, outputs=None, name=None, **kw):
        self.inputs, self.outputs, self.name = inputs, outputs, name


def Input(shape=None, batch_size=None, tensor=None, **kw):
    if tensor is not None:
        return tensor
    dims = []
    global FLATTEN_SIZE
    for d in shape:
        dims.append(Sp(0) if d is None or len(dims) < 2 else d)
    INPUTS.append(tuple(shape))
    if shape[0] is not None:
        FLATTEN_SIZE = shape[0]
    return T((None,) + tuple(dims))


def functional_merge(cls):
    def f(inputs, **kw):
        return cls(**kw)(inputs)

    return f


class CorrectPad:
    def __init__(self, k):
        self.k = k


def correct_pad(inputs, kernel_size):
    k = pair(kernel_size)
    assert k[0] == k[1]
    return CorrectPad(k[0])


# ------------------------------------------------------------------ the stand-in keras package

EXPORTS = {}


def keras_export(names):
    def deco(fn):
        for n in [names] if isinstance(names, str) else names:
            EXPORTS[n] = fn
        return fn

    return deco


def make_module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


def get_uid(prefix=''):
    UID[prefix] = UID.get(prefix, 0) + 1
    return UID[prefix]


class NameScope:
    def __init__(self, *a, **k):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


layers_mod = make_module(
    'keras.src.layers',
    Layer=Layer, Conv2D=Conv2D, DepthwiseConv2D=DepthwiseConv2D, SeparableConv2D=SeparableConv2D,
    MaxPooling2D=MaxPooling2D, AveragePooling2D=AveragePooling2D, GlobalAveragePooling2D=GlobalAveragePooling2D,
    GlobalMaxPooling2D=GlobalMaxPooling2D, ZeroPadding2D=ZeroPadding2D, Cropping2D=Cropping2D,
    BatchNormalization=BatchNormalization, LayerNormalization=LayerNormalization, Normalization=Normalization,
    Dense=Dense, Flatten=Flatten, Reshape=Reshape, Activation=Activation, ReLU=ReLU, Dropout=Dropout,
    Rescaling=Rescaling, Lambda=Lambda, Add=Add, Multiply=Multiply, Concatenate=Concatenate, Input=Input,
    add=functional_merge(Add), multiply=functional_merge(Multiply), concatenate=functional_merge(Concatenate),
)
make_module('keras.src.layers.layer', Layer=Layer)
backend_mod = make_module(
    'keras.src.backend', image_data_format=lambda: 'channels_last', is_keras_tensor=lambda x: isinstance(x, T),
    get_uid=get_uid, name_scope=NameScope, backend=lambda: 'tensorflow', floatx=lambda: 'float32', set_image_data_format=lambda f: None,
)
make_module('keras.src.api_export', keras_export=keras_export)
make_module('keras.src.models', Functional=Functional, Sequential=Sequential)
ops_mod = make_module('keras.src.ops', shape=lambda x: x.shape)
make_module('keras.src.ops.operation_utils', get_source_inputs=lambda t: [t])
ops_mod.operation_utils = sys.modules['keras.src.ops.operation_utils']
make_module('keras.src.utils', file_utils=make_module('keras.src.utils.file_utils', exists=lambda p: False, get_file=lambda *a, **k: None))
make_module('keras.src.activations', get=lambda a: a)
make_module('keras.src.initializers', Constant=lambda v: v)
make_module('keras.src.random', uniform=lambda *a, **k: None)
keras_src = make_module('keras.src', layers=layers_mod, backend=backend_mod, ops=ops_mod,
                        activations=sys.modules['keras.src.activations'], initializers=sys.modules['keras.src.initializers'],
                        random=sys.modules['keras.src.random'], utils=sys.modules['keras.src.utils'])
make_module('keras', src=keras_src)
apps = make_module('keras.src.applications')
keras_src.applications = apps


def load(name):
    path = os.path.join(SRC, name + '.py')
    m = make_module('keras.src.applications.' + name)
    m.__file__ = path
    code = compile(open(path).read(), path, 'exec')
    exec(code, m.__dict__)
    setattr(apps, name, m)
    return m


utils = load('imagenet_utils')
utils.correct_pad = correct_pad
# The smallest input size the model being built accepts: obtain_input_shape's min_size (Keras
# refuses a smaller input_shape). The table's sizes hold from there up.
MIN_SIZE = 1
_obtain_input_shape = utils.obtain_input_shape


def obtain_input_shape(*args, **kwargs):
    global MIN_SIZE
    MIN_SIZE = kwargs.get('min_size', 1) or 1
    return _obtain_input_shape(*args, **kwargs)


utils.obtain_input_shape = obtain_input_shape
utils.validate_activation = lambda a, w: None
MODULES = ['resnet', 'resnet_v2', 'vgg16', 'vgg19', 'mobilenet', 'mobilenet_v2', 'mobilenet_v3', 'efficientnet',
           'efficientnet_v2', 'densenet', 'inception_v3', 'inception_resnet_v2', 'xception', 'nasnet', 'convnext']
for name in MODULES:
    load(name)

# ------------------------------------------------------------------ running each constructor

INPUTS = []
FLATTEN_SIZE = None


# The layers a user reaches with get_layer: the outputs of activations, merges, pooling, padding,
# convolutions and the classifier; BatchNormalization, Dropout and squeeze-and-excitation internals
# have the shape of the layer before them and are left out to keep the table small.
TAP_CLASSES = ['Activation', 'ReLU', 'Add', 'Concatenate', 'Conv2D', 'SeparableConv2D', 'MaxPooling2D', 'AveragePooling2D',
               'ZeroPadding2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Flatten', 'Dense', 'Sequential', 'Lambda', 'Reshape', 'Dropout']


def encode_layer(name, cls, dims):
    """`name:class:dims`: the class as its index in TAP_CLASSES, a spatial size at node N as @N."""
    if cls not in TAP_CLASSES:  # a classifier's own layers (ConvNeXt's head LayerNormalization)
        TAP_CLASSES.append(cls)
    return f'{name}:{TAP_CLASSES.index(cls)}:' + ','.join(f'@{d.node}' if isinstance(d, Sp) else str(d) for d in dims)


def encode_dim(d):
    return f's{d.node}' if isinstance(d, Sp) else d


def run(fn, **kwargs):
    global TREE, RECORDS, INPUTS, FLATTEN_SIZE
    RECORDS, INPUTS, UID_saved = [], [], dict(UID)
    model = fn(weights=None, **kwargs)
    out = model.outputs
    recs = RECORDS
    RECORDS = None
    UID.clear()
    UID.update(UID_saved)
    return model, recs, INPUTS[0] if INPUTS else None, out


def constructor_table(export_names, fn):
    global TREE, FLATTEN_SIZE
    sig = inspect.signature(fn)
    params = [[p.name, p.default if p.default is not inspect.Parameter.empty else None] for p in sig.parameters.values()]
    # The classifier at the default size (the size a top with Flatten is built for).
    TREE = Tree()
    default_model, _, default_input, _ = run(fn)
    default_size = default_input[0]
    min_size = MIN_SIZE
    FLATTEN_SIZE = default_size
    _, top_recs, top_input, top_out = run(fn, include_top=True, input_shape=None)
    _, body_recs, body_input, body_out = run(fn, include_top=False, input_shape=None)
    body_names = set()
    layers = []
    for name, cls, out, tr, fr in body_recs:
        if name is None or name in body_names:
            continue
        body_names.add(name)
        if cls in TAP_CLASSES and '_se_' not in name:
            layers.append(encode_layer(name, cls, out.shape[1:]))
    body_trainable = sum(r[3] for r in body_recs)
    body_frozen = sum(r[4] for r in body_recs)
    top_trainable = sum(r[3] for r in top_recs)
    top_frozen = sum(r[4] for r in top_recs)
    top_layers = []
    flatten_top = False
    classifier_in = None
    seen = set()
    for name, cls, out, tr, fr in top_recs:
        if name is None or name in body_names or name in seen:
            continue
        seen.add(name)
        if cls == 'Flatten':
            flatten_top = True
        top_layers.append(encode_layer(name, cls, tuple('K' if d == 1000 else d for d in out.shape[1:])))
    # The classifier's input width: its weights change with `classes`.
    last = [r for r in top_recs if r[0] is not None and r[1] in ('Dense', 'Conv2D')][-1]
    classifier_in = (last[3] - 1000) // 1000 if last[3] % 1000 == 0 else None
    final = body_out.shape
    nodes = [list(TREE.nodes[i][1]) + [TREE.nodes[i][0]] for i in range(1, len(TREE.nodes))]
    return {
        'names': sorted(export_names),
        'model': default_model.name,
        'params': params,
        'defaultSize': default_size,
        'minSize': min_size,
        'topInput': [None if d is None else d for d in top_input],
        'bodyInput': [None if d is None else d for d in body_input],
        'nodes': nodes,
        'output': [encode_dim(d) for d in final[1:]],
        'body': [body_trainable, body_frozen],
        'top': [top_trainable, top_frozen],
        'classifierIn': classifier_in,
        'flattenTop': flatten_top,
        'layers': ' '.join(layers),
        'topLayers': ' '.join(top_layers),
    }


def main():
    by_fn = {}
    for n, fn in EXPORTS.items():
        if not n.startswith('keras.applications.') or not callable(fn) or not n.split('.')[-1][0].isupper():
            continue
        by_fn.setdefault(fn, []).append(n)
    tables = []
    for fn, names in by_fn.items():
        if 'include_top' not in inspect.signature(fn).parameters:
            continue
        try:
            tables.append(constructor_table(names, fn))
        except Exception as e:  # a constructor the stand-ins cannot run is left out, and said
            print(f'skipped {names[0]}: {type(e).__name__}: {e}', file=sys.stderr)
    tables.sort(key=lambda t: t['names'][0])
    print('// Generated by scripts/truth/keras_applications.py from the keras.applications source of')
    print(f'// keras-team/keras (commit {COMMIT}). Do not edit: run the script again.')
    print('// Each constructor: its signature, the Keras model name, the default input size, the input it')
    print('// builds without input_shape (with and without the classifier), the smallest input size Keras')
    print('// accepts (its min_size: the sizes below hold from there up), a tree of spatial operations')
    print('// (["w", kernel, stride, dilation, padding, parent] a convolution or pooling window, ["p", before,')
    print('// after, parent] zero padding, ["x", before, after, parent] cropping, ["q", kernel, parent]')
    print("// Keras's correct_pad; node 0 is the input size, node i the i-th entry), the output of the")
    print('// body ("sN" a spatial size at node N), trainable and non-trainable parameters of the body and of')
    print('// the whole model with the 1000-class classifier, the width entering the classifier, and every')
    print('// layer a user reaches with get_layer, as `name:class:output without the batch` (class: its index in')
    print('// TAP_CLASSES, @N the spatial size at node N, K the number of classes).')
    print()
    print("import type { ApplicationTable } from './keras-applications';")
    print()
    print(f'export const TAP_CLASSES = {json.dumps(TAP_CLASSES)};')
    print()
    # Built when first asked for: evaluating it at every start cost the language server's and the CLI's load.
    print('let applications: ApplicationTable[] | undefined;')
    print()
    print('/** The table, built when first asked for: a file that calls no keras.applications constructor never builds it. */')
    print('export function kerasApplications(): ApplicationTable[] {')
    print('  return (applications ??= [')
    for t in tables:
        print('  ' + json.dumps(t, separators=(',', ':')) + ',')
    print('  ]);')
    print('}')


main()
