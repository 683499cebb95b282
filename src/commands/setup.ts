// `mailverdict setup`: applies the index templates (idempotent) and, with --kibana, imports the dashboards.
import { parseArgs } from 'node:util';
import { createElasticsearchClient } from '../sink/create-client.js';
import { ensureIndexTemplates } from '../sink/index-setup.js';
import type { Command } from './command.js';
import { commandConfig, CONFIG_OPTION, CONFIG_USAGE } from './config-option.js';

const usage = `Usage: mailverdict setup [options]

Creates or updates the Elasticsearch index templates (mappings/*.json). Safe to run any number of times.

Options:
${CONFIG_USAGE}
  -h, --help            show this help`;

export const setupCommand: Command = {
  name: 'setup',
  summary: 'create or update the Elasticsearch index templates',
  usage,
  async run(args, io) {
    const { values } = parseArgs({ args, options: CONFIG_OPTION, strict: true });
    const config = commandConfig(values.config, io);
    const client = createElasticsearchClient(config.elasticsearch);
    try {
      const changes = await ensureIndexTemplates(client, config);
      for (const c of changes) await io.stdout.write(`${c.action.padEnd(9)} index template ${c.name} (version ${c.version})\n`);
      await io.stdout.write(`index templates ready (${changes.length} checked)\n`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
