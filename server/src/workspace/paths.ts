// Paths as the core spells them: absolute, with '/' between folders on every system (the CLI and
// the language server convert Windows paths before they reach the core). Plain string functions,
// no file system: the core does no I/O.

/** Forward slashes, no repeated or trailing slash, `.` and `..` folded. */
export function normalisePath(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const absolute = slashed.startsWith('/');
  const parts: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** The folder that holds a path (`/a/b.py` → `/a`; the root is its own folder). */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(folder: string, ...parts: string[]): string {
  return normalisePath([folder, ...parts].join('/'));
}

/** True when `path` is `folder` or lies under it. */
export function isInside(path: string, folder: string): boolean {
  if (folder === '/') return path.startsWith('/');
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

/** `path` relative to `folder` when it lies under it, else the path itself. */
export function relativeTo(path: string, folder: string): string {
  if (!isInside(path, folder) || path === folder) return path;
  return path.slice(folder.length + (folder.endsWith('/') ? 0 : 1));
}
