// `mailverdict setup`: applies the index templates (idempotent) and, with --kibana, imports the dashboards.
import { parseArgs } from 'node:util';
import type { Config } from '../config/schema.js';
import { setupKibana } from '../kibana/setup-kibana.js';
import { setupOpenSearchDashboards } from '../opensearch-dashboards/setup-dashboards.js';
import type { KibanaConnection } from '../kibana/kibana-client.js';
import { createSearchStore } from '../sink/create-client.js';
import { ensureIndexTemplates } from '../sink/index-setup.js';
import { UsageError, type Command } from './command.js';
import { commandConfig, CONFIG_OPTION, CONFIG_USAGE } from './config-option.js';

const usage = `Usage: mailverdict setup [options]

Creates or updates the Elasticsearch index templates (mappings/*.json). With --kibana, also imports the
dashboards (dashboards/mailverdict.ndjson, overwriting earlier copies) and, with --kibana-rules, creates
Kibana alerting rules (Elasticsearch query rules) that mirror the built-in alerts. Safe to run any number of times.

Options:
${CONFIG_USAGE}
  --kibana <url>        import the dashboards into this Kibana (done anyway when kibana.url is configured)
  --kibana-rules        also create/update the Kibana alerting rules
  --dashboards <url>    import the dashboards into this OpenSearch Dashboards (elasticsearch.engine: opensearch;
                        dashboards/opensearch/mailverdict.ndjson)
  -h, --help            show this help`;

export const setupCommand: Command = {
  name: 'setup',
  summary: 'create or update the Elasticsearch index templates',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...CONFIG_OPTION, kibana: { type: 'string' }, 'kibana-rules': { type: 'boolean', default: false }, dashboards: { type: 'string' },
      },
      strict: true,
    });
    const config = commandConfig(values.config, io);
    if (values.dashboards !== undefined && config.elasticsearch.engine !== 'opensearch') {
      throw new UsageError('--dashboards imports into OpenSearch Dashboards: expected elasticsearch.engine: opensearch (for Kibana use --kibana)');
    }
    const client = createSearchStore(config.elasticsearch);
    try {
      const changes = await ensureIndexTemplates(client, config);
      for (const c of changes) {
        await io.stdout.write(`${c.action.padEnd(9)} index template ${c.name} (version ${c.version})\n`);
        if (c.replicasChanged !== undefined) {
          await io.stdout.write(`          replicas of ${c.replicasChanged.length} existing ${c.replicasChanged.length === 1 ? 'index' : 'indices'} set as configured (${c.replicasChanged.join(', ')})\n`);
        }
        for (const p of c.problems ?? []) await io.stderr.write(`warning: ${p}\n`);
      }
      await io.stdout.write(`index templates ready (${changes.length} checked)\n`);
      if (values.dashboards !== undefined) {
        const osd = { url: values.dashboards, username: config.elasticsearch.username, password: config.elasticsearch.password };
        const result = await setupOpenSearchDashboards(osd, config.elasticsearch.indexPrefix);
        await io.stdout.write(`opensearch dashboards: ${result.importedObjects} saved objects imported into ${values.dashboards}\n`);
      }
      if (values.kibana !== undefined || config.kibana !== undefined || values['kibana-rules']) {
        const kibana = kibanaConnection(config, values.kibana);
        const result = await setupKibana({
          kibana, indexPrefix: config.elasticsearch.indexPrefix,
          ...(values['kibana-rules'] ? { rulesFrom: config.alerts } : {}),
          ...(config.kibana?.ruleConnector !== undefined ? { ruleConnector: ruleConnectorOf(config.kibana.ruleConnector) } : {}),
        });
        await io.stdout.write(`kibana: ${result.importedObjects} saved objects imported into ${kibana.url}` +
          (values['kibana-rules'] ? `; rules created ${result.rulesCreated.length}, updated ${result.rulesUpdated.length}, notifying connector ${result.connectorId ?? '(none)'}` : '') + '\n');
      }
      return 0;
    } finally {
      await client.close();
    }
  },
};

function ruleConnectorOf(c: { id: string; params?: Record<string, unknown> | undefined }): { id: string; params?: Record<string, unknown> } {
  return c.params === undefined ? { id: c.id } : { id: c.id, params: c.params };
}

function kibanaConnection(config: Config, url: string | undefined): KibanaConnection {
  const base = url !== undefined && url !== '' ? url : config.kibana?.url;
  if (base === undefined) throw new UsageError('--kibana needs a URL, or kibana.url in the configuration');
  const k = config.kibana;
  return {
    url: base,
    ...(k?.apiKey !== undefined ? { apiKey: k.apiKey } : {}),
    ...(k?.username !== undefined ? { username: k.username } : {}),
    ...(k?.password !== undefined ? { password: k.password } : {}),
    ...(k?.space !== undefined ? { spaceId: k.space } : {}),
  };
}
