// `mailverdict setup --kibana <url>`: import the shipped dashboards (idempotent) and optionally create the
// Kibana alerting rules that mirror the built-in alerts.
import { readFile } from 'node:fs/promises';
import type { AlertConfig } from '../alerts/alert-config.js';
import { packageFile } from '../package-file.js';
import { buildKibanaRules, ensureServerLogConnector, upsertKibanaRules, type RuleConnector } from './alert-rules.js';
import { importSavedObjects, withIndexPrefix } from './import-saved-objects.js';
import { KibanaClient, type KibanaConnection } from './kibana-client.js';

/** dashboards/mailverdict.ndjson, found from src/kibana and from dist/kibana alike. */
export const DASHBOARDS_FILE = packageFile('dashboards', 'mailverdict.ndjson');

export interface SetupKibanaOptions {
  kibana: KibanaConnection;
  indexPrefix: string;
  /** Create the .es-query rules from these alert settings; none when undefined. */
  rulesFrom?: AlertConfig;
  /** The connector the rules notify; by default a server-log connector created here. */
  ruleConnector?: { id: string; params?: Record<string, unknown> };
  /** Defaults to the shipped dashboards file. */
  ndjson?: string;
}

export interface SetupKibanaResult {
  importedObjects: number;
  rulesCreated: string[];
  rulesUpdated: string[];
  /** The connector the rules notify (when rules were created). */
  connectorId?: string;
}

export async function setupKibana(options: SetupKibanaOptions): Promise<SetupKibanaResult> {
  const client = new KibanaClient(options.kibana);
  const ndjson = withIndexPrefix(options.ndjson ?? await readFile(DASHBOARDS_FILE, 'utf8'), options.indexPrefix);
  const imported = await importSavedObjects(client, ndjson);
  const result: SetupKibanaResult = { importedObjects: imported.successCount, rulesCreated: [], rulesUpdated: [] };
  if (options.rulesFrom !== undefined) {
    let connector: RuleConnector;
    if (options.ruleConnector !== undefined) connector = { ...options.ruleConnector };
    else connector = { id: (await ensureServerLogConnector(client, options.indexPrefix)).id, serverLog: true };
    result.connectorId = connector.id;
    const rules = await upsertKibanaRules(client, buildKibanaRules(options.rulesFrom, options.indexPrefix, connector));
    result.rulesCreated = rules.created;
    result.rulesUpdated = rules.updated;
  }
  return result;
}
