// Every `mailverdict <command>`: the role commands that run processes (workers/) and the library's one-shot
// commands (src/commands/). Each module loads only when its command runs, so `mailverdict --help` and
// `--version` do not load the Elasticsearch, BullMQ and IMAP clients. Adding a command is a file plus a line
// here (test/unit/cli/commands.test.ts checks each summary against its module).
import type { Command } from '../src/commands/command.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', summary: 'run every role (collector, worker, alerter) in one process', load: async () => (await import('./role-commands.js')).runCommand },
  { name: 'collect', summary: 'read the configured mailboxes and queue their messages', load: async () => (await import('./role-commands.js')).collectCommand },
  { name: 'work', summary: 'parse queued messages and index them into Elasticsearch', load: async () => (await import('./role-commands.js')).workCommand },
  { name: 'alert', summary: 'evaluate the alert rules and notify on scan-timeout/fallback spikes', load: async () => (await import('./role-commands.js')).alertCommand },
  { name: 'listen', summary: 'receive gateway syslog (UDP/TCP/TLS) and queue the log lines', load: async () => (await import('./role-commands.js')).listenCommand },
  { name: 'setup', summary: 'create or update the Elasticsearch index templates', load: async () => (await import('../src/commands/setup.js')).setupCommand },
  { name: 'status', summary: 'show mailbox watermarks, queue depth and documents indexed', load: async () => (await import('../src/commands/status.js')).statusCommand },
  { name: 'health', summary: 'check the /health endpoint of the running process (exit 0 when healthy)', load: async () => (await import('../src/commands/health.js')).healthCommand },
  { name: 'parse', summary: 'parse messages from files or stdin and print the documents as JSON lines', load: async () => (await import('../src/commands/parse.js')).parseCommand },
  { name: 'config', summary: 'check the configuration and every connection it names (`mailverdict config check`)', load: async () => (await import('../src/commands/config-check.js')).configCommand },
  { name: 'replay', summary: 'backfill from .eml files, directories, mbox files and Maildirs (through the queue or --direct)', load: async () => (await import('../src/commands/replay.js')).replayCommand },
  { name: 'demo', summary: 'generate a demo quarantine, index it end to end and print a summary', load: async () => (await import('./demo-command.js')).demoCommand },
];
