import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';

const composeFile = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));

/** Debian's docker-compose 1.29 validates a file without a Docker engine; `docker compose` v2 too. */
function composeCommand(): string[] {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  throw new Error('neither docker-compose nor `docker compose` is installed (Debian package docker-compose; .ci/run installs it)');
}

describe('docker-compose.yml', () => {
  it('has no obsolete top-level version key', () => {
    expect(parseYaml(readFileSync(composeFile, 'utf8')) as Record<string, unknown>).not.toHaveProperty('version');
  });

  it('is a valid compose file', () => {
    const [cmd, ...args] = composeCommand();
    expect(() => execFileSync(cmd!, [...args, '-f', composeFile, 'config', '-q'], { stdio: 'pipe' })).not.toThrow();
  });

  it('runs Redis with AOF persistence and noeviction, and Elasticsearch/Kibana 8.19', () => {
    const [cmd, ...args] = composeCommand();
    const config = execFileSync(cmd!, [...args, '-f', composeFile, 'config'], { encoding: 'utf8' });
    expect(config).toMatch(/--appendonly[\s\S]*yes/);
    expect(config).toMatch(/--maxmemory-policy[\s\S]*noeviction/);
    expect(config).toContain('elasticsearch:8.19');
    expect(config).toContain('kibana:8.19');
  });
});

describe('docker-compose.yml stack and Dockerfile', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const config = (): Record<string, unknown> => {
    const [cmd, ...args] = composeCommand();
    return parseYaml(execFileSync(cmd!, [...args, '-f', composeFile, 'config'], { encoding: 'utf8' })) as Record<string, unknown>;
  };
  type Service = { command?: string[]; depends_on?: Record<string, { condition: string }>; ports?: unknown; container_name?: string; restart?: string; healthcheck?: unknown; build?: unknown };

  it('has the product services with their start order, one-shot setup and seeding, and a scalable worker', () => {
    const services = config()['services'] as Record<string, Service>;
    for (const name of ['elasticsearch', 'kibana', 'redis', 'dovecot', 'demo-seed', 'setup', 'collector', 'worker', 'alerter']) expect(services[name], name).toBeDefined();
    expect(services['setup']!.command).toEqual(['setup', '--kibana', 'http://kibana:5601', '--kibana-rules']);
    // Kibana creates alerting rules only with an encryption key for its saved objects.
    const kibanaEnv = (services['kibana'] as { environment?: Record<string, string> | string[] }).environment;
    const kibanaVars = Array.isArray(kibanaEnv) ? Object.fromEntries(kibanaEnv.map((e) => e.split(/=(.*)/s).slice(0, 2))) : kibanaEnv ?? {};
    expect(String(kibanaVars['XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY'] ?? '').length).toBeGreaterThanOrEqual(32);
    expect(services['setup']!.restart).toBe('no');
    expect(services['demo-seed']!.command).toEqual(['demo', '--seed-only']);
    expect(services['collector']!.command).toEqual(['collect']);
    expect(services['worker']!.command).toEqual(['work']);
    expect(services['alerter']!.command).toEqual(['alert']);
    expect(services['collector']!.depends_on).toMatchObject({
      setup: { condition: 'service_completed_successfully' },
      'demo-seed': { condition: 'service_completed_successfully' },
      redis: { condition: 'service_healthy' },
      dovecot: { condition: 'service_healthy' },
    });
    expect(services['worker']!.depends_on).toMatchObject({ setup: { condition: 'service_completed_successfully' }, elasticsearch: { condition: 'service_healthy' } });
    // --scale worker=N needs no fixed container name and no published port.
    expect(services['worker']!.container_name).toBeUndefined();
    expect(services['worker']!.ports).toBeUndefined();
    for (const name of ['elasticsearch', 'kibana', 'redis', 'dovecot']) expect(services[name]!.healthcheck, name).toBeDefined();
  });

  it('builds a multi-stage image that runs as a non-root user', () => {
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^COPY --from=build /m);
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)$/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/mailverdict.js"\]/m);
    // A maintained LTS Node (20 reached end of life in April 2026), in both stages.
    const bases = [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const major of bases) expect(major === 22 || major === 24, `node:${major}`).toBe(true);
    // The healthcheck asks the process on the port its configuration gives, not a hard-coded one.
    expect(dockerfile).toMatch(/^HEALTHCHECK[\s\S]*CMD \["node", "bin\/mailverdict.js", "health"\]/m);
    expect(dockerfile).not.toMatch(/9464\/health/);
    // What the image copies exists.
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
      for (const path of m[1]!.split(' ')) expect(existsSync(`${root}${path}`), path).toBe(true);
    }
  });

  it("mounts a configuration the product accepts", () => {
    const loaded = loadConfig({ file: `${root}docker/mailverdict.yaml`, env: {} });
    expect(loaded.accounts[0]!.host).toBe('dovecot');
    expect(loaded.redis.url).toBe('redis://redis:6379');
  });
});

describe('docker-compose.yml opensearch profile', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  type Service = { image?: string; command?: string[]; profiles?: string[]; depends_on?: Record<string, { condition: string }>; volumes?: unknown[] };
  const services = (): Record<string, Service> => {
    const [cmd, ...args] = composeCommand();
    const text = execFileSync(cmd!, [...args, '-f', composeFile, '--profile', 'opensearch', 'config'], { encoding: 'utf8' });
    return (parseYaml(text) as { services: Record<string, Service> }).services;
  };

  it('adds OpenSearch 2.19, OpenSearch Dashboards and a pipeline of their own, only under the profile', () => {
    const s = services();
    expect(s['opensearch']?.image).toMatch(/^opensearchproject\/opensearch:2\.19\./);
    expect(s['opensearch-dashboards']?.image).toMatch(/^opensearchproject\/opensearch-dashboards:2\.19\./);
    for (const name of ['opensearch', 'opensearch-dashboards', 'setup-opensearch', 'collector-opensearch', 'worker-opensearch', 'alerter-opensearch']) {
      expect(s[name]?.profiles, name).toEqual(['opensearch']);
    }
    for (const name of ['elasticsearch', 'kibana', 'setup', 'collector', 'worker', 'alerter']) expect(s[name]?.profiles, name).toBeUndefined();
    expect(s['setup-opensearch']?.command).toEqual(['setup', '--dashboards', 'http://opensearch-dashboards:5601']);
    expect(s['worker-opensearch']?.depends_on).toMatchObject({ opensearch: { condition: 'service_healthy' }, 'setup-opensearch': { condition: 'service_completed_successfully' } });
    expect(JSON.stringify(s['worker-opensearch']?.volumes)).toContain('mailverdict-opensearch.yaml');
  });

  it('mounts an OpenSearch configuration the product accepts, with its own Redis key prefix', () => {
    const loaded = loadConfig({ file: `${root}docker/mailverdict-opensearch.yaml`, env: {} });
    expect(loaded.elasticsearch.engine).toBe('opensearch');
    expect(loaded.elasticsearch.nodes).toEqual(['http://opensearch:9200']);
    expect(loaded.redis.keyPrefix).not.toBe(loadConfig({ file: `${root}docker/mailverdict.yaml`, env: {} }).redis.keyPrefix);
  });
});
