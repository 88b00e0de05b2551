// tf.data pipelines as model code feeds them, modelled by their documented element shapes: a
// Dataset made from arrays (`tf.data.Dataset.from_tensor_slices((x_train, y_train))`, whose element
// is one row of each) or from a folder of images (`keras.utils.image_dataset_from_directory`,
// batches of `image_size` images and their labels), carried through the methods that keep the
// element (shuffle, cache, prefetch, repeat, take...) and `batch`, which adds the batch axis
// (unknown: the last batch may be smaller, unless `drop_remainder=True`).
//
// The interpreter gives `model.fit(ds)` the first item of its element as the data, and runs the
// body of `for x, y in ds:` once on an element, then forgets what it assigned (the loop runs many
// times): a model called there (`train_step(images, labels)`) has its example. What `map(fn)`
// makes, and any method not listed, is unknown.

import type { SyntaxNode } from '../syntax/parse';
import type { Interpreter } from './interpreter';
import { ClassValue, DictValue, ObjectValue, TensorValue, tuple, UNKNOWN, Value } from './values';

export const DATASET = 'tensorflow.data.Dataset';

/** The hidden attribute under which a dataset keeps its element (UNKNOWN where we cannot tell). */
const ELEMENT = '__element__';

/** The methods that give a dataset of the same element. */
const SAME_ELEMENT = new Set(['shuffle', 'cache', 'prefetch', 'repeat', 'take', 'skip', 'filter', 'shard', 'with_options', 'ignore_errors', 'take_while', 'apply_options']);

/** The constructors of a folder of images (tf.keras and Keras 3 spellings). */
const IMAGE_FOLDER = new Set(['keras.utils.image_dataset_from_directory', 'keras.preprocessing.image_dataset_from_directory', 'keras.preprocessing.image.image_dataset_from_directory']);

function dataset(interp: Interpreter, element: Value, node: SyntaxNode): ObjectValue {
  const cls: ClassValue = { t: 'class', name: 'Dataset', node, bases: [], attrs: new Map(), id: interp.newId(), library: DATASET };
  const obj: ObjectValue = { t: 'object', cls, attrs: new Map(), node, id: interp.newId() };
  obj.attrs.set(ELEMENT, element);
  return obj;
}

/** Concrete data of this shape (a batch fed to a model is an example input). */
function data(interp: Interpreter, shape: TensorValue['shape'], node: SyntaxNode): TensorValue {
  const t = interp.makeTensor(shape, 'keras', { text: `a dataset element at line ${node.startPosition.row + 1}`, node }, 0);
  t.fromFactory = true;
  return t;
}

/** Applies `f` to each tensor of an element (a tensor, or a tuple, list or dict of them); UNKNOWN for anything else. */
function mapElement(v: Value, f: (t: TensorValue) => Value): Value {
  if (v.t === 'tensor') return f(v);
  if (v.t === 'tuple' || v.t === 'list') {
    const items = v.items.map((i) => mapElement(i, f));
    return items.some((i) => i.t === 'unknown') ? UNKNOWN : tuple(items);
  }
  if (v.t === 'dict' && !v.partial) {
    const d: DictValue = { t: 'dict', entries: new Map() };
    for (const [k, e] of v.entries) {
      const m = mapElement(e.value, f);
      if (m.t === 'unknown') return UNKNOWN;
      d.entries.set(k, { key: e.key, value: m });
    }
    return d;
  }
  return UNKNOWN;
}

/** `tf.data.Dataset.from_tensor_slices(...)`, `image_dataset_from_directory(...)`; undefined for other names. */
export function datasetCall(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value | undefined {
  if (name === `${DATASET}.from_tensor_slices`) {
    const given = args[0] ?? kwargs.get('tensors');
    const element = given ? mapElement(given, (t) => (t.shape && t.shape.length > 0 ? data(interp, t.shape.slice(1), node) : UNKNOWN)) : UNKNOWN;
    return dataset(interp, element, node);
  }
  if (name === `${DATASET}.from_tensors`) {
    const given = args[0] ?? kwargs.get('tensors');
    return dataset(interp, given ? mapElement(given, (t) => (t.shape ? data(interp, t.shape, node) : UNKNOWN)) : UNKNOWN, node);
  }
  if (IMAGE_FOLDER.has(name)) return imageFolder(interp, kwargs, node);
  return undefined;
}

/**
 * `image_dataset_from_directory(directory, labels="inferred", label_mode="int", ...,
 * color_mode="rgb", batch_size=32, image_size=(256, 256), ..., subset=None)`: batches of images
 * (None, height, width, channels) and their labels (int: (None,); binary: (None, 1); categorical:
 * (None, classes), the classes being the folder's; none: images alone). `subset="both"` gives two.
 */
function imageFolder(interp: Interpreter, kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const size = kwargs.get('image_size');
  const sides = size === undefined ? [256, 256] : (size.t === 'tuple' || size.t === 'list') && size.items.length === 2 && size.items.every((i) => i.t === 'int') ? size.items.map((i) => (i as { v: number }).v) : null;
  const color = kwargs.get('color_mode');
  const channels = color === undefined ? 3 : color.t === 'str' ? ({ rgb: 3, grayscale: 1, rgba: 4 } as Record<string, number>)[color.v] ?? null : null;
  const batch = kwargs.get('batch_size');
  const batched = batch === undefined || batch.t === 'int' ? true : batch.t === 'none' ? false : null;
  const mode = kwargs.get('label_mode');
  const labels = kwargs.get('labels');
  let element: Value = UNKNOWN;
  if (sides !== null && channels !== null && batched !== null) {
    const lead = batched ? [null] : [];
    const images = data(interp, [...lead, sides[0], sides[1], channels], node);
    const labelMode = mode === undefined ? 'int' : mode.t === 'str' ? mode.v : mode.t === 'none' ? null : undefined;
    const noLabels = labelMode === null || (labels !== undefined && labels.t === 'none');
    if (noLabels) element = images;
    else if (labels !== undefined && !(labels.t === 'str' && labels.v === 'inferred')) element = tuple([images, data(interp, null, node)]);
    else if (labelMode === 'int') element = tuple([images, data(interp, [...lead], node)]);
    else if (labelMode === 'binary') element = tuple([images, data(interp, [...lead, 1], node)]);
    else if (labelMode === 'categorical') element = tuple([images, data(interp, [...lead, null], node)]);
  }
  const subset = kwargs.get('subset');
  if (subset?.t === 'str' && subset.v === 'both') return tuple([dataset(interp, element, node), dataset(interp, element, node)]);
  return dataset(interp, element, node);
}

/** The element of a dataset: undefined for another value, UNKNOWN where we cannot tell. */
export function datasetElement(v: Value): Value | undefined {
  if (v.t !== 'object' || v.cls.library !== DATASET) return undefined;
  return v.attrs.get(ELEMENT) ?? UNKNOWN;
}

/** A dataset's attribute: its methods, bound; anything else is unknown. */
export function datasetAttr(obj: ObjectValue, name: string): Value {
  if (SAME_ELEMENT.has(name) || name === 'batch' || name === 'unbatch' || name === 'map') return { t: 'builtin', name: `${DATASET}.${name}`, self: obj };
  return UNKNOWN;
}

/** `ds.shuffle(1000).batch(32)`, `ds.map(fn)`: a dataset of the element each method gives. */
export function datasetMethod(interp: Interpreter, self: ObjectValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const element = datasetElement(self) ?? UNKNOWN;
  if (SAME_ELEMENT.has(method)) return dataset(interp, element, node);
  if (method === 'batch') {
    const size = args[0] ?? kwargs.get('batch_size');
    const drop = args[1] ?? kwargs.get('drop_remainder');
    // The last batch may be smaller unless it is dropped: the batch axis is unknown.
    const lead = drop?.t === 'bool' && drop.v && size?.t === 'int' ? size.v : drop === undefined || (drop.t === 'bool' && !drop.v) ? null : undefined;
    if (lead === undefined) return dataset(interp, UNKNOWN, node);
    return dataset(interp, mapElement(element, (t) => (t.shape ? data(interp, [lead, ...t.shape], node) : UNKNOWN)), node);
  }
  if (method === 'unbatch') return dataset(interp, mapElement(element, (t) => (t.shape && t.shape.length > 0 ? data(interp, t.shape.slice(1), node) : UNKNOWN)), node);
  if (method === 'map') return dataset(interp, UNKNOWN, node);
  return UNKNOWN;
}
