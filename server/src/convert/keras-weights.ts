// Trained PyTorch weights for a converted Keras model: the `load_torch_state_dict(model, state_dict)`
// function written at the end of a PyTorch → Keras conversion. It finds each Keras layer that
// receives a module's parameters by its name= (the module's path) and sets its weights in Keras's
// layouts. It needs only NumPy, so that it runs, and is checked, without TensorFlow
// (scripts/verify-convert-keras.ts calls it on a stand-in model that records the weights).

import type { KerasPortKind } from './keras-layers';

export interface NamedPort {
  /** The Keras layer's name. */
  name: string;
  kind: KerasPortKind;
  /** The PyTorch module's path in the state_dict. */
  path: string;
  info?: Record<string, unknown>;
}

function py(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}

function pyDict(info: Record<string, unknown> | undefined): string {
  return `{${Object.entries(info ?? {}).map(([k, v]) => `"${k}": ${py(v)}`).join(', ')}}`;
}

/** The Python lines of load_torch_state_dict for these layers (each name once). */
export function torchLoader(modelName: string, ports: NamedPort[], functionName = 'load_torch_state_dict'): string[] {
  const rows = [...new Map(ports.map((p) => [p.name, p])).values()];
  return [
    `def ${functionName}(model, state_dict):`,
    `    """Copies a state_dict of the PyTorch model \`${modelName}\` (tensors or arrays, as torch.load gives it)`,
    '    into the Keras model: kernels (out, in, *k) to (*k, in, out), transposed ones (in, out, *k) to',
    '    (*k, out, in), depthwise ones to (*k, in, multiplier), Linear (out, in) to (in, out), recurrent',
    '    weights transposed with the GRU gates reordered (r, z, n to z, r, h), biases as Keras keeps them."""',
    '    import numpy as np',
    '',
    '    # The Keras layer, how the weights change layout, the PyTorch module, details.',
    '    layers_with_weights = [',
    ...rows.map((p) => `        (${py(p.name)}, ${py(p.kind)}, ${py(p.path)}, ${pyDict(p.info)}),`),
    '    ]',
    '',
    '    def get(key):',
    '        value = state_dict[key]',
    '        return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)',
    '',
    '    def gates(a, kind):',
    '        if kind != "gru":',
    '            return a',
    '        r, z, n = np.split(a, 3, axis=0)',
    '        return np.concatenate([z, r, n], axis=0)',
    '',
    '    def weights(kind, path, info):',
    '        def has(name):',
    '            return f"{path}.{name}" in state_dict',
    '',
    '        def p(name):',
    '            return get(f"{path}.{name}")',
    '',
    '        bias = [p("bias")] if has("bias") else []',
    '        if kind in ("conv", "conv_transpose"):',
    '            w = p("weight")',
    '            return [np.transpose(w, tuple(range(2, w.ndim)) + (1, 0))] + bias',
    '        if kind == "depthwise":',
    '            w = p("weight")',
    '            c = info["channels"]',
    '            return [np.transpose(w.reshape((c, w.shape[0] // c) + w.shape[2:]), (2, 3, 0, 1))] + bias',
    '        if kind == "dense":',
    '            return [p("weight").T] + bias',
    '        if kind == "batchnorm":',
    '            affine = [p("weight"), p("bias")] if info.get("affine", True) is not False else []',
    '            return affine + [p("running_mean"), p("running_var")]',
    '        if kind == "layernorm":',
    '            if info.get("affine", True) is False:',
    '                return []',
    '            return [p("weight")] + ([p("bias")] if info.get("bias", True) is not False else [])',
    '        if kind == "embedding":',
    '            return [p("weight")]',
    '        layer = info.get("layer", 0)',
    '        out = []',
    '        for suffix in ["", "_reverse"] if info.get("bidirectional") else [""]:',
    '            out += [gates(p(f"weight_ih_l{layer}{suffix}"), kind).T, gates(p(f"weight_hh_l{layer}{suffix}"), kind).T]',
    '            if has(f"bias_ih_l{layer}{suffix}"):',
    '                ih, hh = gates(p(f"bias_ih_l{layer}{suffix}"), kind), gates(p(f"bias_hh_l{layer}{suffix}"), kind)',
    '                out.append(np.stack([ih, hh]) if kind == "gru" else ih + hh)',
    '        return out',
    '',
    '    for name, kind, path, info in layers_with_weights:',
    '        model.get_layer(name).set_weights(weights(kind, path, info))',
  ];
}
