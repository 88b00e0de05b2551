// What the interpreter records while it runs a model: every application of a layer or op with
// its shapes, the definite contradictions the rules found, and the shapes of assigned tensors.
// Plain data keyed to syntax nodes; analysis/ turns it into ranges and messages for consumers.

import type { Count } from '../shapes/count';
import type { SyntaxNode } from '../syntax/parse';
import { lineLabel } from '../syntax/tree';
import type { ArgValue, Framework, Output, RuleCode, Shape } from '../shapes/types';
import type { ContainerValue, LayerValue, ObjectValue, TensorValue } from './values';

export interface TraceRecord {
  seq: number;
  kind: string;
  module: boolean;
  framework: Framework;
  layer: LayerValue | null;
  /** Constructor call of a layer, or the op's own call. */
  defNode: SyntaxNode;
  /** The call in the user's code that applied it. */
  callNode: SyntaxNode;
  inputs: TensorValue[];
  output: Output;
  outputs: TensorValue[];
  params?: Count | null;
  /** RuleResult.frozenParams. */
  frozenParams?: number;
  notes: string[];
  /** Constructor arguments this call settled (RuleResult.settledArgs). */
  settledArgs?: Record<string, ArgValue>;
  /**
   * A module with no child modules that is not a layer (a user module whose forward runs only ops,
   * an empty nn.Sequential): PyTorch's forward hooks see it as a leaf. Its record follows those of
   * its forward, as the hook fires when it returns; it names no layer and counts no parameters.
   */
  leaf?: ObjectValue | ContainerValue;
  /**
   * A custom Keras layer's call (`leaf` is the layer): the records its `call` made are those from
   * `firstSeq` to this one, and `name` is the `name=` it was built with, where one was given.
   */
  kerasLayer?: { firstSeq: number; name?: string };
}

export interface RawDiagnostic {
  code: RuleCode;
  message: string;
  node: SyntaxNode;
  related: { node: SyntaxNode; message: string }[];
  /** The replacement number for `node`, and the shape it was flattened from (to write `6*7*7`). */
  fix?: { value: number; flattenedFrom?: Shape };
  /** The width the layer's input would need, where the layer that produced it may be the one to change. */
  inputWidth?: { received: number; wanted: number };
  /** The layer the error is about, and the argument that disagrees (its chain says where the number came from). */
  layer?: LayerValue;
  arg?: string;
  /** A fix that is not a number: `node`'s text replaced (`)` by `, return_sequences=True)`). */
  edit?: { node: SyntaxNode; newText: string; title: string };
}

/** A call as a message quotes it: its first line, shortened. */
function callText(call: SyntaxNode): string {
  const first = call.text.split('\n')[0];
  return first.length > 40 ? `${first.slice(0, 37)}...` : first;
}

export interface AssignmentNote {
  name: string;
  node: SyntaxNode;
  shape: Output;
  /** The shape found before a `# shape:` comment filled in sizes, where one did. */
  inferred?: Output;
  seq: number;
}

/** One call of a user module (a block such as `BasicBlock`) or of a nested Keras Sequential inside a model's forward pass. */
export interface BlockCall {
  object: ObjectValue | ContainerValue;
  /** The call that applied it (`self.layer2(out)`). */
  callNode: SyntaxNode;
  inputs: TensorValue[];
  output: Output;
  /** The records of this call are those with `firstSeq <= seq < endSeq`. */
  firstSeq: number;
  endSeq: number;
}

export class Trace {
  records: TraceRecord[] = [];
  blocks: BlockCall[] = [];
  diagnostics: RawDiagnostic[] = [];
  notes: AssignmentNote[] = [];
  private seq = 1;
  /** While false (probing runs), nothing is kept. */
  enabled = true;

  nextSeq(): number {
    return this.seq++;
  }

  /** The number the next record will take. */
  peekSeq(): number {
    return this.seq;
  }

  addBlock(b: BlockCall): void {
    if (this.enabled) this.blocks.push(b);
  }

  addRecord(r: TraceRecord): void {
    if (this.enabled) this.records.push(r);
  }

  /**
   * The calls of user modules being run, outermost first: the model's own run, then each block
   * called inside it (`self.layer2(out)`). An error found inside a block names the block's call.
   */
  readonly blockCalls: SyntaxNode[] = [];
  /** The message of each kept diagnostic as first found, before the block call was added to it. */
  private readonly keys = new Map<RawDiagnostic, string>();

  addDiagnostic(d: RawDiagnostic): void {
    if (!this.enabled) return;
    const key = `${d.node.file}:${d.node.startIndex}:${d.node.endIndex}:${d.code}:${d.message}`;
    const call = this.blockCalls.length >= 2 ? this.blockCalls[this.blockCalls.length - 1] : undefined;
    const same = this.diagnostics.find((x) => this.keys.get(x) === key);
    if (same) {
      // The same mistake met again in another call of the block: that call joins its related information.
      if (call && !same.related.some((r) => r.node === call)) same.related.push({ node: call, message: `also in this call of the block (${callText(call)})` });
      return;
    }
    const kept = call ? { ...d, message: `${d.message} (in the block's call ${callText(call)} at ${lineLabel(call)})`, related: [...d.related, { node: call, message: `the call of the block (${callText(call)})` }] } : d;
    this.keys.set(kept, key);
    this.diagnostics.push(kept);
  }

  addNote(n: AssignmentNote): void {
    if (this.enabled) this.notes.push(n);
  }
}
