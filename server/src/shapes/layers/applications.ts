// Layer family: the keras.applications models (ResNet50, MobileNetV2, EfficientNetB0, ...) as one
// row each, as Keras's summary lists a nested model (`resnet50 (Functional)`), and the layers of
// them that `get_layer(name)` reaches. The sizes come from the generated table
// (model/keras-applications.ts); this file turns the bound constructor arguments into its
// configuration and the table's answers into rule results.
//
// The interpreter builds the model value and applies these defs (python/library.ts); they are not
// in the registry, since a constructor here makes a model, not a layer.

import { asInt } from '../context';
import { ApplicationConfig, applicationLayer, applicationOutput, applicationParams, applicationParamsCount, ApplicationTable } from '../../model/keras-applications';
import type { ArgValue, LayerDef, RuleContext, RuleResult } from '../types';

/** The configuration the bound arguments choose; unknown values stay unknown (null / undefined). */
export function applicationConfig(values: ReadonlyMap<string, ArgValue>): ApplicationConfig {
  const top = values.get('include_top');
  const pooling = values.get('pooling');
  return {
    includeTop: typeof top === 'boolean' ? top : null,
    pooling: pooling === null || pooling === undefined ? null : typeof pooling === 'string' ? pooling : undefined,
    classes: asInt(values.get('classes') ?? 1000),
  };
}

/** The constructor as a layer: its output and parameters for the input it is applied to. */
export function applicationDef(t: ApplicationTable): LayerDef {
  return {
    kind: 'Functional',
    framework: 'keras',
    names: t.names,
    application: t.model,
    params: [...applicationParams(t)],
    infer(ctx: RuleContext): RuleResult {
      const values = new Map<string, ArgValue>();
      for (const name of ['include_top', 'pooling', 'classes']) values.set(name, ctx.value(name));
      const config = applicationConfig(values);
      const input = ctx.inputs[0] ?? null;
      const count = applicationParamsCount(t, config, input);
      // Frozen with `model.trainable = False` (set after construction), every parameter is non-trainable.
      const frozen = ctx.value('trainable') === false && count ? count.trainable + count.frozen : count?.frozen;
      return { output: applicationOutput(t, config, input), params: count ? count.trainable + count.frozen : null, frozenParams: frozen };
    },
  };
}

/**
 * The layer `get_layer(name)` finds in a model built with `config`, applied to that model's input:
 * its class and output. Undefined for a name the table does not list.
 */
export function applicationLayerDef(t: ApplicationTable, name: string, config: ApplicationConfig): LayerDef | undefined {
  const found = applicationLayer(t, name, config, null);
  if (!found) return undefined;
  return {
    kind: found.cls,
    framework: 'keras',
    names: [],
    application: t.model,
    params: [{ name: 'name', default: name }],
    infer(ctx: RuleContext): RuleResult {
      return { output: applicationLayer(t, name, config, ctx.inputs[0] ?? null)?.output ?? null, params: null };
    },
  };
}
