import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMessagesFromPath, type FileRecord, type ReadMessagesOptions } from '../../../src/files/read-messages.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailverdict-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const msg = (n: string): string => `From: ${n}@example.com\nSubject: ${n}\n\nbody ${n}\n`;

async function collect(path: string, options?: ReadMessagesOptions): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const r of readMessagesFromPath(path, options)) out.push(r);
  return out;
}
const summary = (records: FileRecord[]): string[] =>
  records.map((r) => `${r.path.startsWith(dir) ? r.path.slice(dir.length + 1) : r.path}#${r.index} ${r.kind === 'message' ? Buffer.from(r.raw).toString() : `ERROR ${r.code}: ${r.message}`}`);

describe('readMessagesFromPath', () => {
  it('reads one .eml file as one message', async () => {
    const p = join(dir, 'one.eml');
    await writeFile(p, msg('a'));
    expect(summary(await collect(p))).toEqual([`one.eml#0 ${msg('a')}`]);
  });

  it('reads an mbox as its messages in order, numbered within the file', async () => {
    const p = join(dir, 'box.mbox');
    await writeFile(p, `From x Thu May  2 10:00:00 2024\n${msg('a')}\nFrom y Thu May  2 10:00:00 2024\n${msg('b')}\nFrom z Thu May  2 10:00:00 2024\n${msg('c')}\n`);
    expect(summary(await collect(p))).toEqual([`box.mbox#0 ${msg('a')}`, `box.mbox#1 ${msg('b')}`, `box.mbox#2 ${msg('c')}`]);
  });

  it('streams a large mbox message by message', async () => {
    const p = join(dir, 'large.mbox');
    const n = 3000;
    await writeFile(p, Array.from({ length: n }, (_, i) => `From x\n${msg(`m${i}`)}${'pad line\n'.repeat(40)}\n`).join(''));
    let count = 0;
    for await (const r of readMessagesFromPath(p)) {
      expect(r.kind).toBe('message');
      if (r.kind === 'message') expect(Buffer.from(r.raw).toString()).toContain(`Subject: m${count}\n`);
      count++;
    }
    expect(count).toBe(n);
  });

  it('reads the .eml files of a directory sorted by name, skipping other and hidden files', async () => {
    const d = join(dir, 'emls');
    await mkdir(d);
    await writeFile(join(d, 'b.eml'), msg('b'));
    await writeFile(join(d, 'a.EML'), msg('a'));
    await writeFile(join(d, 'notes.txt'), 'not mail');
    await writeFile(join(d, '.hidden.eml'), msg('h'));
    await mkdir(join(d, 'sub.eml'));
    expect(summary(await collect(d))).toEqual([`emls/a.EML#0 ${msg('a')}`, `emls/b.eml#0 ${msg('b')}`]);
  });

  it('searches sub-directories: their .eml files and Maildirs after the directory\'s own, in name order', async () => {
    const root = join(dir, 'tree');
    await mkdir(join(root, 'b', 'deeper'), { recursive: true });
    await mkdir(join(root, 'a-maildir', 'cur'), { recursive: true });
    await mkdir(join(root, 'a-maildir', 'new'), { recursive: true });
    await mkdir(join(root, '.hidden'), { recursive: true });
    await writeFile(join(root, 'top.eml'), msg('top'));
    await writeFile(join(root, 'b', 'mid.eml'), msg('mid'));
    await writeFile(join(root, 'b', 'deeper', 'low.eml'), msg('low'));
    await writeFile(join(root, 'a-maildir', 'new', '1700000000.M1.host'), msg('md'));
    await writeFile(join(root, '.hidden', 'skip.eml'), msg('skip'));
    await symlink(root, join(root, 'b', 'loop'));
    expect(summary(await collect(root))).toEqual([
      `tree/top.eml#0 ${msg('top')}`,
      `tree/a-maildir/new/1700000000.M1.host#0 ${msg('md')}`,
      `tree/b/mid.eml#0 ${msg('mid')}`,
      `tree/b/deeper/low.eml#0 ${msg('low')}`,
    ]);
  });

  it('reads a Maildir: cur/ and new/ merged in name (delivery time) order', async () => {
    const d = join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(d, sub), { recursive: true });
    await writeFile(join(d, 'cur', '1700000003.M1P1.host:2,S'), msg('three'));
    await writeFile(join(d, 'new', '1700000001.M1P1.host'), msg('one'));
    await writeFile(join(d, 'cur', '1700000002.M1P1.host:2,'), msg('two'));
    await writeFile(join(d, 'tmp', '1700000000.M1P1.host'), msg('partial'));
    expect(summary(await collect(d))).toEqual([
      `Maildir/new/1700000001.M1P1.host#0 ${msg('one')}`,
      `Maildir/cur/1700000002.M1P1.host:2,#0 ${msg('two')}`,
      `Maildir/cur/1700000003.M1P1.host:2,S#0 ${msg('three')}`,
    ]);
  });

  it('yields nothing for an empty Maildir and an error for a directory without messages', async () => {
    const md = join(dir, 'EmptyMaildir');
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(md, sub), { recursive: true });
    expect(await collect(md)).toEqual([]);
    const empty = join(dir, 'nothing');
    await mkdir(empty);
    expect(await collect(empty)).toMatchObject([{ kind: 'error', code: 'no_messages', path: empty }]);
  });

  it('reports a missing path as an error record instead of throwing', async () => {
    const p = join(dir, 'missing.eml');
    expect(await collect(p)).toEqual([{ kind: 'error', path: p, index: 0, code: 'not_found', scope: 'file', message: 'no such file or directory' }]);
  });

  it('reports an empty file', async () => {
    const p = join(dir, 'empty.eml');
    await writeFile(p, '');
    expect(await collect(p)).toMatchObject([{ kind: 'error', code: 'empty', scope: 'file', message: 'file is empty' }]);
  });

  it('skips a file over the size cap with an error and goes on with the next file', async () => {
    const d = join(dir, 'capped');
    await mkdir(d);
    await writeFile(join(d, '1.eml'), `Subject: big\n\n${'x'.repeat(10_000)}\n`);
    await writeFile(join(d, '2.eml'), msg('small'));
    const got = await collect(d, { maxMessageBytes: 1024 });
    expect(summary(got)).toEqual(['capped/1.eml#0 ERROR too_large: message is larger than the 1 KiB limit; skipped', `capped/2.eml#0 ${msg('small')}`]);
  });

  it('reads "-" from the given stdin stream, as one message or as an mbox', async () => {
    const one = await collect('-', { stdin: Readable.from([Buffer.from(msg('s').slice(0, 3)), Buffer.from(msg('s').slice(3))]) });
    expect(summary(one)).toEqual([`<stdin>#0 ${msg('s')}`]);
    const box = await collect('-', { stdin: Readable.from([Buffer.from(`From x\n${msg('a')}\nFrom y\n${msg('b')}`)]) });
    expect(summary(box)).toEqual([`<stdin>#0 ${msg('a')}`, `<stdin>#1 ${msg('b')}`]);
    expect(await collect('-')).toMatchObject([{ kind: 'error', code: 'unreadable', path: '<stdin>' }]);
  });

  it('in a Maildir, reports an unreadable new/, a broken link and a FIFO each on its own and reads the rest', async () => {
    const d = join(dir, 'BrokenMaildir');
    await mkdir(join(d, 'cur'), { recursive: true });
    await writeFile(join(d, 'cur', '1700000002.M1P1.host:2,'), msg('two'));
    await symlink(join(d, 'nowhere'), join(d, 'cur', '1700000003.M1P1.host:2,'));
    execFileSync('mkfifo', [join(d, 'cur', '1700000004.M1P1.host:2,')]);
    await writeFile(join(d, 'cur', '1700000005.M1P1.host:2,'), msg('five'));
    // new/ cannot be listed: a link pointing at itself (as root, a mode-000 directory would still be readable).
    await symlink('new', join(d, 'new'));
    const got = summary(await collect(d));
    expect(got).toEqual([
      'BrokenMaildir/cur/1700000003.M1P1.host:2,#0 ERROR broken_link: skipped: broken symbolic link',
      'BrokenMaildir/cur/1700000004.M1P1.host:2,#0 ERROR not_a_file: skipped: a FIFO, not a message file',
      expect.stringMatching(/^BrokenMaildir\/new#0 ERROR unreadable: cannot read: ELOOP/),
      `BrokenMaildir/cur/1700000002.M1P1.host:2,#0 ${msg('two')}`,
      `BrokenMaildir/cur/1700000005.M1P1.host:2,#0 ${msg('five')}`,
    ]);
  });

  it('reports a new/ without read permission per directory and reads cur/ (non-root only: root reads anything)', async () => {
    const d = join(dir, 'PermMaildir');
    await mkdir(join(d, 'cur'), { recursive: true });
    await mkdir(join(d, 'new'));
    await writeFile(join(d, 'cur', '1.host:2,'), msg('one'));
    await writeFile(join(d, 'new', '2.host'), msg('two'));
    await chmod(join(d, 'new'), 0);
    try {
      const got = summary(await collect(d));
      const root = process.getuid?.() === 0;
      expect(got).toEqual(root
        ? [`PermMaildir/cur/1.host:2,#0 ${msg('one')}`, `PermMaildir/new/2.host#0 ${msg('two')}`]
        : ['PermMaildir/new#0 ERROR unreadable: permission denied', `PermMaildir/cur/1.host:2,#0 ${msg('one')}`]);
    } finally {
      await chmod(join(d, 'new'), 0o755);
    }
  });

  it('in a directory of .eml files, reports a broken .eml link and an .eml FIFO and reads the rest', async () => {
    const d = join(dir, 'emls-broken');
    await mkdir(d);
    await writeFile(join(d, 'a.eml'), msg('a'));
    await symlink(join(d, 'gone.eml'), join(d, 'b.eml'));
    execFileSync('mkfifo', [join(d, 'c.eml')]);
    expect(summary(await collect(d))).toEqual([
      'emls-broken/b.eml#0 ERROR broken_link: skipped: broken symbolic link',
      'emls-broken/c.eml#0 ERROR not_a_file: skipped: a FIFO, not a message file',
      `emls-broken/a.eml#0 ${msg('a')}`,
    ]);
  });
});
