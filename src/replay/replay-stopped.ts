// A replay stops at the first SIGINT/SIGTERM (the CLI aborts the command's signal): reading, waiting for
// queue room and waiting for the workers all end promptly, and the command says what is left undone.

/** Thrown out of a wait that the stop signal ended. */
export class ReplayStopped extends Error {
  override readonly name = 'ReplayStopped';
}

/** Resolves after `ms`, or throws ReplayStopped as soon as `signal` aborts. */
export function sleepUnlessStopped(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(new ReplayStopped(String(signal.reason)));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ReplayStopped(String(signal?.reason)));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Shell convention for a process ended by a signal: 128 + its number (SIGINT 130, SIGTERM 143). */
export function stoppedExitCode(signal: AbortSignal | undefined): number {
  return signal?.reason === 'SIGTERM' ? 143 : 130;
}
