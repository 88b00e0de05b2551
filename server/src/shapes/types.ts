// The vocabulary of shape inference: shapes, argument values as rules see them, the rule context,
// and the definitions of layers and ops that each family file registers.
//
// Rules are pure functions of normalised arguments and input shapes. They never see syntax trees,
// Python values or LSP types; the interpreter (server/src/python/) binds call arguments to a
// definition's parameters and hands the rule a RuleContext.

import type { Count } from './count';
import type { Dim, Expr } from './dim';

export type Framework = 'torch' | 'keras';

/** A tensor shape: one Dim per axis, or null when even the rank is unknown. */
export type Shape = Dim[] | null;

/** Several outputs (an LSTM's `(output, (h_n, c_n))`, `torch.split`, Keras `return_state`). */
export class TupleOut {
  constructor(readonly items: Output[]) {}
}

/** What a layer or op produces. */
export type Output = Shape | TupleOut;

/** An argument value the interpreter could not determine. */
export class UnknownArg {
  static readonly instance = new UnknownArg();
  private constructor() {}
}

/** A tensor passed as an argument (for ops such as `torch.cat([a, b], 1)`). */
export class TensorArg {
  constructor(
    readonly shape: Shape,
    /** Where it came from, for messages: "Flatten of (1, 6, 7, 7) at line 18". */
    readonly origin: string,
    /** A constant tensor made from numbers written in the code: those numbers. */
    readonly values?: ArgValue,
  ) {}
}

/**
 * An argument as a rule sees it: numbers (possibly symbolic), strings, booleans, `None` as null,
 * tuples and lists as arrays, tensors, or unknown.
 */
export type ArgValue = number | Expr | string | boolean | null | ArgValue[] | UnknownArg | TensorArg | LayerArg | ReferenceArg;

/** A library function or name passed as an argument (`activation=tf.nn.relu`): which one, normalised; never a shape. */
export class ReferenceArg {
  constructor(readonly name: string) {}
}

/**
 * A layer passed as an argument to a wrapper (Keras `Bidirectional(LSTM(64))`, `TimeDistributed(Dense(8))`).
 * A wrapper's rule runs the inner definition through `ctx.runLayer`.
 */
export class LayerArg {
  constructor(
    readonly def: LayerDef,
    /** The inner layer's bound arguments (opaque to rules; pass back to ctx.runLayer). */
    readonly bound: unknown,
  ) {}
}

/** The stable rule codes; mirrored in package.json settings. */
export const RULE_CODES = [
  'conv-in-channels',
  'linear-in-features',
  'norm-num-features',
  'nonpositive-size',
  'reshape-size',
  'cat-mismatch',
  'broadcast-mismatch',
  'rank-mismatch',
  'rnn-input-size',
  'groups-divisible',
  'embedding-dim',
  'shape-assert',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** A replacement value for an argument, for the quick fix. */
export interface ArgFix {
  arg: string;
  /** The argument's replacement (NaN where only `inputWidth` is known). */
  value: number;
  /** Or the width (axis 1) the input would need: the layer that produced it may be the one to change. */
  inputWidth?: { received: number; wanted: number };
}

export interface RuleContext {
  readonly framework: Framework;
  /** The layer or op kind, e.g. `Conv2d`, `relu`. */
  readonly kind: string;
  /** The tensors the layer is applied to (layers only; ops read their tensor arguments by name). */
  readonly inputs: Shape[];
  /** Where each input came from, for messages. */
  readonly inputOrigins: string[];
  /** True when the argument was written at the call site (not a default). */
  has(name: string): boolean;
  /** The bound value, or the default. */
  value(name: string): ArgValue;
  /** An integer argument (possibly symbolic); null when unknown or not an integer. */
  int(name: string): Dim;
  float(name: string): number | null;
  str(name: string): string | null;
  bool(name: string): boolean | null;
  /** An int-or-tuple argument expanded to n entries (`3` → `[3, 3]`); null when unknown or of another length. */
  tuple(name: string, n: number): Dim[] | null;
  /** A tensor argument's shape; undefined when the argument is not a tensor. */
  tensor(name: string): Shape | undefined;
  /** Where a tensor argument came from (by parameter name), or an input (by index). */
  origin(nameOrIndex: string | number): string;
  /** How the argument reads in a message: `1176 (6*14*14)`, `3 (default)`. */
  describe(name: string): string;
  /** Reports a definite contradiction, underlined on `arg` when given (else the whole call). */
  error(code: RuleCode, message: string, arg?: string, fix?: ArgFix): void;
  /** A line of explanation for the hover, such as the formula of a spatial size. */
  note(text: string): void;
  /** Runs a wrapped layer's rule on other inputs; its errors are reported as this layer's. */
  runLayer(layer: LayerArg, inputs: Shape[]): RuleResult;
}

export interface RuleResult {
  output: Output;
  /** Trainable and non-trainable parameter count (as torchinfo / Keras count them), exact past 2^53; undefined for ops. */
  params?: Count | null;
  /** The part of `params` Keras counts as non-trainable, where the rule knows it (a whole keras.applications model). */
  frozenParams?: number;
  /**
   * Constructor arguments as this call settled them, where a call keyword changes them (the
   * output_padding that a transposed convolution's `output_size=` implies); merged into the
   * record's arguments so that consumers rebuild the layer as it ran.
   */
  settledArgs?: Record<string, ArgValue>;
}

export interface Param {
  name: string;
  /** Default value; a parameter without one is required. */
  default?: ArgValue;
  /** `*args` collects extra positional arguments into a list. */
  varargs?: boolean;
  /** `**kwargs` accepts any other keyword. */
  varkw?: boolean;
  kwOnly?: boolean;
}

/** A layer class: constructed with arguments, then applied to tensors. */
export interface LayerDef {
  kind: string;
  framework: Framework;
  /** Qualified names: `torch.nn.Conv2d`, `keras.layers.Conv2D` (tf.keras spellings are normalised to `keras.`). */
  names: string[];
  params: Param[];
  infer(ctx: RuleContext): RuleResult;
  /**
   * The parameters of the layer's forward after its input (`indices`, `output_size` of
   * MaxUnpool2d): a positional argument that is not a tensor reaches the rule as `call.<name>`.
   */
  callParams?: string[];
  /**
   * The keras.applications model this layer is (or lies in), by its Keras name: its graph lives in
   * the generated table, so nothing rebuilds or converts it layer by layer.
   */
  application?: string;
  /**
   * What a PyTorch module holds once built, as code reads it (`self.weight.size()`, `conv.stride`):
   * read through the same context as `infer`, without inputs.
   */
  attributes?(ctx: RuleContext): ModuleAttributes;
}

/**
 * A built module's attributes: each parameter's shape (`'none'` where the module holds None, as a
 * convolution built with bias=False does; left out where unknown), and the arguments the module
 * keeps in a normalised form (`stride=2` kept as `(2, 2)`).
 */
export interface ModuleAttributes {
  parameters: Record<string, Dim[] | 'none'>;
  kept: Record<string, ArgValue>;
}

/**
 * A function, tensor method or operator applied to tensors: `torch.nn.functional.relu`,
 * `torch.flatten`, `Tensor.view`, `operator.add`. For tensor methods the first parameter is the tensor.
 */
export interface OpDef {
  kind: string;
  names: string[];
  params: Param[];
  infer(ctx: RuleContext): RuleResult;
}
