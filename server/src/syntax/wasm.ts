// The WebAssembly binding: `web-tree-sitter` running tree-sitter-python's .wasm grammar. It needs no
// binary for the platform and no compiler, so it runs wherever JavaScript does (older glibc, musl,
// the browser). The host hands in the two .wasm files' bytes (the runtime's and the grammar's); this
// file does no I/O. Trees and cursors live in WebAssembly memory, which the garbage collector does
// not see: release() frees them.

import { Language, Parser, type Tree, type TreeCursor } from 'web-tree-sitter';
import { Cancelled, type BindingTree, type ParserBinding } from './binding';

let runtime: Promise<void> | undefined;

// The runtime's memory, made here (with the runtime's own sizes: 32 MiB to start, 2 GiB at most) so
// that its size can be read: it grows as trees need it and never shrinks.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const wasmApi = (globalThis as unknown as { WebAssembly: { Memory: new (size: { initial: number; maximum: number }) => WasmMemory } }).WebAssembly;
const memory = new wasmApi.Memory({ initial: 512, maximum: 32768 });

/** The bytes the WebAssembly parser's memory holds now (it never shrinks: a leak shows as growth). */
export function wasmMemoryBytes(): number {
  return memory.buffer.byteLength;
}

/** Starts the WebAssembly runtime from `runtimeWasm` (tree-sitter.wasm) and loads the grammar. */
export async function wasmBinding(runtimeWasm: Uint8Array, languageWasm: Uint8Array): Promise<ParserBinding> {
  runtime ??= Parser.init({ wasmBinary: runtimeWasm, wasmMemory: memory } as unknown as Parameters<typeof Parser.init>[0]);
  await runtime;
  const language = await Language.load(languageWasm);
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    kind: 'wasm',
    parse(text, oldTree, isCancelled) {
      // The progress callback halts the parse by returning true (its declared type says void).
      const options = isCancelled ? { progressCallback: (() => isCancelled()) as unknown as () => void } : undefined;
      const tree = parser.parse(text, (oldTree as unknown as Tree | undefined) ?? null, options);
      if (!tree) {
        // A halted parse would resume on the next call unless the parser is reset.
        parser.reset();
        throw new Cancelled();
      }
      return tree as unknown as BindingTree;
    },
    release(tree) {
      (tree as unknown as Tree).delete();
    },
    releaseCursor(cursor) {
      (cursor as unknown as TreeCursor).delete();
    },
  };
}
