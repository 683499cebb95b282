// The `--config <file>` option every server command shares, and loading the configuration once with it.
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import type { CommandIo } from './command.js';

export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const;

export const CONFIG_USAGE = `  -c, --config <file>   configuration file (default: $MAILVERDICT_CONFIG, ./mailverdict.yaml,
                        /etc/mailverdict/config.yaml; MAILVERDICT_* environment variables override it)`;

export function commandConfig(file: string | undefined, io: CommandIo): Config {
  return loadConfig({ ...(file !== undefined ? { file } : {}), env: io.env });
}
