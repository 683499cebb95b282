// `mailverdict health`: asks the running mailverdict process of this configuration for its /health, on the
// http.host and http.port the configuration gives (the container healthcheck uses it, so a changed port in the
// configuration never leaves a stale hard-coded probe behind).
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { commandConfig, CONFIG_OPTION, CONFIG_USAGE } from './config-option.js';

const TIMEOUT_MS = 4000;

/** A wildcard listen address is reached on loopback. */
export function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export const healthCommand: Command = {
  name: 'health',
  summary: 'check the /health endpoint of the running process (exit 0 when healthy)',
  usage: `Usage: mailverdict health [options]

Requests /health from the mailverdict process running with this configuration (http.host, http.port) and exits
0 when it answers healthy, 1 otherwise. Meant for container and service-manager health checks.

Options:
${CONFIG_USAGE}
  -h, --help            show this help`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: CONFIG_OPTION, strict: true });
    const { http } = commandConfig(values.config, io);
    const url = `http://${probeHost(http.host)}:${http.port}/health`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      const body = (await response.text()).trim();
      await (response.ok ? io.stdout : io.stderr).write(`${url}: ${response.status} ${body}\n`);
      return response.ok ? 0 : 1;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      await io.stderr.write(`${url}: not answering (${cause ?? (err instanceof Error ? err.message : String(err))})\n`);
      return 1;
    }
  },
};
