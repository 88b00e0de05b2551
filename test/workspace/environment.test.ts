// Finding an environment's site-packages from an interpreter path or a workspace's .venv, by the
// layout alone (server/src/workspace/environment.ts), over a fake folder tree.

import { describe, expect, it } from 'vitest';
import { sitePackagesOfInterpreter, sitePackagesOfWorkspace, type FolderLister } from '../../server/src/workspace/environment';

/** A folder tree given as the list of its folders (and files, which have a dot or are listed as such). */
function tree(paths: string[]): FolderLister {
  const children = new Map<string, Set<string>>();
  for (const p of paths) {
    const parts = p.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const parent = `/${parts.slice(0, i).join('/')}`;
      if (!children.has(parent)) children.set(parent, new Set());
      children.get(parent)!.add(parts[i]);
    }
    if (!children.has(p)) children.set(p, new Set());
  }
  const files = new Set(paths.filter((p) => /\.(cfg|exe)$|\/python3?$/.test(p)));
  return { list: (p) => (files.has(p) ? undefined : children.has(p) ? [...children.get(p)!] : undefined) };
}

describe('environments', () => {
  it('finds a venv’s site-packages from its interpreter', () => {
    const fs = tree(['/proj/.venv/pyvenv.cfg', '/proj/.venv/bin/python', '/proj/.venv/lib/python3.11/site-packages/torchvision']);
    expect(sitePackagesOfInterpreter('/proj/.venv/bin/python', fs)).toEqual(['/proj/.venv/lib/python3.11/site-packages']);
    expect(sitePackagesOfInterpreter('/proj/.venv', fs)).toEqual(['/proj/.venv/lib/python3.11/site-packages']);
  });

  it('finds a Windows environment’s Lib/site-packages', () => {
    const fs = tree(['/C:/envs/ml/Scripts/python.exe', '/C:/envs/ml/Lib/site-packages/timm']);
    expect(sitePackagesOfInterpreter('/C:/envs/ml/Scripts/python.exe', fs)).toEqual(['/C:/envs/ml/Lib/site-packages']);
  });

  it('finds a Debian system Python’s dist-packages', () => {
    const fs = tree(['/usr/bin/python3', '/usr/lib/python3/dist-packages/torchvision', '/usr/lib/python3.11/os.py', '/usr/local/lib/python3.11/dist-packages']);
    expect(sitePackagesOfInterpreter('/usr/bin/python3', fs)).toEqual(['/usr/lib/python3/dist-packages', '/usr/local/lib/python3.11/dist-packages']);
  });

  it('finds a .venv or venv in the workspace folders, only with its pyvenv.cfg', () => {
    const fs = tree(['/a/venv/lib/python3.10/site-packages', '/b/venv/pyvenv.cfg', '/b/venv/lib/python3.10/site-packages']);
    expect(sitePackagesOfWorkspace(['/a', '/b'], fs)).toEqual(['/b/venv/lib/python3.10/site-packages']);
    expect(sitePackagesOfWorkspace(['/a'], fs)).toEqual([]);
  });

  it('finds nothing for a path that is no environment', () => {
    expect(sitePackagesOfInterpreter('/nowhere/bin/python', tree(['/etc']))).toEqual([]);
  });
});
