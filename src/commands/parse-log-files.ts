// `mailverdict parse --log <file…|->`: log lines → log documents as NDJSON on stdout; non-event lines are
// counted by family/kind and reported on stderr (never silently dropped).
import { MemoryPartAssembler } from '../parse/log-parts.js';
import { parseLogInput } from '../parse/parse-log.js';
import { openLogFile, splitLogLines } from '../syslog/read-log-lines.js';
import type { CommandIo } from './command.js';

const STDIN_ARG = '-';
const STDIN_NAME = '<stdin>';

export async function parseLogFiles(paths: readonly string[], io: CommandIo, indent: number | undefined): Promise<number> {
  const assembler = new MemoryPartAssembler();
  const others = new Map<string, number>();
  let events = 0;
  let lines = 0;
  let failures = 0;
  for (const path of paths) {
    let stream: AsyncIterable<Uint8Array>;
    try {
      stream = path === STDIN_ARG ? io.stdin() : await openLogFile(path);
    } catch (error) {
      failures++;
      await io.stderr.write(`mailverdict parse: ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
      continue;
    }
    const name = path === STDIN_ARG ? STDIN_NAME : path;
    try {
      for await (const line of splitLogLines(stream)) {
        lines++;
        const input = { raw: line.raw, file: { path: name, offset: line.offset } };
        const result = assembler.add(parseLogInput(input), input);
        if (result === undefined) continue;
        if (result.type === 'event') {
          events++;
          await io.stdout.write(`${JSON.stringify({ _id: result.parsed.id, ...result.parsed.document }, null, indent)}\n`);
        } else if (result.type === 'other') {
          const key = `${result.family}/${result.kind}`;
          others.set(key, (others.get(key) ?? 0) + 1);
        }
      }
    } catch (error) {
      failures++;
      await io.stderr.write(`mailverdict parse: ${name}: ${(error as Error).message}\n`);
    }
  }
  const skipped = [...others.values()].reduce((a, b) => a + b, 0);
  const detail = [...others].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  await io.stderr.write(`mailverdict parse: ${lines} lines, ${events} events, ${skipped} not events${detail !== '' ? ` (${detail})` : ''}`
    + `${assembler.incomplete > 0 ? `, ${assembler.incomplete} multi-part events incomplete` : ''}\n`);
  return failures === 0 ? 0 : 1;
}
