// The names of the confirmation's TensorFlow.js backends in Node, in the order `auto` tries them
// (backends.ts), as the CLI flag and the setting `cnnshape.confirm.backend` accept them. Plain data,
// so that the browser build can read them without loading the Node backends.

export const BACKEND_NAMES = ['tfjs-node', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendRequest = BackendName | 'auto';
