// Where text output goes (a command's stdout/stderr, a progress line): the process wiring hands one in, so
// library code never touches process streams and tests capture what is written.

/** Awaiting `write` respects backpressure on a slow pipe. */
export interface TextSink {
  write(text: string): void | Promise<void>;
}
