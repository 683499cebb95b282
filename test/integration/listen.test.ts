// `listen` against the real Redis and Elasticsearch: the syslog receiver (in process, real sockets) feeding
// the BullMQ queue, and the real worker indexing log documents. Counts are exact: nothing lost, nothing doubled.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Queue } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { LOG_BATCH_JOB } from '../../src/queue/log-batch.js';
import { replayLogFiles } from '../../src/replay/replay-log-files.js';
import { LogEnqueuer, type LogEnqueuerOptions } from '../../src/syslog/log-enqueuer.js';
import { startSyslogListener, type ListenSettings, type SyslogListener } from '../../src/syslog/syslog-listener.js';
import { createRedis } from '../../src/queue/connection.js';
import { createHarness, waitFor, type Harness } from './pipeline-harness.js';
import { TcpProxy } from './process-harness.js';
import { serviceSettings } from '../support/services.js';

const NOW = new Date();
const month = NOW.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
const day = String(NOW.getUTCDate()).padStart(2, ' ');
const hms = NOW.toISOString().slice(11, 19);

/** A distinct rspamd result line per n (distinct task tag and Message-ID → distinct _id). */
function rspamdLine(tag: string, n: number): string {
  const hex = (n + 0x100000).toString(16);
  return `<22>${month} ${day} ${hms} filter-${tag} rspamd[77]: <${hex}>; task; rspamd_task_write_log: id: <${tag}-${n}@example.com>, qid: <Q${hex}>, ip: 192.0.2.1, from: <a@example.com>, (default: F (no action): [0.10/15.00] [MIME_GOOD(-0.10){}]), len: 100, time: 1.0ms, rcpts: <b@example.com>`;
}

function cefPart(tag: string, part: number, total: number, extra: string): string {
  return `<134>${month} ${day} ${hms} ksmg-${tag} KSMG: CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1.0.1|LMS_EV_SCAN_LOGIC_AS_STATUS|s|5|cn1Label=EventPart cn1=${part} cn2Label=TotalEventParts cn2=${total} cs1Label=MessageId cs1=${tag}-multi ${extra}`;
}

interface Rig {
  harness: Harness;
  queue: Queue;
  enqueuer: LogEnqueuer;
  listener: SyslogListener;
  worker?: RunningWorker;
  stop(): Promise<void>;
}

async function rig(tag: string, opts: { listen?: Partial<ListenSettings>; enqueuer?: Partial<LogEnqueuerOptions>; worker?: boolean; esUrl?: string } = {}): Promise<Rig> {
  const harness = await createHarness(tag);
  const connection = createRedis(harness.config.redis, 'command');
  const queue = new Queue(harness.queueName, { connection, prefix: harness.keyPrefix });
  queue.on('error', () => undefined);
  const enqueuer = new LogEnqueuer(queue, {
    batchMaxLines: 200, batchMaxBytes: 1024 * 1024, flushMs: 50, maxQueuedBatches: 1000, maxBufferedLines: 100_000,
    maxBufferedBytes: 64 * 1024 * 1024, pollMs: 50, ...opts.enqueuer,
  });
  const listener = await startSyslogListener({ host: '127.0.0.1', tcpPort: 0, udpPort: 0, maxFrameBytes: 64 * 1024, ...opts.listen }, enqueuer);
  const r: Rig = {
    harness, queue, enqueuer, listener,
    async stop() {
      await listener.close();
      await enqueuer.close(5_000);
      await r.worker?.stop(true);
      await queue.close().catch(() => undefined);
      connection.disconnect();
      await harness.cleanup();
    },
  };
  if (opts.worker !== false) r.worker = await startWorkerFor(r, opts.esUrl);
  return r;
}

async function startWorkerFor(r: Rig, esUrl?: string): Promise<RunningWorker> {
  const es = esUrl === undefined ? r.harness.config.elasticsearch : { ...r.harness.config.elasticsearch, nodes: [esUrl], maxRetries: 0 };
  return startWorker({ ...r.harness.config, elasticsearch: es }, { stalledIntervalMs: 1000, lockDurationMs: 5000, sinkOptions: { retryBaseDelayMs: 50, retryMaxDelayMs: 200 } });
}

async function sendTcp(port: number, lines: readonly string[], octetCounting = false): Promise<void> {
  const socket: Socket = netConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (const line of lines) {
    const frame = octetCounting ? `${Buffer.byteLength(line)} ${line}` : `${line}\n`;
    if (!socket.write(frame)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

async function logDocs(h: Harness): Promise<{ id: string; kind: string }[]> {
  await h.es.indices.refresh({ index: `${h.indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  const res = await h.es.search<{ mailverdict: { log: { kind: string } } }>({
    index: `${h.indexPrefix}-2*`, size: 10_000, allow_no_indices: true, ignore_unavailable: true,
    query: { term: { 'event.dataset': 'mailverdict.log' } }, _source: ['mailverdict.log.kind'],
  });
  return res.hits.hits.map((hit) => ({ id: hit._id ?? '', kind: hit._source?.mailverdict.log.kind ?? '' }));
}

describe('listen → queue → worker → Elasticsearch', () => {
  it('N lines over TCP (LF and octet counting) give exactly N documents', async () => {
    const r = await rig('lsn-tcp');
    try {
      const lines = Array.from({ length: 1500 }, (_, i) => rspamdLine('tcp', i));
      await Promise.all([sendTcp(r.listener.ports.tcp!, lines.slice(0, 700)), sendTcp(r.listener.ports.tcp!, lines.slice(700), true)]);
      const docs = await waitFor('1500 log documents', () => logDocs(r.harness), (d) => d.length >= 1500, 90_000);
      expect(docs).toHaveLength(1500);
      expect(new Set(docs.map((d) => d.id)).size).toBe(1500);
      expect(r.listener.counters.frames).toBe(1500);
    } finally {
      await r.stop();
    }
  }, 120_000);

  it('assembles a multi-part CEF event whose parts travel in different batches exactly once', async () => {
    const r = await rig('lsn-parts', { enqueuer: { batchMaxLines: 1 } });
    try {
      await sendTcp(r.listener.ports.tcp!, [cefPart('p', 2, 3, 'act=Skipped'), rspamdLine('p', 1), cefPart('p', 1, 3, 'outcome=Spam'), cefPart('p', 3, 3, 'suser=x@example.com')]);
      const docs = await waitFor('2 documents', () => logDocs(r.harness), (d) => d.length >= 2, 60_000);
      // Parts replayed (a retried batch): still one document.
      await sendTcp(r.listener.ports.tcp!, [cefPart('p', 3, 3, 'suser=x@example.com')]);
      await waitFor('the queue to drain', async () => r.queue.getJobCounts('waiting', 'active', 'delayed'), (c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0, 30_000);
      const after = await logDocs(r.harness);
      expect(after.map((d) => d.kind).sort()).toEqual(['LMS_EV_SCAN_LOGIC_AS_STATUS', 'task_result']);
      expect(docs).toHaveLength(2);
    } finally {
      await r.stop();
    }
  }, 90_000);

  it('counts UDP datagrams it cannot take when the queue is full, and indexes the ones it took', async () => {
    // No worker and a queue limit of 1 waiting job: after one batch, lines wait in a 20-line buffer, then drop.
    const r = await rig('lsn-udp', { worker: false, enqueuer: { maxQueuedBatches: 1, batchMaxLines: 10, maxBufferedLines: 20 } });
    try {
      const udp = createSocket('udp4');
      for (let i = 0; i < 200; i++) {
        await new Promise<void>((resolve, reject) => udp.send(rspamdLine('udp', i), r.listener.ports.udp!, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
        if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      udp.close();
      const c = await waitFor('all datagrams accounted for', async () => ({ ...r.listener.counters }), (x) => x.frames + x.udpDropped === 200, 20_000);
      expect(c.udpDropped).toBeGreaterThan(0);
      expect(c.frames).toBeLessThanOrEqual(30);
      r.worker = await startWorkerFor(r);
      const docs = await waitFor('taken lines indexed', () => logDocs(r.harness), (d) => d.length >= c.frames, 60_000);
      expect(docs).toHaveLength(c.frames);
    } finally {
      await r.stop();
    }
  }, 90_000);

  it('pauses TCP reads while Elasticsearch is cut, then indexes exactly N', async () => {
    const target = new URL(serviceSettings().esUrl);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
    const r = await rig('lsn-cut', { esUrl: proxy.url, enqueuer: { maxQueuedBatches: 4, batchMaxLines: 50, maxBufferedLines: 100 } });
    try {
      await proxy.cut();
      const lines = Array.from({ length: 3000 }, (_, i) => rspamdLine('cut', i));
      const sending = sendTcp(r.listener.ports.tcp!, lines);
      await waitFor('a paused connection', async () => ({ ...r.listener.counters, buffered: r.enqueuer.buffered, full: r.enqueuer.queueFull, q: await r.queue.getJobCounts() }), (c) => c.pausedConnections > 0 && c.full, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const frozen = r.listener.counters.frames;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(r.listener.counters.frames).toBe(frozen); // reading really stopped
      expect(r.listener.counters.pausedConnections).toBe(1);
      expect(frozen).toBeLessThan(3000);
      await proxy.restore();
      await sending;
      const docs = await waitFor('3000 documents', () => logDocs(r.harness), (d) => d.length >= 3000, 120_000);
      expect(docs).toHaveLength(3000);
    } finally {
      await r.stop();
      await proxy.close();
    }
  }, 180_000);

  describe('TLS', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'mv-listen-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    });

    it('receives octet-counted frames over TLS with a self-signed certificate', async () => {
      const r = await rig('lsn-tls', { listen: { tcpPort: undefined, udpPort: undefined, tlsPort: 0, tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } } });
      try {
        const socket = tlsConnect({ host: '127.0.0.1', port: r.listener.ports.tls!, ca: [readFileSync(join(dir, 'cert.pem'))], servername: 'localhost' });
        await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
        for (let i = 0; i < 50; i++) {
          const line = rspamdLine('tls', i);
          socket.write(`${Buffer.byteLength(line)} ${line}`);
        }
        await new Promise<void>((resolve) => socket.end(resolve));
        const docs = await waitFor('50 documents', () => logDocs(r.harness), (d) => d.length >= 50, 60_000);
        expect(docs).toHaveLength(50);
      } finally {
        await r.stop();
      }
    }, 90_000);
  });

  it('survives hostile input: binary, a 1 MB line, invalid UTF-8, truncated CEF, unknown format', async () => {
    const r = await rig('lsn-hostile');
    try {
      const socket = netConnect(r.listener.ports.tcp!, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256).filter((b) => b !== 10)));
      socket.write('\n');
      socket.write(`${rspamdLine('hostile', 1)} ${'x'.repeat(1024 * 1024)}\n`);
      socket.write(Buffer.concat([Buffer.from(rspamdLine('hostile', 2)), Buffer.from([0xff, 0xfe, 0x0a])]));
      socket.write(`<134>${month} ${day} ${hms} ksmg-h KSMG: CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1|LMS_EV_SCAN_LOGIC_AS\n`);
      socket.write('just some words from nowhere\n');
      socket.write(`${rspamdLine('hostile', 3)}\n`);
      await new Promise<void>((resolve) => socket.end(resolve));
      const docs = await waitFor('4 documents', () => logDocs(r.harness), (d) => d.length >= 4, 60_000);
      expect(docs).toHaveLength(4);
      const res = await r.harness.es.search<{ mailverdict: { parse: { warnings: string[] } } }>({ index: `${r.harness.indexPrefix}-2*`, size: 10, _source: ['mailverdict.parse.warnings'] });
      const warnings = res.hits.hits.flatMap((h) => h._source?.mailverdict.parse.warnings ?? []);
      expect(warnings).toEqual(expect.arrayContaining(['invalid_utf8', 'cef_header_truncated']));
      expect(r.listener.counters.oversized).toBe(1);
    } finally {
      await r.stop();
    }
  }, 90_000);

  it('reads log jobs of older listeners (base64 lines, parts stored without an encoding) and keeps UTF-8 bytes intact', async () => {
    const r = await rig('lsn-enc', { enqueuer: { batchMaxLines: 1 } });
    try {
      const subject = 'Rechnung für März — 請求書';
      const line = (host: string): string => `<134>${month} ${day} ${hms} ${host} KSMG: CEF:0|AO Kaspersky Lab|Kaspersky Secure Mail Gateway|2.1.0.1|LMS_EV_SCAN_LOGIC_AS_STATUS|s|5|cs1Label=MessageId cs1=<${host}@example.com> outcome=Spam KSMGMessageSubject=${subject}`;
      // An older listener's job: base64 lines and no `encoding`; its first part waits in Redis as it stored it.
      const old = { kind: 'log', lines: [line('ksmg-old'), cefPart('enc', 1, 2, 'outcome=Spam')].map((l) => ({ raw: Buffer.from(l).toString('base64'), receivedAt: NOW.toISOString() })) };
      await r.queue.add(LOG_BATCH_JOB, old, { jobId: 'old-listener-job' });
      await waitFor('the old job to finish', () => r.queue.getJobCounts('completed'), (c) => (c.completed ?? 0) >= 1, 30_000);
      // Today's listener: the same event from another host, and the second part of the event the old job began.
      await sendTcp(r.listener.ports.tcp!, [line('ksmg-new'), cefPart('enc', 2, 2, 'act=Skipped')]);
      const docs = await waitFor('3 documents', () => logDocs(r.harness), (d) => d.length >= 3, 60_000);
      expect(docs).toHaveLength(3);
      const res = await r.harness.es.search<{ email?: { subject?: string }; mailverdict: { parse: { warnings: string[] } } }>({
        index: `${r.harness.indexPrefix}-2*`, size: 10, query: { exists: { field: 'email.subject' } }, _source: ['email.subject', 'mailverdict.parse.warnings'],
      });
      expect(res.hits.hits.map((h) => h._source?.email?.subject)).toEqual([subject, subject]);
      expect(res.hits.hits.flatMap((h) => h._source?.mailverdict.parse.warnings ?? [])).not.toContain('invalid_utf8');
    } finally {
      await r.stop();
    }
  }, 90_000);
});


describe('replay --log', () => {
  it('gives the same count when the same file (plain, then gzip) is replayed twice', async () => {
    const r = await rig('lsn-replay');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'mv-replay-log-'));
      const plain = join(dir, 'gw.log');
      const lines = Array.from({ length: 120 }, (_, i) => rspamdLine('replay', i));
      writeFileSync(plain, `${lines.join('\n')}\nnot an event line\n`);
      writeFileSync(`${plain}.gz`, gzipSync(readFileSync(plain)));
      const options = { batchMaxLines: 25, batchMaxBytes: 1024 * 1024, maxQueuedBatches: 100 };
      const first = await replayLogFiles([plain], r.queue, options);
      expect(first).toEqual({ lines: 121, failures: 0, notQueued: 0 });
      const docs = await waitFor('120 documents', () => logDocs(r.harness), (d) => d.length >= 120, 60_000);
      expect(docs).toHaveLength(120);
      await replayLogFiles([`${plain}.gz`], r.queue, options);
      await waitFor('the queue to drain', async () => r.queue.getJobCounts('waiting', 'active', 'delayed'), (c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0, 60_000);
      expect(await logDocs(r.harness)).toHaveLength(120);
    } finally {
      await r.stop();
    }
  }, 120_000);
});
