// Where text output goes (a command's stdout/stderr, a progress line): the process wiring hands one in, so
// library code never touches process streams and tests capture what is written.

/** Awaiting `write` respects backpressure on a slow pipe. */
export interface TextSink {
  write(text: string): void | Promise<void>;
  /** UTF-8 text already encoded (see line-batch.ts); sinks without it get the same text as a string. */
  writeBytes?(bytes: Uint8Array): void | Promise<void>;
}
