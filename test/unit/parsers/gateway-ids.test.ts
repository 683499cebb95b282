// `gateway:` in the config and `--gateway` accept the ids in GATEWAY_IDS: the list must be exactly the ids the
// parsers report on the fixtures (a new gateway family without its id here could never be configured).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_IDS } from '../../../src/parsers/gateway-ids.js';
import { FIXTURES_ROOT } from './describe-parser.js';

describe('GATEWAY_IDS', () => {
  it('is the set of gateway ids the parsers report on the fixtures', () => {
    const seen = new Set<string>();
    for (const dir of readdirSync(FIXTURES_ROOT, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(join(FIXTURES_ROOT, dir.name)).filter((f) => f.endsWith('.json'))) {
        const doc = JSON.parse(readFileSync(join(FIXTURES_ROOT, dir.name, file), 'utf8')) as { mailverdict?: { gateways?: { id: string }[] } };
        for (const g of doc.mailverdict?.gateways ?? []) seen.add(g.id);
      }
    }
    expect([...seen].sort()).toEqual([...GATEWAY_IDS].sort());
  });
});
