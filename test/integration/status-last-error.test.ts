// `status` after recovery (real Dovecot, Redis, Elasticsearch, real processes): an earlier process's error
// stays visible as history — with its time and "recovered" — instead of looking like the present.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, createFaultCase, MvProcess, runMv, waitFor, type FaultCase } from './process-harness.js';

describe('status: the last error, its time, and whether it was recovered', () => {
  let fc: FaultCase | undefined;
  beforeAll(async () => {
    await buildDist();
  }, 180_000);
  afterEach(async () => {
    await fc?.cleanup();
    fc = undefined;
  });

  it('a wrong password, then a process with the right one: the error is shown with its time, as recovered', async () => {
    fc = await createFaultCase('lasterr');
    const box = await fc.mailbox('alice', 'le');
    const wrong = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', password: 'not-the-password', mailboxes: [box] }]), 'wrong.yaml');
    const failing = new MvProcess('collect', wrong);
    const failed = await waitFor('the auth error in status', () => fc!.status(wrong), (s) => s.mailboxes[0]?.lastError?.startsWith('auth_failed') === true, 60_000);
    expect(failed.mailboxes[0]).toMatchObject({ lastErrorRecovered: false });
    expect(Date.parse(failed.mailboxes[0]?.lastErrorAt ?? '')).toBeGreaterThan(Date.now() - 120_000);
    const before = await runMv(['status', '-c', wrong]);
    expect(before.stdout).toMatch(new RegExp(`^alice/${box}\\s.*auth_failed: .* \\(at \\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z, not recovered\\)$`, 'm'));
    expect((await failing.stop()).code).toBe(0);
    const errorAt = (await fc.status(wrong)).mailboxes[0]?.lastErrorAt;

    const good = fc.writeConfig(fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: [box] }]), 'good.yaml');
    const working = new MvProcess('collect', good);
    const after = await waitFor('recovered', () => fc!.status(good), (s) => s.mailboxes[0]?.lastErrorRecovered === true && s.mailboxes[0]?.phase === 'waiting', 60_000);
    expect(after.mailboxes[0]).toMatchObject({ lastError: failed.mailboxes[0]?.lastError, lastErrorAt: errorAt, lastErrorRecovered: true });
    expect((after.mailboxes[0]?.connectedAt ?? '') > (errorAt ?? '')).toBe(true);
    const human = await runMv(['status', '-c', good]);
    expect(human.stdout).toMatch(new RegExp(`^alice/${box}\\s+waiting\\s.*auth_failed: .* \\(at ${errorAt?.replace(/\./g, '\\.')}, recovered \\d{4}-[\\d\\-T:.]+Z\\)$`, 'm'));
    expect((await working.stop()).code).toBe(0);
    console.log(`last error after recovery: ${human.stdout.split('\n').find((l) => l.startsWith('alice/'))?.replace(/\s+/g, ' ')}`);
  }, 150_000);
});
