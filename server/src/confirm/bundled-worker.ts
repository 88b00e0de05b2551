// The entry of dist/confirm-worker.js: the confirmation worker with TensorFlow.js inside the bundle,
// so that the installed extension needs no node_modules for it. tfjs-core, tfjs-layers and the CPU
// backend are imported here; the wasm and WebGPU backends are bundled too but load on first use (the
// WebGPU one registers itself only once navigator.gpu exists, which Dawn provides later). The wasm
// binaries are copied by scripts/build.mjs into dist/wasm/, next to this bundle. What stays outside:
// `@tensorflow/tfjs-node` (optional, native) and Dawn (the `webgpu` package's dawn.node, which only
// the platform-specific extension packages carry); backends.ts looks those up at run time.

import * as tfCore from '@tensorflow/tfjs-core';
import * as tfLayers from '@tensorflow/tfjs-layers';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { preloaded } from './backends';
import type { TfModule } from './tfjs-build';
import './confirm-worker';

// The CPU backend registers itself when it loads; naming its version keeps esbuild from dropping it
// (its package.json declares the module free of side effects).
const version = { 'tfjs-core': tfCore.version_core, 'tfjs-layers': tfLayers.version_layers, 'tfjs-backend-cpu': version_cpu };
preloaded.tfjs = { ...tfCore, ...tfLayers, version } as unknown as TfModule;

preloaded.wasm = () => {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const binaries = join(__dirname, 'wasm');
  // Bundled, the backend would look for its .wasm files beside this file; they are in dist/wasm/.
  if (existsSync(join(binaries, 'tfjs-backend-wasm.wasm'))) wasm.setWasmPaths(binaries + sep);
};

preloaded.webgpu = () => void require('@tensorflow/tfjs-backend-webgpu');
