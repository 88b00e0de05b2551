// Checking the --input flag before anything runs. A shape the core cannot read would otherwise be
// ignored and the check would run on a symbolic input, hiding the mistake; here it is a usage error
// (exit 2) that says what is wrong.
//
// Accepted: one or more tuples or lists separated by commas, `(1, 3, 32, 32), (1, 10)`; each size a
// positive integer, a name (`N`, `H`) or unknown (`None`, `?`, `null`). Python's trailing comma
// `(1,)` is fine.

/** Undefined when `text` is a valid input shape list, else what is wrong with it. */
export function inputShapeProblem(text: string): string | undefined {
  const s = text.trim();
  if (s === '') return 'it is empty';
  let i = 0;
  let shapes = 0;
  const skipSpaces = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  for (;;) {
    skipSpaces();
    const open = s[i];
    if (open !== '(' && open !== '[') return `expected '(' at ${describeAt(s, i)}: a shape is written like (1, 3, 32, 32)`;
    const close = open === '(' ? ')' : ']';
    const end = s.indexOf(close, i + 1);
    if (end < 0) return `the ${open === '(' ? 'parenthesis' : 'bracket'} opened at column ${i + 1} is not closed`;
    const body = s.slice(i + 1, end);
    const parts = body.split(',').map((p) => p.trim());
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length === 0 || (parts.length === 1 && parts[0] === '')) return `the shape ${s.slice(i, end + 1)} has no sizes`;
    for (const part of parts) {
      const problem = sizeProblem(part);
      if (problem) return problem;
    }
    shapes++;
    i = end + 1;
    skipSpaces();
    if (i >= s.length) break;
    if (s[i] !== ',') return `unexpected '${s[i]}' at ${describeAt(s, i)}`;
    i++;
    skipSpaces();
    if (i >= s.length) break;
  }
  return shapes > 0 ? undefined : 'it names no shape';
}

function sizeProblem(part: string): string | undefined {
  if (part === '') return 'a size is missing between two commas';
  if (part === 'None' || part === 'null' || part === '?') return undefined;
  if (/^[A-Za-z_]\w*$/.test(part)) return undefined;
  if (/^-?\d+$/.test(part)) {
    const n = Number(part);
    if (n <= 0) return `the size ${part} is not positive`;
    if (!Number.isSafeInteger(n)) return `the size ${part} is too large`;
    return undefined;
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(part)) return `the size ${part} is not a whole number`;
  return `'${part}' is not a size (a positive integer, a name such as N, or None)`;
}

function describeAt(s: string, i: number): string {
  return i >= s.length ? 'the end' : `column ${i + 1}`;
}
