// Imported first by scripts/gpu-confirm-entry.ts: puts tfjs and its WebGPU backend into the
// self-contained CLI bundle for the GPU machine, which carries no node_modules.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { preloaded } from '../server/src/confirm/backends';

preloaded.tfjs = tf;
preloaded.webgpu = true;
