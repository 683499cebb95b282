import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIndexTemplates } from '../../../src/sink/index-setup.js';

describe('loadIndexTemplates (mappings/ rewritten for the configured prefix)', () => {
  it('names templates and patterns after the prefix and keeps the file version', () => {
    const specs = loadIndexTemplates('acme-mail');
    const byName = new Map(specs.map((s) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual(['acme-mail-alerts', 'acme-mail-dead-letter', 'acme-mail-messages']);
    for (const spec of specs) {
      expect(spec.version).toBeGreaterThanOrEqual(1);
      expect(spec.body['version']).toBe(spec.version);
      expect(spec.indexPatterns.length).toBeGreaterThan(0);
      for (const p of spec.indexPatterns) expect(p.startsWith('acme-mail-')).toBe(true);
      expect(spec.body.index_patterns).toEqual(spec.indexPatterns);
    }
    expect(byName.get('acme-mail-messages')?.indexPatterns).toContain('acme-mail-2*');
    expect(byName.get('acme-mail-dead-letter')?.indexPatterns).toContain('acme-mail-deadletter*');
  });

  it('refuses a bad prefix and a template without a version', () => {
    expect(() => loadIndexTemplates('Bad*')).toThrow(/indexPrefix/);
    const dir = mkdtempSync(join(tmpdir(), 'mv-tpl-'));
    try {
      writeFileSync(join(dir, 'x-template.json'), JSON.stringify({ index_patterns: ['mailverdict-x*'], template: {} }));
      expect(() => loadIndexTemplates('mv', dir)).toThrow(/x-template\.json: needs a numeric "version"/);
      writeFileSync(join(dir, 'x-template.json'), JSON.stringify({ version: 1, index_patterns: ['other-*'], template: {} }));
      expect(() => loadIndexTemplates('mv', dir)).toThrow(/does not start with/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
