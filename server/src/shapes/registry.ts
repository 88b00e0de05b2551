// Every layer and op definition, looked up by qualified name. Adding a family means adding its
// file under layers/ or ops/ and one import here.

import * as activation from './layers/activation';
import * as attention from './layers/attention';
import * as conv from './layers/conv';
import * as linear from './layers/linear';
import * as loss from './layers/loss';
import * as merge from './layers/merge';
import * as norm from './layers/norm';
import * as pool from './layers/pool';
import * as preprocessing from './layers/preprocessing';
import * as recurrent from './layers/recurrent';
import * as reshape from './layers/reshape';
import * as resize from './layers/resize';
import * as einops from './ops/einops';
import * as functional from './ops/functional';
import * as kerasBackend from './ops/keras-backend';
import * as numpy from './ops/numpy';
import * as tensor from './ops/tensor';
import * as tensorflow from './ops/tensorflow';
import * as tensorflowBuild from './ops/tensorflow-build';
import { torchvisionBlocks } from './layers/torchvision';
import type { LayerDef, OpDef } from './types';

export const allLayers: readonly LayerDef[] = [
  ...conv.layers,
  ...pool.layers,
  ...norm.layers,
  ...linear.layers,
  ...activation.layers,
  ...recurrent.layers,
  ...reshape.layers,
  ...resize.layers,
  ...preprocessing.layers,
  ...merge.layers,
  ...attention.layers,
  ...loss.layers,
  ...einops.layers,
];

export const allOps: readonly OpDef[] = [...functional.ops, ...einops.ops, ...loss.ops, ...tensor.ops, ...tensorflow.ops, ...tensorflowBuild.ops, ...kerasBackend.ops, ...numpy.ops];

const layersByName = new Map<string, LayerDef>();
for (const d of allLayers) for (const n of d.names) layersByName.set(n, d);
// The opaque blocks of the torchvision table: found by their `cnnshape_torchvision.` names, never offered as a user's layer.
for (const d of torchvisionBlocks) for (const n of d.names) layersByName.set(n, d);
const opsByName = new Map<string, OpDef>();
for (const d of allOps) for (const n of d.names) opsByName.set(n, d);

/** The layer class with this qualified name (`torch.nn.Conv2d`, `keras.layers.Conv2D`). */
export function findLayer(qualifiedName: string): LayerDef | undefined {
  return layersByName.get(qualifiedName);
}

/** The op with this qualified name (`torch.nn.functional.relu`, `torch.cat`, `Tensor.view`, `operator.add`). */
export function findOp(qualifiedName: string): OpDef | undefined {
  return opsByName.get(qualifiedName);
}
