import type { AuthResults, GatewayResult } from '../document/types.js';
import type { HeaderBlock } from '../headers/types.js';

/** Authentication results found outside a gateway's own header (Authentication-Results, Received-SPF, …). */
export interface AuthFinding {
  auth: AuthResults;
  /** Position of the header in the block; the topmost finding wins. */
  position: number;
}

export interface ParserOutput {
  gateways: GatewayResult[];
  auth?: AuthFinding[];
  warnings: string[];
}

/**
 * One vendor family. Pure: no I/O, never throws on bad input (the registry still guards it).
 * Detection is a name lookup: the registry calls `parse` only when the block holds one of
 * `headerNames` or a name starting with one of `headerPrefixes` (all lowercase).
 */
export interface VendorParser {
  readonly id: string;
  readonly headerNames: readonly string[];
  readonly headerPrefixes: readonly string[];
  parse(block: HeaderBlock): ParserOutput;
}
