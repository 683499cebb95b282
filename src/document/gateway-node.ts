// Which machine a gateway ran on, read from the Received: trace when the gateway's own headers do not say.
//
// The rule, from how trace fields are written (RFC 5321 §4.4: every relay PREPENDS one Received: when it accepts
// the message) and how filters stamp (after accepting it, also by prepending):
//
//   Received: from gw.example (gw.example [10.0.0.4]) by next.example …   ← the next relay; its `from` is the gateway
//   X-KSMG-AntiSpam-Status: …                                            ← the gateway's headers
//   Received: from mx.sender.example (… [203.0.113.7]) by gw.example …   ← the gateway's MTA accepting the message
//
// so the gateway's host is the `by` domain of the first Received: BELOW the gateway's topmost header, and the `from`
// of that same hop is the client the gateway received the message from (ECS source.*). A content filter on the
// same machine (amavis at port 10024) shows a loopback hop instead: `by localhost (mail.example.org [127.0.0.1])`;
// then the TCP-info domain names the machine, or — when the message came over loopback too — the hop below it does.
// The hop ABOVE the gateway, when its `from` names that same host, gives the host's address (observer.ip).
// Anything else (no hop below, a `by` that is no host name, a loopback chain that leads nowhere) → unknown: the
// caller leaves the hostname absent and warns; a wrong host would be worse than none.
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import { isLoopbackIp, isLoopbackName, parseReceived, type ReceivedHop } from '../headers/parse-received.js';

export interface ReceivedNode {
  hostname?: string;
  ip?: string;
  /** The peer the gateway's MTA accepted the message from. */
  client?: { ip?: string; domain?: string };
}

/** Loopback hops followed below a gateway: amavis/clamsmtp style content filters add one or two. */
const MAX_LOCAL_HOPS = 3;
/** Received fields looked at per message: hostile input may repeat the name thousands of times. */
const MAX_RECEIVED = 100;

function realName(name: string | undefined): string | undefined {
  return name === undefined || isLoopbackName(name) ? undefined : name;
}

function fromLoopback(hop: ReceivedHop): boolean {
  return isLoopbackIp(hop.from?.ip) || isLoopbackName(hop.from?.name);
}

/** The node of a gateway whose topmost header sits at `position` in the block. */
export function nodeFromReceived(block: HeaderBlock, position: number): ReceivedNode {
  const received: readonly HeaderField[] = (block.byName.get('received') ?? []).slice(0, MAX_RECEIVED);
  let below = received.findIndex((f) => f.index > position);
  if (below < 0) return {};

  let hostname: string | undefined;
  let hop: ReceivedHop | undefined;
  for (let step = 0; step <= MAX_LOCAL_HOPS && below < received.length; step++, below++) {
    hop = parseReceived((received[below] as HeaderField).value);
    if (hop.by === undefined) return {};
    hostname = realName(hop.by.name) ?? realName(hop.by.infoName);
    if (hostname !== undefined) break;
    // `by localhost` with no name: the machine is only known if the message came from it too.
    if (!fromLoopback(hop)) return {};
  }
  if (hostname === undefined || hop === undefined) return {};

  const node: ReceivedNode = { hostname };
  const client = clientOf(received, below, hop, hostname);
  if (client !== undefined) node.client = client;
  const ip = addressFromHopAbove(received, position, hostname);
  if (ip !== undefined) node.ip = ip;
  return node;
}

/** The non-loopback peer the host accepted the message from, following its own loopback re-injections down. */
function clientOf(received: readonly HeaderField[], at: number, hop: ReceivedHop, hostname: string): ReceivedNode['client'] {
  let current = hop;
  for (let step = 0; step < MAX_LOCAL_HOPS && fromLoopback(current); step++) {
    const next = received[at + step + 1];
    if (next === undefined) return undefined;
    const parsed = parseReceived(next.value);
    const by = realName(parsed.by?.name) ?? realName(parsed.by?.infoName);
    // Only the same machine's own hop continues the chain.
    if (parsed.by === undefined || (by !== undefined && by !== hostname)) return undefined;
    current = parsed;
  }
  if (fromLoopback(current) || current.from === undefined) return undefined;
  const client: NonNullable<ReceivedNode['client']> = {};
  if (current.from.ip !== undefined) client.ip = current.from.ip;
  const domain = [current.from.infoName, current.from.name].find((n) => n !== undefined && n !== 'unknown' && !isLoopbackName(n));
  if (domain !== undefined) client.domain = domain;
  return client.ip === undefined && client.domain === undefined ? undefined : client;
}

/** `Received: from <host> (<host> [ip]) by next…` right above the gateway's headers → the host's address. */
function addressFromHopAbove(received: readonly HeaderField[], position: number, hostname: string): string | undefined {
  let above: HeaderField | undefined;
  for (const f of received) {
    if (f.index >= position) break;
    above = f;
  }
  if (above === undefined) return undefined;
  const from = parseReceived(above.value).from;
  if (from?.ip === undefined || isLoopbackIp(from.ip)) return undefined;
  return from.name === hostname || from.infoName === hostname ? from.ip : undefined;
}
