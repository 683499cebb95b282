// The demo quarantine: `size` messages over `days` days from several gateways (KSMG, KLMS, IMail and a few
// others), built from the parser fixtures, with working-hours traffic and a few hours on one gateway where
// most scans fell back or timed out. The same seed and end give the same messages, byte for byte.
import { Buffer } from 'node:buffer';
import type { SpamVerdict } from '../document/enums.js';
import {
  BULK_SUBJECTS, CLEAN_SENDER_DOMAINS, CLEAN_SUBJECTS, DEMO_GATEWAYS, DEMO_MULTI_GATEWAY, DEMO_SPIKE, KASPERSKY_OUTCOMES, LOCAL_PARTS,
  MONTH_NAMES, RECIPIENTS, SPAM_SENDER_DOMAINS, SPAM_SUBJECTS, type GatewayProfile, type TemplateChoice,
} from './demo-profile.js';
import { loadDemoTemplates, type DemoTemplate, type TemplateField } from './demo-template.js';
import { SeededRandom } from './seeded-random.js';
import { buildVariedMessage } from './vary-message.js';

export const DEFAULT_DEMO_SIZE = 5000;
export const DEFAULT_DEMO_SEED = 'mailverdict-demo';
export const DEFAULT_DEMO_DAYS = 30;
/** Bounds on `size`: at least enough for every gateway and the spike; at most what one run should append. */
export const MIN_DEMO_SIZE = 50;
export const MAX_DEMO_SIZE = 1_000_000;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface DemoOptions {
  size?: number;
  seed?: string;
  /** End of the period (exclusive). Default: the start of the current hour, so reruns within it repeat. */
  end?: Date;
  days?: number;
  /** Where the templates are; demo/templates of the package by default. */
  templatesDir?: string;
}

export interface DemoMessage {
  /** The RFC 5322 message, CRLF line ends. */
  raw: Buffer;
  /** When it landed in the quarantine mailbox (APPEND's INTERNALDATE): a little after `time`. */
  internalDate: Date;
  /** When the topmost gateway handled it. */
  time: Date;
  gateway: string;
  /** The gateway node that handled it (gateways with configured nodes only). */
  node?: string;
  /** Further gateways that stamped it on the way to the mailbox, closest to the mailbox first. */
  stamps: string[];
  fixture: string;
  /** The anti-spam verdict the generator redrew (Kaspersky fixtures with a completed scan only). */
  verdict?: SpamVerdict;
  /** In the spike window on the spike gateway. */
  spike: boolean;
}

export interface DemoQuarantine {
  seed: string;
  start: Date;
  end: Date;
  spike: { gateway: string; node: string; start: Date; end: Date };
  messages: DemoMessage[];
}

export async function generateDemoQuarantine(options: DemoOptions = {}): Promise<DemoQuarantine> {
  const names = [...DEMO_GATEWAYS.flatMap((g) => g.templates), ...DEMO_SPIKE.templates].map((t) => t.fixture);
  const templates = await loadDemoTemplates(names, options.templatesDir);
  return buildDemoQuarantine(templates, options);
}

interface Planned {
  time: Date;
  gateway: GatewayProfile;
  choice: TemplateChoice;
  spike: boolean;
  node?: string;
  multiGateway: boolean;
}

export function buildDemoQuarantine(templates: ReadonlyMap<string, DemoTemplate>, options: DemoOptions = {}): DemoQuarantine {
  const size = options.size ?? DEFAULT_DEMO_SIZE;
  if (!Number.isInteger(size) || size < MIN_DEMO_SIZE || size > MAX_DEMO_SIZE) {
    throw new RangeError(`demo size must be an integer from ${MIN_DEMO_SIZE} to ${MAX_DEMO_SIZE}, got ${size}`);
  }
  const days = options.days ?? DEFAULT_DEMO_DAYS;
  if (!Number.isInteger(days) || days < 2 || days > 3660) throw new RangeError(`demo days must be an integer from 2 to 3660, got ${days}`);
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const end = options.end ?? new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
  const start = new Date(end.getTime() - days * DAY_MS);
  const rand = new SeededRandom(`${seed}|${size}|${days}|${end.toISOString()}`);

  const spikeGateway = DEMO_GATEWAYS.find((g) => g.id === DEMO_SPIKE.gateway);
  if (spikeGateway === undefined) throw new Error(`spike gateway ${DEMO_SPIKE.gateway} has no profile`);
  // A morning window a week or so before the end (local 10:00–13:00 on the gateway's clock).
  const daysBack = Math.min(days - 1, rand.int(5, 11));
  const spikeDay = Math.floor((end.getTime() - daysBack * DAY_MS) / DAY_MS) * DAY_MS;
  const spikeStart = new Date(spikeDay + (10 * 60 - spikeGateway.offsetMinutes) * 60_000);
  const spikeHours = Math.min(DEMO_SPIKE.maxHours, Math.max(1, Math.round(size / DEMO_SPIKE.messagesPerHour)));
  const spikeEnd = new Date(spikeStart.getTime() + spikeHours * HOUR_MS);

  const spikeCount = Math.max(1, Math.round(size * DEMO_SPIKE.shareOfMessages));
  const planned: Planned[] = [];
  const gatewayWeights = DEMO_GATEWAYS.map((g) => ({ weight: g.share, value: g }));
  for (let i = 0; i < size - spikeCount; i++) {
    const gateway = rand.weighted(gatewayWeights);
    const time = trafficTime(rand, start, end, gateway.offsetMinutes);
    const choice = pickTemplate(rand, gateway.templates);
    const node = gateway.nodes === undefined ? undefined : rand.pick(gateway.nodes);
    const multiGateway = gateway.id === DEMO_MULTI_GATEWAY.gateway && rand.next() < DEMO_MULTI_GATEWAY.share;
    planned.push({ time, gateway, choice, spike: false, multiGateway, ...(node === undefined ? {} : { node }) });
  }
  // Spread evenly over the window's 15-minute slots, with the incomplete share exact in each slot, so every
  // slot shows the same picture (random placement would leave some slots under an alert's minimum).
  const slots = spikeHours * 4;
  const slotMs = HOUR_MS / 4;
  for (let i = 0; i < spikeCount; i++) {
    const slot = i % slots;
    const round = Math.floor(i / slots);
    const time = new Date(spikeStart.getTime() + slot * slotMs + Math.floor(rand.next() * slotMs));
    const incomplete = (round % 4) < Math.round(DEMO_SPIKE.incompleteShare * 4);
    const choice = pickTemplate(rand, incomplete ? DEMO_SPIKE.templates : spikeGateway.templates);
    planned.push({ time, gateway: spikeGateway, choice, spike: true, node: DEMO_SPIKE.node, multiGateway: false });
  }
  // Whole seconds (mail dates have no fractions), then arrival order.
  for (const p of planned) p.time = new Date(Math.floor(p.time.getTime() / 1000) * 1000);
  planned.sort((a, b) => a.time.getTime() - b.time.getTime());

  const messages = planned.map((p, sequence) => buildOne(p, sequence, templates, rand));
  return { seed, start, end, spike: { gateway: spikeGateway.id, node: DEMO_SPIKE.node, start: spikeStart, end: spikeEnd }, messages };
}

function buildOne(p: Planned, sequence: number, templates: ReadonlyMap<string, DemoTemplate>, rand: SeededRandom): DemoMessage {
  const template = templates.get(p.choice.fixture);
  if (template === undefined) throw new Error(`fixture ${p.choice.fixture} was not loaded`);
  const outcome = p.choice.varyVerdict === true ? rand.weighted(KASPERSKY_OUTCOMES) : undefined;
  const kind = outcome !== undefined ? (outcome.verdict === 'clean' ? 'clean' : outcome.verdict === 'bulk' ? 'bulk' : 'spam') : kindOfFixture(p.choice.fixture);
  const senderDomain = rand.pick(kind === 'clean' ? CLEAN_SENDER_DOMAINS : SPAM_SENDER_DOMAINS);
  const subjects = kind === 'clean' ? CLEAN_SUBJECTS : kind === 'bulk' ? BULK_SUBJECTS : SPAM_SUBJECTS;
  const subject = rand.pick(subjects)
    .replace('{n}', String(rand.int(100, 99_999)))
    .replace('{q}', String(rand.int(1, 4)))
    .replace('{month}', MONTH_NAMES[p.time.getUTCMonth()] ?? '');
  const raw = buildVariedMessage(routedTemplate(template, p), {
    time: p.time,
    offsetMinutes: p.gateway.offsetMinutes,
    sequence,
    senderAddress: `${rand.pick(LOCAL_PARTS)}@${senderDomain}`,
    recipientAddress: `${rand.pick(RECIPIENTS)}@${p.gateway.recipientDomain}`,
    subject,
    ...(outcome === undefined ? {} : { antiSpam: { status: outcome.status, rate: rand.int(outcome.rate[0], outcome.rate[1]) } }),
  }, rand);
  const message: DemoMessage = {
    raw: Buffer.from(raw, 'utf8'),
    internalDate: new Date(p.time.getTime() + rand.int(2, 40) * 1000),
    time: p.time,
    gateway: p.gateway.id,
    stamps: p.multiGateway ? ['exchange', 'amavis'] : [],
    fixture: p.choice.fixture,
    spike: p.spike,
  };
  if (outcome !== undefined) message.verdict = outcome.verdict;
  if (p.node !== undefined) message.node = p.node;
  return message;
}

function field(text: string): TemplateField {
  const name = text.slice(0, text.indexOf(':'));
  return { name, lower: name.toLowerCase(), text };
}

/**
 * The fixture with the route the plan gives it: the node's `Received: … by <node>` hop directly below the
 * gateway's own header fields (the run of X- fields from the first one), where its MTA wrote it on accepting the
 * message before the filter stamped it (the rule in docs/gateways.md, "Attribution and gateway nodes"); for
 * multi-gateway mail the amavis stamp and Exchange's SCL with their hops on top. Received dates are rewritten
 * later, newest on top.
 */
function routedTemplate(template: DemoTemplate, p: Planned): DemoTemplate {
  const fields = [...template.fields];
  if (p.node !== undefined) {
    const at = fields.findIndex((f) => f.lower.startsWith('x-'));
    let below = at;
    while (below >= 0 && below < fields.length && (fields[below] as TemplateField).lower.startsWith('x-')) below++;
    const hop = field(`Received: from relay.example.net (relay.example.net [198.51.100.25])\n\tby ${p.node} with ESMTP; Thu, 1 Jan 2026 00:00:00 +0000`);
    fields.splice(at < 0 ? 0 : below, 0, hop);
  }
  if (p.multiGateway) {
    const { amavisHost, exchangeHost } = DEMO_MULTI_GATEWAY;
    const from = p.node ?? 'gateway.example.net';
    fields.unshift(
      field('X-MS-Exchange-Organization-SCL: -1'),
      field(`Received: from ${amavisHost} (${amavisHost} [10.20.0.5])\n\tby ${exchangeHost} with ESMTP; Thu, 1 Jan 2026 00:00:00 +0000`),
      field(`X-Virus-Scanned: amavisd-new at ${amavisHost}`),
      field(`Received: from ${from} (${from} [10.20.0.4])\n\tby ${amavisHost} with ESMTP; Thu, 1 Jan 2026 00:00:00 +0000`),
    );
  }
  return fields.length === template.fields.length ? template : { ...template, fields };
}

function pickTemplate(rand: SeededRandom, choices: readonly TemplateChoice[]): TemplateChoice {
  return rand.weighted(choices.map((c) => ({ weight: c.weight, value: c })));
}

/** Sender/subject flavour of a fixed fixture, from its name (cosmetic only). */
function kindOfFixture(name: string): 'clean' | 'spam' | 'bulk' {
  if (name.includes('bulk')) return 'bulk';
  return /spam|confirmed|suspect|dnsbl|fail|high-confidence/.test(name.slice(name.indexOf('/') + 1)) ? 'spam' : 'clean';
}

// Relative traffic by local hour and weekday: office hours busy, nights and weekends quiet.
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 12, 13, 14, 13, 11, 8, 5, 4, 3, 2, 2, 1];
const MAX_HOUR_WEIGHT = 14;
const WEEKEND_WEIGHT = 0.35;

/** Rejection sampling of a time in [start, end) by the traffic curve; bounded, falls back to uniform. */
function trafficTime(rand: SeededRandom, start: Date, end: Date, offsetMinutes: number): Date {
  const span = end.getTime() - start.getTime();
  let t = start.getTime();
  for (let attempt = 0; attempt < 200; attempt++) {
    t = start.getTime() + Math.floor(rand.next() * span);
    const local = new Date(t + offsetMinutes * 60_000);
    const day = local.getUTCDay();
    const weight = ((HOUR_WEIGHTS[local.getUTCHours()] ?? 1) / MAX_HOUR_WEIGHT) * (day === 0 || day === 6 ? WEEKEND_WEIGHT : 1);
    if (rand.next() < weight) break;
  }
  return new Date(t);
}
