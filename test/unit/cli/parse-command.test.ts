import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../workers/cli.js';
import type { CommandIo } from '../../../src/commands/command.js';
import { parseMessage } from '../../../src/parse/parse-message.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const eml = `${here}fixtures/ksmg-timeout.eml`;
const mbox = `${here}fixtures/three.mbox`;

interface Captured { code: number; out: string; err: string }

async function run(argv: string[], stdin: Uint8Array[] = []): Promise<Captured> {
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

const lines = (out: string): Record<string, any>[] => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
/** event.created is "now": the one field that differs between two parses of the same message. */
const stable = (doc: Record<string, any>): Record<string, any> => ({ ...doc, event: { ...doc.event, created: 'X' } });

describe('mailverdict parse', () => {
  it('prints one JSON line per message: _id first, then the document parseMessage builds', async () => {
    const r = await run(['parse', eml]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out.endsWith('\n')).toBe(true);
    const docs = lines(r.out);
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(Object.keys(doc)[0]).toBe('_id');
    expect(doc._id).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.email.subject).toBe('Quarterly report');
    expect(doc.mailverdict.origin).toEqual({ kind: 'file', path: eml });
    const direct = parseMessage(readFileSync(eml), { origin: { kind: 'file', path: eml } });
    expect(stable(doc)).toEqual(stable({ _id: direct.id, ...direct.document }));
  });

  it('prints the messages of an mbox in order, un-escaped', async () => {
    const r = await run(['parse', mbox]);
    expect(r).toMatchObject({ code: 0, err: '' });
    const docs = lines(r.out);
    expect(docs.map((d) => d.email.subject)).toEqual(['first', 'second', 'third']);
    expect(new Set(docs.map((d) => d._id)).size).toBe(3);
    expect(docs.every((d) => d.mailverdict.origin.path === mbox)).toBe(true);
  });

  it('keeps argument order across several inputs', async () => {
    const r = await run(['parse', mbox, eml]);
    expect(lines(r.out).map((d) => d.email.subject)).toEqual(['first', 'second', 'third', 'Quarterly report']);
  });

  it('reads - from stdin', async () => {
    const raw = readFileSync(eml);
    const r = await run(['parse', '-'], [raw.subarray(0, 100), raw.subarray(100)]);
    expect(r).toMatchObject({ code: 0, err: '' });
    const [doc] = lines(r.out);
    expect(doc?.email.subject).toBe('Quarterly report');
    expect(doc?.mailverdict.origin).toEqual({ kind: 'file', path: '<stdin>' });
    const fromFile = lines((await run(['parse', eml])).out)[0];
    expect(doc?._id).toBe(fromFile?._id);
  });

  it('--gateway makes the named gateway the top level when its headers are present; the per-gateway fields stay', async () => {
    const multi = fileURLToPath(new URL('../../fixtures/multi-gateway/klms-sa-rspamd-clamav.eml', import.meta.url));
    const plain = lines((await run(['parse', multi])).out)[0]!;
    const r = await run(['parse', '--gateway', 'klms', multi]);
    expect(r).toMatchObject({ code: 0, err: '' });
    const configured = lines(r.out)[0]!;
    expect(plain.mailverdict.gateway).toBe('rspamd');
    expect(configured.mailverdict.gateway).toBe('klms');
    expect(configured.observer).toMatchObject({ product: 'KLMS', hostname: 'klms.example.org' });
    expect(configured._id).toBe(plain._id);
    expect(configured.mailverdict.scan.by_gateway).toEqual(plain.mailverdict.scan.by_gateway);
    const direct = parseMessage(readFileSync(multi), { origin: { kind: 'file', path: multi }, gateway: { id: 'klms' } });
    expect(stable(configured)).toEqual(stable({ _id: direct.id, ...direct.document }));
  });

  it('--gateway with an id no parser reports is a usage error naming the choices', async () => {
    const r = await run(['parse', '--gateway', 'kasperski', eml]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--gateway must be one of ksmg, klms");
    expect(r.out).toBe('');
  });

  it('--pretty indents the JSON', async () => {
    const r = await run(['parse', '--pretty', eml]);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('{\n  "_id": "')).toBe(true);
    expect(JSON.parse(r.out).email.subject).toBe('Quarterly report');
  });

  it('names a missing file, still prints the others, and exits 1', async () => {
    const missing = `${here}fixtures/does-not-exist.eml`;
    const r = await run(['parse', missing, eml]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`mailverdict parse: ${missing}: no such file or directory\n`);
    expect(lines(r.out).map((d) => d.email.subject)).toEqual(['Quarterly report']);
  });

  it('reports a message over --max-message-bytes by file and number and goes on', async () => {
    const r = await run(['parse', '--max-message-bytes', '160', mbox]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^mailverdict parse: .*three\.mbox: message 1: message is larger than the 160 bytes limit; skipped\n$/);
    expect(lines(r.out).map((d) => d.email.subject)).toEqual(['second', 'third']);
  });

  it('rejects bad arguments with the usage and exit 2', async () => {
    for (const argv of [['parse'], ['parse', '--bogus', eml], ['parse', '--max-message-bytes', 'lots', eml], ['parse', '--max-message-bytes', '0', eml]]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain('Usage: mailverdict parse');
    }
  });

  it('prints its help with --help, ignoring the other arguments', async () => {
    const r = await run(['parse', eml, '--help']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('Usage: mailverdict parse [options] <path...>');
  });
});

describe('mailverdict', () => {
  it('lists the commands with --help', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain('Usage: mailverdict <command>');
      expect(r.out).toMatch(/^ {2}parse {2}/m);
    }
    expect((await run(['help', 'parse'])).out).toContain('Usage: mailverdict parse');
  });

  it('answers no command or an unknown command with the usage and exit 2', async () => {
    const none = await run([]);
    expect(none).toMatchObject({ code: 2, out: '' });
    expect(none.err).toContain('Usage: mailverdict <command>');
    const unknown = await run(['frobnicate', 'x']);
    expect(unknown).toMatchObject({ code: 2, out: '' });
    expect(unknown.err).toMatch(/^mailverdict: unknown command 'frobnicate'\n\nUsage: mailverdict <command>/);
  });

  it('turns an unexpected error of a command into exit 1 with its message', async () => {
    const boom = { name: 'boom', summary: 's', usage: 'Usage: boom', run: async () => { throw new Error('kaput'); } };
    let err = '';
    const code = await main(['boom'], { stdout: { write: () => undefined }, stderr: { write: (t) => void (err += t) }, stdin: () => Readable.from([]), env: {} }, [boom]);
    expect(code).toBe(1);
    expect(err).toBe('mailverdict boom: kaput\n');
  });
});
