// The confirmation in the browser (the web extension's language server, a web worker): the same
// forward pass as in Node (confirm.ts), on the user's GPU through WebGPU where the browser offers it
// (navigator.gpu), else WebGL 2 (an OffscreenCanvas in the worker), else plain JavaScript; no
// native install. TensorFlow.js (core, layers and those three backends) is in the web bundle.

import * as tfCore from '@tensorflow/tfjs-core';
import * as tfLayers from '@tensorflow/tfjs-layers';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { version_webgl } from '@tensorflow/tfjs-backend-webgl';
import type { ConfirmReport } from './report';
import { confirmText, type BackendInfo } from './confirm';
import type { TfModule } from './tfjs-build';
import type { ConfirmRequest } from './worker';

/** The browser's backends, in the order `auto` tries them. */
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'cpu'] as const;
type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

const tf = { ...tfCore, ...tfLayers, version: { 'tfjs-core': tfCore.version_core, 'tfjs-layers': tfLayers.version_layers, 'tfjs-backend-cpu': version_cpu, 'tfjs-backend-webgl': version_webgl } } as unknown as TfModule;

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

function navigatorGpu(): { requestAdapter(options?: unknown): Promise<GpuAdapterLike | null> } | undefined {
  return (globalThis as unknown as { navigator?: { gpu?: { requestAdapter(options?: unknown): Promise<GpuAdapterLike | null> } } }).navigator?.gpu;
}

async function tryBackend(name: BrowserBackend): Promise<BackendInfo> {
  switch (name) {
    case 'webgpu': {
      const gpu = navigatorGpu();
      if (!gpu) throw new Error('this browser offers no WebGPU (navigator.gpu) to workers');
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) throw new Error('the browser found no WebGPU adapter');
      // The WebGPU backend registers itself on load, once navigator.gpu exists.
      await import('@tensorflow/tfjs-backend-webgpu');
      if (!(await tfCore.setBackend('webgpu'))) throw new Error('tfjs could not start WebGPU');
      await tfCore.ready();
      const info = adapter.info ?? {};
      const device = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0).join(' ') || 'GPU';
      return { tf, backend: 'webgpu', device: `${device} (WebGPU)` };
    }
    case 'webgl': {
      if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined') throw new Error('this browser offers no OffscreenCanvas to workers');
      if (!(await tfCore.setBackend('webgl'))) throw new Error('tfjs could not start WebGL');
      await tfCore.ready();
      const gl = (tfCore.backend() as unknown as { gpgpu?: { gl?: { getParameter(p: number): unknown; RENDERER: number } } }).gpgpu?.gl;
      const renderer = gl ? String(gl.getParameter(gl.RENDERER)) : 'GPU';
      return { tf, backend: 'webgl', device: `${renderer} (WebGL ${tfCore.env().getNumber('WEBGL_VERSION')})` };
    }
    case 'cpu':
      await tfCore.setBackend('cpu');
      return { tf, backend: 'cpu', device: 'CPU (JavaScript)' };
  }
}

/** Confirms the request's files in this worker: the forced backend, or the first of BROWSER_BACKENDS that starts. */
export async function confirmInBrowser(request: ConfirmRequest, signal: AbortSignal): Promise<ConfirmReport> {
  const notes: string[] = [];
  let choice: BackendInfo | undefined;
  const forced = request.backend === 'auto' ? undefined : request.backend;
  if (forced && !(BROWSER_BACKENDS as readonly string[]).includes(forced)) throw new Error(`the ${forced} backend does not run in the browser (${BROWSER_BACKENDS.join(', ')} do)`);
  for (const name of forced ? [forced as BrowserBackend] : BROWSER_BACKENDS) {
    try {
      choice = await tryBackend(name);
      break;
    } catch (error) {
      if (forced) throw new Error(`the ${name} backend is not available: ${(error as Error).message}`);
      notes.push(`${name}: ${(error as Error).message}`);
    }
  }
  if (!choice) throw new Error(`no TensorFlow.js backend could start: ${notes.join('; ')}`);
  const files = [];
  for (const f of request.files) {
    if (signal.aborted) throw new Error('the confirmation was cancelled');
    files.push({ path: f.path, models: await confirmText(choice, f.text, request.options) });
  }
  return { files, backend: { name: choice.backend, device: choice.device, notes } };
}
