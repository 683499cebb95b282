// The shape every `mailverdict <command>` has. Commands get their I/O handed in, so tests capture it and
// src/ never touches process.* (cli.ts does the wiring).

import type { TextSink } from '../runtime/text-sink.js';

export type { TextSink };

export interface CommandIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Opened only by commands that read "-". */
  stdin: () => AsyncIterable<Uint8Array>;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM: long-running commands shut down gracefully when it fires. */
  signal?: AbortSignal;
  /** Whether stderr is a terminal (progress bars then redraw one line); false when absent. */
  stderrIsTty?: boolean;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help text, printed for `mailverdict <name> --help` and after a usage error. */
  readonly usage: string;
  /** Resolves to the exit code. Throw {@link UsageError} for bad arguments (exit 2). */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Bad command-line arguments: the CLI prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
