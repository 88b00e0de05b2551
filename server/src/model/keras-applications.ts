// The keras.applications constructors (ResNet50, VGG16, MobileNetV2, EfficientNetB0, DenseNet121,
// InceptionV3, Xception, ConvNeXtTiny, ...) known from a table generated from Keras's own source
// (keras-applications-table.ts, written by scripts/truth/keras_applications.py): for any input,
// the output of the whole model (with or without its classifier, pooled or not), its parameters,
// and the output of each layer a user reaches with `get_layer(name)`.
//
// Each spatial size is a path in a small tree of operations (a convolution or pooling window, zero
// padding, cropping, Keras's `correct_pad`) evaluated for the input's own size, so a model built for
// 224×224 answers for 256×320 too. An architecture argument the table does not cover (`alpha=0.5`)
// or an unknown one gives an unknown output, never a guess.

import { add, ceildiv, Dim, Expr, floordiv, sub } from '../shapes/dim';
import type { ArgValue, Param, Shape } from '../shapes/types';
import { kerasApplications, TAP_CLASSES } from './keras-applications-table';

export interface ApplicationTable {
  /** Qualified names (`keras.applications.ResNet50`, `keras.applications.resnet50.ResNet50`). */
  names: string[];
  /** The Keras model's name (`resnet50`), its row in a summary. */
  model: string;
  /** The constructor's signature: [name, default]. */
  params: [string, ArgValue][];
  defaultSize: number | null;
  /** The smallest spatial input Keras accepts (its min_size; a smaller `input_shape` raises): the table's sizes hold from there up. */
  minSize: number;
  /** The input built without `input_shape`, with the classifier and without. */
  topInput: (number | null)[];
  bodyInput: (number | null)[];
  /** Spatial operations: [...op, parent]; node i + 1 is entry i, node 0 the input size. */
  nodes: (string | number)[][];
  /** The body's output without the batch axis (`sN`: the spatial size at node N). */
  output: (string | number)[];
  /** Trainable and non-trainable parameters of the body, and of the model with the 1000-class classifier. */
  body: [number, number];
  top: [number, number];
  /** The width entering the classifier (its weights grow with `classes`). */
  classifierIn: number | null;
  /** The classifier flattens the body's output: its parameters hold for the default size only. */
  flattenTop: boolean;
  /** `name:class:dims` separated by spaces (class: an index in TAP_CLASSES, @N a spatial size, K the classes). */
  layers: string;
  topLayers: string;
}

/** The arguments that choose the input, the classifier or the name: every other one must keep its default. */
const HANDLED = new Set(['include_top', 'weights', 'input_tensor', 'input_shape', 'pooling', 'classes', 'classifier_activation', 'name', 'dropout', 'dropout_rate', 'include_preprocessing']);

let byName: Map<string, ApplicationTable> | undefined;

/** The table of a constructor by its normalised name (`keras.applications.ResNet50`, `keras.applications.resnet50.ResNet50`). */
export function findApplication(name: string): ApplicationTable | undefined {
  if (!name.startsWith('keras.applications.')) return undefined;
  if (!byName) {
    byName = new Map();
    for (const t of kerasApplications()) for (const n of t.names) byName.set(n, t);
  }
  return byName.get(name);
}

/** `keras.applications.resnet50.preprocess_input` and its kin: the same shape back. */
export function isApplicationPreprocess(name: string): boolean {
  return /^keras\.applications\.[a-z0-9_]+\.preprocess_input$/.test(name);
}

/**
 * `imagenet_utils.obtain_input_shape` (Keras 2's `_obtain_input_shape`, also in the old
 * `keras_applications` package): the helper that copies of the keras.applications models call to
 * settle their input shape.
 */
export function isObtainInputShape(name: string): boolean {
  return /^(keras\.applications|keras_applications)\.imagenet_utils\._?obtain_input_shape$/.test(name);
}

/** `imagenet_utils.correct_pad(inputs, kernel_size)`: the zero padding a strided 'valid' convolution of the keras.applications models is given. */
export function isCorrectPad(name: string): boolean {
  return name === 'keras.applications.imagenet_utils.correct_pad';
}

/**
 * The Keras modules a keras_applications-style builder is given as keyword arguments (`backend`,
 * `layers`, `models`, `utils`): every wrapper that calls such a builder (keras.applications,
 * tf.keras.applications, the packages built on keras_applications) passes Keras's own modules
 * under these names, and the builder reads them with `get_submodules_from_kwargs(kwargs)`.
 */
export const INJECTED_KERAS_SUBMODULES: readonly [string, string][] = [
  ['backend', 'keras.backend'],
  ['layers', 'keras.layers'],
  ['models', 'keras.models'],
  ['utils', 'keras.utils'],
];

/** `keras_applications.get_submodules_from_kwargs`: the four injected modules read from a builder's keyword arguments. */
export function isSubmodulesFromKwargs(name: string): boolean {
  return name === 'keras_applications.get_submodules_from_kwargs';
}

/** The constructor's signature as rule parameters. */
export function applicationParams(t: ApplicationTable): Param[] {
  return t.params.map(([name, d]) => ({ name, default: d }));
}

/** Whether every architecture argument keeps the default the table was built with. */
export function architectureIsDefault(t: ApplicationTable, values: ReadonlyMap<string, ArgValue>): boolean {
  for (const [name, d] of t.params) {
    if (HANDLED.has(name)) continue;
    if (!values.has(name)) continue;
    const v = values.get(name);
    if (v !== d && !(typeof v === 'number' && typeof d === 'number' && v === d)) return false;
  }
  return true;
}

/** The input the constructor builds from `input_shape` (or none given), without the batch axis; null when unknown. */
export function applicationInputShape(t: ApplicationTable, includeTop: boolean, inputShape: ArgValue | undefined): Shape {
  if (inputShape === undefined || inputShape === null) return [null, ...(includeTop ? t.topInput : t.bodyInput)];
  if (!Array.isArray(inputShape) || inputShape.length !== 3) return null;
  const dims: Dim[] = [];
  for (const d of inputShape) {
    if (d === null) dims.push(null);
    else if (typeof d === 'number') dims.push(d);
    else if (d instanceof Expr) dims.push(d);
    else return null;
  }
  return [null, ...dims];
}

/** The size at a node of the spatial tree for an input size. */
function sizeAt(t: ApplicationTable, node: number, input: Dim, memo: Map<number, Dim>): Dim {
  if (node === 0) return input;
  if (memo.has(node)) return memo.get(node)!;
  const entry = t.nodes[node - 1];
  const parent = entry[entry.length - 1] as number;
  const s = sizeAt(t, parent, input, memo);
  let out: Dim = null;
  if (s !== null) {
    switch (entry[0]) {
      case 'w': {
        const [, k, stride, dilation, padding] = entry as [string, number, number, number, string];
        if (padding === 'same') out = ceildiv(s, stride);
        else {
          const o = add(floordiv(sub(s, dilation * (k - 1) + 1), stride), 1);
          out = typeof o === 'number' && o <= 0 ? null : o;
        }
        break;
      }
      case 'p':
        out = add(s, (entry[1] as number) + (entry[2] as number));
        break;
      case 'x':
        out = sub(s, (entry[1] as number) + (entry[2] as number));
        break;
      case 'q': {
        // correct_pad depends on the size's parity: unknown for a symbolic size.
        const k = entry[1] as number;
        out = typeof s === 'number' ? s + 2 * Math.floor(k / 2) - 1 + (s % 2) : null;
        break;
      }
    }
  }
  memo.set(node, out);
  return out;
}

/** Dims written `sN` / `@N` (spatial), `K` (classes) or a number, for an input (N, H, W, C). */
function decodeDims(t: ApplicationTable, dims: readonly (string | number)[], input: Shape, classes: Dim): Shape {
  if (!input || input.length !== 4 || belowMinimum(t, input)) return null;
  const memos = [new Map<number, Dim>(), new Map<number, Dim>()];
  let axis = 0;
  const out: Dim[] = [input[0]];
  for (const d of dims) {
    if (typeof d === 'number') out.push(d);
    else if (d === 'K') out.push(classes);
    else {
      const node = Number(d.slice(1));
      const a = Math.min(axis++, 1);
      out.push(sizeAt(t, node, input[1 + a], memos[a]));
    }
  }
  return out;
}

export interface ApplicationConfig {
  includeTop: boolean | null;
  pooling: string | null | undefined;
  classes: Dim;
}

/**
 * An input smaller than the model accepts: Keras refuses to build it, and the table (whose size
 * comparisons hold from `minSize` up, NASNet's among them) says nothing of it: unknown, not an error.
 */
function belowMinimum(t: ApplicationTable, input: Shape): boolean {
  return !!input && [input[1], input[2]].some((d) => typeof d === 'number' && d < t.minSize);
}

/** The model's output for an input (N, H, W, C); null when an argument or the input is unknown, or smaller than the model accepts. */
export function applicationOutput(t: ApplicationTable, c: ApplicationConfig, input: Shape): Shape {
  if (!input || input.length !== 4 || c.includeTop === null || belowMinimum(t, input)) return null;
  if (c.includeTop) return [input[0], c.classes];
  if (c.pooling === 'avg' || c.pooling === 'max') return [input[0], t.output[t.output.length - 1] as number];
  if (c.pooling !== null) return null;
  return decodeDims(t, t.output, input, c.classes);
}

/** Trainable and non-trainable parameters of the model as configured; null when they depend on what is unknown. */
export function applicationParamsCount(t: ApplicationTable, c: ApplicationConfig, input: Shape): { trainable: number; frozen: number } | null {
  if (c.includeTop === null) return null;
  if (!c.includeTop) return { trainable: t.body[0], frozen: t.body[1] };
  if (typeof c.classes !== 'number' || t.classifierIn === null) return null;
  if (t.flattenTop && !(input && input[1] === t.defaultSize && input[2] === t.defaultSize)) return null;
  return { trainable: t.top[0] + (c.classes - 1000) * (t.classifierIn + 1), frozen: t.top[1] };
}

const parsed = new WeakMap<ApplicationTable, Map<string, { cls: string; dims: (string | number)[]; top: boolean }>>();

/** The layer `get_layer(name)` finds: its class and output for the model's input; undefined for a name the table does not list. */
export function applicationLayer(t: ApplicationTable, name: string, c: ApplicationConfig, input: Shape): { cls: string; output: Shape } | undefined {
  let layers = parsed.get(t);
  if (!layers) {
    layers = new Map();
    const read = (text: string, top: boolean) => {
      for (const item of text.split(' ')) {
        if (!item) continue;
        const [n, cls, dims] = item.split(':');
        layers!.set(n, { cls: TAP_CLASSES[Number(cls)] ?? 'Layer', dims: dims.split(',').map((d) => (/^-?\d+$/.test(d) ? Number(d) : d)), top });
      }
    };
    read(t.layers, false);
    read(t.topLayers, true);
    parsed.set(t, layers);
  }
  const l = layers.get(name);
  if (!l) return undefined;
  // A classifier's layer exists with include_top=True only; a body layer's size then is the default input's.
  if (l.top && c.includeTop !== true) return undefined;
  return { cls: l.cls, output: decodeDims(t, l.dims, input, c.classes) };
}
