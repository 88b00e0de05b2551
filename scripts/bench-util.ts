// What the benchmark scripts share: small statistics and formatting, and a language-server client
// that drives the built server as an editor would (bench-lsp.ts, bench-workspace.ts).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { editBetween } from '../server/src/lsp/analysisCache';

const root = resolve(__dirname, '..');
const serverBundle = join(root, 'dist', 'server.js');
const ANSWER_TIMEOUT_MS = 30000;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/**
 * Node's options for the server process from CNNSHAPE_BENCH_SERVER_NODE_OPTIONS (split at spaces),
 * to profile it: `CNNSHAPE_BENCH_SERVER_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof'` (Node
 * refuses --cpu-prof in NODE_OPTIONS). Each thread of the server writes its own profile.
 */
function serverNodeArguments(): string[] {
  return (process.env.CNNSHAPE_BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter((a) => a !== '');
}

/** A running server and a client connection to it, collecting every publication. */
export class BenchClient {
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
  ) {}

  /** Spawns the server and initializes it as VS Code would (pull configuration, versioned diagnostics). */
  static async start(folder?: string): Promise<BenchClient> {
    const child = spawn(process.execPath, [...serverNodeArguments(), serverBundle, '--stdio'], { cwd: root });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new BenchClient(child, connection);
    child.stderr.resume();
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      client.published.push(params);
      for (const wake of client.waiters.splice(0)) wake();
    });
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({})));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/workspaceFolders', () => (folder ? [{ uri: pathToFileURL(folder).href, name: 'bench' }] : null));
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folder ? pathToFileURL(folder).href : null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: { publishDiagnostics: { versionSupport: true } },
      },
      workspaceFolders: folder ? [{ uri: pathToFileURL(folder).href, name: 'bench' }] : null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The process may already be gone.
    }
    // The server exits by itself after `exit` (writing its profile, when asked for one); a stuck one is killed.
    if (this.child.exitCode === null) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, 5000);
        this.child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
      });
    }
    this.connection.dispose();
    this.child.kill();
  }

  open(uri: string, text: string): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  }

  /** Sends the edit that turns `oldText` into `newText` as one incremental change. */
  change(uri: string, version: number, oldText: string, newText: string): Promise<void> {
    const edit = editBetween(oldText, newText);
    if (!edit) throw new Error('the benchmark edit changes nothing');
    const range = {
      start: { line: edit.startPosition.row, character: edit.startPosition.column },
      end: { line: edit.oldEndPosition.row, character: edit.oldEndPosition.column },
    };
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text: newText.slice(edit.startIndex, edit.newEndIndex) }],
    });
  }

  /** Waits for the publication of `version` of `uri`. */
  async diagnosticsFor(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      const match = this.published.find((p) => p.uri === uri && p.version === version);
      if (match) return match;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the server published nothing for ${uri} version ${version} within ${ANSWER_TIMEOUT_MS} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /** How many publications arrived so far (to wait for the ones after a moment). */
  publicationCount(): number {
    return this.published.length;
  }

  /** The latest publication for `uri` after the first `after` publications, if any. */
  latestAfter(uri: string, after: number): PublishDiagnosticsParams | undefined {
    return this.published.slice(after).filter((p) => p.uri === uri).pop();
  }

  /** Waits for a publication for `uri` after the first `after` publications. */
  async publishedAfter(uri: string, after: number): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      const match = this.published.slice(after).find((p) => p.uri === uri);
      if (match) return match;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the server published nothing new for ${uri} within ${ANSWER_TIMEOUT_MS} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /**
   * The CPU time the server's process has used so far (all its threads), from /proc (Linux only):
   * on a loaded machine, the CPU an edit costs says more than its wall time.
   */
  cpuMs(): number | undefined {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100 a second).
      const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return undefined;
    }
  }

  /** The child's resident set size, from /proc (Linux only). */
  residentBytes(): number | undefined {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }
}

export const pause = (milliseconds: number) => new Promise((wake) => setTimeout(wake, milliseconds));
