// `mailverdict health` asks /health on the configured http.host:http.port: the container healthcheck's probe.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { healthCommand, probeHost } from '../../../src/commands/health.js';
import type { CommandIo } from '../../../src/commands/command.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(status: number): Promise<number> {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? status : 404).end(JSON.stringify({ ok: status === 200 }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function health(host: string, port: number): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mv-health-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, [
    'redis: { url: "redis://127.0.0.1:1" }',
    'elasticsearch: { nodes: ["http://127.0.0.1:1"] }',
    'accounts: [{ id: a, host: 127.0.0.1, port: 1, tls: none, user: u, password: p, mailboxes: [INBOX] }]',
    `http: { host: "${host}", port: ${port} }`,
  ].join('\n'));
  let out = '';
  const io: CommandIo = { stdout: { write: (t) => void (out += t) }, stderr: { write: (t) => void (out += t) }, stdin: () => Readable.from([]), env: {} };
  return { code: await healthCommand.run(['--config', file], io), out };
}

describe('mailverdict health', () => {
  it('exits 0 when the configured port answers healthy', async () => {
    const port = await listen(200);
    const r = await health('0.0.0.0', port);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`http://127.0.0.1:${port}/health: 200`);
  });

  it('exits 1 when the process reports unhealthy or does not answer', async () => {
    const port = await listen(503);
    expect((await health('127.0.0.1', port)).code).toBe(1);
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    const gone = await health('127.0.0.1', port);
    expect(gone.code).toBe(1);
    expect(gone.out).toContain('not answering');
  });

  it('reaches a wildcard listen address on loopback', () => {
    expect(probeHost('0.0.0.0')).toBe('127.0.0.1');
    expect(probeHost('::')).toBe('[::1]');
    expect(probeHost('10.0.0.5')).toBe('10.0.0.5');
    expect(probeHost('fe80::1')).toBe('[fe80::1]');
  });
});
