#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// Once the command has returned, the process ends by itself; should a connection that never came up still
// hold it (a server went away during a start that a signal cut short), it is ended after a grace period.
const GRACE_MS = 10_000;
const finish = (code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(), GRACE_MS).unref();
};
import('../dist/workers/cli.js').then((m) => m.main(process.argv.slice(2))).then(
  finish,
  (err) => { console.error(`mailverdict: ${err instanceof Error ? err.message : String(err)}`); finish(1); },
);
