// The bundle entry of dist/cli.js, which `bin/cnnshape.js` runs: it loads the command line itself
// (dist/cli-main.js, bundled from main.ts) through V8's code cache (platform/compile-cache.ts), so
// that a short command does not spend its start compiling a megabyte of JavaScript.

import { join } from 'node:path';
import { requireCached } from '../platform/compile-cache';

requireCached(join(__dirname, 'cli-main.js'));
