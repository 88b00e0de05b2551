// The plain data that analysis returns to its consumers (CLI, language server, converter,
// confirmation). Ranges are 0-based lines and columns, like tree-sitter and LSP; the CLI's JSON
// adds one to each. A range lies in the analysed file unless a `path` beside it names another file
// of the workspace (a block imported from blocks.py). Nothing here depends on LSP types.

import type { Workspace } from '../workspace/files';

import type { Count } from '../shapes/count';
import type { Dim } from '../shapes/dim';
import type { ModelCosts } from './costs';
import type { ArgValue, Framework, Output, RuleCode, Shape } from '../shapes/types';

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A text edit that repairs a wrong number, already written in the user's style. */
export interface Fix {
  title: string;
  range: Range;
  /** The file the range lies in, when it is not the analysed file. */
  path?: string;
  newText: string;
}

export interface RelatedInfo {
  range: Range;
  /** The file the range lies in, when it is not the analysed file. */
  path?: string;
  message: string;
}

export type Severity = 'error' | 'warning' | 'information';

export interface ShapeDiagnostic {
  code: RuleCode;
  severity: Severity;
  message: string;
  range: Range;
  /** The file the range lies in, when it is not the analysed file (an error inside an imported block). */
  path?: string;
  /** Where the numbers in the message came from. */
  related: RelatedInfo[];
  fixes: Fix[];
}

/** One application of a layer, function, tensor method or operator, in execution order. */
export interface LayerRecord {
  /** `Conv2d`, `Dense`, or an op name such as `relu`, `view`, `cat`, `add`. */
  kind: string;
  /** True for a layer object (nn.Module / keras layer); false for functions, methods, operators. */
  module: boolean;
  /** The module's attribute path in the model (`model.0`, `layer1.0.conv_a`); null for ops. */
  name: string | null;
  /** The constructor call of a module, or the op's call. */
  range: Range;
  /** The file `range` lies in, when it is not the analysed file. */
  path?: string;
  /**
   * A module that is no layer but has no child module (a user module whose forward runs only ops,
   * an empty nn.Sequential): a leaf of PyTorch's module tree, as forward hooks and torchinfo see it.
   * Its forward's records come before it; it names no `layerId`, has no cost of its own, and its
   * `params` are its own `nn.Parameter`s. Converters and confirmations pass over it.
   */
  leaf?: true;
  /**
   * A record made inside a custom Keras layer's `call` (a `keras.layers.Layer` subclass, whose own
   * record is a `leaf` after them): the index of that layer's record. Keras's summary shows the
   * custom layer as one row; `layers` keeps what it computes, flat, as for a nested model.
   */
  within?: number;
  /** The call that applied it (for layers inside a Sequential: the line calling the Sequential). */
  callRange: Range;
  /** The file `callRange` lies in, when it is not the analysed file. */
  callPath?: string;
  input: Shape[];
  output: Output;
  /** Parameter count for modules, exact (a bigint past 2^53); undefined for ops. */
  params?: Count | null;
  /** Mult-adds of this application, by torchinfo's definition (costs.ts); modules only, null when unknown. */
  multAdds?: Dim;
  /** Bytes of the output (its first tensor for a tuple) at the layer's dtype; modules only. */
  outputBytes?: Dim;
  /** A keras.applications model, or a layer of one reached with get_layer: that model's Keras name (LayerDef.application). */
  application?: string;
  /** The part of `params` Keras counts as non-trainable, where the rule says (a keras.applications model). */
  frozenParams?: number;
  /** Explanations for the hover: the formulas of spatial sizes. */
  notes: string[];
  /** For layers: the identity of the layer object (the same id when one layer is applied twice); null for ops. */
  layerId: number | null;
  /** For layers: the constructor's arguments as bound to the framework's signature (defaults included). */
  args: Record<string, ArgValue> | null;
  /** Arguments written at the call site (the rest are defaults). */
  given: string[];
  /** For each input, the index in `layers` of the record that produced it; -1 for a model input or unknown. */
  inputsFrom: number[];
  /** For each input, the index of the model input it is (or -1). */
  modelInputs: number[];
}

/** One call of a user module used as a block inside a model (`self.layer2(out)` of a `BasicBlock`). */
export interface BlockRecord {
  /** The block's class name. */
  kind: string;
  /** Its attribute path in the model (`layer2`); null when it has none. */
  name: string | null;
  /** The call that built it (`BasicBlock(64, 128, 2)`); null when unknown. */
  range: Range | null;
  /** The file `range` lies in, when it is not the analysed file. */
  path?: string;
  /** The call that applied it. */
  callRange: Range;
  /** The file `callRange` lies in, when it is not the analysed file. */
  callPath?: string;
  input: Shape[];
  output: Output;
  /** Parameters of the distinct layers this call applied, exact past 2^53; null when some are unknown. */
  params: Count | null;
  /** The indices in the model's `layers` of the records this call made. */
  layers: number[];
  /** A Keras Sequential called as a layer (`kind` is then `Sequential`): the `name=` it was given, if any. */
  sequential?: { name?: string };
}

/** The shape of a named tensor after an assignment, for hovers and inlay hints. */
export interface TensorNote {
  name: string;
  range: Range;
  /** The file the range lies in, when it is not the analysed file. */
  path?: string;
  shape: Output;
  /** The shape the analysis found before a `# shape:` comment filled in sizes, where one did. */
  inferred?: Output;
}

/** Where a model's input came from; `annotation`: a jaxtyping annotation on its forward()/call() input. */
export type InputSource = 'comment' | 'call' | 'flag' | 'inferred' | 'symbolic' | 'layer' | 'build' | 'annotation';

export interface ModelResult {
  name: string;
  framework: Framework;
  /** The class name or the variable that names the model. */
  range: Range;
  /** The whole definition: the class, the building function, or the assignment statement. */
  extent: Range;
  /** The file `range` and `extent` lie in, when it is not the analysed file (a class imported and built here). */
  path?: string;
  input: Shape[];
  inputSource: InputSource;
  layers: LayerRecord[];
  output: Output;
  /** Sum of the parameters of every distinct layer object applied; null when some are unknown. */
  totalParams: Count | null;
  /** The totals torchinfo prints under its table: mult-adds, input, forward/backward pass, params, estimated total. */
  costs: ModelCosts;
  assignments: TensorNote[];
  /** The calls of user modules used as blocks inside it, in execution order. */
  blocks?: BlockRecord[];
  /** A Keras functional model's outputs, in its order: the index in `layers` of the record producing each (-1: a model input or unknown). */
  outputsFrom?: number[];
}

export interface AnalysisResult {
  models: ModelResult[];
  diagnostics: ShapeDiagnostic[];
  /** The other files of the workspace and its environment that the analysis read (absent when analysed alone). */
  files?: string[];
  /**
   * False when the fixes were not proven (`proveFixes: false`): they are candidates only, and the
   * errors are where the blame rule puts them before a proof moves or folds them.
   */
  fixesProven?: false;
}

export interface AnalyzeOptions {
  /** Input shape(s) from the `--input` flag or a setting, e.g. `(1, 3, 32, 32)`. */
  input?: string;
  /** The analysed file's absolute path ('/'-separated), for its relative imports and for the files that import it. */
  path?: string;
  /** The other files the analysed one may import, and where imports are searched; absent, imports are library names. */
  workspace?: Workspace;
  /** In a workspace, the model that the input shape of `input` is meant for (as `--model NAME`). */
  model?: string;
  /**
   * False: offer the fixes without proving them. By default each fix is applied to the text and
   * the file analysed again (a bounded number of times), and only fixes that remove their error
   * without adding one are offered (analysis/prove.ts).
   */
  proveFixes?: boolean;
  /**
   * Asked now and then during a long analysis; once it says yes the analysis stops early and its
   * (partial) result must be thrown away. The language server cancels a document's analysis when
   * a newer edit of it arrives.
   */
  isCancelled?: () => boolean;
}
