// Against Elasticsearch with security on (TLS with a generated CA, API keys): the two keys the README
// prescribes — a setup key for `mailverdict setup` and a runtime key for the pipeline — are created with
// exactly the README's role descriptors, `setup` runs with the first, `run` (collector, worker, alerter,
// retention) with the second and indexes exactly N documents; the runtime key is shown unable to read or
// delete other indices or to change templates; a wrong key or CA fails with a clear error.
import { readFileSync } from 'node:fs';
import { Client, errors } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secureElasticsearch, type SecureElasticsearch } from '../support/secure-services.js';
import { serviceSettings, uniqueName } from '../support/services.js';
import { buildDist, createFaultCase, generateMessages, idsOf, MvProcess, runMv, waitFor, type FaultCase } from './process-harness.js';

/** The README's role descriptors (Operations → Elasticsearch privileges), for a given index prefix. */
export function setupKeyRoles(prefix: string): Record<string, unknown> {
  return {
    'mailverdict-setup': {
      cluster: ['manage_index_templates'],
      indices: [{ names: [`${prefix}-*`], privileges: ['manage'] }],
    },
  };
}

export function runtimeKeyRoles(prefix: string): Record<string, unknown> {
  return {
    'mailverdict-runtime': {
      cluster: ['monitor'],
      indices: [{ names: [`${prefix}-*`], privileges: ['create_doc', 'create_index', 'read', 'view_index_metadata', 'delete_index'] }],
    },
  };
}

function statusOf(err: unknown): number | undefined {
  return err instanceof errors.ResponseError ? err.meta.statusCode : undefined;
}

async function refusal(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return statusOf(err) ?? -1;
  }
}

describe('Elasticsearch with security on: least-privilege API keys', () => {
  let es: SecureElasticsearch;
  let fc: FaultCase;
  let admin: Client;
  let runtime: Client;
  let setupKey: { id: string; encoded: string };
  let runtimeKey: { id: string; encoded: string };
  let otherPrefix: string;

  const client = (auth: { apiKey: string }): Client =>
    new Client({ node: es.url, auth, tls: { ca: readFileSync(es.caFile) }, maxRetries: 0, requestTimeout: 30_000 });

  beforeAll(async () => {
    [es] = await Promise.all([secureElasticsearch(), buildDist()]);
    fc = await createFaultCase('essec');
    otherPrefix = uniqueName('essec-other').toLowerCase();
    admin = new Client({ node: es.url, auth: { username: 'elastic', password: es.elasticPassword }, tls: { ca: readFileSync(es.caFile) } });
    setupKey = await admin.security.createApiKey({ name: `${fc.indexPrefix}-setup`, expiration: '1d', role_descriptors: setupKeyRoles(fc.indexPrefix) as never });
    runtimeKey = await admin.security.createApiKey({ name: `${fc.indexPrefix}-runtime`, expiration: '1d', role_descriptors: runtimeKeyRoles(fc.indexPrefix) as never });
    runtime = client({ apiKey: runtimeKey.encoded });
  }, 300_000);

  afterAll(async () => {
    await runtime?.close();
    if (admin !== undefined) {
      for (const prefix of [fc?.indexPrefix, otherPrefix]) {
        if (prefix === undefined) continue;
        await admin.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'all' }).catch(() => undefined);
        await admin.indices.deleteIndexTemplate({ name: `${prefix}-*` }).catch(() => undefined);
      }
      const ids = [setupKey?.id, runtimeKey?.id].filter((id): id is string => id !== undefined);
      if (ids.length > 0) await admin.security.invalidateApiKey({ ids }).catch(() => undefined);
      await admin.close();
    }
    await fc?.cleanup();
  });

  function config(mailbox: string, elasticsearch: Record<string, unknown>): Record<string, unknown> {
    const base = fc.baseConfig([{ id: 'alice', user: 'alice', mailboxes: [mailbox], batchSize: 50 }], {
      esUrl: es.url,
      // The generated messages are dated October 2024: kept; an index from 2000 is past retention.
      elasticsearch: { caFile: es.caFile, retentionMonths: 60, ...elasticsearch },
    });
    return { ...base, alerts: { enabled: true, intervalMs: 1000 } };
  }

  async function indexedIds(): Promise<string[]> {
    await admin.indices.refresh({ index: `${fc.indexPrefix}-2*`, allow_no_indices: true, ignore_unavailable: true });
    const r = await admin.search({ index: `${fc.indexPrefix}-2*`, size: 10_000, _source: false, allow_no_indices: true, ignore_unavailable: true, query: { match_all: {} } });
    return r.hits.hits.map((h) => h._id ?? '').sort();
  }

  it('setup with the setup key, then the pipeline with the runtime key: exactly N documents', async () => {
    const mailbox = await fc.mailbox('alice');
    const messages = generateMessages(120, fc.tag);
    await fc.append('alice', mailbox, messages.map((m) => m.raw));

    // An index of this prefix past retention (the runtime key may delete it) and one of another prefix.
    await admin.indices.create({ index: `${fc.indexPrefix}-2000.01` });
    await admin.index({ index: `${otherPrefix}-2024.10`, id: 'foreign', document: { secret: 'not yours' }, refresh: true });

    const setupFile = fc.writeConfig(config(mailbox, { apiKey: setupKey.encoded }), 'setup.yaml');
    const setup = await runMv(['setup', '-c', setupFile], { timeoutMs: 90_000 });
    expect(setup.code, setup.stderr).toBe(0);
    const templates = await admin.indices.getIndexTemplate({ name: `${fc.indexPrefix}-*` });
    expect(templates.index_templates.length).toBeGreaterThan(0);

    // The index created before the templates got their fields from setup: a mapping update (`manage`).
    const again = await runMv(['setup', '-c', setupFile], { timeoutMs: 90_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).not.toMatch(/keeps its old mapping|unauthorized|403/);
    const old = await admin.indices.getMapping({ index: `${fc.indexPrefix}-2000.01` });
    expect(Object.keys(old[`${fc.indexPrefix}-2000.01`]?.mappings.properties ?? {}).length).toBeGreaterThan(0);

    const runtimeFile = fc.writeConfig(config(mailbox, { apiKey: runtimeKey.encoded }), 'runtime.yaml');
    const run = new MvProcess('run', runtimeFile);
    await waitFor('all documents', async () => (await indexedIds()).length, (n) => n >= messages.length, 90_000);
    expect(await indexedIds()).toEqual(idsOf(messages));
    // Retention ran with the runtime key: the old index of its own prefix is gone.
    await waitFor('retention', () => admin.indices.exists({ index: `${fc.indexPrefix}-2000.01` }), (exists) => !exists, 30_000);
    // A few alerter rounds (it reads the data indices) go by without a refused request.
    await new Promise((r) => setTimeout(r, 3000));
    const status = await runMv(['status', '-c', runtimeFile, '--json'], { timeoutMs: 60_000 });
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { documents: { indexed: number } }).documents.indexed).toBe(messages.length);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    const output = run.lines.join('\n') + run.stderr;
    expect(output).not.toMatch(/security_exception|unauthorized|\b403\b/);
    expect(output).not.toContain(runtimeKey.encoded);
  });

  it('the runtime key cannot read or delete other indices, nor change templates', async () => {
    await admin.index({ index: `${otherPrefix}-2024.11`, id: 'foreign', document: { secret: 'not yours' }, refresh: true });
    expect(await refusal(runtime.search({ index: `${otherPrefix}-2024.11`, query: { match_all: {} } }))).toBe(403);
    expect(await refusal(runtime.get({ index: `${otherPrefix}-2024.11`, id: 'foreign' }))).toBe(403);
    expect(await refusal(runtime.indices.delete({ index: `${otherPrefix}-2024.11` }))).toBe(403);
    expect(await refusal(runtime.indices.putIndexTemplate({ name: `${fc.indexPrefix}-messages`, index_patterns: [`${fc.indexPrefix}-*`], priority: 1000 }))).toBe(403);
    expect(await refusal(runtime.indices.deleteIndexTemplate({ name: `${fc.indexPrefix}-messages` }))).toBe(403);
    // (Adding mapping fields to its own indices it can: Elasticsearch grants that with create_doc, for
    // dynamic mappings. Changing an existing field's type nobody can.)
    // …while what it is for works: read its own indices.
    expect(await refusal(runtime.count({ index: `${fc.indexPrefix}-2*`, allow_no_indices: true }))).toBeUndefined();
    expect((await admin.indices.exists({ index: `${otherPrefix}-2024.11` }))).toBe(true);
  });

  it('a wrong API key fails with a clear error that does not print the key', async () => {
    const mailbox = await fc.mailbox('alice', 'wrongkey');
    const wrong = Buffer.from(`${runtimeKey.id}:not-the-right-secret-${fc.tag}`).toString('base64');
    const file = fc.writeConfig(config(mailbox, { apiKey: wrong }), 'wrong-key.yaml');
    for (const args of [['setup', '-c', file], ['config', 'check', '-c', file]]) {
      const r = await runMv(args, { timeoutMs: 60_000 });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).toMatch(/401|authentication/i);
      expect(r.stdout + r.stderr).not.toContain(wrong);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('a wrong CA fails with a clear certificate error', async () => {
    const mailbox = await fc.mailbox('alice', 'wrongca');
    // The IMAP server's self-signed certificate is a CA that did not sign Elasticsearch's certificate.
    const file = fc.writeConfig(config(mailbox, { apiKey: setupKey.encoded, caFile: serviceSettings().imapCaFile }), 'wrong-ca.yaml');
    for (const args of [['setup', '-c', file], ['config', 'check', '-c', file]]) {
      const r = await runMv(args, { timeoutMs: 60_000 });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).toMatch(/certificate/i);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
