// `--gateway <id>` of `parse` and `replay`: the gateway whose quarantine the input comes from (like the config's
// per-mailbox `gateway:`); the top level of each document describes it when its headers are present.
import { GATEWAY_IDS } from '../parsers/gateway-ids.js';
import { UsageError } from './command.js';

export const GATEWAY_OPTION_HELP = `  --gateway <id>             the gateway whose quarantine this is (${GATEWAY_IDS.slice(0, 4).join(', ')}, …): the top
                             level of each document describes it when its headers are in the message`;

export function gatewayOption(value: string | undefined): { id: string } | undefined {
  if (value === undefined) return undefined;
  if (!GATEWAY_IDS.includes(value)) throw new UsageError(`--gateway must be one of ${GATEWAY_IDS.join(', ')}, got '${value}'`);
  return { id: value };
}
