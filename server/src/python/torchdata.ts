// PyTorch's input pipelines as training scripts write them: a torchvision dataset (`datasets.MNIST(
// root, train=True, transform=transforms.ToTensor())`) or a `TensorDataset`, its transforms, and a
// `DataLoader` over it, so that `for images, labels in train_loader: outputs = model(images)` gives
// the model the batch it will get: (100, 1, 28, 28) for MNIST at `batch_size=100`.
//
// Everything here is what torchvision and torch.utils.data document:
// - a dataset's samples: an image of a fixed size and mode (MNIST: 28×28 'L'; CIFAR-10: 32×32 RGB;
//   an ImageFolder: RGB of sizes the files decide) and an integer class, and how many there are;
// - each transform's effect on the image's size and channels (Resize, the crops, Pad, Grayscale,
//   ToTensor turning an (H, W) image of C channels into a (C, H, W) tensor), the others keeping it;
// - the default collate stacking `batch_size` samples: a (B, C, H, W) batch and (B,) labels, B the
//   size of the first batch, which a model's first call gets: the batch size, or the dataset's
//   length where that is known and smaller (a folder's unknown length is taken as one batch or more).
// A transform, dataset or argument not modelled (a Lambda, a user transform class, a collate_fn, a
// target_transform) makes what it touches unknown: never a guessed size.

import { isKnown } from '../shapes/dim';
import type { Shape } from '../shapes/types';
import type { SyntaxNode } from '../syntax/parse';
import { lineLabel } from '../syntax/tree';
import type { Interpreter } from './interpreter';
import { ClassValue, int, list, ObjectValue, TensorValue, tuple, UNKNOWN, Value } from './values';

const DATASET = 'torch.utils.data.Dataset';
const LOADER = 'torch.utils.data.DataLoader';
const TRANSFORM = 'torchvision.transforms';
const PIL_IMAGE = 'PIL.Image.Image';

/** An image as a transform sees it: a PIL image (channels from its mode) or a tensor (C, H, W); null sizes are unknown. */
interface Image {
  pil: boolean;
  c: number | null;
  h: number | null;
  w: number | null;
}

/** One sample: its image (null: unknown), and whether its target is a plain class index. */
interface Sample {
  image: Image | null;
  /** The shape of a tensor sample that is no image (a TensorDataset's rows); used when image is null. */
  tensors?: Shape[];
  label: boolean;
}

interface DatasetInfo {
  sample: Sample | null;
  length: number | null;
}

/** null: the image becomes unknown (a transform whose effect we cannot tell, or one that would raise). */
type Transform = (img: Image) => Image | null;

interface LoaderInfo {
  /** The element one iteration gives (already tensors), UNKNOWN where we cannot tell. */
  element: Value;
  length: number | null;
  dataset: ObjectValue | null;
}

const datasets = new WeakMap<ObjectValue, DatasetInfo>();
const transforms = new WeakMap<ObjectValue, Transform | null>();
const loaders = new WeakMap<ObjectValue, LoaderInfo>();
const pilImages = new WeakMap<ObjectValue, Image>();

/** The channels of PIL's image modes. */
const PIL_MODES: Record<string, number> = { L: 1, '1': 1, P: 1, I: 1, F: 1, LA: 2, RGB: 3, YCbCr: 3, LAB: 3, HSV: 3, RGBA: 4, CMYK: 4 };

function pilImage(interp: Interpreter, img: Image, node: SyntaxNode): ObjectValue {
  const obj = libraryObject(interp, PIL_IMAGE, 'Image', node);
  pilImages.set(obj, img);
  return obj;
}

/** torchvision's datasets of one image size and mode, with their split sizes as documented. */
const TORCHVISION: Record<string, { c: number; h: number; w: number; length: (kw: Map<string, Value>) => number | null }> = {
  MNIST: { c: 1, h: 28, w: 28, length: trainTest(60000, 10000) },
  FashionMNIST: { c: 1, h: 28, w: 28, length: trainTest(60000, 10000) },
  KMNIST: { c: 1, h: 28, w: 28, length: trainTest(60000, 10000) },
  CIFAR10: { c: 3, h: 32, w: 32, length: trainTest(50000, 10000) },
  CIFAR100: { c: 3, h: 32, w: 32, length: trainTest(50000, 10000) },
  SVHN: { c: 3, h: 32, w: 32, length: split({ train: 73257, test: 26032, extra: 531131 }, 'train') },
  STL10: { c: 3, h: 96, w: 96, length: split({ train: 5000, test: 8000, unlabeled: 100000, 'train+unlabeled': 105000 }, 'train') },
};

function trainTest(train: number, test: number): (kw: Map<string, Value>) => number | null {
  return (kw) => {
    const t = kw.get('train');
    if (t === undefined) return train;
    return t.t === 'bool' ? (t.v ? train : test) : null;
  };
}

function split(sizes: Record<string, number>, fallback: string): (kw: Map<string, Value>) => number | null {
  return (kw) => {
    const s = kw.get('split');
    if (s === undefined) return sizes[fallback];
    return s.t === 'str' ? sizes[s.v] ?? null : null;
  };
}

function libraryObject(interp: Interpreter, library: string, name: string, node: SyntaxNode): ObjectValue {
  const cls: ClassValue = { t: 'class', name, node, bases: [], attrs: new Map(), id: interp.newId(), library };
  return { t: 'object', cls, attrs: new Map(), node, id: interp.newId() };
}

function known(v: Value | undefined): number | null {
  return v?.t === 'int' && isKnown(v.v) ? v.v : null;
}

/** `size` as torchvision reads it: an int or a sequence of one gives (s, s) or "shorter side"; of two, (h, w). */
function sizeArg(v: Value | undefined): number[] | null {
  if (!v) return null;
  const n = known(v);
  if (n !== null) return [n];
  if ((v.t === 'tuple' || v.t === 'list') && (v.items.length === 1 || v.items.length === 2)) {
    const items = v.items.map(known);
    return items.every((i): i is number => i !== null && i > 0) ? items : null;
  }
  return null;
}

function argOf(args: Value[], kwargs: Map<string, Value>, i: number, name: string): Value | undefined {
  return args[i] ?? kwargs.get(name);
}

/** The transforms that leave an image's size and channels as they are (on a PIL image and a tensor alike). */
const KEEP = new Set([
  'RandomHorizontalFlip', 'RandomVerticalFlip', 'ColorJitter', 'RandomAffine', 'RandomPerspective', 'GaussianBlur',
  'RandomGrayscale', 'RandomInvert', 'RandomPosterize', 'RandomSolarize', 'RandomAdjustSharpness', 'RandomAutocontrast',
  'RandomEqualize', 'AutoAugment', 'RandAugment', 'TrivialAugmentWide', 'AugMix', 'ElasticTransform',
]);

/** The transforms of tensors only that keep their shape. */
const KEEP_TENSOR = new Set(['Normalize', 'RandomErasing', 'ConvertImageDtype', 'ToDtype']);

/** The transform a torchvision.transforms constructor makes; undefined for a name that is none of them. */
function transformOf(name: string, args: Value[], kwargs: Map<string, Value>): Transform | null | undefined {
  if (KEEP.has(name)) return (img) => img;
  if (KEEP_TENSOR.has(name)) return (img) => (img.pil ? null : img);
  switch (name) {
    case 'ToTensor':
    case 'PILToTensor':
    case 'ToImage':
    case 'ToImageTensor':
      return (img) => (img.pil ? { ...img, pil: false } : name === 'ToImage' || name === 'ToImageTensor' ? img : null);
    case 'ToPILImage':
      return (img) => ({ ...img, pil: true });
    case 'Compose': {
      const steps = argOf(args, kwargs, 0, 'transforms');
      const fns = steps && (steps.t === 'list' || steps.t === 'tuple') ? steps.items.map((s) => transformValue(s)) : null;
      if (!fns || fns.some((f) => f === null)) return null;
      return (img) => fns.reduce<Image | null>((acc, f) => (acc ? f!(acc) : null), img);
    }
    case 'RandomApply':
    case 'RandomChoice':
    case 'RandomOrder': {
      // Applied or not, in any order: the image keeps a size only where every way gives it.
      const steps = argOf(args, kwargs, 0, 'transforms');
      const fns = steps && (steps.t === 'list' || steps.t === 'tuple') ? steps.items.map((s) => transformValue(s)) : null;
      if (!fns || fns.some((f) => f === null)) return null;
      return (img) => {
        const outs = name === 'RandomChoice' ? fns.map((f) => f!(img)) : [img, fns.reduce<Image | null>((acc, f) => (acc ? f!(acc) : null), img)];
        return outs.every((o) => o && sameImage(o, outs[0]!)) ? outs[0] : null;
      };
    }
    case 'Resize': {
      const size = sizeArg(argOf(args, kwargs, 0, 'size'));
      const maxSize = argOf(args, kwargs, 2, 'max_size');
      if (!size || (maxSize && maxSize.t !== 'none')) return null;
      return (img) => resized(img, size);
    }
    case 'CenterCrop':
    case 'RandomResizedCrop': {
      const size = sizeArg(argOf(args, kwargs, 0, 'size'));
      if (!size) return null;
      const [h, w] = size.length === 1 ? [size[0], size[0]] : size;
      return (img) => ({ ...img, h, w });
    }
    case 'RandomCrop': {
      const size = sizeArg(argOf(args, kwargs, 0, 'size'));
      const padding = argOf(args, kwargs, 1, 'padding');
      const ifNeeded = argOf(args, kwargs, 2, 'pad_if_needed');
      const pad = padding === undefined || padding.t === 'none' ? [0, 0, 0, 0] : paddingArg(padding);
      if (!size || !pad || (ifNeeded && ifNeeded.t !== 'bool')) return null;
      const [th, tw] = size.length === 1 ? [size[0], size[0]] : size;
      const grow = ifNeeded?.t === 'bool' && ifNeeded.v;
      return (img) => {
        if (img.h === null || img.w === null) return grow ? null : { ...img, h: th, w: tw };
        const h = img.h + pad[1] + pad[3];
        const w = img.w + pad[0] + pad[2];
        // A crop larger than the (padded) image raises unless pad_if_needed pads it up.
        return grow || (h >= th && w >= tw) ? { ...img, h: th, w: tw } : null;
      };
    }
    case 'Pad': {
      const pad = paddingArg(argOf(args, kwargs, 0, 'padding'));
      if (!pad) return null;
      return (img) => ({ ...img, h: img.h === null ? null : img.h + pad[1] + pad[3], w: img.w === null ? null : img.w + pad[0] + pad[2] });
    }
    case 'Grayscale': {
      const given = argOf(args, kwargs, 0, 'num_output_channels');
      const n = given === undefined ? 1 : known(given);
      if (n !== 1 && n !== 3) return null;
      return (img) => ({ ...img, c: n });
    }
    case 'RandomRotation': {
      const expand = argOf(args, kwargs, 2, 'expand');
      if (expand !== undefined && !(expand.t === 'bool' && !expand.v)) return null;
      return (img) => img;
    }
  }
  return undefined;
}

/** Pad's `padding`: all sides, (left/right, top/bottom) or (left, top, right, bottom). */
function paddingArg(v: Value | undefined): number[] | null {
  if (!v) return null;
  const n = known(v);
  if (n !== null) return [n, n, n, n];
  if (v.t !== 'tuple' && v.t !== 'list') return null;
  const p = v.items.map(known);
  if (p.some((i) => i === null)) return null;
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!];
  if (p.length === 2) return [p[0]!, p[1]!, p[0]!, p[1]!];
  if (p.length === 4) return p as number[];
  return null;
}

/** Resize: (h, w) as given, or the shorter side to `size` and the longer scaled, truncated as torchvision does. */
function resized(img: Image, size: number[]): Image {
  if (size.length === 2) return { ...img, h: size[0], w: size[1] };
  const s = size[0];
  if (img.h === null || img.w === null) return { ...img, h: null, w: null };
  const [short, long] = img.w <= img.h ? [img.w, img.h] : [img.h, img.w];
  if (short === s) return img;
  const newLong = Math.trunc((s * long) / short);
  return img.w <= img.h ? { ...img, h: newLong, w: s } : { ...img, h: s, w: newLong };
}

function sameImage(a: Image, b: Image): boolean {
  return a.pil === b.pil && a.c === b.c && a.h === b.h && a.w === b.w;
}

/** The transform a value stands for: None is none (the identity), a modelled transform its function, anything else null. */
function transformValue(v: Value | undefined): Transform | null {
  if (v === undefined || v.t === 'none') return (img) => img;
  if (v.t === 'object' && transforms.has(v)) return transforms.get(v) ?? null;
  return null;
}

function makeDataset(interp: Interpreter, info: DatasetInfo, name: string, node: SyntaxNode): ObjectValue {
  const obj = libraryObject(interp, DATASET, name, node);
  datasets.set(obj, info);
  return obj;
}

/** The calls modelled here (normalised names); undefined for any other. */
export function torchDataCall(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value | undefined {
  const tv = /^torchvision\.transforms(?:\.v2)?(?:\.transforms)?\.([A-Za-z]\w*)$/.exec(name);
  if (tv) {
    const fn = transformOf(tv[1], args, kwargs);
    if (fn === undefined) return undefined;
    const obj = libraryObject(interp, TRANSFORM, tv[1], node);
    transforms.set(obj, fn);
    return obj;
  }
  // `Image.open(path)`: an image whose size and mode the file decides.
  if (name === 'PIL.Image.open') return pilImage(interp, { pil: true, c: null, h: null, w: null }, node);
  // `Image.new(mode, (width, height))`.
  if (name === 'PIL.Image.new') {
    const mode = args[0] ?? kwargs.get('mode');
    const size = args[1] ?? kwargs.get('size');
    const wh = size && (size.t === 'tuple' || size.t === 'list') && size.items.length === 2 ? size.items.map(known) : null;
    const c = mode?.t === 'str' ? PIL_MODES[mode.v] ?? null : null;
    return pilImage(interp, { pil: true, c, h: wh?.[1] ?? null, w: wh?.[0] ?? null }, node);
  }
  const ds = /^torchvision\.datasets(?:\.\w+)?\.(\w+)$/.exec(name);
  if (ds) return torchvisionDataset(interp, ds[1], args, kwargs, node);
  // `tqdm(train_loader)` yields what the loader yields.
  if (/^tqdm(\.\w+)*\.tqdm$/.test(name) && args[0]?.t === 'object' && loaders.has(args[0])) return args[0];
  switch (name) {
    case 'torch.utils.data.TensorDataset':
    case 'torch.utils.data.dataset.TensorDataset':
      return tensorDataset(interp, args, node);
    case 'torch.utils.data.DataLoader':
    case 'torch.utils.data.dataloader.DataLoader':
      return dataLoader(interp, args, kwargs, node);
    case 'torch.utils.data.random_split':
    case 'torch.utils.data.dataset.random_split':
      return randomSplit(interp, args, kwargs, node);
    case 'torch.utils.data.Subset':
    case 'torch.utils.data.dataset.Subset': {
      const base = args[0] ?? kwargs.get('dataset');
      const info = base?.t === 'object' ? datasets.get(base) : undefined;
      if (!info) return undefined;
      const indices = args[1] ?? kwargs.get('indices');
      const n = indices && (indices.t === 'list' || indices.t === 'tuple') ? indices.items.length : indices?.t === 'tensor' && indices.shape?.length === 1 && isKnown(indices.shape[0]) ? indices.shape[0] : null;
      return makeDataset(interp, { sample: info.sample, length: n }, 'Subset', node);
    }
  }
  return undefined;
}

function torchvisionDataset(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value | undefined {
  const fixed = TORCHVISION[name];
  const folder = name === 'ImageFolder';
  const fake = name === 'FakeData';
  if (!fixed && !folder && !fake) return undefined;
  // A target transform (or target_type of another kind) makes the labels something else.
  const target = kwargs.get('target_transform');
  const label = target === undefined || target.t === 'none';
  // ImageFolder(root, transform): the others' transform is read by keyword only.
  const transform = transformValue(kwargs.get('transform') ?? (folder ? args[1] : undefined));
  let image: Image | null;
  let length: number | null;
  if (fixed) {
    // Positional arguments past root (the split, the transform) are not read: the sample is unknown.
    if (args.length > 1) return makeDataset(interp, { sample: null, length: null }, name, node);
    image = { pil: true, c: fixed.c, h: fixed.h, w: fixed.w };
    length = fixed.length(kwargs);
  } else if (folder) {
    // The default loader opens every file as RGB; the files decide the size.
    const loader = kwargs.get('loader');
    image = loader === undefined ? { pil: true, c: 3, h: null, w: null } : null;
    length = null;
  } else {
    const size = kwargs.get('image_size') ?? (args.length > 1 ? args[1] : undefined);
    const sides = size === undefined ? [3, 224, 224] : size.t === 'tuple' || size.t === 'list' ? size.items.map(known) : null;
    const count = kwargs.get('size') ?? args[0];
    length = count === undefined ? 1000 : known(count);
    image = sides && sides.length === 3 && sides.every((s) => s !== null) && (sides[0] === 1 || sides[0] === 3) ? { pil: true, c: sides[0], h: sides[1], w: sides[2] } : null;
    if (args.length > 2) image = null;
  }
  const out = image && transform ? transform(image) : null;
  return makeDataset(interp, { sample: { image: out, label }, length }, name, node);
}

function tensorDataset(interp: Interpreter, args: Value[], node: SyntaxNode): Value {
  const shapes = args.map((a) => (a.t === 'tensor' ? a.shape : null));
  const firsts = shapes.map((s) => (s && s.length > 0 ? s[0] : null));
  const length = firsts.length > 0 && firsts.every((f) => isKnown(f) && f === firsts[0]) ? (firsts[0] as number) : null;
  const rows = shapes.map((s) => (s && s.length > 0 ? s.slice(1) : null));
  return makeDataset(interp, { sample: args.length > 0 ? { image: null, tensors: rows, label: false } : null, length }, 'TensorDataset', node);
}

function randomSplit(interp: Interpreter, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value | undefined {
  const base = args[0] ?? kwargs.get('dataset');
  const info = base?.t === 'object' ? datasets.get(base) : undefined;
  const given = args[1] ?? kwargs.get('lengths');
  if (!info || !given || (given.t !== 'list' && given.t !== 'tuple')) return undefined;
  const ints = given.items.map(known);
  const fractions = given.items.map((i) => (i.t === 'float' ? i.v : null));
  let lengths: (number | null)[];
  if (ints.every((i) => i !== null)) lengths = ints;
  else if (fractions.every((f) => f !== null) && info.length !== null && Math.abs(fractions.reduce((a, b) => a + b!, 0) - 1) < 1e-9) {
    // As torch.utils.data.random_split: each floor(n * f), the remainder spread one by one from the first.
    const n = info.length;
    const ls = fractions.map((f) => Math.floor(n * f!));
    const rest = n - ls.reduce((a, b) => a + b, 0);
    for (let i = 0; i < rest; i++) ls[i % ls.length] += 1;
    lengths = ls;
  } else lengths = given.items.map(() => null);
  return list(lengths.map((l) => makeDataset(interp, { sample: info.sample, length: l }, 'Subset', node)));
}

/** A batch of data of this shape, as a loader gives it (a model called on it has its example). */
function batchTensor(interp: Interpreter, shape: Shape, node: SyntaxNode): TensorValue {
  const t = interp.makeTensor(shape, 'torch', { text: `a batch of the DataLoader at ${lineLabel(node)}`, node }, 0);
  t.fromFactory = true;
  return t;
}

function dataLoader(interp: Interpreter, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const dataset = args[0] ?? kwargs.get('dataset');
  const info = dataset?.t === 'object' ? datasets.get(dataset) : undefined;
  const obj = libraryObject(interp, LOADER, 'DataLoader', node);
  const batchArg = args[1] ?? kwargs.get('batch_size');
  const batch = batchArg === undefined ? 1 : known(batchArg);
  // A batch size computed from what is not known (`256 * torch.cuda.device_count()`): batches of
  // an unknown size (None, which turns batching off, is written as such).
  const unsized = batch === null && (batchArg?.t === 'int' || batchArg?.t === 'unknown');
  const drop = kwargs.get('drop_last');
  const dropLast = drop === undefined ? false : drop.t === 'bool' ? drop.v : null;
  const given = (k: string) => { const v = kwargs.get(k); return v !== undefined && v.t !== 'none'; };
  // Batches of batch_size items collated by default: no collate function or batch sampler, no
  // positional argument past batch_size. A sampler sets which items, and so the length.
  const plain = ((batch !== null && batch > 0) || unsized) && dropLast !== null && args.length <= 2 && !['collate_fn', 'batch_sampler'].some(given);
  const sampled = given('sampler');
  let element: Value = UNKNOWN;
  let batches: number | null = null;
  if (plain && info?.sample) {
    const length = sampled ? null : info.length;
    if (batch !== null) batches = length === null ? null : dropLast ? Math.floor(length / batch) : Math.ceil(length / batch);
    element = collated(interp, info.sample, batch === null ? null : firstBatch(length, batch, dropLast), node);
  } else if (plain && !sampled && !info && dataset?.t === 'object' && !dataset.cls.library) {
    // A dataset class of the user's: its `__getitem__`'s item, collated.
    const item = interp.datasetItem(dataset, node);
    const lead = item === undefined || batch === null ? null : firstBatch(interp.datasetLength(dataset, node), batch, dropLast);
    if (item !== undefined && (lead !== null || batch === null)) element = collateValue(interp, item, lead, node) ?? UNKNOWN;
  }
  loaders.set(obj, { element, length: batches, dataset: dataset?.t === 'object' ? dataset : null });
  return obj;
}

/**
 * The size of the first batch, which a model's first call gets: full unless the whole dataset is
 * smaller (only the last batch may be short, and drop_last drops it: then there is none). A length
 * that is not known (a folder's files) is taken as no smaller than one batch.
 */
function firstBatch(length: number | null, batch: number, dropLast: boolean): number | null {
  return length !== null && length < batch ? (dropLast ? null : length) : batch;
}

/** The default collate of samples: their tensors stacked on a new batch axis, integer labels as a (B,) tensor. */
function collated(interp: Interpreter, sample: Sample, lead: number | null, node: SyntaxNode): Value {
  if (sample.image !== null) {
    const img = sample.image;
    // A PIL image cannot be collated: the loader raises. Say nothing of it.
    if (img.pil) return UNKNOWN;
    const images = batchTensor(interp, img.c === null || img.h === null || img.w === null ? null : [lead, img.c, img.h, img.w], node);
    return tuple([images, sample.label ? batchTensor(interp, [lead], node) : UNKNOWN]);
  }
  if (sample.tensors) {
    const items = sample.tensors.map((s) => batchTensor(interp, s ? [lead, ...s] : null, node));
    return items.length === 0 ? UNKNOWN : list(items);
  }
  return UNKNOWN;
}

/**
 * The default collate of items of this value: a tensor or array gains the batch axis, a number
 * becomes a (B,) tensor, a tuple, list or dict is collated item by item; undefined for anything
 * else (a string, an unknown).
 */
function collateValue(interp: Interpreter, v: Value, lead: number | null, node: SyntaxNode, depth = 0): Value | undefined {
  if (depth > 4) return undefined;
  if (v.t === 'tensor') return batchTensor(interp, v.shape ? [lead, ...v.shape] : null, node);
  if (v.t === 'int' || v.t === 'float' || v.t === 'bool') return batchTensor(interp, [lead], node);
  if (v.t === 'tuple' || v.t === 'list') {
    // An item that cannot be collated leaves its place unknown; the others stay known.
    return { t: v.t, items: v.items.map((i) => collateValue(interp, i, lead, node, depth + 1) ?? UNKNOWN) };
  }
  if (v.t === 'dict' && !v.partial) {
    const entries = new Map([...v.entries].map(([k, e]) => [k, { key: e.key, value: collateValue(interp, e.value, lead, node, depth + 1) ?? UNKNOWN }]));
    return { t: 'dict', entries };
  }
  return undefined;
}

export function isTorchDataObject(obj: ObjectValue): boolean {
  return obj.cls.library === DATASET || obj.cls.library === LOADER || obj.cls.library === TRANSFORM || obj.cls.library === PIL_IMAGE;
}

/**
 * A transform applied to one image (`preprocess(Image.open(p).convert('RGB'))`, `transform(x)` on
 * a (C, H, W) tensor): the image it makes, a tensor where it makes one, with the data's standing as
 * an example (an image read from a file is data). Anything else the object is called on, and any
 * other object called, gives unknown.
 */
export function torchDataObjectCall(interp: Interpreter, obj: ObjectValue, args: Value[], node: SyntaxNode): Value {
  const fn = transforms.get(obj);
  const x = args[0];
  if (!fn || !x || args.length !== 1) return UNKNOWN;
  let img: Image | undefined;
  let example = true;
  if (x.t === 'object' && pilImages.has(x)) img = pilImages.get(x)!;
  else if (x.t === 'tensor' && !x.array && x.shape && x.shape.length === 3) {
    const [c, h, w] = x.shape.map((d) => (isKnown(d) ? d : null));
    img = { pil: false, c, h, w };
    example = !!x.fromFactory;
  }
  if (!img) return UNKNOWN;
  const out = fn(img);
  if (!out) return UNKNOWN;
  if (out.pil) return pilImage(interp, out, node);
  const t = interp.makeTensor([out.c, out.h, out.w], 'torch', { text: `the image the transform at ${lineLabel(node)} made`, node }, 0);
  if (example) t.fromFactory = true;
  return t;
}

/** What one iteration of a DataLoader gives (already tensors); undefined for another value. */
export function loaderElement(v: Value): Value | undefined {
  if (v.t !== 'object') return undefined;
  return loaders.get(v)?.element;
}

/** `len(dataset)`, `len(loader)`: undefined for another value. */
export function torchDataLength(v: Value): Value | undefined {
  if (v.t !== 'object') return undefined;
  const d = datasets.get(v);
  if (d) return d.length === null ? UNKNOWN : int(d.length);
  const l = loaders.get(v);
  if (l) return l.length === null ? UNKNOWN : int(l.length);
  return undefined;
}

/** A loader wrapped so that it yields (index, batch): `enumerate(train_loader)`. */
export function enumerateLoader(interp: Interpreter, v: Value, node: SyntaxNode): Value | undefined {
  if (v.t !== 'object') return undefined;
  const l = loaders.get(v);
  if (!l) return undefined;
  const obj = libraryObject(interp, LOADER, 'enumerate', node);
  loaders.set(obj, { element: l.element.t === 'unknown' ? UNKNOWN : tuple([UNKNOWN, l.element]), length: l.length, dataset: null });
  return obj;
}

/** `dataset[i]`: one sample, its image a tensor where the transforms made one; undefined for another value. */
export function torchDataItem(interp: Interpreter, v: Value, node: SyntaxNode): Value | undefined {
  if (v.t !== 'object') return undefined;
  const d = datasets.get(v);
  if (!d) return undefined;
  const s = d.sample;
  if (!s) return UNKNOWN;
  if (s.image) {
    const img = s.image;
    const image = img.pil || img.c === null || img.h === null || img.w === null ? UNKNOWN : batchTensor(interp, [img.c, img.h, img.w], node);
    return tuple([image, UNKNOWN]);
  }
  return s.tensors ? tuple(s.tensors.map((r) => batchTensor(interp, r, node))) : UNKNOWN;
}

/** Attributes: a loader's `dataset`, a PIL image's `convert` and `resize`; anything else is unknown. */
export function torchDataAttr(obj: ObjectValue, name: string): Value {
  const l = loaders.get(obj);
  if (l && name === 'dataset') return l.dataset ?? UNKNOWN;
  if (pilImages.has(obj) && (name === 'convert' || name === 'resize')) return { t: 'builtin', name: `${PIL_IMAGE}.${name}`, self: obj };
  return UNKNOWN;
}

/** Methods: a PIL image's `convert(mode)` and `resize((w, h))`; no other is modelled. */
export function torchDataMethod(interp: Interpreter, self: ObjectValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const img = pilImages.get(self);
  if (!img) return UNKNOWN;
  if (method === 'convert') {
    const mode = args[0] ?? kwargs.get('mode');
    const c = mode?.t === 'str' ? PIL_MODES[mode.v] : undefined;
    return c === undefined ? UNKNOWN : pilImage(interp, { ...img, c }, node);
  }
  if (method === 'resize') {
    // PIL sizes are (width, height).
    const size = args[0] ?? kwargs.get('size');
    const wh = size && (size.t === 'tuple' || size.t === 'list') && size.items.length === 2 ? size.items.map(known) : null;
    return wh && wh.every((d) => d !== null && d > 0) ? pilImage(interp, { ...img, w: wh[0], h: wh[1] }, node) : UNKNOWN;
  }
  return UNKNOWN;
}
