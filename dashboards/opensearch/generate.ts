// Writes dashboards/opensearch/mailverdict.ndjson (what `mailverdict setup --dashboards <url>` imports into
// OpenSearch Dashboards) from the Kibana objects in dashboards/mailverdict.ndjson, the single source of the panels.
// A unit test checks that the committed file is exactly what this produces.
//   npx tsx dashboards/opensearch/generate.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNdjson } from '../../src/kibana/saved-objects.js';
import { osdObjectsFromKibana } from '../../src/opensearch-dashboards/from-kibana.js';

export const KIBANA_NDJSON = fileURLToPath(new URL('../mailverdict.ndjson', import.meta.url));
export const OSD_NDJSON = fileURLToPath(new URL('./mailverdict.ndjson', import.meta.url));

export function renderOsdNdjson(kibanaNdjson: string = readFileSync(KIBANA_NDJSON, 'utf8')): string {
  return osdObjectsFromKibana(parseNdjson(kibanaNdjson)).map((o) => JSON.stringify(o)).join('\n') + '\n';
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OSD_NDJSON, renderOsdNdjson());
  console.log(`wrote ${OSD_NDJSON}`);
}
