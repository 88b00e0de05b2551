// Layer family: the blocks of torchvision's classification models (a ResNet's BasicBlock, a
// DenseNet's dense block, a MobileNet's InvertedResidual, ...) as the generated table
// (model/torchvision-table.ts) writes them where no torchvision source is installed:
// `cnnshape_torchvision.<Class>(in_channels, out_channels, spatial, params)`, one opaque block with
// its channels, its parameter count, and the chain of convolution and pooling windows
// ("k,s,p,d,ceil;...") its spatial size goes through, each as PyTorch computes it.
//
// These are not in `allLayers` (a user's own `BasicBlock` is not one of them): the registry finds
// them by their `cnnshape_torchvision.` names only.

import { Dim, equalDims } from '../dim';
import { windowOutput } from '../shape';
import type { LayerDef, RuleContext, RuleResult } from '../types';
import { TORCHVISION_BLOCKS } from '../../model/torchvision-table';

/**
 * The windows of a chain, each [kernel, stride, padding, dilation, ceil_mode]; null when malformed,
 * and for "?", the table's mark of a block whose output it does not model (an auxiliary classifier
 * that the eval-mode forward leaves out): applied, it answers unknown.
 */
function parseChain(text: string): number[][] | null {
  const ops: number[][] = [];
  for (const part of text.split(';')) {
    if (!part) continue;
    const op = part.split(',').map(Number);
    if (op.length !== 5 || op.some((v) => !Number.isInteger(v) || v < 0)) return null;
    ops.push(op);
  }
  return ops;
}

function sizeThrough(chain: readonly number[][], size: Dim): Dim {
  let out = size;
  for (const [k, s, p, d, ceil] of chain) {
    if (out === null) return null;
    out = windowOutput(out, k, s, 2 * p, d, ceil === 1);
    if (typeof out === 'number' && out <= 0) return null;
  }
  return out;
}

function blockDef(cls: string): LayerDef {
  return {
    kind: cls,
    framework: 'torch',
    names: [`cnnshape_torchvision.${cls}`],
    params: [{ name: 'in_channels' }, { name: 'out_channels' }, { name: 'spatial' }, { name: 'params' }],
    infer(ctx: RuleContext): RuleResult {
      const params = ctx.int('params');
      const count = typeof params === 'number' ? params : null;
      const input = ctx.inputs[0] ?? null;
      const chain = parseChain(ctx.str('spatial') ?? '');
      // A block takes (N, C, H, W) with its own channel count; anything else, it does not answer for.
      if (!input || input.length !== 4 || !chain || equalDims(input[1], ctx.int('in_channels')) !== true) return { output: null, params: count };
      return { output: [input[0], ctx.int('out_channels'), sizeThrough(chain, input[2]), sizeThrough(chain, input[3])], params: count };
    },
  };
}

export const torchvisionBlocks: readonly LayerDef[] = TORCHVISION_BLOCKS.map(blockDef);
