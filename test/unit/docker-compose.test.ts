import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const composeFile = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));

/** Debian's docker-compose 1.29 validates a file without a Docker engine; `docker compose` v2 too. */
function composeCommand(): string[] {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  throw new Error('neither docker-compose nor `docker compose` is installed (Debian package docker-compose; .ci/run installs it)');
}

describe('docker-compose.yml', () => {
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
