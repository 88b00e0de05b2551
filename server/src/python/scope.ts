// Variable scopes of the abstract interpreter: module, class body, function frame.

import type { Value } from './values';

export class Scope {
  readonly vars = new Map<string, Value>();
  /** A module scope's answer for names it does not hold yet: another module's names are evaluated lazily (modules.ts). */
  fallback: ((name: string) => Value | undefined) | null = null;
  /** Names a `global` or `nonlocal` statement of this frame binds in an enclosing scope, with that scope. */
  private declared: Map<string, Scope> | null = null;
  constructor(readonly parent: Scope | null, readonly kind: 'module' | 'class' | 'function') {}

  /** `global NAME`: the name reads and writes the module's variable. */
  declareGlobal(name: string): void {
    let s: Scope = this;
    while (s.parent && s.kind !== 'module') s = s.parent;
    if (s !== this) (this.declared ??= new Map()).set(name, s);
  }

  /** `nonlocal NAME`: the name reads and writes the variable of the nearest enclosing function that has it. */
  declareNonlocal(name: string): void {
    for (let s = this.parent; s && s.kind !== 'module'; s = s.parent) {
      if (s.kind === 'function' && s.vars.has(name)) {
        (this.declared ??= new Map()).set(name, s);
        return;
      }
    }
  }

  lookup(name: string): Value | undefined {
    const owner = this.declared?.get(name);
    if (owner) return owner.lookup(name);
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

  /**
   * Binds `name` to `to` in the scope where it is bound to `from` (as lookup finds it): a value
   * changed in place (`images.resize_(64, 784)`) seen again under its name. False where no scope
   * binds the name to that value.
   */
  rebind(name: string, from: Value, to: Value): boolean {
    const owner = this.declared?.get(name);
    if (owner) return owner.rebind(name, from, to);
    for (let s: Scope | null = this; s; s = s.parent) {
      if (s !== this && s.kind === 'class') continue;
      const v = s.vars.get(name);
      if (v === undefined) continue;
      if (v !== from) return false;
      s.vars.set(name, to);
      return true;
    }
    return false;
  }

  set(name: string, value: Value): void {
    const owner = this.declared?.get(name);
    if (owner) owner.set(name, value);
    else this.vars.set(name, value);
  }
}
