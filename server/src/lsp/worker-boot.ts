// The bundle entry of dist/server-boot.js, the file the language server's worker thread starts from
// (main.ts): it loads the server itself (dist/server-worker.js, worker-main.ts) through V8's code
// cache (platform/compile-cache.ts). A bundle of its own, a few kilobytes, so that the worker does
// not load the relay's bundle (dist/server.js, with the JSON-RPC library) before the server's.

import { join } from 'node:path';
import { requireCached } from '../platform/compile-cache';

requireCached(join(__dirname, 'server-worker.js'));
