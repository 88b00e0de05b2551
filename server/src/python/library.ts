// The framework's calls as the abstract interpreter runs them: building layers (their arguments
// bound to the rule's parameters, and where each number was written), PyTorch containers and
// Keras Sequential (construction, add/append/add_module, build), keras.Input, InputLayer and
// functional keras.Model, the lowercase Keras merge functions, tensor factories (torch.randn,
// np.zeros: the example inputs), nn.Parameter, torchinfo/torchsummary summary calls, and the
// nn.Module / keras.Model methods a user module inherits from its library base.
//
// Which names these are comes from model/library.ts and the rule registry; applying a layer or a
// module to tensors is tensors.ts's work, plain Python values builtins.ts's.

import { bindArgs, paramLayout } from '../shapes/context';
import { Dim, equalDims, Expr as DimExpr, isKnown } from '../shapes/dim';
import { findLayer } from '../shapes/registry';
import { formatShape } from '../shapes/shape';
import { ArgValue, LayerArg, LayerDef, ReferenceArg, Shape, TensorArg, UnknownArg } from '../shapes/types';
import type { SyntaxNode } from '../syntax/parse';
import { datasetArrays, DatasetSplit } from '../model/datasets';
import { CONTAINERS, TENSOR_FACTORIES } from '../model/library';
import { NN_INIT } from './builtins';
import { applicationInputShape, architectureIsDefault, type ApplicationTable } from '../model/keras-applications';
import { applicationConfig, applicationDef, applicationLayerDef } from '../shapes/layers/applications';
import type { CallNodes, Interpreter } from './interpreter';
import { datasetElement } from './tfdata';
import type { TraceRecord } from './trace';
import { bool, ClassValue, CONTAINER_ATTR, containerOf, IGNORED_LAYER_ATTRS, poisonLayers, DECLARED_INPUT_ATTR, KERAS_LAMBDA, KERAS_LAYER_NAME_ATTR, LAMBDA_FUNCTION_ATTR, LAMBDA_OUTPUT_SHAPE_ATTR, KERAS_WEIGHTS_ATTR, FUNCTIONAL_ATTR, LAYER_ATTR, ContainerValue, FunctionalValue, int, isTableBlock, LayerValue, list, NONE, ObjectValue, str, TensorValue, tuple, UNKNOWN, Value } from './values';

/** nn.Module methods that return the module itself (`model = Net().to(device).eval()`). */
export const MODULE_METHODS_RETURNING_SELF = new Set(['to', 'cuda', 'cpu', 'eval', 'train', 'float', 'double', 'half', 'bfloat16', 'requires_grad_', 'to_empty', 'share_memory', 'apply', 'type']);

// ---------------------------------------------------------------- values as the rules' arguments

/** An interpreter value as a rule argument. */
export function toArg(v: Value): ArgValue {
  switch (v.t) {
    case 'int':
      return v.v;
    case 'float':
      return v.v;
    case 'bool':
      return v.v;
    case 'str':
      return v.v;
    case 'none':
      return null;
    case 'tuple':
    case 'list':
      return v.items.map((i) => toArg(i));
    case 'tensor':
      return new TensorArg(v.shape, v.origin.text, v.literal === undefined ? undefined : toArg(v.literal));
    case 'layer':
      return new LayerArg(v.def, v.bound);
    case 'dict': {
      return UnknownArg.instance;
    }
    case 'builtin':
      return v.self === undefined ? new ReferenceArg(v.name) : UnknownArg.instance;
    case 'module':
      return new ReferenceArg(v.name);
    default:
      return UnknownArg.instance;
  }
}

/** A rule argument (a layer's bound value) back as an interpreter value. */
export function fromArg(a: ArgValue): Value {
  if (a === null) return NONE;
  if (typeof a === 'number') return Number.isInteger(a) ? int(a) : { t: 'float', v: a };
  if (typeof a === 'string') return str(a);
  if (typeof a === 'boolean') return bool(a);
  if (a instanceof DimExpr) return int(a);
  if (Array.isArray(a)) return tuple(a.map((x) => fromArg(x)));
  return UNKNOWN;
}

// ---------------------------------------------------------------- layers

/** A layer object: its arguments bound to the rule's parameters, with the node each was written at. */
export function constructLayer(interp: Interpreter, def: LayerDef, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): LayerValue {
  const kw = new Map<string, ArgValue>();
  for (const [k, v] of kwargs) kw.set(k, toArg(v));
  const bound = bindArgs(def.params, args.map((a) => toArg(a)), kw, true, nodes.unknownArgs || nodes.unknownKwargs ? { unknownArgs: nodes.unknownArgs, unknownKwargs: nodes.unknownKwargs } : undefined);
  const argNodes = new Map<string, SyntaxNode>();
  const argChains: NonNullable<LayerValue['argChains']> = new Map();
  const note = (name: string, n: SyntaxNode, v: Value | undefined) => {
    argNodes.set(name, n);
    // Where the number came from (analysis/blame.ts picks the node to underline from it).
    if (v?.t === 'int' && n.type !== 'list_splat' && n.type !== 'dictionary_splat') argChains.set(name, { links: [{ node: n, scope: nodes.scope ?? null }, ...(v.via ?? [])], src: v.src, roots: v.roots });
  };
  const positional = paramLayout(def.params).positional;
  nodes.argNodes.forEach((n, i) => {
    if (i < positional.length) note(positional[i].name, n, args[i]);
  });
  for (const [k, n] of nodes.kwNodes) note(k, n, kwargs.get(k));
  for (const s of interp.constructionStack) s.add(-1);
  // A Keras layer whose `data_format` is left to the configuration takes the layout set with
  // `K.set_image_data_format(...)`; an unknown one leaves the layer's output unknown.
  if (def.framework === 'keras' && interp.kerasImageDataFormat !== 'channels_last' && def.params.some((p) => p.name === 'data_format') && (bound.values.get('data_format') ?? null) === null) {
    bound.values.set('data_format', interp.kerasImageDataFormat ?? UnknownArg.instance);
  }
  return { t: 'layer', def, bound, argNodes, argChains, node, opaque: bound.problems.length > 0, id: interp.newId() };
}

/** `layers.concatenate([a, b])`: the merge layer built and applied to its list at once; undefined for other names. */
export function kerasMerge(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value | undefined {
  // Keras 1's `merge([a, b], mode='concat', concat_axis=-1)`: the merge layer its mode names (a
  // mode given as a function, or one Keras 2 dropped, is not followed).
  if (name === 'keras.layers.merge') {
    const inputs = args[0] ?? kwargs.get('inputs') ?? kwargs.get('layers');
    const mode = kwargs.get('mode') ?? args[1] ?? str('sum');
    const target = mode.t === 'str' ? KERAS1_MERGE_MODES[mode.v] : undefined;
    const def = target ? findLayer(`keras.layers.${target}`) : undefined;
    if (!inputs || !def || [...kwargs.keys()].some((k) => !['inputs', 'layers', 'mode', 'concat_axis', 'dot_axes', 'name'].includes(k)) || args.length > 2) return UNKNOWN;
    const layerKwargs = new Map<string, Value>();
    const axis = kwargs.get('concat_axis');
    if (target === 'Concatenate') layerKwargs.set('axis', axis ?? int(-1));
    if (target === 'Dot') {
      const axes = kwargs.get('dot_axes');
      if (!axes) return UNKNOWN;
      layerKwargs.set('axes', axes);
    }
    const l = constructLayer(interp, def, [], layerKwargs, node, { argNodes: [], kwNodes: new Map(), scope: nodes.scope });
    return interp.applyModule(l, [inputs], new Map(), node);
  }
  if (name.startsWith('keras.layers.') && /^[a-z]/.test(name.slice('keras.layers.'.length))) {
    const mergeTarget = kerasFunctionalMerge(name);
    if (mergeTarget) {
      const def = findLayer(mergeTarget);
      const [inputs, ...rest] = args;
      if (def && inputs) {
        const l = constructLayer(interp, def, rest, kwargs, node, { argNodes: nodes.argNodes.slice(1), kwNodes: nodes.kwNodes, scope: nodes.scope });
        return interp.applyModule(l, [inputs], new Map(), node);
      }
    }
  }
  return undefined;
}

/** Keras 1's merge modes, as the Keras 2 layers that replaced them. */
const KERAS1_MERGE_MODES: Record<string, string> = { sum: 'Add', concat: 'Concatenate', mul: 'Multiply', ave: 'Average', max: 'Maximum', dot: 'Dot' };

/** The Keras layer classes behind the lowercase merge functions (`layers.concatenate`). */
export function kerasFunctionalMerge(name: string): string | undefined {
  // Only keras.layers' own: `from keras.models import *` must not make `concatenate` a merge of keras.models.
  if (!name.startsWith('keras.layers.')) return undefined;
  const fn = name.slice('keras.layers.'.length);
  const map: Record<string, string> = { concatenate: 'Concatenate', add: 'Add', subtract: 'Subtract', multiply: 'Multiply', average: 'Average', maximum: 'Maximum', minimum: 'Minimum', dot: 'Dot' };
  return map[fn] ? `keras.layers.${map[fn]}` : undefined;
}

/** The input a Keras layer declares with `input_shape=` / `batch_input_shape=` / `input_dim=`. */
export function kerasDeclaredInput(layer: LayerValue): Shape | undefined {
  const v = layer.bound.values;
  const toShape = (a: ArgValue | undefined, withBatch: boolean): Shape | undefined => {
    if (a === undefined) return undefined;
    const items = Array.isArray(a) ? a : [a];
    const dims: Dim[] = [];
    for (const i of items) {
      if (typeof i === 'number' || i instanceof DimExpr) dims.push(i);
      else if (i === null) dims.push(null);
      else return undefined;
    }
    return withBatch ? dims : [null, ...dims];
  };
  // Embedding's input_dim is its vocabulary; Keras 2's input_length is its sequence length.
  if (layer.def.kind === 'Embedding') return toShape(v.get('batch_input_shape'), true) ?? toShape(v.get('input_shape'), false) ?? toShape(v.get('input_length'), false);
  return toShape(v.get('batch_input_shape'), true) ?? toShape(v.get('input_shape'), false) ?? toShape(v.get('input_dim'), false);
}

/** The input a custom Keras layer declared through `super().__init__(input_shape=...)` (see userModuleMethod). */
function objectDeclaredInput(obj: ObjectValue): Shape | undefined {
  const d = obj.attrs.get(DECLARED_INPUT_ATTR);
  if (d?.t !== 'tuple' || d.items[0]?.t !== 'str') return undefined;
  const s = shapeFromValue(d.items[1], true);
  if (!s) return undefined;
  return d.items[0].v === 'batch_input_shape' ? s : [null, ...s];
}

// ---------------------------------------------------------------- containers

/** `nn.Sequential(...)`, `nn.ModuleList([...])`, `nn.ModuleDict({...})`, `keras.Sequential([...])`. */
export function constructContainer(interp: Interpreter, kind: ContainerValue['kind'], args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const c: ContainerValue = { t: 'container', kind, items: [], keys: null, node, id: interp.newId() };
  if (kind === 'Sequential') {
    if (args.length === 1 && args[0].t === 'dict' && args[0].partial) forgetChildren(c);
    else if (args.length === 1 && args[0].t === 'dict') {
      c.keys = [];
      for (const e of args[0].entries.values()) {
        c.keys.push(e.key.t === 'str' ? e.key.v : String(c.keys.length));
        c.items.push(e.value);
      }
    } else c.items = [...args];
  } else if (kind === 'ModuleList') {
    const items = args[0] ? interp.iterate(args[0]) : [];
    if (items) c.items = [...items];
    else forgetChildren(c);
  } else if (kind === 'ModuleDict') {
    c.keys = [];
    const d = args[0];
    if (d?.t === 'dict') for (const e of d.entries.values()) containerSet(c, e.key.t === 'str' ? e.key.v : '?', e.value);
    else if (d && interp.iterate(d) === null) forgetChildren(c);
    else if (d) for (const it of interp.iterate(d) ?? []) {
      const pair = interp.iterate(it);
      if (pair?.length === 2 && pair[0].t === 'str') containerSet(c, pair[0].v, pair[1]);
    }
  } else {
    // keras.Sequential(layers=None, trainable=True, name=None)
    const layersArg = args[0] ?? kwargs.get('layers');
    const items = layersArg ? interp.iterate(layersArg) : [];
    // Layers we cannot list are not no layers: the model stays unknown, never the identity.
    if (items === null) forgetChildren(c);
    for (const it of items ?? []) kerasSequentialAdd(c, it);
    // Only by keyword: its position differs between Keras 2 (second) and Keras 3 (third).
    const name = kwargs.get('name');
    if (name?.t === 'str') c.name = name.v;
  }
  return c;
}

/** Makes a container's children unknown (see ContainerValue.unknownItems). */
export function forgetChildren(c: ContainerValue): void {
  c.items = [UNKNOWN];
  if (c.keys) c.keys = ['?'];
  c.unknownItems = true;
}

/** Sets a named item of a container (`ModuleDict[key] = m`, `add_module(name, m)`), keeping the order of first insertion. */
export function containerSet(c: ContainerValue, key: string, v: Value): void {
  c.keys = c.keys ?? [];
  const i = c.keys.indexOf(key);
  if (i >= 0) c.items[i] = v;
  else {
    c.keys.push(key);
    c.items.push(v);
  }
}

/** `Sequential.add(layer)`: an Input or InputLayer fixes the input; a first layer's `input_shape=` too. */
function kerasSequentialAdd(c: ContainerValue, item: Value): void {
  if (item.t === 'tensor') {
    if (c.items.length === 0) c.kerasInput = item.shape;
    return;
  }
  if (c.items.length === 0 && c.kerasInput === undefined && item.t === 'layer') {
    const s = kerasDeclaredInput(item);
    if (s) c.kerasInput = s;
  }
  if (c.items.length === 0 && c.kerasInput === undefined && item.t === 'object') {
    const s = objectDeclaredInput(item);
    if (s) c.kerasInput = s;
  }
  c.items.push(item);
}

function recordBuild(interp: Interpreter, model: Value, shapeArg: Value): void {
  // Keras `model.build((None, 32, 32, 3))` leaves the batch unknown.
  const s = shapeFromValue(shapeArg, true);
  if (s && (model.t === 'object' || model.t === 'container')) interp.examples.set(model.id, { shapes: [s], source: 'build' });
}

/** The Keras methods that feed a model data: its first batch fixes the input of a model without one. */
const KERAS_DATA_METHODS = new Set(['fit', 'predict', 'evaluate', 'train_on_batch', 'test_on_batch', 'predict_on_batch']);

/**
 * `model.fit(x_train, y_train)`, `model.predict(x)`: Keras builds a model without a declared input
 * on the data's shape, with the batch left open. The data may be arrays, a list of arrays (several
 * inputs), or a `keras.utils.Sequence` whose first batch is `seq[0]`.
 */
function recordKerasData(interp: Interpreter, model: Value, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): void {
  if (!(model.t === 'object' || model.t === 'container') || interp.examples.has(model.id)) return;
  let x = args[0] ?? kwargs.get('x');
  // A tf.data dataset: its element's first item (`(images, labels)`), as Keras takes it.
  const element = x ? datasetElement(x) : undefined;
  if (element !== undefined) x = element.t === 'tuple' ? element.items[0] : element;
  else if (x?.t === 'object') {
    // A Sequence (or any object indexed by batch number): its first batch is `(inputs, targets)`.
    const getitem = interp.lookupClassAttr(x.cls, '__getitem__');
    const batch = getitem?.t === 'function' ? interp.call({ ...getitem, self: x }, [int(0)], new Map(), node) : UNKNOWN;
    x = batch.t === 'tuple' || batch.t === 'list' ? batch.items[0] : batch;
  }
  if (!x) return;
  const items = x.t === 'tensor' ? [x] : x.t === 'list' || x.t === 'tuple' ? x.items : [];
  if (items.length === 0 || !items.every((t): t is TensorValue => t.t === 'tensor' && t.shape !== null && t.shape.length > 0)) return;
  const shapes = items.map((t) => [null, ...t.shape!.slice(1)]);
  // Several arrays come to a subclassed model's `call` as one tuple or list (`input_a, input_b = inputs`).
  const example = x.t === 'tensor' ? { shapes, source: 'call' as const, node } : { shapes, source: 'call' as const, node, sequence: true };
  interp.examples.set(model.id, example);
  if (model.t === 'object' && !interp.examples.has(model.cls.id)) interp.examples.set(model.cls.id, example);
}

/** The methods of a container: append, add, extend, add_module, build, children, items... and applying it. */
export function containerMethod(interp: Interpreter, method: string, self: ContainerValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  if (method === 'insert' || method === 'pop' || method === 'clear' || (method === 'update' && self.kind === 'ModuleDict')) return containerEdit(interp, method, self, args, kwargs);
  // PyTorch's append and extend return the container (`layers.append(m).append(n)`).
  const chained = self.kind === 'Sequential' || self.kind === 'ModuleList' ? self : NONE;
  if (method === 'append' && args[0]) {
    self.items.push(args[0]);
    return chained;
  } else if (method === 'add' && args[0]) kerasSequentialAdd(self, args[0]);
  else if (method === 'extend' && args[0]) {
    const items = interp.iterate(args[0]);
    if (items) self.items.push(...items);
    else forgetChildren(self);
    return chained;
  }
  else if (self.unknownItems && ['children', 'modules', 'values', 'items', 'keys'].includes(method)) return UNKNOWN;
  else if (method === 'add_module' && args[1]) {
    // A name we cannot compute still adds the module, so the layers after it stay in order.
    containerSet(self, args[0]?.t === 'str' ? args[0].v : `?${self.items.length}`, args[1]);
  }
  else if (method === 'build' && (args[0] ?? kwargs.get('input_shape'))) recordBuild(interp, self, (args[0] ?? kwargs.get('input_shape'))!);
  else if (method === 'apply' && self.kind !== 'KerasSequential') return applyToModules(interp, self, args[0] ?? UNKNOWN, node);
  else if (self.kind === 'KerasSequential' && KERAS_DATA_METHODS.has(method)) recordKerasData(interp, self, args, kwargs, node);
  // `modules()` and `named_modules()` reach the container itself and every descendant.
  else if (method === 'modules' || method === 'named_modules') return moduleTree(interp, self, method === 'named_modules');
  else if (method === 'children' && self.kind !== 'ModuleDict') return list([...self.items]);
  else if (method === 'values' && self.kind === 'ModuleDict') return list([...self.items]);
  else if (method === 'items' && self.kind === 'ModuleDict') return list(self.items.map((v, i) => tuple([str(self.keys![i]), v])));
  else if (method === 'keys' && self.kind === 'ModuleDict') return list((self.keys ?? []).map(str));
  else if (method === 'forward' || method === 'call' || method === '__call__') return interp.applyModule(self, args, kwargs, node);
  else if (MODULE_METHODS_RETURNING_SELF.has(method)) return self;
  return NONE;
}

/**
 * The methods that reorder or remove a container's children, as PyTorch's containers do them:
 * `ModuleList.insert(i, m)` for 0 <= i <= len (Sequential's also takes -len <= i < 0), `pop(i)`
 * of a ModuleList or Sequential (the children after it numbered again from i) and `pop(key)`,
 * `update(...)` and `clear()` of a ModuleDict; a Keras Sequential's `pop()` drops its last layer.
 * An edit that cannot be followed (an index or key not known, a name-keyed Sequential) leaves the
 * children unknown, never as they were.
 */
function containerEdit(interp: Interpreter, method: string, self: ContainerValue, args: Value[], kwargs: Map<string, Value>): Value {
  const forget = (): Value => {
    forgetChildren(self);
    return UNKNOWN;
  };
  if (self.unknownItems) return UNKNOWN;
  const n = self.items.length;
  const numbered = self.keys === null || self.keys.every((k, i) => k === String(i));
  const renumber = () => {
    if (self.keys) self.keys = self.items.map((_, i) => String(i));
  };
  if (self.kind === 'KerasSequential') {
    if (method !== 'pop' || args.length > 0 || n === 0) return forget();
    self.items.pop();
    if (self.keys) self.keys.pop();
    return NONE;
  }
  if (method === 'clear' && self.kind === 'ModuleDict' && args.length === 0) {
    self.items.length = 0;
    self.keys = [];
    return NONE;
  }
  if (method === 'update' && self.kind === 'ModuleDict') {
    // update(mapping or iterable of (key, module) pairs), in its order.
    const source = args[0];
    if (!source || args.length > 1 || kwargs.size > 0) return forget();
    const pairs = source.t === 'dict' && !source.partial ? [...source.entries.values()].map((e) => [e.key, e.value] as const)
      : source.t === 'container' && source.kind === 'ModuleDict' && source.keys ? source.items.map((v, i) => [str(source.keys![i]), v] as const)
      : (interp.iterate(source) ?? null)?.map((p) => { const kv = interp.iterate(p); return kv && kv.length === 2 ? [kv[0], kv[1]] as const : null; });
    if (!pairs || pairs.some((p) => p === null || p[0].t !== 'str')) return forget();
    for (const p of pairs) containerSet(self, (p![0] as { v: string }).v, p![1]);
    return NONE;
  }
  if (method === 'pop' && self.kind === 'ModuleDict') {
    const key = args[0];
    if (args.length !== 1 || key.t !== 'str' || !self.keys?.includes(key.v)) return forget();
    const i = self.keys.indexOf(key.v);
    const [v] = self.items.splice(i, 1);
    self.keys.splice(i, 1);
    return v;
  }
  if (self.kind !== 'ModuleList' && self.kind !== 'Sequential') return forget();
  if (!numbered) return forget();
  if (method === 'pop') {
    const idx = args[0];
    if (args.length !== 1 || idx.t !== 'int' || !isKnown(idx.v) || idx.v < -n || idx.v >= n) return forget();
    const i = idx.v < 0 ? idx.v + n : idx.v;
    const [v] = self.items.splice(i, 1);
    renumber();
    return v;
  }
  if (method === 'insert') {
    const idx = args[0];
    const m = args[1];
    if (args.length !== 2 || !m || idx.t !== 'int' || !isKnown(idx.v)) return forget();
    // ModuleList moves the children from index on one place up and puts the module at index;
    // a negative index is not a position there. Sequential counts one from the end.
    const i = idx.v < 0 && self.kind === 'Sequential' && idx.v >= -n ? idx.v + n : idx.v;
    if (i < 0 || i > n) return forget();
    self.items.splice(i, 0, m);
    renumber();
    return self.kind === 'Sequential' ? self : NONE;
  }
  return forget();
}

/**
 * The methods a user module inherits from its library base (`name` is `Module.x`, `KerasModel.x`
 * or `super.x`): super().__init__, add_module, register_buffer, build, add_weight, forward, to...
 */
export function userModuleMethod(interp: Interpreter, name: string, method: string, self: ObjectValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const held = containerOf(self);
  if (name.startsWith('super.') && method === '__init__') {
    // super().__init__(*layers) of an nn.Sequential / ModuleList / ModuleDict subclass.
    const base = interp.libraryBase(self.cls);
    if (base && base.name in CONTAINERS) self.attrs.set(CONTAINER_ATTR, constructContainer(interp, CONTAINERS[base.name], args, kwargs, node));
    // `super().__init__(inputs=inputs, outputs=outputs)`: a keras.Model subclass built as a functional model.
    else if (base?.name === 'keras.Model') kerasFunctionalInit(interp, self, args, kwargs, node);
    // `super().__init__(**kwargs)` of a custom Keras layer given `input_shape=` (the first layer of a
    // Sequential, `TCN(input_shape=(12, 1))`): the input it declares, as Keras's Layer keeps it.
    if (base?.framework === 'keras') {
      for (const k of ['batch_input_shape', 'input_shape', 'input_dim']) {
        const v = kwargs.get(k);
        if (v) self.attrs.set(DECLARED_INPUT_ATTR, tuple([str(k), v]));
      }
      const name = kwargs.get('name');
      if (name?.t === 'str') self.attrs.set(KERAS_LAYER_NAME_ATTR, name);
    }
    return NONE;
  }
  if (method === 'add_module' || method === 'register_module') {
    // A child under its name; one whose name we cannot compute still keeps its place.
    if (args[0]?.t === 'str' && args[1]) interp.setObjectAttr(self, args[0].v, args[1], true);
    else if (args[1]) interp.setObjectAttr(self, `?${self.attrs.size}`, args[1], true);
    return NONE;
  }
  if (held && ['append', 'extend', 'insert', 'pop', 'clear', 'update', 'children', 'values', 'items', 'keys'].includes(method)) return containerMethod(interp, method, held, args, kwargs, node);
  // `self.__setattr__('level_%d' % i, m)` and `self.__getattr__(name)`, as nn.Module spells them.
  if (method === '__setattr__') {
    if (args[0]?.t === 'str' && args[1]) interp.setObjectAttr(self, args[0].v, args[1]);
    return NONE;
  }
  if (method === '__getattr__' || method === '__getattribute__') return args[0]?.t === 'str' ? interp.getAttr(self, args[0].v, node) : UNKNOWN;
  if (method === 'register_buffer' || method === 'register_parameter') {
    if (args[0]?.t === 'str') self.attrs.set(args[0].v, args[1] ?? UNKNOWN);
    return NONE;
  }
  if (method === 'build' && (args[0] ?? kwargs.get('input_shape'))) recordBuild(interp, self, (args[0] ?? kwargs.get('input_shape'))!);
  if (KERAS_DATA_METHODS.has(method) && interp.libraryBase(self.cls)?.framework === 'keras') recordKerasData(interp, self, args, kwargs, node);
  if (method === 'add_weight') {
    // Keras add_weight(shape=..., ...) (Keras 2: add_weight(name, shape, ...)): a weight of that shape, without a batch axis.
    const shapeArg = kwargs.get('shape') ?? (args[0]?.t === 'str' ? args[1] : args[0]);
    const shape = shapeArg ? shapeFromValue(shapeArg) : null;
    // Counted for the layer's own row: a size not known makes its count unknown.
    const sofar = self.attrs.get(KERAS_WEIGHTS_ATTR);
    const count = shape && shape.every((d) => typeof d === 'number') ? (shape as number[]).reduce((a, d) => a * d, 1) : null;
    const before = sofar === undefined ? 0 : sofar.t === 'int' && typeof sofar.v === 'number' ? sofar.v : null;
    self.attrs.set(KERAS_WEIGHTS_ATTR, count !== null && before !== null ? int(before + count) : UNKNOWN);
    return interp.makeTensor(shape, 'keras', { text: `the weight ${formatShape(shape, 'None')} at line ${node.startPosition.row + 1}`, node }, 0);
  }
  if (method === '__call__' || method === 'forward' || method === 'call') return interp.applyModule(self, args, kwargs, node);
  if (method === 'apply' && interp.libraryBase(self.cls)?.framework === 'torch') return applyToModules(interp, self, args[0] ?? UNKNOWN, node);
  if (MODULE_METHODS_RETURNING_SELF.has(method)) return self;
  if (method === 'children' || method === 'named_children') return moduleChildren(interp, self, method === 'named_children');
  if (method === 'modules' || method === 'named_modules') return moduleTree(interp, self, method === 'named_modules');
  return UNKNOWN;
}

/**
 * `module.apply(fn)`: `fn` called on every module under `root`, each child's modules before the
 * child itself and the root last, as nn.Module.apply recurses; returns `root`. A weight
 * initialiser changes nothing the engine keeps; a function that sets a layer's attributes
 * (`m.stride = (1, 1)` on each Conv2d, to dilate a backbone) changes those layers as an assignment
 * would. Where `fn` may set attributes of modules the engine cannot see (a child it cannot list, a
 * torchvision table block's insides), every layer under `root` becomes opaque.
 */
export function applyToModules(interp: Interpreter, root: Value, fn: Value, node: SyntaxNode): Value {
  const mutates = mayAssignModuleAttributes(fn);
  const seen = new Set<Value>();
  let blind = false;
  const visit = (v: Value, depth: number): void => {
    if (seen.has(v)) return;
    seen.add(v);
    if (depth > 64) {
      blind = true;
      return;
    }
    let children: Value[];
    if (v.t === 'layer') {
      if (isTableBlock(v)) blind = true;
      children = [];
    } else if (v.t === 'container') {
      if (v.unknownItems || v.items.some((i) => i.t === 'unknown' || interp.mayBeModule(i))) blind = true;
      children = v.items;
    } else if (v.t === 'object' && interp.libraryBase(v.cls)?.framework === 'torch') {
      const listed = registeredModules(interp, v);
      if (!listed) blind = true;
      children = listed ? listed.items : [...v.attrs].filter(([k, a]) => k !== LAYER_ATTR && (a.t === 'layer' || a.t === 'container' || (a.t === 'object' && interp.libraryBase(a.cls) !== undefined))).map(([, a]) => a);
    } else {
      // Something that may be a module (an unknown value, a module of a library we do not read).
      blind = true;
      return;
    }
    for (const c of children) visit(c, depth + 1);
    interp.call(fn, [v], new Map(), node);
  };
  visit(root, 0);
  if (blind && mutates) poisonLayers(root);
  return root;
}

/**
 * Whether calling `fn` on a module may set one of its attributes: a function of the source whose
 * body assigns an attribute of one of its parameters (`m.stride = ...`; not a weight given back its
 * own initialised tensor, nor `m.training`), or a function the engine cannot read.
 */
function mayAssignModuleAttributes(fn: Value): boolean {
  const target = fn.t === 'partial' ? fn.fn : fn;
  if (target.t === 'builtin') return !NN_INIT.test(target.name);
  if (target.t !== 'function') return true;
  const params = new Set<string>();
  const parameters = target.node.childForFieldName('parameters');
  for (const p of parameters?.namedChildren ?? []) {
    const name = p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text ?? p.namedChildren.find((c) => c.type === 'identifier')?.text;
    if (name) params.add(name);
  }
  let found = false;
  const visitTarget = (n: SyntaxNode): void => {
    if (n.type === 'attribute') {
      const o = n.childForFieldName('object');
      const attr = n.childForFieldName('attribute')?.text ?? '';
      if (o?.type === 'identifier' && params.has(o.text) && !IGNORED_LAYER_ATTRS.has(attr)) found = true;
    } else if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'parenthesized_expression'].includes(n.type)) for (const c of n.namedChildren) visitTarget(c);
  };
  const visit = (n: SyntaxNode): void => {
    if (found) return;
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      // `m.weight = nn.init.kaiming_normal_(m.weight)`: the same tensor, filled.
      const reinit = n.type === 'assignment' && right?.type === 'call' && /(^|\.)init\.[a-z_]+$/.test(right.childForFieldName('function')?.text ?? '');
      if (left && !reinit) visitTarget(left);
    }
    // `setattr(m, 'stride', ...)`, `delattr(m, ...)`.
    if (n.type === 'call' && /^(setattr|delattr)$/.test(n.childForFieldName('function')?.text ?? '')) found = true;
    for (const c of n.namedChildren) visit(c);
  };
  const body = target.node.childForFieldName('body');
  if (body) visit(body);
  return found;
}

/**
 * `module.modules()` (`named_modules()`): the module itself (named '') and every descendant, depth
 * first in registration order, each once, named by its dotted path (`layer3.0.conv2`), as PyTorch
 * lists them. Unknown where a module's children cannot all be listed (an unknown attribute, a
 * block of the torchvision table, a Keras model).
 */
function moduleTree(interp: Interpreter, root: ContainerValue | ObjectValue, named: boolean): Value {
  const out: [string, Value][] = [];
  const seen = new Set<Value>();
  const visit = (v: Value, path: string, depth: number): boolean => {
    if (seen.has(v)) return true;
    seen.add(v);
    if (depth > 64) return false;
    let children: { keys: string[]; items: Value[] } | undefined;
    if (v.t === 'layer') children = isTableBlock(v) ? undefined : { keys: [], items: [] };
    else if (v.t === 'container') children = v.kind === 'KerasSequential' || v.unknownItems ? undefined : { keys: v.keys && v.keys.length === v.items.length ? v.keys : v.items.map((_, i) => String(i)), items: v.items };
    else if (v.t === 'object' && interp.libraryBase(v.cls)?.framework === 'torch') children = registeredModules(interp, v);
    if (!children) return false;
    out.push([path, v]);
    return children.items.every((c, i) => visit(c, path ? `${path}.${children!.keys[i]}` : children!.keys[i], depth + 1));
  };
  if (!visit(root, '', 0)) return UNKNOWN;
  return list(out.map(([name, v]) => (named ? tuple([str(name), v]) : v)));
}

/**
 * `module.children()` (`named_children()`): the sub-modules in the order they were registered, as
 * PyTorch keeps them (`nn.Sequential(*list(resnet.children())[:-1])`). Unknown when an attribute is
 * unknown: it may be a module.
 */
function moduleChildren(interp: Interpreter, self: ObjectValue, named: boolean): Value {
  const children = registeredModules(interp, self);
  if (!children) return UNKNOWN;
  return list(children.items.map((v, i) => (named ? tuple([str(children.keys[i]), v]) : v)));
}

/**
 * The children a module registered, by name in registration order: its container's (an
 * nn.Sequential subclass), else its attributes that are modules. Undefined where one may be a
 * module we cannot see (an unknown attribute, an instance of a class with an unreadable base).
 */
export function registeredModules(interp: Interpreter, self: ObjectValue): { keys: string[]; items: Value[] } | undefined {
  const held = containerOf(self);
  if (held) {
    if (held.unknownItems) return undefined;
    return { keys: held.keys && held.keys.length === held.items.length ? [...held.keys] : held.items.map((_, i) => String(i)), items: [...held.items] };
  }
  const keys: string[] = [];
  const items: Value[] = [];
  for (const [name, v] of self.attrs) {
    // A layer subclass keeps the layer it was built as: that is itself, not a child.
    if (name === LAYER_ATTR) continue;
    if (v.t === 'unknown' || interp.mayBeModule(v)) return undefined;
    if (v.t === 'layer' || v.t === 'container' || (v.t === 'object' && interp.libraryBase(v.cls) !== undefined)) {
      keys.push(name);
      items.push(v);
    }
  }
  return { keys, items };
}

/** `module._modules`: the ordered dict of its registered children (what `.values()`, `.items()` and iteration read). */
export function registeredModulesDict(interp: Interpreter, self: ObjectValue, node: SyntaxNode): Value {
  const children = registeredModules(interp, self);
  return children ? { t: 'container', kind: 'ModuleDict', ...children, node, id: interp.newId() } : UNKNOWN;
}

// ---------------------------------------------------------------- Keras inputs and models

/** `keras.Input(shape=...)`: a symbolic tensor with the batch axis in front. */
export function kerasInput(interp: Interpreter, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  // keras.Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None)
  const shapeV = args[0] ?? kwargs.get('shape');
  const batchShape = kwargs.get('batch_shape');
  const batch = args[1] ?? kwargs.get('batch_size');
  let shape: Shape = null;
  if (batchShape) shape = shapeFromValue(batchShape, true);
  else if (shapeV) {
    const s = shapeFromValue(shapeV, true);
    shape = s ? [batch?.t === 'int' ? batch.v : null, ...s] : null;
  }
  const given = shape === null || shape.slice(1).some((d) => d === null) ? givenInput(interp, node, shape) : undefined;
  if (given) {
    const t = interp.makeTensor(given.shape, 'keras', { text: `Input ${formatShape(given.shape, 'None')} from the ${given.source === 'comment' ? '# input comment' : '--input flag'}`, node }, 0);
    interp.givenInputs.set(t.id, given.source);
    t.kerasInput = true;
    return t;
  }
  const t = interp.makeTensor(shape, 'keras', { text: `Input ${formatShape(shape, 'None')} at line ${node.startPosition.row + 1}`, node }, 0);
  t.kerasInput = true;
  if (shape === null && interp.symbolicKerasInputs) t.symbolicPending = true;
  return t;
}

/**
 * The shape a `# input:` comment or `--input` gives an Input whose code leaves sizes open: used
 * when it agrees with what the code fixes (the rank, and every size the code writes).
 */
function givenInput(interp: Interpreter, node: SyntaxNode, shape: Shape): { shape: Dim[]; source: 'comment' | 'flag' } | undefined {
  if (!interp.kerasInputFor) return undefined;
  const enclosing: SyntaxNode[] = [];
  let n: SyntaxNode | null = node;
  while (n && n.type !== 'expression_statement' && n.type !== 'return_statement') n = n.parent;
  if (n) enclosing.push(n);
  const fn = interp.functionStack[0] ? interp.functions.get(interp.functionStack[0]) : undefined;
  if (fn) enclosing.push(fn.node);
  if (interp.currentModuleStatement) enclosing.push(interp.currentModuleStatement);
  const given = interp.kerasInputFor(node, enclosing);
  if (!given) return undefined;
  if (shape !== null && (given.shape.length !== shape.length || shape.some((d, i) => i > 0 && d !== null && given.shape[i] !== null && equalDims(d, given.shape[i]) === false))) return undefined;
  return given;
}

/** `keras.layers.InputLayer(input_shape=...)` (or its shape written first): its input tensor (a Sequential that starts with it takes it as its input). */
export function kerasInputLayer(interp: Interpreter, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const s = kwargs.get('input_shape') ?? kwargs.get('shape') ?? args[0];

  const bs = kwargs.get('batch_input_shape') ?? kwargs.get('batch_shape');
  let shape: Shape = null;
  if (bs) shape = shapeFromValue(bs, true);
  else if (s) {
    const inner = shapeFromValue(s, true);
    shape = inner ? [null, ...inner] : null;
  }
  const t = interp.makeTensor(shape, 'keras', { text: `InputLayer ${formatShape(shape, 'None')} at line ${node.startPosition.row + 1}`, node }, 0);
  t.kerasInput = true;
  return t;
}

/**
 * `keras.layers.Lambda(function, output_shape=None, mask=None, arguments=None)`: a layer whose call
 * is its function applied to the input (`arguments={'scale': 0.17}`: keyword arguments it is called
 * with), one row of Keras's summary (tensors.ts records it as a custom layer). An instance of a class
 * of its own, tagged KERAS_LAMBDA; its `name=` and `input_shape=` are kept as a custom layer's are.
 */
export function kerasLambda(interp: Interpreter, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const fn = args[0] ?? kwargs.get('function') ?? UNKNOWN;
  const bound = kwargs.get('arguments') ?? args[3];
  let applied: Value = fn;
  if (bound && bound.t !== 'none') {
    if (bound.t !== 'dict' || bound.partial || [...bound.entries.values()].some((e) => e.key.t !== 'str')) applied = UNKNOWN;
    else {
      const boundKwargs = new Map([...bound.entries.values()].map((e) => [(e.key as { v: string }).v, e.value]));
      applied = { t: 'partial', fn, args: [], kwargs: boundKwargs, argNodes: [], kwNodes: new Map() };
    }
  }
  const cls: ClassValue = { t: 'class', name: 'Lambda', node, bases: [{ t: 'builtin', name: 'keras.layers.Layer' }], attrs: new Map(), id: interp.newId(), library: KERAS_LAMBDA };
  const obj: ObjectValue = { t: 'object', cls, attrs: new Map([[LAMBDA_FUNCTION_ATTR, applied]]), node, id: interp.newId() };
  const outputShape = args[1] ?? kwargs.get('output_shape');
  if (outputShape && outputShape.t !== 'none') obj.attrs.set(LAMBDA_OUTPUT_SHAPE_ATTR, outputShape);
  const name = kwargs.get('name');
  if (name?.t === 'str') obj.attrs.set(KERAS_LAYER_NAME_ATTR, name);
  for (const k of ['batch_input_shape', 'input_shape']) {
    const v = kwargs.get(k);
    if (v && v.t !== 'none') {
      obj.attrs.set(DECLARED_INPUT_ATTR, tuple([str(k), v]));
      break;
    }
  }
  return obj;
}

/** `keras.Model(inputs, outputs)`: a functional model over the traced graph. */
export function kerasModel(interp: Interpreter, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  // Keras 1 spelled them `input=` and `output=`.
  const inputs = args[0] ?? kwargs.get('inputs') ?? kwargs.get('input');
  const outputs = args[1] ?? kwargs.get('outputs') ?? kwargs.get('output');
  if (!inputs || !outputs) return UNKNOWN;
  // Inputs may be one tensor, a list, or a dict of named inputs (`inputs={"left": left, ...}`).
  const inputList = inputs.t === 'tensor' ? [inputs] : inputs.t === 'dict' ? [...inputs.entries.values()].map((e) => e.value) : interp.iterate(inputs) ?? [];
  const ins = inputList.filter((t): t is TensorValue => t.t === 'tensor');
  const id = interp.newId();
  const fn = interp.functionStack[0];
  if (fn) interp.creatorFunction.set(id, fn);
  const name = kwargs.get('name');
  return { t: 'functional', inputs: ins, outputs, node, id, ...(name?.t === 'str' ? { name: name.v } : {}) };
}

/**
 * keras.Model's own `__init__(inputs, outputs)` reached by a subclass (one without an `__init__`,
 * `EDSRModel(inputs, outputs)`, or one calling `super().__init__(inputs, outputs)`): the instance
 * is that functional model, kept under FUNCTIONAL_ATTR (Interpreter.instantiate returns it).
 */
export function kerasFunctionalInit(interp: Interpreter, self: ObjectValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): void {
  const given = (i: number, names: string[]) => args[i] ?? names.map((n) => kwargs.get(n)).find((v) => v !== undefined);
  if (!given(0, ['inputs', 'input']) || !given(1, ['outputs', 'output'])) return;
  self.attrs.set(FUNCTIONAL_ATTR, kerasModel(interp, args, kwargs, node));
}

/**
 * `K.is_keras_tensor(x)`: true for a `keras.Input` and a Keras layer's output, false for data (a
 * NumPy array, a tensor made by `tf.zeros`...); unknown for anything else (an op's output is a
 * Keras tensor in TF 2's Keras, not in Keras 2.2's).
 */
export function isKerasTensor(interp: Interpreter, v: Value | undefined): Value {
  if (v?.t !== 'tensor') return v === undefined || v.t === 'unknown' || v.t === 'object' ? UNKNOWN : bool(false);
  if (v.kerasInput) return bool(true);
  if (v.array || v.fromFactory) return bool(false);
  const records = interp.trace.records;
  for (let i = records.length - 1; i >= 0; i--) {
    if (records[i].seq !== v.producer) continue;
    return records[i].layer?.def.framework === 'keras' ? bool(true) : UNKNOWN;
  }
  return UNKNOWN;
}

/**
 * `_obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
 * weights=None)` as Keras's imagenet_utils computes it: a given shape comes back as it is (the
 * helper only checks it), none gives the default square image (`require_flatten`) or open spatial
 * sizes. What it depends on and we do not know gives UNKNOWN.
 */
export function kerasObtainInputShape(args: Value[], kwargs: Map<string, Value>): Value {
  const arg = (i: number, name: string) => args[i] ?? kwargs.get(name);
  const given = arg(0, 'input_shape');
  if (given === undefined || given.t === 'unknown') return UNKNOWN;
  if ((given.t === 'tuple' || given.t === 'list') && given.items.length > 0) return given;
  if (!(given.t === 'none' || ((given.t === 'tuple' || given.t === 'list') && given.items.length === 0))) return UNKNOWN;
  const size = arg(1, 'default_size');
  // Keras 1 and 2.0 named them `dim_ordering` ('th' / 'tf') and `include_top`.
  const format = arg(3, 'data_format') ?? kwargs.get('dim_ordering');
  const flatten = arg(4, 'require_flatten') ?? kwargs.get('include_top');
  if (size?.t !== 'int' || format?.t !== 'str' || flatten?.t !== 'bool') return UNKNOWN;
  const side = flatten.v ? size : NONE;
  if (format.v === 'channels_first' || format.v === 'th') return tuple([int(3), side, side]);
  if (format.v === 'channels_last' || format.v === 'tf') return tuple([side, side, int(3)]);
  return UNKNOWN;
}

/**
 * `imagenet_utils.correct_pad(inputs, kernel_size)` as Keras computes it: `((k // 2 - adjust, k // 2),
 * ...)` per spatial axis, where adjust is 1 for an even size (and for a size of None). A size the
 * engine does not know may be None or a number of either parity: the padding is then unknown.
 */
export function kerasCorrectPad(interp: Interpreter, args: Value[], kwargs: Map<string, Value>): Value {
  const inputs = args[0] ?? kwargs.get('inputs');
  const kernel = args[1] ?? kwargs.get('kernel_size');
  const format = interp.kerasImageDataFormat;
  if (inputs?.t !== 'tensor' || inputs.shape === null || inputs.shape.length < 4 || format === null || !kernel) return UNKNOWN;
  const axis = format === 'channels_first' ? 2 : 1;
  const sizes = [inputs.shape[axis], inputs.shape[axis + 1]];
  const kernels = kernel.t === 'int' ? [kernel.v, kernel.v] : (kernel.t === 'tuple' || kernel.t === 'list') && kernel.items.length === 2 ? kernel.items.map((k) => (k.t === 'int' ? k.v : null)) : [null, null];
  const pads: Value[] = [];
  for (let i = 0; i < 2; i++) {
    const size = sizes[i];
    const k = kernels[i];
    if (typeof size !== 'number' || typeof k !== 'number') return UNKNOWN;
    const correct = Math.floor(k / 2);
    pads.push(tuple([int(correct - (1 - (size % 2))), int(correct)]));
  }
  return tuple(pads);
}

/**
 * `keras.applications.ResNet50(include_top=False, input_shape=(224, 224, 3))`: a functional model
 * over its own input (or the `input_tensor=` it is built on), its output one row computed from the
 * table. An architecture argument the table does not cover (`alpha=0.5`) leaves the output unknown.
 */
export function kerasApplication(interp: Interpreter, table: ApplicationTable, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode, nodes: CallNodes): Value {
  const def = applicationDef(table);
  const layer = constructLayer(interp, def, args, kwargs, node, nodes);
  const values = layer.bound.values;
  if (!architectureIsDefault(table, values)) layer.opaque = true;
  const config = applicationConfig(values);
  const position = def.params.findIndex((p) => p.name === 'input_tensor');
  const given = kwargs.get('input_tensor') ?? args[position];
  let input: TensorValue;
  if (given?.t === 'tensor') input = given;
  else if (given && given.t !== 'none') input = interp.makeTensor(null, 'keras', { text: `the input_tensor of ${table.model}`, node }, 0);
  else {
    const shape = config.includeTop === null ? null : applicationInputShape(table, config.includeTop, values.get('input_shape'));
    const fromUser = shape === null || shape.slice(1).some((d) => d === null) ? givenInput(interp, node, shape === null ? [null, null, null, null] : shape) : undefined;
    if (fromUser) {
      input = interp.makeTensor(fromUser.shape, 'keras', { text: `Input ${formatShape(fromUser.shape, 'None')} from the ${fromUser.source === 'comment' ? '# input comment' : '--input flag'}`, node }, 0);
      interp.givenInputs.set(input.id, fromUser.source);
    } else input = interp.makeTensor(shape, 'keras', { text: `the input ${formatShape(shape, 'None')} of ${table.model} at line ${node.startPosition.row + 1}`, node }, 0);
  }
  // Keras names it (`resnet50`; MobileNet after its input rows: `mobilenetv2_1.00_128`) unless `name=` says.
  if (!values.get('name')) {
    const rows = input.shape?.[1];
    const suffix = `_${table.defaultSize}`;
    const named = typeof rows === 'number' && table.model.endsWith(suffix) && /^mobilenet/.test(table.model) ? table.model.slice(0, -suffix.length) + `_${rows}` : table.model;
    values.set('name', named);
  }
  const outputs = interp.applyModule(layer, [input], new Map(), node);
  const id = interp.newId();
  const fn = interp.functionStack[0];
  if (fn) interp.creatorFunction.set(id, fn);
  return { t: 'functional', inputs: [input], outputs, node, id, application: { layer, table } };
}

/**
 * `base.get_layer("conv4_block6_out")` of a keras.applications model: the layer, whose `.output`
 * is its output on the model's input (a row of that layer in the graph). A name the table does not
 * list, or a model whose architecture is unknown, gives UNKNOWN.
 */
export function applicationGetLayer(interp: Interpreter, model: FunctionalValue, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const app = model.application;
  const nameV = args[0] ?? kwargs.get('name');
  if (!app || app.layer.opaque || nameV?.t !== 'str' || model.inputs.length !== 1) return UNKNOWN;
  const def = applicationLayerDef(app.table, nameV.v, applicationConfig(app.layer.bound.values));
  if (!def) return UNKNOWN;
  const tap: LayerValue = constructLayer(interp, def, [], new Map(), node, { argNodes: [], kwNodes: new Map() });
  const output = interp.applyModule(tap, [model.inputs[0]], new Map(), node);
  // Calling the found layer on another tensor is not modelled: that copy is opaque.
  return { ...tap, opaque: true, output, id: interp.newId() };
}

/**
 * `model.get_layer("pool_a")` of a functional model built in the code: the layer of its graph
 * given that `name=`, whose `.output` is the tensor it produced there. UNKNOWN for a name no layer
 * was given (Keras's own names, `conv2d_1`, hang on counters), a graph with a part we could not
 * follow (the layer may lie behind it), and a layer applied more than once (Keras has no single
 * `.output` for it).
 */
export function modelGetLayer(interp: Interpreter, model: FunctionalValue, args: Value[], kwargs: Map<string, Value>): Value {
  const nameV = args[0] ?? kwargs.get('name');
  if (nameV?.t !== 'str') return UNKNOWN;
  const bySeq = new Map(interp.trace.records.map((r) => [r.seq, r]));
  const inputIds = new Set(model.inputs.map((t) => t.id));
  const stack: TensorValue[] = [];
  const collect = (v: Value): boolean => {
    if (v.t === 'tensor') stack.push(v);
    else if (v.t === 'tuple' || v.t === 'list') return v.items.every(collect);
    else return false;
    return true;
  };
  if (!collect(model.outputs)) return UNKNOWN;
  const visited = new Set<number>();
  const found: TraceRecord[] = [];
  while (stack.length) {
    const t = stack.pop()!;
    if (inputIds.has(t.id) || visited.has(t.producer)) continue;
    visited.add(t.producer);
    const r = bySeq.get(t.producer);
    if (!r) return UNKNOWN;
    if (r.layer && r.layer.bound.values.get('name') === nameV.v) found.push(r);
    stack.push(...r.inputs);
  }
  if (found.length !== 1 || !found[0].layer) return UNKNOWN;
  const r = found[0];
  return { ...r.layer!, output: r.outputs.length === 1 ? r.outputs[0] : tuple(r.outputs) };
}

// ---------------------------------------------------------------- tensors made by the library

/**
 * A tuple of ints (None allowed) as a shape. `allowUnknown`: an entry the code does not fix (a
 * batch size read from data) is an unknown size of a known rank, as a tuple's length is known.
 */
function shapeFromValue(v: Value, allowNone = false, allowUnknown = false): Shape {
  if (v.t === 'int') return [v.v];
  if (v.t !== 'tuple' && v.t !== 'list') return null;
  const dims: Dim[] = [];
  for (const i of v.items) {
    if (i.t === 'int') dims.push(i.v);
    else if ((i.t === 'none' || i.t === 'unknown' || i.t === 'tensor') && allowNone) dims.push(null);
    else if (i.t === 'unknown' && allowUnknown) dims.push(null);
    else return null;
  }
  return dims;
}

/** `torch.randn(1, 3, 32, 32)`, `tf.zeros((1, 28, 28, 1))`, `np.zeros(...)`: a concrete tensor that marks an example call. */
export function makeFactoryTensor(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const f = TENSOR_FACTORIES[name];
  let shape: Shape = null;
  if (f.size === 'legacy' && args.length === 1 && (args[0].t === 'tuple' || args[0].t === 'list' || args[0].t === 'tensor')) {
    // `torch.FloatTensor(np.random.normal(0, 1, (n, 100)))`, `torch.Tensor([1, 2])`: one sequence or array is the data.
    shape = dataShape(args[0]);
  } else if (f.size === 'varargs' || f.size === 'legacy') {
    if (args.length === 1 && (args[0].t === 'tuple' || args[0].t === 'list')) shape = shapeFromValue(args[0]);
    else if (args.length > 0 && args.every((a) => a.t === 'int')) shape = args.map((a) => (a as { v: Dim }).v);
    // `torch.randn(batch_size, nz, 1, 1)` with a batch size the code does not fix: each argument
    // is one axis (only a lone argument could be a whole size), so the rank is known.
    else if (args.length > 1 && args.every((a) => a.t === 'int' || a.t === 'unknown')) shape = args.map((a) => (a.t === 'int' ? a.v : null));
    else if (kwargs.has('size')) shape = shapeFromValue(kwargs.get('size')!, false, true);
  } else if (f.size === 'shape') {
    const s = args[0] ?? kwargs.get('shape') ?? kwargs.get('size');
    if (name === 'numpy.random.normal' || name === 'numpy.random.uniform') shape = kwargs.has('size') ? shapeFromValue(kwargs.get('size')!, false, true) : args[2] ? shapeFromValue(args[2], false, true) : null;
    else if (s) shape = shapeFromValue(s, f.framework === 'keras', true);
  } else if (f.size === 'randint') {
    const s = name === 'numpy.random.randint' ? kwargs.get('size') ?? args[2] : kwargs.get('size') ?? args.find((a) => a.t === 'tuple' || a.t === 'list');
    if (s) shape = shapeFromValue(s, false, true);
  } else if (f.size === 'data') {
    // `np.array(x, ndmin=2)` prepends axes up to that rank: not modelled.
    shape = args[0] && !kwargs.has('ndmin') ? dataShape(args[0]) : null;
  } else if (f.size === 'linspace') {
    const num = args[2] ?? kwargs.get('num');
    shape = num === undefined ? [50] : num.t === 'int' ? [num.v] : null;
    // Tensor endpoints (`ops.linspace(a, b, 6)` between two encodings) add their axes after the
    // steps; endpoints of differing or unknown shapes, or another axis, leave it unknown.
    const given = [args[0] ?? kwargs.get('start'), args[1] ?? kwargs.get('stop')];
    // Endpoints that are neither numbers nor tensors (a list, an unknown value) may add axes too.
    if (given.some((e) => e !== undefined && e.t !== 'tensor' && e.t !== 'int' && e.t !== 'float' && e.t !== 'bool')) shape = null;
    const ends = given.filter((e): e is TensorValue => e?.t === 'tensor');
    const axis = kwargs.get('axis');
    // Later positional arguments differ between NumPy, TensorFlow and keras.ops (and `retstep`
    // returns a pair): not read.
    const retstep = kwargs.get('retstep');
    if (args.length > 3 || (retstep !== undefined && !(retstep.t === 'bool' && !retstep.v))) shape = null;
    if (ends.length > 0) {
      const first = ends[0].shape;
      const same = first !== null && ends.every((e) => e.shape !== null && e.shape.length === first.length && e.shape.every((d, i) => d !== null && d === first[i]));
      shape = shape !== null && same && (axis === undefined || (axis.t === 'int' && axis.v === 0)) ? [...shape, ...first] : null;
    }
  } else if (f.size === 'arange') {
    // Python's range counting: numbers only (a float step may round either way: unknown).
    const ints = [0, 1, 2].map((i) => args[i] ?? kwargs.get(['start', 'stop', 'step'][i]));
    const given = ints.filter((v) => v !== undefined);
    if (given.every((v) => v!.t === 'int' && typeof v!.v === 'number')) {
      const n = given.map((v) => (v as { v: number }).v);
      const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
      shape = step === 0 ? null : [Math.max(0, Math.ceil((stop - start) / step))];
    } else shape = [null];
  } else if (f.size === 'eye') {
    const n = args[0] ?? kwargs.get('N') ?? kwargs.get('n');
    const m = name === 'numpy.identity' ? n : args[1] ?? kwargs.get('M') ?? NONE;
    const dim = (v: Value | undefined): Dim => (v?.t === 'int' ? v.v : null);
    shape = [dim(n), m.t === 'none' ? dim(n) : dim(m)];
  } else if (f.size === 'choice') {
    const size = args[1] ?? kwargs.get('size');
    shape = size === undefined || size.t === 'none' ? [] : shapeFromValue(size, false, true);
  } else if (f.size === 'permutation') {
    // An array is permuted along its first axis; a number n gives the indices 0..n-1 shuffled.
    const a = args[0] ?? kwargs.get('x');
    shape = a?.t === 'tensor' ? a.shape : a?.t === 'int' ? [a.v] : a?.t === 'list' || a?.t === 'tuple' ? [a.items.length] : null;
  }
  const t = interp.makeTensor(shape, f.framework, { text: `${name.split('.').pop()}${formatShape(shape)} at line ${node.startPosition.row + 1}`, node }, 0);
  t.fromFactory = true;
  if (name.startsWith('numpy.')) t.array = true;
  return t;
}

/**
 * `(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()`: NumPy arrays of the
 * documented shapes (concrete data, like a factory's), or UNKNOWN when the arguments hide them.
 */
export function loadDataset(interp: Interpreter, name: string, kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const split = kwargs.get('test_split');
  const version = kwargs.get('version');
  const maxlen = kwargs.get('maxlen');
  const arrays = datasetArrays(name, {
    testSplit: split === undefined ? undefined : split.t === 'float' || split.t === 'int' ? Number(split.v) : null,
    maxlen: maxlen !== undefined && maxlen.t !== 'none',
    version: version === undefined ? undefined : version.t === 'str' ? version.v : null,
  });
  if (!arrays) return UNKNOWN;
  const loader = name.split('.').slice(-2, -1)[0];
  const array = (shape: Shape, what: string): TensorValue => {
    const t = interp.makeTensor(shape, 'keras', { text: `${loader} ${what} ${formatShape(shape)} at line ${node.startPosition.row + 1}`, node }, 0);
    t.fromFactory = true;
    t.array = true;
    return t;
  };
  const pair = (s: DatasetSplit, part: string) => tuple([array(s.x, `x_${part}`), array(s.y, `y_${part}`)]);
  return tuple([pair(arrays.train, 'train'), pair(arrays.test, 'test')]);
}

/** The shape of nested lists of numbers (`torch.tensor([[1, 2], [3, 4]])`). */
function dataShape(v: Value): Shape {
  if (v.t === 'int' || v.t === 'float' || v.t === 'bool') return [];
  if (v.t === 'tensor') return v.shape;
  if (v.t !== 'list' && v.t !== 'tuple') return null;
  if (v.items.length === 0) return [0];
  const inner = dataShape(v.items[0]);
  return inner === null ? null : [v.items.length, ...inner];
}

/** `nn.Parameter(data, requires_grad=True)`. */
export function nnParameter(interp: Interpreter, args: Value[], kwargs: Map<string, Value>): Value {
  // A parameter is its data tensor, shape and all, counted in the model's parameters.
  const data = args[0] ?? kwargs.get('data');
  if (data?.t !== 'tensor') return UNKNOWN;
  const requiresGrad = kwargs.get('requires_grad') ?? args[1];
  return { ...data, id: interp.newId(), parameter: requiresGrad?.t === 'bool' && !requiresGrad.v ? 'frozen' : 'trainable' };
}

// ---------------------------------------------------------------- summary calls

/** `torchinfo.summary(model, input_size=...)` and `torchsummary.summary(model, size)`: an example input for the model. */
export function summaryCall(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>): Value {
  const model = args[0];
  if (!model || !(model.t === 'object' || model.t === 'container')) return NONE;
  let shape: Shape = null;
  if (name === 'torchinfo.summary') {
    const s = kwargs.get('input_size') ?? args[1];
    shape = s ? shapeFromValue(s) : null;
  } else {
    // torchsummary.summary(model, input_size, batch_size=-1): the size excludes the batch.
    const s = args[1] ?? kwargs.get('input_size');
    const size = s ? shapeFromValue(s) : null;
    shape = size ? [1, ...size] : null;
  }
  if (!shape) return NONE;
  // `summary(Net(), ...)` builds an instance nobody keeps: the class carries the example too.
  interp.recordExample(model, { shapes: [shape], source: 'call' });
  return NONE;
}


// ---------------------------------------------------------------- model.layers

/** A Keras Sequential's graph on its declared input, built once per length of its layer list. */
const sequentialGraphs = new WeakMap<ContainerValue, { length: number; input: TensorValue; outputs: Value[] }>();

/**
 * The graph Keras builds for a Sequential given its input (`keras.Input` first, or `input_shape=`):
 * its input tensor and each layer's output, applied once outside any model's pass. Its diagnostics
 * are the model's own, reported by the model's pass: they are not kept twice. Undefined for a
 * Sequential that has no declared input (Keras has not built it), or whose layers are not all known.
 */
function sequentialGraph(interp: Interpreter, c: ContainerValue): { input: TensorValue; outputs: Value[] } | undefined {
  if (c.kind !== 'KerasSequential' || c.kerasInput === undefined || c.unknownItems || interp.inModelRun) return undefined;
  const cached = sequentialGraphs.get(c);
  if (cached && cached.length === c.items.length) return cached;
  const input = interp.makeTensor(c.kerasInput, 'keras', { text: 'the declared input', node: c.node }, 0);
  const diagnostics = interp.trace.diagnostics.length;
  const outputs: Value[] = [];
  let x: Value = input;
  for (const item of c.items) {
    x = interp.call(item, [x], new Map(), c.node);
    outputs.push(x);
  }
  interp.trace.diagnostics.length = Math.min(interp.trace.diagnostics.length, diagnostics);
  const graph = { length: c.items.length, input, outputs };
  sequentialGraphs.set(c, graph);
  return graph;
}

/** `model.input` / `model.output` of a Keras Sequential with a declared input; UNKNOWN otherwise. */
export function sequentialInputOutput(interp: Interpreter, c: ContainerValue, name: 'input' | 'output'): Value {
  const graph = sequentialGraph(interp, c);
  if (!graph) return UNKNOWN;
  return name === 'input' ? graph.input : graph.outputs[graph.outputs.length - 1] ?? graph.input;
}

/**
 * `model.layers` of a Keras model built in the code, as Keras lists them, each layer carrying its
 * `.output` in the model's graph (`model.layers[-2].output` for a feature extractor):
 * - a Sequential: its layers (Keras leaves out the InputLayer), with outputs where it has a declared input;
 * - a functional model: its InputLayer (unknown here), then its layers, for a graph that is one
 *   chain of distinct layers from its input to its output. A graph that branches, holds an op (Keras
 *   2 and 3 list ops differently), a layer used twice or a block whose layers Keras would list as one
 *   (a nested Sequential, a custom layer's insides) has an order we do not know: UNKNOWN.
 */
export function kerasModelLayers(interp: Interpreter, model: FunctionalValue | ContainerValue): Value {
  if (model.t === 'container') {
    if (model.kind !== 'KerasSequential' || model.unknownItems) return UNKNOWN;
    const graph = sequentialGraph(interp, model);
    return list(model.items.map((item, i) => (item.t === 'layer' && graph ? { ...item, output: graph.outputs[i] } : item)));
  }
  if (model.application || model.inputs.length !== 1 || model.outputs.t !== 'tensor') return UNKNOWN;
  const bySeq = new Map(interp.trace.records.map((r) => [r.seq, r]));
  const chain: TraceRecord[] = [];
  const inputId = model.inputs[0].id;
  let t: TensorValue = model.outputs;
  while (t.id !== inputId) {
    const r = bySeq.get(t.producer);
    if (!r || !r.layer || r.inputs.length !== 1 || r.outputs.length !== 1 || chain.length > 10000) return UNKNOWN;
    chain.unshift(r);
    t = r.inputs[0];
  }
  const ids = new Set(chain.map((r) => r.layer!.id));
  const calls = new Set(chain.map((r) => r.callNode));
  if (ids.size !== chain.length || calls.size !== chain.length) return UNKNOWN;
  // A layer applied inside another's call (a custom layer's insides, a nested Sequential) is not one of the model's own.
  const nested = (r: TraceRecord) => hasAncestor(r.callNode, 'class_definition') || interp.trace.blocks.some((b) => b.firstSeq <= r.seq && r.seq < b.endSeq);
  if (chain.some(nested)) return UNKNOWN;
  return list([UNKNOWN, ...chain.map((r): Value => ({ ...r.layer!, output: r.outputs[0] }))]);
}

function hasAncestor(node: SyntaxNode, type: string): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.type === type) return true;
  return false;
}
