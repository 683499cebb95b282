// The `alerts:` section of the configuration. The lead merges `alertConfigSchema` into src/config/schema.ts;
// every key has a default so an empty section (or none) gives the shipped rules.
import { z } from 'zod';
import { INCOMPLETE_SCAN_STATUSES, SCAN_STATUSES } from '../document/enums.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * One spike rule. Fires for a gateway when, in the last window, at least `minCount` scans had one of `statuses`
 * AND their share of all scans is at least `maxShare` or at least `spikeFactor` times the gateway's own share over
 * the baseline period (never less than `baselineFloorShare`, so a gateway that never failed does not alert on one
 * unlucky message). Resolves after `resolveAfterWindows` consecutive windows without that condition.
 */
export const spikeRuleSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, "-" and "_"'),
  statuses: z.array(z.enum(SCAN_STATUSES)).min(1).default([...INCOMPLETE_SCAN_STATUSES]),
  windowMs: z.number().int().min(MINUTE_MS).default(15 * MINUTE_MS),
  baselineMs: z.number().int().min(HOUR_MS).default(7 * DAY_MS),
  minCount: z.number().int().min(1).default(10),
  maxShare: z.number().gt(0).max(1).default(0.2),
  spikeFactor: z.number().gt(1).default(5),
  baselineFloorShare: z.number().min(0).max(1).default(0.01),
  resolveAfterWindows: z.number().int().min(1).max(100).default(2),
}).strict();

export const webhookSchema = z.object({
  url: z.string().url(),
  /** `generic`: the alert document as JSON; `slack`: `{ text, blocks }` for Slack/Mattermost/Teams-compatible hooks. */
  format: z.enum(['generic', 'slack']).default('generic'),
  headers: z.record(z.string()).default({}),
  timeoutMs: z.number().int().min(100).default(10_000),
  maxAttempts: z.number().int().min(1).max(20).default(5),
  initialBackoffMs: z.number().int().min(0).default(1000),
  maxBackoffMs: z.number().int().min(0).default(60_000),
}).strict();

export const silentCollectorSchema = z.object({
  enabled: z.boolean().default(true),
  /** A mailbox whose last successful poll is older than this is reported as silent. */
  maxSilenceMs: z.number().int().min(MINUTE_MS).default(30 * MINUTE_MS),
}).strict();

export const alertConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** How often the rules are evaluated; window ends are aligned to multiples of it. */
  intervalMs: z.number().int().min(1000).default(MINUTE_MS),
  /** Field the windows are cut on: when the gateway handled the message. */
  timeField: z.string().default('@timestamp'),
  /**
   * Documents with the per-gateway arrays are counted per gateway node ("ksmg@gw2.example.com") from
   * `mailverdict.gateway_nodes` / `mailverdict.scan.by_gateway_node`. These fields group the documents written
   * before those arrays (and the Kibana rules): a missing value is left out of the key ("ksmg", "ksmg@mx1").
   */
  groupBy: z.array(z.string()).min(1).max(4).default(['mailverdict.gateway', 'observer.hostname']),
  rules: z.array(spikeRuleSchema).default([{ name: 'scan-incomplete' }])
    .refine((rules) => new Set(rules.map((r) => r.name)).size === rules.length, 'rule names must be unique'),
  silentCollector: silentCollectorSchema.default({}),
  webhooks: z.array(webhookSchema).default([]),
}).strict();

export type SpikeRule = z.output<typeof spikeRuleSchema>;
export type WebhookConfig = z.output<typeof webhookSchema>;
export type SilentCollectorConfig = z.output<typeof silentCollectorSchema>;
export type AlertConfig = z.output<typeof alertConfigSchema>;

/** The defaults, as a program would get them from an empty `alerts:` section. */
export function defaultAlertConfig(): AlertConfig {
  return alertConfigSchema.parse({});
}
