// elasticsearch.replicas: the option itself, how it rewrites the templates, and what setup and config check do with
// an installed template or an existing index whose replica count differs. The store here is a small in-memory
// stand-in that answers the few calls index setup makes (the real engines are in the integration and scale tests).
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import {
  checkIndexReplicas, checkIndexTemplates, configuredTemplates, ensureIndexTemplates, loadIndexTemplates, templateReplicas,
} from '../../../src/sink/index-setup.js';
import { describeReplicas, replicaSettingOf, replicaSettingsBody, replicasMatch } from '../../../src/sink/replicas.js';
import type { SearchStore } from '../../../src/sink/search-store.js';
import type { SinkConfig } from '../../../src/sink/sink-config.js';
import { configError, minimal } from '../config/helpers.js';

const base: SinkConfig = {
  nodes: ['http://127.0.0.1:9'], rejectUnauthorized: true, indexPrefix: 'rep', retentionMonths: 13,
  bulkMaxDocs: 1000, bulkMaxBytes: 5 * 1024 * 1024, requestTimeoutMs: 1000, maxRetries: 0,
};

function withEs(es: Record<string, unknown>): Record<string, unknown> {
  const m = minimal();
  return { ...m, elasticsearch: { ...(m['elasticsearch'] as object), ...es } };
}

describe('elasticsearch.replicas (config)', () => {
  it('is absent by default, takes 0 and more, and a string from the environment', () => {
    expect(parseConfig(minimal(), { env: {} }).elasticsearch.replicas).toBeUndefined();
    expect(parseConfig(withEs({ replicas: 0 }), { env: {} }).elasticsearch.replicas).toBe(0);
    expect(parseConfig(withEs({ replicas: 2 }), { env: {} }).elasticsearch.replicas).toBe(2);
    expect(parseConfig(minimal(), { env: { MAILVERDICT_ELASTICSEARCH_REPLICAS: '1' } }).elasticsearch.replicas).toBe(1);
  });

  it('refuses a negative, fractional or non-numeric count, naming the key', () => {
    for (const bad of [-1, 1.5, 'many']) {
      const error = configError(() => parseConfig(withEs({ replicas: bad }), { env: {} }));
      expect(error.issues).toEqual([`elasticsearch.replicas: expected an integer between 0 and 32, got ${JSON.stringify(bad)}`]);
    }
  });
});

describe('templates with elasticsearch.replicas', () => {
  it('without the option, every template is the file as it is: replicas auto-expand 0-1', () => {
    const files = loadIndexTemplates('rep');
    const configured = configuredTemplates(base);
    expect(configured.map((s) => s.body)).toEqual(files.map((s) => s.body));
    for (const spec of configured) expect(templateReplicas(spec)).toEqual({ numberOfReplicas: '0', autoExpandReplicas: '0-1' });
  });

  it('with the option, every template has that fixed count and auto-expansion off; the rest of the file stays', () => {
    const files = new Map(loadIndexTemplates('rep').map((s) => [s.name, s]));
    for (const spec of configuredTemplates({ ...base, replicas: 1 })) {
      const settings = (spec.body['template'] as { settings: { index: Record<string, unknown> } }).settings.index;
      expect(settings).toMatchObject({ number_of_replicas: 1, auto_expand_replicas: false, number_of_shards: 1 });
      expect(templateReplicas(spec)).toEqual({ numberOfReplicas: '1', autoExpandReplicas: 'false' });
      const file = files.get(spec.name)!;
      expect((spec.body['template'] as { mappings: unknown }).mappings).toEqual((file.body['template'] as { mappings: unknown }).mappings);
      expect(spec.version).toBe(file.version);
    }
  });
});

describe('replica settings as the engines report them', () => {
  it('reads nested and flat settings, with strings or numbers, and the engine default when unset', () => {
    expect(replicaSettingOf({ index: { number_of_replicas: '1', auto_expand_replicas: 'false' } })).toEqual({ numberOfReplicas: '1', autoExpandReplicas: 'false' });
    expect(replicaSettingOf({ 'index.number_of_replicas': 2 })).toEqual({ numberOfReplicas: '2', autoExpandReplicas: 'false' });
    expect(replicaSettingOf({ index: { auto_expand_replicas: '0-1', number_of_replicas: 0 } })).toEqual({ numberOfReplicas: '0', autoExpandReplicas: '0-1' });
    expect(replicaSettingOf(undefined)).toEqual({ numberOfReplicas: '1', autoExpandReplicas: 'false' });
  });

  it('under auto-expansion only the range counts (the engine moves the count itself)', () => {
    const auto = { numberOfReplicas: '0', autoExpandReplicas: '0-1' };
    expect(replicasMatch({ numberOfReplicas: '1', autoExpandReplicas: '0-1' }, auto)).toBe(true);
    expect(replicasMatch({ numberOfReplicas: '1', autoExpandReplicas: 'false' }, auto)).toBe(false);
    const one = { numberOfReplicas: '1', autoExpandReplicas: 'false' };
    expect(replicasMatch({ numberOfReplicas: '0', autoExpandReplicas: 'false' }, one)).toBe(false);
    expect(replicasMatch({ numberOfReplicas: '1', autoExpandReplicas: '0-1' }, one)).toBe(false);
    expect(replicasMatch(one, one)).toBe(true);
    expect(describeReplicas(one)).toBe('1 replica');
    expect(describeReplicas({ numberOfReplicas: '0', autoExpandReplicas: 'false' })).toBe('0 replicas');
    expect(describeReplicas(auto)).toBe('auto-expanding replicas 0-1');
    expect(replicaSettingsBody(one)).toEqual({ index: { auto_expand_replicas: false, number_of_replicas: 1 } });
    expect(replicaSettingsBody(auto)).toEqual({ index: { auto_expand_replicas: '0-1' } });
  });
});

/** Templates and indices in memory, answering as Elasticsearch does (settings come back as strings). */
function memoryStore(indices: Record<string, Record<string, unknown>>) {
  const templates = new Map<string, Record<string, unknown>>();
  const calls: string[] = [];
  const stringify = (settings: unknown): unknown => JSON.parse(JSON.stringify(settings ?? {}, (_k, v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v)));
  const matches = (pattern: string, name: string): boolean => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(name);
  const store = {
    indices: {
      async getIndexTemplate({ name }: { name: string }) {
        const t = templates.get(name);
        if (t === undefined) throw Object.assign(new Error('not found'), { meta: { statusCode: 404 } });
        return { index_templates: [{ name, index_template: t }] };
      },
      async putIndexTemplate({ name, ...body }: { name: string } & Record<string, unknown>) {
        calls.push(`PUT _index_template/${name}`);
        const template = body['template'] as { settings?: unknown } | undefined;
        templates.set(name, { ...body, template: { ...template, settings: stringify(template?.settings) } });
        return { acknowledged: true };
      },
      async get({ index }: { index: string }) {
        const patterns = index.split(',');
        return Object.fromEntries(Object.entries(indices).filter(([name]) => patterns.some((p) => matches(p, name)))
          .map(([name, settings]) => [name, { settings: stringify(settings) }]));
      },
      async putMapping() { return { acknowledged: true }; },
      async putSettings({ index, settings }: { index: string; settings: { index: Record<string, unknown> } }) {
        calls.push(`PUT ${index}/_settings ${JSON.stringify(settings)}`);
        indices[index] = { index: { ...(indices[index]?.['index'] as object), ...settings.index } };
        return { acknowledged: true };
      },
    },
  };
  return { store: store as unknown as SearchStore, calls, templates };
}

describe('setup and config check with elasticsearch.replicas', () => {
  it('reinstalls templates and updates existing indices whose replicas differ; a second run changes nothing', async () => {
    const { store, calls } = memoryStore({
      'rep-2024.10': { index: { number_of_replicas: 0, auto_expand_replicas: '0-1' } },
      'rep-deadletter': { index: { number_of_replicas: 0, auto_expand_replicas: '0-1' } },
    });
    // Installed as today: no option.
    const first = await ensureIndexTemplates(store, base);
    expect(first.map((c) => c.action)).toEqual(['created', 'created', 'created']);
    expect(calls.filter((c) => c.includes('_settings'))).toEqual([]);
    expect(await checkIndexTemplates(store, base)).toEqual([]);
    expect(await checkIndexReplicas(store, base)).toEqual([]);

    const one = { ...base, replicas: 1 };
    const templateProblems = await checkIndexTemplates(store, one);
    expect(templateProblems).toHaveLength(3);
    expect(templateProblems).toContain('index template rep-messages gives auto-expanding replicas 0-1, expected 1 replica (elasticsearch.replicas: 1) (run `mailverdict setup`)');
    expect(await checkIndexReplicas(store, one)).toEqual([
      'index rep-deadletter (auto-expanding replicas 0-1): expected 1 replica (elasticsearch.replicas: 1) (run `mailverdict setup`)',
      'index rep-2024.10 (auto-expanding replicas 0-1): expected 1 replica (elasticsearch.replicas: 1) (run `mailverdict setup`)',
    ]);

    calls.length = 0;
    const second = await ensureIndexTemplates(store, one);
    expect(second.map((c) => c.action)).toEqual(['updated', 'updated', 'updated']);
    expect(second.find((c) => c.name === 'rep-messages')?.replicasChanged).toEqual(['rep-2024.10']);
    expect(second.find((c) => c.name === 'rep-dead-letter')?.replicasChanged).toEqual(['rep-deadletter']);
    expect(calls.filter((c) => c.includes('_settings')).sort()).toEqual([
      'PUT rep-2024.10/_settings {"index":{"auto_expand_replicas":false,"number_of_replicas":1}}',
      'PUT rep-deadletter/_settings {"index":{"auto_expand_replicas":false,"number_of_replicas":1}}',
    ]);
    expect(await checkIndexTemplates(store, one)).toEqual([]);
    expect(await checkIndexReplicas(store, one)).toEqual([]);

    calls.length = 0;
    const third = await ensureIndexTemplates(store, one);
    expect(third.map((c) => c.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(calls).toEqual([]);

    // Back to no option: the files' auto-expansion again, templates and indices.
    expect(await checkIndexTemplates(store, base)).toContain(
      'index template rep-messages gives 1 replica, expected auto-expanding replicas 0-1 as mappings/mailverdict-template.json says (elasticsearch.replicas is not set) (run `mailverdict setup`)');
    const back = await ensureIndexTemplates(store, base);
    expect(back.map((c) => c.action)).toEqual(['updated', 'updated', 'updated']);
    expect(calls).toContain('PUT rep-2024.10/_settings {"index":{"auto_expand_replicas":"0-1"}}');
    expect(await checkIndexReplicas(store, base)).toEqual([]);
  });

  it('an index with a fixed count other than the configured one is reported and changed', async () => {
    const two = { ...base, replicas: 2 };
    const { store, calls } = memoryStore({ 'rep-2024.11': { index: { number_of_replicas: 0, auto_expand_replicas: false } } });
    expect(await checkIndexReplicas(store, two)).toEqual([
      'index rep-2024.11 (0 replicas): expected 2 replicas (elasticsearch.replicas: 2) (run `mailverdict setup`)',
    ]);
    await ensureIndexTemplates(store, two);
    expect(calls).toContain('PUT rep-2024.11/_settings {"index":{"auto_expand_replicas":false,"number_of_replicas":2}}');
    expect(await checkIndexReplicas(store, two)).toEqual([]);
  });
});
