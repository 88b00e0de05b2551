// Reads the literal arguments of an operation's call from its source text, for the confirmation:
// the engine records an operation's input shapes but not its arguments (`x.view(4, 16 * 5 * 5)`,
// `torch.cat([a, b], dim=1)`), and a forward pass needs them. Only constant Python expressions are
// understood (integers, floats, strings, True/False/None, + - * // / % **, tuples and lists); a
// name or a call (`x.size(0)`) is left unknown, and the caller decides what to do without it.
// Pure and total: nothing here throws.

/** An argument value that is not a constant, such as `x.size(0)`. */
export const NOT_CONSTANT: unique symbol = Symbol('not constant');
export type PythonConstant = number | string | boolean | null | PythonConstant[];
export type ParsedValue = PythonConstant | typeof NOT_CONSTANT;

export interface ParsedCall {
  /** The text before the argument list: `torch.cat`, `x.view`, `F.max_pool2d`. */
  callee: string;
  positional: ParsedValue[];
  keywords: Record<string, ParsedValue>;
}

/** Splits the outermost call of `text` into its arguments; null when the text is not a call (an operator such as `a + b`). */
export function parseCall(text: string): ParsedCall | null {
  const trimmed = text.trim();
  if (!trimmed.endsWith(')')) return null;
  let depth = 0;
  let open = -1;
  for (let i = trimmed.length - 1; i >= 0; i--) {
    const c = trimmed[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      depth--;
      if (depth === 0) {
        open = i;
        break;
      }
    }
  }
  if (open <= 0 || trimmed[open] !== '(') return null;
  const callee = trimmed.slice(0, open).trim();
  const positional: ParsedValue[] = [];
  const keywords: Record<string, ParsedValue> = {};
  for (const part of splitTopLevel(trimmed.slice(open + 1, -1))) {
    const keyword = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(part);
    if (keyword) keywords[keyword[1]] = evaluateConstant(keyword[2]);
    else if (part.startsWith('*')) positional.push(NOT_CONSTANT);
    else positional.push(evaluateConstant(part));
  }
  return { callee, positional, keywords };
}

/** Splits on the commas that are outside brackets and strings; empty parts are dropped. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Evaluates a constant Python expression; NOT_CONSTANT for anything else. */
export function evaluateConstant(text: string): ParsedValue {
  const tokens = tokenize(text);
  if (!tokens) return NOT_CONSTANT;
  const parser = new ConstantParser(tokens);
  const value = parser.expression();
  return parser.atEnd() ? value : NOT_CONSTANT;
}

function tokenize(text: string): string[] | null {
  const tokens: string[] = [];
  const re = /\s*(\d+\.\d*(?:e-?\d+)?|\d+(?:e-?\d+)?|\*\*|\/\/|[-+*/%()[\],]|"[^"]*"|'[^']*'|[A-Za-z_][\w.]*)/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    re.lastIndex = index;
    const m = re.exec(text);
    if (!m) return null;
    tokens.push(m[1]);
    index = re.lastIndex;
  }
  return tokens;
}

class ConstantParser {
  private position = 0;
  constructor(private readonly tokens: string[]) {}

  atEnd(): boolean {
    return this.position === this.tokens.length;
  }

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  private take(): string | undefined {
    return this.tokens[this.position++];
  }

  /** A tuple without brackets (`4, 400`) or a single expression. */
  expression(): ParsedValue {
    const first = this.sum();
    if (this.peek() !== ',') return first;
    const items: ParsedValue[] = [first];
    while (this.peek() === ',') {
      this.take();
      if (this.atEnd() || this.peek() === ')' || this.peek() === ']') break;
      items.push(this.sum());
    }
    return items.includes(NOT_CONSTANT) ? NOT_CONSTANT : (items as PythonConstant[]);
  }

  private sum(): ParsedValue {
    let left = this.product();
    while (this.peek() === '+' || this.peek() === '-') {
      const op = this.take();
      const right = this.product();
      left = typeof left === 'number' && typeof right === 'number' ? (op === '+' ? left + right : left - right) : NOT_CONSTANT;
    }
    return left;
  }

  private product(): ParsedValue {
    let left = this.unary();
    while (['*', '//', '/', '%'].includes(this.peek() ?? '')) {
      const op = this.take();
      const right = this.unary();
      if (typeof left !== 'number' || typeof right !== 'number' || (op !== '*' && right === 0)) left = NOT_CONSTANT;
      else if (op === '*') left = left * right;
      else if (op === '//') left = Math.floor(left / right);
      else if (op === '/') left = left / right;
      else left = left - right * Math.floor(left / right);
    }
    return left;
  }

  private unary(): ParsedValue {
    if (this.peek() === '-') {
      this.take();
      const v = this.unary();
      return typeof v === 'number' ? -v : NOT_CONSTANT;
    }
    if (this.peek() === '+') {
      this.take();
      return this.unary();
    }
    return this.power();
  }

  private power(): ParsedValue {
    const base = this.atom();
    if (this.peek() !== '**') return base;
    this.take();
    const exponent = this.unary();
    return typeof base === 'number' && typeof exponent === 'number' ? base ** exponent : NOT_CONSTANT;
  }

  private atom(): ParsedValue {
    const t = this.take();
    if (t === undefined) return NOT_CONSTANT;
    if (t === '(' || t === '[') {
      const close = t === '(' ? ')' : ']';
      if (this.peek() === close) {
        this.take();
        return [];
      }
      const inner = this.expression();
      if (this.take() !== close) return NOT_CONSTANT;
      if (t === '[' && !Array.isArray(inner) && inner !== NOT_CONSTANT) return [inner];
      return inner;
    }
    if (/^\d/.test(t)) return Number(t);
    if (t.startsWith('"') || t.startsWith("'")) return t.slice(1, -1);
    if (t === 'True') return true;
    if (t === 'False') return false;
    if (t === 'None') return null;
    // A name, an attribute or a call: skip a call's parentheses so the rest still parses.
    if (this.peek() === '(') {
      let depth = 0;
      do {
        const c = this.take();
        if (c === '(') depth++;
        else if (c === ')') depth--;
      } while (depth > 0 && !this.atEnd());
    }
    return NOT_CONSTANT;
  }
}
