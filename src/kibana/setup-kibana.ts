// `mailverdict setup --kibana <url>`: import the shipped dashboards (idempotent) and optionally create the
// Kibana alerting rules that mirror the built-in alerts.
import { readFile } from 'node:fs/promises';
import type { AlertConfig } from '../alerts/alert-config.js';
import { packageFile } from '../package-file.js';
import { buildKibanaRules, upsertKibanaRules } from './alert-rules.js';
import { importSavedObjects, withIndexPrefix } from './import-saved-objects.js';
import { KibanaClient, type KibanaConnection } from './kibana-client.js';

/** dashboards/mailverdict.ndjson, found from src/kibana and from dist/kibana alike. */
export const DASHBOARDS_FILE = packageFile('dashboards', 'mailverdict.ndjson');

export interface SetupKibanaOptions {
  kibana: KibanaConnection;
  indexPrefix: string;
  /** Create the .es-query rules from these alert settings; none when undefined. */
  rulesFrom?: AlertConfig;
  /** Defaults to the shipped dashboards file. */
  ndjson?: string;
}

export interface SetupKibanaResult {
  importedObjects: number;
  rulesCreated: string[];
  rulesUpdated: string[];
}

export async function setupKibana(options: SetupKibanaOptions): Promise<SetupKibanaResult> {
  const client = new KibanaClient(options.kibana);
  const ndjson = withIndexPrefix(options.ndjson ?? await readFile(DASHBOARDS_FILE, 'utf8'), options.indexPrefix);
  const imported = await importSavedObjects(client, ndjson);
  const result: SetupKibanaResult = { importedObjects: imported.successCount, rulesCreated: [], rulesUpdated: [] };
  if (options.rulesFrom !== undefined) {
    const rules = await upsertKibanaRules(client, buildKibanaRules(options.rulesFrom, options.indexPrefix));
    result.rulesCreated = rules.created;
    result.rulesUpdated = rules.updated;
  }
  return result;
}
