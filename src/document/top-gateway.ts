// Which gateway the document's top level describes when a message carries several (README "Which gateway is the
// top level"). A gateway that only stamps — `X-Virus-Scanned: amavisd-new at …`, `X-VirusChecked: Checked` — has
// nothing to count, so it never hides a gateway that judged the message.
import type { GatewayResult } from './types.js';

/** Spam verdict, scan status or anti-virus result beyond "unknown"/"none": the gateway judged the message. */
export function gaveVerdict(g: GatewayResult): boolean {
  if (g.spam !== undefined && g.spam.verdict !== 'unknown' && g.spam.verdict !== 'none') return true;
  if (g.scan !== undefined && g.scan.status !== 'unknown') return true;
  return g.av !== undefined && g.av.status !== 'unknown';
}

/**
 * The top-level gateway: the configured one (the mailbox is that gateway's quarantine) when its headers are
 * present; else the verdict-giving gateway closest to the mailbox (smallest position); else the closest stamp.
 */
export function pickTopGateway(gateways: readonly GatewayResult[], configured?: string): GatewayResult | undefined {
  let closest: GatewayResult | undefined;
  let closestVerdict: GatewayResult | undefined;
  let closestConfigured: GatewayResult | undefined;
  for (const g of gateways) {
    if (closest === undefined || g.position < closest.position) closest = g;
    if (gaveVerdict(g) && (closestVerdict === undefined || g.position < closestVerdict.position)) closestVerdict = g;
    if (configured !== undefined && g.id === configured && (closestConfigured === undefined || g.position < closestConfigured.position)) {
      closestConfigured = g;
    }
  }
  return closestConfigured ?? closestVerdict ?? closest;
}
