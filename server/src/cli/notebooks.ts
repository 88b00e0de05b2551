// Jupyter notebooks on the command line: the code cells of an .ipynb file (nbformat 4, and the
// `worksheets` of nbformat 3) as one Python module, with each cell's place in that module and in
// the file itself.
//
// The cells run in one namespace, so they are joined in order with '\n'. IPython syntax that is not
// Python is neutralised without moving anything: a line magic or shell escape (`%timeit f()`,
// `!pip install torch`) becomes a comment of the same length, and a cell run by a cell magic
// (`%%bash`, `%%writefile`) is left out, since its body is not Python (`%%time` and `%%timeit` run
// Python and stay, their first line commented out). A notebook whose kernel is another language
// yields no Python.
//
// For annotations on the file itself (SARIF, GitHub), each cell line is also located in the .ipynb
// text: a small scanner records the line on which each string of a cell's `source` array starts.

export interface NotebookCell {
  /** The cell's index among all cells of the notebook (markdown ones too), from 0. */
  index: number;
  /** Its first line in the joined Python text. */
  firstLine: number;
  lineCount: number;
  /** For each of its lines, the 1-based line of the .ipynb file where it is written. */
  fileLines: number[];
}

export interface NotebookPython {
  text: string;
  cells: NotebookCell[];
  /** Set when the notebook holds no Python (another kernel language). */
  skipReason?: string;
}

interface RawCell {
  cell_type?: unknown;
  source?: unknown;
  input?: unknown;
  metadata?: { language?: unknown; vscode?: { languageId?: unknown } };
}

/** The notebook's code cells as one Python text. Throws on text that is not a notebook. */
export function notebookToPython(json: string): NotebookPython {
  const located = scanJson(json);
  const doc = located.value as { cells?: unknown; worksheets?: { cells?: unknown }[]; metadata?: { kernelspec?: { language?: unknown }; language_info?: { name?: unknown } } };
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the file is not a JSON object');
  const cellList = Array.isArray(doc.cells) ? doc.cells : Array.isArray(doc.worksheets) ? doc.worksheets.flatMap((w) => (Array.isArray(w?.cells) ? w.cells : [])) : undefined;
  if (!cellList) throw new Error('it has no cells');
  const language = doc.metadata?.kernelspec?.language ?? doc.metadata?.language_info?.name;
  if (typeof language === 'string' && language.toLowerCase() !== 'python') {
    return { text: '', cells: [], skipReason: `its kernel runs ${language}, not Python` };
  }
  const texts: string[] = [];
  const cells: NotebookCell[] = [];
  let nextLine = 0;
  cellList.forEach((raw: RawCell, index: number) => {
    if (!raw || raw.cell_type !== 'code') return;
    const cellLanguage = raw.metadata?.vscode?.languageId ?? raw.metadata?.language;
    if (typeof cellLanguage === 'string' && cellLanguage !== 'python') return;
    const sourceValue = raw.source ?? raw.input;
    const parts = typeof sourceValue === 'string' ? [sourceValue] : Array.isArray(sourceValue) ? sourceValue.filter((s): s is string => typeof s === 'string') : [];
    const sourceLine = located.keyLines.get(raw)?.get(raw.source !== undefined ? 'source' : 'input') ?? 1;
    const partLines = located.stringLines.get(sourceValue) ?? [sourceLine];
    const cellText = parts.join('').replace(/\r\n?/g, '\n');
    const python = ipythonToPython(cellText);
    if (python === null) return;
    const lineCount = python.split('\n').length;
    // The file line of each cell line: the line where the string holding its start begins.
    const fileLines: number[] = [];
    parts.forEach((part, i) => {
      const at = partLines[i] ?? sourceLine;
      const starts = part.replace(/\r\n?/g, '\n').split('\n').length - (part.endsWith('\n') || part.endsWith('\r') ? 1 : 0);
      for (let k = 0; k < Math.max(1, starts); k++) fileLines.push(at);
    });
    while (fileLines.length < lineCount) fileLines.push(fileLines[fileLines.length - 1] ?? sourceLine);
    cells.push({ index, firstLine: nextLine, lineCount, fileLines: fileLines.slice(0, lineCount) });
    texts.push(python);
    nextLine += lineCount;
  });
  return { text: texts.join('\n'), cells };
}

const PYTHON_CELL_MAGICS = /^%%(time|timeit|capture|prun|debug)\b/;

/** A code cell's Python: magics commented out in place; null for a cell another language runs. */
export function ipythonToPython(cell: string): string | null {
  const firstCode = cell.split('\n').find((l) => l.trim() !== '');
  if (firstCode && /^\s*%%/.test(firstCode) && !PYTHON_CELL_MAGICS.test(firstCode.trim())) return null;
  return cell
    .split('\n')
    .map((line) => {
      const m = /^(\s*)([%!])/.exec(line);
      return m ? `${m[1]}#${line.slice(m[0].length)}` : line;
    })
    .join('\n');
}

/**
 * JSON.parse's value, plus the 1-based line on which each string of every array of strings starts
 * (keyed by the parsed array) and on which each member of every object starts (keyed by the parsed
 * object). A plain recursive-descent scanner over the JSON grammar.
 */
function scanJson(text: string): { value: unknown; stringLines: Map<unknown, number[]>; keyLines: Map<unknown, Map<string, number>> } {
  // JSON.parse first: it is the authority on validity and gives the clear error message.
  JSON.parse(text);
  const stringLines = new Map<unknown, number[]>();
  const keyLines = new Map<unknown, Map<string, number>>();
  let i = 0;
  let line = 1;
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const lines = new Map<string, number>();
      keyLines.set(obj, lines);
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        const key = str();
        ws();
        i++; // ':'
        ws();
        lines.set(key, line);
        obj[key] = value();
        ws();
        if (text[i++] === '}') return obj;
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      const lines: number[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        ws();
        lines.push(line);
        arr.push(value());
        ws();
        if (text[i++] === ']') break;
      }
      if (arr.every((v) => typeof v === 'string')) stringLines.set(arr, lines);
      return arr;
    }
    if (c === '"') return str();
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    const token = m ? m[0] : '';
    i += token.length;
    return JSON.parse(token);
  };
  return { value: value(), stringLines, keyLines };
}
