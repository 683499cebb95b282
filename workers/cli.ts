// `mailverdict <command> [args]`: looks the command up in the registry, wires process I/O, turns usage errors
// into exit code 2. bin/mailverdict.js calls main(argv) and sets the exit code; nothing here calls process.exit.
import { readFileSync } from 'node:fs';
import { COMMANDS, type CommandEntry } from './commands.js';
import { UsageError, type Command, type CommandIo, type TextSink } from '../src/commands/command.js';
import { packageFile } from '../src/package-file.js';

const EXIT_USAGE = 2;

/** A command itself, or its name and summary with the module loaded only when the command runs. */
type Listed = Command | CommandEntry;

function loaded(entry: Listed): Promise<Command> {
  return 'load' in entry ? entry.load() : Promise.resolve(entry);
}

export function version(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}

export function usage(commands: readonly Listed[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: mailverdict <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'mailverdict <command> --help' for the options of a command.",
  ].join('\n');
}

export async function main(argv: string[], io: CommandIo = processIo(), commands: readonly Listed[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    await io.stderr.write(`${usage(commands)}\n`);
    return EXIT_USAGE;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    await io.stdout.write(`mailverdict ${version()}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const wanted = args[0] === undefined ? undefined : commands.find((c) => c.name === args[0]);
    await io.stdout.write(`${wanted === undefined ? usage(commands) : (await loaded(wanted)).usage}\n`);
    return 0;
  }
  const listed = commands.find((c) => c.name === name);
  if (listed === undefined) {
    await io.stderr.write(`mailverdict: unknown command '${name}'\n\n${usage(commands)}\n`);
    return EXIT_USAGE;
  }
  // Only the chosen command's module (and the libraries it needs) loads: `--help` stays fast.
  const command = await loaded(listed);
  if (wantsHelp(args)) {
    await io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof OutputClosedError) return 0;
    if (err instanceof UsageError || isParseArgsError(err)) {
      await io.stderr.write(`mailverdict ${command.name}: ${(err as Error).message}\n\n${command.usage}\n`);
      return EXIT_USAGE;
    }
    await io.stderr.write(`mailverdict ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** `-h`/`--help` anywhere before a `--` that ends the options. */
function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** The reader of our output went away (`mailverdict parse big.mbox | head`): stop quietly. */
class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

function processIo(): CommandIo {
  const shutdown = new AbortController();
  // First signal: graceful shutdown; a second one is left to Node's default (exit at once).
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => shutdown.abort(sig));
  }
  return {
    signal: shutdown.signal,
    stdout: streamSink(process.stdout),
    stderr: streamSink(process.stderr),
    stdin: () => process.stdin,
    env: process.env,
    stderrIsTty: process.stderr.isTTY === true,
  };
}

function streamSink(stream: NodeJS.WriteStream): TextSink {
  let broken: Error | undefined;
  stream.on('error', (err) => {
    broken = err;
  });
  // Strings and bytes go the same way: `parse` hands over whole batches of lines already encoded.
  const write = (chunk: string | Uint8Array): void | Promise<void> => {
    if (broken !== undefined) throw new OutputClosedError(broken.message);
    if (stream.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('close', done);
        stream.off('error', done);
        if (broken !== undefined) reject(new OutputClosedError(broken.message));
        else resolve();
      };
      stream.on('drain', done);
      stream.on('close', done);
      stream.on('error', done);
    });
  };
  return { write, writeBytes: write };
}
