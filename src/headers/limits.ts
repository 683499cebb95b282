/**
 * Caps on what the header reader looks at, so no input can make it slow or memory-hungry.
 * Hitting a cap is not an error: reading stops there and the block gets a `cap:<name>` warning.
 */
export interface HeaderLimits {
  /** Bytes of one header section (message or MIME part) that are split into fields. */
  maxHeaderBytes: number;
  /** Fields kept per header section. */
  maxHeaders: number;
  /** Length of one physical line and of one unfolded field value (longer ones are cut). */
  maxLineBytes: number;
  /** MIME parts whose headers are collected, over all nesting levels. */
  maxParts: number;
  /** Multipart nesting levels descended into (the message's own multipart is level 1). */
  maxDepth: number;
  /** Bytes of the message body searched for MIME boundaries. */
  maxBodyScanBytes: number;
}

/**
 * Why these numbers:
 * - 256 KiB of headers: real blocks are 2–20 KB (long Received chains, ARC sets, DKIM); 256 KiB is
 *   >10× the largest seen and still cheap to split (well under a millisecond).
 * - 1000 fields: a long relay chain with ARC and vendor headers stays under ~200.
 * - 32 KiB per line/value: RFC 5322 allows 998 bytes per line; folded AntiSpam-Info / IronPort
 *   values reach a few KB. The cap bounds the per-value work of every vendor tokenizer.
 * - 100 parts, depth 8: gateways stamp part headers on attachments; a real message rarely has more
 *   than a few dozen parts or more than 3–4 nesting levels. Deeper trees are abuse (MIME bombs).
 * - 16 MiB of body scanned: the common gateway size limit is 10–50 MB; boundaries are found with a
 *   native substring search, so 16 MiB costs a few milliseconds and bounds the worst case.
 */
export const DEFAULT_HEADER_LIMITS: Readonly<HeaderLimits> = Object.freeze({
  maxHeaderBytes: 256 * 1024,
  maxHeaders: 1000,
  maxLineBytes: 32 * 1024,
  maxParts: 100,
  maxDepth: 8,
  maxBodyScanBytes: 16 * 1024 * 1024,
});

/** Defaults overlaid with the given values; non-positive or non-finite values fall back to the default. */
export function resolveLimits(partial?: Partial<HeaderLimits>): Readonly<HeaderLimits> {
  if (partial === undefined) return DEFAULT_HEADER_LIMITS; // frozen: no copy per message
  const out: HeaderLimits = { ...DEFAULT_HEADER_LIMITS };
  for (const key of Object.keys(out) as (keyof HeaderLimits)[]) {
    const value = partial[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[key] = Math.floor(value);
  }
  return out;
}
