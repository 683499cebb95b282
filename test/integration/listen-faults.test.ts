// kill -9 of the worker while `listen` streams log batches into the queue: separate real processes
// (`mailverdict listen`, `mailverdict work`), the shared Redis and Elasticsearch. Nothing enqueued is lost.
import { connect as netConnect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDist, createFaultCase, freePort, killAll, MvProcess, runMv, waitFor, type FaultCase } from './process-harness.js';

const NOW = new Date();
const stamp = `${NOW.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(NOW.getUTCDate()).padStart(2, ' ')} ${NOW.toISOString().slice(11, 19)}`;

function line(n: number): string {
  const hex = (n + 0x100000).toString(16);
  return `<22>${stamp} filter-kill rspamd[9]: <${hex}>; task; rspamd_task_write_log: id: <kill-${n}@example.com>, qid: <Q${hex}>, ip: 192.0.2.9, from: <a@example.com>, (default: F (no action): [0.10/15.00] [MIME_GOOD(-0.10){}]), len: 10, time: 1.0ms, rcpts: <b@example.com>`;
}

describe('listen + work as processes', () => {
  let fc: FaultCase | undefined;
  afterAll(async () => {
    await killAll();
    await fc?.cleanup();
  });

  it('kill -9 of the worker mid-stream loses nothing that was enqueued', async () => {
    await buildDist();
    fc = await createFaultCase('lsnkill');
    const port = await freePort();
    const base = fc.baseConfig([{ id: 'q', user: 'quarantine', mailboxes: [await fc.mailbox('quarantine')] }], { worker: { concurrency: 1 } });
    const file = fc.writeConfig({ ...base, listen: { tcpPort: port, batchMaxLines: 50, flushMs: 50 } });
    expect((await runMv(['setup', '-c', file])).code).toBe(0);
    const listen = new MvProcess('listen', file);
    let worker = new MvProcess('work', file);
    await waitFor('the receiver', () => new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1').once('connect', () => { s.destroy(); resolve(true); }).once('error', () => resolve(false));
    }), (up) => up, 60_000);
    const N = 4000;
    const socket = netConnect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    for (let i = 0; i < N; i++) {
      if (!socket.write(`${line(i)}\n`)) await new Promise((resolve) => socket.once('drain', resolve));
      if (i === N / 4) {
        // The worker has started indexing: kill it without warning, then start a new one.
        await waitFor('some documents', () => fc!.docCount(), (n) => n > 0, 60_000);
        worker.child.kill('SIGKILL');
        await worker.exited;
        worker = new MvProcess('work', file);
      }
    }
    await new Promise<void>((resolve) => socket.end(resolve));
    const count = await waitFor(`${N} documents`, () => fc!.docCount(), (n) => n >= N, 150_000);
    expect(count).toBe(N);
    expect((await fc.docIds()).length).toBe(N);
    expect(listen.child.exitCode).toBeNull(); // the receiver kept running throughout
  }, 240_000);
});
