// Chooses the TensorFlow.js backend for the confirmation, in this order unless one is forced:
// `@tensorflow/tfjs-node` where it is installed and loads (an optional dependency: its install
// downloads libtensorflow); the GPU through WebGPU (`@tensorflow/tfjs-backend-webgpu` on Dawn from
// the `webgpu` package) where Dawn finds a hardware adapter; `@tensorflow/tfjs-backend-wasm`; the
// plain JavaScript CPU backend. Each backend that was passed over leaves a note saying why, and the
// choice names the device. Loading is behind `BackendLoaders`, so tests can take any backend away.
// A forced backend that cannot be had is an error with its reason; automatic selection never fails.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TfModule } from './tfjs-build';

import { BACKEND_NAMES, type BackendName, type BackendRequest } from './backend-names';

export { BACKEND_NAMES, type BackendName, type BackendRequest } from './backend-names';

export interface BackendChoice {
  tf: TfModule;
  backend: BackendName;
  /** The adapter or device, in words: `NVIDIA H100 (vulkan)`, `CPU (WebAssembly, SIMD)`. */
  device: string;
  /** Why each backend before it was passed over. */
  notes: string[];
}

/** A backend that cannot be had here, and why. */
export class BackendUnavailable extends Error {}

/** What a WebGPU adapter says of itself. */
export interface AdapterDescription {
  name: string;
  /** True for a software adapter (SwiftShader, llvmpipe) or one Dawn marks as a fallback. */
  software: boolean;
}

export interface BackendLoaders {
  /** The tfjs-node module, or throws. */
  tfjsNode(): TfModule;
  /** The plain tfjs module. */
  tfjs(): TfModule;
  /** Finds a WebGPU adapter through Dawn and installs navigator.gpu; null when Dawn finds none. */
  webgpuAdapter(): Promise<AdapterDescription | null>;
  /** Registers the WebGPU backend with tfjs. */
  webgpuBackend(): void;
  /** Registers the wasm backend with tfjs. */
  wasmBackend(): void;
}

/** A `require` that esbuild leaves alone, so optional packages are looked up at run time. */
const runtimeRequire: NodeRequire = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js'));

/**
 * Modules a self-contained bundle carries (the GPU run and the packaged extension have no
 * node_modules for tfjs): they are used before anything is looked up at run time. A backend is
 * `true` when the bundle imported it already, or a function that loads it from the bundle on first
 * use (the WebGPU backend registers itself only if navigator.gpu exists when it loads).
 */
export const preloaded: { tfjs?: TfModule; webgpu?: boolean | (() => void); wasm?: boolean | (() => void) } = {};

/** Loads a backend from the bundle when it carries one, else the package `name` at run time. */
function loadBackend(carried: boolean | (() => void) | undefined, name: string): void {
  if (typeof carried === 'function') carried();
  else if (!carried) runtimeRequire(name);
}

/** The dawn.node of the `webgpu` package (or CNNSHAPE_DAWN_NODE), loaded directly: the package itself is an ES module. */
function loadDawn(): { create(options: string[]): GpuLike; globals: Record<string, unknown> } {
  const override = process.env.CNNSHAPE_DAWN_NODE;
  if (override) return runtimeRequire(override);
  let root: string;
  try {
    root = dirname(runtimeRequire.resolve('webgpu/package.json'));
  } catch {
    throw new Error('Dawn is not installed here (the universal extension package carries none; the platform-specific one does)');
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const path = join(root, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  if (!existsSync(path)) throw new Error(`the webgpu package has no Dawn build for ${process.platform}-${arch}`);
  return runtimeRequire(path);
}

interface GpuLike {
  requestAdapter(options?: unknown): Promise<AdapterLike | null>;
}

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

const SOFTWARE_ADAPTERS = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

export const defaultLoaders: BackendLoaders = {
  tfjsNode: () => runtimeRequire('@tensorflow/tfjs-node') as TfModule,
  tfjs: () => preloaded.tfjs ?? (runtimeRequire('@tensorflow/tfjs') as TfModule),
  async webgpuAdapter() {
    const dawn = loadDawn();
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0).join(' ') || 'unnamed adapter';
    // tfjs-backend-webgpu asks navigator.gpu for its adapter.
    const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    return { name, software: adapter.isFallbackAdapter === true || SOFTWARE_ADAPTERS.test(name) };
  },
  webgpuBackend: () => loadBackend(preloaded.webgpu, '@tensorflow/tfjs-backend-webgpu'),
  wasmBackend: () => loadBackend(preloaded.wasm, '@tensorflow/tfjs-backend-wasm'),
};

function reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  if (/Cannot find module '@tensorflow\/tfjs-node'/.test(text)) return 'not installed';
  return text.split('\n')[0];
}

async function tryBackend(name: BackendName, loaders: BackendLoaders, forced: boolean): Promise<Omit<BackendChoice, 'notes'>> {
  switch (name) {
    case 'tfjs-node': {
      const tf = loaders.tfjsNode();
      if (!(await tf.setBackend('tensorflow'))) throw new BackendUnavailable('its tensorflow backend did not initialise');
      return { tf, backend: name, device: `CPU (libtensorflow, tfjs-node ${tf.version?.['tfjs-core'] ?? ''})`.replace(' )', ')') };
    }
    case 'webgpu': {
      const adapter = await loaders.webgpuAdapter();
      if (!adapter) throw new BackendUnavailable('Dawn found no WebGPU adapter (no GPU, or no Vulkan/Metal/D3D driver for it)');
      if (adapter.software && !forced) throw new BackendUnavailable(`Dawn found only a software adapter (${adapter.name})`);
      const tf = loaders.tfjs();
      loaders.webgpuBackend();
      if (!(await tf.setBackend('webgpu'))) throw new BackendUnavailable(`tfjs could not start WebGPU on ${adapter.name}`);
      await tf.ready();
      return { tf, backend: name, device: `${adapter.name}${adapter.software ? ' (software adapter)' : ''}` };
    }
    case 'wasm': {
      const tf = loaders.tfjs();
      loaders.wasmBackend();
      if (!(await tf.setBackend('wasm'))) throw new BackendUnavailable('the wasm backend did not initialise');
      await tf.ready();
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT').catch(() => false);
      const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT').catch(() => false);
      return { tf, backend: name, device: `CPU (WebAssembly${simd ? ', SIMD' : ''}${threads ? ', threads' : ''})` };
    }
    case 'cpu': {
      const tf = loaders.tfjs();
      await tf.setBackend('cpu');
      return { tf, backend: name, device: 'CPU (JavaScript)' };
    }
  }
}

/** The backend to confirm on: the forced one (or an error saying why it cannot be had), else the first that works. */
export async function selectBackend(request: BackendRequest = 'auto', loaders: BackendLoaders = defaultLoaders): Promise<BackendChoice> {
  if (request !== 'auto') {
    if (!BACKEND_NAMES.includes(request)) throw new BackendUnavailable(`unknown backend '${request}' (one of ${BACKEND_NAMES.join(', ')}, or auto)`);
    try {
      return { ...(await tryBackend(request, loaders, true)), notes: [] };
    } catch (e) {
      throw new BackendUnavailable(`the ${request} backend is not available: ${reason(e)}`);
    }
  }
  const notes: string[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      return { ...(await tryBackend(name, loaders, false)), notes };
    } catch (e) {
      notes.push(`${name}: ${reason(e)}`);
    }
  }
  throw new BackendUnavailable(`no TensorFlow.js backend could start: ${notes.join('; ')}`);
}
