// What happens to tensors in the abstract interpreter: their attributes and methods (x.shape,
// x.size(1), x.dim(), x.numel(), x.view(...)), basic indexing (x[:, 0], x[..., None]), Python
// operators on them, and the application of layers, ops and whole modules (a layer, a container,
// a user module's forward()/call(), a functional model), each recorded in the trace with its
// shapes, notes and diagnostics.
//
// Shapes come only from the rules of shapes/ (findLayer, findOp); this file binds their
// arguments and records what they answer. Building layers and containers is library.ts's work,
// plain Python values are builtins.ts's.

import { constantIndex, constantMethod } from './constant-arrays';
import { packPattern, packShapes, unpackShapes } from '../shapes/ops/einops';
import { addCounts, Count } from '../shapes/count';
import { ArgContext, bindArgs, BoundArgs, inferWithUnknownFlags } from '../shapes/context';
import { add, Dim, equalDims, floordiv, isKnown, product, provablyNonNegative, sub } from '../shapes/dim';
import { findOp } from '../shapes/registry';
import { formatShape, normAxis } from '../shapes/shape';
import { ArgValue, Framework, LayerDef, OpDef, Output, RuleResult, Shape, TupleOut, UnknownArg } from '../shapes/types';
import type { SyntaxNode } from '../syntax/parse';
import { lineLabel } from '../syntax/tree';
import { symbolicInput } from '../model/inputs';
import { sliceRange } from './builtins';
import type { CallNodes, Interpreter } from './interpreter';
import { registeredModules, toArg } from './library';
import { blameSequenceProducer, mergeBlame, torchMergeBlame } from './keras-mistakes';
import type { TraceRecord } from './trace';
import { bool, containerOf, ContainerValue, KERAS_LAMBDA, KERAS_LAYER_NAME_ATTR, LAMBDA_FUNCTION_ATTR, LAMBDA_OUTPUT_SHAPE_ATTR, layerOf, FunctionalValue, int, LayerValue, list, NONE, ObjectValue, TensorOrigin, TensorValue, tuple, UNKNOWN, Value } from './values';

const BINARY_OPS: Record<string, string> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'truediv',
  '//': 'floordiv',
  '%': 'mod',
  '@': 'matmul',
  '**': 'pow',
};

/** `a + b`, `x @ w`, `x += y` with a tensor on either side: the op rule of the operator (`operator.add`, `operator.iadd`). */
export function tensorOperator(interp: Interpreter, op: string, a: Value, b: Value, node: SyntaxNode, inPlace: boolean): Value {
  const name = BINARY_OPS[op];
  if (!name) return interp.unknownTensor(a.t === 'tensor' ? a : (b as TensorValue), node);
  return applyOpByName(interp, `operator.${inPlace ? 'i' : ''}${name}`, [a, b], new Map(), node);
}

/** `x.shape`, `x.ndim`, `x.T`, `x.data`; any other attribute is a method to call (`Tensor.view`). */
export function tensorAttr(interp: Interpreter, t: TensorValue, name: string, node: SyntaxNode): Value {
  switch (name) {
    case 'shape':
    // Keras 2's static shape (`x._keras_shape`) and TensorFlow's (`x._shape_val`), read by older code.
    case '_keras_shape':
    case '_shape_val':
      return t.shape === null ? UNKNOWN : tuple(t.shape.map((d) => (d === null ? UNKNOWN : int(d))));
    case 'ndim':
      return t.shape === null ? UNKNOWN : int(t.shape.length);
    case 'T':
      return t.shape === null ? interp.unknownTensor(t, node) : interp.makeTensor([...t.shape].reverse(), t.framework, { text: `transpose of ${formatShape(t.shape)} at ${lineLabel(node)}`, node }, 0);
    case 'dtype':
    case 'device':
    case 'data':
      return name === 'data' ? t : UNKNOWN;
    case 'size':
      // NumPy's `a.size` is the element count; torch's `x.size` is a method.
      if (t.array) return t.shape === null ? UNKNOWN : int(product(t.shape));
      return { t: 'builtin', name: `Tensor.${name}`, self: t };
    default:
      return { t: 'builtin', name: `Tensor.${name}`, self: t };
  }
}

/**
 * `tf.shape(x)`, `K.shape(x)`, `K.int_shape(x)`, `keras.ops.shape(x)`: the sizes as numbers. Where
 * a size is unknown, TensorFlow's own `tf.shape` gives a scalar tensor computed at run time, which
 * `tf.reshape(x, [tf.shape(x)[0], -1, c])` reads as the batch.
 */
export function sizesOf(interp: Interpreter, name: string, t: TensorValue, node: SyntaxNode): Value {
  if (t.shape === null || (name !== 'tensorflow.shape' && name !== 'keras.backend.shape')) return tensorAttr(interp, t, 'shape', node);
  return tuple(t.shape.map((d, i) => (d === null ? interp.makeTensor([], t.framework, { text: `tf.shape(...)[${i}] at ${lineLabel(node)}`, node }, 0) : int(d))));
}

/** `x.size(1)`, `x.dim()`, `x.numel()`, and the op rules registered as `Tensor.<method>` (view, permute, ...). */
export function tensorMethod(interp: Interpreter, t: TensorValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
  const constant = constantMethod(interp, t, method, args, kwargs, node);
  if (constant) return constant;
  if (t.array) {
    // A NumPy array's methods are NumPy's (`a.reshape`, `a.astype`, `a.transpose(0, 2, 3, 1)`), registered as `ndarray.<method>`.
    const op = findOp(`ndarray.${method}`);
    if (op) return applyOp(interp, op, [t, ...args], kwargs, node, { argNodes: [node, ...nodes.argNodes], kwNodes: nodes.kwNodes });
    return method === 'tolist' || method === 'item' ? UNKNOWN : interp.unknownTensor(t, node);
  }
  switch (method) {
    case 'size': {
      if (t.shape === null) return UNKNOWN;
      const dimArg = args[0] ?? kwargs.get('dim');
      if (!dimArg) return tuple(t.shape.map((d) => int(d)));
      if (dimArg.t === 'int' && isKnown(dimArg.v)) {
        const a = normAxis(dimArg.v, t.shape.length);
        return a === null ? UNKNOWN : int(t.shape[a]);
      }
      return UNKNOWN;
    }
    case 'dim':
    case 'ndimension':
      return t.shape === null ? UNKNOWN : int(t.shape.length);
    case 'numel':
      return t.shape === null ? UNKNOWN : int(product(t.shape));
    case 'item':
    case 'tolist':
    case 'numpy':
      return UNKNOWN;
    case 'get_shape':
      return tensorAttr(interp, t, 'shape', node);
  }
  const op = findOp(`Tensor.${method}`);
  if (op) return applyOp(interp, op, [t, ...args], kwargs, node, { argNodes: [node, ...nodes.argNodes], kwNodes: nodes.kwNodes });
  return interp.unknownTensor(t, node);
}

/** `x[:, 0]`, `x[..., None]`, `x[:, -1, :]`, `x[0]`: the shape after basic indexing. */
export function indexTensor(interp: Interpreter, t: TensorValue, idx: Value, node: SyntaxNode): Value {
  const constant = constantIndex(interp, t, idx, node);
  if (constant) return constant;
  const parts = idx.t === 'tuple' ? idx.items : [idx];
  let out: Shape = null;
  if (t.shape !== null && parts.every((p) => p.t === 'int' || p.t === 'slice' || p.t === 'none' || p.t === 'ellipsis')) {
    const shape = t.shape;
    const consumed = parts.filter((p) => p.t === 'int' || p.t === 'slice').length;
    const ellipsisAt = parts.findIndex((p) => p.t === 'ellipsis');
    const expanded: Value[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (i === ellipsisAt) for (let k = 0; k < shape.length - consumed; k++) expanded.push({ t: 'slice', start: NONE, stop: NONE, step: NONE });
      else expanded.push(parts[i]);
    }
    const dims: Dim[] = [];
    let axis = 0;
    let ok = consumed <= shape.length;
    for (const p of expanded) {
      if (!ok) break;
      if (p.t === 'none') dims.push(1);
      else if (p.t === 'int') axis++;
      else if (p.t === 'slice') {
        const d = shape[axis++];
        if (p.start.t === 'none' && p.stop.t === 'none' && p.step.t === 'none') dims.push(d);
        else if (isKnown(d)) {
          const r = sliceRange(p, d);
          dims.push(r ? Math.max(0, Math.ceil((r.stop - r.start) / r.step)) : null);
        } else if ((p.start.t === 'none' || (p.start.t === 'int' && p.start.v === 0)) && p.stop.t === 'none' && p.step.t === 'int' && typeof p.step.v === 'number' && p.step.v > 0) {
          // `x[:, :, ::2]` of a symbolic size n: every k-th item from the first, ceil(n / k) of them,
          // written (n - 1) // k + 1 as a strided convolution's output is.
          dims.push(add(floordiv(sub(d, 1), p.step.v), 1));
        } else dims.push(symbolicSlice(d, p));
      }
    }
    if (ok) out = [...dims, ...shape.slice(axis)];
  } else if (t.shape !== null && t.shape.length > 0 && idx.t === 'tensor' && idx.shape?.length === 1) {
    // `x[idx]` with a 1-D array (a permutation, a boolean mask): the rows it selects, how many unknown.
    out = [null, ...t.shape.slice(1)];
  }
  return recordOp(interp, '__getitem__', [t], out, node, []);
}

/**
 * A contiguous slice of a symbolic size n, where the bounds are numbers: `[:-c]` keeps n - c,
 * `[k:]` keeps n - k, `[k:-c]` keeps n - k - c, `[-k:]` keeps k, each only where n is provably
 * large enough (a causal convolution's padded length L + c, chomped back to L); else unknown.
 */
function symbolicSlice(d: Dim, p: Value & { t: 'slice' }): Dim {
  const num = (v: Value): number | null | undefined => (v.t === 'none' ? undefined : v.t === 'int' && isKnown(v.v) ? v.v : null);
  const start = num(p.start);
  const stop = num(p.stop);
  const step = num(p.step);
  if (start === null || stop === null || (step !== undefined && step !== 1)) return null;
  if (start !== undefined && start < 0) {
    // `[-k:]`: the last k items, when there are at least k.
    return stop === undefined && provablyNonNegative(add(d, start)) ? -start : null;
  }
  if (stop !== undefined && stop >= 0) return null;
  const kept = sub(add(d, stop ?? 0), start ?? 0);
  return provablyNonNegative(kept) ? kept : null;
}

/** An elementwise op (`-x`): the same shape, recorded. */
export function tensorLike(interp: Interpreter, t: TensorValue, node: SyntaxNode, kind: string): Value {
  return recordOp(interp, kind, [t], t.shape, node, []);
}

/** Applies a model-like value (layer, container, user module, functional model) to arguments. */
/** The keywords a layer's first input may be given by. */
const FIRST_INPUT_NAMES = ['inputs', 'input', 'x', 'query'];

export function applyModule(interp: Interpreter, m: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  // A subclassed model called on one dict of named inputs (`model({"title": t, "body": b})`, its
  // `call` reading `inputs["title"]`): each value a known tensor, the keys kept in order.
  const named = args.length === 1 && args[0].t === 'dict' && !args[0].partial && args[0].entries.size > 0 ? [...args[0].entries.values()] : undefined;
  if (!interp.inModelRun && m.t === 'object' && named && named.every((e) => e.key.t === 'str' && e.value.t === 'tensor' && e.value.shape !== null) && (named.some((e) => (e.value as TensorValue).fromFactory) || (isKerasModelValue(interp, m) && !interp.examples.has(m.id)))) {
    const shapes = named.map((e) => (e.value as TensorValue).shape);
    interp.recordExample(m, { shapes, keys: named.map((e) => (e.key as { v: string }).v), source: 'call', node });
    if (named.some((e) => (e.value as TensorValue).fromFactory)) return UNKNOWN;
  }
  // A PyTorch module called on one list or tuple of concrete tensors (`decoder([f1, f2, f3, f4])`,
  // its forward indexing `feats[-1]`): the tensors are its input, given again as one such sequence.
  const items = args.length === 1 && kwargs.size === 0 && (args[0].t === 'list' || args[0].t === 'tuple') ? args[0].items : undefined;
  if (!interp.inModelRun && m.t === 'object' && interp.libraryBase(m.cls)?.framework === 'torch' && items && items.length > 0 && items.every((i) => i.t === 'tensor' && i.shape !== null) && items.some((i) => (i as TensorValue).fromFactory)) {
    interp.recordExample(m, { shapes: items.map((i) => (i as TensorValue).shape), sequence: args[0].t === 'list' ? 'list' : 'tuple', source: 'call', node });
    return interp.runModelAside(m, args, kwargs, node);
  }
  // A model the script built on its own, called inside the pass of a script's example call
  // (`self.model(x)` in a wrapper the script fed): what it is fed there is its example.
  if (interp.inScriptCall && m.t === 'object' && interp.moduleInstances.get(m.cls.id) === m && !interp.examples.has(m.id) && args.length > 0 && kwargs.size === 0 && args.every((a) => a.t === 'tensor' && a.shape !== null)) {
    interp.recordExample(m, { shapes: args.map((a) => (a as TensorValue).shape), source: 'call', node });
  }
  // A model called on a concrete tensor outside any traced forward pass is an example call.
  if (!interp.inModelRun && (m.t === 'object' || m.t === 'container' || m.t === 'functional') && args.some((a) => a.t === 'tensor' && a.fromFactory)) {
    // One entry per argument, in order: an argument that is not a known tensor (a hidden state
    // returned by another example call) stays unknown rather than shifting the others.
    const shapes = args.map((a) => (a.t === 'tensor' ? a.shape : null));
    // Tensors given by keyword to a user module (`cvae(x, labels=y)`, its forward reading
    // `kwargs['labels']`) are given again by name, and so are the keyword arguments of a constant
    // value (`net(x, return_features=True)`): the traced pass takes the path the call takes.
    const keywords: string[] = [];
    const options = new Map<string, Value>();
    if (m.t === 'object') {
      for (const [k, v] of kwargs) {
        if (v.t === 'tensor' && v.shape !== null) {
          keywords.push(k);
          shapes.push(v.shape);
        } else if (v.t === 'bool' || v.t === 'none' || v.t === 'str' || ((v.t === 'int' || v.t === 'float') && isKnown(v.v))) options.set(k, v);
      }
    }
    // A call whose tensors are all of unknown shape (data of a size read from another unknown)
    // says nothing about the input: the symbolic input serves better.
    if (shapes.some((s) => s !== null)) interp.recordExample(m, { shapes, keywords: keywords.length > 0 ? keywords : undefined, options: options.size > 0 ? options : undefined, source: 'call', node });
    // What a PyTorch model returns to the script is its forward's output (`netD(netG(noise))`); a
    // Keras model or layer called eagerly returns its output too, whose sizes code reads (a
    // tokenizer run on `tf.ones((1, size, size, 3))` to size a positional embedding).
    return isTorchModel(interp, m) || m.t === 'functional' || isKerasModelValue(interp, m) ? interp.runModelAside(m, args, kwargs, node) : UNKNOWN;
  }
  // Keras builds a Sequential or subclassed model without a declared input on its first call: a
  // call in a functional graph or a builder (`augmented = data_augmentation(inputs)`) is its example.
  // A Sequential first called inside a model's pass (`x = augment(x)` in a subclassed model's
  // `call`) is built there too: that call is its example.
  const builds = !interp.inModelRun || (m.t === 'container' && m.kind === 'KerasSequential' && m.kerasInput === undefined);
  if (builds && isKerasModelValue(interp, m) && !interp.examples.has(m.id) && args.length > 0 && args.every((a) => a.t === 'tensor' && a.shape !== null)) {
    const shapes = args.map((a) => (a as TensorValue).shape);
    if (!(m.t === 'container' && m.kerasInput !== undefined)) interp.examples.set(m.id, { shapes, source: 'call', node });
    if (m.t === 'object' && !interp.examples.has(m.cls.id)) interp.examples.set(m.cls.id, { shapes, source: 'call', node });
  }
  switch (m.t) {
    case 'layer': {
      const inputs: TensorValue[] = [];
      const firstName = kwargs.size === 0 ? undefined : FIRST_INPUT_NAMES.find((k) => kwargs.has(k));
      const first = args[0] ?? (firstName ? kwargs.get(firstName) : undefined);
      if (first?.t === 'tuple' || first?.t === 'list') for (const i of first.items) inputs.push(asTensor(interp, i, node, m.def.framework));
      else if (first) inputs.push(asTensor(interp, first, node, m.def.framework));
      // Layers with further tensor inputs (Bilinear, an RNN's initial state, attention's key and value) take them positionally.
      // A positional argument that is no tensor is the forward parameter the layer names for it
      // (`unpool(x, indices, size)`, `up(x, skip.size())`): it reaches the rule as `call.<name>`.
      // (Made only when the call has such arguments: most layers are called on one tensor.)
      let callKeywords: Map<string, ArgValue> | undefined;
      for (let i = 0; i < args.length - 1; i++) {
        const extra = args[i + 1];
        if (extra.t === 'tensor') inputs.push(extra);
        else {
          const name = m.def.callParams?.[i];
          if (name) (callKeywords ??= new Map()).set(`call.${name}`, toArg(extra));
        }
      }
      // The other call keywords (need_weights=False, return_attention_scores=True, key=k) reach the rule as `call.<name>`.
      for (const [k, v] of kwargs) if (k !== firstName) (callKeywords ??= new Map()).set(`call.${k}`, toArg(v));
      return applyLayer(interp, m, inputs, node, callKeywords);
    }
    case 'container': {
      if (m.kind === 'ModuleList' || m.kind === 'ModuleDict') return UNKNOWN;
      const saved = interp.callSiteOverride;
      interp.callSiteOverride = saved ?? node;
      try {
        let x: Value = args[0] ?? UNKNOWN;
        if (m.kind === 'KerasSequential' && m.kerasInput !== undefined && x.t === 'unknown') x = interp.makeTensor(m.kerasInput, 'keras', { text: 'the declared input', node: m.node }, 0);
        const input = x;
        const firstSeq = interp.trace.peekSeq();
        for (const item of m.items) {
          x = interp.call(item, [x], new Map(), node);
        }
        // A Keras Sequential called as a layer (in a model's pass or a functional graph) is a block: one
        // `sequential (Sequential)` row in Keras's summary (a model's own pass is not a block of itself: analyze.ts).
        if (m.kind === 'KerasSequential') interp.trace.addBlock({ object: m, callNode: node, inputs: input.t === 'tensor' ? [input] : [], output: valueShapes(x), firstSeq, endSeq: interp.trace.peekSeq() });
        // An empty nn.Sequential (an identity shortcut) is a leaf module of PyTorch's.
        else if (m.kind === 'Sequential' && m.items.length === 0 && !m.unknownItems) recordLeafModule(interp, m, [input], x, node);
        return x;
      } finally {
        interp.callSiteOverride = saved;
      }
    }
    case 'object': {
      if (m.cls.library === KERAS_LAMBDA) return applyLambda(interp, m, args, kwargs, node);
      const base = interp.libraryBase(m.cls);
      const methodName = base?.framework === 'keras' ? 'call' : 'forward';
      let method = interp.lookupClassAttr(m.cls, methodName) ?? interp.lookupClassAttr(m.cls, '__call__');
      if (!method && base?.framework === 'keras') method = interp.lookupClassAttr(m.cls, 'forward');
      const held = containerOf(m);
      if ((!method || method.t !== 'function') && held) return applyModule(interp, held, args, kwargs, node);
      const asLayer = layerOf(m);
      if ((!method || method.t !== 'function') && asLayer) return applyModule(interp, asLayer, args, kwargs, node);
      if (!method || method.t !== 'function') return UNKNOWN;
      const saved = interp.callSiteOverride;
      interp.callSiteOverride = null;
      try {
        // What its first call builds (`build(input_shape)`) is part of a custom Keras layer too.
        const buildSeq = interp.trace.peekSeq();
        const buildFn = base?.framework === 'keras' ? interp.lookupClassAttr(m.cls, 'build') : undefined;
        if (buildFn?.t === 'function' && !m.attrs.has('__built__')) {
          m.attrs.set('__built__', bool(true));
          const first = args[0];
          const shapeValue = first?.t === 'tensor' && first.shape ? tuple(first.shape.map((d) => (d === null ? NONE : int(d)))) : UNKNOWN;
          interp.callFunction({ ...buildFn, self: m }, [shapeValue], new Map(), node);
        }
        const firstSeq = interp.trace.peekSeq();
        interp.trace.blockCalls.push(node);
        let out: Value;
        try {
          out = interp.callFunction({ ...method, self: m }, args, kwargs, node);
        } finally {
          interp.trace.blockCalls.pop();
        }
        // A Keras 2 custom layer whose `call` the engine cannot follow (backend internals, an
        // unmodelled op) states its output in `compute_output_shape(input_shape)`: that is its shape.
        if (base?.framework === 'keras' && !(out.t === 'tensor' && out.shape !== null)) out = statedOutput(interp, m, args, out, node);
        // A custom Keras layer (a keras.layers.Layer subclass, not a model) is one layer of the
        // graph, as Keras's summary lists it: a record of its own after those of its call.
        if (base?.framework === 'keras' && !base.model && !(base.layer && appliedSince(interp, asLayer, firstSeq))) out = recordKerasLayer(interp, m, args, out, saved ?? node, buildSeq);
        // Within a model's pass, a user module's call is a block: its shapes and parameters for hovers.
        if (interp.inModelRun) {
          const inputs = args.filter((a): a is TensorValue => a.t === 'tensor');
          interp.trace.addBlock({ object: m, callNode: node, inputs, output: valueShapes(out), firstSeq, endSeq: interp.trace.peekSeq() });
          // A PyTorch module that registered no child module is a leaf of its own (`ChannelShuffle`).
          // So is a layer subclass whose own forward computes without its layer's (a convolution
          // that standardises its weight, then calls F.conv2d): the layer's record is then absent.
          if (base?.framework === 'torch' && registeredModules(interp, m)?.items.length === 0 && (!base.layer || !appliedSince(interp, asLayer, firstSeq))) recordLeafModule(interp, m, args, out, node);
        }
        return out;
      } finally {
        interp.callSiteOverride = saved;
      }
    }
    case 'functional': {
      // A keras.applications model computes its output for the input it is given.
      if (m.application) return applyLayer(interp, m.application.layer, args.filter((a): a is TensorValue => a.t === 'tensor').slice(0, 1), node);
      // A functional model called as a layer is one row, as in Keras's summary: its traced output
      // and the parameters of its graph. An input that contradicts the one it was built on gives an unknown output.
      // Several inputs come as one list (`generator([noise, label])`), as Keras takes them.
      const given = args.length === 1 && (args[0].t === 'list' || args[0].t === 'tuple') ? args[0].items : args;
      const inputs = given.filter((a): a is TensorValue => a.t === 'tensor');
      const declared = m.inputs.map((t) => t.shape);
      const fits = inputs.length === declared.length && inputs.every((t, i) => compatibleShapes(t.shape, declared[i]));
      // Built on `Input(shape)`, its batch is None: a call on a batch of known size (a subclassed
      // model's pass on `tf.ones((2, ...))`) gives its outputs that batch.
      const batches = inputs.map((t) => t.shape?.[0] ?? null);
      const batch = batches.length > 0 && batches[0] !== null && batches.every((b) => b !== null && equalDims(b, batches[0]) === true) && declared.every((d) => d !== null && d[0] === null) ? batches[0] : null;
      const output = fits ? withBatch(valueShapes(m.outputs), batch) : null;
      const params = functionalParams(interp, m);
      // Keras lists it under its `name=` (`encoder (Functional)`), else as `functional`.
      const def: LayerDef = { kind: 'Functional', framework: 'keras', names: [], params: m.name === undefined ? [] : [{ name: 'name', default: m.name }], infer: () => ({ output, params }) };
      const layer: LayerValue = { t: 'layer', def, bound: bindArgs(def.params, [], new Map()), argNodes: new Map(), node: m.node, opaque: false, id: m.id };
      return applyLayer(interp, layer, inputs, node);
    }
    default:
      return UNKNOWN;
  }
}

/**
 * The output a Keras custom layer's own `compute_output_shape` gives for its input's shape (a tuple,
 * or a list of them for a list of inputs), as a tensor (the one `call` returned, when it returned
 * one); `out` itself when the class defines none, or its answer is not one shape.
 */
function statedOutput(interp: Interpreter, m: ObjectValue, args: Value[], out: Value, node: SyntaxNode): Value {
  const fn = interp.lookupClassAttr(m.cls, 'compute_output_shape');
  if (fn?.t !== 'function') return out;
  const asTuple = (t: Value): Value => (t.t === 'tensor' && t.shape !== null ? tuple(t.shape.map((d) => (d === null ? NONE : int(d)))) : UNKNOWN);
  const first = args[0];
  if (!first) return out;
  const given = first.t === 'list' || first.t === 'tuple' ? list(first.items.map(asTuple)) : asTuple(first);
  if (given.t === 'unknown' || (given.t === 'list' && given.items.some((i) => i.t === 'unknown'))) return out;
  const stated = interp.callFunction({ ...fn, self: m }, [given], new Map(), node);
  // A call that returned several tensors (`return [merged, skip]`) is answered by a list of shapes,
  // one per tensor; a list whose items are not each a shape (unknown, or sizes) restates none of them:
  // `[unknown, unknown]` is no rank-2 shape there.
  if (out.t === 'list' || out.t === 'tuple') {
    if ((stated.t !== 'tuple' && stated.t !== 'list') || stated.items.length !== out.items.length) return out;
    const items = out.items.map((o, i) => {
      const shape = statedShape(stated.items[i]);
      return o.t === 'tensor' && o.shape === null && shape ? { ...o, shape, id: interp.newId() } : o;
    });
    return { ...out, items };
  }
  const shape = statedShape(stated);
  if (!shape) return out;
  if (out.t === 'tensor') return { ...out, shape, id: interp.newId() };
  return interp.makeTensor(shape, 'keras', { text: `${m.cls.name}.compute_output_shape at ${lineLabel(node)}`, node }, 0);
}

/**
 * One shape a `compute_output_shape` stated: a tuple or list of sizes, a size it leaves as None (a
 * batch, or a length `conv_output_length` could not tell) unknown.
 */
function statedShape(stated: Value): Shape | undefined {
  if ((stated.t !== 'tuple' && stated.t !== 'list') || stated.items.length === 0) return undefined;
  if (!stated.items.every((d) => d.t === 'int' || d.t === 'none' || d.t === 'unknown')) return undefined;
  // Items all unknown may as well be shapes (`[shape_a, shape_b]` for two outputs) as sizes: no rank is told.
  if (stated.items.every((d) => d.t === 'unknown')) return undefined;
  return stated.items.map((d) => (d.t === 'int' ? d.v : null));
}

/**
 * A built-in Keras layer's `compute_output_shape(input_shape)` called by the user's code (a custom
 * layer's `build` following the shape its sub-layers give): the layer's rule on that shape (a list
 * of shapes for a merge), nothing recorded. A size the rule leaves unknown (a batch of None
 * included) is unknown, as `x.shape` gives it; unknown throughout where the layer's arguments or
 * the shape are not known well enough, or where the rule finds the shape wrong (Keras would raise).
 */
export function layerComputeOutputShape(layer: LayerValue, arg: Value): Value {
  if (layer.opaque || layer.def.framework !== 'keras' || layer.bound.values.get('data_format') === UnknownArg.instance) return UNKNOWN;
  const toShape = (v: Value): Shape | undefined => ((v.t === 'tuple' || v.t === 'list') && v.items.every((d) => d.t === 'int' || d.t === 'none' || d.t === 'unknown') ? v.items.map((d) => (d.t === 'int' ? d.v : null)) : undefined);
  const several = (arg.t === 'list' || arg.t === 'tuple') && arg.items.length > 0 && arg.items.every((i) => i.t === 'tuple' || i.t === 'list');
  const shapes = several ? arg.items.map(toShape) : [toShape(arg)];
  if (shapes.some((s) => s === undefined)) return UNKNOWN;
  const makeContext = (b: BoundArgs) => new ArgContext({ framework: 'keras', kind: layer.def.kind, bound: b, inputs: shapes as Shape[], originOf: () => 'its input', argTexts: { get: () => undefined } });
  let ran: { result: RuleResult; context: ArgContext };
  try {
    ran = inferWithUnknownFlags(layer.def.params, layer.bound, makeContext, (c) => layer.def.infer(c));
  } catch {
    return UNKNOWN;
  }
  if (ran.context.errors.length > 0) return UNKNOWN;
  const toValue = (o: Output): Value => (o === null ? UNKNOWN : o instanceof TupleOut ? list(o.items.map(toValue)) : tuple(o.map((d) => (d === null ? UNKNOWN : int(d)))));
  return toValue(ran.result.output);
}

/** Whether a layer was applied since the record numbered `firstSeq` (a subclass's forward calling `super().forward`). */
function appliedSince(interp: Interpreter, layer: LayerValue | undefined, firstSeq: number): boolean {
  const records = interp.trace.records;
  for (let i = records.length - 1; i >= 0 && records[i].seq >= firstSeq; i--) if (layer && records[i].layer === layer) return true;
  return false;
}

/**
 * The record of a custom Keras layer's call (TraceRecord.kerasLayer), after those its `call` made.
 * The tensors its call returned stay the output where they came from a record of the graph, so that
 * the records inside it still connect the graph (the converter and the confirmation pass over this
 * one, as over a PyTorch leaf). An output the engine could not follow (an op it does not model, a
 * tensor of unknown origin) becomes a tensor this record produced, its shape what was known of it:
 * the graph goes on through the layer, whose output is unknown.
 */
function recordKerasLayer(interp: Interpreter, m: ObjectValue, args: Value[], out: Value, callNode: SyntaxNode, firstSeq: number): Value {
  const inputs: TensorValue[] = [];
  for (const a of args) {
    if (a.t === 'tensor') inputs.push(a);
    else if (a.t === 'list' || a.t === 'tuple') for (const i of a.items) if (i.t === 'tensor') inputs.push(i);
  }
  const seq = interp.trace.nextSeq();
  const inputIds = new Set(inputs.map((t) => t.id));
  const origin = { text: `the output of ${m.cls.name} at ${lineLabel(callNode)}`, node: callNode };
  // A tensor one of this call's records made keeps its producer; one that is an input, of unknown
  // origin, or restated by `compute_output_shape`, is produced here.
  const made = new Set<number>();
  const records = interp.trace.records;
  for (let i = records.length - 1; i >= 0 && records[i].seq >= firstSeq; i--) for (const t of records[i].outputs) made.add(t.id);
  const own = (t: TensorValue): TensorValue => (made.has(t.id) && !inputIds.has(t.id) ? t : { ...t, origin, producer: seq, id: interp.newId() });
  const rebuild = (v: Value, depth: number): Value => {
    if (v.t === 'tensor') return own(v);
    if ((v.t === 'tuple' || v.t === 'list') && depth < 4) return { ...v, items: v.items.map((i) => rebuild(i, depth + 1)) };
    return v;
  };
  // Keras's Layer.__call__ returns tensors: an output not followed at all is one tensor of unknown shape.
  const value = out.t === 'unknown' ? interp.makeTensor(null, 'keras', origin, seq) : rebuild(out, 0);
  const nameValue = m.attrs.get(KERAS_LAYER_NAME_ATTR);
  interp.trace.addRecord({ seq, kind: m.cls.name, module: true, framework: 'keras', layer: null, leaf: m, defNode: m.node ?? callNode, callNode, inputs, output: valueShapes(value), outputs: collectTensors(value), notes: [], kerasLayer: { firstSeq, ...(nameValue?.t === 'str' ? { name: nameValue.v } : {}) } });
  return value;
}

/**
 * A `keras.layers.Lambda` applied: its function called on the input (the records it makes are the
 * layer's), then the layer's own record, as for a custom layer: an output the function's code did
 * not give is an unknown tensor this layer produced.
 */
function applyLambda(interp: Interpreter, m: ObjectValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const saved = interp.callSiteOverride;
  interp.callSiteOverride = null;
  try {
    const firstSeq = interp.trace.peekSeq();
    const fn = m.attrs.get(LAMBDA_FUNCTION_ATTR) ?? UNKNOWN;
    // Keras passes the call's `mask=` and `training=` only to a function that takes them: not followed.
    let out = kwargs.size > 0 || fn.t === 'unknown' ? UNKNOWN : interp.call(fn, args.slice(0, 1), new Map(), node);
    // A function the engine could not follow: the shape its `output_shape=` states, as Keras 2's
    // summary shows it (a tuple without the batch axis, or a function of the input's whole shape).
    const stated = m.attrs.get(LAMBDA_OUTPUT_SHAPE_ATTR);
    if (stated && !(out.t === 'tensor' && out.shape !== null) && args[0]) out = lambdaStatedOutput(interp, stated, args[0], node);
    return recordKerasLayer(interp, m, args.slice(0, 1), out, saved ?? node, firstSeq);
  } finally {
    interp.callSiteOverride = saved;
  }
}

/**
 * `Lambda.compute_output_shape(input_shape)` called by the user's code: Keras runs the function on
 * a placeholder of that shape (or reads its stated `output_shape=`); here the function runs aside on
 * a tensor of that shape, nothing recorded. Sizes unknown as `layerComputeOutputShape` gives them.
 */
export function lambdaComputeOutputShape(interp: Interpreter, m: ObjectValue, arg: Value, node: SyntaxNode): Value {
  if ((arg.t !== 'tuple' && arg.t !== 'list') || !arg.items.every((d) => d.t === 'int' || d.t === 'none' || d.t === 'unknown')) return UNKNOWN;
  const input = interp.makeTensor(arg.items.map((d) => (d.t === 'int' ? d.v : null)), 'keras', { text: `the shape given to compute_output_shape at ${lineLabel(node)}`, node }, 0);
  const fn = m.attrs.get(LAMBDA_FUNCTION_ATTR) ?? UNKNOWN;
  const stated = m.attrs.get(LAMBDA_OUTPUT_SHAPE_ATTR);
  const wasEnabled = interp.trace.enabled;
  interp.trace.enabled = false;
  let out: Value;
  try {
    out = stated ? lambdaStatedOutput(interp, stated, input, node) : fn.t === 'unknown' ? UNKNOWN : interp.call(fn, [input], new Map(), node);
  } finally {
    interp.trace.enabled = wasEnabled;
  }
  return out.t === 'tensor' && out.shape !== null ? tuple(out.shape.map((d) => (d === null ? UNKNOWN : int(d)))) : UNKNOWN;
}

/**
 * Keras 2's `Lambda.compute_output_shape` for a stated `output_shape`: a tuple is the output without
 * its batch axis (the input's batch in front), a function is given the input's shape (a list of them
 * for a list of inputs) and returns the whole output shape. Unknown where the input's shape is.
 */
function lambdaStatedOutput(interp: Interpreter, stated: Value, input: Value, node: SyntaxNode): Value {
  const inputs = input.t === 'list' || input.t === 'tuple' ? input.items : [input];
  if (!inputs.every((t) => t.t === 'tensor' && t.shape !== null)) return UNKNOWN;
  const shapes = inputs.map((t) => (t as TensorValue).shape!);
  const asTuple = (s: Dim[]) => tuple(s.map((d) => (d === null ? NONE : int(d))));
  let full: Value;
  if (stated.t === 'tuple' || stated.t === 'list') full = tuple([shapes[0][0] === null ? NONE : int(shapes[0][0]), ...stated.items]);
  else if (stated.t === 'function' || stated.t === 'partial') full = interp.call(stated, [inputs.length === 1 && input.t === 'tensor' ? asTuple(shapes[0]) : list(shapes.map(asTuple))], new Map(), node);
  else return UNKNOWN;
  if ((full.t !== 'tuple' && full.t !== 'list') || full.items.length === 0) return UNKNOWN;
  // Sizes it leaves open (None, or read from a shape the engine did not know) stay unknown.
  if (!full.items.every((d) => d.t === 'int' || d.t === 'none' || d.t === 'unknown')) return UNKNOWN;
  const shape: Shape = full.items.map((d) => (d.t === 'int' ? d.v : null));
  return interp.makeTensor(shape, 'keras', { text: `the output_shape of the Lambda at ${lineLabel(node)}`, node }, 0);
}

/** The record of a leaf module that is not a layer (TraceRecord.leaf), in a model's pass: its call's input and output. */
function recordLeafModule(interp: Interpreter, m: ObjectValue | ContainerValue, args: Value[], out: Value, node: SyntaxNode): void {
  if (!interp.inModelRun) return;
  const inputs = args.filter((a): a is TensorValue => a.t === 'tensor');
  const kind = m.t === 'object' ? m.cls.name : 'Sequential';
  interp.trace.addRecord({ seq: interp.trace.nextSeq(), kind, module: true, framework: 'torch', layer: null, leaf: m, defNode: m.node ?? node, callNode: interp.callSiteOverride ?? node, inputs, output: valueShapes(out), outputs: collectTensors(out), notes: [] });
}

/** A user nn.Module or an nn.Sequential. */
function isTorchModel(interp: Interpreter, m: Value): boolean {
  if (m.t === 'container') return m.kind === 'Sequential';
  return m.t === 'object' && interp.libraryBase(m.cls)?.framework === 'torch';
}

/** A Keras Sequential or a user subclass of keras.Model / keras.layers.Layer. */
function isKerasModelValue(interp: Interpreter, m: Value): m is ContainerValue | ObjectValue {
  if (m.t === 'container') return m.kind === 'KerasSequential';
  return m.t === 'object' && interp.libraryBase(m.cls)?.framework === 'keras';
}

/** The parameters of a functional model's graph: its layers between its outputs and its inputs, each layer once. */
function functionalParams(interp: Interpreter, m: FunctionalValue): Count | null {
  const bySeq = new Map(interp.trace.records.map((r) => [r.seq, r]));
  const inputIds = new Set(m.inputs.map((t) => t.id));
  const stack = collectTensors(m.outputs);
  const visited = new Set<number>();
  const counted = new Set<number>();
  let total: Count | null = 0;
  while (stack.length) {
    const t = stack.pop()!;
    if (inputIds.has(t.id) || visited.has(t.producer)) continue;
    visited.add(t.producer);
    const r = bySeq.get(t.producer);
    if (!r) continue;
    if (r.layer && !counted.has(r.layer.id)) {
      counted.add(r.layer.id);
      total = addCounts(total, r.params ?? null);
    }
    stack.push(...r.inputs);
  }
  return total;
}

function asTensor(interp: Interpreter, v: Value, node: SyntaxNode, framework: Framework): TensorValue {
  if (v.t === 'tensor') return v;
  return interp.makeTensor(null, framework, { text: `a value at ${lineLabel(node)}`, node }, 0);
}

/** Runs a layer's rule on its inputs and records the application, its notes and its diagnostics. */
function applyLayer(interp: Interpreter, layer: LayerValue, inputs: TensorValue[], node: SyntaxNode, callKeywords?: ReadonlyMap<string, ArgValue>): Value {
  const callNode = interp.callSiteOverride ?? node;
  for (const t of inputs) if (t.symbolicPending) settleSymbolicInput(t, layer);
  // A number passed by name is quoted as it was written (`32 * 7 * 7`), where it was written; read
  // only when a message quotes it.
  const argTexts = {
    get(k: string): string | undefined {
      const n = layer.argNodes.get(k);
      if (!n) return undefined;
      const src = layer.argChains?.get(k)?.src;
      return src && (n.type === 'identifier' || n.type === 'attribute' || n.type === 'subscript') ? src.text : n.text;
    },
  };
  const bound = callKeywords !== undefined && callKeywords.size ? { ...layer.bound, values: new Map([...layer.bound.values, ...callKeywords]), given: new Set([...layer.bound.given, ...callKeywords.keys()]) } : layer.bound;
  const makeContext = (b: BoundArgs) =>
    new ArgContext({
      framework: layer.def.framework,
      kind: layer.def.kind,
      bound: b,
      inputs: inputs.map((t) => t.shape),
      originOf: (i) => inputs[i]?.origin.text ?? 'its input',
      argTexts,
    });
  let ctx: ArgContext;
  let result: RuleResult = { output: null, params: null };
  // A layout we cannot know (`data_format=` an unknown value) is not the default one: the output is unknown.
  const unknownLayout = bound.values.get('data_format') === UnknownArg.instance;
  if (!layer.opaque && !unknownLayout) ({ result, context: ctx } = inferWithUnknownFlags(layer.def.params, bound, makeContext, (c) => layer.def.infer(c)));
  else ctx = makeContext(bound);
  const seq = interp.trace.nextSeq();
  // Where the layer is, for an output's origin text: read only when that text is written.
  const line = () => lineLabel(layer.node);
  // Keras writes an unknown batch as None, PyTorch messages as ?.
  const unknownSize = layer.def.framework === 'keras' ? 'None' : '?';
  const inShape = () => (inputs.length === 1 ? formatShape(inputs[0].shape, unknownSize) : `(${inputs.map((t) => formatShape(t.shape, unknownSize)).join(', ')})`);
  const outputs: TensorValue[] = [];
  const flattenedFrom = /flatten/i.test(layer.def.kind) ? inputs[0]?.shape ?? null : undefined;
  const outValue = outputToValue(interp, result.output, layer.def.framework, (out) => lazyOrigin(() => originText(layer.def.kind, out, /flatten|reshape/i.test(layer.def.kind) ? inShape() : null, line(), unknownSize), layer.node, flattenedFrom ?? undefined), seq, outputs);
  // Built key by key: an object literal with a spread in it is assembled by the runtime.
  const record = { seq, kind: layer.def.kind, module: true, framework: layer.def.framework, layer, defNode: layer.node, callNode, inputs, output: result.output, outputs, params: layer.reparametrized ? null : result.params } as TraceRecord;
  if (result.frozenParams !== undefined) record.frozenParams = result.frozenParams;
  record.notes = ctx.notes;
  record.settledArgs = result.settledArgs;
  interp.trace.addRecord(record);
  // A recurrent layer's return_sequences that does not fit this layer: reported on that layer.
  const rerun = (shapes: Shape[]) => {
    const again = new ArgContext({ framework: layer.def.framework, kind: layer.def.kind, bound, inputs: shapes, originOf: () => '', argTexts });
    try {
      layer.def.infer(again);
    } catch {
      return false;
    }
    return again.errors.length === 0;
  };
  for (const e of blameSequenceProducer(interp, layer, inputs, ctx.errors, rerun, callNode)) {
    const argNode = e.arg ? layer.argNodes.get(e.arg) : undefined;
    const related = inputs.filter((t) => t.origin.node).map((t) => ({ node: t.origin.node!, message: t.origin.text }));
    // Branches merged with a mismatch: reported on the one layer that made them differ, else where they meet.
    const merged = argNode ? undefined : mergeBlame(interp, layer, inputs, callNode);
    interp.trace.addDiagnostic({
      code: e.code,
      message: merged?.prefix ? `${merged.prefix}: ${e.message}` : e.message,
      node: merged?.node ?? argNode ?? layer.node,
      related: [...(merged?.related ?? []), ...(callNode !== layer.node && callNode !== interp.unwrittenCall ? [...related, { node: callNode, message: `applied here` }] : related)],
      fix: e.fix && argNode && !Number.isNaN(e.fix.value) ? { value: e.fix.value, flattenedFrom: inputs[0]?.origin.flattenedFrom } : undefined,
      ...(e.fix?.inputWidth ? { inputWidth: e.fix.inputWidth } : {}),
      layer,
      ...(argNode && e.arg ? { arg: e.arg } : {}),
    });
  }
  return outValue;
}

/**
 * A pending symbolic Keras input (TensorValue.symbolicPending) fed to its first layer: where that
 * layer fixes the rank (a convolution, a pooling, a recurrent layer: Keras checks their `ndim`), the
 * input takes that rank, batch None and the other sizes symbols; a layer that takes any rank
 * (Dense, Embedding, an activation) leaves it unknown. Either way it is settled once.
 */
function settleSymbolicInput(t: TensorValue, layer: LayerValue): void {
  t.symbolicPending = undefined;
  if (layer.def.framework !== 'keras' || layer.opaque || !RANK_FIXING.test(layer.def.kind)) return;
  const shape = symbolicInput(layer.def, layer.bound);
  if (!shape) return;
  t.shape = shape;
  t.symbolic = true;
  t.origin = { ...t.origin, text: `the symbolic input ${formatShape(shape, 'None')} (its rank from ${layer.def.kind})` };
}

const RANK_FIXING = /^(?:BatchNormalization|Conv[123]D(?:Transpose)?|SeparableConv[12]D|DepthwiseConv[12]D|MaxPooling[123]D|AveragePooling[123]D|GlobalAveragePooling[123]D|GlobalMaxPooling[123]D|UpSampling[123]D|ZeroPadding[123]D|Cropping[123]D|LSTM|GRU|SimpleRNN)$/;

function outputToValue(interp: Interpreter, o: Output, framework: Framework, origin: (shape: Shape) => TensorValue['origin'], seq: number, collect: TensorValue[]): Value {
  if (o instanceof TupleOut) return tuple(o.items.map((i) => outputToValue(interp, i, framework, origin, seq, collect)));
  const t = interp.makeTensor(o, framework, origin(o), seq);
  collect.push(t);
  return t;
}

function applyOpByName(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const def = findOp(name);
  if (!def) {
    const t = args.find((a) => a.t === 'tensor') as TensorValue | undefined;
    return t ? interp.unknownTensor(t, node) : UNKNOWN;
  }
  return applyOp(interp, def, args, kwargs, node, { argNodes: [], kwNodes: new Map() });
}

/** Runs an op's rule (torch.flatten, F.relu, x.view, operator.add) on its arguments and records it. */
export function applyOp(interp: Interpreter, def: OpDef, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, _nodes: CallNodes): Value {
  const kw = new Map<string, ArgValue>();
  for (const [k, v] of kwargs) kw.set(k, toArg(v));
  const bound = bindArgs(def.params, args.map((a) => toArg(a)), kw, true);
  const tensors: TensorValue[] = [];
  const collectTensors = (v: Value) => {
    if (v.t === 'tensor') tensors.push(v);
    else if (v.t === 'tuple' || v.t === 'list') v.items.forEach(collectTensors);
  };
  args.forEach(collectTensors);
  kwargs.forEach(collectTensors);
  // An op without tensor arguments (`K.random_normal(shape=...)`) belongs to the library that names it.
  const framework: Framework = tensors[0]?.framework ?? (def.names.some((n) => /^(keras|tensorflow|numpy)\./.test(n)) ? 'keras' : 'torch');
  const makeContext = (b: BoundArgs) => new ArgContext({ framework, kind: def.kind, bound: b, inputs: [], inputOrigins: [] });
  let ctx = makeContext(bound);
  let result: RuleResult = { output: null };
  if (bound.problems.length === 0) ({ result, context: ctx } = inferWithUnknownFlags(def.params, bound, makeContext, (c) => def.infer(c)));
  return recordOp(interp, def.kind, tensors, result.output, node, ctx.notes, ctx.errors, framework);
}

function recordOp(interp: Interpreter, kind: string, inputs: TensorValue[], output: Output, node: SyntaxNode, notes: string[], errors: ArgContext['errors'] = [], opFramework?: Framework): Value {
  const seq = interp.trace.nextSeq();
  const framework = opFramework ?? inputs[0]?.framework ?? 'torch';
  const unknownSize = framework === 'keras' ? 'None' : '?';
  const inShape = () => (inputs.length === 1 ? formatShape(inputs[0].shape, unknownSize) : `(${inputs.map((t) => formatShape(t.shape, unknownSize)).join(', ')})`);
  const outputs: TensorValue[] = [];
  const flattening = kind === 'flatten' || kind === 'view' || kind === 'reshape';
  const value = outputToValue(interp, output, framework, (out) => lazyOrigin(() => originText(kind, out, flattening ? inShape() : null, lineLabel(node), unknownSize), node, flattening ? inputs[0]?.shape ?? undefined : undefined), seq, outputs);
  // Example data stays example data through ops outside a model (`torch.randn(3, 32, 32).unsqueeze(0).to(device)`).
  if (!interp.inModelRun && inputs.some((t) => t.fromFactory)) for (const t of outputs) t.fromFactory = true;
  // NumPy arrays stay arrays through NumPy's functions and operators (`x_train / 255`, `np.expand_dims(x, -1)`).
  if (inputs.length > 0 && inputs.every((t) => t.array)) for (const t of outputs) t.array = true;
  const callNode = interp.callSiteOverride ?? node;
  interp.trace.addRecord({ seq, kind, module: false, framework, layer: null, defNode: node, callNode, inputs, output, outputs, notes });
  for (const e of errors) {
    // Branches added with a mismatch: reported on the one layer that made them differ, else where they meet.
    const merged = e.code === 'broadcast-mismatch' ? torchMergeBlame(interp, kind, inputs, node) : undefined;
    interp.trace.addDiagnostic({
      code: e.code,
      message: merged ? `${merged.prefix}: ${e.message}` : e.message,
      node: merged?.node ?? node,
      related: [...(merged?.related ?? []), ...inputs.filter((t) => t.origin.node).map((t) => ({ node: t.origin.node!, message: t.origin.text }))],
    });
  }
  return value;
}

/**
 * How a tensor's origin reads in a message: its own shape, then what made it, `(None, 30, 30, 16)
 * from Conv2D at line 8`. A flatten or reshape names the shape it was made from instead, which
 * explains the size the message states (`294 features: Flatten of (1, 6, 7, 7) at line 18`).
 */
function originText(kind: string, out: Shape, from: string | null, line: string, unknownSize: string): string {
  return from === null ? `${formatShape(out, unknownSize)} from ${kind} at ${line}` : `${kind} of ${from} at ${line}`;
}

/**
 * A tensor's origin whose text is written only when a message needs it (most never do). A class
 * with its getter on the prototype: an object literal with a getter gets a new accessor (and the
 * closure behind it) on every object, made by the runtime's slow path, once per layer application.
 */
class LazyOrigin implements TensorOrigin {
  private made: string | undefined = undefined;
  constructor(
    private make: (() => string) | undefined,
    readonly node: SyntaxNode | null,
    readonly flattenedFrom: Shape | undefined,
  ) {}

  get text(): string {
    if (this.make) {
      this.made = this.make();
      this.make = undefined;
    }
    return this.made!;
  }
}

export function lazyOrigin(text: () => string, node: SyntaxNode | null, flattenedFrom: Shape | undefined): TensorValue['origin'] {
  return new LazyOrigin(text, node, flattenedFrom);
}

/** The tensors of an output value (a tensor, or tuples, lists and dicts of them). */
function collectTensors(v: Value): TensorValue[] {
  if (v.t === 'tensor') return [v];
  if (v.t === 'tuple' || v.t === 'list') return v.items.flatMap(collectTensors);
  if (v.t === 'dict') return [...v.entries.values()].flatMap((e) => collectTensors(e.value));
  return [];
}

/** The shapes of an output value, as a layer rule's output. */
function valueShapes(v: Value): Output {
  if (v.t === 'tensor') return v.shape;
  if (v.t === 'tuple' || v.t === 'list') return new TupleOut(v.items.map(valueShapes));
  return null;
}

/** Each output's unknown first axis (a Keras graph's None batch) set to `batch`, where one is given. */
function withBatch(out: Output | null, batch: Dim | null): Output | null {
  if (out === null || batch === null) return out;
  if (out instanceof TupleOut) return new TupleOut(out.items.map((o) => withBatch(o, batch)));
  return out.length > 0 && out[0] === null ? [batch, ...out.slice(1)] : out;
}

/** False only when two shapes definitely differ (rank, or a size known on both sides). */
function compatibleShapes(a: Shape, b: Shape): boolean {
  if (a === null || b === null) return true;
  return a.length === b.length && a.every((d, i) => equalDims(d, b[i]) !== false);
}

/**
 * einops's `pack(tensors, pattern)`, which returns the packed tensor and `packed_shapes` (each
 * tensor's `*` axes, as tuples), and `unpack(tensor, packed_shapes, pattern)`, which returns the
 * list of tensors again (shapes/ops/einops.ts). Unknown where the pattern or the tensors are.
 */
export function einopsPacking(interp: Interpreter, name: 'einops.pack' | 'einops.unpack', args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const patternValue = args[name === 'einops.pack' ? 1 : 2] ?? kwargs.get('pattern');
  const pattern = patternValue?.t === 'str' ? packPattern(patternValue.v) : null;
  if (name === 'einops.pack') {
    const given = args[0] ?? kwargs.get('tensors');
    const items = given && (given.t === 'list' || given.t === 'tuple') ? given.items : null;
    if (!items || !items.every((i): i is TensorValue => i.t === 'tensor')) return UNKNOWN;
    const packed = pattern ? packShapes(pattern, items.map((t) => t.shape)) : null;
    const out = recordOp(interp, 'pack', items, packed?.output ?? null, node, []);
    return tuple([out, packed ? list(packed.starred.map((s) => tuple(s.map(int)))) : UNKNOWN]);
  }
  const t = args[0] ?? kwargs.get('tensor');
  const shapes = args[1] ?? kwargs.get('packed_shapes');
  if (t?.t !== 'tensor' || !shapes || (shapes.t !== 'list' && shapes.t !== 'tuple')) return UNKNOWN;
  const starred = shapes.items.map((s) => (s.t === 'tuple' || s.t === 'list') && s.items.every((d) => d.t === 'int') ? s.items.map((d) => (d as { v: Dim }).v) : null);
  const unpacked = pattern ? unpackShapes(pattern, t.shape, starred) : null;
  const out = recordOp(interp, 'unpack', [t], new TupleOut(unpacked ?? starred.map(() => null)), node, []);
  return out.t === 'tuple' ? list(out.items) : UNKNOWN;
}
