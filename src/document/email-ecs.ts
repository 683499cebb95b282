// ECS email fields beyond the envelope basics: Cc recipients, attachments named in MIME part headers, and the
// direction of the message relative to the organisation's own domains.
import libmime from 'libmime';
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import { extractAddresses } from './extract-addresses.js';
import type { EmailAttachment, EmailDirection } from './types.js';

/** Bound on attachments listed per message: a part bomb must not become a huge document. */
const MAX_ATTACHMENTS = 50;
const MAX_NAME_CHARS = 255;
const MAX_PARAM_CHARS = 4096;

export function ccAddresses(block: HeaderBlock): string[] {
  const address: string[] = [];
  for (const f of block.byName.get('cc') ?? []) extractAddresses(f.value, address);
  return address;
}

function headerParams(value: string | undefined): { value: string; params: Record<string, string> } | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = libmime.parseHeaderValue(value.length > MAX_PARAM_CHARS ? value.slice(0, MAX_PARAM_CHARS) : value);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.params)) if (typeof v === 'string') params[k.toLowerCase()] = v;
    return { value: parsed.value.trim().toLowerCase(), params };
  } catch {
    return undefined;
  }
}

function decodeName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let name = raw;
  try {
    name = libmime.decodeWords(raw);
  } catch {
    // keep the raw form
  }
  name = name.trim();
  return name === '' ? undefined : name.slice(0, MAX_NAME_CHARS);
}

function firstValue(fields: readonly HeaderField[], key: string): string | undefined {
  for (const f of fields) if (f.key === key) return f.value;
  return undefined;
}

/**
 * A part is an attachment when its Content-Disposition says so or it carries a file name (Content-Disposition
 * `filename`, Content-Type `name`); multipart containers and inline bodies without a name are not.
 * The size is the RFC 2183 `size=` parameter when the sender wrote one (bodies are never read).
 */
export function attachments(block: HeaderBlock): EmailAttachment[] {
  const out: EmailAttachment[] = [];
  for (const part of block.parts) {
    if (out.length >= MAX_ATTACHMENTS) break;
    const type = headerParams(firstValue(part.fields, 'content-type'));
    if (type?.value.startsWith('multipart/') === true) continue;
    const disposition = headerParams(firstValue(part.fields, 'content-disposition'));
    const name = decodeName(disposition?.params['filename']) ?? decodeName(type?.params['name']);
    if (name === undefined && disposition?.value !== 'attachment') continue;
    const file: EmailAttachment['file'] = {};
    if (name !== undefined) file.name = name;
    if (type !== undefined && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type.value)) file.mime_type = type.value;
    const size = disposition?.params['size'];
    if (size !== undefined && /^\d{1,15}$/.test(size.trim())) file.size = Number(size.trim());
    out.push({ file });
  }
  return out;
}

function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0) return undefined;
  const d = address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
  return d === '' ? undefined : d;
}

function isInternal(domain: string, internal: readonly string[]): boolean {
  return internal.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/**
 * inbound: external sender, some internal recipient; outbound: internal sender, some external recipient;
 * internal: internal sender and only internal recipients. Without configured internal domains, a sender
 * or recipients → unknown.
 */
export function emailDirection(sender: string | undefined, recipients: readonly string[], internalDomains: readonly string[]): EmailDirection {
  if (internalDomains.length === 0 || sender === undefined) return 'unknown';
  const senderDomain = domainOf(sender);
  const domains = recipients.map(domainOf).filter((d): d is string => d !== undefined);
  if (senderDomain === undefined || domains.length === 0) return 'unknown';
  const internal = internalDomains.map((d) => d.toLowerCase().replace(/^\.|\.$/g, ''));
  const fromInside = isInternal(senderDomain, internal);
  const anyExternal = domains.some((d) => !isInternal(d, internal));
  if (fromInside) return anyExternal ? 'outbound' : 'internal';
  return anyExternal && !domains.some((d) => isInternal(d, internal)) ? 'unknown' : 'inbound';
}
