// Table tests of the loss family (server/src/shapes/layers/loss.ts), module and functional forms.
// Expectations computed once with real PyTorch 1.13 (nn.XLoss(reduction=...)(input, target).shape,
// and the inputs PyTorch refuses) and pasted below.

import { describe, expect, it } from 'vitest';
import { formatOutput } from '../../server/src/shapes/shape';
import { UnknownArg } from '../../server/src/shapes/types';
import { op, Tensor } from '../helpers/rules';
import { torchTableTests, type RefusedRow, type TorchRow } from '../helpers/torch-table';

const ROWS: TorchRow[] = [
  ['CrossEntropyLoss', [], {}, [[4, 10], [4]], '()', 0],
  ['CrossEntropyLoss', [], { reduction: 'sum' }, [[4, 10, 5, 6], [4, 5, 6]], '()', 0],
  ['CrossEntropyLoss', [], { reduction: 'none' }, [[4, 10], [4]], '(4)', 0],
  ['CrossEntropyLoss', [], { reduction: 'none' }, [[4, 10, 5, 6], [4, 5, 6]], '(4, 5, 6)', 0],
  ['CrossEntropyLoss', [], { reduction: 'none' }, [[4, 10], [4, 10]], '(4)', 0],
  ['CrossEntropyLoss', [], { reduction: 'none' }, [[10], []], '()', 0],
  ['NLLLoss', [], { reduction: 'none' }, [[4, 10], [4]], '(4)', 0],
  ['MSELoss', [], {}, [[4, 3, 5], [4, 3, 5]], '()', 0],
  ['MSELoss', [], { reduction: 'none' }, [[4, 3, 5], [4, 1, 5]], '(4, 3, 5)', 0],
  ['MSELoss', [], { reduce: false }, [[4, 3], [4, 3]], '(4, 3)', 0],
  ['L1Loss', [], { reduction: 'none' }, [[4, 3], [4, 3]], '(4, 3)', 0],
  ['SmoothL1Loss', [], { reduction: 'none' }, [[4, 3], [4, 3]], '(4, 3)', 0],
  ['HuberLoss', [], { reduction: 'none', delta: 0.5 }, [[4, 3], [4, 3]], '(4, 3)', 0],
  ['HuberLoss', [], {}, [[4, 3], [4, 1]], '()', 0],
  ['KLDivLoss', [], { reduction: 'batchmean' }, [[4, 3], [4, 3]], '()', 0],
  ['KLDivLoss', [], { reduction: 'none' }, [[4, 3], [4, 3]], '(4, 3)', 0],
  ['BCELoss', [], { reduction: 'none' }, [[4, 3], [4, 3]], '(4, 3)', 0],
  ['BCEWithLogitsLoss', [], {}, [[4, 3], [4, 3]], '()', 0],
];

const REFUSED: RefusedRow[] = [
  // The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1
  ['MSELoss', [], {}, [[4, 3], [4, 4]], 'broadcast-mismatch', null, null],
  ['L1Loss', [], {}, [[4, 3], [5, 3]], 'broadcast-mismatch', null, null],
  ['SmoothL1Loss', [], {}, [[4, 3], [4, 4]], 'broadcast-mismatch', null, null],
  // Using a target size (torch.Size([4, 1])) that is different to the input size (torch.Size([4, 3]))
  ['BCELoss', [], {}, [[4, 3], [4, 1]], 'broadcast-mismatch', null, null],
  // Target size (torch.Size([4])) must be the same as input size (torch.Size([4, 1]))
  ['BCEWithLogitsLoss', [], {}, [[4, 1], [4]], 'broadcast-mismatch', null, null],
  // Expected input batch_size (4) to match target batch_size (5).
  ['CrossEntropyLoss', [], {}, [[4, 10], [5]], 'broadcast-mismatch', null, null],
  ['NLLLoss', [], {}, [[4, 10], [5]], 'broadcast-mismatch', null, null],
  // size mismatch (got input: [4, 10, 5, 6] , target: [4, 5, 7]
  ['CrossEntropyLoss', [], {}, [[4, 10, 5, 6], [4, 5, 7]], 'broadcast-mismatch', null, null],
];

describe('PyTorch loss modules agree with PyTorch', () => {
  torchTableTests(ROWS, REFUSED);
});

describe('functional losses', () => {
  it('share the modules rule', () => {
    const t = (shape: number[]) => new Tensor(shape, 'a tensor');
    expect(formatOutput(op('torch.nn.functional.cross_entropy', [t([4, 10, 5, 6]), t([4, 5, 6])], { reduction: 'none' }).output)).toBe('(4, 5, 6)');
    expect(formatOutput(op('torch.nn.functional.mse_loss', [t([4, 3]), t([4, 3])], {}).output)).toBe('()');
  });

  it('an unknown reduction leaves the output unknown, and a target of unknown shape errs on nothing', () => {
    const t = (shape: number[] | null) => new Tensor(shape, 'a tensor');
    expect(op('torch.nn.functional.mse_loss', [t([4, 3]), t([4, 3])], { reduction: UnknownArg.instance }).output).toBeNull();
    expect(op('torch.nn.functional.cross_entropy', [t([4, 10]), t(null)], {}).errors).toEqual([]);
  });
});
