// Loads the parser for a Node host (the CLI, the language server, the confirmation worker, tests and
// scripts) and installs it for the core (syntax/binding.ts useParser).
//
// The native `tree-sitter` addon is used when its binary loads and parses here. It may not: no
// prebuilt binary for the platform (musl, an older glibc or libstdc++ than the prebuild needs) and
// no compiler or install scripts to build one (`npm ci --ignore-scripts`, pnpm's default). Then the
// WebAssembly build (`web-tree-sitter` running tree-sitter-python's .wasm) takes over, with the same
// trees, and `notice` receives one line saying so: the reason, never a stack trace.
// CNNSHAPE_PARSER=wasm (or the `wasm` option: the CLI's --parser wasm) forces the WebAssembly parser;
// CNNSHAPE_PARSER=native forces the addon and fails when it does not load.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parserKind, useParser, type ParserBinding, type ParserKind } from '../syntax/binding';
import { nativeBinding } from '../syntax/native';

export type ParserChoice = 'auto' | ParserKind;

export interface LoadParserOptions {
  /** `auto` (the default, or CNNSHAPE_PARSER): native when it loads, else WebAssembly. */
  parser?: ParserChoice;
  /** Receives the one line said when the native parser does not load (default: stderr). */
  notice?: (line: string) => void;
}

export interface LoadedParser {
  kind: ParserKind;
  /** Why the native parser was not used, when it was not. */
  reason?: string;
}

let loading: Promise<LoadedParser> | undefined;

/** The parser choice from the environment (CNNSHAPE_PARSER), or undefined when unset or not understood. */
export function parserFromEnvironment(): ParserChoice | undefined {
  const v = process.env.CNNSHAPE_PARSER?.trim().toLowerCase();
  return v === 'wasm' || v === 'native' || v === 'auto' ? v : undefined;
}

/** Loads and installs the parser once per thread; later calls return the first result. */
export function loadParser(options: LoadParserOptions = {}): Promise<LoadedParser> {
  loading ??= load(options.parser ?? parserFromEnvironment() ?? 'auto', options.notice ?? ((line) => process.stderr.write(line + '\n')));
  return loading;
}

async function load(choice: ParserChoice, notice: (line: string) => void): Promise<LoadedParser> {
  if (choice === 'wasm') {
    useParser(await loadWasmBinding());
    return { kind: 'wasm', reason: 'the WebAssembly parser was asked for' };
  }
  let reason: string;
  try {
    useParser(await loadNativeBinding());
    return { kind: 'native' };
  } catch (error) {
    reason = firstLine(error);
    if (choice === 'native') throw new Error(`the native tree-sitter parser did not load: ${reason}`);
  }
  useParser(await loadWasmBinding());
  notice(`cnnshape: the native tree-sitter parser did not load (${reason}); using the WebAssembly parser`);
  return { kind: 'wasm', reason };
}

/** A `require` that bundlers leave alone: the native packages are looked up at run time, beside the bundle. */
const runtimeRequire = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'package.json'));

/** The addon and the compiled grammar, tried on a small file: a binary for another libc fails here. */
export async function loadNativeBinding(): Promise<ParserBinding> {
  const Parser = runtimeRequire('tree-sitter');
  const python = runtimeRequire('tree-sitter-python');
  const binding = nativeBinding(Parser, python);
  binding.parse('x = 1\n');
  return binding;
}

/**
 * web-tree-sitter's runtime and tree-sitter-python's grammar, from dist/ (bundled) or node_modules.
 * Imported when first needed: where the native parser loads, its 170 kB of glue code is never run.
 */
export async function loadWasmBinding(): Promise<ParserBinding> {
  const { wasmBinding } = await import('../syntax/wasm');
  return wasmBinding(readFileSync(wasmFile('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm')), readFileSync(wasmFile('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm')));
}

/** Which parser this thread runs on, once loaded. */
export function loadedParserKind(): ParserKind | undefined {
  return parserKind();
}

function wasmFile(name: string, packagePath: string): string {
  // Bundled (dist/cli.js, dist/server.js, ...), scripts/build.mjs copies the files beside the bundle.
  if (typeof __dirname === 'string' && existsSync(join(__dirname, name))) return join(__dirname, name);
  return runtimeRequire.resolve(packagePath);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.length > 300 ? line.slice(0, 297) + '...' : line.trim();
}
