// One demo message from one fixture: the fixture's header fields with the time, routing ids, Message-ID,
// sender, recipient, subject and (Kaspersky) anti-spam status/rate replaced, so every message has its own
// header block (and `_id`) while each gateway's headers keep the grammar the parsers were tested on.
import { Buffer } from 'node:buffer';
import { fieldValue, type DemoTemplate, type TemplateField } from './demo-template.js';
import { formatBasesDate, formatMailDate } from './rfc5322-date.js';
import type { SeededRandom } from './seeded-random.js';

export interface MessageVariation {
  /** When the topmost gateway handled the message (its Received date; the document's @timestamp). */
  time: Date;
  offsetMinutes: number;
  /** Unique per message in a quarantine; part of the Message-ID. */
  sequence: number;
  senderAddress: string;
  recipientAddress: string;
  /** Plain text; encoded here when not ASCII. */
  subject: string;
  /** Kaspersky: replaces the topmost gateway's anti-spam status and rate. */
  antiSpam?: { status: string; rate: number };
}

const HOUR_MS = 3_600_000;

export function buildVariedMessage(template: DemoTemplate, v: MessageVariation, rand: SeededRandom): string {
  const original = originalSender(template.fields);
  const senderDomain = domainOf(v.senderAddress);
  let receivedTime = v.time.getTime();
  let receivedCount = 0;
  let statusDone = false;
  let rateDone = false;
  const out: string[] = [];
  for (const field of template.fields) {
    const lower = field.lower;
    let text = field.text;
    if (lower === 'received') {
      if (receivedCount > 0) receivedTime -= rand.int(1, 6) * 1000;
      receivedCount++;
      text = replaceReceivedIds(replaceReceivedDate(text, formatMailDate(new Date(receivedTime), v.offsetMinutes)), rand);
    } else if (lower === 'date') {
      text = `${field.name}: ${formatMailDate(new Date(v.time.getTime() - rand.int(3, 120) * 1000), v.offsetMinutes)}`;
    } else if (lower === 'message-id') {
      text = `${field.name}: <${compactStamp(v.time)}.${v.sequence}.${rand.token(10)}@${senderDomain}>`;
    } else if (lower === 'from') {
      text = `${field.name}: ${fieldValue(field).includes('<') ? `${displayName(v.senderAddress)} <${v.senderAddress}>` : v.senderAddress}`;
    } else if (lower === 'to') {
      text = `${field.name}: ${v.recipientAddress}`;
    } else if (lower === 'subject') {
      text = `${field.name}: ${encodeHeaderText(v.subject)}`;
    } else if (lower.startsWith('x-')) {
      text = varyVendorField(field, text, v, original, rand);
      if (v.antiSpam !== undefined && isKaspersky(lower)) {
        if (!statusDone && lower.endsWith('-antispam-status')) {
          statusDone = true;
          text = `${field.name}: ${v.antiSpam.status}`;
        } else if (!rateDone && lower.endsWith('-antispam-rate')) {
          rateDone = true;
          text = `${field.name}: ${v.antiSpam.rate}`;
        }
      }
    }
    out.push(text);
  }
  const body = template.body.endsWith('\n') ? template.body : `${template.body}\n`;
  return `${out.join('\n')}\n\n${body}`.replace(/\r?\n/g, '\r\n');
}

function isKaspersky(lower: string): boolean {
  return lower.startsWith('x-ksmg-') || lower.startsWith('x-klms-');
}

/** Sender address/domain inside vendor headers (envelope from, auth, info), bases and profile dates. */
function varyVendorField(field: TemplateField, text: string, v: MessageVariation, original: { address: string; domain: string }, rand: SeededRandom): string {
  const lower = field.lower;
  if (lower.endsWith('-envelope-from')) return `${field.name}: ${v.senderAddress}`;
  let out = text;
  if ((lower.endsWith('-auth') || lower.endsWith('-info')) && original.domain !== '') {
    if (original.address !== '') out = out.split(original.address).join(v.senderAddress);
    out = out.split(original.domain).join(domainOf(v.senderAddress));
  }
  if (lower.includes('antivirus') || lower.includes('antiphishing') || lower.includes('linksscanning')) {
    out = replaceBasesDates(out, new Date(v.time.getTime() - rand.int(1, 8) * HOUR_MS), v.offsetMinutes);
  }
  if (lower.endsWith('-lua-profiles')) out = replaceProfileDate(out, v.time);
  return out;
}

/** Received: the date is everything after the last ';' (whitespace and folding before it kept). */
export function replaceReceivedDate(text: string, date: string): string {
  const semi = text.lastIndexOf(';');
  if (semi === -1) return text;
  let i = semi + 1;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n')) i++;
  const gap = i === semi + 1 ? ' ' : text.slice(semi + 1, i);
  return `${text.slice(0, semi + 1)}${gap}${date}`;
}

/** " id <token>" (SMTP queue ids) → a fresh token of the same shape. */
function replaceReceivedIds(text: string, rand: SeededRandom): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(' id ', from); at !== -1; at = text.indexOf(' id ', from)) {
    const start = at + 4;
    let end = start;
    while (end < text.length && isAlnum(text.charCodeAt(end))) end++;
    const old = text.slice(start, end);
    out += text.slice(from, start) + (old === '' ? '' : freshToken(old, rand));
    from = end;
  }
  return out + text.slice(from);
}

function freshToken(old: string, rand: SeededRandom): string {
  if (/^\d+$/.test(old)) return String(rand.int(10 ** (old.length - 1), 10 ** old.length - 1));
  const alphabet = 'ABCDEFGHJKLMNPQRSTVWXYZabcdefghijkmnpqrstvwxyz0123456789';
  let s = '';
  for (let i = 0; i < old.length; i++) s += alphabet[rand.int(0, alphabet.length - 1)];
  return s;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const BASES_DATE = /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}(?::\d{2})?/g;

function replaceBasesDates(text: string, when: Date, offsetMinutes: number): string {
  const full = formatBasesDate(when, offsetMinutes);
  return text.replace(BASES_DATE, (m) => (m.length === 16 ? full.slice(0, 16) : full));
}

const PROFILE_DATE = /\[[A-Z][a-z]{2} \d{2} \d{4}\]/g;
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function replaceProfileDate(text: string, when: Date): string {
  const day = String(when.getUTCDate()).padStart(2, '0');
  return text.replace(PROFILE_DATE, `[${SHORT_MONTHS[when.getUTCMonth()]} ${day} ${when.getUTCFullYear()}]`);
}

function originalSender(fields: readonly TemplateField[]): { address: string; domain: string } {
  const from = fields.find((f) => f.lower === 'from');
  if (from === undefined) return { address: '', domain: '' };
  const value = fieldValue(from);
  const lt = value.lastIndexOf('<');
  const address = (lt === -1 ? value : value.slice(lt + 1, value.indexOf('>', lt) === -1 ? undefined : value.indexOf('>', lt))).trim();
  return { address, domain: domainOf(address) };
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : address.slice(at + 1);
}

function displayName(address: string): string {
  const local = address.slice(0, Math.max(0, address.indexOf('@')));
  const words = local.split(/[._-]/).filter((w) => w !== '').map((w) => w[0]!.toUpperCase() + w.slice(1));
  return `"${words.join(' ') || 'Sender'}"`;
}

function compactStamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** RFC 2047 B-encoded UTF-8 words (each under 75 characters), folded, when the text is not plain ASCII. */
export function encodeHeaderText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 36) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\n ');
}
