# Keras version of the PyTorch model `Residual`: images are channels-last (N, H, W, C) where PyTorch has (N, C, H, W).
from tensorflow import keras
from tensorflow.keras import layers


inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(16, 3, padding="same", name="stem")(inputs)
x = layers.ReLU()(x)
out = layers.Conv2D(16, 3, padding="same", name="conv1")(x)
out = layers.ReLU()(out)
out = layers.Conv2D(16, 3, padding="same", name="conv2")(out)
out = layers.Add()([out, x])
x = layers.Conv2D(32, 1, strides=2, name="down")(out)
pooled = layers.GlobalAveragePooling2D()(x)
pooled = layers.Dense(3, name="fc")(pooled)
residual_keras = keras.Model(inputs, [pooled, out], name="Residual")


def load_torch_state_dict(model, state_dict):
    """Copies a state_dict of the PyTorch model `Residual` (tensors or arrays, as torch.load gives it)
    into the Keras model: kernels (out, in, *k) to (*k, in, out), transposed ones (in, out, *k) to
    (*k, out, in), depthwise ones to (*k, in, multiplier), Linear (out, in) to (in, out), recurrent
    weights transposed with the GRU gates reordered (r, z, n to z, r, h), biases as Keras keeps them."""
    import numpy as np

    # The Keras layer, how the weights change layout, the PyTorch module, details.
    layers_with_weights = [
        ("stem", "conv", "stem", {}),
        ("conv1", "conv", "conv1", {}),
        ("conv2", "conv", "conv2", {}),
        ("down", "conv", "down", {}),
        ("fc", "dense", "fc", {}),
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
