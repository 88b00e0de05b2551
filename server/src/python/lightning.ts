// PyTorch Lightning's training loop, as far as it shows how a script feeds its models: a
// `LightningModule` is an nn.Module (model/library.ts), and `Trainer(...).fit(model, ...)` (or
// `validate`, `test`, `predict`) runs the module's step on the first batch of its loader. The
// loader is the one passed (`train_dataloaders=`, `dataloaders=`, positional), else the
// datamodule's hook (`train_dataloader()` after `prepare_data()` and `setup(stage)`), else the
// module's own hook. The step runs once, recording nothing: the calls it makes (`self(x)`,
// `self.model(x)`) are example calls like those a plain training loop makes.
//
// `lightning`, `lightning.pytorch` and `pytorch_lightning` are modelled by name and never read from
// an environment; every other name of theirs (callbacks, loggers) is unknown.

import type { SyntaxNode } from '../syntax/parse';
import type { Interpreter } from './interpreter';
import { loaderElement } from './torchdata';
import { ClassValue, int, NONE, ObjectValue, str, UNKNOWN, Value } from './values';

const TRAINER = 'lightning.Trainer';
const LIGHTNING_DATAMODULE = 'lightning.LightningDataModule';

/** Each Trainer method: the module's step it runs, the loader hook it reads, the loader keyword, and the stage `setup` is given. */
const RUNS: Record<string, { step: string; hook: string; keyword: string; stage: string }> = {
  fit: { step: 'training_step', hook: 'train_dataloader', keyword: 'train_dataloaders', stage: 'fit' },
  validate: { step: 'validation_step', hook: 'val_dataloader', keyword: 'dataloaders', stage: 'validate' },
  test: { step: 'test_step', hook: 'test_dataloader', keyword: 'dataloaders', stage: 'test' },
  predict: { step: 'predict_step', hook: 'predict_dataloader', keyword: 'dataloaders', stage: 'predict' },
};

/** Steps one Trainer call's module step may take, its model calls included. */
const STEP_BUDGET = 200_000;

/** `lightning.Trainer(...)`: a trainer; undefined for other names. */
export function lightningCall(interp: Interpreter, name: string, node: SyntaxNode): Value | undefined {
  if (name !== TRAINER) return undefined;
  const cls: ClassValue = { t: 'class', name: 'Trainer', node, bases: [], attrs: new Map(), id: interp.newId(), library: TRAINER };
  return { t: 'object', cls, attrs: new Map(), node, id: interp.newId() };
}

export function isLightningObject(obj: ObjectValue): boolean {
  return obj.cls.library === TRAINER;
}

/** A trainer's `fit`, `validate`, `test`, `predict`; any other attribute is unknown. */
export function lightningAttr(obj: ObjectValue, name: string): Value {
  return name in RUNS ? { t: 'builtin', name: `${TRAINER}.${name}`, self: obj } : UNKNOWN;
}

/** `trainer.fit(model, train_loader)`, `trainer.fit(model, datamodule=dm)`...: the module's step run once on the first batch. */
export function lightningMethod(interp: Interpreter, _self: ObjectValue, method: string, args: Value[], kwargs: Map<string, Value>, node: SyntaxNode): Value {
  const run = Object.hasOwn(RUNS, method) ? RUNS[method] : undefined;
  const model = kwargs.get('model') ?? args[0];
  if (!run || model?.t !== 'object') return UNKNOWN;
  const second = args[1];
  const isDataModule = (v: Value | undefined): v is ObjectValue => v?.t === 'object' && interp.mro(v.cls).some((c) => c.bases.some((b) => (b.t === 'builtin' || b.t === 'module') && b.name === LIGHTNING_DATAMODULE));
  const datamodule = kwargs.get('datamodule') ?? (isDataModule(second) ? second : undefined);
  let loader = kwargs.get(run.keyword) ?? kwargs.get(run.keyword.replace(/s$/, '')) ?? (second && !isDataModule(second) ? second : undefined);
  if (!loader && isDataModule(datamodule)) {
    interp.runMethodAside(datamodule, 'prepare_data', [], node, STEP_BUDGET);
    interp.runMethodAside(datamodule, 'setup', [str(run.stage)], node, STEP_BUDGET);
    loader = interp.runMethodAside(datamodule, run.hook, [], node, STEP_BUDGET);
  }
  if (!loader) loader = interp.runMethodAside(model, run.hook, [], node, STEP_BUDGET);
  // Several loaders (a list of them): the step sees the first's batches first.
  if (loader && (loader.t === 'list' || loader.t === 'tuple')) loader = loader.items[0];
  const batch = loader ? loaderElement(loader) : undefined;
  if (batch && batch.t !== 'unknown') interp.runMethodAside(model, run.step, [batch, int(0)], node, STEP_BUDGET);
  return method === 'fit' ? NONE : UNKNOWN;
}
