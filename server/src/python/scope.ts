// Variable scopes of the abstract interpreter: module, class body, function frame.

import type { Value } from './values';

export class Scope {
  readonly vars = new Map<string, Value>();
  /** A module scope's answer for names it does not hold yet: another module's names are evaluated lazily (modules.ts). */
  fallback: ((name: string) => Value | undefined) | null = null;
  constructor(readonly parent: Scope | null, readonly kind: 'module' | 'class' | 'function') {}

  lookup(name: string): Value | undefined {
    // Class bodies are not visible from the methods defined in them, as in Python.
    for (let s: Scope | null = this; s; s = s.parent) {
      if (s !== this && s.kind === 'class') continue;
      const v = s.vars.get(name);
      if (v !== undefined) return v;
      if (s.fallback) {
        const w = s.fallback(name);
        if (w !== undefined) return w;
      }
    }
    return undefined;
  }

  set(name: string, value: Value): void {
    this.vars.set(name, value);
  }
}
