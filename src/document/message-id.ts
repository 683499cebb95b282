// `email.message_id` holds the RFC 5322 Message-ID without its angle brackets, whether it was read from a
// `Message-ID:` header or from a gateway's log line (which writes it as `<local@domain>`, or bare): a message's
// header document and its log events meet on this one value.

/** `<abc@example.com>` (or ` abc@example.com `) → `abc@example.com`; empty when nothing is left. */
export function messageIdValue(raw: string): string {
  let v = raw.trim();
  const open = v.indexOf('<');
  if (open !== -1) {
    const close = v.indexOf('>', open + 1);
    v = v.slice(open + 1, close === -1 ? undefined : close);
  }
  return v.trim();
}
