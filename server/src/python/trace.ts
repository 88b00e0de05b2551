// What the interpreter records while it runs a model: every application of a layer or op with
// its shapes, the definite contradictions the rules found, and the shapes of assigned tensors.
// Plain data keyed to syntax nodes; analysis/ turns it into ranges and messages for consumers.

import type { Count } from '../shapes/count';
import type { SyntaxNode } from '../syntax/parse';
import type { ArgValue, Framework, Output, RuleCode, Shape } from '../shapes/types';
import type { LayerValue, ObjectValue, TensorValue } from './values';

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
}

export interface RawDiagnostic {
  code: RuleCode;
  message: string;
  node: SyntaxNode;
  related: { node: SyntaxNode; message: string }[];
  /** The replacement number for `node`, and the shape it was flattened from (to write `6*7*7`). */
  fix?: { value: number; flattenedFrom?: Shape };
}

export interface AssignmentNote {
  name: string;
  node: SyntaxNode;
  shape: Output;
  seq: number;
}

/** One call of a user module (a block such as `BasicBlock`) inside a model's forward pass. */
export interface BlockCall {
  object: ObjectValue;
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

  addDiagnostic(d: RawDiagnostic): void {
    if (!this.enabled) return;
    const key = `${d.node.file}:${d.node.startIndex}:${d.node.endIndex}:${d.code}:${d.message}`;
    if (this.diagnostics.some((x) => `${x.node.file}:${x.node.startIndex}:${x.node.endIndex}:${x.code}:${x.message}` === key)) return;
    this.diagnostics.push(d);
  }

  addNote(n: AssignmentNote): void {
    if (this.enabled) this.notes.push(n);
  }
}
