// What the interpreter knows of the libraries by name: how import paths are normalised
// (`tf.keras.layers.Conv2D` is `keras.layers.Conv2D`), which names are model containers, base
// classes, tensor factories and input declarations. Layer and op shape rules live in shapes/.

import { findLayer, findOp } from '../shapes/registry';
import type { Framework } from '../shapes/types';

/** Normalises a dotted import path to the spelling the registries use. */
const normalised = new Map<string, string>();

export function normaliseName(name: string): string {
  let n = normalised.get(name);
  if (n === undefined) {
    n = normaliseUncached(name);
    normalised.set(name, n);
  }
  return n;
}

function normaliseUncached(name: string): string {
  let n = name;
  if (n === 'tensorflow' || n === 'tf') return 'tensorflow';
  n = n.replace(/^tensorflow\.python\.keras\b/, 'keras');
  n = n.replace(/^tensorflow\.keras\b/, 'keras');
  n = n.replace(/^tf\.keras\b/, 'keras');
  n = n.replace(/^tensorflow\.compat\.v\d\.keras\b/, 'keras');
  n = n.replace(/^keras\.src\b/, 'keras');
  n = n.replace(/^keras\.layers\.(experimental\.preprocessing|preprocessing|core|convolutional|pooling|normalization|merge|recurrent|reshaping|activation|regularization|advanced_activations|embeddings|wrappers|noise|local|convolutional_recurrent|attention|dense_attention|rnn)\./, 'keras.layers.');
  n = n.replace(/^keras\.models\.(?:sequential\.)?Sequential$/, 'keras.Sequential');
  n = n.replace(/^keras\.models\.(?:model\.)?Model$/, 'keras.Model');
  // Keras's own code builds its applications as `Functional(inputs, outputs, name=...)`: a functional Model.
  n = n.replace(/^keras\.(?:models|engine)\.(?:functional\.)?Functional$/, 'keras.Model');
  // Keras 2's engine exports the base classes (`from keras.engine import Layer`, `keras.engine.topology.Layer`).
  n = n.replace(/^keras\.engine\.(base_layer\.|topology\.)?Layer$/, 'keras.layers.Layer');
  // Keras 3 defines it in `keras.src.layers.layer`.
  n = n.replace(/^keras\.layers\.layer\.Layer$/, 'keras.layers.Layer');
  n = n.replace(/^keras\.engine\.(training\.|topology\.)?Model$/, 'keras.Model');
  // Keras 3 ops live in submodules (`keras.ops.numpy.reshape`) and are exported flat (`keras.ops.reshape`).
  n = n.replace(/^keras\.ops\.(numpy|nn|math|core)\./, 'keras.ops.');
  n = n.replace(/^keras\.layers\.(Input)$/, 'keras.Input');
  n = n.replace(/^torch\.nn\.modules\.[a-z_]+\./, 'torch.nn.');
  n = n.replace(/^torch\.functional\./, 'torch.');
  // `torch.cuda.FloatTensor if cuda else torch.FloatTensor`: the device does not change a shape.
  n = n.replace(/^torch\.cuda\.(Float|Long|Double|Half|Int|Byte|Bool)Tensor$/, 'torch.$1Tensor');
  n = n.replace(/^numpy\b/, 'numpy');
  // PyTorch Lightning under its three package names (python/lightning.ts).
  n = n.replace(/^(pytorch_lightning|lightning\.pytorch)\b/, 'lightning');
  n = n.replace(/^lightning\.core(\.(lightning|module|datamodule))?\.(LightningModule|LightningDataModule)$/, 'lightning.$3');
  n = n.replace(/^lightning\.trainer(\.trainer)?\.Trainer$/, 'lightning.Trainer');
  return n;
}

/** Top-level packages the engine knows by name: imports of them are never followed into an environment. */
export const MODELLED_PACKAGES: ReadonlySet<string> = new Set(['torch', 'tensorflow', 'keras', 'tf_keras', 'numpy', 'jax', 'jaxlib', 'cnnshape_torchvision']);

/**
 * Modules of otherwise read packages that the engine models by name (python/torchdata.ts): their
 * source is never read, even where an environment has it (a dataset class opening files, a
 * transform or an image built on PIL's C code, would only be opaque).
 */
const MODELLED_MODULES = ['torchvision.datasets', 'torchvision.transforms', 'PIL.Image', 'lightning', 'pytorch_lightning'];

export function isModelledModule(name: string): boolean {
  return MODELLED_MODULES.some((m) => name === m || name.startsWith(`${m}.`));
}

export const CONTAINERS: Record<string, 'Sequential' | 'ModuleList' | 'ModuleDict' | 'KerasSequential'> = {
  'torch.nn.Sequential': 'Sequential',
  'torch.nn.ModuleList': 'ModuleList',
  'torch.nn.ModuleDict': 'ModuleDict',
  'keras.Sequential': 'KerasSequential',
};

/** Library base classes of user-defined models and blocks. */
export const BASE_CLASSES: Record<string, { framework: Framework; model: boolean }> = {
  'torch.nn.Module': { framework: 'torch', model: true },
  // A scripted module runs its forward() like any module in eager mode.
  'torch.jit.ScriptModule': { framework: 'torch', model: true },
  // Subclasses of the containers (`class ConvBNReLU(nn.Sequential)`) hold their layers as a container.
  'torch.nn.Sequential': { framework: 'torch', model: true },
  'torch.nn.ModuleList': { framework: 'torch', model: false },
  'torch.nn.ModuleDict': { framework: 'torch', model: false },
  // A LightningModule is an nn.Module whose forward the script's Trainer feeds (python/lightning.ts).
  'lightning.LightningModule': { framework: 'torch', model: true },
  'keras.Model': { framework: 'keras', model: true },
  'keras.layers.Layer': { framework: 'keras', model: false },
};

/** Functions that make a tensor of a given size: how their size is written. */
export const TENSOR_FACTORIES: Record<string, { framework: Framework; size: 'varargs' | 'legacy' | 'shape' | 'randint' | 'data' | 'like' | 'permutation' | 'linspace' | 'arange' | 'eye' | 'choice' }> = {
  'torch.randn': { framework: 'torch', size: 'varargs' },
  'torch.rand': { framework: 'torch', size: 'varargs' },
  'torch.zeros': { framework: 'torch', size: 'varargs' },
  'torch.ones': { framework: 'torch', size: 'varargs' },
  'torch.empty': { framework: 'torch', size: 'varargs' },
  'torch.full': { framework: 'torch', size: 'shape' },
  'torch.randint': { framework: 'torch', size: 'randint' },
  'torch.tensor': { framework: 'torch', size: 'data' },
  // The legacy constructors take sizes (`torch.FloatTensor(2, 3)`) or data (a list, an array).
  'torch.Tensor': { framework: 'torch', size: 'legacy' },
  'torch.FloatTensor': { framework: 'torch', size: 'legacy' },
  'torch.LongTensor': { framework: 'torch', size: 'legacy' },
  'tensorflow.zeros': { framework: 'keras', size: 'shape' },
  'tensorflow.ones': { framework: 'keras', size: 'shape' },
  'tensorflow.random.normal': { framework: 'keras', size: 'shape' },
  'tensorflow.random.uniform': { framework: 'keras', size: 'shape' },
  'tensorflow.constant': { framework: 'keras', size: 'data' },
  'numpy.zeros': { framework: 'keras', size: 'shape' },
  'numpy.ones': { framework: 'keras', size: 'shape' },
  'numpy.empty': { framework: 'keras', size: 'shape' },
  'numpy.random.rand': { framework: 'keras', size: 'varargs' },
  'numpy.random.randn': { framework: 'keras', size: 'varargs' },
  'numpy.random.random': { framework: 'keras', size: 'shape' },
  // `np.random.randint(0, 2, size=(n, 100))`: the size by keyword or third.
  'numpy.random.randint': { framework: 'keras', size: 'randint' },
  'numpy.random.normal': { framework: 'keras', size: 'shape' },
  'numpy.random.uniform': { framework: 'keras', size: 'shape' },
  // `np.random.permutation(len(x))`: one axis, of that length (or the array's shape).
  'numpy.random.permutation': { framework: 'keras', size: 'permutation' },
  // `np.linspace(start, stop, num=50)`: num values (a drop-path schedule).
  'numpy.linspace': { framework: 'keras', size: 'linspace' },
  // `tf.linspace(0.0, rate, depth)` (ViT drop-path schedules, iterated for one rate per block).
  'tensorflow.linspace': { framework: 'keras', size: 'linspace' },
  'keras.ops.linspace': { framework: 'keras', size: 'linspace' },
  'numpy.array': { framework: 'keras', size: 'data' },
  'numpy.full': { framework: 'keras', size: 'shape' },
  // `np.arange(n)`, `np.arange(start, stop, step)`: one axis of the values it counts.
  'numpy.arange': { framework: 'keras', size: 'arange' },
  // `np.eye(n)`, `np.eye(n, m)`, `np.identity(n)`: a matrix (a one-hot table).
  'numpy.eye': { framework: 'keras', size: 'eye' },
  'numpy.identity': { framework: 'keras', size: 'eye' },
  'keras.ops.eye': { framework: 'keras', size: 'eye' },
  // `np.random.choice(a, size)`: `size` samples (one value without it).
  'numpy.random.choice': { framework: 'keras', size: 'choice' },
};

/** Summary helpers that name an input size: `torchinfo.summary(net, input_size=...)`. */
export const SUMMARY_CALLS = new Set(['torchinfo.summary', 'torchsummary.summary']);

export function isKnownLibraryName(name: string): boolean {
  return (
    findLayer(name) !== undefined ||
    findOp(name) !== undefined ||
    name in CONTAINERS ||
    name in BASE_CLASSES ||
    name in TENSOR_FACTORIES ||
    SUMMARY_CALLS.has(name) ||
    name === 'keras.Input' ||
    name === 'keras.Model' ||
    name === 'keras.layers.InputLayer'
  );
}
