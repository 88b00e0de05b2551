// The `cnnshape` CLI with tfjs and the WebGPU backend bundled in, for scripts/gpu-confirm.sh.
// The preload import must stay first: it registers the modules before the CLI starts.

import './gpu-confirm-preload';
import '../server/src/cli/main';
