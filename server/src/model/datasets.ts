// The arrays that the standard `keras.datasets` loaders return, as Keras documents them
// (`(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()`): the sample counts
// and the shape of one sample, so that `x_train.reshape(-1, 28, 28, 1)`, `np.expand_dims` and
// `Input(shape=x_train.shape[1:])` size a model the way the data will.
//
// Loaders whose counts depend on an argument we cannot follow (imdb's `maxlen` drops the longer
// reviews) give an unknown count; a split given as a number is applied as Keras applies it.

import type { Dim } from '../shapes/dim';
import type { Shape } from '../shapes/types';

export interface DatasetSplit {
  x: Shape;
  y: Shape;
}

export interface DatasetArrays {
  train: DatasetSplit;
  test: DatasetSplit;
}

/** What a loader's keyword arguments say, as far as they change the arrays' shapes. */
export interface DatasetArgs {
  /** A known `test_split=` (a fraction), null when given but unknown, undefined when not given. */
  testSplit?: number | null;
  /** `maxlen=` was given (imdb, reuters drop the longer sequences). */
  maxlen?: boolean;
  /** `version=` of california_housing ('large' by default). */
  version?: string | null;
}

interface Loader {
  /** The arrays for these arguments; null when they cannot be known. */
  arrays(args: DatasetArgs): DatasetArrays | null;
}

/** Images: a fixed split of `train` and `test` samples of one shape, labels of `label` shape per sample. */
function images(train: number, test: number, sample: number[], label: number[]): Loader {
  return {
    arrays: () => ({
      train: { x: [train, ...sample], y: [train, ...label] },
      test: { x: [test, ...sample], y: [test, ...label] },
    }),
  };
}

/**
 * Tables split by `test_split` (default 0.2) as Keras does: the first `int(n * (1 - test_split))`
 * rows train, the rest test.
 */
function table(total: (args: DatasetArgs) => number | null, features: number | null): Loader {
  return {
    arrays: (args) => {
      const n = total(args);
      if (n === null || args.testSplit === null) return null;
      const split = args.testSplit ?? 0.2;
      const train = Math.trunc(n * (1 - split));
      const test = n - train;
      const x = (count: Dim): Shape => (features === null ? [count] : [count, features]);
      return { train: { x: x(train), y: [train] }, test: { x: x(test), y: [test] } };
    },
  };
}

/** Sequences of word indices: one list per sample (an object array of rank one). */
function sequences(total: number, trainCount: number | null): Loader {
  return {
    arrays: (args) => {
      if (args.maxlen) return { train: { x: [null], y: [null] }, test: { x: [null], y: [null] } };
      if (trainCount !== null) return { train: { x: [trainCount], y: [trainCount] }, test: { x: [total - trainCount], y: [total - trainCount] } };
      return table(() => total, null).arrays(args);
    },
  };
}

const LOADERS: Record<string, Loader> = {
  'keras.datasets.mnist.load_data': images(60000, 10000, [28, 28], []),
  'keras.datasets.fashion_mnist.load_data': images(60000, 10000, [28, 28], []),
  'keras.datasets.cifar10.load_data': images(50000, 10000, [32, 32, 3], [1]),
  'keras.datasets.cifar100.load_data': images(50000, 10000, [32, 32, 3], [1]),
  // 25,000 reviews each; `maxlen` drops the longer ones.
  'keras.datasets.imdb.load_data': sequences(50000, 25000),
  // 11,228 newswires split by test_split.
  'keras.datasets.reuters.load_data': sequences(11228, null),
  'keras.datasets.boston_housing.load_data': table(() => 506, 13),
  'keras.datasets.california_housing.load_data': table((a) => (a.version === undefined || a.version === 'large' ? 20640 : a.version === 'small' ? 600 : null), 8),
};

/**
 * NumPy functions that read arrays from files or make index arrays: an array whose shape the code
 * does not say (its rank and sizes come from the data).
 */
const ARRAY_READERS = new Set(['numpy.loadtxt', 'numpy.genfromtxt', 'numpy.load', 'numpy.fromfile', 'numpy.frombuffer', 'numpy.random.permutation']);

export function isArrayReader(name: string): boolean {
  return ARRAY_READERS.has(name);
}

/** The loader behind a normalised name (`keras.datasets.mnist.load_data`), if it is one. */
export function isDatasetLoader(name: string): boolean {
  return name in LOADERS;
}

/** The arrays a loader returns for these arguments; null when not known. */
export function datasetArrays(name: string, args: DatasetArgs): DatasetArrays | null {
  return LOADERS[name]?.arrays(args) ?? null;
}
