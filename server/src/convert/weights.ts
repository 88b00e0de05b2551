// Trained Keras weights for a converted module: the table each converted class carries
// (`keras_layers`: where each Keras layer's weights sit in a Keras weights file and which modules
// receive them) and the Python function that reads the file with h5py (`load_keras_weights_into`).
//
// Keras 3 writes a layer's variables to `layers/<name>/vars/<i>`, where <name> is the snake-cased
// class name numbered per class in the order of `model.layers` (conv2d, conv2d_1, ...; a recurrent
// layer's variables sit under its `cell`, a Bidirectional's under forward_layer/cell and
// backward_layer/cell, a sub-model's layers under `<name>/layers`), trainable variables first.
// Keras 2 writes one group per layer named in the root's `layer_names` attribute, its weights listed
// in `weight_names`; it loads them by order, a sub-model's as one list (all trainable weights of its
// layers, then the others). `model.layers` follows Keras's graph order: layers farther from the
// outputs first, ties in the order a depth-first walk from the outputs meets them.

import type { LayerRecord, ModelResult } from '../analysis/result';
import type { ArgValue } from '../shapes/types';
import type { ConvertedLayer, PortKind } from './parts';
import { innerLayer } from './recurrent';

export interface KerasWeightEntry {
  /** The groups holding its variables, relative to the model's `layers` group in a Keras 3 file. */
  paths: string[];
  kind: PortKind | 'model';
  /** Attribute paths of the modules that receive the weights. */
  modules: string[];
  /** How many of its weights Keras trains and does not train (the order of a Keras 2 file). */
  counts: [number, number];
  info: Record<string, boolean>;
}

export const LOADER_HELPER = 'load_keras_weights_into';

/** Keras's `to_snake_case` of a class name: `Conv2DTranspose` → `conv2d_transpose`, `PReLU` → `p_re_lu`. */
export function kerasSnakeName(className: string): string {
  const s = className.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * The records of the first call of each layer object, in the order of Keras's `model.layers`
 * (functional.map_graph): by depth from the outputs, deepest first; equal depths in the order a
 * depth-first walk from the outputs first meets the layer. Operations that are not layers are left out.
 */
export function kerasLayerOrder(model: ModelResult, outputs: number[]): number[] {
  const records = model.layers;
  const op = (i: number) => (records[i].module && records[i].layerId !== null ? `layer:${records[i].layerId}` : `op:${i}`);
  const opIndex = new Map<string, number>();
  const finished = new Set<number>();
  const postOrder: number[] = [];
  const visit = (node: number, depth: number) => {
    if (finished.has(node) || depth > 10000) return;
    if (!opIndex.has(op(node))) opIndex.set(op(node), opIndex.size);
    for (const k of records[node].inputsFrom) if (k >= 0) visit(k, depth + 1);
    finished.add(node);
    postOrder.push(node);
  };
  for (const o of outputs) visit(o, 0);
  const nodeDepth = new Map<number, number>();
  const opDepth = new Map<string, number>();
  const firstNode = new Map<string, number>();
  for (const node of [...postOrder].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, opDepth.get(op(node)) ?? 0);
    opDepth.set(op(node), depth);
    nodeDepth.set(node, depth);
    for (const k of records[node].inputsFrom) if (k >= 0) nodeDepth.set(k, Math.max(depth + 1, nodeDepth.get(k) ?? 0));
  }
  for (const node of postOrder) if (!firstNode.has(op(node)) || node < firstNode.get(op(node))!) firstNode.set(op(node), node);
  const ops = [...opDepth.keys()].filter((o) => o.startsWith('layer:'));
  ops.sort((a, b) => opDepth.get(b)! - opDepth.get(a)! || opIndex.get(a)! - opIndex.get(b)!);
  return ops.map((o) => firstNode.get(o)!);
}

export interface StepWeights {
  converted: ConvertedLayer;
  attrs: (string | null)[];
  /** The converted sub-model a step calls, with its own table. */
  sub: { kerasLayers: KerasWeightEntry[] } | null;
  subAttr: string | null;
}

/**
 * The weight table of a class whose steps (layers and sub-model calls) are `model.layers`:
 * the entries in Keras's order and the Python text of the class attribute.
 */
export function weightTable(model: ModelResult, outputs: number[], steps: StepWeights[], ports: { step: number; kind: PortKind; paths: string[] }[], sequentialAttr: string | null): { entries: KerasWeightEntry[]; lines: string[] } {
  const order = sequentialAttr !== null ? firstCalls(model) : kerasLayerOrder(model, outputs);
  const counters = new Map<string, number>();
  const entries: KerasWeightEntry[] = [];
  for (const i of order) {
    const r = model.layers[i];
    const base = kerasSnakeName(r.kind);
    const n = counters.get(base) ?? 0;
    counters.set(base, n + 1);
    const name = n === 0 ? base : `${base}_${n}`;
    const step = steps[i];
    if (step.sub) {
      if (step.sub.kerasLayers.length > 0 && step.subAttr) entries.push({ paths: [name], kind: 'model', modules: [step.subAttr], counts: [0, 0], info: {} });
      continue;
    }
    const port = ports.find((p) => p.step === i);
    if (!port) continue;
    entries.push(entry(r, name, port.kind, port.paths, step.converted));
  }
  if (entries.length === 0) return { entries, lines: [] };
  const lines = [
    '    # The Keras layers with weights, in the Keras model\'s order: their groups in a Keras 3 weights',
    '    # file, how the weights change layout, the modules that receive them, and how many of them',
    '    # Keras trains and does not (the order of a Keras 2 file). load_keras_weights reads it.',
    '    keras_layers = [',
    ...entries.map((e) => `        (${pyTuple(e.paths.map(pyString))}, ${pyString(e.kind)}, ${pyTuple(e.modules.map(pyString))}, ${pyTuple(e.counts.map(String))}, ${pyDict(e.info)}),`),
    '    ]',
  ];
  return { entries, lines };
}

/** The first call of each layer object, in call order (a Sequential's `layers`). */
function firstCalls(model: ModelResult): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  model.layers.forEach((r, i) => {
    if (!r.module || r.layerId === null || seen.has(r.layerId)) return;
    seen.add(r.layerId);
    out.push(i);
  });
  return out;
}

function entry(r: LayerRecord, name: string, kind: PortKind, modules: string[], converted: ConvertedLayer): KerasWeightEntry {
  let args: Record<string, ArgValue> = r.args ?? {};
  let paths = [name];
  const info: Record<string, boolean> = {};
  if (r.kind === 'Bidirectional') {
    const inner = innerLayer(args.layer);
    if (inner) args = { ...inner.args, trainable: r.args?.trainable ?? true };
    paths = [`${name}/forward_layer/cell`, `${name}/backward_layer/cell`];
  } else if (r.kind === 'TimeDistributed') {
    const inner = innerLayer(args.layer);
    if (inner) args = { ...inner.args, trainable: r.args?.trainable ?? true };
    paths = [`${name}/layer`];
  } else if (kind === 'lstm' || kind === 'gru' || kind === 'rnn') paths = [`${name}/cell`];
  const bias = args.use_bias !== false ? 1 : 0;
  let trainable: number;
  let kept = 0;
  switch (kind) {
    case 'batchnorm':
    case 'layernorm': {
      const portInfo = converted.portInfo ?? {};
      info.center = portInfo.center !== false;
      info.scale = portInfo.scale !== false;
      trainable = Number(info.center) + Number(info.scale);
      if (kind === 'batchnorm') kept = 2;
      break;
    }
    case 'lstm':
    case 'gru':
    case 'rnn': {
      const directions = r.kind === 'Bidirectional' ? 2 : 1;
      info.bidirectional = directions === 2;
      trainable = (2 + bias) * directions;
      break;
    }
    case 'separable_depthwise':
    case 'separable_pointwise':
      trainable = 2 + bias;
      break;
    case 'prelu':
      info.channels_last = converted.portInfo?.channelsLast === true;
      trainable = 1;
      break;
    case 'embedding':
      trainable = 1;
      break;
    case 'normalization':
      // mean, variance and count, none of them trained.
      [trainable, kept] = [0, 3];
      break;
    default:
      trainable = 1 + bias;
  }
  if (args.trainable === false) [trainable, kept] = [0, trainable + kept];
  return { paths, kind, modules, counts: [trainable, kept], info };
}

function pyString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function pyTuple(items: string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

function pyDict(d: Record<string, boolean>): string {
  const entries = Object.entries(d);
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${v ? 'True' : 'False'}`).join(', ')}}`;
}

/** The Python function every converted class with weights calls from its load_keras_weights method. */
export const LOADER_CODE = `def load_keras_weights_into(module, path):
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
            keras2(module, f["model_weights"] if "model_weights" in f else f)`;
