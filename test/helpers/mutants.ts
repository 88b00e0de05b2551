// Deterministic mutants of a Python file for robustness fuzzing: broken, half-typed and absurd
// variants of real model code, as an editor sees them while someone types. The same file and
// seed always give the same mutants, so a failure names a mutant that can be rebuilt exactly.
// Used by test/fuzz.test.ts (fixtures and examples) and scripts/fuzz-corpus.ts (the shared corpus);
// what counts as a failure (a throw, a slow analysis) is left to them.

import { mulberry32 } from './prng';

export { mulberry32 };

export interface Mutant {
  /** Says which mutation made it and where, e.g. `truncate at 412/900 (mid-token)`. */
  name: string;
  text: string;
}

export interface MutantOptions {
  /** Mutants drawn at random per kind of random mutation (the fixed ones come on top). */
  perKind?: number;
  seed?: number;
  /** At most this many number literals are swapped (evenly spread); all of them by default. */
  maxNumberSwaps?: number;
  /** Whether to add the large mutants (a 20,000-line file, a 100,000-character line). */
  large?: boolean;
}


/** A stable 32-bit hash of a string (FNV-1a), to seed each file's mutants by its name. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const INSERTED_CHARACTERS = '()[]{}:,.=+-*/%@\n\t #\'"\\0123456789_abcxyzNone'.split('');
const SWAPPED_NUMBERS = ['0', '-1', '10**9', '99999'];
const BRACKETS = '()[]{}';

function isWordCharacter(c: string | undefined): boolean {
  return c !== undefined && /\w/.test(c);
}

/** All mutants of one file. */
export function mutantsOf(text: string, options: MutantOptions = {}): Mutant[] {
  const perKind = options.perKind ?? 12;
  const random = mulberry32(options.seed ?? hashString(text));
  const int = (n: number) => Math.floor(random() * n);
  const out: Mutant[] = [];
  const lines = text.split('\n');
  const length = text.length;

  // Truncations: evenly spread cut points, plus cuts inside identifiers and numbers.
  for (let k = 1; k <= perKind; k++) {
    const at = Math.floor((length * k) / (perKind + 1));
    out.push({ name: `truncate at ${at}/${length}`, text: text.slice(0, at) });
  }
  const midToken: number[] = [];
  for (let i = 1; i < length; i++) if (isWordCharacter(text[i - 1]) && isWordCharacter(text[i])) midToken.push(i);
  for (let k = 0; k < perKind && midToken.length > 0; k++) {
    const at = midToken[int(midToken.length)];
    out.push({ name: `truncate at ${at}/${length} (mid-token)`, text: text.slice(0, at) });
  }

  // Line edits.
  for (let k = 0; k < perKind && lines.length > 1; k++) {
    const i = int(lines.length);
    out.push({ name: `delete line ${i + 1}`, text: [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n') });
  }
  for (let k = 0; k < perKind; k++) {
    const i = int(lines.length);
    out.push({ name: `duplicate line ${i + 1}`, text: [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n') });
  }

  // Character edits.
  for (let k = 0; k < perKind; k++) {
    const at = int(length + 1);
    const c = INSERTED_CHARACTERS[int(INSERTED_CHARACTERS.length)];
    out.push({ name: `insert ${JSON.stringify(c)} at ${at}`, text: text.slice(0, at) + c + text.slice(at) });
  }
  for (let k = 0; k < perKind && length > 0; k++) {
    const at = int(length);
    const count = 1 + int(4);
    out.push({ name: `delete ${count} characters at ${at}`, text: text.slice(0, at) + text.slice(at + count) });
  }

  // Numbers swapped for degenerate and huge values: every number literal once, cycling the values.
  const numbers = [...text.matchAll(/(?<![\w.])\d+(?![\w.])/g)];
  const swapCount = Math.min(numbers.length, options.maxNumberSwaps ?? numbers.length);
  const swapped = Array.from({ length: swapCount }, (_, k) => numbers[Math.floor((k * numbers.length) / swapCount)]);
  swapped.forEach((m, k) => {
    const value = SWAPPED_NUMBERS[k % SWAPPED_NUMBERS.length];
    const at = m.index!;
    out.push({ name: `number ${m[0]} at ${at} -> ${value}`, text: text.slice(0, at) + value + text.slice(at + m[0].length) });
  });

  // Unbalanced brackets: an extra one inserted, or an existing one removed.
  for (let k = 0; k < perKind; k++) {
    const at = int(length + 1);
    const b = BRACKETS[int(BRACKETS.length)];
    out.push({ name: `extra ${JSON.stringify(b)} at ${at}`, text: text.slice(0, at) + b + text.slice(at) });
  }
  const bracketPositions: number[] = [];
  for (let i = 0; i < length; i++) if (BRACKETS.includes(text[i])) bracketPositions.push(i);
  for (let k = 0; k < perKind && bracketPositions.length > 0; k++) {
    const at = bracketPositions[int(bracketPositions.length)];
    out.push({ name: `remove ${JSON.stringify(text[at])} at ${at}`, text: text.slice(0, at) + text.slice(at + 1) });
  }

  // Deep nesting: around a number inside the model, and as a module-level statement.
  if (numbers.length > 0) {
    const m = numbers[int(numbers.length)];
    const at = m.index!;
    out.push({ name: `number at ${at} nested in 300 parentheses`, text: text.slice(0, at) + '('.repeat(300) + m[0] + ')'.repeat(300) + text.slice(at + m[0].length) });
  }
  out.push({ name: 'module statement nested in 1,000 parentheses', text: `${text}\ndeep = ${'('.repeat(1000)}1${')'.repeat(1000)}\n` });
  out.push({ name: '1,000 unclosed parentheses', text: `${text}\ndeep = ${'('.repeat(1000)}1\n` });
  out.push({ name: 'Sequential nested 200 deep', text: `${text}\nimport torch.nn as nn\nnested = ${'nn.Sequential('.repeat(200)}nn.Linear(4, 4)${')'.repeat(200)}\n` });
  out.push({ name: 'list nested 500 deep', text: `${text}\nnested = ${'['.repeat(500)}1${']'.repeat(500)}\n` });

  if (options.large ?? true) {
    // A very long line: a Sequential of 5,000 layers on one line, and a 100,000-character sum.
    const layers = Array.from({ length: 5000 }, () => 'nn.ReLU()').join(', ');
    out.push({ name: 'Sequential of 5,000 layers on one line', text: `${text}\nimport torch.nn as nn\nlong_sequential = nn.Sequential(${layers})\n` });
    out.push({ name: '100,000-character line', text: `${text}\nlong_sum = ${Array.from({ length: 25000 }, () => '1').join(' + ')}\n` });
    out.push({ name: '20,000-line file (the models, then ordinary code)', text: paddedWithOrdinaryCode(text, 20000) });
  }
  return out;
}

/** The file followed by ordinary functions (no models) up to `lineCount` lines: a big file with few models. */
export function paddedWithOrdinaryCode(text: string, lineCount: number): string {
  const out = text.split('\n');
  for (let i = 0; out.length + 6 <= lineCount; i++) {
    out.push('', '', `def helper_${i}(values, scale=${i % 7 + 1}):`, '    total = 0', '    for v in values:', `        total += v * scale + ${i}`);
    out.push('    return total');
  }
  while (out.length < lineCount) out.push(`# padding line ${out.length + 1}`);
  return out.join('\n');
}

/** The file repeated up to `lineCount` lines: a big file that is all models (a stress test, not typical code). */
export function repeatedToLines(text: string, lineCount: number): { text: string; copies: number } {
  const lines = text.split('\n');
  const copies = Math.max(1, Math.ceil(lineCount / Math.max(1, lines.length)));
  const repeated = Array.from({ length: copies }, () => text).join('\n').split('\n').slice(0, lineCount).join('\n');
  return { text: repeated, copies };
}
