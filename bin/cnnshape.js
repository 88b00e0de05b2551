#!/usr/bin/env node
// The cnnshape command: runs the bundled command line (built by `npm run build`).
require('../dist/cli.js');
