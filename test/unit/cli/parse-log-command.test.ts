import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../../workers/cli.js';
import type { CommandIo } from '../../../src/commands/command.js';

const fixtures = fileURLToPath(new URL('../../fixtures/logs/', import.meta.url));
const rspamd = join(fixtures, 'rspamd', 'results.log');

async function run(argv: string[], stdin: Uint8Array[] = []): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIo = {
    stdout: { write: (t) => void (out += t) },
    stderr: { write: (t) => void (err += t) },
    stdin: () => Readable.from(stdin),
    env: {},
  };
  const code = await main(argv, io);
  return { code, out, err };
}

const docs = (out: string): Record<string, any>[] => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

describe('mailverdict parse --log', () => {
  it('prints one document per event line, with the file offset, and counts the rest on stderr', async () => {
    const r = await run(['parse', '--log', rspamd]);
    expect(r.code).toBe(0);
    const out = docs(r.out);
    expect(out.map((d) => d.mailverdict.log.kind)).toEqual(['task_result', 'task_result', 'task_timeout']);
    expect(Object.keys(out[0]!)[0]).toBe('_id');
    const text = readFileSync(rspamd);
    for (const d of out) {
      expect(d.log.file.path).toBe(rspamd);
      // The offset points at the line the document came from.
      expect(text.subarray(d.log.offset).toString('utf8').startsWith(d.event.original)).toBe(true);
    }
    // The fixture's two comment lines are no known format: counted too.
    expect(r.err).toContain('6 lines, 3 events, 3 not events (unknown/unrecognized 2, rspamd/cfg 1)');
  });

  it('reads gzip files and stdin to the same documents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mv-parse-log-'));
    const gz = join(dir, 'results.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(rspamd)));
    const plain = docs((await run(['parse', '--log', rspamd])).out).map((d) => d._id);
    expect(docs((await run(['parse', '--log', gz])).out).map((d) => d._id)).toEqual(plain);
    expect(docs((await run(['parse', '--log', '-'], [readFileSync(rspamd)])).out).map((d) => d._id)).toEqual(plain);
  });

  it('counts unknown and binary lines without printing them; a missing file is exit 1', async () => {
    const r = await run(['parse', '--log', '-'], [Buffer.from('hello\n\u0000\u0001\u0002\xff\nCEF:0|broken\n')]);
    expect(r.out).toBe('');
    expect(r.err).toContain('3 lines, 0 events, 3 not events (unknown/unrecognized 3)');
    expect((await run(['parse', '--log', join(fixtures, 'nope.log')])).code).toBe(1);
  });
});
