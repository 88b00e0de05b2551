// The few scikit-learn calls that shape the data tutorials feed a Keras model: the bundled toy
// datasets (`fetch_california_housing()`, `load_iris(return_X_y=True)`) with the shapes scikit-learn
// documents, `train_test_split` with its own rounding of the split sizes, and the scalers whose
// `fit_transform` and `transform` keep the shape of what they are given. Every other name of the
// library, and any argument these do not model (`as_frame=True`, a `stratify` on an unknown split),
// stays unknown: the shapes are only what scikit-learn itself would give.

import type { Dim } from '../shapes/dim';
import type { Shape } from '../shapes/types';
import type { SyntaxNode } from '../syntax/parse';
import { lineLabel } from '../syntax/tree';
import type { Interpreter } from './interpreter';
import { ClassValue, list, ObjectValue, TensorValue, tuple, UNKNOWN, Value } from './values';

/** scikit-learn's bundled datasets: the shape of `data`, of `target`, and of `images` where the loader has them. */
const DATASETS: Record<string, { data: number[]; target: number[]; images?: number[] }> = {
  'sklearn.datasets.load_iris': { data: [150, 4], target: [150] },
  'sklearn.datasets.load_digits': { data: [1797, 64], target: [1797], images: [1797, 8, 8] },
  'sklearn.datasets.load_breast_cancer': { data: [569, 30], target: [569] },
  'sklearn.datasets.load_wine': { data: [178, 13], target: [178] },
  'sklearn.datasets.load_diabetes': { data: [442, 10], target: [442] },
  'sklearn.datasets.load_linnerud': { data: [20, 3], target: [20, 3] },
  'sklearn.datasets.fetch_california_housing': { data: [20640, 8], target: [20640] },
};

/** The scalers and transformers whose output has the shape of their input. */
const SHAPE_KEEPING = new Set(['StandardScaler', 'MinMaxScaler', 'MaxAbsScaler', 'RobustScaler', 'Normalizer', 'PowerTransformer', 'QuantileTransformer', 'Binarizer'].map((n) => `sklearn.preprocessing.${n}`));

const BUNCH = 'sklearn.utils.Bunch';

/** Whether `name` (normalised) is one of the calls modelled here. */
export function isSklearnCall(name: string): boolean {
  return name in DATASETS || SHAPE_KEEPING.has(name) || name === 'sklearn.model_selection.train_test_split';
}

function libraryObject(interp: Interpreter, library: string, node: SyntaxNode): ObjectValue {
  const cls: ClassValue = { t: 'class', name: library.slice(library.lastIndexOf('.') + 1), node, bases: [], attrs: new Map(), id: interp.newId(), library };
  return { t: 'object', cls, attrs: new Map(), node, id: interp.newId() };
}

function array(interp: Interpreter, shape: Shape, text: string, node: SyntaxNode): TensorValue {
  const t = interp.makeTensor(shape, 'keras', { text: `${text} at ${lineLabel(node)}`, node }, 0);
  t.array = true;
  return t;
}

/** A call of a modelled scikit-learn name; undefined for the others. */
export function sklearnCall(interp: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value | undefined {
  const dataset = DATASETS[name];
  if (dataset) {
    // `as_frame=True` gives pandas frames, not modelled.
    const asFrame = kwargs.get('as_frame');
    if (asFrame !== undefined && !(asFrame.t === 'bool' && !asFrame.v)) return UNKNOWN;
    const loader = name.slice(name.lastIndexOf('.') + 1);
    const data = array(interp, dataset.data, `${loader}'s data`, node);
    const target = array(interp, dataset.target, `${loader}'s target`, node);
    const xy = kwargs.get('return_X_y');
    if (xy?.t === 'bool' && xy.v) return tuple([data, target]);
    if (xy !== undefined && xy.t !== 'bool') return UNKNOWN;
    const bunch = libraryObject(interp, BUNCH, node);
    bunch.attrs.set('data', data);
    bunch.attrs.set('target', target);
    if (dataset.images) bunch.attrs.set('images', array(interp, dataset.images, `${loader}'s images`, node));
    return bunch;
  }
  if (SHAPE_KEEPING.has(name)) return libraryObject(interp, name, node);
  if (name === 'sklearn.model_selection.train_test_split') return trainTestSplit(interp, args, kwargs, node);
  return undefined;
}

const SCALER_METHODS = new Set(['fit', 'partial_fit', 'fit_transform', 'transform', 'inverse_transform']);

/** An attribute of a scikit-learn object: a Bunch's arrays, a scaler's bound methods; unknown otherwise. */
export function sklearnAttr(obj: ObjectValue, name: string): Value {
  if (obj.cls.library === BUNCH) return obj.attrs.get(name) ?? UNKNOWN;
  return SCALER_METHODS.has(name) ? { t: 'builtin', name: `${obj.cls.library}.${name}`, self: obj } : UNKNOWN;
}

/** Whether `obj` is an object made here. */
export function isSklearnObject(obj: ObjectValue): boolean {
  return obj.cls.library === BUNCH || SHAPE_KEEPING.has(obj.cls.library ?? '');
}

/** `scaler.fit(X)` is the scaler; `fit_transform(X)`, `transform(X)` and `inverse_transform(X)` an array of X's shape. */
export function sklearnMethod(interp: Interpreter, self: ObjectValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  if (!SHAPE_KEEPING.has(self.cls.library ?? '')) return UNKNOWN;
  if (method === 'fit' || method === 'partial_fit') return self;
  if (method !== 'fit_transform' && method !== 'transform' && method !== 'inverse_transform') return UNKNOWN;
  const x = args[0] ?? kwargs.get('X');
  if (x?.t !== 'tensor') return UNKNOWN;
  return array(interp, x.shape, `the ${self.cls.name}'s ${method} of ${x.origin.text}`, node);
}

/**
 * `train_test_split(X, y, test_size=0.2)`: each array split on its first axis into a train and a
 * test part, in scikit-learn's order (`X_train, X_test, y_train, y_test`) and with its rounding: a
 * fractional test size rounds up, a fractional train size down, and the default test size is 0.25.
 */
function trainTestSplit(interp: Interpreter, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  if (args.length === 0) return UNKNOWN;
  const rows = args.map((a) => (a.t === 'tensor' && a.shape && a.shape.length > 0 ? a.shape[0] : null));
  const n = rows.find((r): r is number => typeof r === 'number');
  const sizes = n === undefined || rows.some((r) => r !== n) ? null : splitSizes(n, kwargs.get('test_size') ?? UNKNOWN_DEFAULT, kwargs.get('train_size') ?? UNKNOWN_DEFAULT);
  const parts: Value[] = [];
  for (const a of args) {
    if (a.t !== 'tensor') {
      parts.push(UNKNOWN, UNKNOWN);
      continue;
    }
    const rest = a.shape === null ? null : a.shape.slice(1);
    const part = (count: Dim, what: string) => array(interp, rest === null ? null : [count, ...rest], `the ${what} split of ${a.origin.text}`, node);
    parts.push(part(sizes ? sizes[0] : null, 'train'), part(sizes ? sizes[1] : null, 'test'));
  }
  return list(parts);
}

/** Stands for an argument not given (None in scikit-learn). */
const UNKNOWN_DEFAULT: Value = { t: 'none' };

/** scikit-learn's `_validate_shuffle_split`: the train and test counts, or null where an argument is not a known number. */
function splitSizes(n: number, test: Value, train: Value): [number, number] | null {
  const count = (v: Value, round: (x: number) => number): number | null | undefined => {
    if (v.t === 'none') return undefined;
    if (v.t === 'float') return v.v > 0 && v.v < 1 ? round(v.v * n) : null;
    if (v.t === 'int' && typeof v.v === 'number') return v.v > 0 && v.v < n ? v.v : null;
    return null;
  };
  const testCount = count(test, Math.ceil);
  const trainCount = count(train, Math.floor);
  if (testCount === null || trainCount === null) return null;
  if (testCount === undefined && trainCount === undefined) {
    const t = Math.ceil(0.25 * n);
    return [n - t, t];
  }
  if (testCount === undefined) return [trainCount!, n - trainCount!];
  if (trainCount === undefined) return [n - testCount, testCount];
  return testCount + trainCount <= n ? [trainCount, testCount] : null;
}
