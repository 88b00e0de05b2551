# Keras version of the PyTorch model `UNet`: images are channels-last (N, H, W, C) where PyTorch has (N, C, H, W).
from tensorflow import keras
from tensorflow.keras import layers


inputs = keras.Input(shape=(64, 64, 3))
x = layers.Conv2D(16, 3, padding="same", name="downs_0_0")(inputs)
x = layers.ReLU()(x)
x = layers.Conv2D(16, 3, padding="same", name="downs_0_2")(x)
x = layers.ReLU()(x)
y = layers.MaxPooling2D(2)(x)
y = layers.Conv2D(32, 3, padding="same", name="downs_1_0")(y)
y = layers.ReLU()(y)
y = layers.Conv2D(32, 3, padding="same", name="downs_1_2")(y)
y = layers.ReLU()(y)
z = layers.MaxPooling2D(2)(y)
z = layers.Conv2D(64, 3, padding="same", name="downs_2_0")(z)
z = layers.ReLU()(z)
z = layers.Conv2D(64, 3, padding="same", name="downs_2_2")(z)
z = layers.ReLU()(z)
h = layers.MaxPooling2D(2)(z)
h = layers.Conv2D(128, 3, padding="same", name="bottom_0")(h)
h = layers.ReLU()(h)
h = layers.Conv2D(128, 3, padding="same", name="bottom_2")(h)
h = layers.ReLU()(h)
h = layers.Conv2DTranspose(64, 2, strides=2, name="ups_0")(h)
z = layers.Concatenate()([z, h])
z = layers.Conv2D(64, 3, padding="same", name="up_convs_0_0")(z)
z = layers.ReLU()(z)
z = layers.Conv2D(64, 3, padding="same", name="up_convs_0_2")(z)
z = layers.ReLU()(z)
z = layers.Conv2DTranspose(32, 2, strides=2, name="ups_1")(z)
y = layers.Concatenate()([y, z])
y = layers.Conv2D(32, 3, padding="same", name="up_convs_1_0")(y)
y = layers.ReLU()(y)
y = layers.Conv2D(32, 3, padding="same", name="up_convs_1_2")(y)
y = layers.ReLU()(y)
y = layers.Conv2DTranspose(16, 2, strides=2, name="ups_2")(y)
x = layers.Concatenate()([x, y])
x = layers.Conv2D(16, 3, padding="same", name="up_convs_2_0")(x)
x = layers.ReLU()(x)
x = layers.Conv2D(16, 3, padding="same", name="up_convs_2_2")(x)
x = layers.ReLU()(x)
y = layers.Conv2D(2, 1, name="out")(x)
unet_keras = keras.Model(inputs, y, name="UNet")


def load_torch_state_dict(model, state_dict):
    """Copies a state_dict of the PyTorch model `UNet` (tensors or arrays, as torch.load gives it)
    into the Keras model: kernels (out, in, *k) to (*k, in, out), transposed ones (in, out, *k) to
    (*k, out, in), depthwise ones to (*k, in, multiplier), Linear (out, in) to (in, out), recurrent
    weights transposed with the GRU gates reordered (r, z, n to z, r, h), biases as Keras keeps them."""
    import numpy as np

    # The Keras layer, how the weights change layout, the PyTorch module, details.
    layers_with_weights = [
        ("downs_0_0", "conv", "downs.0.0", {}),
        ("downs_0_2", "conv", "downs.0.2", {}),
        ("downs_1_0", "conv", "downs.1.0", {}),
        ("downs_1_2", "conv", "downs.1.2", {}),
        ("downs_2_0", "conv", "downs.2.0", {}),
        ("downs_2_2", "conv", "downs.2.2", {}),
        ("bottom_0", "conv", "bottom.0", {}),
        ("bottom_2", "conv", "bottom.2", {}),
        ("ups_0", "conv_transpose", "ups.0", {}),
        ("up_convs_0_0", "conv", "up_convs.0.0", {}),
        ("up_convs_0_2", "conv", "up_convs.0.2", {}),
        ("ups_1", "conv_transpose", "ups.1", {}),
        ("up_convs_1_0", "conv", "up_convs.1.0", {}),
        ("up_convs_1_2", "conv", "up_convs.1.2", {}),
        ("ups_2", "conv_transpose", "ups.2", {}),
        ("up_convs_2_0", "conv", "up_convs.2.0", {}),
        ("up_convs_2_2", "conv", "up_convs.2.2", {}),
        ("out", "conv", "out", {}),
    ]

    def get(key):
        value = state_dict[key]
        return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)

    def gates(a, kind):
        if kind != "gru":
            return a
        r, z, n = np.split(a, 3, axis=0)
        return np.concatenate([z, r, n], axis=0)

    def weights(kind, path, info):
        def has(name):
            return f"{path}.{name}" in state_dict

        def p(name):
            return get(f"{path}.{name}")

        bias = [p("bias")] if has("bias") else []
        if kind in ("conv", "conv_transpose"):
            w = p("weight")
            return [np.transpose(w, tuple(range(2, w.ndim)) + (1, 0))] + bias
        if kind == "depthwise":
            w = p("weight")
            c = info["channels"]
            return [np.transpose(w.reshape((c, w.shape[0] // c) + w.shape[2:]), (2, 3, 0, 1))] + bias
        if kind == "dense":
            return [p("weight").T] + bias
        if kind == "batchnorm":
            affine = [p("weight"), p("bias")] if info.get("affine", True) is not False else []
            return affine + [p("running_mean"), p("running_var")]
        if kind == "layernorm":
            if info.get("affine", True) is False:
                return []
            return [p("weight")] + ([p("bias")] if info.get("bias", True) is not False else [])
        if kind == "embedding":
            return [p("weight")]
        layer = info.get("layer", 0)
        out = []
        for suffix in ["", "_reverse"] if info.get("bidirectional") else [""]:
            out += [gates(p(f"weight_ih_l{layer}{suffix}"), kind).T, gates(p(f"weight_hh_l{layer}{suffix}"), kind).T]
            if has(f"bias_ih_l{layer}{suffix}"):
                ih, hh = gates(p(f"bias_ih_l{layer}{suffix}"), kind), gates(p(f"bias_hh_l{layer}{suffix}"), kind)
                out.append(np.stack([ih, hh]) if kind == "gru" else ih + hh)
        return out

    for name, kind, path, info in layers_with_weights:
        model.get_layer(name).set_weights(weights(kind, path, info))
