/** One header field after unfolding and RFC 2047 decoding. Shape follows postal-mime's header list. */
export interface HeaderField {
  /** Lowercased name, the lookup key. */
  readonly key: string;
  /** Name as written in the message. */
  readonly originalKey: string;
  /** Unfolded, encoded-words decoded, trimmed value. */
  readonly value: string;
  /** Position in its block, 0 = topmost (the hop closest to the mailbox). */
  readonly index: number;
}

/** Header block of one MIME part (e.g. X-KSMG-AntiVirus-Status is written into parts). */
export interface MimePartHeaders {
  /** IMAP-style part path: "1", "1.2", … */
  readonly path: string;
  readonly fields: readonly HeaderField[];
}

/** Everything the parsers may read about one message: headers only, never bodies. */
export interface HeaderBlock {
  readonly fields: readonly HeaderField[];
  /** Lowercased name → every occurrence, top first. Detection is a lookup here, not a scan. */
  readonly byName: ReadonlyMap<string, readonly HeaderField[]>;
  readonly parts: readonly MimePartHeaders[];
  /** Problems met while splitting (caps hit, lines without a colon, …). */
  readonly warnings: readonly string[];
}
