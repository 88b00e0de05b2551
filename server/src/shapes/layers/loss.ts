// Layer family: PyTorch's loss modules (nn.CrossEntropyLoss, NLLLoss, MSELoss, L1Loss,
// SmoothL1Loss, HuberLoss, KLDivLoss, BCELoss, BCEWithLogitsLoss) and their functional forms
// (F.cross_entropy, F.mse_loss, ...), which share one rule.
//
// The output is `()` for reduction='mean', 'sum' (and KLDivLoss's 'batchmean'); with 'none' it is
// the element-wise shape: the broadcast of input and target, or for the class losses the input
// without its class axis. Errors only where PyTorch definitely raises: element-wise losses whose
// shapes do not broadcast, binary cross-entropy whose target is not the input's shape, class
// losses whose target batch or spatial sizes differ from the input's. A target of unknown kind
// (class indices or probabilities, which only the dtype tells apart) is never guessed.

import { Dim, dimToString, equalDims } from '../dim';
import { broadcast, formatShape } from '../shape';
import type { LayerDef, OpDef, Param, RuleContext, RuleResult, Shape } from '../types';

type LossKind = 'elementwise' | 'binary' | 'class' | 'nll';

interface LossSpec {
  /** nn module name, e.g. `CrossEntropyLoss`. */
  module: string;
  /** torch.nn.functional name, e.g. `cross_entropy`. */
  functional: string;
  kind: LossKind;
  /** The parameters after input and target (functional) or all of them (module), in PyTorch 1.13's order. */
  moduleParams: Param[];
  functionalParams: Param[];
}

const LEGACY: Param[] = [
  { name: 'size_average', default: null },
  { name: 'reduce', default: null },
];
const REDUCTION: Param = { name: 'reduction', default: 'mean' };

const SPECS: LossSpec[] = [
  { module: 'L1Loss', functional: 'l1_loss', kind: 'elementwise', moduleParams: [...LEGACY, REDUCTION], functionalParams: [...LEGACY, REDUCTION] },
  { module: 'MSELoss', functional: 'mse_loss', kind: 'elementwise', moduleParams: [...LEGACY, REDUCTION], functionalParams: [...LEGACY, REDUCTION] },
  {
    module: 'SmoothL1Loss',
    functional: 'smooth_l1_loss',
    kind: 'elementwise',
    moduleParams: [...LEGACY, REDUCTION, { name: 'beta', default: 1.0 }],
    functionalParams: [...LEGACY, REDUCTION, { name: 'beta', default: 1.0 }],
  },
  { module: 'HuberLoss', functional: 'huber_loss', kind: 'elementwise', moduleParams: [REDUCTION, { name: 'delta', default: 1.0 }], functionalParams: [REDUCTION, { name: 'delta', default: 1.0 }] },
  {
    module: 'KLDivLoss',
    functional: 'kl_div',
    kind: 'elementwise',
    moduleParams: [...LEGACY, REDUCTION, { name: 'log_target', default: false }],
    functionalParams: [...LEGACY, REDUCTION, { name: 'log_target', default: false }],
  },
  {
    module: 'BCELoss',
    functional: 'binary_cross_entropy',
    kind: 'binary',
    moduleParams: [{ name: 'weight', default: null }, ...LEGACY, REDUCTION],
    functionalParams: [{ name: 'weight', default: null }, ...LEGACY, REDUCTION],
  },
  {
    module: 'BCEWithLogitsLoss',
    functional: 'binary_cross_entropy_with_logits',
    kind: 'binary',
    moduleParams: [{ name: 'weight', default: null }, ...LEGACY, REDUCTION, { name: 'pos_weight', default: null }],
    functionalParams: [{ name: 'weight', default: null }, ...LEGACY, REDUCTION, { name: 'pos_weight', default: null }],
  },
  {
    module: 'CrossEntropyLoss',
    functional: 'cross_entropy',
    kind: 'class',
    moduleParams: [{ name: 'weight', default: null }, LEGACY[0], { name: 'ignore_index', default: -100 }, LEGACY[1], REDUCTION, { name: 'label_smoothing', default: 0.0 }],
    functionalParams: [{ name: 'weight', default: null }, LEGACY[0], { name: 'ignore_index', default: -100 }, LEGACY[1], REDUCTION, { name: 'label_smoothing', default: 0.0 }],
  },
  {
    module: 'NLLLoss',
    functional: 'nll_loss',
    kind: 'nll',
    moduleParams: [{ name: 'weight', default: null }, LEGACY[0], { name: 'ignore_index', default: -100 }, LEGACY[1], REDUCTION],
    functionalParams: [{ name: 'weight', default: null }, LEGACY[0], { name: 'ignore_index', default: -100 }, LEGACY[1], REDUCTION],
  },
];

/**
 * The reduction in force: `reduction=`, or the legacy `size_average`/`reduce` pair when either is
 * given (reduce=False means 'none', size_average=False 'sum'); null when it cannot be read.
 */
function reductionOf(ctx: RuleContext): string | null {
  const legacy = (name: string) => ctx.has(name) && ctx.value(name) !== null;
  if (legacy('size_average') || legacy('reduce')) {
    const reduce = legacy('reduce') ? ctx.bool('reduce') : true;
    const sizeAverage = legacy('size_average') ? ctx.bool('size_average') : true;
    if (reduce === false) return 'none';
    if (reduce === null || sizeAverage === null) return null;
    return sizeAverage ? 'mean' : 'sum';
  }
  return ctx.str('reduction');
}

function shapesText(input: Dim[], target: Dim[]): string {
  return `input ${formatShape(input)} and target ${formatShape(target)}`;
}

/** The element-wise shape of the loss (reduction='none'), reporting what PyTorch refuses. */
function unreducedShape(ctx: RuleContext, kind: LossKind, input: Shape, target: Shape, origins: [string, string]): Shape {
  const both = input !== null && target !== null;
  const where = `; the input is ${origins[0]}, the target ${origins[1]}`;
  switch (kind) {
    case 'elementwise': {
      if (!both) return null;
      const result = broadcast(input, target);
      if (result.conflict) {
        const { a, b } = result.conflict;
        ctx.error('broadcast-mismatch', `${ctx.kind}: the size of tensor a (${dimToString(a)}) must match the size of tensor b (${dimToString(b)}) at a non-singleton dimension (${shapesText(input, target)})${where}`);
        return null;
      }
      return result.shape;
    }
    case 'binary': {
      if (!both) return input;
      const differs = input.length !== target.length || input.some((d, i) => equalDims(d, target[i]) === false);
      if (differs) ctx.error('broadcast-mismatch', `${ctx.kind}: target size ${formatShape(target)} must be the same as input size ${formatShape(input)}${where}`);
      return input;
    }
    case 'class':
    case 'nll': {
      if (input === null) return null;
      // (C) unbatched: one loss; (N, C, d1, ...): one per sample and position.
      const perSample = input.length >= 2 ? [input[0], ...input.slice(2)] : [];
      if (target === null) return perSample;
      if (input.length >= 2 && target.length === input.length - 1) {
        const axis = perSample.findIndex((d, i) => equalDims(d, target[i]) === false);
        if (axis === 0) ctx.error('broadcast-mismatch', `${ctx.kind}: expected input batch_size (${dimToString(input[0])}) to match target batch_size (${dimToString(target[0])})${where}`);
        else if (axis > 0) ctx.error('broadcast-mismatch', `${ctx.kind}: size mismatch (got input: ${formatShape(input)}, target: ${formatShape(target)})${where}`);
      } else if (kind === 'class' && target.length === input.length) {
        // Class probabilities: the target has the input's shape.
        if (input.some((d, i) => equalDims(d, target[i]) === false)) ctx.error('broadcast-mismatch', `${ctx.kind}: a target of class probabilities must have the input's shape (${shapesText(input, target)})${where}`);
      }
      return perSample;
    }
  }
}

function lossRule(kind: LossKind, read: (ctx: RuleContext) => { input: Shape; target: Shape; origins: [string, string] }) {
  return (ctx: RuleContext): RuleResult => {
    const { input, target, origins } = read(ctx);
    const unreduced = unreducedShape(ctx, kind, input, target, origins);
    const reduction = reductionOf(ctx);
    if (reduction === 'mean' || reduction === 'sum' || reduction === 'batchmean') return { output: [], params: 0 };
    if (reduction === 'none') return { output: unreduced, params: 0 };
    return { output: null, params: 0 };
  };
}

function moduleDef(spec: LossSpec): LayerDef {
  const infer = lossRule(spec.kind, (ctx) => ({ input: ctx.inputs[0] ?? null, target: ctx.inputs[1] ?? null, origins: [ctx.origin(0), ctx.origin(1)] }));
  return { kind: spec.module, framework: 'torch', names: [`torch.nn.${spec.module}`, `torch.nn.modules.loss.${spec.module}`], params: spec.moduleParams, infer };
}

function functionalDef(spec: LossSpec): OpDef {
  const infer = lossRule(spec.kind, (ctx) => ({ input: ctx.tensor('input') ?? null, target: ctx.tensor('target') ?? null, origins: [ctx.origin('input'), ctx.origin('target')] }));
  return { kind: spec.functional, names: [`torch.nn.functional.${spec.functional}`], params: [{ name: 'input' }, { name: 'target' }, ...spec.functionalParams], infer };
}

export const layers: LayerDef[] = SPECS.map(moduleDef);
export const ops: OpDef[] = SPECS.map(functionalDef);
