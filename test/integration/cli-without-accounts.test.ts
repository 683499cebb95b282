// Real processes (`node bin/mailverdict.js …`) on a configuration without IMAP accounts: the commands that do
// not read IMAP run (setup, status, replay), the collector refuses naming the key, and a replay waiting for
// workers that never come stops at the first SIGTERM with a clear line.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, createFaultCase, generateMessages, REPO, runMv, waitFor, type FaultCase } from './process-harness.js';

function withoutAccounts(fc: FaultCase): string {
  const config = fc.baseConfig([]);
  delete config['accounts'];
  return fc.writeConfig(config);
}

function writeEmls(fc: FaultCase, count: number): string {
  const dir = join(fc.dir, 'emls');
  mkdirSync(dir, { recursive: true });
  generateMessages(count, fc.tag).forEach((m, i) => writeFileSync(join(dir, `${i}.eml`), m.raw));
  return dir;
}

describe('mailverdict without IMAP accounts (real servers, separate processes)', () => {
  let fc: FaultCase | undefined;
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    await fc?.cleanup();
    fc = undefined;
  });

  it('setup, replay --direct and status run; collect exits 1 naming `accounts`', async () => {
    fc = await createFaultCase('noacct');
    const file = withoutAccounts(fc);
    const emls = writeEmls(fc, 5);

    const setup = await runMv(['setup', '-c', file], { timeoutMs: 120_000 });
    expect(setup.stderr).toBe('');
    expect(setup.code).toBe(0);
    const replay = await runMv(['replay', '--direct', '--progress', 'none', '-c', file, emls], { timeoutMs: 120_000 });
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('replayed 5 messages: 5 indexed');
    expect(await fc.docCount()).toBe(5);
    const status = await runMv(['status', '-c', file], { timeoutMs: 120_000 });
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);

    const collect = await runMv(['collect', '-c', file], { timeoutMs: 120_000 });
    expect(collect.timedOut).toBe(false);
    expect(collect.code).toBe(1);
    expect(collect.stderr).toMatch(/^mailverdict collect: invalid configuration.*\n\s+- accounts: expected one or more IMAP accounts \(the collect role reads IMAP mailboxes\), got none/);
  }, 600_000);

  it('replay through the queue with no worker running stops at the first SIGTERM: exit 143 and one clear line', async () => {
    fc = await createFaultCase('replaysig');
    const file = withoutAccounts(fc);
    const emls = writeEmls(fc, 3);
    const child = spawn(process.execPath, [join(REPO, 'bin/mailverdict.js'), 'replay', '--progress', 'lines', '-c', file, emls], {
      cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'],
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAILVERDICT_'))),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => setImmediate(() => resolve({ code, signal })));
    });
    try {
      // Enqueued, and now waiting for a worker that is not there.
      await waitFor('replay waiting for the workers', async () => stderr, (e) => e.includes('waiting for the workers'), 120_000);
      expect(stdout).toContain('enqueued 3 messages');
      const sent = Date.now();
      child.kill('SIGTERM');
      const exit = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000))]);
      expect(exit, `replay ignored SIGTERM; stderr: ${stderr}`).not.toBe('hung');
      expect(exit).toEqual({ code: 143, signal: null });
      expect(stderr).toMatch(/mailverdict replay: stopped by SIGTERM before every job was processed; what is enqueued stays on queue \S+ for the workers/);
      expect(stderr).not.toMatch(/^\s+at /m);
      console.log(`replay stopped ${Date.now() - sent} ms after SIGTERM: ${stderr.trim().split('\n').pop()}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 300_000);
});
