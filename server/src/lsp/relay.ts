// The language server in two threads (Node). The main thread owns the transport to the editor
// (stdio or VS Code's IPC channel) and does nothing but relay JSON-RPC messages to and from a worker
// thread, which runs the server itself (server.ts). Because the main thread is never busy, it sees
// every edit the moment it arrives, and bumps that document's counter on the cancellation board
// (cancellation.ts) that the worker's analyses watch: a long analysis of a large document stops at
// the next edit of it instead of holding up everything queued behind it.
// When the worker ends (the `exit` notification), so does the process, with its exit code.

import { parentPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc/node';
import { changedKeys, type CancellationBoard } from './cancellation';

/** What the main thread hands the worker. */
export interface RelayData {
  cancellation: SharedArrayBuffer;
  transport: 'stdio' | 'ipc';
}

/** Reads JSON-RPC messages posted on a worker port. */
export class PortMessageReader extends AbstractMessageReader implements MessageReader {
  constructor(private readonly port: MessagePort | Worker) {
    super();
    port.on('error', (error: Error) => this.fireError(error));
    port.on('close', () => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    const listener = (message: Message) => callback(message);
    this.port.on('message', listener);
    return { dispose: () => this.port.off('message', listener) };
  }
}

/** Posts JSON-RPC messages on a worker port. */
export class PortMessageWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(private readonly port: MessagePort | Worker) {
    super();
  }

  write(message: Message): Promise<void> {
    try {
      (this.port as MessagePort).postMessage(message);
      return Promise.resolve();
    } catch (error) {
      this.fireError(error as Error, message, undefined);
      return Promise.reject(error as Error);
    }
  }

  end(): void {}
}

/** The main thread: relays between the editor and the server's worker (started with `board`'s buffer: main.ts). */
export function relayToWorker(transport: 'stdio' | 'ipc', worker: Worker, board: CancellationBoard): void {
  // Anything the worker prints on stdout would corrupt a stdio transport: it goes to stderr.
  worker.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const reader: MessageReader = transport === 'stdio' ? new StreamMessageReader(process.stdin) : new IPCMessageReader(process);
  const writer: MessageWriter = transport === 'stdio' ? new StreamMessageWriter(process.stdout) : new IPCMessageWriter(process);
  reader.listen((message) => {
    for (const key of changedKeys(message)) board.bump(key);
    worker.postMessage(message);
  });
  worker.on('message', (message: Message) => void writer.write(message));
  worker.on('error', (error) => {
    process.stderr.write(`cnnshape: the language server stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
  worker.on('exit', (code) => process.exit(code));
  // The editor went away: end the server with it.
  reader.onClose(() => void worker.terminate().then(() => process.exit(0)));
}

/** In the worker: the port to the relay, and the data the main thread gave. */
export function relayPort(): MessagePort | null {
  return parentPort;
}
