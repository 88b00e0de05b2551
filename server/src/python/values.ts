// The values of the abstract Python interpreter: plain Python data (numbers may be symbolic),
// tensors that carry only a shape, layer objects, containers, user classes and their instances,
// functions, and references to library names. Anything the interpreter cannot know is UNKNOWN.

import type { SyntaxNode } from '../syntax/parse';
import type { BoundArgs } from '../shapes/context';
import type { Dim } from '../shapes/dim';
import type { Framework, LayerDef, Shape } from '../shapes/types';
import type { ApplicationTable } from '../model/keras-applications';
import type { SourceModule } from './modules';
import type { Scope } from './scope';
import type { Elements } from './constant-arrays';

export interface IntValue {
  t: 'int';
  v: Dim;
  /** Where the number was written (a literal or an arithmetic expression), for diagnostics and fixes. */
  src?: SyntaxNode;
  /** The calls that passed it on as an argument, innermost first: where each parameter that held it got it. */
  via?: ArgLink[];
  /** For an arithmetic result: the literals it was computed from (`hidden_dim * 2` feeds on `hidden_dim=128`). */
  roots?: SyntaxNode[];
}

/** One step of a value's way into a layer: the expression written for an argument, and the scope it was evaluated in. */
export interface ArgLink {
  node: SyntaxNode;
  scope: Scope | null;
}
export interface FloatValue { t: 'float'; v: number }
export interface BoolValue { t: 'bool'; v: boolean }
export interface StrValue {
  t: 'str';
  v: string;
  /** A constant written in the source (`'proj'`), not a string built at run time: CPython interns the identifier-like ones, so `is` compares them. */
  literal?: boolean;
}
export interface NoneValue { t: 'none' }
export interface UnknownValue { t: 'unknown' }
export interface SeqValue {
  t: 'tuple' | 'list';
  items: Value[];
  /** A set (`set(ws)`, `{a, b}`): its distinct members are known, the order it iterates in is not. */
  unordered?: true;
}
export interface DictValue {
  t: 'dict';
  entries: Map<string, { key: Value; value: Value }>;
  /** Written under a key we could not know: a key missing here may still be there. */
  partial?: boolean;
  /**
   * Of a partial dict: every key it may hold besides its entries, where that is known (one of
   * several dicts an unknown condition chose: `{'num_workers': 1} if use_cuda else {}`).
   */
  possibleKeys?: Map<string, Value>;
}
export interface SliceValue { t: 'slice'; start: Value; stop: Value; step: Value }
export interface EllipsisValue { t: 'ellipsis' }

/** Where a tensor came from: the record that produced it, for messages and related information. */
export interface TensorOrigin {
  text: string;
  node: SyntaxNode | null;
  /** The shape before a flatten or view, so that a quick fix can write `6*7*7`. */
  flattenedFrom?: Shape;
}

export interface TensorValue {
  t: 'tensor';
  shape: Shape;
  origin: TensorOrigin;
  /** Sequence number of the record that produced it (0 for inputs). */
  producer: number;
  /** Keras symbolic tensors come from `keras.Input`. */
  framework: Framework;
  id: number;
  /** Made by torch.randn, tf.zeros, np.zeros...: a concrete example input. */
  fromFactory?: boolean;
  /** A NumPy array (its methods are NumPy's, not torch.Tensor's): data loaded or made with `np.*`. */
  array?: boolean;
  /** An `nn.Parameter` held directly by a module: its elements count in the model's parameters. */
  parameter?: 'trainable' | 'frozen';
  /** Where a `# shape:` comment filled in sizes: the shape found before it did. */
  inferred?: Shape;
  /** Made by `keras.Input` / `InputLayer`: a Keras symbolic tensor (`K.is_keras_tensor` is true). */
  kerasInput?: boolean;
  /**
   * A `keras.Input` of unknown shape made while a builder runs on unknown arguments
   * (Interpreter.symbolicKerasInputs): the first layer that fixes a rank gives it its symbolic shape.
   */
  symbolicPending?: boolean;
  /** Such an input, settled: its shape is symbolic, the model's input source `symbolic`. */
  symbolic?: boolean;
  /** `tf.constant([[0, 0], [3, 3], ...])`, `ops.convert_to_tensor(...)` of numbers: the numbers, for rules that read values (paddings). */
  literal?: Value;
  /** A small array computed from numbers outside a model (`torch.arange(4) * 8`): its elements (constant-arrays.ts). */
  elements?: Elements;
}

export interface LayerValue {
  t: 'layer';
  def: LayerDef;
  bound: BoundArgs;
  /** Argument name → the node written for it (the value node of a keyword argument). */
  argNodes: Map<string, SyntaxNode>;
  /**
   * Argument name → where its number came from, innermost first: the argument written at this
   * call, then each call of a user function or class that passed it in as an argument (or the
   * default of its parameter). The literal itself is the value's `src`.
   */
  argChains?: Map<string, { links: ArgLink[]; src?: SyntaxNode; roots?: SyntaxNode[] }>;
  /** The constructor call. */
  node: SyntaxNode;
  /** Binding failed (unexpected arguments): the layer's output is unknown. */
  opaque: boolean;
  id: number;
  /** The tensor it produced in the graph it was found in: `model.get_layer(name).output`. */
  output?: Value;
  /** Reparametrized by `weight_norm` (its `weight` split in two): its parameter count is not the rule's. */
  reparametrized?: boolean;
}

export interface ContainerValue {
  t: 'container';
  kind: 'Sequential' | 'ModuleList' | 'ModuleDict' | 'KerasSequential';
  items: Value[];
  /**
   * Its children are not all known (built from something we could not read, or changed where we
   * could not follow): `items` holds one UNKNOWN, so applying it gives unknown; it iterates,
   * indexes and measures as unknown, never as a shorter list.
   */
  unknownItems?: boolean;
  keys: string[] | null;
  node: SyntaxNode;
  /** Keras Sequential: input shape from `input_shape=`, `keras.Input` or `build()`. */
  kerasInput?: Shape;
  /** Keras Sequential: the `name=` it was given, its row in another model's summary (`augment (Sequential)`). */
  name?: string;
  id: number;
}

/** A Keras functional model: `keras.Model(inputs, outputs)`. */
export interface FunctionalValue {
  t: 'functional';
  inputs: TensorValue[];
  outputs: Value;
  node: SyntaxNode;
  id: number;
  /** The `name=` it was given: its row in another model's summary (`encoder (Functional)`). */
  name?: string;
  /** A keras.applications model: the constructor as one layer (applied to any input) and its table. */
  application?: { layer: LayerValue; table: ApplicationTable };
}

export interface ClassValue {
  t: 'class';
  name: string;
  node: SyntaxNode;
  bases: Value[];
  attrs: Map<string, Value>;
  id: number;
  /** A standard-library class modelled by stdlib.ts (`argparse.ArgumentParser`), not one of the user's. */
  library?: string;
  /** A class made by `collections.namedtuple`: its fields, in order, and the defaults of the last ones (unknown where a default was set to what we cannot read). */
  namedTuple?: { fields: string[]; defaults: Value[] | null };
}

export interface ObjectValue {
  t: 'object';
  cls: ClassValue;
  attrs: Map<string, Value>;
  /** The call that constructed it. */
  node: SyntaxNode | null;
  id: number;
}

export interface FunctionValue {
  t: 'function';
  name: string;
  node: SyntaxNode;
  closure: Scope;
  self?: Value;
  /** The class whose method this is (for super()). */
  owner?: ClassValue;
}

/** A library name (`torch.nn.Conv2d`, `len`), optionally bound to a receiver (`x.view`, `layers.append`). */
export interface BuiltinValue {
  t: 'builtin';
  name: string;
  self?: Value;
  /** `super().__init__` reaching a `@dataclass` / NamedTuple parent: the class whose generated `__init__` runs. */
  record?: ClassValue;
}

/** An imported module or package: a library known by name (`torch.nn`), or a source file the interpreter reads. */
export interface ModuleValue {
  t: 'module';
  name: string;
  /** A module of the workspace or of an installed library, read as source (modules.ts). */
  source?: SourceModule;
}

/** `functools.partial(fn, *args, **kwargs)`: calling it calls `fn` with these arguments first. */
export interface PartialValue {
  t: 'partial';
  fn: Value;
  args: Value[];
  kwargs: Map<string, Value>;
  /** Where each bound argument was written (for diagnostics on them). */
  argNodes: SyntaxNode[];
  kwNodes: Map<string, SyntaxNode>;
}

/** `super()` inside a method. */
export interface SuperValue {
  t: 'super';
  self: Value;
  owner: ClassValue;
}

export type Value =
  | IntValue
  | FloatValue
  | BoolValue
  | StrValue
  | NoneValue
  | UnknownValue
  | SeqValue
  | DictValue
  | SliceValue
  | EllipsisValue
  | TensorValue
  | LayerValue
  | ContainerValue
  | FunctionalValue
  | ClassValue
  | ObjectValue
  | FunctionValue
  | BuiltinValue
  | ModuleValue
  | PartialValue
  | SuperValue;

/** The attribute under which an instance of a container subclass keeps its container. */
export const CONTAINER_ATTR = '__container__';

/** The attribute under which an instance of a subclass of a library layer (`class MaskedConv2d(nn.Conv2d)`) keeps that layer. */
export const LAYER_ATTR = '__layer__';

/** The attribute under which a custom Keras layer keeps the `input_shape=` (its name and value) it gave `super().__init__`. */
export const DECLARED_INPUT_ATTR = '__declared_input__';
/** The `name=` a custom Keras layer passed to `super().__init__(**kwargs)` (its row in Keras's summary). */
export const KERAS_LAYER_NAME_ATTR = '__keras_layer_name__';
/** The number of weights a custom Keras layer made with `add_weight` (an int, or unknown where a shape was not known). */
export const KERAS_WEIGHTS_ATTR = '__keras_weights__';

/** The library tag of the class of a `keras.layers.Lambda` layer (ClassValue.library). */
export const KERAS_LAMBDA = 'keras.layers.Lambda';
/** The attribute under which a Lambda layer keeps its function (with its `arguments=` bound, as a partial). */
export const LAMBDA_FUNCTION_ATTR = '__lambda_function__';
/** The attribute under which a Lambda layer keeps the `output_shape=` it was given (a tuple, or a function of the input's shape). */
export const LAMBDA_OUTPUT_SHAPE_ATTR = '__lambda_output_shape__';

/** The attribute under which a keras.Model subclass built as `Model(inputs, outputs)` keeps that functional model. */
export const FUNCTIONAL_ATTR = '__functional__';

/** The library layer a subclass instance was built as by `super().__init__(...)`. */
export function layerOf(v: Value): LayerValue | undefined {
  const l = v.t === 'object' ? v.attrs.get(LAYER_ATTR) : undefined;
  return l?.t === 'layer' ? l : undefined;
}

/** The container behind a value: itself, or the one an `nn.Sequential` subclass instance holds. */
export function containerOf(v: Value): ContainerValue | undefined {
  if (v.t === 'container') return v;
  if (v.t === 'object') {
    const c = v.attrs.get(CONTAINER_ATTR);
    if (c?.t === 'container') return c;
  }
  return undefined;
}

export const UNKNOWN: UnknownValue = { t: 'unknown' };
export const NONE: NoneValue = { t: 'none' };

export function int(v: Dim): IntValue | UnknownValue {
  return v === null ? UNKNOWN : { t: 'int', v };
}

export function str(v: string): StrValue {
  return { t: 'str', v };
}

export function bool(v: boolean): BoolValue {
  return { t: 'bool', v };
}

export function tuple(items: Value[]): SeqValue {
  return { t: 'tuple', items };
}

export function list(items: Value[]): SeqValue {
  return { t: 'list', items };
}

/** The key a dict uses for a Python value; null for unhashable or unknown keys. */
export function dictKey(v: Value): string | null {
  switch (v.t) {
    case 'str':
      return `s:${v.v}`;
    case 'int':
      return typeof v.v === 'number' ? `i:${v.v}` : null;
    case 'float':
      // 1.0 and 1 are the same key, as in Python (`configs[0.5]`, `configs[1]`).
      return Number.isInteger(v.v) ? `i:${v.v}` : `f:${v.v}`;
    case 'bool':
      return `i:${v.v ? 1 : 0}`;
    case 'none':
      return 'none';
    case 'tuple': {
      const parts = v.items.map(dictKey);
      return parts.some((p) => p === null) ? null : `t:(${parts.join(',')})`;
    }
    default:
      return null;
  }
}

/**
 * The dicts that different paths may leave in one place, as one: the entries every path holds
 * equal (by `same`) stay, any other key a path holds may be there with an unknown value; undefined
 * where a path's dict is itself partial (its keys are not all known).
 */
export function joinDicts(dicts: DictValue[], same: (a: Value, b: Value) => boolean): DictValue | undefined {
  if (dicts.length === 0 || dicts.some((d) => d.partial)) return undefined;
  const joined: DictValue = { t: 'dict', entries: new Map(), partial: true, possibleKeys: new Map() };
  for (const d of dicts) {
    for (const [k, e] of d.entries) {
      if (joined.entries.has(k) || joined.possibleKeys!.has(k)) continue;
      const everywhere = dicts.every((o) => o.entries.has(k) && same(o.entries.get(k)!.value, e.value));
      if (everywhere) joined.entries.set(k, e);
      else joined.possibleKeys!.set(k, e.key);
    }
  }
  if (joined.possibleKeys!.size === 0) return { t: 'dict', entries: joined.entries };
  return joined;
}

/** Python truthiness; undefined when unknown. */
export function truthy(v: Value): boolean | undefined {
  switch (v.t) {
    case 'bool':
      return v.v;
    case 'int':
      return typeof v.v === 'number' ? v.v !== 0 : undefined;
    case 'float':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'none':
      return false;
    case 'tuple':
    case 'list':
      return v.items.length > 0;
    case 'dict':
      return v.entries.size > 0;
    case 'unknown':
    case 'tensor':
      return undefined;
    default:
      return true;
  }
}

export function isModuleLike(v: Value): v is LayerValue | ContainerValue | ObjectValue | FunctionalValue {
  return v.t === 'layer' || v.t === 'container' || v.t === 'object' || v.t === 'functional';
}

/** A block of the torchvision table (shapes/layers/torchvision.ts): one layer standing for a module whose insides are not modelled. */
export function isTableBlock(v: Value): v is LayerValue {
  return v.t === 'layer' && v.def.names.some((n) => n.startsWith('cnnshape_torchvision.'));
}

/** Attributes whose assignment leaves a layer's computation as it was. */
export const IGNORED_LAYER_ATTRS: ReadonlySet<string> = new Set(['training', 'requires_grad', 'name', '_name', 'trainable', 'data', 'grad']);

/** Makes every layer under a module (its containers' items, its objects' attributes) opaque. */
export function poisonLayers(v: Value, seen = new Set<Value>(), depth = 0): void {
  if (seen.has(v) || depth > 12) return;
  seen.add(v);
  if (v.t === 'layer') v.opaque = true;
  else if (v.t === 'container') for (const i of v.items) poisonLayers(i, seen, depth + 1);
  else if (v.t === 'object') for (const a of v.attrs.values()) poisonLayers(a, seen, depth + 1);
  else if (v.t === 'list' || v.t === 'tuple') for (const i of v.items) poisonLayers(i, seen, depth + 1);
}

/** An instance of a class derived from dict (`class AttrDict(dict)`) keeps its items here, as a dict value. */
export const DICT_ITEMS_ATTR = '__dict_items__';
/** Set on such an instance whose attributes are its items (`self.__dict__ = self`). */
export const ATTRS_ARE_ITEMS_ATTR = '__attrs_are_items__';

/** The items of an instance of a dict subclass. */
export function dictItemsOf(v: Value): DictValue | undefined {
  if (v.t !== 'object') return undefined;
  const d = v.attrs.get(DICT_ITEMS_ATTR);
  return d?.t === 'dict' ? d : undefined;
}
