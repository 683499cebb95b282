// The shape every `mailverdict <command>` has. Commands get their I/O handed in, so tests capture it and
// src/ never touches process.* (cli.ts does the wiring).

/** Where a command writes text; awaiting `write` respects backpressure on a slow pipe. */
export interface TextSink {
  write(text: string): void | Promise<void>;
}

export interface CommandIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Opened only by commands that read "-". */
  stdin: () => AsyncIterable<Uint8Array>;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM: long-running commands shut down gracefully when it fires. */
  signal?: AbortSignal;
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
