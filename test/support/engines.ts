// The search engines the integration tests run against (both by default): each store test is a
// describe.each over these, so every engine gets the same assertions. MAILVERDICT_TEST_ENGINES=elasticsearch
// (or opensearch) narrows the run on purpose; it never narrows itself.
import type { SearchEngine } from '../../src/sink/sink-config.js';
import { serviceSettings } from './services.js';

export interface EngineUnderTest {
  engine: SearchEngine;
  url: string;
  /** Error type of a bulk item whose field does not parse (the engines name it differently). */
  fieldParseError: string;
}

export function enginesUnderTest(): EngineUnderTest[] {
  const s = serviceSettings();
  const all: EngineUnderTest[] = [
    { engine: 'elasticsearch', url: s.esUrl, fieldParseError: 'document_parsing_exception' },
    { engine: 'opensearch', url: s.osUrl, fieldParseError: 'mapper_parsing_exception' },
  ];
  const only = process.env['MAILVERDICT_TEST_ENGINES']?.split(',').map((e) => e.trim()).filter(Boolean);
  if (only === undefined || only.length === 0) return all;
  const picked = all.filter((e) => only.includes(e.engine));
  if (picked.length !== only.length) throw new Error(`MAILVERDICT_TEST_ENGINES=${only.join(',')}: expected elasticsearch and/or opensearch`);
  return picked;
}

/** The engine a test that runs once only uses: OpenSearch when it is the only one asked for, else Elasticsearch. */
export function defaultEngine(): EngineUnderTest {
  return enginesUnderTest()[0] as EngineUnderTest;
}
