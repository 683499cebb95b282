// The real entry point: bin/mailverdict.js → dist/workers/cli.js as `npm ci` builds it.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eml = fileURLToPath(new URL('fixtures/ksmg-timeout.eml', import.meta.url));
const bin = (args: string[], input?: Buffer) =>
  spawnSync(process.execPath, [`${root}bin/mailverdict.js`, ...args], { cwd: root, encoding: 'utf8', timeout: 30_000, ...(input ? { input } : {}) });

describe('bin/mailverdict.js', () => {
  beforeAll(() => {
    // Throws (and fails every test here) when src/ or workers/ does not compile.
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe', timeout: 170_000 });
  }, 180_000);

  it('parses a file and prints one JSON line with _id first', () => {
    const r = bin(['parse', eml]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(1);
    const doc = JSON.parse(out[0]!);
    expect(Object.keys(doc)[0]).toBe('_id');
    expect(doc._id).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.email.subject).toBe('Quarterly report');
  });

  it('reads stdin and gives the same _id', () => {
    const fromFile = JSON.parse(bin(['parse', eml]).stdout);
    const r = bin(['parse', '-'], readFileSync(eml));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)._id).toBe(fromFile._id);
  });

  it('exits 1 naming a missing file, 2 on a usage error', () => {
    const missing = bin(['parse', 'no/such/file.eml']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no/such/file.eml: no such file or directory');
    const usage = bin(['nope']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("unknown command 'nope'");
  });

  it('answers --help without loading the client libraries, and loads them for the command that needs them', () => {
    // CommonJS packages loaded through import() land in the CommonJS module cache, where the probe can see them.
    const probe = (argv: string[]) => spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { createRequire } from 'node:module';
      const { main } = await import(${JSON.stringify(`${root}dist/workers/cli.js`)});
      const sink = { write() {} };
      await main(${JSON.stringify(argv)}, { stdout: sink, stderr: sink, stdin: () => [], env: {} });
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(['@elastic/elasticsearch', 'bullmq', 'imapflow'].filter((p) => cache.some((f) => f.includes('/node_modules/' + p + '/')))));
    `], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const help = probe(['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(JSON.parse(help.stdout)).toEqual([]);
    const status = probe(['status', '--help']);
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toContain('@elastic/elasticsearch');
  });
});
