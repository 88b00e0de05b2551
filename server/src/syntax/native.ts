// The native binding: the `tree-sitter` Node addon with `tree-sitter-python`'s compiled grammar.
// The host hands in the loaded modules (server/src/platform/node-parser.ts requires them inside a
// try, since the addon's binary may not load on this platform); this file only adapts their API.

import type Parser from 'tree-sitter';
import { Cancelled, type BindingTree, type ParserBinding } from './binding';

export function nativeBinding(ParserClass: typeof Parser, python: unknown): ParserBinding {
  skipNodeClasses(ParserClass, python);
  const parser = new ParserClass();
  parser.setLanguage(python as Parser.Language);
  return {
    kind: 'native',
    parse(text, oldTree, isCancelled) {
      // The addon reads the text in chunks; a buffer larger than the text avoids its 32 KiB default limit.
      const options = { bufferSize: Math.max(64 * 1024, text.length * 2 + 1), ...(isCancelled ? { progressCallback: () => isCancelled() } : {}) };
      const tree = parser.parse(text, oldTree as Parser.Tree | undefined, options) as unknown as BindingTree | undefined;
      if (!tree) {
        // A halted parse would resume on the next call unless the parser is reset.
        parser.reset();
        throw new Cancelled();
      }
      return tree;
    },
    // The addon's trees and cursors are freed by the garbage collector.
    release() {},
    releaseCursor() {},
  };
}

/**
 * On its first setLanguage the addon compiles a JavaScript class per node type of the grammar, each
 * with a getter per field (`nameNode`, `bodyNode`, ...): a large part of a short command's start.
 * The engine reads the addon's nodes only through BindingNode (type, offsets, errors), which the
 * base class answers, so every node type gets the base class. Where the addon no longer reads
 * `nodeSubclasses`, nothing changes.
 */
function skipNodeClasses(ParserClass: typeof Parser, python: unknown): void {
  const language = python as { nodeSubclasses?: unknown };
  const Base = (ParserClass as unknown as { SyntaxNode?: unknown }).SyntaxNode;
  if (typeof language !== 'object' || language === null || language.nodeSubclasses !== undefined || typeof Base !== 'function') return;
  language.nodeSubclasses = new Proxy([] as unknown[], { get: (target, key) => (typeof key === 'string' && /^\d+$/.test(key) ? Base : Reflect.get(target, key)) });
}
