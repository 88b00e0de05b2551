"""Runs PyTorch model files for real, for `npm run eval:fixes` (scripts/eval-fixes.ts).

Reads a JSON list of jobs on stdin, each {"id", "text", "model_expr", "inputs", "dtype"}: the file's
text is executed as a script (without command-line flags), the model built from `model_expr`, and
one forward pass run under torch.no_grad() on torch.randn (torch.randint for an int64 input) of
each input shape. Writes one JSON object per job on stdout: the output shape (nested lists for
several outputs), the parameter count, or the error raised with the line of the file it was
raised at.

Run: /usr/bin/python3 scripts/truth/run_models.py < jobs.json
"""
import json
import signal
import sys
import traceback

import torch


def shape_of(v):
    if isinstance(v, torch.Tensor):
        return list(v.shape)
    if isinstance(v, (tuple, list)):
        return [shape_of(i) for i in v]
    return None


def line_in_file(tb, filename):
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == filename:
            line = lineno
    return line


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout('timed out')


def run(job):
    filename = '<job %s>' % job['id']
    namespace = {'__name__': '__main__', '__file__': filename}
    saved_argv, sys.argv = sys.argv, [filename]
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(60)
    try:
        torch.manual_seed(0)
        exec(compile(job['text'], filename, 'exec'), namespace)
        model = eval(job['model_expr'], namespace)
        if hasattr(model, 'eval'):
            model.eval()
        dtype = job.get('dtype') or {}
        if dtype.get('dtype') == 'int64':
            inputs = [torch.randint(dtype.get('low', 0), dtype.get('high', 2), tuple(s)) for s in job['inputs']]
        else:
            inputs = [torch.randn(*s) for s in job['inputs']]
        with torch.no_grad():
            out = model(*inputs)
        params = sum(p.numel() for p in model.parameters()) if hasattr(model, 'parameters') else None
        return {'id': job['id'], 'ok': True, 'output_shape': shape_of(out), 'params': params}
    except BaseException as e:  # noqa: BLE001 - user code may raise anything
        if isinstance(e, KeyboardInterrupt):
            raise
        return {'id': job['id'], 'ok': False, 'error': '%s: %s' % (type(e).__name__, str(e).split('\n')[0]), 'line': line_in_file(e.__traceback__, filename)}
    finally:
        signal.alarm(0)
        sys.argv = saved_argv


def main():
    jobs = json.load(sys.stdin)
    for job in jobs:
        print(json.dumps(run(job)), flush=True)


if __name__ == '__main__':
    main()
