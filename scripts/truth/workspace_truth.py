# Truth for the multi-file projects under test/workspaces/ (npm run eval:workspace and
# test/workspaces.test.ts): runs each project's scripts with real PyTorch, the way a user runs them,
# and records for every model a script calls the output shape of each leaf module it applies, with
# the file and line where that module was constructed. Writes test/workspaces/<name>/truth.json.
# Run with: /usr/bin/python3 scripts/truth/workspace_truth.py test/workspaces/<name> ...
#
# A project's workspace.json lists its scripts ("scripts": ["train.py"]); each runs as __main__
# with the project folder, the script's folder and src/ on sys.path, as `python train.py` would,
# and the project's "libraries" folders (standing for an environment's site-packages) after them.
import inspect
import json
import os
import runpy
import sys

import torch
import torch.nn as nn


def main(project):
    project = os.path.abspath(project)
    spec = json.load(open(os.path.join(project, 'workspace.json')))
    models = []
    libraries = [os.path.join(project, l) for l in spec.get('libraries', [])]
    for script in spec['scripts']:
        try:
            models.extend(run_script(project, script, libraries))
        except Exception as e:  # a script real Python cannot run has no truth
            print(f'{project}/{script}: {type(e).__name__}: {e}'.splitlines()[0], file=sys.stderr)
    with open(os.path.join(project, 'truth.json'), 'w') as f:
        f.write(dump({'generated': f'torch {torch.__version__}', 'models': models}))
    print(f'{project}: {len(models)} model(s), {sum(len(m["layers"]) for m in models)} layer(s)')


def dump(doc):
    # One line per layer, so that a change in the truth reads as a small diff.
    lines = ['{', f' "generated": {json.dumps(doc["generated"])},', ' "models": [']
    for i, m in enumerate(doc['models']):
        head = {k: v for k, v in m.items() if k != 'layers'}
        lines.append('  {' + json.dumps(head)[1:-1] + ', "layers": [')
        lines.extend('   ' + json.dumps(l) + (',' if j < len(m['layers']) - 1 else '') for j, l in enumerate(m['layers']))
        lines.append('  ]}' + (',' if i < len(doc['models']) - 1 else ''))
    lines.append(' ]')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def rel(project, path):
    path = os.path.abspath(path)
    return os.path.relpath(path, project) if path.startswith(project + os.sep) else None


def run_script(project, script, libraries):
    path = os.path.join(project, script)
    original_init = nn.Module.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if '_cnnshape_site' in self.__dict__:
            return
        # The constructor call: the first frame of the project's files that is not this module's own __init__.
        frame = inspect.currentframe().f_back
        site = None
        while frame is not None:
            file = rel(project, frame.f_code.co_filename)
            if file is not None and frame.f_locals.get('self') is not self:
                site = (file, frame.f_lineno)
                break
            frame = frame.f_back
        self.__dict__['_cnnshape_site'] = site

    calls = []
    stack = []

    def pre(module, inputs):
        if not stack:
            cls = type(module)
            calls.append({'class': cls.__name__, 'file': rel(project, inspect.getfile(cls)), 'script': script,
                          'input': [list(t.shape) for t in inputs if torch.is_tensor(t)], 'layers': [], 'module': module})
        stack.append(module)

    def post(module, inputs, output):
        stack.pop()
        # The framework's leaf layers only: containers (an empty Sequential is the identity) record
        # nothing, and a module of the project or a library is read as source: its operations are
        # what the engine records.
        if len(list(module.children())) > 0 or isinstance(module, (nn.Sequential, nn.ModuleList, nn.ModuleDict)) or not calls:
            return
        if not type(module).__module__.startswith('torch.'):
            return
        site = module.__dict__.get('_cnnshape_site')
        out = list(output.shape) if torch.is_tensor(output) else None
        calls[-1]['layers'].append({'kind': type(module).__name__, 'file': site[0] if site else None,
                                    'line': site[1] if site else None, 'output': out})

    nn.Module.__init__ = init
    h1 = torch.nn.modules.module.register_module_forward_pre_hook(pre)
    h2 = torch.nn.modules.module.register_module_forward_hook(post)
    saved_path = list(sys.path)
    sys.path[:0] = [os.path.dirname(path), project, os.path.join(project, 'src')] + libraries
    saved_modules = set(sys.modules)
    # As `python train.py` runs it: argparse reads no flags but the script's own name.
    saved_argv = sys.argv
    sys.argv = [path]
    # Run from the script's own folder, as the engine assumes for relative paths (`sys.path.insert(0, '..')`).
    saved_cwd = os.getcwd()
    os.chdir(os.path.dirname(path))
    try:
        with torch.no_grad():
            namespace = runpy.run_path(path, run_name='__main__')
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        nn.Module.__init__ = original_init
        h1.remove()
        h2.remove()
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            del sys.modules[name]
    # One entry per model object: its first call, with the script's variable that holds it.
    seen = set()
    out = []
    for c in calls:
        if id(c['module']) in seen:
            continue
        seen.add(id(c['module']))
        held = [name for name, value in namespace.items() if value is c['module']]
        if held:
            c['var'] = held[0]
        del c['module']
        out.append(c)
    return out


if __name__ == '__main__':
    for p in sys.argv[1:]:
        main(p)
