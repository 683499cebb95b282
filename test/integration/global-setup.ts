// Starts the local real services (idempotent) before any integration test. A server that cannot be
// started fails the run here, with the script's message: integration tests never skip silently.
// MAILVERDICT_SERVICES=external leaves starting them to someone else (the tests then fail on a
// server that is not there, which is how their failing is checked).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  if (process.env['MAILVERDICT_SERVICES'] === 'external') return;
  const script = fileURLToPath(new URL('../../scripts/services', import.meta.url));
  // OpenSearch too: the search-store tests run against both engines.
  execFileSync(script, ['up', 'opensearch'], { stdio: 'inherit' });
  // The second IMAP server of the interop tests; started once per run, reused by every file.
  execFileSync(script, ['up-cyrus'], { stdio: 'inherit' });
}
