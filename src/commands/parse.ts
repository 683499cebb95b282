// `mailverdict parse <path...>`: shows exactly what the pipeline would index for messages on disk.
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_MESSAGE_BYTES, STDIN_ARG, readMessageBatchesFromPath, type FileReadError } from '../files/read-messages.js';
import { parseMessage } from '../parse/parse-message.js';
import type { ParsedMessage } from '../document/types.js';
import { LineBatch } from '../runtime/line-batch.js';
import { UsageError, type Command } from './command.js';
import { GATEWAY_OPTION_HELP, gatewayOption } from './gateway-option.js';

const usage = () => `Usage: mailverdict parse [options] <path...>

Parses every message and prints the document that would be indexed as one JSON object per line,
"_id" first, in input order. A path is an .eml file, an mbox, a directory of .eml files, a Maildir,
or - for stdin. Nothing is sent anywhere.

With --log, every path is a gateway log file (plain or gzip) or - for stdin, and each line that is a
per-message event prints its log document; lines that are not events (admin, system, connection, or
no known format) print nothing and are counted by family and kind on stderr.

Options:
  --log                      read gateway log lines instead of messages
  --pretty                   indent the JSON
  --max-message-bytes <n>    skip (and report) messages larger than this (default ${DEFAULT_MAX_MESSAGE_BYTES}, 64 MiB)
${GATEWAY_OPTION_HELP}
  -h, --help                 show this help

Exit status: 0 when every input was read (documents with parse warnings included),
1 when a file or message could not be read (the others are still printed), 2 on a usage error.`;

export const parseCommand: Command = {
  name: 'parse',
  summary: 'parse messages from files or stdin and print the documents as JSON lines',
  usage: usage(),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { pretty: { type: 'boolean', default: false }, log: { type: 'boolean', default: false }, 'max-message-bytes': { type: 'string' }, gateway: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length === 0) throw new UsageError('no input: give one or more paths, or - for stdin');
    const maxMessageBytes = positiveInteger(values['max-message-bytes'], '--max-message-bytes') ?? DEFAULT_MAX_MESSAGE_BYTES;
    const indent = values.pretty ? 2 : undefined;
    // The log parsers load only for --log: a message parse does not pay their start-up.
    if (values.log) return (await import('./parse-log-files.js')).parseLogFiles(positionals, io, indent);
    const gateway = gatewayOption(values.gateway);
    let failures = 0;
    const lines = new LineBatch(io.stdout);
    for (const path of positionals) {
      const options = path === STDIN_ARG ? { maxMessageBytes, stdin: io.stdin() } : { maxMessageBytes };
      // One write per chunk read (dozens of mbox messages), not per message; an error line is written
      // after the documents before it, so the two streams keep their order.
      for await (const batch of readMessageBatchesFromPath(path, options)) {
        for (const record of batch) {
          if (record.kind === 'error') {
            failures++;
            await lines.flush();
            await io.stderr.write(`mailverdict parse: ${describeError(record)}\n`);
            continue;
          }
          const origin = { kind: 'file' as const, path: record.path };
          lines.add(documentLine(parseMessage(record.raw, gateway === undefined ? { origin } : { origin, gateway }), indent));
        }
        await lines.flush();
      }
    }
    return failures === 0 ? 0 : 1;
  },
};

/** `{"_id": …, ...document}` as JSON; compact output splices the id in rather than copying the document. */
function documentLine(parsed: ParsedMessage, indent: number | undefined): string {
  if (indent === undefined) {
    const body = JSON.stringify(parsed.document);
    if (body.length > 2) return `{"_id":${JSON.stringify(parsed.id)},${body.slice(1)}`;
  }
  return JSON.stringify({ _id: parsed.id, ...parsed.document }, null, indent);
}

function describeError(e: FileReadError): string {
  return e.scope === 'message' ? `${e.path}: message ${e.index + 1}: ${e.message}` : `${e.path}: ${e.message}`;
}

function positiveInteger(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive integer, got '${value}'`);
  return n;
}
