// The walls of the house: library code in src/ gets its environment, streams and terminal handed in by the
// process wiring in workers/, never reaches for process.* itself, never imports workers/, and only the
// command layer (src/commands/) imports the command layer.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');
const sources = readdirSync(SRC, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts'))
  .map((e) => join(e.parentPath, e.name));

/** Code lines only: // comments and /** … *\/ doc lines are left out. */
function codeLines(file: string): { at: string; line: string }[] {
  return readFileSync(file, 'utf8').split('\n')
    .map((line, i) => ({ at: `${relative(ROOT, file)}:${i + 1}`, line }))
    .filter(({ line }) => !/^\s*(\/\/|\*|\/\*)/.test(line));
}

describe('src/ layout', () => {
  it('never reads process.* (env, streams, TTY, pid are passed in from workers/)', () => {
    const hits = sources.flatMap(codeLines).filter(({ line }) => /(?<![\w.])process\.\w/.test(line.replace(/'[^']*'/g, '')));
    expect(hits.map((h) => `${h.at}: ${h.line.trim()}`)).toEqual([]);
  });

  it('never imports workers/, and only src/commands/ imports src/commands/', () => {
    const hits = sources.flatMap((file) => codeLines(file)
      .filter(({ line }) => /from '[^']*\/workers\//.test(line)
        || (!file.startsWith(join(SRC, 'commands')) && /from '[^']*\/commands\//.test(line)))
      .map((h) => `${h.at}: ${h.line.trim()}`));
    expect(hits).toEqual([]);
  });
});
