// The folders a script adds to Python's import path (`sys.path.insert(0, '..')`,
// `sys.path.append(os.path.join(os.path.dirname(__file__), '..'))`), so that the modules it then
// imports from there (a notebook's `helper_train.py` one folder up) are read like any other; and
// the `os.path` string functions such paths are built with, on POSIX paths, with no file system.
//
// A relative path is resolved against the folder of the analysed file: the working directory a
// notebook runs in, and the one a script is most often started from. A path the code builds from
// something unknown adds nothing. A wrong folder can only fail to find a module, which leaves its
// names unknown, as an import of a file that is not there does.

import { basename, normalisePath } from '../workspace/paths';
import { str, UNKNOWN, Value } from './values';

/** The calls this file answers, by normalised name. */
const OS_PATH = new Set(['os.path.join', 'os.path.dirname', 'os.path.basename', 'os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'os.getcwd']);
const SYS_PATH = new Set(['sys.path.insert', 'sys.path.append']);

/** What the file needs from the interpreter: where the code runs, and where to add a folder. */
export interface PathHost {
  /** The working directory assumed: the analysed file's folder; undefined where not known. */
  workingFolder(): string | undefined;
  /** Adds a folder that absolute imports are searched in from now on. */
  addImportRoot(folder: string): void;
}

export function isPathCall(name: string): boolean {
  return OS_PATH.has(name) || SYS_PATH.has(name);
}

/** `os.path.join(...)`, `os.getcwd()`, `sys.path.insert(0, p)`...: the value, or UNKNOWN where an argument is not a known string. */
export function pathCall(host: PathHost, name: string, args: Value[]): Value {
  if (SYS_PATH.has(name)) {
    const p = args[name === 'sys.path.insert' ? 1 : 0];
    const folder = p?.t === 'str' ? absolute(host, p.v) : undefined;
    if (folder) host.addImportRoot(folder);
    return { t: 'none' };
  }
  if (name === 'os.getcwd') {
    const cwd = host.workingFolder();
    return cwd === undefined ? UNKNOWN : str(cwd);
  }
  const strings = args.map((a) => (a.t === 'str' ? a.v : null));
  if (strings.length === 0 || strings.some((s) => s === null)) return UNKNOWN;
  const [first, ...rest] = strings as string[];
  switch (name) {
    case 'os.path.join':
      // A later absolute part starts the path again, as posixpath.join does.
      return str(rest.reduce((acc, part) => (part.startsWith('/') ? part : acc === '' || acc.endsWith('/') ? `${acc}${part}` : `${acc}/${part}`), first));
    case 'os.path.dirname': {
      const i = first.lastIndexOf('/');
      return str(i < 0 ? '' : first.slice(0, i).replace(/\/+$/, '') || '/');
    }
    case 'os.path.basename':
      return str(basename(first));
    case 'os.path.normpath':
      return str(normalisePath(first));
    default: {
      // abspath, realpath (no links to follow without a file system).
      const a = absolute(host, first);
      return a === undefined ? UNKNOWN : str(a);
    }
  }
}

function absolute(host: PathHost, path: string): string | undefined {
  if (path.startsWith('/')) return normalisePath(path);
  if (path.startsWith('~')) return undefined;
  const cwd = host.workingFolder();
  return cwd === undefined ? undefined : normalisePath(`${cwd}/${path}`);
}
