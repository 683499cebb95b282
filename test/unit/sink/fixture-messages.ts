// Real ParsedMessage values for sink tests: every fixture .eml parsed with parseMessage.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedMessage } from '../../../src/document/types.js';
import { readMessage } from '../../../src/headers/read-message.js';
import { parseMessage } from '../../../src/parse/parse-message.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export interface FixtureMessage {
  file: string;
  message: ParsedMessage;
  /** The raw header block as text (what a dead letter keeps). */
  rawHeaders: string;
}

/** Parsed fixtures from the given vendor directories (sorted, distinct ids). */
export function fixtureMessages(dirs: readonly string[] = ['kaspersky', 'imail', 'ctch', 'authres', 'exchange']): FixtureMessage[] {
  const out: FixtureMessage[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const name of readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.eml')).sort()) {
      const file = join(FIXTURES, dir, name);
      const raw = readFileSync(file);
      const message = parseMessage(raw, { origin: { kind: 'file', path: `${dir}/${name}` }, now: new Date('2026-01-02T03:04:05Z') });
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      out.push({ file: `${dir}/${name}`, message, rawHeaders: Buffer.from(readMessage(raw).headerBytes).toString('latin1') });
    }
  }
  return out;
}
