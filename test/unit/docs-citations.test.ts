// Comments and the README cite documentation that ships in the repository (docs/), never notes kept
// elsewhere: every cited docs/<file>.md exists, and no design note outside the repo is named.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|md)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !p.includes(`${join('test', 'fixtures')}`) && p !== SELF);
}

const sources = [...files('src'), ...files('workers'), ...files('test'), ...files('bench'), ...files('docs'), join(ROOT, 'README.md')];

describe('documentation citations', () => {
  it('name no design note outside the repository', () => {
    const outside = /\.\.\/shared|shared\/|DESIGN(\.md)?\b|PIPELINE\.md|(?<![\w/-])(headers|logs)\.md/;
    const hits = sources.flatMap((p) => readFileSync(p, 'utf8').split('\n')
      .map((line, i) => ({ line, at: `${relative(ROOT, p)}:${i + 1}` }))
      .filter(({ line }) => outside.test(line))
      .map(({ at, line }) => `${at}: ${line.trim().slice(0, 120)}`));
    expect(hits).toEqual([]);
  });

  it('point at docs/ files that exist', () => {
    const cited = new Set<string>();
    for (const p of sources) for (const m of readFileSync(p, 'utf8').matchAll(/docs\/([\w-]+\.md)/g)) cited.add(m[1]!);
    expect(cited.size).toBeGreaterThanOrEqual(3);
    expect([...cited].filter((f) => !existsSync(join(ROOT, 'docs', f)))).toEqual([]);
  });
});
